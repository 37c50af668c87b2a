"""Plan against actual pages: the dashboard for an area and a year (targets, named products, narrative), the records
behind each actual, and the Excel workbook. Every figure comes from programme.plan_actuals."""

import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from areas.forms import AreaIdField
from areas.identifiers import COUNTRY, CountryId
from areas.queries import Country, nationwide, report_area
from core.errors import DomainError
from core.forms import BootstrapMixin, add_domain_error
from core.htmx import page_or_partial
from ntm.choices import RecognitionLevel
from products.models import ProductCategory
from programme import plan_actual_exports
from programme.models import TargetMetric
from programme.models.plans import MAX_YEAR, MIN_YEAR
from programme.plan_actuals import (
    ACHIEVED,
    IN_PROGRESS,
    NOT_STARTED,
    VIEW,
    check_area,
    count_records,
    plan_vs_actual,
    target_records,
)
from programme.plan_narrative import narrative
from reports.forms import ReportAreaField

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECORDS_PER_PAGE = 50
NTM_LEVELS = ("dat-chuan", "nang-cao", "kieu-mau")


def default_area(user) -> str:
    """The whole country for a nationwide reader, else the area of the user's first membership that may read the
    programme (a commune officer's commune, a province officer's province)."""
    from accounts.models import Membership
    from accounts.scope import roles_for

    if nationwide(user, VIEW):
        return COUNTRY
    membership = (
        Membership.objects.active()
        .filter(user=user, role__in=roles_for(VIEW))
        .exclude(area=None)
        .select_related("area")
        .order_by("pk")
        .first()
    )
    return str(membership.area.area_id) if membership is not None else ""


class PlanActualForm(BootstrapMixin, forms.Form):
    """The area (either scheme, or the country for a nationwide reader) and year of the page, its records and its
    Excel: one class, so the three agree."""

    area = ReportAreaField(label=gettext_lazy("Địa bàn"))
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    sub_areas = forms.BooleanField(label=gettext_lazy("Gồm kế hoạch của các địa bàn trực thuộc"), required=False)

    def __init__(self, data=None, *, user, **kwargs):
        self.user = user
        data = data.copy() if data is not None else {}
        data.setdefault("year", str(timezone.localdate().year))
        if not data.get("area"):
            data["area"] = default_area(user)
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        area, year = cleaned.get("area"), cleaned.get("year")
        if isinstance(area, CountryId):
            if year is None:
                cleaned.pop("area")
                return cleaned
            try:
                cleaned["area"] = area = report_area(area, datetime.date(year, 12, 31), user=self.user, action=VIEW)
            except DomainError as exc:
                add_domain_error(self, DomainError(exc.message, field="area"))
                return cleaned
        if area is not None:
            try:
                check_area(self.user, area)
            except DomainError as exc:
                add_domain_error(self, DomainError(exc.message, field="area"))
        return cleaned

    def query(self) -> dict:
        """The page's query, for the links to the records and the Excel."""
        c = self.cleaned_data
        query = {"area": str(c["area"].area_id), "year": c["year"]}
        if c.get("sub_areas"):
            query["sub_areas"] = "on"
        return query


