"""Forms of the support ledger: one line, and the filter shared by the list, the report, its export and the API."""

from django import forms
from django.utils.translation import gettext_lazy as _

from areas.choices import Level
from areas.forms import AreaIdField
from areas.models import AdministrativeUnit
from certification.forms import ImportForm
from core.forms import BootstrapMixin
from producers.forms import ProducerField
from products.models import Product
from programme.choices import FundingSource, SupporterLevel, SupportPurpose
from programme.funding_queries import Filters
from programme.funding_services import MAX_YEAR, MIN_YEAR, SUPPORT_FIELDS
from programme.models import MAX_SUPPORT_AMOUNT, LinkageProject, PlanLine, SupportLine

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACTION = "programme.manage_funding"


def managed_provinces(user):
    return (
        AdministrativeUnit.objects.for_user(user, ACTION)
        .filter(level=Level.PROVINCE, valid_until__isnull=True)
        .order_by("name")
    )


def _amount(label):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_SUPPORT_AMOUNT,
        max_digits=18,
        decimal_places=0,
        help_text=_("Ghi bằng đồng; để trống nếu chưa xác định."),
        error_messages={"max_decimal_places": _("Số tiền ghi bằng đồng, không có phần lẻ.")},
    )


class SupportLineForm(BootstrapMixin, forms.ModelForm):
    producer = ProducerField(label=_("Chủ thể"), required=False, action="producers.view")
    commune = AreaIdField(label=_("Xã được hỗ trợ"), required=False, level=Level.COMMUNE)
    amount_planned = _amount(_("Kinh phí kế hoạch (đồng)"))
    amount_disbursed = _amount(_("Kinh phí đã giải ngân (đồng)"))

    class Meta:
        model = SupportLine
        fields = SUPPORT_FIELDS
        widgets = {
            "disbursed_on": DATE_WIDGET,
            "decision_date": DATE_WIDGET,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = managed_provinces(user)
        if self.instance.pk:  # a line recorded under a former province stays editable under it
            provinces = provinces | AdministrativeUnit.objects.filter(pk=self.instance.province_id)
        self.fields["province"].queryset = provinces
        self.fields["province"].empty_label = None
        self.fields["producer"].user = user
        products = Product.objects.for_user(user, ACTION).select_related("producer").order_by("search_name")
        self.fields["product"].queryset = products
        self.fields["product"].label_from_instance = lambda p: f"{p.name} ({p.producer.name})"
        self.fields["product"].help_text = _("Chủ thể của sản phẩm được ghi theo sản phẩm.")
        self.fields["linkage_project"].queryset = LinkageProject.objects.for_user(user, ACTION).order_by("name")
        self.fields["plan_line"].queryset = (
            PlanLine.objects.for_user(user, ACTION).select_related("plan").order_by("-plan__year", "plan", "position")
        )
        self.fields["plan_line"].label_from_instance = lambda line: (
            f"{line.plan.year} · {line.plan.title} · {line.name}"
        )
        if self.instance.pk:  # the pickers show labels, not database ids
            self.initial["producer"] = self.instance.producer
            self.initial["commune"] = self.instance.commune

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in ("producer", "product", "linkage_project", "commune", "plan_line")):
            self.add_error(
                None,
                _(
                    "Hãy chọn đối tượng được hỗ trợ: chủ thể, sản phẩm, dự án liên kết, xã "
                    "hoặc sản phẩm trong kế hoạch."
                ),
            )
        return data

    def _post_clean(self):
        # the service validates the line (its scope check first); the form only checks the fields
        pass

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in SUPPORT_FIELDS}

    @property
    def overrun(self) -> bool:
        """Disbursed above planned: allowed (top-ups happen), but said, so a typo is caught."""
        data = getattr(self, "cleaned_data", {})
        planned, disbursed = data.get("amount_planned"), data.get("amount_disbursed")
        return planned is not None and disbursed is not None and disbursed > planned


class SupportFilterForm(BootstrapMixin, forms.Form):
    """The filter of the list, the report, their Excel and the API (one class, so they all agree)."""

    year = forms.IntegerField(label=_("Năm"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    year_from = forms.IntegerField(label=_("Từ năm"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    year_to = forms.IntegerField(label=_("Đến năm"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    area = AreaIdField(label=_("Địa bàn"), required=False)
    source = forms.ChoiceField(label=_("Nguồn vốn"), required=False, choices=[("", "—"), *FundingSource.choices])
    purpose = forms.ChoiceField(
        label=_("Nội dung hỗ trợ"), required=False, choices=[("", "—"), *SupportPurpose.choices]
    )
    supporter = forms.ChoiceField(label=_("Cấp hỗ trợ"), required=False, choices=[("", "—"), *SupporterLevel.choices])
    product = forms.IntegerField(label=_("Sản phẩm (mã)"), required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        low, high = data.get("year_from"), data.get("year_to")
        if low and high and high < low:
            self.add_error("year_to", _("Năm kết thúc không được trước năm bắt đầu."))
        return data

    def filters(self) -> Filters:
        """The filter asked for; an invalid form filters nothing more than the user's scope (its errors are shown)."""
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        year = data.get("year")
        return Filters(
            year_from=year or data.get("year_from"),
            year_to=year or data.get("year_to"),
            area=data.get("area"),
            source=data.get("source") or "",
            purpose=data.get("purpose") or "",
            supporter=data.get("supporter") or "",
            product=data.get("product"),
        )


class SupportImportForm(ImportForm):
    kind = None  # one layout only
