"""Forms of the recognition procedure pages (issue 18); the rules themselves are in ntm.procedure_services."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.scope import area_scope
from areas.forms import AreaIdField, AreaPicker
from core.forms import BootstrapMixin
from ntm.choices import AppraisalVerdict, RecognitionLevel, RequestStatus
from ntm.forms import ShowPickedAreaMixin

TARGET_LEVELS = (RecognitionLevel.DAT_CHUAN, RecognitionLevel.NANG_CAO, RecognitionLevel.KIEU_MAU)
DATE = {"widget": forms.DateInput(attrs={"type": "date"})}
TEXT_MAX = 20000  # a self-assessment report pasted in; the dossier's long texts are uploaded as documents
REASON_MAX = 4000


def _year_field(**kwargs):
    return forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, **kwargs)


def _area_field():
    return AreaIdField(
        label=_("Địa bàn"),
        required=False,
        help_text="",
        widget=AreaPicker(attrs={"placeholder": _("Gõ tên tỉnh, huyện, xã rồi chọn…")}),
    )


def communes_in_scope(user, action: str = "ntm.request") -> list:
    """The communes a commune-level user may register for (their commune and its counterparts across the 2025
    reform); None when the user reaches a district, a province or everywhere (then they pick by name)."""
    from areas.models import AdministrativeUnit

    scope = area_scope(user, action)
    if scope.everywhere or scope.province_ids or scope.district_ids or not scope.unit_ids:
        return None
    return list(
        AdministrativeUnit.objects.filter(pk__in=scope.unit_ids, level="commune")
        .select_related("district", "province")
        .order_by("-scheme", "name")
    )


class RegisterForm(BootstrapMixin, forms.Form):
    """A commune registers the level it aims at for a year."""

    commune = AreaIdField(
        level="commune",
        label=_("Xã"),
        widget=AreaPicker(level="commune", attrs={"placeholder": _("Gõ tên xã rồi chọn…")}),
    )
    year = _year_field(help_text=_("Năm xã phấn đấu đạt chuẩn và đề nghị xét công nhận."))
    target_level = forms.ChoiceField(
        label=_("Mức đăng ký"), choices=[(level.value, level.label) for level in TARGET_LEVELS]
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.communes = communes_in_scope(user) if user is not None else None
        if self.communes:
            choices = [(str(u.area_id), self._label(u)) for u in self.communes]
            self.fields["commune"] = forms.ChoiceField(label=_("Xã"), choices=choices)
            self.fields["commune"].widget.attrs["class"] = "form-select"
            self.order_fields(["commune", "year", "target_level"])

    @staticmethod
    def _label(unit) -> str:
        if unit.scheme == "pre2025":
            return str(
                _("%(n)s (trước sắp xếp, %(d)s)") % {"n": unit.name, "d": unit.district.name if unit.district else ""}
            )
        return unit.name

    def clean_commune(self):
        value = self.cleaned_data["commune"]
        if self.communes:
            return next(u for u in self.communes if str(u.area_id) == value)
        return value


class DossierForm(BootstrapMixin, forms.Form):
    self_assessment = forms.CharField(
        label=_("Báo cáo tự đánh giá"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Tóm tắt kết quả tự đánh giá từng tiêu chí; báo cáo đầy đủ tải lên ở mục tài liệu."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DocumentForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Tên tài liệu"), max_length=255)
    file = forms.FileField(label=_("Tệp"), help_text=_("PDF, ảnh JPEG/PNG, Word (.docx) hoặc Excel (.xlsx)."))
    criterion = forms.TypedChoiceField(label=_("Minh chứng cho"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = {c.pk: c for c in criteria}
        self.fields["criterion"].choices = [("", _("Cả hồ sơ")), *((c.pk, _label(c)) for c in criteria)]

    def clean_criterion(self):
        value = self.cleaned_data["criterion"]
        return self.criteria.get(value) if value is not None else None


def _label(criterion) -> str:
    return f"{criterion.number}. {criterion.name}" if getattr(criterion, "number", None) else str(criterion)


class CriterionForm(BootstrapMixin, forms.Form):
    """One criterion of the request, named by its id in the POST body."""

    criterion = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, criteria=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria or {}

    def clean_criterion(self):
        value = self.cleaned_data["criterion"]
        if value not in self.criteria:
            raise forms.ValidationError(_("Tiêu chí không thuộc hồ sơ này."))
        return self.criteria[value]


class AppraiseForm(CriterionForm):
    verdict = forms.ChoiceField(
        label=_("Kết quả thẩm định"),
        choices=[
            (AppraisalVerdict.PASSED, AppraisalVerdict.PASSED.label),
            (AppraisalVerdict.RETURNED, AppraisalVerdict.RETURNED.label),
        ],
    )
    reason = forms.CharField(
        label=_("Lý do, yêu cầu bổ sung"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RespondForm(CriterionForm):
    response = forms.CharField(
        label=_("Giải trình, bổ sung của xã"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Lý do"), max_length=REASON_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequiredReasonForm(ReasonForm):
    reason = forms.CharField(label=_("Lý do"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(BootstrapMixin, forms.Form):
    decision_no = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), **DATE)


class BoardFilter(ShowPickedAreaMixin, BootstrapMixin, forms.Form):
    year = _year_field(required=False)
    area = _area_field()

    def year_or_default(self) -> int:
        if self.is_valid() and self.cleaned_data["year"]:
            return self.cleaned_data["year"]
        return datetime.date.today().year


class ListFilter(BoardFilter):
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Mọi trạng thái")), *RequestStatus.choices]
    )
