"""Forms of the advanced and model level pages (issue 18); the rules themselves are in ntm.level_services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin


class LevelStartForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    criteria_set = forms.CharField(label=_("Bộ tiêu chí"), max_length=40)


class CountForm(BootstrapMixin, forms.Form):
    """Records "đạt N/M tiêu chí" for a set whose text is not loaded (the service checks N against M)."""

    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)
    criteria_set = forms.CharField(widget=forms.HiddenInput, max_length=40)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    criteria_met = forms.IntegerField(label=_("Số tiêu chí đạt"), min_value=0, max_value=1000)
    note = forms.CharField(
        label=_("Ghi chú, căn cứ"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ví dụ: theo báo cáo của xã, số văn bản, các tiêu chí chưa đạt."),
    )
