from django import forms
from django.utils.translation import gettext_lazy as _

from areas.choices import Level
from areas.forms import AreaIdField
from core.forms import BootstrapMixin
from producers.forms import ProducerField, check_in_scope


class CurrentLocationForm(BootstrapMixin, forms.Form):
    current_location = forms.ModelChoiceField(
        label=_("Xã hiện nay"), queryset=None, empty_label=_("— chưa chọn —"), required=False
    )

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        from areas.models import AdministrativeUnit

        self.fields["current_location"].queryset = AdministrativeUnit.objects.filter(
            predecessions__predecessor=product.location
        ).order_by("name")
        self.fields["current_location"].initial = product.current_location_id


class ProductForm(BootstrapMixin, forms.ModelForm):
    """A product's own page, created or edited by an officer: the producer and the commune are picked by name (from
    the officer's areas), never typed as codes."""

    producer = ProducerField(label=_("Chủ thể"), action="products.change")
    location = AreaIdField(
        level=Level.COMMUNE,
        label=_("Xã nơi đăng ký"),
        required=False,
        help_text=_("Gõ tên xã, phường (có hoặc không dấu) rồi chọn trong danh sách. Để trống: xã của chủ thể."),
    )

    class Meta:
        from products.models import Product

        model = Product
        fields = ["name", "group", "subgroup", "status", "description", "story"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "story": forms.Textarea(attrs={"rows": 6})}

    field_order = ["producer", "name", "location"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["producer"].user = user
        self.fields["group"].empty_label = _("— Chọn nhóm sản phẩm —")
        self.fields["subgroup"].empty_label = _("— Không ghi —")
        if self.instance.pk:
            self.fields["producer"].initial = self.instance.producer
            self.fields["location"].initial = self.instance.location

    def clean_location(self):
        return check_in_scope(self.user, "products.change", self.cleaned_data["location"])

    def service_values(self) -> dict:
        """What the product service is given: the fields, the producer, and the commune (the producer's when left
        empty). A new commune drops the current commune recorded for the old one."""
        values = {f: self.cleaned_data[f] for f in self.Meta.fields}
        values["producer"] = self.cleaned_data["producer"]
        location = self.cleaned_data["location"] or values["producer"].location
        values["location"] = location
        if self.instance.pk and location.pk != self.instance.location_id:
            values["current_location"] = None
        return values