class RecordsFilter(forms.Form):
    """The qualifiers of one target row (TargetRow.query)."""

    metric = forms.ChoiceField(choices=TargetMetric.choices)
    stars = forms.TypedChoiceField(choices=[(s, s) for s in (3, 4, 5)], coerce=int, required=False, empty_value=None)
    group = forms.ModelChoiceField(queryset=ProductCategory.objects.all(), required=False)
    ntm_level = forms.ChoiceField(choices=[("", "")] + [(lv, lv) for lv in NTM_LEVELS], required=False)
    sub_area = AreaIdField(required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("metric") == TargetMetric.NTM_COMMUNES and not cleaned.get("ntm_level"):
            self.add_error("ntm_level", _("Chỉ tiêu nông thôn mới cần chọn mức (đạt chuẩn, nâng cao, kiểu mẫu)."))
        return cleaned


def _require(request):
    if not request.user.has_perm(VIEW):
        raise PermissionDenied


def _result(form, user):
    c = form.cleaned_data
    return plan_vs_actual(c["area"], c["year"], user=user, include_sub_areas=bool(c.get("sub_areas")))


@login_required
def plan_actual(request):
    _require(request)
    form = PlanActualForm(request.GET, user=request.user)
    context = {"form": form, "result": None}
    if form.is_valid():
        result = _result(form, request.user)
        query = form.query()
        for row in result.targets:
            row.records_query = urlencode({**query, **row.query})
        context.update(
            result=result,
            narrative=narrative(result),
            query_string=urlencode(query),
            groups=[
                (ACHIEVED, _("Đã đạt"), result.achieved),
                (IN_PROGRESS, _("Đang thực hiện"), result.in_progress),
                (NOT_STARTED, _("Chưa bắt đầu"), result.not_started),
            ],
        )
    status = 200 if form.is_valid() else 400
    return page_or_partial(request, "programme/actuals/page.html", context, "results", status=status)


@login_required
def plan_actual_records(request):
    """The records behind one actual: same area and year as the page, plus the target row's qualifiers."""
    _require(request)
    form, chosen = PlanActualForm(request.GET, user=request.user), RecordsFilter(request.GET)
    valid = form.is_valid() & chosen.is_valid()
    sub_area = chosen.cleaned_data.get("sub_area") if valid else None
    if valid and sub_area is not None:
        try:
            check_area(request.user, sub_area)
        except DomainError as exc:
            add_domain_error(chosen, DomainError(exc.message, field="sub_area"))
            valid = False
    if not valid:
        return render(request, "programme/actuals/records.html", {"form": form, "chosen": chosen}, status=400)
    c, q = form.cleaned_data, chosen.cleaned_data
    area = sub_area or c["area"]
    metric = q["metric"]
    records = target_records(
        area, c["year"], metric, stars=q.get("stars"), group=q.get("group"), ntm_level=q.get("ntm_level") or ""
    )
    total = count_records(records, metric)
    page = Paginator(_listed(records, metric), RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "chosen": chosen,
        "area": area,
        "year": c["year"],
        "metric": metric,
        "metric_label": TargetMetric(metric).label,
        "qualifiers": _qualifiers(q),
        "total": total,
        "page": page,
        "back": urlencode(form.query()),
    }
    return page_or_partial(request, "programme/actuals/records.html", context, "results")


def _qualifiers(q) -> str:
    parts = []
    if q.get("stars"):
        parts.append(_("%(n)s sao") % {"n": q["stars"]})
    if q.get("group") is not None:
        parts.append(str(q["group"].name))
    if q.get("ntm_level"):
        parts.append(str(RecognitionLevel(q["ntm_level"]).label))
    return ", ".join(parts)


def _listed(records, metric):
    """What the records list shows, in a constant number of queries per page."""
    if metric == TargetMetric.UPGRADE_4_5:
        return records.select_related("item__product__producer", "item__evaluation_round").order_by("letter_date", "pk")
    if metric == TargetMetric.LINKAGE_MODELS:
        return records.select_related("province", "lead").order_by("contract_start", "pk")
    if metric == TargetMetric.NTM_COMMUNES:
        return records.select_related("commune", "commune__parent").order_by("effective_date", "pk")
    return records.select_related("product__producer", "product__location", "decision").order_by(
        "decision__date", "product__search_name", "pk"
    )


@login_required
def plan_actual_export(request):
    _require(request)
    form = PlanActualForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "programme/actuals/page.html", {"form": form, "result": None}, status=400)
    result = _result(form, request.user)
    content = plan_actual_exports.workbook(result, narrative(result))
    area = result.unit
    name = "ca-nuoc" if isinstance(area, Country) else str(area.area_id).replace(":", "-")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ke-hoach-thuc-hien-{name}-{result.year}.xlsx"'
    return response
