"""Village reads: where a village lies on a day, the villages of an area in either scheme, and the village figures of
the NTM report (the `villages` block of CONTRACT §7's report, its dashboard, Excel and narrative).

A village lies in the commune of its placement on the day (VillagePlacement). An area of the placement's scheme holds
it directly; an area of the other scheme holds it through the recorded successions of its communes, as
ntm.queries.communes_of reaches the year's communes: a pre-2025 area holds the villages placed in the 2025 communes
that succeeded its communes, a 2025 area those placed in the old communes its communes succeeded.
"""

import datetime

from django.db import connection
from django.db.models import Case, CharField, Exists, F, Func, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Concat

from areas.choices import Level, Scheme
from areas.models import AdministrativeUnit, Succession
from ntm.choices import AssessmentStatus, RecognitionLevel, year_end
from ntm.models import Recognition, Village, VillageAssessment, VillagePlacement

VILLAGE_KEYS = (RecognitionLevel.THON_NTM.value, RecognitionLevel.THON_KIEU_MAU.value)
# A village's first placement when nobody knows since when it has been there (reports start in 2000).
FAR_PAST = datetime.date(2000, 1, 1)


def placements_on(day):
    return VillagePlacement.objects.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def village_commune_on(village, day) -> AdministrativeUnit | None:
    """The commune `village` lies in on `day` (None: not placed that day)."""
    placement = placements_on(day).filter(village=village).select_related("commune").order_by("-valid_from").first()
    return placement.commune if placement else None


def _located(unit, path: str) -> Q:
    """Q for records whose unit at `path` ("" for the unit itself) lies in `unit` (same scheme)."""
    prefix = f"{path}__" if path else ""
    itself = Q(**{f"{prefix}pk": unit.pk})
    if unit.level == Level.PROVINCE:
        return Q(**{f"{prefix}province_id": unit.pk}) | itself
    if unit.level == Level.DISTRICT:
        return Q(**{f"{prefix}district_id": unit.pk}) | itself
    return itself


def _is_country(unit) -> bool:
    return getattr(unit, "pk", None) is None


def placed_in(unit, day) -> Q:
    """Q on VillagePlacement: placements (active on `day`, filtered by the caller) that lie in `unit`, either scheme."""
    if _is_country(unit):
        return Q()
    return Q(commune__in=AdministrativeUnit.objects.filter(_commune_in(unit)).values("pk"))


def valid_on(day) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def villages_in(unit, day):
    """The villages existing on `day` whose placement that day lies in `unit` (a unit of either scheme, or the
    country: areas.queries.Country)."""
    placements = placements_on(day).filter(placed_in(unit, day))
    return Village.objects.filter(valid_on(day)).filter(pk__in=placements.values("village_id"))


def _village_recognitions():
    return Recognition.objects.filter(level__in=VILLAGE_KEYS)


class _Count(Func):
    """COUNT(expression) as a plain function: the figure querysets below stay one row each without GROUP BY, so their
    SQL can be joined into a single statement."""

    template = "COUNT(%(distinct)s%(expressions)s)"
    output_field = IntegerField()

    def __init__(self, expression, distinct=False):
        super().__init__(expression, distinct="DISTINCT " if distinct else "")


def _when(condition, value):
    return Case(When(condition, then=value), default=None)


def _commune_in(unit) -> Q:
    """Q on AdministrativeUnit (communes): lying in `unit`, or reached from it through the 2025 successions."""
    own = AdministrativeUnit.objects.filter(scheme=unit.scheme, level=Level.COMMUNE).filter(_located(unit, ""))
    if unit.scheme == Scheme.PRE2025:
        linked = Succession.objects.filter(predecessor__in=own).values("successor_id")
    else:
        linked = Succession.objects.filter(successor__in=own).values("predecessor_id")
    return (Q(scheme=unit.scheme) & _located(unit, "")) | (~Q(scheme=unit.scheme) & Q(pk__in=linked))


