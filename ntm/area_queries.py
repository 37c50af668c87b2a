"""NTM reads at district and province level (issue 18): "huyện chưa có xã NTM" — the units one level down from an area
that have no commune recognised on 31 December of a year — and the district and province titles in force.

"Recognised" is the report's own (ntm.queries.annotated_communes: a commune's highest decision in force on 31 December,
or from 2025 the level inherited from its predecessor communes); only đạt chuẩn and above count, never "cơ bản đạt
chuẩn". Every answer runs a constant number of queries whatever the area's size.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Q

from areas.choices import Level, Scheme, UnitType
from areas.identifiers import AreaId
from areas.models import AdministrativeUnit, Succession
from areas.queries import Country, scheme_on
from ntm.choices import BASIC_RANK, AreaLevel, year_end
from ntm.models import AreaRecognition
from ntm.queries import annotated_communes, basic_rule, communes_of, parse_year


@dataclass
class WithoutNtm:
    """The answer: the units one level down from `area` (in its scheme), those without any recognised commune."""

    year: int
    area: object  # AdministrativeUnit or areas.queries.Country
    child_level: str  # Level of the units listed ("" when the area has none below)
    considered: int = 0  # units below that have at least one rural commune in the year
    units: list[dict] = field(default_factory=list)  # [{id, name, communes}] without a recognised commune
    through_successions: bool = False

    @property
    def count(self) -> int:
        return len(self.units)

    @property
    def names(self) -> list[str]:
        return [u["name"] for u in self.units]


def _reading_day(area, day: datetime.date) -> datetime.date:
    """The day the area's own units are read on: `day`, or the nearest day the area existed (a district after the 2025
    reform is read on 30/06/2025; a unit of the new scheme before it on 01/07/2025)."""
    if isinstance(area, Country) or area.is_valid_on(day):
        return day
    if area.valid_until and day >= area.valid_until:
        return area.last_valid_day
    return area.valid_from or day


def child_units(area, day: datetime.date):
    """(level, queryset) of the units one level down from `area` in its scheme: a country's provinces, a pre-2025
    province's districts, a 2025 province's or a district's communes (rural communes and wards alike)."""
    if isinstance(area, Country):
        return Level.PROVINCE, area.provinces()
    on = _reading_day(area, day)
    units = AdministrativeUnit.objects.filter(scheme=area.scheme).valid_on(on)
    if area.level == Level.PROVINCE and area.scheme == Scheme.PRE2025:
        return Level.DISTRICT, units.filter(parent=area, level=Level.DISTRICT).order_by("code")
    if area.level == Level.PROVINCE:
        return Level.COMMUNE, units.filter(province=area, level=Level.COMMUNE).order_by("code")
    if area.level == Level.DISTRICT:
        return Level.COMMUNE, units.filter(district=area, level=Level.COMMUNE).order_by("code")
    return "", AdministrativeUnit.objects.none()


def _year_communes(area, year: int):
    """(the year's rural communes reached from `area`, through successions?) — ntm.queries.communes_of, and for the
    country every rural commune of the year's scheme reached from its scheme (as ntm.reporting.national_scope)."""
    if not isinstance(area, Country):
        return communes_of(area, year)
    day = year_end(year)
    scheme = scheme_on(day)
    communes = AdministrativeUnit.objects.filter(scheme=scheme, level=Level.COMMUNE, unit_type=UnitType.XA).valid_on(
        day
    )
    if area.scheme == scheme:
        return communes, False
    links = Succession.objects.filter(predecessor__level=Level.COMMUNE, successor__level=Level.COMMUNE)
    side = "successor_id" if scheme == Scheme.S2025 else "predecessor_id"
    return communes.filter(pk__in=links.values(side)), True


def _key(area, prefix: str = "") -> str:
    """The field naming a commune's unit one level down from `area` (prefix: through a succession's side)."""
    if isinstance(area, Country):
        return f"{prefix}province_id"
    if area.level == Level.PROVINCE and area.scheme == Scheme.PRE2025:
        return f"{prefix}district_id"
    return f"{prefix}id" if prefix else "pk"


def _located(area, prefix: str) -> Q:
    if isinstance(area, Country):
        return Q(**{f"{prefix}scheme": area.scheme})
    if area.level == Level.PROVINCE:
        return Q(**{f"{prefix}province": area})
    if area.level == Level.DISTRICT:
        return Q(**{f"{prefix}district": area})
    return Q(**{f"{prefix}pk": area.pk})


def commune_counts(area, year: int) -> dict:
    """{unit one level down (pk): (rural communes of the year, of which recognised)} in one query."""
    communes, through = _year_communes(area, year)
    ranked = annotated_communes(communes, year, None, None, basic_rule())
    if not through:
        rows = (
            ranked.order_by()
            .values_list(_key(area))
            .annotate(n=Count("pk"), r=Count("pk", filter=Q(rank__gt=BASIC_RANK)))
        )
        return {key: (n, r) for key, n, r in rows}
    # Across the reform a commune of the year lies in the area's units through its succession links (one in each
    # unit its predecessors or successors lie in), counted once per unit.
    year_side = "successor" if scheme_on(year_end(year)) == Scheme.S2025 else "predecessor"
    area_side = "predecessor" if year_side == "successor" else "successor"
    recognised = ranked.filter(rank__gt=BASIC_RANK).values("pk")
    rows = (
        Succession.objects.filter(
            _located(area, f"{area_side}__"),
            **{f"{year_side}__in": communes.values("pk"), f"{area_side}__level": Level.COMMUNE},
        )
        .order_by()
        .values_list(_key(area, f"{area_side}__"))
        .annotate(
            n=Count(year_side, distinct=True),
            r=Count(year_side, distinct=True, filter=Q(**{f"{year_side}__in": recognised})),
        )
    )
    return {key: (n, r) for key, n, r in rows}


