from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin

MAX_IMPORT_BYTES = 20 * 1024 * 1024


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
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 20 MB."))
        head = upload.read(4)
        upload.seek(0)
        if name.endswith(".xlsx") and head != b"PK\x03\x04":
            raise forms.ValidationError(_("Tệp không phải là bảng tính XLSX thật."))
        return upload
