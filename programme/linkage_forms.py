"""Forms of the linkage pages: projects, partners, yearly results, investment projects, raw-material areas, filters.
Forms check the fields; the services check the rules (area, scope) and their refusals land on the named field."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.choices import Level
from areas.forms import AreaIdField
from areas.models import AdministrativeUnit
from core.forms import BootstrapMixin
from producers.models import Producer
from products.models import Product
from programme.linkage_services import INVESTMENT_FIELDS, PARTNER_FIELDS, PROJECT_FIELDS, RAW_AREA_FIELDS
from programme.models import (
    AreaCertification,
    InvestmentProject,
    InvestmentStage,
    LinkagePartner,
    LinkageProject,
    LinkageStatus,
    RawMaterialArea,
)
from programme.models.linkages import MAX_AREA_HA, MAX_HOUSEHOLDS, MAX_OUTPUT, MAX_YEAR, MIN_YEAR

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MANAGE = "programme.manage_linkages"


def managed_provinces(user):
    """Today's provinces where `user` may record linkage and investment projects."""
    return (
        AdministrativeUnit.objects.for_user(user, MANAGE)
        .filter(level=Level.PROVINCE, valid_until__isnull=True)
        .order_by("name")
    )


def managed_communes(user):
    """Communes of either scheme in the user's managed area (the service checks they lie in the project's province).
    Old communes are offered too: a project that began before 07/2025 names the communes of its decision."""
    return (
        AdministrativeUnit.objects.for_user(user, MANAGE)
        .filter(level=Level.COMMUNE)
        .select_related("parent")
        .order_by("-scheme", "name", "pk")
    )


def _commune_label(unit):
    suffix = _("trước 07/2025") if unit.scheme == "pre2025" else _("từ 07/2025")
    return f"{unit.name}, {unit.parent.name if unit.parent_id else ''} ({suffix})"


def visible_producers(user):
    return Producer.objects.for_user(user, "producers.view").order_by("search_name")


def _set_communes(form, user, instance):
    field = form.fields["communes"]
    queryset = managed_communes(user)
    if instance is not None and instance.pk:  # keep what was recorded, even beyond today's area
        queryset = queryset | AdministrativeUnit.objects.filter(pk__in=instance.communes.values("pk"))
    field.queryset = queryset.select_related("parent")
    field.label_from_instance = _commune_label
    field.widget.attrs["class"] = "form-check-input"  # BootstrapMixin gave the check boxes form-control


def _provinces(form, user, instance):
    provinces = managed_provinces(user)
    if instance is not None and instance.pk:
        provinces = provinces | AdministrativeUnit.objects.filter(pk=instance.province_id)
    form.fields["province"].queryset = provinces
    form.fields["province"].empty_label = None


class _ModelFieldsOnly:
    def _post_clean(self):
        # the service validates the model (after its scope check); the form only checks the fields
        pass


