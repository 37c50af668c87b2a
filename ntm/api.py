"""NTM endpoints. `GET /api/v1/reports/ntm` is public and read-only (CONTRACT §7); `/api/v1/ntm/…` needs a login."""

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from api.auth import AUTH, PUBLIC
from api.schemas import ERRORS, OPTIONAL_AUTH_ERRORS
from core.pagecache import public_page
from ntm.models import Assessment, CriteriaSet
from ntm.queries import parse_year
from ntm.reporting import report_for

router = Router(tags=["ntm"], auth=AUTH)

# Mounted at /api/v1/reports/ntm (CONTRACT §7) beside the OCOP report.
report_router = Router(tags=["reports"])


class AreaRef(Schema):
    id: str
    name: str


class VillagesOut(Schema):
    total: int = Field(
        description="villages (thôn, bản, tổ dân phố, ấp) of the registry lying in the area on 31 December"
    )
    assessed: int = Field(
        description="villages with an approved village assessment for the year (any village set; each village once),"
        " placed where they lie on 31 December"
    )
    recognized: dict[str, int] = Field(
        description="thon-ntm / thon-kieu-mau: villages recognised at that level by a decision counting from a day of"
        " the year"
    )
    recognized_cumulative: dict[str, int] = Field(
        description="thon-ntm / thon-kieu-mau: villages whose highest village level in force on 31 December is that"
        " level (village levels do not nest: each village counts once)"
    )


class NtmReportOut(Schema):
    year: int
    area: AreaRef
    criteria_set: str = Field(description="the basic commune set in force on 31 December of the year")
    communes: int = Field(description="rural communes (xã) of the area valid on 31 December")
    assessed: int = Field(description="communes with an approved assessment for the year")
    recognized: dict[str, int] = Field(description="dat-chuan / nang-cao / kieu-mau: each commune once, highest level")
    recognized_cumulative: dict[str, int] = Field(
        description="levels nest (kiểu mẫu ⊂ nâng cao ⊂ đạt chuẩn): communes at that level or above"
    )
    inherited: int = Field(
        description="of `recognized`, communes of the new scheme counted at the lowest level their predecessor"
        " communes all held on 30/06/2025, pending the province's thừa nhận decision"
    )
    inherited_basically_meeting: int = Field(
        description="of `basically_meeting`, communes holding an inherited cơ bản đạt chuẩn decision the same way"
    )
    basically_meeting: int = Field(
        description="not recognised at a higher level, and recognised cơ bản đạt chuẩn by decision or meeting the"
        " computed rule (see basically_meeting_rule)"
    )
    average_criteria: float | None = Field(description="criteria met ÷ assessed, 2 decimals; null if none assessed")
    below: dict[str, int]
    by_criterion: dict[str, int]
    children: list[dict] = Field(
        description="units one level down; for communes: id, name, criteria_met, status (dat-chuan, nang-cao, kieu-mau,"
        " co-ban-dat, chua-dat, chua-co-so-lieu = no assessment for the year) and inherited: true where inherited"
    )
    through_successions: bool = Field(
        description="true when the area belongs to the other scheme than the year's: communes reached by successions"
    )
    basically_meeting_rule: str = Field(
        description="the NTM_BASICALLY_MEETING setting used: a comma list of 'decision', 'all', 'min:N'"
    )
    villages: VillagesOut = Field(
        description="the village level (thôn, bản): registry villages counted where they lie on 31 December, in"
        " either scheme like the communes; name-only recognitions through their commune"
    )


@report_router.get(
    "",
    auth=PUBLIC,
    response={200: NtmReportOut, **OPTIONAL_AUTH_ERRORS},
    summary="Public: NTM figures of an area for a year (CONTRACT §7)",
    description="`area=vn` is the whole country (its provinces as children, in the scheme valid on 31 December of the"
    " year; `vn@pre2025` / `vn@2025` choose the scheme), for a reader whose scope is nationwide; anyone else gets the"
    " 404 of an unknown area. Cached until the data changes.",
)
# An anonymous caller's JSON is kept until the records change (core.pagecache); a signed-in one's is private.
@decorate_view(public_page("api-report-ntm", max_age=None))
def ntm_report_endpoint(
    request,
    response: HttpResponse,
    year: str = Query("", max_length=10),
    area: str = Query("", max_length=20),
    criteria_set: str = Query(
        None,
        max_length=40,
        description="code of a commune set to read the figures against (a nâng cao or kiểu mẫu set, a province's set):"
        " it must be in force on some day of the year or hold assessments of the year, else 400 listing the sets"
        " that apply. Default: the national basic set in force on 31 December.",
    ),
):
    if criteria_set:
        from ntm.levels import report_for_set

        report = report_for_set(year, area, criteria_set, user=request.auth)
    else:
        report = report_for(year, area, user=request.auth)
    patch_cache_control(response, max_age=300, public=True)
    return report


class CriterionOut(Schema):
    code: str
    number: int
    name: str


class CriteriaSetOut(Schema):
    code: str
    title: str
    decision: str
    kind: str
    level: str
    valid_from: str
    valid_until: str | None
    uses_commune_groups: bool
    issuer: str
    province: str | None = Field(description="id of the issuing province for a province's set")
    declared_criteria: int | None = Field(
        description="number of criteria a source states, for a set whose text is not loaded (no criteria listed)"
    )
    missing_texts: str = Field(description="the official texts of the set not loaded yet")
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_province(obj):
        return str(obj.province.area_id) if obj.province_id else None

    @staticmethod
    def resolve_valid_from(obj):
        return obj.valid_from.isoformat()

    @staticmethod
    def resolve_valid_until(obj):
        return obj.valid_until.isoformat() if obj.valid_until else None

    @staticmethod
    def resolve_criteria(obj):
        return list(obj.criteria.all())


@router.get(
    "/criteria-sets", response={200: list[CriteriaSetOut], **ERRORS}, summary="NTM criteria sets with their criteria"
)
def criteria_sets(request):
    return CriteriaSet.objects.select_related("province").prefetch_related("criteria")


class AssessmentOut(Schema):
    id: int
    commune: AreaRef
    year: int
    criteria_set: str
    status: str
    source: str
    criteria_met: int
    met: list[str]

    @staticmethod
    def resolve_commune(obj):
        return {"id": str(obj.commune.area_id), "name": obj.commune.name}

    @staticmethod
    def resolve_criteria_set(obj):
        return obj.criteria_set.code

    @staticmethod
    def resolve_met(obj):
        return [r.criterion.code for r in obj.results.all() if r.met]


@router.get(
    "/assessments", response={200: list[AssessmentOut], **ERRORS}, summary="Assessments of a year in the caller's areas"
)
def assessments(request, year: str = Query(..., max_length=10)):
    year = parse_year(year)
    return (
        Assessment.objects.for_user(request.auth, "ntm.view")
        .filter(year=year)
        .select_related("commune", "criteria_set")
        .prefetch_related("results__criterion")
        .order_by("commune__code")
    )


def _join_family_routers():
    """Issue 18's families keep their operations in their own modules, under this router's /api/v1/ntm/."""
    from ntm.api_areas import router as areas_router
    from ntm.api_procedure import router as procedure_router
    from ntm.api_village_assessments import router as village_assessments_router

    router.add_router("", village_assessments_router)
    router.add_router("", areas_router)
    router.add_router("", procedure_router)


_join_family_routers()
