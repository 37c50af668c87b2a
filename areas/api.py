import datetime

from django.db.models import Count
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from api.auth import PUBLIC
from api.schemas import OPTIONAL_AUTH_ERRORS, Paginated
from areas import queries
from areas.models import AdministrativeUnit
from core.errors import DomainError
from core.forms import date_range_message, in_date_range

router = Router(tags=["areas"], auth=PUBLIC)

AREA_ID_MAX = 20  # "pre2025:12345" is 13
TEXT_MAX = 200  # a name or a search


class UnitRef(Schema):
    id: str
    name: str

    @staticmethod
    def resolve_id(obj):
        return str(obj.area_id)


class UnitOut(Schema):
    id: str = Field(description="<scheme>:<code>")
    scheme: str
    code: str
    level: str
    unit_type: str
    name: str
    short_name: str
    parent: UnitRef | None
    valid_from: datetime.date | None
    valid_until: datetime.date | None = Field(description="first day on which the unit no longer exists")
    source: str

    @staticmethod
    def resolve_id(obj):
        return str(obj.area_id)


class SuccessionOut(Schema):
    unit: UnitRef
    partly_merged: bool
    effective_date: datetime.date
    review_status: str
    legal_basis: str


class UnitDetailOut(UnitOut):
    children: int
    predecessors: list[SuccessionOut]
    successors: list[SuccessionOut]

    @staticmethod
    def resolve_children(obj):
        return AdministrativeUnit.objects.filter(parent=obj).aggregate(n=Count("id"))["n"]

    @staticmethod
    def resolve_predecessors(obj):
        return [_succ(s, s.predecessor) for s in queries.predecessors_of(obj)]

    @staticmethod
    def resolve_successors(obj):
        return [_succ(s, s.successor) for s in queries.successors_of(obj)]


def _succ(succession, unit):
    return {
        "unit": unit,
        "partly_merged": succession.partly_merged,
        "effective_date": succession.effective_date,
        "review_status": succession.review_status,
        "legal_basis": succession.legal_basis,
    }


@router.get("/units", response={200: list[UnitOut], **OPTIONAL_AUTH_ERRORS}, summary="List or search units")
@paginate(Paginated)
def list_units(
    request,
    scheme: str | None = Query(None, max_length=10),
    level: str | None = Query(None, max_length=10),
    parent: str | None = Query(None, max_length=AREA_ID_MAX),
    q: str | None = Query(None, max_length=TEXT_MAX),
):
    """Filter by scheme (`pre2025`, `2025`), level (`province`, `district`, `commune`), parent area id, or an
    accent-insensitive name search `q`."""
    if q:
        qs = queries.search_units(q, scheme=scheme, level=level)
    else:
        qs = AdministrativeUnit.objects.select_related("parent").order_by("scheme", "code")
        if scheme:
            qs = qs.filter(scheme=scheme)
        if level:
            qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent=queries.get_unit(parent))
    return qs


@router.get(
    "/units/{area_id}",
    response={200: UnitDetailOut, **OPTIONAL_AUTH_ERRORS},
    summary="One unit with its predecessors and successors",
)
def get_unit(request, area_id: str = Path(..., max_length=AREA_ID_MAX)):
    return queries.get_unit(area_id)


class ResolveOut(Schema):
    unit: UnitOut
    scheme: str


@router.get(
    "/resolve", response={200: ResolveOut, **OPTIONAL_AUTH_ERRORS}, summary="Resolve names to a unit as of a date"
)
def resolve(
    request,
    on_date: datetime.date,
    province: str = Query(..., max_length=TEXT_MAX),
    district: str | None = Query(None, max_length=TEXT_MAX),
    commune: str | None = Query(None, max_length=TEXT_MAX),
):
    """Exact match of normalised names (case, diacritics, đ, type words, apostrophes) within the parent, in the
    scheme valid on `on_date`. Unknown or ambiguous names answer 400 with what was tried."""
    if not in_date_range(on_date):
        raise DomainError(date_range_message(), field="on_date")
    unit = queries.resolve_unit(province=province, district=district, commune=commune, on_date=on_date)
    return {"unit": unit, "scheme": unit.scheme}