def areas_without_ntm(year, area) -> WithoutNtm:
    """The units one level down from `area` (its scheme: a pre-2025 province's districts, a 2025 province's or a
    district's communes, the country's provinces) that have rural communes in `year` and none of them recognised
    đạt chuẩn or above on 31 December. A unit without any rural commune (a quận, a phường) is not counted. Two
    queries."""
    year = parse_year(year)
    day = year_end(year)
    level, children = child_units(area, day)
    answer = WithoutNtm(year=year, area=area, child_level=level)
    if not level:
        return answer
    answer.through_successions = area.scheme != scheme_on(day)
    counts = commune_counts(area, year)
    for pk, scheme, code, name in children.values_list("pk", "scheme", "code", "name"):
        communes, recognised = counts.get(pk, (0, 0))
        if not communes:
            continue
        answer.considered += 1
        if not recognised:
            answer.units.append({"id": str(AreaId(scheme, code)), "name": name, "communes": communes})
    return answer


# ---- district and province titles ---------------------------------------------------------------------------------


def _title_units(area) -> Q:
    """Titles of units lying in `area`: the area itself and, for a province, its districts and the provinces it
    succeeded or was succeeded by (with their districts)."""
    if isinstance(area, Country):
        return Q()
    if area.level == Level.DISTRICT:
        return Q(unit=area)
    if area.level != Level.PROVINCE:
        return Q(pk__in=[])
    linked = Succession.objects.filter(predecessor__level=Level.PROVINCE).filter(
        Q(predecessor=area) | Q(successor=area)
    )
    provinces = Q(pk=area.pk) | Q(pk__in=linked.values("predecessor_id")) | Q(pk__in=linked.values("successor_id"))
    ids = AdministrativeUnit.objects.filter(provinces).values("pk")
    return Q(unit__in=ids) | Q(unit__parent__in=ids)


def titles_in(area, *, year: int | None = None, level: str = "", base=None):
    """The district and province titles of `area` (either scheme, None: everywhere); with `year`, those in force on
    31 December whose unit still exists that day (district titles end with the districts on 01/07/2025). `base`: a
    scoped queryset to start from (a page's reader); the public API starts from every title."""
    qs = AreaRecognition.objects.all() if base is None else base
    if area is not None:
        qs = qs.filter(_title_units(area))
    if year is not None:
        day = year_end(year)
        qs = qs.in_force_on(day).filter(
            Q(unit__valid_from__isnull=True) | Q(unit__valid_from__lte=day),
            Q(unit__valid_until__isnull=True) | Q(unit__valid_until__gt=day),
        )
    if level:
        qs = qs.filter(level=level)
    return qs.select_related("unit", "unit__parent").order_by("unit__code", "effective_date", "pk")


def title_line(recognition: AreaRecognition) -> dict:
    """One title as the report and the API give it."""
    unit = recognition.unit
    return {
        "id": str(unit.area_id),
        "name": unit.name,
        "level": recognition.level,
        "level_label": str(AreaLevel(recognition.level).label),
        "decision_no": recognition.decision_no,
        "decision_date": recognition.decision_date.isoformat() if recognition.decision_date else None,
        "effective_date": recognition.effective_date.isoformat(),
        "revoked_on": recognition.revoked_on.isoformat() if recognition.revoked_on else None,
    }


# ---- the conditions of the district and province titles, as data ---------------------------------------------------

AREA_CONDITIONS_FILE = Path(__file__).parent / "criteria" / "areas" / "area-conditions.yaml"


@dataclass(frozen=True)
class AreaConditions:
    """One title for one period: the conditions known (none until an official text is loaded) and the texts missing."""

    level: str
    period: str
    conditions: tuple  # ({code, text, source}, …)
    missing_texts: tuple

    @property
    def level_label(self) -> str:
        return str(AreaLevel(self.level).label)


def load_area_conditions(path: Path = AREA_CONDITIONS_FILE) -> dict:
    """{title, note, levels: [AreaConditions]} from the data file; ImproperlyConfigured naming the entry at fault.
    A condition needs its text and its source (an official text): nothing is ever made up in code."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    levels = []
    for i, entry in enumerate(data.get("levels") or [], start=1):
        where = f"{path.name}: levels[{i}]"
        if not isinstance(entry, dict) or entry.get("level") not in AreaLevel.values:
            raise ImproperlyConfigured(f"{where}: 'level' must be one of {', '.join(AreaLevel.values)}")
        conditions = entry.get("conditions") or []
        for condition in conditions:
            if not isinstance(condition, dict) or not condition.get("text") or not condition.get("source"):
                raise ImproperlyConfigured(f"{where}: each condition needs 'text' and 'source' (the official text)")
        missing = entry.get("missing_texts") or []
        if not conditions and not missing:
            raise ImproperlyConfigured(f"{where}: no condition and no 'missing_texts': say which text is missing")
        levels.append(
            AreaConditions(
                level=entry["level"],
                period=str(entry.get("period") or ""),
                conditions=tuple(conditions),
                missing_texts=tuple(str(m) for m in missing),
            )
        )
    return {"title": str(data.get("title") or ""), "note": str(data.get("note") or ""), "levels": levels}
