"""API of the NTM areas (issue 18), mounted by api/api.py under /api/v1/ntm/.

Both operations are public and read-only, like `GET /api/v1/reports/ntm`: district and province titles are public
decisions, and "huyện chưa có xã NTM" is a figure of the public report. `area=vn` (the whole country) is for a reader
whose scope is nationwide, as in the report; anyone else gets the 404 of an unknown area.
"""

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from api.auth import AUTH, PUBLIC
from api.schemas import OPTIONAL_AUTH_ERRORS
from areas.queries import report_area
from core.errors import DomainError
from ntm.area_queries import areas_without_ntm, title_line, titles_in
from ntm.choices import AreaLevel, year_end
from ntm.queries import parse_year, year_default
from ntm.reporting import NATIONWIDE_ACTION

router = Router(tags=["ntm"], auth=AUTH)


class AreaRef(Schema):
    id: str
    name: str


class AreaTitleOut(Schema):
    id: str = Field(description="the district or province (area id, either scheme)")
    name: str
    level: str = Field(description="huyen-dat-chuan, hoan-thanh-nv, huyen-nang-cao, huyen-kieu-mau, tinh-hoan-thanh")
    level_label: str
    decision_no: str
    decision_date: str | None
    effective_date: str
    revoked_on: str | None


class UnitWithoutOut(Schema):
    id: str
    name: str
    communes: int = Field(description="rural communes (xã) of the unit in the year, none of them recognised")


class AreasWithoutOut(Schema):
    year: int
    area: AreaRef
    level: str = Field(description="level of the units listed: province, district or commune ('' when none below)")
    considered: int = Field(description="units one level down that have at least one rural commune in the year")
    count: int = Field(description="of them, units without any commune recognised đạt chuẩn or above on 31 December")
    units: list[UnitWithoutOut]
    through_successions: bool = Field(
        description="true when the area belongs to the other scheme than the year's: communes reached by successions"
    )


def _area(area: str, year: int, request):
    return report_area(area, year_end(year), user=request.auth, action=NATIONWIDE_ACTION)


@router.get(
    "/area-recognitions",
    auth=PUBLIC,
    response={200: list[AreaTitleOut], **OPTIONAL_AUTH_ERRORS},
    summary="Public: district and province NTM titles (huyện đạt chuẩn, hoàn thành nhiệm vụ…)",
    description="`area` (either scheme) narrows to the area's own titles, its districts' and, for a province, those of"
    " the provinces it succeeded or was succeeded by; `year` keeps the titles in force on 31 December of that year"
    " whose unit still existed that day (district titles end on 01/07/2025); `level` one title.",
)
def area_recognitions(
    request,
    area: str = Query("", max_length=20),
    year: str = Query("", max_length=10),
    level: str = Query("", max_length=20),
):
    parsed = parse_year(year) if year else None
    if level and level not in AreaLevel.values:
        raise DomainError(
            _("Danh hiệu '%(l)s' không hợp lệ (dùng: %(v)s).") % {"l": level, "v": ", ".join(AreaLevel.values)},
            field="level",
        )
    unit = _area(area, parsed or year_default(), request) if area else None
    return [title_line(r) for r in titles_in(unit, year=parsed, level=level)]


@router.get(
    "/areas-without-ntm",
    auth=PUBLIC,
    response={200: AreasWithoutOut, **OPTIONAL_AUTH_ERRORS},
    summary="Public: units one level down without any recognised commune (huyện chưa có xã NTM)",
    description="The units one level down from `area` in its scheme (a pre-2025 province's districts, a 2025"
    " province's or a district's communes, the country's provinces) with rural communes in `year` and none recognised"
    " đạt chuẩn, nâng cao or kiểu mẫu on 31 December (cơ bản đạt chuẩn does not count; a 2025 commune's inherited"
    " level does, as in the report).",
)
def areas_without(request, year: str = Query("", max_length=10), area: str = Query("", max_length=20)):
    parsed = parse_year(year)
    answer = areas_without_ntm(parsed, _area(area, parsed, request))
    return {
        "year": answer.year,
        "area": {"id": str(answer.area.area_id), "name": str(answer.area.name)},
        "level": answer.child_level,
        "considered": answer.considered,
        "count": answer.count,
        "units": answer.units,
        "through_successions": answer.through_successions,
    }
