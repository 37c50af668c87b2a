from django import template
from django.urls import reverse
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def records_url(context, **selection):
    """The drill-down list behind one number: the report's date, area and period plus the number's own filters."""
    params = dict(context["base_query"])
    params.update({k: v for k, v in selection.items() if v is not None and v != ""})
    return f"{reverse('reports:ocop_records')}?{urlencode(params)}"


@register.simple_tag(takes_context=True)
def report_url(context, name, **changes):
    """Another report view (dashboard, export, another area) with the same date and period."""
    params = dict(context["base_query"])
    params.update({k: v for k, v in changes.items() if v is not None})
    return f"{reverse(name)}?{urlencode(params)}"
