from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.forms import AreaIdField
from areas.identifiers import CountryId, MalformedAreaId, parse_report_area
from areas.queries import report_area
from core.errors import NotFound
from core.forms import BootstrapMixin
from reports.queries import NATIONWIDE_ACTION, Period, Selection


class ReportAreaField(AreaIdField):
    """AreaIdField, plus the whole country (`vn`, `vn@pre2025`, `vn@2025`): cleaned to a CountryId, which the form
    turns into the country of the report's date for a nationwide reader (areas.queries.report_area)."""

    def clean(self, value):
        text = (value or "").strip()
        try:
            parsed = parse_report_area(text)
        except MalformedAreaId:
            parsed = None
        if isinstance(parsed, CountryId):
            return parsed
        return super().clean(value)


class OcopReportForm(BootstrapMixin, forms.Form):
    """Date and area of a report, and the period of its 'in the period' figures."""

    as_of = forms.DateField(label=_("Tính đến ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    area = ReportAreaField(label=_("Địa bàn"))
    start = forms.DateField(
        label=_("Kỳ từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, data=None, *, default_area: str = "", user=None, **kwargs):
        self.user = user
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
            if isinstance(cleaned.get("area"), CountryId):
                try:
                    cleaned["area"] = report_area(cleaned["area"], as_of, user=self.user, action=NATIONWIDE_ACTION)
                except NotFound as exc:
                    self.add_error("area", exc.message)
        elif isinstance(cleaned.get("area"), CountryId):
            cleaned.pop("area")  # no date to choose the scheme by: the date's own error is shown
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
