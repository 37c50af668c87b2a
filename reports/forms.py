from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.forms import AreaIdField
from core.forms import BootstrapMixin
from reports.queries import Period, Selection


class OcopReportForm(BootstrapMixin, forms.Form):
    """Date and area of a report, and the period of its 'in the period' figures."""

    as_of = forms.DateField(label=_("Tính đến ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    area = AreaIdField(label=_("Địa bàn"))
    start = forms.DateField(
        label=_("Kỳ từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, data=None, *, default_area: str = "", **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("as_of", timezone.localdate().isoformat())
        if default_area:
            data.setdefault("area", default_area)
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        as_of, start, end = cleaned.get("as_of"), cleaned.get("start"), cleaned.get("end")
        if as_of:
            default = Period.year_to_date(as_of)
            start, end = start or default.start, end or default.end
            if start > end:
                self.add_error("start", _("Ngày bắt đầu kỳ phải trước ngày kết thúc."))
            cleaned["period"] = Period(start, end)
        return cleaned


class SelectionForm(forms.Form):
    """The filters behind one number of the dashboard."""

    metric = forms.ChoiceField(choices=[(m, m) for m in Selection.METRICS], required=False)
    stars = forms.TypedChoiceField(choices=[(s, s) for s in (3, 4, 5)], coerce=int, required=False, empty_value=None)
    group = forms.SlugField(required=False)
    year = forms.IntegerField(min_value=1990, max_value=2100, required=False)
    first_year = forms.IntegerField(min_value=1990, max_value=2100, required=False)
    type = forms.SlugField(required=False)
    child = forms.RegexField(regex=r"^(none|(pre2025|2025):\d{1,5})$", required=False)
    days = forms.IntegerField(min_value=1, max_value=3650, required=False)

    def selection(self) -> Selection:
        c = self.cleaned_data
        return Selection(
            metric=c.get("metric") or "valid",
            stars=c.get("stars"),
            group=c.get("group") or None,
            year=c.get("year"),
            first_year=c.get("first_year"),
            producer_type=c.get("type") or None,
            child=c.get("child"),
            days=c.get("days"),
        )
