"""API of the NTM village assessments (issue 18), mounted by api/api.py under /api/v1/ntm/: the yearly village
assessments the caller may read (ntm.view), filtered like the page (ntm.village_queries.village_assessments)."""

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from api.auth import AUTH
from api.pagination import Paginated
from api.schemas import ERRORS
from areas.queries import get_unit
from core.errors import DomainError
from ntm.choices import AssessmentStatus
from ntm.queries import parse_year
from ntm.village_queries import village_assessments

router = Router(tags=["ntm"], auth=AUTH)


class Ref(Schema):
    id: str
    name: str


class VillageRef(Schema):
    id: int
    name: str
    kind: str


class VillageAssessmentOut(Schema):
    id: int
    village: VillageRef
    commune: Ref = Field(description="the village's commune on 31 December of the year, fixed when the form was opened")
    year: int
    criteria_set: str = Field(description="code of the village criteria set (kind village)")
    level: str = Field(description="the set's level: dat-chuan or kieu-mau")
    status: str = Field(description="draft, submitted or approved (locked)")
    criteria_met: int
    criteria_total: int
    met: list[str] = Field(description="codes of the criteria met")

    @staticmethod
    def resolve_village(obj):
        return {"id": obj.village.pk, "name": obj.village.name, "kind": obj.village.kind}

    @staticmethod
    def resolve_commune(obj):
        return {"id": str(obj.commune.area_id), "name": obj.commune.name}

    @staticmethod
    def resolve_criteria_set(obj):
        return obj.criteria_set.code

    @staticmethod
    def resolve_level(obj):
        return obj.criteria_set.level

    @staticmethod
    def resolve_criteria_total(obj):
        return len(obj.results.all())

    @staticmethod
    def resolve_met(obj):
        return [r.criterion.code for r in obj.results.all() if r.met]


@router.get(
    "/village-assessments",
    response={200: list[VillageAssessmentOut], **ERRORS},
    summary="Village assessments of a year in the caller's areas",
    description="`area`: an area id of either scheme (e.g. 2025:11, pre2025:100); the assessments of villages whose"
    " commune on 31 December lies in it, or is reached from it through the 2025 successions. `status`: draft,"
    " submitted or approved. Paginated by limit/offset.",
)
@paginate(Paginated)
def list_village_assessments(
    request,
    year: str = Query(..., max_length=10),
    area: str = Query("", max_length=20),
    status: str = Query("", max_length=20),
):
    year = parse_year(year)
    if status and status not in AssessmentStatus.values:
        raise DomainError(
            _("Trạng thái '%(s)s' không có; dùng: %(v)s.") % {"s": status, "v": ", ".join(AssessmentStatus.values)},
            field="status",
        )
    unit = get_unit(area.strip()) if area.strip() else None
    return village_assessments(request.auth, year=year, area=unit, status=status).prefetch_related("results__criterion")