class ProjectForm(BootstrapMixin, _ModelFieldsOnly, forms.ModelForm):
    communes = forms.ModelMultipleChoiceField(
        label=_("Xã tham gia"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        # Check boxes in a scrolling box: a multiple select needs Ctrl/⌘, which phones and many users do not know.
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Đánh dấu một hoặc nhiều xã."),
    )
    products = forms.ModelMultipleChoiceField(
        label=_("Sản phẩm OCOP liên quan"),
        queryset=Product.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = LinkageProject
        fields = [*PROJECT_FIELDS, "status"]
        widgets = {
            "contract_start": DATE_WIDGET,
            "contract_end": DATE_WIDGET,
            "approval_date": DATE_WIDGET,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _provinces(self, user, self.instance)
        _set_communes(self, user, self.instance)
        self.fields["lead"].queryset = visible_producers(user)
        products = Product.objects.for_user(user, MANAGE).select_related("producer").order_by("name")
        if self.instance.pk:
            products = products | Product.objects.filter(pk__in=self.instance.products.values("pk"))
            self.initial["communes"] = list(self.instance.communes.values_list("pk", flat=True))
            self.initial["products"] = list(self.instance.products.values_list("pk", flat=True))
            del self.fields["status"]  # changed on the detail page (its own audited action)
        self.fields["products"].queryset = products
        self.fields["products"].widget.attrs["class"] = "form-check-input"  # not BootstrapMixin's form-control

    def clean(self):
        data = super().clean()
        start, end = data.get("contract_start"), data.get("contract_end")
        if start and end and end < start:
            self.add_error("contract_end", _("Ngày kết thúc hợp đồng không được trước ngày bắt đầu."))
        return data


class StatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("Tình trạng mới"), choices=LinkageStatus.choices)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class PartnerForm(BootstrapMixin, _ModelFieldsOnly, forms.ModelForm):
    commune = forms.ModelChoiceField(label=_("Xã"), queryset=AdministrativeUnit.objects.none(), required=False)

    class Meta:
        model = LinkagePartner
        fields = PARTNER_FIELDS
        widgets = {"contract_date": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = visible_producers(user)
        self.fields["producer"].help_text = _("Để trống nếu bên liên kết là hộ, nhóm hộ chưa có trong danh sách.")
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Để trống thì lấy tên chủ thể đã chọn.")
        communes = managed_communes(user)
        if self.instance.commune_id:
            communes = communes | AdministrativeUnit.objects.filter(pk=self.instance.commune_id)
        self.fields["commune"].queryset = communes.select_related("parent")
        self.fields["commune"].label_from_instance = _commune_label


class ResultForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    area_ha = forms.DecimalField(
        label=_("Diện tích thực hiện (ha)"), required=False, min_value=0, max_value=MAX_AREA_HA, decimal_places=2
    )
    output = forms.DecimalField(
        label=_("Sản lượng tiêu thụ qua liên kết"), required=False, min_value=0, max_value=MAX_OUTPUT, decimal_places=2
    )
    output_unit = forms.CharField(label=_("Đơn vị sản lượng"), max_length=20, required=False)
    value = forms.DecimalField(
        label=_("Giá trị (đồng)"),
        required=False,
        min_value=0,
        max_value=10**15,
        decimal_places=0,
        max_digits=18,
        error_messages={"max_decimal_places": _("Số tiền ghi bằng đồng, không có phần lẻ.")},
    )
    households = forms.IntegerField(label=_("Số hộ tham gia"), required=False, min_value=0, max_value=MAX_HOUSEHOLDS)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class InvestmentForm(BootstrapMixin, _ModelFieldsOnly, forms.ModelForm):
    communes = forms.ModelMultipleChoiceField(
        label=_("Xã thực hiện"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        # Check boxes in a scrolling box: a multiple select needs Ctrl/⌘, which phones and many users do not know.
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Đánh dấu một hoặc nhiều xã."),
    )

    class Meta:
        model = InvestmentProject
        fields = INVESTMENT_FIELDS
        widgets = {"decision_date": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _provinces(self, user, self.instance)
        _set_communes(self, user, self.instance)
        self.fields["investor"].queryset = visible_producers(user)
        if self.instance.pk:
            self.initial["communes"] = list(self.instance.communes.values_list("pk", flat=True))


class RawAreaForm(BootstrapMixin, _ModelFieldsOnly, forms.ModelForm):
    communes = forms.ModelMultipleChoiceField(
        label=_("Xã có vùng nguyên liệu"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        # Check boxes in a scrolling box: a multiple select needs Ctrl/⌘, which phones and many users do not know.
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Đánh dấu một hoặc nhiều xã."),
    )

    class Meta:
        model = RawMaterialArea
        fields = RAW_AREA_FIELDS
        widgets = {"certified_until": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _set_communes(self, user, self.instance)
        self.fields["product"].queryset = (
            Product.objects.for_user(user, MANAGE).select_related("producer").order_by("name")
        )
        self.fields["product"].label_from_instance = lambda p: f"{p.name} ({p.producer.name})"
        self.fields["linkage_project"].queryset = LinkageProject.objects.for_user(user, MANAGE).order_by("name")
        self.fields["investment_project"].queryset = InvestmentProject.objects.for_user(user, MANAGE).order_by("name")
        if self.instance.pk:
            self.initial["communes"] = list(self.instance.communes.values_list("pk", flat=True))
            self.fields["product"].disabled = True  # an area belongs to its product

    def clean(self):
        data = super().clean()
        if data.get("certification") == AreaCertification.NONE and (
            data.get("certificate_no") or data.get("certified_until")
        ):
            self.add_error("certification", _("Vùng chưa chứng nhận thì không ghi số, hạn giấy chứng nhận."))
        return data


class RawYearForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    area_ha = forms.DecimalField(
        label=_("Diện tích (ha)"), required=False, min_value=0, max_value=MAX_AREA_HA, decimal_places=2
    )
    output_tonnes = forms.DecimalField(
        label=_("Sản lượng (tấn)"), required=False, min_value=0, max_value=MAX_OUTPUT, decimal_places=2
    )
    households = forms.IntegerField(label=_("Số hộ tham gia"), required=False, min_value=0, max_value=MAX_HOUSEHOLDS)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


def _this_year():
    return timezone.localdate().year


class _AreaFilter(BootstrapMixin, forms.Form):
    area = AreaIdField(label=_("Địa bàn"), required=False)

    def value(self, name):
        return self.cleaned_data.get(name) if self.is_valid() else None


class LinkageFilter(_AreaFilter):
    """The list's filter, shared by the page and the API (one class, so both answer alike)."""

    status = forms.ChoiceField(
        label=_("Tình trạng"), required=False, choices=[("", _("Mọi tình trạng")), *LinkageStatus.choices]
    )
    year = forms.IntegerField(label=_("Thực hiện trong năm"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    product = forms.IntegerField(label=_("Mã sản phẩm"), required=False, min_value=1, widget=forms.HiddenInput)

    def apply(self, qs):
        from programme.linkage_queries import filter_linkages

        product = self.value("product")
        return filter_linkages(
            qs,
            area=self.value("area"),
            status=self.value("status") or "",
            year=self.value("year"),
            product=Product(pk=product) if product else None,
        )


class InvestmentFilter(_AreaFilter):
    stage = forms.ChoiceField(
        label=_("Giai đoạn"), required=False, choices=[("", _("Mọi giai đoạn")), *InvestmentStage.choices]
    )

    def apply(self, qs):
        from programme.linkage_queries import filter_investments

        return filter_investments(qs, area=self.value("area"), stage=self.value("stage") or "")


class RawAreaFilter(_AreaFilter):
    certification = forms.ChoiceField(
        label=_("Chứng nhận"), required=False, choices=[("", _("Mọi loại")), *AreaCertification.choices]
    )
    product = forms.IntegerField(label=_("Mã sản phẩm"), required=False, min_value=1, widget=forms.HiddenInput)

    def apply(self, qs):
        from programme.linkage_queries import filter_raw_areas

        product = self.value("product")
        return filter_raw_areas(
            qs,
            area=self.value("area"),
            certification=self.value("certification") or "",
            product=Product(pk=product) if product else None,
        )


class LinkageReportFilter(_AreaFilter):
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)

    def year_value(self) -> int:
        return self.value("year") or _this_year()
