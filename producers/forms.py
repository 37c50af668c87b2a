from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.scope import area_scope
from areas.choices import Level, Scheme
from areas.forms import AreaIdField
from core.forms import BootstrapMixin, PickerInput, picked_key
from core.text import fold, is_id
from producers.choices import ProducerType
from producers.models import Producer
from producers.queries import PICK_ACTIONS, producers_for


def pick_label(producer) -> str:
    """What the producer picker offers and puts in the box: name, tax number, commune, and the key in brackets."""
    parts = [producer.name]
    if producer.registration_no:
        parts.append(producer.registration_no)
    parts.append(producer.location.name)
    return " · ".join(parts) + f" [{producer.pk}]"


class ProducerPicker(PickerInput):
    """A text box whose options come from `producers:pick`: the producers the person reaches for `action`."""

    def __init__(self, action: str = "producers.view", attrs=None):
        super().__init__(reverse_lazy("producers:pick"), attrs)
        self.action = action

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["source_url"] += f"?action={self.action}"
        return context

    def format_value(self, value):
        if isinstance(value, Producer):
            return pick_label(value)
        return super().format_value(value)


class ProducerField(forms.CharField):
    """A producer picked by name or tax number ("HTX Thanh Yên · 5600123456 · Xã Thanh Yên [12]"), or a full name
    that names one producer only; cleans to a producer the form's `user` reaches for `action`, or says why not."""

    def __init__(self, *, action: str = "producers.view", **kwargs):
        assert action in PICK_ACTIONS, action
        self.action = action
        self.user = None  # set by the form: the person whose areas the producer must lie in
        kwargs.setdefault("max_length", 400)
        kwargs.setdefault(
            "help_text", _("Gõ tên chủ thể (có hoặc không dấu) hoặc mã số thuế rồi chọn trong danh sách.")
        )
        kwargs.setdefault("widget", ProducerPicker(action=action))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            value = producers_for(self.user, self.action).select_related("location").filter(pk=value).first() or ""
        return value

    def clean(self, value):
        text = " ".join((super().clean(value) or "").split())
        if not text:
            return None
        reachable = producers_for(self.user, self.action).select_related("location")
        key = picked_key(text)
        if is_id(key):
            found = reachable.filter(pk=int(key)).first()
        else:
            same_name = list(reachable.filter(search_name=fold(text))[:2])
            if len(same_name) > 1:
                raise forms.ValidationError(
                    _("Có nhiều chủ thể tên “%(t)s”: hãy chọn trong danh sách.") % {"t": text}, code="ambiguous"
                )
            found = same_name[0] if same_name else None
        if found is None:
            raise forms.ValidationError(
                _(
                    "Không tìm thấy chủ thể “%(t)s” trong địa bàn bạn được giao: hãy gõ tên hoặc mã số thuế rồi chọn "
                    "trong danh sách."
                )
                % {"t": text},
                code="out_of_scope",
            )
        return found


def check_in_scope(user, action: str, unit):
    """A picked commune must lie in the person's areas: said on the field, before any service is asked."""
    if unit is not None and not area_scope(user, action).contains(unit):
        raise forms.ValidationError(
            _("%(unit)s nằm ngoài phạm vi bạn được giao: hãy chọn một xã, phường trong địa bàn của bạn.")
            % {"unit": unit.name},
            code="out_of_scope",
        )
    return unit


class ProducerForm(BootstrapMixin, forms.ModelForm):
    location_id = AreaIdField(
        level=Level.COMMUNE,
        label=_("Xã, phường"),
        help_text=_("Gõ tên xã, phường nơi chủ thể đặt trụ sở (có hoặc không dấu) rồi chọn trong danh sách."),
    )

    class Meta:
        model = Producer
        fields = [
            "name",
            "producer_type",
            "registration_no",
            "legal_representative",
            "phone",
            "email",
            "address",
            "women_led",
            "ethnic_minority_led",
        ]

    field_order = ["name", "producer_type", "location_id"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["producer_type"].choices = [("", _("— Chọn loại hình —")), *ProducerType.choices]
        if self.instance.pk:
            self.fields["location_id"].initial = self.instance.location

    def clean_location_id(self):
        unit = self.cleaned_data["location_id"]
        if unit.scheme != Scheme.S2025 and (self.instance.pk is None or self.instance.location_id != unit.pk):
            raise forms.ValidationError(_("Chủ thể mới ghi theo địa giới từ 01/07/2025: hãy chọn xã, phường hiện nay."))
        return check_in_scope(self.user, "producers.change", unit)

    def service_values(self):
        values = {f: self.cleaned_data[f] for f in self.Meta.fields}
        values["location"] = self.cleaned_data["location_id"]
        return values
