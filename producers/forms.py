from django import forms
from django.utils.translation import gettext_lazy as _

from areas.choices import Level, Scheme
from areas.forms import AreaIdField
from core.forms import BootstrapMixin
from producers.models import Producer


class ProducerForm(BootstrapMixin, forms.ModelForm):
    location_id = AreaIdField(
        level=Level.COMMUNE,
        label=_("Xã, phường (mã địa bàn)"),
        help_text=_("Mã theo địa giới mới, ví dụ 2025:03328 (Xã Thanh Nưa)."),
    )

    class Meta:
        model = Producer
        fields = [
            "name",
            "producer_type",
            "registration_no",
            "legal_representative",
            "phone",
            "email",
            "address",
            "women_led",
            "ethnic_minority_led",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["location_id"].initial = str(self.instance.location.area_id)

    def clean_location_id(self):
        unit = self.cleaned_data["location_id"]
        if unit.scheme != Scheme.S2025 and (self.instance.pk is None or self.instance.location_id != unit.pk):
            raise forms.ValidationError(_("Chủ thể mới ghi theo địa giới từ 01/07/2025 (mã 2025:…)."))
        return unit

    def service_values(self):
        values = {f: self.cleaned_data[f] for f in self.Meta.fields}
        values["location"] = self.cleaned_data["location_id"]
        return values
