"""Forms of the village registry pages; the rules themselves are in ntm.village_services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from areas.forms import AreaIdField, AreaPicker
from certification.forms import ImportForm
from core.forms import BootstrapMixin, validate_date_range
from ntm.forms import ShowPickedAreaMixin
from ntm.models import VillageKind

DATE = {"widget": forms.DateInput(attrs={"type": "date"}), "validators": [validate_date_range]}


def _commune_field(**kwargs) -> AreaIdField:
    return AreaIdField(
        level="commune",
        label=_("Xã"),
        widget=AreaPicker(level="commune", attrs={"placeholder": _("Gõ tên xã rồi chọn…")}),
        **kwargs,
    )


class VillageFilter(ShowPickedAreaMixin, BootstrapMixin, forms.Form):
    area = AreaIdField(
        label=_("Địa bàn"),
        required=False,
        help_text="",
        widget=AreaPicker(attrs={"placeholder": _("Gõ tên tỉnh, huyện, xã rồi chọn…")}),
    )
    day = forms.DateField(label=_("Ngày"), required=False, **DATE)
    q = forms.CharField(label=_("Tên thôn, bản"), required=False, max_length=150)


class VillageForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Tên thôn, bản"), max_length=150, help_text=_("Không ghi chữ “Thôn”, “Bản” ở đầu."))
    kind = forms.ChoiceField(label=_("Loại"), choices=VillageKind.choices)
    code = forms.CharField(label=_("Mã (nếu có)"), max_length=30, required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VillageCreateForm(VillageForm):
    commune = _commune_field()
    valid_from = forms.DateField(
        label=_("Có từ ngày"), required=False, help_text=_("Để trống nếu không rõ (đã có từ trước)."), **DATE
    )
    field_order = ["commune", "name", "kind", "code", "valid_from", "note"]


class VillageMoveForm(BootstrapMixin, forms.Form):
    commune = _commune_field()
    valid_from = forms.DateField(label=_("Thuộc xã mới từ ngày"), **DATE)
    decision = forms.CharField(label=_("Căn cứ (quyết định)"), max_length=255, required=False)


class VillageCloseForm(BootstrapMixin, forms.Form):
    valid_to = forms.DateField(label=_("Chấm dứt sau ngày (ngày cuối cùng)"), **DATE)
    reason = forms.CharField(label=_("Lý do, căn cứ"), widget=forms.Textarea(attrs={"rows": 2}))


class VillageMergeForm(BootstrapMixin, forms.Form):
    others = forms.ModelMultipleChoiceField(
        label=_("Sáp nhập các thôn, bản"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    day = forms.DateField(label=_("Từ ngày"), **DATE)
    decision = forms.CharField(label=_("Căn cứ (quyết định)"), max_length=255)
    name = forms.CharField(
        label=_("Tên thôn, bản mới"),
        max_length=150,
        required=False,
        help_text=_("Để trống: các thôn, bản được chọn nhập vào thôn, bản này."),
    )
    kind = forms.ChoiceField(label=_("Loại của thôn, bản mới"), choices=VillageKind.choices, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["others"].queryset = candidates


class VillageSplitForm(BootstrapMixin, forms.Form):
    names = forms.CharField(
        label=_("Các thôn, bản mới (mỗi dòng một tên)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=VillageKind.choices)
    day = forms.DateField(label=_("Từ ngày"), **DATE)
    decision = forms.CharField(label=_("Căn cứ (quyết định)"), max_length=255)

    def clean_names(self):
        names = [" ".join(line.split()) for line in self.cleaned_data["names"].splitlines()]
        names = [n for n in names if n]
        if len(names) < 2:
            raise forms.ValidationError(_("Ghi ít nhất hai tên, mỗi dòng một tên."))
        if any(len(n) > 150 for n in names):
            raise forms.ValidationError(_("Mỗi tên dài tối đa 150 ký tự."))
        return names


class VillageImportForm(ImportForm):
    kind = None  # one layout only
