"""`/api/v1/programme/linkages…`, `/investments`, `/raw-material-areas…`: the same scope, filters and services as the
pages. Reads need programme.view (in the caller's areas), writes programme.manage_linkages; refusals are 4xx with the
field at fault."""

import datetime
import decimal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from api.auth import AUTH
from api.schemas import ERRORS, DecimalIn, Paginated
from areas.queries import get_unit
from core.errors import DomainError, PermissionRefused
from producers.models import Producer
from products.models import Product
from programme import linkage_services as services
from programme.linkage_forms import InvestmentFilter, LinkageFilter, RawAreaFilter
from programme.linkage_queries import investments_for, linkages_for, managed_linkages, raw_areas_for
from programme.models import (
    LinkageStatus,
)
from programme.models.linkages import MAX_AMOUNT, MAX_AREA_HA, MAX_HOUSEHOLDS, MAX_OUTPUT, MAX_YEAR, MIN_YEAR

router = Router(tags=["programme"], auth=AUTH)
VIEW = "programme.view"


def _require(user, action):
    if not user.has_perm(action):
        raise PermissionRefused(_("Bạn không có quyền thực hiện thao tác này."))


def _filtered(params: dict, form_class, queryset):
    """The page's filter applied to an API query; an invalid value answers 400 naming the field."""
    form = form_class({k: v for k, v in params.items() if v not in ("", None)})
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        raise DomainError(" ".join(errors), field=name)
    return form.apply(queryset)


def _area(unit):
    return {"id": str(unit.area_id), "name": unit.name} if unit is not None else None


class AreaRef(Schema):
    id: str
    name: str


class PartnerOut(Schema):
    id: int
    name: str
    kind: str
    producer_id: int | None
    commune: AreaRef | None
    households: int | None
    area_ha: decimal.Decimal | None
    contract_no: str
    contract_date: datetime.date | None

    @staticmethod
    def resolve_commune(obj):
        return _area(obj.commune)


class ResultOut(Schema):
    year: int
    area_ha: decimal.Decimal | None
    output: decimal.Decimal | None
    output_unit: str
    value: decimal.Decimal | None
    households: int | None
    note: str


class LinkageOut(Schema):
    id: int
    name: str
    province: AreaRef
    lead_id: int | None
    lead_name: str = Field(description="the lead's name: the producer's when `lead_id` is set")
    product_text: str
    area_ha: decimal.Decimal | None
    households: int | None
    contracted_output: str
    contract_value: decimal.Decimal | None
    contract_start: datetime.date | None
    contract_end: datetime.date | None
    approval_no: str
    approval_date: datetime.date | None
    support_approved: decimal.Decimal | None
    status: str

    @staticmethod
    def resolve_province(obj):
        return _area(obj.province)

    @staticmethod
    def resolve_lead_name(obj):
        return obj.lead.name if obj.lead_id else obj.lead_name


class LinkageDetailOut(LinkageOut):
    communes: list[AreaRef]
    products: list[int]
    partners: list[PartnerOut]
    results: list[ResultOut]

    @staticmethod
    def resolve_communes(obj):
        return [_area(c) for c in obj.communes.all()]

    @staticmethod
    def resolve_products(obj):
        return [p.pk for p in obj.products.all()]

    @staticmethod
    def resolve_partners(obj):
        return list(obj.partners.select_related("commune").order_by("name", "pk"))

    @staticmethod
    def resolve_results(obj):
        return list(obj.results.order_by("year"))


class LinkageFilterIn(Schema):
    area: str = Field("", max_length=20, description="an area id of either scheme, e.g. 2025:11")
    status: str = Field("", max_length=12)
    year: int | None = Field(None, description="projects whose contract runs during the year")
    product: int | None = Field(None, description="projects naming this product")


@router.get(
    "/linkages",
    response={200: list[LinkageOut], **ERRORS},
    summary="Linkage projects the caller may see (same filter as the page)",
)
@paginate(Paginated)
def list_linkages(request, filters: Query[LinkageFilterIn]):
    qs = _filtered(filters.dict(), LinkageFilter, linkages_for(request.auth))
    return qs.select_related("province", "lead").order_by("-contract_start", "-id")


@router.get(
    "/linkages/{project_id}",
    response={200: LinkageDetailOut, **ERRORS},
    summary="One linkage project with its partners and yearly results (404 outside scope)",
)
def get_linkage(request, project_id: int):
    return get_object_or_404(linkages_for(request.auth).select_related("province", "lead"), pk=project_id)


Amount = Field(None, ge=0, le=MAX_AMOUNT)
Area = Field(None, ge=0, le=MAX_AREA_HA)
Households = Field(None, ge=0, le=MAX_HOUSEHOLDS)


class LinkageIn(Schema):
    name: str = Field(..., min_length=1, max_length=500)
    province: str = Field(..., max_length=20, description="the managing province's area id, e.g. 2025:11")
    lead_id: int | None = None
    lead_name: str = Field("", max_length=255)
    communes: list[str] = Field([], max_length=500, description="area ids of communes of either scheme")
    products: list[int] = Field([], max_length=500)
    product_text: str = Field("", max_length=255)
    area_ha: DecimalIn | None = Area
    households: int | None = Households
    contracted_output: str = Field("", max_length=255)
    contract_value: DecimalIn | None = Amount
    contract_start: datetime.date | None = None
    contract_end: datetime.date | None = None
    approval_no: str = Field("", max_length=60)
    approval_date: datetime.date | None = None
    support_approved: DecimalIn | None = Amount
    status: LinkageStatus = LinkageStatus.PREPARING
    note: str = Field("", max_length=5000)


