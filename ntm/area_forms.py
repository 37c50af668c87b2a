"""Forms of the district and province NTM pages (issue 18); the rules themselves are in ntm.area_services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from areas.choices import Level
from areas.forms import AreaIdField, AreaPicker
from core.forms import BootstrapMixin, validate_date_range
from ntm.choices import AreaLevel
from ntm.forms import ShowPickedAreaMixin

DATE = {"widget": forms.DateInput(attrs={"type": "date"}), "validators": [validate_date_range]}


class AreaRecognitionFilter(ShowPickedAreaMixin, BootstrapMixin, forms.Form):
    """The title list's filters: an area of either scheme, a title, a year (titles in force on its 31 December)."""

    area = AreaIdField(
        label=_("Địa bàn"),
        required=False,
        help_text="",
        widget=AreaPicker(attrs={"placeholder": _("Gõ tên tỉnh, huyện rồi chọn…")}),
    )
    level = forms.ChoiceField(
        label=_("Danh hiệu"), required=False, choices=[("", _("Mọi danh hiệu")), *AreaLevel.choices]
    )
    year = forms.IntegerField(
        label=_("Còn hiệu lực ngày 31/12 của năm"), required=False, min_value=2000, max_value=2100
    )


class AreaRecognitionForm(BootstrapMixin, forms.Form):
    unit = AreaIdField(
        label=_("Huyện, thị xã, thành phố hoặc tỉnh"),
        widget=AreaPicker(attrs={"placeholder": _("Gõ tên huyện (trước 01/07/2025) hoặc tỉnh rồi chọn…")}),
    )
    level = forms.ChoiceField(label=_("Danh hiệu"), choices=AreaLevel.choices)
    decision_no = forms.CharField(label=_("Số quyết định"), max_length=60, required=False)
    decision_date = forms.DateField(label=_("Ngày quyết định"), **DATE)
    issued_by = forms.CharField(
        label=_("Cơ quan quyết định"),
        max_length=150,
        required=False,
        help_text=_("Ví dụ: Thủ tướng Chính phủ (huyện), Ủy ban nhân dân tỉnh."),
    )
    effective_date = forms.DateField(
        label=_("Tính từ ngày"), required=False, help_text=_("Để trống: tính từ ngày quyết định."), **DATE
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_unit(self):
        unit = self.cleaned_data["unit"]
        if unit is not None and unit.level not in (Level.DISTRICT, Level.PROVINCE):
            raise forms.ValidationError(_("Hãy chọn một huyện, thị xã, thành phố thuộc tỉnh hoặc một tỉnh."))
        return unit


class AreaRevocationForm(BootstrapMixin, forms.Form):
    revoked_on = forms.DateField(label=_("Thu hồi từ ngày"), **DATE)
    decision_no = forms.CharField(label=_("Số quyết định thu hồi"), required=False, max_length=60)
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
