"""Forms of the trade-promotion pages: events, participants, registration, decisions, results."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.choices import Level
from areas.forms import AreaIdField
from areas.models import AdministrativeUnit
from core.forms import BootstrapMixin
from producers.models import Producer
from products.models import Product
from programme.event_services import EVENT_FIELDS
from programme.models import MAX_COUNT, MAX_SALES_VALUE, Event

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def managed_provinces(user):
    """The provinces where `user` may manage events (today's units first)."""
    return (
        AdministrativeUnit.objects.for_user(user, "programme.manage_events")
        .filter(level=Level.PROVINCE, valid_until__isnull=True)
        .order_by("name")
    )


class EventForm(BootstrapMixin, forms.ModelForm):
    area = AreaIdField(label=_("Đơn vị hành chính nơi tổ chức"), required=False)

    class Meta:
        model = Event
        fields = EVENT_FIELDS
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = managed_provinces(user)
        if self.instance.pk:  # an event recorded under a former province stays editable under it
            provinces = provinces | AdministrativeUnit.objects.filter(pk=self.instance.province_id)
        self.fields["province"].queryset = provinces
        self.fields["province"].empty_label = None
        if self.instance.area_id:  # the picker shows the unit's label, not its database id
            self.initial["area"] = self.instance.area

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Ngày kết thúc không được trước ngày bắt đầu."))
        return data

    def _post_clean(self):
        # the service validates the model (with the scope check first); the form only checks the fields
        pass


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do hủy"), max_length=500)


class ParticipantForm(BootstrapMixin, forms.Form):
    producer = forms.ModelChoiceField(label=_("Chủ thể"), queryset=Producer.objects.none())
    products = forms.ModelMultipleChoiceField(
        label=_("Sản phẩm trưng bày"),
        queryset=Product.objects.none(),
        help_text=_("Chỉ chọn sản phẩm của chủ thể đã chọn."),
    )

    def __init__(self, *args, producers, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = producers
        self.fields["products"].queryset = products.select_related("producer")
        self.fields["products"].label_from_instance = lambda p: f"{p.name} ({p.producer.name})"


class DeclineForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do không nhận"), max_length=500)


class ResultsForm(BootstrapMixin, forms.Form):
    contracts_signed = forms.IntegerField(
        label=_("Số hợp đồng ký kết"), required=False, min_value=0, max_value=MAX_COUNT
    )
    sales_value = forms.DecimalField(
        label=_("Doanh số (đồng)"),
        required=False,
        min_value=0,
        max_value=MAX_SALES_VALUE,
        decimal_places=0,
        max_digits=18,
        error_messages={"max_decimal_places": _("Doanh số ghi bằng đồng, không có phần lẻ.")},
    )
    new_buyers = forms.IntegerField(label=_("Số khách hàng mới"), required=False, min_value=0, max_value=MAX_COUNT)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


def _this_year():
    return timezone.localdate().year


class EventReportFilter(BootstrapMixin, forms.Form):
    """The report page's and its export's filter (one class, so the export equals the screen)."""

    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    area = AreaIdField(label=_("Địa bàn"), required=False)

    def year_value(self) -> int:
        return (self.cleaned_data.get("year") if self.is_valid() else None) or _this_year()

    def area_value(self):
        return self.cleaned_data.get("area") if self.is_valid() else None


class NeverPromotedFilter(BootstrapMixin, forms.Form):
    area = AreaIdField(label=_("Địa bàn"), required=False)

    def area_value(self):
        return self.cleaned_data.get("area") if self.is_valid() else None