def village_figures(year: int, unit) -> dict:
    """The report's `villages` block: {total, assessed, recognized: {level: n}, recognized_cumulative: {level: n}}.

    `recognized`: villages recognised at the level by a decision counting from a day of the year. `recognized_
    cumulative`: villages whose highest village level in force on 31 December is that level. Village levels are not
    nested in the reports officials write (Huyện Điện Biên 2021: 38 kiểu mẫu, 24 đạt chuẩn), so each village counts
    once, at its highest level. Recognitions of registry villages are counted through the village's placement; those
    holding only a name (imports of past decisions) through their commune, each (commune, name) once. `assessed`:
    villages with an approved village assessment of the year (any village set; each village once), counted through
    the village's placement on 31 December like `total` (as the commune report counts approved assessments only).
    One query whatever the area's size: the registry's figures and the name-only ones are two one-row selects joined
    in one statement."""
    day = year_end(year)
    start = datetime.date(year, 1, 1)
    in_force = _village_recognitions().in_force_on(day)
    km, ntm = RecognitionLevel.THON_KIEU_MAU, RecognitionLevel.THON_NTM
    in_year = Q(effective_date__gte=start, effective_date__lte=day)

    def held(level):
        return Exists(in_force.filter(village_ref=OuterRef("pk"), level=level))

    def new(level):
        return Exists(_village_recognitions().filter(in_year, village_ref=OuterRef("pk"), level=level))

    approved = VillageAssessment.objects.filter(village=OuterRef("pk"), year=year, status=AssessmentStatus.APPROVED)
    registry = (
        villages_in(unit, day)
        .annotate(held_km=held(km), held_ntm=held(ntm), new_km=new(km), new_ntm=new(ntm), was_assessed=Exists(approved))
        .order_by()
        .annotate(
            total=_Count(F("pk")),
            assessed=_Count(_when(Q(was_assessed=True), F("pk"))),
            cum_km=_Count(_when(Q(held_km=True), F("pk"))),
            cum_ntm=_Count(_when(Q(held_ntm=True, held_km=False), F("pk"))),
            year_km=_Count(_when(Q(new_km=True), F("pk"))),
            year_ntm=_Count(_when(Q(new_ntm=True), F("pk"))),
        )
        .values("total", "assessed", "cum_km", "cum_ntm", "year_km", "year_ntm")
    )
    named = _village_recognitions().filter(village_ref__isnull=True)
    if not _is_country(unit):
        named = named.filter(commune__in=AdministrativeUnit.objects.filter(_commune_in(unit)).values("pk"))
    pair = Concat(Cast("commune_id", CharField()), Value("|"), "village", output_field=CharField())
    in_force_q = Q(effective_date__lte=day) & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
    km_too = in_force.filter(
        village_ref__isnull=True, commune=OuterRef("commune"), village=OuterRef("village"), level=km
    )
    names = (
        named.annotate(also_km=Exists(km_too), key=pair)
        .order_by()
        .annotate(
            n_cum_km=_Count(_when(in_force_q & Q(level=km), F("key")), distinct=True),
            n_cum_ntm=_Count(_when(in_force_q & Q(level=ntm, also_km=False), F("key")), distinct=True),
            n_year_km=_Count(_when(in_year & Q(level=km), F("key")), distinct=True),
            n_year_ntm=_Count(_when(in_year & Q(level=ntm), F("key")), distinct=True),
        )
        .values("n_cum_km", "n_cum_ntm", "n_year_km", "n_year_ntm")
    )
    (a_sql, a_params), (b_sql, b_params) = (qs.query.sql_with_params() for qs in (registry, names))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({a_sql}) AS registry, ({b_sql}) AS named", (*a_params, *b_params))
        row = cursor.fetchone()
    total, assessed, cum_km, cum_ntm, year_km, year_ntm, n_cum_km, n_cum_ntm, n_year_km, n_year_ntm = row
    return {
        "total": total,
        "assessed": assessed,
        "recognized": {ntm.value: year_ntm + n_year_ntm, km.value: year_km + n_year_km},
        "recognized_cumulative": {ntm.value: cum_ntm + n_cum_ntm, km.value: cum_km + n_cum_km},
    }


def village_history(village):
    """(placements, predecessors, successors, recognitions) of a village's detail page, four queries."""
    placements = list(village.placements.select_related("commune", "commune__district", "commune__province"))
    predecessors = list(village.predecessions.select_related("predecessor__commune"))
    successors = list(village.successions.select_related("successor__commune"))
    recognitions = list(village.recognitions.select_related("commune").order_by("-effective_date"))
    return placements, predecessors, successors, recognitions


def village_assessments(user, *, year=None, area=None, status=""):
    """The village assessments `user` may read (ntm.view), of a year, an area of either scheme (the assessment's
    commune lies in it, or is reached from it through the 2025 successions, like villages_in) and a status; with
    what a list shows, so a page of them costs the same whatever its length."""
    qs = VillageAssessment.objects.for_user(user, "ntm.view")
    if year:
        qs = qs.filter(year=year)
    if area is not None and not _is_country(area):
        qs = qs.filter(commune__in=AdministrativeUnit.objects.filter(_commune_in(area)).values("pk"))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("village", "commune", "commune__district", "commune__province", "criteria_set").order_by(
        "-year", "commune__search_name", "village__search_name", "pk"
    )
