import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.errors import DomainError


def date_range() -> tuple[datetime.date, datetime.date]:
    """The dates a user may type or ask for (settings.DATE_INPUT_MIN/MAX, inclusive). Outside them every date of the
    programme is a typo, and 0001-01-01 or 9999-12-31 would overflow the date arithmetic of reports and services."""
    return (
        datetime.date.fromisoformat(settings.DATE_INPUT_MIN),
        datetime.date.fromisoformat(settings.DATE_INPUT_MAX),
    )


def date_range_message() -> str:
    low, high = date_range()
    return _("Ngày phải nằm trong khoảng %(min)s – %(max)s.") % {
        "min": date_format(low, "d/m/Y"),
        "max": date_format(high, "d/m/Y"),
    }


def in_date_range(day) -> bool:
    low, high = date_range()
    return low <= day <= high


def validate_date_range(value):
    if value is not None and not in_date_range(value):
        raise ValidationError(date_range_message(), code="date_range")


def add_domain_error(form, exc: DomainError):
    """Put a service's refusal on the form field it names (or on the form), so the user sees where and why."""
    field = exc.field if exc.field in form.fields else None
    if field is None and exc.field == "location" and "location_id" in form.fields:
        field = "location_id"
    form.add_error(field, exc.message)
    if field is not None:  # full_clean marked the invalid fields before this refusal came: mark its field too
        widget = form.fields[field].widget
        if "is-invalid" not in widget.attrs.get("class", ""):
            widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


class BootstrapMixin:
    """Gives every widget its Bootstrap class and marks invalid fields, so templates only place fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django import forms

        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput,)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if isinstance(field, forms.DateField):  # each form has its own copy of its fields and their validators
                field.validators.append(validate_date_range)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


class PickerInput(forms.TextInput):
    """A text box whose datalist is filled, as one types, by `source_url` answering `<option value="label [key]">`
    items (htmx); the picked text carries the key in brackets, so nobody types a database id."""

    template_name = "core/widgets/picker.html"

    def __init__(self, source_url="", attrs=None):
        super().__init__(attrs)
        self.source_url = source_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["source_url"] = str(self.source_url)
        return context


def picked_key(text: str) -> str:
    """The key of a picked "label [key]", or the text itself when it is a bare key."""
    text = (text or "").strip()
    if text.endswith("]") and "[" in text:
        return text[text.rindex("[") + 1 : -1].strip()
    return text
