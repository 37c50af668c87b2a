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
