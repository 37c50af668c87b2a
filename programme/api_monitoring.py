"""`/api/v1/programme/monitoring-reports` and `/api/v1/programme/watch-list`: the yearly reports after recognition
and the watch-list flags, scoped like the pages (programme.monitoring_queries) and written through the services."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from api.auth import AUTH
from api.schemas import ERRORS, DecimalIn, Paginated
from core.errors import DomainError, PermissionRefused
from programme import monitoring_services
from programme.models import MAX_REPORT_YEAR, MIN_REPORT_YEAR, ReportStatus
from programme.monitoring_flags import CODES, flags_for
from programme.monitoring_queries import REPORT, filter_reports, reportable_products, reports_for, watch_products

router = Router(tags=["programme"], auth=AUTH)


class ProductRef(Schema):
    id: int
    name: str
    producer: str
    commune: str


class MonitoringReportOut(Schema):
    id: int
    product: ProductRef
    year: int
    status: str = Field(description="draft, submitted, returned, approved")
    output_quantity: Decimal
    output_unit: str
    revenue: Decimal = Field(description="đồng")
    average_price: Decimal | None = Field(description="đồng per unit")
    employees: int
    employees_ethnic_minority: int
    employees_women: int
    raw_material_area_ha: Decimal | None
    households_linked: int
    markets: str
    channels: str
    problems: str
    return_reason: str
    submitted_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    version: int

    @staticmethod
    def resolve_product(obj):
        p = obj.product
        return {"id": p.pk, "name": p.name, "producer": p.producer.name, "commune": p.location.name}


class MonitoringReportIn(Schema):
    product_id: int
    year: int = Field(ge=MIN_REPORT_YEAR, le=MAX_REPORT_YEAR)
    output_quantity: DecimalIn
    output_unit: str = Field(max_length=30)
    revenue: DecimalIn = Field(description="đồng, whole number")
    average_price: DecimalIn | None = None
    employees: int = 0
    employees_ethnic_minority: int = 0
    employees_women: int = 0
    raw_material_area_ha: DecimalIn | None = None
    households_linked: int = 0
    markets: str = Field("", max_length=2000)
    channels: str = Field("", max_length=2000)
    problems: str = Field("", max_length=5000)
    version: int | None = Field(None, description="the version read; a save over a later change is refused (409)")


class ReportFilters(Schema):
    year: int | None = Field(None, ge=MIN_REPORT_YEAR, le=MAX_REPORT_YEAR)
    area: str = Field("", max_length=20, description="an area id of either scheme, e.g. 2025:11")
    status: ReportStatus | None = None


def _related(qs):
    return qs.select_related("product__producer", "product__location")


def _area(area_id: str):
    if not area_id:
        return None
    from areas.queries import get_unit

    return get_unit(area_id)


@router.get(
    "/monitoring-reports",
    response={200: list[MonitoringReportOut], **ERRORS},
    summary="Yearly reports after recognition in the caller's areas (a producer: their own), newest year first",
)
@paginate(Paginated)
def list_reports(request, filters: Query[ReportFilters]):
    qs = filter_reports(
        _related(reports_for(request.auth)),
        year=filters.year,
        area=_area(filters.area),
        status=filters.status,
    )
    return qs.order_by("-year", "product__search_name", "pk")


@router.get(
    "/monitoring-reports/{report_id}",
    response={200: MonitoringReportOut, **ERRORS},
    summary="One yearly report (404 outside the caller's areas)",
)
def get_report(request, report_id: int):
    return get_object_or_404(_related(reports_for(request.auth)), pk=report_id)


def _require(user, action):
    if not user.has_perm(action):
        raise PermissionRefused(_("Bạn không có quyền lập báo cáo sau công nhận."))


@router.post(
    "/monitoring-reports",
    response={200: MonitoringReportOut, **ERRORS, 409: ERRORS[400]},
    summary="Create or update the draft (or returned) report of a product for a year",
)
def save_report(request, payload: MonitoringReportIn):
    _require(request.auth, REPORT)
    product = get_object_or_404(
        reportable_products(request.auth).select_related("producer", "location"), pk=payload.product_id
    )
    values = payload.dict(exclude={"product_id", "year", "version"})
    report = monitoring_services.save_report(
        actor=request.auth, product=product, year=payload.year, values=values, version=payload.version
    )
    return _related(reports_for(request.auth)).get(pk=report.pk)


@router.post(
    "/monitoring-reports/{report_id}/submit",
    response={200: MonitoringReportOut, **ERRORS},
    summary="Submit a draft or returned report to the province",
)
def submit_report(request, report_id: int):
    _require(request.auth, REPORT)
    from programme.models import MonitoringReport

    qs = MonitoringReport.objects.filter(product__in=reportable_products(request.auth).values("pk"))
    report = get_object_or_404(qs, pk=report_id)
    monitoring_services.submit_report(actor=request.auth, report=report)
    return _related(reports_for(request.auth)).get(pk=report.pk)


class FlagOut(Schema):
    code: str = Field(description="display-only, shrinking-area, expiring-no-dossier, no-promotion")
    label: str
    detail: str


class WatchOut(Schema):
    product_id: int
    name: str
    producer: str
    commune: str
    flags: list[FlagOut]


class WatchPage(Schema):
    items: list[WatchOut]
    count: int


@router.get(
    "/watch-list",
    response={200: WatchPage, **ERRORS},
    summary="Certified products of an area (the caller's areas when none) with their watch-list flags today",
    description="Products holding a valid certificate today, soonest-expiring first; `flag` keeps those showing that"
    " flag (or `any`). Paginated by limit/offset like the other lists.",
)
def watch_list(
    request,
    area: str = Query("", max_length=20),
    flag: str = Query("", max_length=30),
    limit: int = Query(100, ge=1, le=settings.API_MAX_LIMIT),
    offset: int = Query(0, ge=0, le=settings.API_MAX_OFFSET),
):
    if flag and flag != "any" and flag not in CODES:
        raise DomainError(
            _("Dấu hiệu '%(f)s' không có; dùng: %(all)s hoặc any.") % {"f": flag, "all": ", ".join(CODES)}, field="flag"
        )
    today = timezone.localdate()
    products = watch_products(request.auth, day=today, area=_area(area))
    flags = None
    if flag:  # computed, not stored: the flags of every product first, then the page
        flags = flags_for(products, today)
        products = products.filter(
            pk__in=[pk for pk, f in flags.items() if flag == "any" or any(x.code == flag for x in f)]
        )
    page = list(products[offset : offset + limit])
    if flags is None:
        flags = flags_for([p.pk for p in page], today)
    items = [
        {
            "product_id": p.pk,
            "name": p.name,
            "producer": p.producer.name,
            "commune": p.location.name,
            "flags": [{"code": f.code, "label": f.label, "detail": f.detail} for f in flags.get(p.pk, [])],
        }
        for p in page
    ]
    return {"items": items, "count": products.count()}
