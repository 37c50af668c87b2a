"""`GET /api/v1/programme/plan-actual?area=&year=`: plan against actual for an area and a year, as the page shows it
(programme.plan_actuals): each target with its actual, each named product with its state and blocking step, and the
narrative paragraph. programme.view, for an area within the caller's scope (the country with a nationwide scope);
another area answers 404, a malformed area or year 400 with the field named."""

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from api.auth import AUTH
from api.schemas import ERRORS
from areas.queries import report_area
from core.errors import DomainError, PermissionRefused
from programme.plan_actuals import VIEW, check_area, parse_year, plan_vs_actual, year_end
from programme.plan_narrative import narrative

router = Router(tags=["programme"], auth=AUTH)


class AreaRef(Schema):
    id: str
    name: str


class TargetActualOut(Schema):
    metric: str
    stars: int | None
    group: str | None = Field(description="code of the product group (148 system) of a group target")
    ntm_level: str
    sub_area: AreaRef | None = Field(description="where the target is counted when not the area asked for")
    target: int = Field(description="summed over the plans that set the same metric and qualifiers")
    actual: int = Field(description="from the records, 01/01–31/12 of the year")
    percent: int | None


class LineActualOut(Schema):
    id: int
    plan_id: int
    name: str
    action: str
    state: str = Field(description="achieved | in-progress | not-started")
    step: str = Field(description="the blocking step (programme.plan_actuals.STEPS), or achieved")
    label: str
    product_id: int | None
    decision: int | None = Field(description="id of the decision that achieved it or fell short")


class PlanActualOut(Schema):
    area: AreaRef
    year: int
    as_of: str
    include_sub_areas: bool
    scheme_differs: bool
    targets: list[TargetActualOut]
    lines: list[LineActualOut]
    counts: dict[str, int]
    narrative: str


def _area_ref(unit):
    return {"id": str(unit.area_id), "name": str(unit.name)}


@router.get(
    "/plan-actual",
    response={200: PlanActualOut, **ERRORS},
    summary="Plan against actual of an area for a year",
    description="Targets of the year's plans for the area (its own and its counterparts' across the 2025 reform; "
    "`sub_areas=true` adds the plans of the units within it) with their actuals, and the products the plans name "
    "with their progress. `area` is an area id of either scheme, or `vn` for a nationwide reader.",
)
def plan_actual(
    request,
    area: str = Query(..., max_length=20),
    year: str = Query(..., max_length=10),
    sub_areas: bool = False,
):
    user = request.auth
    if not user.has_perm(VIEW):
        raise PermissionRefused(_("Bạn không có quyền xem kế hoạch OCOP."))
    year_value = parse_year(year)
    try:
        unit = report_area(area.strip(), year_end(year_value), user=user, action=VIEW)
    except DomainError as exc:
        exc.field = exc.field or "area"
        raise
    check_area(user, unit)
    result = plan_vs_actual(unit, year_value, user=user, include_sub_areas=sub_areas)
    return {
        "area": _area_ref(unit),
        "year": result.year,
        "as_of": result.as_of.isoformat(),
        "include_sub_areas": result.include_sub_areas,
        "scheme_differs": result.scheme_differs,
        "targets": [
            {
                "metric": row.metric,
                "stars": row.stars,
                "group": row.group.code if row.group is not None else None,
                "ntm_level": row.ntm_level,
                "sub_area": _area_ref(row.sub_area) if row.sub_area is not None else None,
                "target": row.target,
                "actual": row.actual,
                "percent": row.percent,
            }
            for row in result.targets
        ],
        "lines": [
            {
                "id": line.pk,
                "plan_id": line.plan_id,
                "name": line.name,
                "action": line.action,
                "state": progress.state,
                "step": progress.step,
                "label": progress.label,
                "product_id": progress.product.pk if progress.product is not None else None,
                "decision": progress.decision_id,
            }
            for line, progress in result.lines
        ],
        "counts": result.counts,
        "narrative": narrative(result),
    }
