from core.errors import DomainError


def add_domain_error(form, exc: DomainError):
    """Put a service's refusal on the form field it names (or on the form), so the user sees where and why."""
    field = exc.field if exc.field in form.fields else None
    if field is None and exc.field == "location" and "location_id" in form.fields:
        field = "location_id"
    form.add_error(field, exc.message)


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

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()
