"""Forms of the criteria-set pages (evaluation/criteria_views.py): plain fields, the service checks the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin
from core.uploads import accept_attribute
from evaluation.choices import PART_CODES
from evaluation.models import CriteriaSet
from products.choices import CategorySystem

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _date_field(label, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=help_text or _("dd/mm/yyyy"),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": _("dd/mm/yyyy")}),
    )


class SetForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Tên bộ tiêu chí"), max_length=255)
    decision = forms.CharField(
        label=_("Căn cứ (quyết định)"), max_length=255, help_text=_("Ví dụ: Quyết định số 26/2026/QĐ-TTg")
    )
    valid_from = _date_field(_("Áp dụng từ ngày"))
    valid_until = _date_field(
        _("Áp dụng đến trước ngày"), required=False, help_text=_("Để trống khi chưa có văn bản thay thế.")
    )


class NewSetForm(SetForm):
    code = forms.CharField(
        label=_("Mã bộ tiêu chí"), max_length=40, help_text=_("Không trùng mã đã có; phiên bản mới có mã mới.")
    )
    system = forms.ChoiceField(
        label=_("Hệ thống nhóm sản phẩm"),
        choices=CategorySystem.choices,
        required=False,
        help_text=_("Nhóm / phân nhóm mà các phiếu chấm áp dụng. Khi chép từ bộ khác: theo bộ đó."),
    )
    copy_from = forms.ModelChoiceField(
        label=_("Chép từ bộ tiêu chí"),
        queryset=CriteriaSet.objects.order_by("-valid_from", "code"),
        required=False,
        empty_label=_("— bộ trống, tự nhập phần, mục, phiếu —"),
    )
    copy_sheets = forms.BooleanField(
        label=_("Chép cả các phiếu chấm (tiêu chí, mức, điểm)"),
        required=False,
        help_text=_("Bỏ chọn: chỉ chép phần, mục và danh sách phiếu."),
    )
    field_order = ["code", "title", "decision", "valid_from", "valid_until", "system", "copy_from", "copy_sheets"]

    def clean(self):
        data = super().clean()
        if not data.get("copy_from") and not data.get("system"):
            self.add_error("system", _("Chọn hệ thống nhóm sản phẩm (hoặc chép từ một bộ tiêu chí)."))
        return data


class PartForm(BootstrapMixin, forms.Form):
    code = forms.ChoiceField(label=_("Phần"), choices=[(c, c) for c in PART_CODES])
    name = forms.CharField(label=_("Tên phần"), max_length=255)
    points = forms.IntegerField(label=_("Điểm"), min_value=1, max_value=100)


class SectionForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=_("Mã mục"), max_length=20, help_text=_("Ví dụ A1"))
    name = forms.CharField(label=_("Tên mục"), max_length=255)
    part = forms.TypedChoiceField(label=_("Thuộc phần"), coerce=int)
    notes = forms.CharField(
        label=_("Ghi chú in dưới mục"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một ghi chú."),
    )

    def __init__(self, *args, parts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = [(p.pk, f"{p.code}. {p.name}") for p in parts]


class ScopeForm(BootstrapMixin, forms.Form):
    category = forms.TypedChoiceField(
        label=_("Nhóm / phân nhóm sản phẩm"),
        coerce=int,
        help_text=_("Sản phẩm thuộc nhóm / phân nhóm này được chấm bằng phiếu này (với 26/2026: phân nhóm)."),
    )
    number = forms.IntegerField(label=_("Số phiếu"), min_value=1, max_value=999, required=False)
    title = forms.CharField(label=_("Tên phiếu như văn bản in"), max_length=255, required=False)
    classification = forms.CharField(label=_("Phân loại"), max_length=255, required=False)
    eliminated_when = forms.CharField(
        label=_("Sản phẩm bị loại, không chấm điểm, khi"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một điều kiện."),
    )
    notes = forms.CharField(
        label=_("Ghi chú cuối phiếu"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một ghi chú."),
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            (c.pk, f"{'— ' if c.parent_id else ''}{c.code} – {c.name}") for c in categories
        ]


class CriterionForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=_("Mã tiêu chí"), max_length=20, help_text=_("Ví dụ 1.1; không trùng trong phiếu."))
    text = forms.CharField(label=_("Nội dung tiêu chí"), widget=forms.Textarea(attrs={"rows": 2}))
    section = forms.TypedChoiceField(label=_("Mục"), coerce=int)
    heading = forms.CharField(
        label=_("Tiêu chí cha"),
        required=False,
        max_length=500,
        help_text=_("Với tiêu chí con: mã và tên tiêu chí chứa nó."),
    )
    notes = forms.CharField(
        label=_("Yêu cầu, ghi chú"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một ghi chú."),
    )

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s.pk, f"{s.code} – {s.name}") for s in sections]


STAR_CHOICES = [(n, f"{n}★") for n in range(1, 6)]


class OptionForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Mức đánh giá"), widget=forms.Textarea(attrs={"rows": 1}))
    points = forms.DecimalField(
        label=_("Điểm"), min_value=0, max_digits=5, decimal_places=2, localize=True, help_text=_("Ví dụ 3 hoặc 1,5")
    )
    mandatory_for_stars = forms.TypedMultipleChoiceField(
        label=_("Mức tối thiểu bắt buộc cho hạng sao"),
        choices=STAR_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Đánh dấu sao in bên mức: sản phẩm phải đạt ít nhất mức này để được xếp hạng số sao đó trở lên."),
    )
    case_label = forms.CharField(
        label=_("Trường hợp"),
        max_length=255,
        required=False,
        help_text=_("Chỉ khi phiếu in 'lựa chọn một trong các trường hợp'."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mandatory_for_stars"].widget.attrs["class"] = "form-check-input"


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("Tệp mẫu phiếu chấm (.xlsx hoặc .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute(["xlsx"]) + ",.csv"}),
    )
