from django import forms
from django.utils.translation import gettext_lazy as _

from areas.queries import get_unit
from core.errors import DomainError


class AreaIdField(forms.CharField):
    """A field holding an area id (`2025:11`, `pre2025:03331`); cleans to the unit, or says what is wrong."""

    def __init__(self, *, level: str | None = None, **kwargs):
        self.level = level
        kwargs.setdefault("help_text", _("Mã địa bàn, ví dụ 2025:11 (tỉnh) hoặc 2025:03328 (xã)."))
        super().__init__(**kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        try:
            unit = get_unit(text)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        if self.level and unit.level != self.level:
            raise forms.ValidationError(_("Hãy chọn một xã, phường (mã 5 chữ số)."))
        return unit
