from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from certification.choices import InspectingBody, InspectionKind, IssuingLevel, RevocationGround
from core.forms import BootstrapMixin


class ImportForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại tệp"),
        choices=[
            ("register", _("Sổ công nhận sản phẩm OCOP (mỗi dòng một quyết định công nhận)")),
            ("revocations", _("Quyết định thu hồi (mỗi dòng một sản phẩm bị thu hồi)")),
        ],
    )
    file = forms.FileField(label=_("Tệp CSV (UTF-8) hoặc XLSX"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            limit = settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)
            raise forms.ValidationError(_("Tệp lớn hơn %(n)s MB.") % {"n": limit})
        head = upload.read(4)
        upload.seek(0)
        if name.endswith(".xlsx") and head != b"PK\x03\x04":
            raise forms.ValidationError(_("Tệp không phải là bảng tính XLSX thật."))
        return upload


DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
YES_NO = [("", "—"), ("1", _("Có")), ("0", _("Không"))]


def _yes_no(value) -> bool:
    return value == "1"


class InspectionForm(BootstrapMixin, forms.Form):
    """A post-recognition inspection (26/2026 Điều 9); written by certification.services.record_inspection."""

    date = forms.DateField(label=_("Ngày kiểm tra"), input_formats=DATE_FORMATS, help_text=_("dd/mm/yyyy"))
    concluded_on = forms.DateField(
        label=_("Ngày có kết luận kiểm tra"),
        input_formats=DATE_FORMATS,
        required=False,
        help_text=_("Để trống nếu kết luận ngay ngày kiểm tra."),
    )
    kind = forms.ChoiceField(label=_("Hình thức kiểm tra (Điều 9 khoản 2)"), choices=InspectionKind.choices)
    body = forms.ChoiceField(label=_("Cơ quan kiểm tra (Điều 9 khoản 4)"), choices=InspectingBody.choices)
    body_name = forms.CharField(label=_("Tên cơ quan, đoàn kiểm tra"), max_length=200, required=False)
    criteria_maintained = forms.TypedChoiceField(
        label=_("Sản phẩm duy trì các tiêu chí theo hồ sơ đã được đánh giá, phân hạng (Điều 9 khoản 3 điểm a)"),
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
    )
    mark_use_correct = forms.TypedChoiceField(
        label=_("Sử dụng nhãn hiệu OCOP, thông tin và quảng bá sản phẩm đúng quy định (Điều 9 khoản 3 điểm b)"),
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
    )
    notes = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    conclusion = forms.CharField(label=_("Kết luận"), widget=forms.Textarea(attrs={"rows": 3}))
    proposes_revocation = forms.BooleanField(label=_("Đề nghị thu hồi giấy chứng nhận"), required=False)
    proposed_ground = forms.ChoiceField(
        label=_("Căn cứ đề nghị thu hồi (Điều 8 khoản 1)"),
        choices=[("", "—"), *RevocationGround.choices],
        required=False,
    )


class RevocationForm(BootstrapMixin, forms.Form):
    """A revocation decision entered by the province office (26/2026 Điều 8): its own, or the ministry's for 5★."""

    issuing_level = forms.ChoiceField(
        label=_("Cấp ban hành quyết định (Điều 8 khoản 2)"),
        choices=[
            (IssuingLevel.PROVINCE, _("Chủ tịch UBND cấp tỉnh (sản phẩm 3 sao, 4 sao)")),
            (IssuingLevel.MINISTRY, _("Bộ trưởng Bộ Nông nghiệp và Môi trường (sản phẩm 5 sao)")),
        ],
    )
    decision_no = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), input_formats=DATE_FORMATS, help_text=_("dd/mm/yyyy"))
    ground = forms.ChoiceField(label=_("Căn cứ thu hồi (Điều 8 khoản 1)"), choices=RevocationGround.choices)
    reason = forms.CharField(
        label=_("Lý do, nội dung theo quyết định"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    found_on = forms.DateField(
        label=_("Ngày có kết luận của cơ quan có thẩm quyền, hoặc xác nhận của UBND cấp xã"),
        input_formats=DATE_FORMATS,
        required=False,
        help_text=_("Thời hạn thu hồi là 15 ngày kể từ ngày này (Điều 8 khoản 4)."),
    )
    inspection = forms.IntegerField(widget=forms.HiddenInput, required=False)
