"""`/api/v1/programme/…` for training courses, communication campaigns, honours and the yearly report."""

import datetime
import decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from api.auth import AUTH
from api.schemas import ERRORS, Paginated
from areas.queries import get_unit
from core.errors import DomainError, PermissionRefused
from programme import training_services
from programme.models import MAX_COST, MAX_PEOPLE
from programme.models.plans import MAX_YEAR, MIN_YEAR
from programme.training_queries import (
    campaigns_for,
    courses_for,
    honours_for,
    report_courses,
    training_report,
)

router = Router(tags=["programme"], auth=AUTH)

VIEW, MANAGE = "programme.view", "programme.manage_training"


def _require(user, action):
    if not user.has_perm(action):
        raise PermissionRefused(_("Bạn không có quyền này."))


def _unit(area_id: str, field: str):
    """A unit named in a request body or query: a wrong or unknown id is bad input on that field (400)."""
    try:
        return get_unit(area_id)
    except DomainError as exc:
        raise DomainError(exc.message, field=field) from exc


class AreaRef(Schema):
    id: str
    name: str


def _ref(unit):
    return {"id": str(unit.area_id), "name": unit.name} if unit is not None else None


class CourseOut(Schema):
    id: int
    title: str
    kind: str
    organiser: str
    province: AreaRef
    area: AreaRef | None
    place: str
    start_date: datetime.date
    end_date: datetime.date
    audience: list[str]
    communes: list[AreaRef]
    participants: int | None
    participants_women: int
    participants_ethnic_minority: int
    cost: int | None
    funding_source: str
    note: str
    cancelled: bool

    @staticmethod
    def resolve_province(obj):
        return _ref(obj.province)

    @staticmethod
    def resolve_area(obj):
        return _ref(obj.area)

    @staticmethod
    def resolve_communes(obj):
        return [_ref(c) for c in obj.communes.all()]

    @staticmethod
    def resolve_cost(obj):
        return int(obj.cost) if obj.cost is not None else None

    @staticmethod
    def resolve_cancelled(obj):
        return obj.is_cancelled


class CourseIn(Schema):
    title: str = Field(..., min_length=1, max_length=255)
    kind: str = Field(..., max_length=15, description="training, conference, study-tour, other")
    organiser: str = Field(..., min_length=1, max_length=255)
    province: str = Field(..., max_length=20, description="area id of the owning province, e.g. 2025:11")
    area: str | None = Field(None, max_length=20, description="area id of the organising district or commune")
    place: str = Field(..., min_length=1, max_length=255)
    start_date: datetime.date
    end_date: datetime.date
    audience: list[str] = Field(default_factory=list, max_length=10)
    communes: list[str] = Field(default_factory=list, max_length=500, description="area ids of attending communes")
    participants: int | None = Field(None, ge=0, le=MAX_PEOPLE, description="null when not known")
    participants_women: int = Field(0, ge=0, le=MAX_PEOPLE)
    participants_ethnic_minority: int = Field(0, ge=0, le=MAX_PEOPLE)
    cost: int | None = Field(None, ge=0, le=MAX_COST, description="đồng")
    funding_source: str = Field("", max_length=15)
    note: str = Field("", max_length=5000)


def _courses(user):
    return courses_for(user).select_related("province", "area").prefetch_related("communes")


@router.get(
    "/training-courses",
    response={200: list[CourseOut], **ERRORS},
    summary="Training courses the caller may see (year: start date)",
)
@paginate(Paginated)
def list_courses(
    request,
    year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR),
    area: str = Query("", max_length=20),
):
    _require(request.auth, VIEW)
    if area:
        if not year:
            raise DomainError(_("Lọc theo địa bàn cần có năm."), field="year")
        ids = report_courses(request.auth, year=year, area=_unit(area, "area")).values("pk")
        qs = _courses(request.auth).filter(pk__in=ids)
    else:
        qs = _courses(request.auth)
        if year:
            qs = qs.filter(start_date__year=year)
    return qs.order_by("-start_date", "-id")


