"""`/api/v1/programme/plans…` and `/documents…`: annual plans with their targets and lines, programme documents.

Reads are scoped (programme.view; another province's plan answers 404); writes call programme.plan_services and
answer its refusals as 400/403 with the field named."""

import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from api.auth import AUTH
from api.schemas import ERRORS, Paginated
from areas.queries import get_unit
from core.errors import DomainError
from products.models import ProductCategory
from programme import plan_services as services
from programme.models import MAX_YEAR, MIN_YEAR, LineAction, TargetMetric
from programme.plan_queries import documents_for, filter_plans, plan_lines, plan_targets, plans_for, visible_lines

router = Router(tags=["programme"], auth=AUTH)


class AreaRef(Schema):
    id: str
    name: str


def _area(unit):
    return {"id": str(unit.area_id), "name": unit.name} if unit is not None else None


class TargetOut(Schema):
    id: int
    metric: str
    stars: int | None
    group: str | None
    ntm_level: str
    sub_area: AreaRef | None
    value: int
    note: str

    @staticmethod
    def resolve_group(obj):
        return obj.group.code if obj.group_id else None

    @staticmethod
    def resolve_sub_area(obj):
        return _area(obj.sub_area)


class LineOut(Schema):
    id: int
    position: int
    name: str
    producer_name: str
    commune: AreaRef | None
    action: str
    target_stars: int | None
    supported_by: str
    funding_source: str
    planned_amount: Decimal | None
    note: str
    producer_id: int | None
    idea_id: int | None
    product_id: int | None
    round_item_id: int | None
    decision_id: int | None

    @staticmethod
    def resolve_commune(obj):
        return _area(obj.commune)


class PlanOut(Schema):
    id: int
    area: AreaRef
    year: int
    title: str
    document_id: int | None
    decision_no: str
    decision_date: datetime.date | None
    note: str

    @staticmethod
    def resolve_area(obj):
        return _area(obj.area)


class PlanDetailOut(PlanOut):
    targets: list[TargetOut]
    lines: list[LineOut]

    @staticmethod
    def resolve_targets(obj):
        return list(plan_targets(obj))

    @staticmethod
    def resolve_lines(obj, context):
        return list(visible_lines(context["request"].auth, obj))


class DocumentOut(Schema):
    id: int
    area: AreaRef
    kind: str
    title: str
    decision_no: str
    decision_date: datetime.date | None
    start_year: int
    end_year: int
    note: str

    @staticmethod
    def resolve_area(obj):
        return _area(obj.area)


class DocumentDetailOut(DocumentOut):
    targets: list[TargetOut]

    @staticmethod
    def resolve_targets(obj):
        return list(obj.targets.select_related("group", "sub_area").order_by("metric", "stars", "id"))


class PlanFilterIn(Schema):
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR)
    area: str = Field("", max_length=20, description="an area id of either scheme: 2025:11, pre2025:094")


def _unit(area_id: str, field: str):
    try:
        return get_unit(area_id.strip())
    except DomainError as exc:
        raise DomainError(exc.message, field=field) from exc


@router.get("/plans", response={200: list[PlanOut], **ERRORS}, summary="Annual plans in the caller's areas")
@paginate(Paginated)
def list_plans(request, filters: Query[PlanFilterIn]):
    area = _unit(filters.area, "area") if filters.area else None
    return (
        filter_plans(plans_for(request.auth), year=filters.year, area=area)
        .select_related("area")
        .order_by("-year", "area__code", "-id")
    )


@router.get(
    "/plans/{plan_id}",
    response={200: PlanDetailOut, **ERRORS},
    summary="One plan with its targets and lines (404 outside scope)",
)
def get_plan(request, plan_id: int):
    return get_object_or_404(plans_for(request.auth).select_related("area"), pk=plan_id)


class PlanIn(Schema):
    area: str = Field(..., max_length=20, description="area id: a province, a district (before 2026) or a commune")
    year: int = Field(..., ge=MIN_YEAR, le=MAX_YEAR)
    title: str = Field(..., min_length=1, max_length=500)
    document_id: int | None = Field(None, ge=1, le=2**63 - 1)
    decision_no: str = Field("", max_length=60)
    decision_date: datetime.date | None = None
    note: str = Field("", max_length=5000)


@router.post("/plans", response={201: PlanDetailOut, **ERRORS}, summary="Create an annual plan")
def create_plan(request, payload: PlanIn):
    document = None
    if payload.document_id is not None:
        document = documents_for(request.auth).filter(pk=payload.document_id).first()
        if document is None:
            raise DomainError(_("Không tìm thấy đề án."), field="document_id")
    plan = services.create_plan(
        actor=request.auth,
        area=_unit(payload.area, "area"),
        year=payload.year,
        title=payload.title,
        document=document,
        decision_no=payload.decision_no,
        decision_date=payload.decision_date,
        note=payload.note,
    )
    return Status(201, plan)


