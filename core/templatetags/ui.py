"""Formatting by locale (17,05 · 8.565 · 31/03/2022 in Vietnamese) and small UI helpers, available in every template."""

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def num(value, decimals=None):
    """A number with the locale's grouping and decimal separator; `decimals` fixes the places."""
    if value is None or value == "":
        return ""
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def vdate(value):
    if not value:
        return ""
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@register.filter
def vdatetime(value):
    if not value:
        return ""
    from django.utils import timezone

    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATETIME_FORMAT")


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced, for pagination and filters."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def action_label(code):
    """An audit action as people call it ("Phê duyệt kết quả"), not its code."""
    from core.audit_labels import action_label as label

    return label(code)


@register.filter
def actor_name(entry):
    """Who wrote an audit entry, as people say it: the account, or "Hệ thống" for the system itself (imports,
    loaders, daily jobs), never the stored word "system"."""
    from django.utils.translation import gettext as _

    return entry.actor_label if entry.actor_id else _("Hệ thống")


@register.filter
def audit_rows(entry):
    """An audit entry's before and after as rows people read: the field's name, and each value as pages show it (a
    choice's label, "có"/"không", "—" for nothing), not Python's spelling of a dict."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist
    from django.utils.text import capfirst
    from django.utils.translation import gettext as _

    before, after = entry.before, entry.after
    if not isinstance(before, dict | None) or not isinstance(after, dict | None):
        old, new = _shown(None, before), _shown(None, after)
        return [("", old, new, old != new)]
    try:
        model = apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        model = None
    rows = []
    for key in dict.fromkeys([*(before or {}), *(after or {})]):
        try:
            field = model._meta.get_field(key) if model else None
        except FieldDoesNotExist:
            field = None
        label = capfirst(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else key
        old = _shown(field, before[key]) if before and key in before else ""
        new = _shown(field, after[key]) if after and key in after else ""
        rows.append((label, old, new, old != new))
    return rows or [(_("(không có)"), "—", "—", False)]


def _shown(field, value) -> str:
    from django.utils.translation import gettext as _

    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("có") if value else _("không")
    choices = dict(field.flatchoices) if field is not None and getattr(field, "choices", None) else {}
    if isinstance(value, list):
        return ", ".join(_shown(field, v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(None, v)}" for k, v in value.items())
    return str(choices.get(value, value))
