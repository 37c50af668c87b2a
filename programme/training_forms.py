"""Forms of the training, communication and honours pages."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.choices import Level
from areas.forms import AreaIdField
from areas.models import AdministrativeUnit
from core.forms import BootstrapMixin
from producers.models import Producer
from products.models import Product
from programme.models import (
    MAX_COST,
    MAX_PEOPLE,
    Audience,
    CommunicationCampaign,
    Honour,
    TrainingCourse,
)
from programme.models.plans import MAX_YEAR, MIN_YEAR
from programme.training_services import CAMPAIGN_FIELDS, COURSE_FIELDS, HONOUR_ACTION, HONOUR_FIELDS, MANAGE

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _provinces_reached(user, action):
    """Today's provinces where `user` holds `action`, or whose commune they hold it in (a commune officer records
    their commune's courses under its province)."""
    units = AdministrativeUnit.objects.for_user(user, action)
    return AdministrativeUnit.objects.filter(
        level=Level.PROVINCE, valid_until__isnull=True, pk__in=units.values("province")
    ).order_by("name")


class _PlacedForm(BootstrapMixin, forms.ModelForm):
    """Shared by courses and campaigns: the owning province among the user's, the organising district or commune
    picked by name, the audience as check boxes."""

    area = AreaIdField(label=_("Huyện, xã tổ chức"), required=False)
    audience = forms.MultipleChoiceField(
        label=_("Đối tượng"), choices=Audience.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = _provinces_reached(user, MANAGE)
        if self.instance.pk:  # a record kept under a former province stays editable under it
            provinces = provinces | AdministrativeUnit.objects.filter(pk=self.instance.province_id)
        self.fields["province"].queryset = provinces
        self.fields["province"].empty_label = None
        self.fields["audience"].widget.attrs["class"] = "form-check-input"
        if self.instance.area_id:  # the picker shows the unit's label, not its database id
            self.initial["area"] = self.instance.area
        self.fields["area"].help_text = _(
            "Để trống nếu tỉnh tổ chức. Cán bộ xã chọn xã của mình. Gõ tên rồi chọn trong danh sách."
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Ngày kết thúc không được trước ngày bắt đầu."))
        if start and not MIN_YEAR <= start.year <= MAX_YEAR:
            self.add_error("start_date", _("Năm phải trong khoảng %(a)s–%(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR})
        return data

    def _post_clean(self):
        # the service validates the model (after its scope check); the form only checks the fields
        pass

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _count_field(label, required=False, initial=None):
    return forms.IntegerField(label=label, required=required, min_value=0, max_value=MAX_PEOPLE, initial=initial)


class CourseForm(_PlacedForm):
    participants = _count_field(_("Số người tham dự (để trống nếu chưa biết)"))
    participants_women = _count_field(_("Trong đó nữ"), initial=0)
    participants_ethnic_minority = _count_field(_("Trong đó người dân tộc thiểu số"), initial=0)
    cost = forms.DecimalField(
        label=_("Kinh phí (đồng)"),
        required=False,
        min_value=0,
        max_value=MAX_COST,
        decimal_places=0,
        max_digits=18,
        error_messages={"max_decimal_places": _("Kinh phí ghi bằng đồng, không có phần lẻ.")},
    )
    communes = forms.ModelMultipleChoiceField(
        label=_("Các xã có người tham dự"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        # Check boxes in a scrolling box: a multiple select needs Ctrl/Cmd, which phones and many users do not know.
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Đánh dấu các xã có người tham dự."),
    )

    class Meta:
        model = TrainingCourse
        fields = COURSE_FIELDS
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        provinces = self.fields["province"].queryset
        communes = AdministrativeUnit.objects.filter(
            level=Level.COMMUNE, valid_until__isnull=True, province__in=provinces.values("pk")
        )
        if self.instance.pk:  # communes of a former scheme stay selectable on the course that names them
            communes = AdministrativeUnit.objects.filter(
                Q(pk__in=communes.values("pk")) | Q(training_courses=self.instance)
            )
            self.initial["communes"] = list(self.instance.communes.values_list("pk", flat=True))
        self.fields["communes"].queryset = communes.distinct().order_by("province__name", "name")
        self.fields["communes"].widget.attrs["class"] = "form-check-input"  # BootstrapMixin gave form-control

    def clean(self):
        data = super().clean()
        total = data.get("participants")
        if total is not None:
            if (data.get("participants_women") or 0) > total:
                self.add_error("participants_women", _("Số người nữ không được lớn hơn số người tham dự."))
            if (data.get("participants_ethnic_minority") or 0) > total:
                self.add_error(
                    "participants_ethnic_minority",
                    _("Số người dân tộc thiểu số không được lớn hơn số người tham dự."),
                )
        return data

    def values(self) -> dict:
        values = super().values()
        values["participants_women"] = values["participants_women"] or 0
        values["participants_ethnic_minority"] = values["participants_ethnic_minority"] or 0
        values["communes"] = list(self.cleaned_data["communes"])
        return values


class CampaignForm(_PlacedForm):
    reach = _count_field(_("Số người tiếp cận (ước tính)"))
    items = _count_field(_("Số tin, bài, buổi phát sóng"))

    class Meta:
        model = CommunicationCampaign
        fields = CAMPAIGN_FIELDS
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["area"].label = _("Huyện, xã thực hiện")


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do hủy"), max_length=500)


class HonourForm(BootstrapMixin, forms.ModelForm):
    year = forms.IntegerField(label=_("Năm"), min_value=MIN_YEAR, max_value=MAX_YEAR)

    class Meta:
        model = Honour
        fields = HONOUR_FIELDS
        widgets = {"decision_date": DATE_WIDGET, "citation": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = _provinces_reached(user, HONOUR_ACTION)
        if self.instance.pk:
            provinces = provinces | AdministrativeUnit.objects.filter(pk=self.instance.province_id)
        self.fields["province"].queryset = provinces
        self.fields["province"].empty_label = None
        self.fields["producer"].queryset = Producer.objects.for_user(user, HONOUR_ACTION).order_by("search_name")
        self.fields["product"].queryset = (
            Product.objects.for_user(user, HONOUR_ACTION).select_related("producer").order_by("search_name")
        )
        self.fields["product"].label_from_instance = lambda p: f"{p.name} ({p.producer.name})"
        self.fields["producer"].help_text = _("Tôn vinh chủ thể: chọn chủ thể, để trống sản phẩm.")
        self.fields["product"].help_text = _("Tôn vinh sản phẩm: chọn sản phẩm, để trống chủ thể.")
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)

    def clean(self):
        data = super().clean()
        if data.get("producer") and data.get("product"):
            self.add_error("product", _("Hãy chọn đúng một chủ thể hoặc một sản phẩm được tôn vinh."))
        elif not data.get("producer") and not data.get("product") and not self.errors:
            self.add_error("producer", _("Hãy chọn đúng một chủ thể hoặc một sản phẩm được tôn vinh."))
        return data

    def _post_clean(self):
        pass

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in HONOUR_FIELDS}


def _this_year():
    return timezone.localdate().year


class YearAreaFilter(BootstrapMixin, forms.Form):
    """The lists' and the report's filter (one class, so the export equals the screen)."""

    year = forms.IntegerField(label=_("Năm"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    area = AreaIdField(label=_("Địa bàn"), required=False)

    def year_value(self, default=None):
        return (self.cleaned_data.get("year") if self.is_valid() else None) or default

    def area_value(self):
        return self.cleaned_data.get("area") if self.is_valid() else None


class HonourFilter(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)

    def year_value(self):
        return self.cleaned_data.get("year") if self.is_valid() else None


def report_year(filters) -> int:
    return filters.year_value(default=_this_year())