class TargetIn(Schema):
    # optional here so that a plan out of scope answers 404 before the body is judged; the view names what is missing
    metric: TargetMetric | None = None
    value: int | None = Field(None, ge=0, le=100_000)
    stars: int | None = Field(None, ge=3, le=5)
    group: str | None = Field(
        None, max_length=40, description="a product group code of Quyết định 148 (e.g. thuc-pham)"
    )
    ntm_level: str = Field("", max_length=20)
    sub_area: str | None = Field(None, max_length=20)
    note: str = Field("", max_length=500)


@router.post("/plans/{plan_id}/targets", response={201: TargetOut, **ERRORS}, summary="Add a target to a plan")
def add_target(request, plan_id: int, payload: TargetIn):
    plan = get_object_or_404(plans_for(request.auth).select_related("area"), pk=plan_id)
    if payload.metric is None:
        raise DomainError(_("Hãy chọn chỉ tiêu (metric)."), field="metric")
    if payload.value is None:
        raise DomainError(_("Hãy ghi số lượng (value)."), field="value")
    group = None
    if payload.group:
        group = ProductCategory.objects.filter(system="148", level="group", code=payload.group).first()
        if group is None:
            raise DomainError(_("Không có nhóm sản phẩm '%(g)s'.") % {"g": payload.group}, field="group")
    target = services.add_target(
        actor=request.auth,
        plan=plan,
        metric=payload.metric,
        value=payload.value,
        stars=payload.stars,
        group=group,
        ntm_level=payload.ntm_level,
        sub_area=_unit(payload.sub_area, "sub_area") if payload.sub_area else None,
        note=payload.note,
    )
    return Status(201, target)


class LineIn(Schema):
    # name and action are checked by the service, after the plan is found (404 before 400)
    name: str = Field("", max_length=255)
    action: LineAction | None = None
    producer_name: str = Field("", max_length=255)
    commune: str | None = Field(None, max_length=20, description="a commune's area id")
    target_stars: int | None = Field(None, ge=3, le=5)
    supported_by: str = Field("", max_length=10, description="province, district or commune")
    funding_source: str = Field("", max_length=15)
    planned_amount: int | None = Field(None, ge=0, le=10**15, description="đồng")
    note: str = Field("", max_length=500)


@router.post("/plans/{plan_id}/lines", response={201: LineOut, **ERRORS}, summary="Add a product line to a plan")
def add_line(request, plan_id: int, payload: LineIn):
    from programme.choices import FundingSource, SupporterLevel

    plan = get_object_or_404(plans_for(request.auth).select_related("area"), pk=plan_id)
    if payload.supported_by and payload.supported_by not in SupporterLevel.values:
        raise DomainError(_("Cấp hỗ trợ: province, district hoặc commune."), field="supported_by")
    if payload.funding_source and payload.funding_source not in FundingSource.values:
        raise DomainError(_("Nguồn kinh phí: %(v)s.") % {"v": ", ".join(FundingSource.values)}, field="funding_source")
    line = services.add_line(
        actor=request.auth,
        plan=plan,
        name=payload.name,
        action=payload.action or "",
        producer_name=payload.producer_name,
        commune=_unit(payload.commune, "commune") if payload.commune else None,
        target_stars=payload.target_stars,
        supported_by=payload.supported_by,
        funding_source=payload.funding_source,
        planned_amount=Decimal(payload.planned_amount) if payload.planned_amount is not None else None,
        note=payload.note,
    )
    return Status(201, plan_lines(plan).get(pk=line.pk))


class DocumentFilterIn(Schema):
    area: str = Field("", max_length=20)


@router.get(
    "/documents", response={200: list[DocumentOut], **ERRORS}, summary="Programme documents in the caller's areas"
)
@paginate(Paginated)
def list_documents(request, filters: Query[DocumentFilterIn]):
    from areas.filters import within

    qs = documents_for(request.auth).select_related("area")
    if filters.area:
        qs = qs.filter(within(_unit(filters.area, "area"), "area"))
    return qs.order_by("-start_year", "area__code", "-id")


@router.get(
    "/documents/{document_id}",
    response={200: DocumentDetailOut, **ERRORS},
    summary="One programme document with its period targets (404 outside scope)",
)
def get_document(request, document_id: int):
    return get_object_or_404(documents_for(request.auth).select_related("area"), pk=document_id)