def _unit(area_id: str, field: str):
    try:
        return get_unit(area_id)
    except DomainError as exc:
        raise DomainError(exc.message, field=field) from exc


@router.post(
    "/linkages",
    response={201: LinkageDetailOut, **ERRORS},
    summary="Record a linkage project (programme.manage_linkages in its province)",
)
def create_linkage(request, payload: LinkageIn):
    user = request.auth
    _require(user, "programme.manage_linkages")
    data = payload.dict()
    lead = None
    if data.pop("lead_id") is not None:
        lead = Producer.objects.for_user(user, "producers.view").filter(pk=payload.lead_id).first()
        if lead is None:
            raise DomainError(_("Không tìm thấy chủ thể đã chọn."), field="lead_id")
    wanted = data.pop("products")
    products = list(
        Product.objects.for_user(user, "programme.manage_linkages").filter(pk__in=wanted).select_related("location")
    )
    if len(products) != len(set(payload.products)):
        raise DomainError(_("Không tìm thấy sản phẩm đã chọn."), field="products")
    communes = [_unit(area_id, "communes") for area_id in data.pop("communes")]
    data["province"] = _unit(data["province"], "province")
    project = services.create_project(actor=user, lead=lead, communes=communes, products=products, **data)
    return Status(201, project)


class ResultIn(Schema):
    # optional here so that a project outside the caller's scope answers 404 before the body is judged; the service
    # refuses a missing year with a 400 naming the field
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR)
    area_ha: DecimalIn | None = Area
    output: DecimalIn | None = Field(None, ge=0, le=MAX_OUTPUT)
    output_unit: str = Field("", max_length=20)
    value: DecimalIn | None = Amount
    households: int | None = Households
    note: str = Field("", max_length=5000)


@router.post(
    "/linkages/{project_id}/results",
    response={200: ResultOut, **ERRORS},
    summary="Record or correct a project's results for one year (one row per year)",
)
def record_linkage_result(request, project_id: int, payload: ResultIn):
    user = request.auth
    _require(user, "programme.manage_linkages")
    project = get_object_or_404(managed_linkages(user), pk=project_id)
    return services.record_result(actor=user, project=project, **payload.dict())


class InvestmentOut(Schema):
    id: int
    name: str
    province: AreaRef
    investor_id: int | None
    investor_name: str
    crop: str
    communes: list[AreaRef]
    planned_area_ha: decimal.Decimal | None
    planted_area_ha: decimal.Decimal | None
    stage: str
    decision_no: str
    decision_date: datetime.date | None

    @staticmethod
    def resolve_province(obj):
        return _area(obj.province)

    @staticmethod
    def resolve_investor_name(obj):
        return obj.investor_label

    @staticmethod
    def resolve_communes(obj):
        return [_area(c) for c in obj.communes.all()]


class InvestmentFilterIn(Schema):
    area: str = Field("", max_length=20)
    stage: str = Field("", max_length=12)


@router.get(
    "/investments",
    response={200: list[InvestmentOut], **ERRORS},
    summary="Investment projects that create raw-material areas, in the caller's areas",
)
@paginate(Paginated)
def list_investments(request, filters: Query[InvestmentFilterIn]):
    qs = _filtered(filters.dict(), InvestmentFilter, investments_for(request.auth))
    return qs.select_related("province", "investor").prefetch_related("communes").order_by("name", "pk")


class RawYearOut(Schema):
    year: int
    area_ha: decimal.Decimal | None
    output_tonnes: decimal.Decimal | None
    households: int | None


class RawAreaOut(Schema):
    id: int
    name: str
    product_id: int
    product_name: str
    communes: list[AreaRef]
    area_ha: decimal.Decimal | None
    certification: str
    certificate_no: str
    certified_until: datetime.date | None
    linkage_project_id: int | None
    investment_project_id: int | None

    @staticmethod
    def resolve_product_name(obj):
        return obj.product.name

    @staticmethod
    def resolve_communes(obj):
        return [_area(c) for c in obj.communes.all()]


class RawAreaDetailOut(RawAreaOut):
    years: list[RawYearOut]

    @staticmethod
    def resolve_years(obj):
        return list(obj.years.order_by("year"))


class RawAreaFilterIn(Schema):
    area: str = Field("", max_length=20)
    certification: str = Field("", max_length=10)
    product: int | None = None


@router.get(
    "/raw-material-areas",
    response={200: list[RawAreaOut], **ERRORS},
    summary="Raw-material areas of the products the caller may see (filter by product, area, certification)",
)
@paginate(Paginated)
def list_raw_areas(request, filters: Query[RawAreaFilterIn]):
    qs = _filtered(filters.dict(), RawAreaFilter, raw_areas_for(request.auth))
    return qs.select_related("product").prefetch_related("communes").order_by("product__name", "name", "pk")


@router.get(
    "/raw-material-areas/{area_id}",
    response={200: RawAreaDetailOut, **ERRORS},
    summary="One raw-material area with its yearly figures (404 outside scope)",
)
def get_raw_area(request, area_id: int):
    return get_object_or_404(raw_areas_for(request.auth).select_related("product"), pk=area_id)
