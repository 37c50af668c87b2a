from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from areas.queries import get_unit, search_units
from core.errors import DomainError
from core.forms import PickerInput, picked_key


def pick_label(unit) -> str:
    """What the picker offers and puts in the box: the unit's name, its parents, and its id in brackets."""
    parents = []
    parent = unit.parent
    while parent is not None:
        parents.append(parent.name)
        parent = parent.parent
    return " · ".join([unit.name, *parents]) + f" [{unit.area_id}]"


class AreaPicker(PickerInput):
    """The picker of units (accent-insensitive, both schemes, of one level if given), so nobody has to know a unit's
    id; its options come from `areas:pick`."""

    def __init__(self, level: str | None = None, attrs=None):
        super().__init__(reverse_lazy("areas:pick"), attrs)
        self.level = level or ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.level:
            context["widget"]["source_url"] += f"?level={self.level}"
        return context

    def format_value(self, value):
        if hasattr(value, "area_id"):
            return pick_label(value)
        return super().format_value(value)


class AreaIdField(forms.CharField):
    """A unit picked by name (the picker's "Xã Thanh Yên · Tỉnh Điện Biên [2025:03349]"), or an area id (`2025:11`,
    `pre2025:03331`) as the API and links pass it; cleans to the unit, or says what is wrong."""

    def __init__(self, *, level: str | None = None, **kwargs):
        self.level = level
        kwargs.setdefault("help_text", _("Gõ tên địa bàn (có hoặc không dấu) rồi chọn trong danh sách."))
        kwargs.setdefault("widget", AreaPicker(level=level))
        super().__init__(**kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        try:
            unit = get_unit(picked_key(text))
        except DomainError as exc:
            unit = self._by_name(text)
            if unit is None:
                raise forms.ValidationError(exc.message) from exc
        if self.level and unit.level != self.level:
            raise forms.ValidationError(_("Hãy chọn một xã, phường (mã 5 chữ số)."))
        return unit

    def _by_name(self, text):
        """A name typed in full that names one unit only (of the field's level, if it has one)."""
        found = list(search_units(text, level=self.level)[:2])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise forms.ValidationError(_("'%(t)s' trùng tên nhiều đơn vị: hãy chọn trong danh sách.") % {"t": text})
        return None
