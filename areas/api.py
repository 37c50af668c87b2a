import datetime

from django.db.models import Count
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from api.auth import PUBLIC
from areas import queries
from areas.models import AdministrativeUnit

router = Router(tags=["areas"], auth=PUBLIC)


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


@router.get("/units", response=list[UnitOut], summary="List or search units")
@paginate(LimitOffsetPagination)
def list_units(
    request, scheme: str | None = None, level: str | None = None, parent: str | None = None, q: str | None = None
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


@router.get("/units/{area_id}", response=UnitDetailOut, summary="One unit with its predecessors and successors")
def get_unit(request, area_id: str):
    return queries.get_unit(area_id)


class ResolveOut(Schema):
    unit: UnitOut
    scheme: str


@router.get("/resolve", response=ResolveOut, summary="Resolve names to a unit as of a date")
def resolve(request, province: str, on_date: datetime.date, district: str | None = None, commune: str | None = None):
    """Exact match of normalised names (case, diacritics, đ, type words, apostrophes) within the parent, in the
    scheme valid on `on_date`. Unknown or ambiguous names answer 400 with what was tried."""
    unit = queries.resolve_unit(province=province, district=district, commune=commune, on_date=on_date)
    return {"unit": unit, "scheme": unit.scheme}