@router.get(
    "/training-courses/{course_id}", response={200: CourseOut, **ERRORS}, summary="One training course (404 outside)"
)
def get_course(request, course_id: int):
    _require(request.auth, VIEW)
    return get_object_or_404(_courses(request.auth), pk=course_id)


@router.post(
    "/training-courses",
    response={201: CourseOut, **ERRORS},
    summary="Record a training course (province officer; a commune officer for their own commune's)",
)
def create_course(request, payload: CourseIn):
    _require(request.auth, MANAGE)
    values = payload.dict()
    values["province"] = _unit(values["province"], "province")
    values["area"] = _unit(values["area"], "area") if values["area"] else None
    values["communes"] = [_unit(area_id, "communes") for area_id in values["communes"]]
    if values["cost"] is not None:
        values["cost"] = decimal.Decimal(values["cost"])
    course = training_services.create_course(actor=request.auth, **values)
    return Status(201, _courses(request.auth).get(pk=course.pk))


class CampaignOut(Schema):
    id: int
    title: str
    channel: str
    organiser: str
    province: AreaRef
    area: AreaRef | None
    start_date: datetime.date
    end_date: datetime.date
    audience: list[str]
    reach: int | None
    items: int | None
    note: str
    cancelled: bool

    @staticmethod
    def resolve_province(obj):
        return _ref(obj.province)

    @staticmethod
    def resolve_area(obj):
        return _ref(obj.area)

    @staticmethod
    def resolve_cancelled(obj):
        return obj.is_cancelled


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS}, summary="Communication campaigns")
@paginate(Paginated)
def list_campaigns(request, year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR)):
    _require(request.auth, VIEW)
    qs = campaigns_for(request.auth).select_related("province", "area")
    if year:
        qs = qs.filter(start_date__year=year)
    return qs.order_by("-start_date", "-id")


class HonourOut(Schema):
    id: int
    province: AreaRef
    year: int
    kind: str
    producer_id: int | None
    producer_name: str | None
    product_id: int | None
    product_name: str | None
    title: str
    decision_no: str
    decision_date: datetime.date | None
    citation: str

    @staticmethod
    def resolve_province(obj):
        return _ref(obj.province)

    @staticmethod
    def resolve_producer_name(obj):
        return obj.producer.name if obj.producer_id else None

    @staticmethod
    def resolve_product_name(obj):
        return obj.product.name if obj.product_id else None


@router.get("/honours", response={200: list[HonourOut], **ERRORS}, summary="Honours (tôn vinh), by year")
@paginate(Paginated)
def list_honours(request, year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR)):
    _require(request.auth, VIEW)
    qs = honours_for(request.auth).select_related("province", "producer", "product")
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "kind", "-id")


class CourseFiguresOut(Schema):
    courses: int
    participants: int | None
    women: int
    ethnic_minority: int
    cost: int


class CampaignFiguresOut(Schema):
    campaigns: int
    reach: int
    items: int


class KindOut(CourseFiguresOut):
    kind: str


class ChannelOut(CampaignFiguresOut):
    channel: str


class ChildOut(Schema):
    area: AreaRef
    courses: CourseFiguresOut
    campaigns: CampaignFiguresOut


class TrainingReportOut(Schema):
    year: int
    area: AreaRef | None
    courses: CourseFiguresOut
    campaigns: CampaignFiguresOut
    by_kind: list[KindOut]
    by_channel: list[ChannelOut]
    children: list[ChildOut] = Field(description="one level down; a course reaching several communes counts in each")


@router.get(
    "/training-report",
    response={200: TrainingReportOut, **ERRORS},
    summary="Training and communication figures of a year, for an area of either scheme (default: the caller's)",
)
def report(
    request,
    year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR),
    area: str = Query("", max_length=20),
):
    _require(request.auth, VIEW)
    unit = _unit(area, "area") if area else None
    result = training_report(request.auth, year=year or timezone.localdate().year, area=unit)
    return {
        "year": result.year,
        "area": _ref(result.area),
        "courses": result.courses,
        "campaigns": result.campaigns,
        "by_kind": result.kinds,
        "by_channel": result.channels,
        "children": [
            {"area": _ref(row.unit), "courses": row.courses, "campaigns": row.campaigns} for row in result.children
        ],
    }
