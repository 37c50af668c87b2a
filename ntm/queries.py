"""NTM reads: the yearly report (CONTRACT §7) shared by the API, the dashboard, its Excel export and its narrative,
the commune lists behind each figure, completeness, priorities and a commune's history.

The report runs a constant number of queries whatever the area's size: the communes of the area are one queryset
annotated (by correlated subqueries) with their approved assessment's criteria count and their highest recognition in
force on 31 December; totals are one grouped count (by criteria met, rank, status), criteria another. Each query's SQL
is compiled once per shape and replayed with the area's id (Scope.rows, reports.cache.prepared).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from areas.choices import Level, Scheme, UnitType
from areas.identifiers import AreaId
from areas.models import AdministrativeUnit, Succession
from areas.queries import get_unit, scheme_on
from core.errors import DomainError
from ntm.choices import (
    BASIC_RANK,
    INHERITANCE_DAY,
    LEVEL_RANK,
    RANK_LEVEL,
    AssessmentStatus,
    CommuneStatus,
    Issuer,
    SetKind,
    SetLevel,
    year_end,
)
from ntm.models import Assessment, CriteriaSet, Criterion, CriterionResult, Recognition
from ntm.village_queries import village_figures
from reports.cache import prepared

MIN_YEAR, MAX_YEAR = 2000, 2100
RECOGNIZED_KEYS = ("dat-chuan", "nang-cao", "kieu-mau")


class BadYear(DomainError):
    pass


def parse_year(value) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise BadYear(_("Năm '%(v)s' không hợp lệ: ghi bốn chữ số, ví dụ 2021.") % {"v": value}) from exc
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadYear(_("Năm %(v)s nằm ngoài khoảng %(a)s–%(b)s.") % {"v": year, "a": MIN_YEAR, "b": MAX_YEAR})
    return year


def criteria_set_for_year(year: int) -> CriteriaSet | None:
    """The national basic commune set in force on 31 December of `year` (ntm-2021 for 2021–2025, ntm-2026 after)."""
    return (
        CriteriaSet.objects.in_force(year_end(year))
        .filter(kind=SetKind.COMMUNE, level=SetLevel.BASIC, issuer=Issuer.NATIONAL)
        .order_by("-valid_from")
        .first()
    )


@dataclass(frozen=True)
class BasicRule:
    """What makes a commune "cơ bản đạt chuẩn" (CONTRACT §7 Changed): a comma list of `decision` (its highest
    recognition is the co-ban-dat-chuan decision), `all` (meets every criterion of the set) and `min:N` (meets at least
    N). Any one holding is enough; a commune recognised at a higher level is never counted."""

    text: str
    decision: bool
    minimum: int | None  # None: `all` only; `all` is every criterion of the year's set
    computed: bool  # `all` or `min:N` present

    def threshold(self, criteria_count: int) -> int | None:
        """Criteria met for the computed rule (never more than the set has); None when the rule has no computed part."""
        if not self.computed:
            return None
        if self.minimum is None:
            return criteria_count
        return min(self.minimum, criteria_count)


DEFAULT_BASIC_RULE = "decision,all"


def parse_basic_rule(value) -> BasicRule:
    """Raises ImproperlyConfigured with the accepted forms on a bad value (checked at start-up by ntm.apps)."""
    text = str(value if value is not None else DEFAULT_BASIC_RULE).strip().lower() or DEFAULT_BASIC_RULE
    decision, every, minimum = False, False, None
    for part in (p.strip() for p in text.split(",")):
        kind, sep, number = part.partition(":")
        if part == "decision":
            decision = True
        elif part == "all":
            every = True
        elif kind == "min" and sep and number.isdigit() and int(number) > 0:
            minimum = int(number) if minimum is None else min(minimum, int(number))
        else:
            raise ImproperlyConfigured(
                f"NTM_BASICALLY_MEETING: {part!r} is not understood in {text!r}. Use a comma list of "
                "'decision' (recognised as cơ bản đạt chuẩn by decision), 'all' (meets every criterion) and 'min:N' "
                "(meets at least N criteria, N ≥ 1), e.g. 'decision,all' (the default) or 'decision,min:15'."
            )
    # `all` and `min:N` together: whichever asks less holds, so `min:N` (capped at the set's size) decides.
    normal = ",".join(
        [*(["decision"] if decision else []), *(["all"] if every else []), *([f"min:{minimum}"] if minimum else [])]
    )
    return BasicRule(text=normal, decision=decision, minimum=minimum, computed=every or minimum is not None)


def basic_rule() -> BasicRule:
    return parse_basic_rule(getattr(settings, "NTM_BASICALLY_MEETING", DEFAULT_BASIC_RULE))


def basically_meeting_rule() -> str:
    return basic_rule().text


def _located(area) -> Q:
    if area.level == Level.PROVINCE:
        return Q(province=area)
    if area.level == Level.DISTRICT:
        return Q(district=area)
    return Q(pk=area.pk)


def communes_of(area, year: int):
    """(rural communes valid on 31 December of `year` in that day's scheme, lying in `area`; through successions?)

    An area of the year's scheme is direct. An area of the other scheme reaches the year's communes through the
    recorded successions of its own communes (an old commune split in two counts in each new area it went into).
    """
    day = year_end(year)
    scheme = scheme_on(day)
    base = AdministrativeUnit.objects.filter(scheme=scheme, level=Level.COMMUNE, unit_type=UnitType.XA).valid_on(day)
    if area.scheme == scheme:
        return base.filter(_located(area)), False
    own = AdministrativeUnit.objects.filter(scheme=area.scheme, level=Level.COMMUNE).filter(_located(area))
    if area.scheme == Scheme.PRE2025:
        linked = Succession.objects.filter(predecessor__in=own).values("successor_id")
    else:
        linked = Succession.objects.filter(successor__in=own).values("predecessor_id")
    return base.filter(pk__in=linked), True


def _inheritance(day):
    """(inherits, inherited_rank) expressions for a commune of the new scheme (CONTRACT §7 Changed).

    It inherits when no commune-level decision of its own was recorded by `day`, it has predecessor communes, and
    every one of them held a recognition (any commune level, cơ bản đạt chuẩn included) on 30/06/2025; revoked on or
    before that day does not count. It holds the lowest of the levels they held (each at its highest).
    """
    held = Recognition.objects.in_force_on(INHERITANCE_DAY).filter(rank__isnull=False)
    predecessors = Succession.objects.filter(successor=OuterRef("pk"))
    own = Recognition.objects.filter(commune=OuterRef("pk"), rank__isnull=False, effective_date__lte=day)
    inherits = (
        ~Exists(own)
        & Exists(predecessors)
        & ~Exists(predecessors.filter(~Exists(held.filter(commune=OuterRef("predecessor_id")))))
    )
    each_top = held.filter(commune=OuterRef("predecessor_id")).order_by().values("commune").annotate(top=Max("rank"))
    lowest = (
        predecessors.annotate(top=Subquery(each_top.values("top"), output_field=IntegerField()))
        .order_by(F("top").asc(nulls_last=True))
        .values("top")[:1]
    )
    return inherits, Subquery(lowest, output_field=IntegerField())


def annotated_communes(communes, year: int, criteria_set: CriteriaSet, threshold: int | None, rule: BasicRule):
    """Each commune with its approved assessment (criteria_met, assessment_id), the rank it holds on 31 December (its
    own highest recognition in force, or from 2025 the level inherited from its predecessors), `inherited` and status.

    `threshold` is the computed rule's count of criteria (None: no computed rule)."""
    day = year_end(year)
    assessment = Assessment.objects.filter(
        commune=OuterRef("pk"), year=year, criteria_set=criteria_set, status=AssessmentStatus.APPROVED
    )
    own_rank = Subquery(
        Recognition.objects.in_force_on(day)
        .filter(commune=OuterRef("pk"), rank__isnull=False)
        .order_by()
        .values("commune")
        .annotate(top=Max("rank"))
        .values("top"),
        output_field=IntegerField(),
    )
    qs = communes.annotate(
        criteria_met=Subquery(assessment.values("criteria_met")[:1], output_field=IntegerField()),
        assessment_id=Subquery(assessment.values("pk")[:1], output_field=IntegerField()),
    )
    if scheme_on(day) == Scheme.S2025:
        inherits, inherited_rank = _inheritance(day)
        qs = qs.annotate(
            inherited=Case(When(inherits, then=Value(True)), default=Value(False), output_field=BooleanField())
        ).annotate(rank=Case(When(inherited=True, then=inherited_rank), default=own_rank, output_field=IntegerField()))
    else:
        qs = qs.annotate(inherited=Value(False, output_field=BooleanField()), rank=own_rank)
    # The status reads `rank` and `criteria_met` once each (simple CASEs): a searched CASE would write the rank's
    # subqueries into every WHEN, and each reference to the status again (~700 expressions for one report).
    levels = {r: level for r, level in sorted(RANK_LEVEL.items(), reverse=True)}
    if rule.decision:
        levels[BASIC_RANK] = CommuneStatus.CO_BAN_DAT.value
    if threshold is None:
        by_criteria = Case(
            When(criteria_met__isnull=True, then=Value(CommuneStatus.CHUA_CO_SO_LIEU.value)),
            default=Value(CommuneStatus.CHUA_DAT.value),
            output_field=CharField(),
        )
    else:  # criteria_met >= threshold is true, false, or unknown (no approved form)
        by_criteria = Switch(
            ExpressionWrapper(Q(criteria_met__gte=threshold), output_field=BooleanField()),
            {True: CommuneStatus.CO_BAN_DAT.value, False: CommuneStatus.CHUA_DAT.value},
            default=Value(CommuneStatus.CHUA_CO_SO_LIEU.value),
            output_field=CharField(),
        )
    return qs.annotate(status=Switch(F("rank"), levels, default=by_criteria, output_field=CharField()))


class Switch(Func):
    """SQL's simple CASE: `CASE <expression> WHEN <value> THEN <result> … ELSE <default> END`. The expression is written
    (and evaluated) once, where Django's Case repeats it in each WHEN. A NULL expression matches no value: the
    default."""

    def __init__(self, expression, cases: dict, *, default, output_field):
        pairs = [part for value, result in cases.items() for part in (Value(value), Value(result))]
        super().__init__(expression, *pairs, default, output_field=output_field)

    def as_sql(self, compiler, connection, **extra_context):
        sqls, params = [], []
        for source in self.get_source_expressions():
            sql, source_params = compiler.compile(source)
            sqls.append(sql)
            params.extend(source_params)
        head, *pairs, default = sqls
        whens = " ".join(f"WHEN {pairs[i]} THEN {pairs[i + 1]}" for i in range(0, len(pairs), 2))
        return f"CASE {head} {whens} ELSE {default} END", params


@dataclass
class Scope:
    """What one report is about: the year, the area, the set, the communes and how they were reached."""

    year: int
    area: AdministrativeUnit
    criteria_set: CriteriaSet
    criteria: list
    threshold: int | None  # criteria met for the computed "cơ bản đạt chuẩn" rule; None when it has none
    rule: BasicRule
    # build(area) → the annotated communes of an area of this one's scheme and level (the area itself or a stand-in
    # with another id: the report's SQL is compiled once per shape, see `rows`)
    build: Callable = field(repr=False)
    through_successions: bool

    @cached_property
    def communes(self):
        """The annotated queryset of the scope's communes (the lists behind the figures start here)."""
        return self.build(self.area)

    @property
    def has_districts(self) -> bool:
        """The year's communes lie in districts (the old scheme); from 2025 there are none to show."""
        return scheme_on(year_end(self.year)) == Scheme.PRE2025

    def rows(self, name: str, make, *shape) -> tuple[list[str], list[tuple]]:
        """(columns, rows) of make(communes), its SQL compiled once per shape (reports.cache.prepared): everything
        the communes' SQL depends on besides the area's id is in the key (the year, the set, the rule, the area's
        scheme and level)."""
        area = self.area
        key = ("ntm", name, self.year, self.criteria_set.pk, self.threshold, self.rule.text, area.scheme, area.level)
        values = {} if area.pk is None else {"area": area.pk}

        def build(area=None):
            stand_in = (
                self.area
                if area is None
                else AdministrativeUnit(pk=area, scheme=self.area.scheme, level=self.area.level)
            )
            return make(self.build(stand_in), stand_in)

        return prepared((*key, *shape), build, **values)


class BadCriteriaSet(DomainError):
    """A `criteria_set=` the report cannot use for the year (400, with the sets that apply)."""


def report_set(year: int, code) -> CriteriaSet:
    """The commune set `code` for the year's report: in force on some day of the year, or holding assessments of it.
    Refused with the list of the sets that apply to the year."""
    first, last = datetime.date(year, 1, 1), year_end(year)
    in_year = Q(valid_from__lte=last) & (Q(valid_until__isnull=True) | Q(valid_until__gt=first))
    usable = CriteriaSet.objects.filter(kind=SetKind.COMMUNE).filter(
        in_year | Q(pk__in=Assessment.objects.filter(year=year).values("criteria_set"))
    )
    code = str(code or "").strip()
    found = usable.filter(code=code).first() if code else None
    if found is None:
        rows = list(usable.order_by("level", "valid_from", "code").values_list("code", "title"))
        text = _("Bộ tiêu chí '%(c)s' không áp dụng cho báo cáo năm %(y)s. Các bộ tiêu chí xã áp dụng: %(l)s.")
        refused = BadCriteriaSet(
            text % {"c": code, "y": year, "l": ", ".join(c for c, _t in rows) or _("chưa có")}, field="criteria_set"
        )
        # the page's words: titles, no code names
        refused.page_message = _("Bộ tiêu chí đã chọn không áp dụng cho báo cáo năm %(y)s. Các bộ áp dụng: %(l)s.") % {
            "y": year,
            "l": "; ".join(t for _c, t in rows) or _("chưa có"),
        }
        raise refused
    return found


def report_scope(year, area, criteria_set=None) -> Scope:
    """Parse and resolve (400 bad year / malformed area / inapplicable set, 404 unknown area); three queries.

    `criteria_set` (a code or a CriteriaSet; default: the national basic set in force on 31 December) chooses the set
    whose approved assessments the figures read. For a set of another level than đạt chuẩn, "cơ bản đạt chuẩn" is by
    decision only (its computed rule is about the basic set)."""
    year = parse_year(year)
    if not isinstance(area, AdministrativeUnit):
        area = get_unit(area)
    if criteria_set is None:
        criteria_set = criteria_set_for_year(year)
        if criteria_set is None:
            raise BadYear(_("Chưa có bộ tiêu chí nông thôn mới áp dụng cho năm %(y)s.") % {"y": year})
    elif not isinstance(criteria_set, CriteriaSet):
        criteria_set = report_set(year, criteria_set)
    criteria = list(Criterion.objects.filter(criteria_set=criteria_set).order_by("number"))
    rule = basic_rule()
    if criteria_set.level == SetLevel.BASIC:
        threshold = rule.threshold(len(criteria) or criteria_set.declared_criteria or 0)
    else:
        threshold = None
    return Scope(
        year=year,
        area=area,
        criteria_set=criteria_set,
        criteria=criteria,
        threshold=threshold,
        rule=rule,
        build=lambda area: annotated_communes(communes_of(area, year)[0], year, criteria_set, threshold, rule),
        through_successions=area.scheme != scheme_on(year_end(year)),
    )


def _totals(scope: Scope, below: list[int]) -> dict:
    """The area's totals from one grouped count: how many communes hold each (criteria met, rank, status, inherited).

    A conditional count per figure wrote each commune's rank and criteria subqueries into every FILTER, and the
    database ran them once per figure and commune (the country's report: 14 KB of SQL, seconds on PostgreSQL).
    Grouped, they run once per commune; the few dozen groups are added up here."""
    rows = scope.rows(
        "totals",
        lambda qs, area: qs.order_by().values("criteria_met", "rank", "status", "inherited").annotate(n=Count("pk")),
    )[1]
    totals = dict.fromkeys(
        ["communes", "assessed", "basically_meeting", "inherited_count", "inherited_basic"]
        + [f"rank_{rank}" for rank in RANK_LEVEL]
        + [f"below_{n}" for n in below],
        0,
    )
    totals["met_sum"] = None  # SQL's SUM of no row
    for met, rank, status, inherited, n in rows:
        totals["communes"] += n
        basic = status == CommuneStatus.CO_BAN_DAT
        totals["basically_meeting"] += n if basic else 0
        if inherited:
            totals["inherited_count"] += n if rank is not None and rank > BASIC_RANK else 0
            totals["inherited_basic"] += n if basic else 0
        if rank in RANK_LEVEL:
            totals[f"rank_{rank}"] += n
        if met is not None:
            totals["assessed"] += n
            totals["met_sum"] = (totals["met_sum"] or 0) + met * n
            for threshold in below:
                totals[f"below_{threshold}"] += n if met < threshold else 0
    return totals


def average(met_sum, assessed) -> float | None:
    if not assessed:
        return None
    value = (Decimal(met_sum or 0) / Decimal(assessed)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(value)


def cumulative(recognized: dict) -> dict:
    """Levels nest (kiểu mẫu ⊂ nâng cao ⊂ đạt chuẩn): each level counts the communes at it or above."""
    return {
        level: sum(count for other, count in recognized.items() if LEVEL_RANK[other] >= LEVEL_RANK[level])
        for level in recognized
    }


def _figures(totals: dict, below: list[int]) -> dict:
    recognized = {level: totals[f"rank_{rank}"] for rank, level in RANK_LEVEL.items()}
    return {
        "communes": totals["communes"],
        "assessed": totals["assessed"],
        "recognized": recognized,
        "recognized_cumulative": cumulative(recognized),
        "inherited": totals["inherited_count"],
        "inherited_basically_meeting": totals["inherited_basic"],
        "basically_meeting": totals["basically_meeting"],
        "average_criteria": average(totals["met_sum"], totals["assessed"]),
        "below": {str(n): totals[f"below_{n}"] for n in below},
    }


def ntm_report(year, area) -> dict:
    """CONTRACT §7, the one source of the API, the dashboard, its export and its narrative."""
    return build_report(report_scope(year, area))


def criteria_met_counts(scope: Scope) -> dict[str, int]:
    """{criterion code: how many of the scope's communes meet it in their approved assessment of the year}."""

    def make(communes, area):
        return (
            CriterionResult.objects.filter(
                met=True,
                assessment__year=scope.year,
                assessment__criteria_set=scope.criteria_set,
                assessment__status=AssessmentStatus.APPROVED,
                assessment__commune__in=communes.values("pk"),
            )
            .values_list("criterion__code")
            .annotate(n=Count("pk"))
            .order_by()
        )

    return dict(scope.rows("criteria-met", make)[1])


def build_report(scope: Scope) -> dict:
    below = list(scope.criteria_set.report_below or [])
    totals = _totals(scope, below)
    met = criteria_met_counts(scope)
    area = scope.area
    report = {
        "year": scope.year,
        "area": {"id": str(area.area_id), "name": area.name},
        "criteria_set": scope.criteria_set.code,
        **_figures(totals, below),
        "by_criterion": {c.code: met.get(c.code, 0) for c in scope.criteria},
        "children": _children(scope, below),
        "through_successions": scope.through_successions,
        "basically_meeting_rule": scope.rule.text,
        "villages": village_figures(scope.year, area),
    }
    return report


CHILD_FIGURES = {
    "communes": Count("pk"),
    "assessed": Count("pk", filter=Q(criteria_met__isnull=False)),
    "met_sum": Sum("criteria_met"),
    "basically_meeting": Count("pk", filter=Q(status=CommuneStatus.CO_BAN_DAT)),
    "recognized": Count("pk", filter=Q(rank__gt=BASIC_RANK)),
}


def child_line(row: dict | None, unit_id, name) -> dict:
    """A district's or a province's line: its communes' figures (`row`: CHILD_FIGURES, None for no commune)."""
    row = row or {}
    return {
        "id": str(unit_id),
        "name": name,
        "communes": row.get("communes", 0),
        "assessed": row.get("assessed", 0),
        "recognized": row.get("recognized", 0),
        "basically_meeting": row.get("basically_meeting", 0),
        "average_criteria": average(row.get("met_sum"), row.get("assessed")),
    }


def _children(scope: Scope, below: list[int]) -> list[dict]:
    area = scope.area
    if not scope.through_successions and area.scheme == Scheme.PRE2025 and area.level == Level.PROVINCE:
        columns, rows = scope.rows(
            "by-district", lambda qs, area: qs.order_by().values("district_id").annotate(**CHILD_FIGURES)
        )
        grouped = {row["district_id"]: row for row in (dict(zip(columns, r, strict=True)) for r in rows)}
        day = year_end(scope.year)
        districts = scope.rows(
            "districts",
            lambda qs, area: (
                AdministrativeUnit.objects.filter(parent=area, level=Level.DISTRICT)
                .valid_on(day)
                .order_by("code")
                .values_list("pk", "scheme", "code", "name")
            ),
        )[1]
        return [child_line(grouped.get(pk), AreaId(scheme, code), name) for pk, scheme, code, name in districts]
    if not scope.through_successions and area.level == Level.COMMUNE:
        return []
    rows = scope.rows(
        "communes",
        lambda qs, area: qs.order_by("code").values_list(
            "scheme", "code", "name", "criteria_met", "status", "inherited"
        ),
    )[1]
    children = []
    for scheme, code, name, met, status, inherited in rows:
        child = {"id": str(AreaId(scheme, code)), "name": name, "criteria_met": met, "status": status}
        if inherited:  # CONTRACT §7: the key appears where the level is inherited
            child["inherited"] = True
        children.append(child)
    return children


# ---- the communes behind a figure --------------------------------------------------------------------------------

FIGURES = {
    "communes": lambda s, arg: Q(),
    "assessed": lambda s, arg: Q(criteria_met__isnull=False),
    "not-assessed": lambda s, arg: Q(criteria_met__isnull=True),
    "recognized": lambda s, arg: Q(status=arg) if arg else Q(rank__gt=BASIC_RANK),
    "recognized-cumulative": lambda s, arg: Q(rank__gte=LEVEL_RANK[arg]),
    "inherited": lambda s, arg: (
        Q(inherited=True) & (Q(status=CommuneStatus.CO_BAN_DAT) if arg == "co-ban" else Q(rank__gt=BASIC_RANK))
    ),
    "basically_meeting": lambda s, arg: Q(status=CommuneStatus.CO_BAN_DAT),
    "below": lambda s, arg: Q(criteria_met__lt=int(arg)),
    "criterion": None,  # handled below: communes meeting a criterion
    "criterion-not": None,  # assessed communes not meeting it
}


def figure_communes(scope: Scope, figure: str, arg: str = ""):
    """The communes counted by one figure of the report, each with its criteria count and status."""
    qs = scope.communes
    if figure in ("criterion", "criterion-not"):
        if arg not in {c.code for c in scope.criteria}:
            raise DomainError(_("Không có tiêu chí '%(c)s' trong bộ %(s)s.") % {"c": arg, "s": scope.criteria_set.code})
        met = CriterionResult.objects.filter(
            assessment_id=OuterRef("assessment_id"), criterion__code=arg, met=(figure == "criterion")
        )
        qs = qs.filter(Exists(met))
    elif figure in FIGURES:
        if figure == "recognized" and arg and arg not in RECOGNIZED_KEYS:
            raise DomainError(_("Mức công nhận không hợp lệ."))
        if figure == "recognized-cumulative" and arg not in RECOGNIZED_KEYS:
            raise DomainError(_("Mức công nhận không hợp lệ."))
        if figure == "below" and not arg.isdigit():
            raise DomainError(_("Ngưỡng không hợp lệ."))
        qs = qs.filter(FIGURES[figure](scope, arg))
    else:
        raise DomainError(_("Không có chỉ số '%(f)s'.") % {"f": figure})
    return qs.select_related("district", "province").order_by("district__name", "search_name")


def figure_label(scope: Scope, figure: str, arg: str = "") -> str:
    criteria = {c.code: c for c in scope.criteria}
    labels = {
        "communes": _("Các xã"),
        "assessed": _("Các xã đã đánh giá"),
        "not-assessed": _("Các xã chưa có số liệu (chưa có kết quả đánh giá được duyệt)"),
        "basically_meeting": _("Các xã cơ bản đạt chuẩn"),
    }
    if figure == "inherited":
        if arg == "co-ban":
            return _("Các xã cơ bản đạt chuẩn theo mức tạm giữ của các xã trước sắp xếp (chờ quyết định thừa nhận)")
        return _("Các xã đạt chuẩn theo mức tạm giữ của các xã trước sắp xếp (chờ quyết định thừa nhận)")
    cumulative_labels = {
        "dat-chuan": _("Các xã đạt chuẩn nông thôn mới (gồm cả nâng cao, kiểu mẫu)"),
        "nang-cao": _("Các xã đạt chuẩn nông thôn mới nâng cao (gồm cả kiểu mẫu)"),
        "kieu-mau": _("Các xã đạt chuẩn nông thôn mới kiểu mẫu"),
    }
    if figure == "recognized-cumulative" and arg in cumulative_labels:
        return cumulative_labels[arg]
    if figure in labels:
        return labels[figure]
    if figure == "recognized" and not arg:
        return _("Các xã đạt chuẩn nông thôn mới (mọi mức)")
    if figure == "recognized":
        return str(CommuneStatus(arg).label) if arg in CommuneStatus.values else arg
    if figure == "below":
        return _("Các xã đạt dưới %(n)s tiêu chí") % {"n": arg}
    if figure in ("criterion", "criterion-not") and arg in criteria:
        c = criteria[arg]
        if figure == "criterion":
            return _("Các xã đạt tiêu chí %(n)s. %(name)s") % {"n": c.number, "name": c.name}
        return _("Các xã chưa đạt tiêu chí %(n)s. %(name)s") % {"n": c.number, "name": c.name}
    return figure


# ---- completeness, priorities, a commune's history ---------------------------------------------------------------


def completeness(area, year: int):
    """The year's communes of `area` (in the year's scheme) with the state of their assessment: those waiting for the
    province first, then those that have not reported, then the approved ones."""
    year = parse_year(year)
    criteria_set = criteria_set_for_year(year)
    communes, _through = communes_of(area, year)
    assessment = Assessment.objects.filter(commune=OuterRef("pk"), year=year, criteria_set=criteria_set)
    return (
        communes.annotate(
            assessment_status=Subquery(assessment.values("status")[:1]),
            assessment_id=Subquery(assessment.values("pk")[:1], output_field=IntegerField()),
        )
        .annotate(
            waiting_order=Case(
                When(assessment_status=AssessmentStatus.SUBMITTED, then=Value(0)),
                When(assessment_status=AssessmentStatus.APPROVED, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("district")
        .order_by("waiting_order", "district__name", "search_name")
    )


def missing_communes(area, year: int):
    """Communes that have not reported: no assessment submitted or approved for the year."""
    return completeness(area, year).filter(
        Q(assessment_status__isnull=True) | Q(assessment_status=AssessmentStatus.DRAFT)
    )


def priorities(scope: Scope) -> list[dict]:
    """For each criterion, the assessed communes (approved assessments) that do not meet it: where to invest."""
    rows = (
        CriterionResult.objects.filter(
            met=False,
            assessment__year=scope.year,
            assessment__criteria_set=scope.criteria_set,
            assessment__status=AssessmentStatus.APPROVED,
            assessment__commune__in=scope.communes.values("pk"),
        )
        .select_related("assessment__commune", "assessment__commune__district")
        .order_by("assessment__commune__search_name")
    )
    by_criterion = {c.pk: [] for c in scope.criteria}
    for row in rows:
        by_criterion.setdefault(row.criterion_id, []).append(row.assessment.commune)
    out = [{"criterion": c, "communes": by_criterion[c.pk]} for c in scope.criteria]
    return sorted(out, key=lambda item: (-len(item["communes"]), item["criterion"].number))


def commune_history(commune):
    """The commune's assessments across years and sets, its counterparts' across the reform included."""
    from areas.filters import with_counterparts

    ids = with_counterparts({commune.pk})
    assessments = list(
        Assessment.objects.filter(commune_id__in=ids)
        .select_related("criteria_set", "commune")
        .prefetch_related("results__criterion")
        .order_by("criteria_set__valid_from", "year")
    )
    sets = []
    for assessment in assessments:
        if not sets or sets[-1]["set"].pk != assessment.criteria_set_id:
            sets.append({"set": assessment.criteria_set, "assessments": [], "criteria": []})
        sets[-1]["assessments"].append(assessment)
    for block in sets:
        criteria = list(block["set"].criteria.all())
        block["criteria"] = [
            {
                "criterion": c,
                "cells": [
                    next((r.met for r in a.results.all() if r.criterion_id == c.pk), None) for a in block["assessments"]
                ],
            }
            for c in criteria
        ]
    recognitions = (
        Recognition.objects.filter(commune_id__in=ids)
        .select_related("commune")
        .prefetch_related("follows_from")
        .order_by("effective_date", "pk")
    )
    return sets, recognitions


# ---- one commune's standing, its predecessors, progress against other sets ---------------------------------------


@dataclass
class Standing:
    """What the report says about one commune for a year, and why (the commune page)."""

    year: int
    criteria_set: CriteriaSet | None
    criteria_met: int | None
    status: str
    rank: int | None
    inherited: bool
    predecessors: list  # [PredecessorStanding] for a commune of the new scheme, else []

    @property
    def recognised_predecessors(self):
        return [p for p in self.predecessors if p.recognition is not None]

    @property
    def unrecognised_predecessors(self):
        return [p for p in self.predecessors if p.recognition is None]


@dataclass
class PredecessorStanding:
    unit: AdministrativeUnit
    recognition: Recognition | None  # its highest recognition in force on 30/06/2025
    partly_merged: bool


def predecessor_standings(commune) -> list[PredecessorStanding]:
    """The commune's predecessor communes with the recognition each held on 30/06/2025 (two queries)."""
    links = list(
        Succession.objects.filter(successor=commune)
        .select_related("predecessor", "predecessor__district")
        .order_by("predecessor__code")
    )
    held = {}
    for r in (
        Recognition.objects.in_force_on(INHERITANCE_DAY)
        .filter(commune_id__in=[link.predecessor_id for link in links], rank__isnull=False)
        .order_by("commune_id", "-rank", "-effective_date")
    ):
        held.setdefault(r.commune_id, r)
    return [PredecessorStanding(link.predecessor, held.get(link.predecessor_id), link.partly_merged) for link in links]


def held_rank(commune, day) -> int | None:
    """The rank the commune holds on `day`: its own highest recognition in force, or (a commune of the new scheme
    with no decision of its own yet) the lowest of the levels its predecessors all held on 30/06/2025."""
    own = Recognition.objects.filter(commune=commune, rank__isnull=False)
    top = own.in_force_on(day).aggregate(top=Max("rank"))["top"]
    if top is not None or commune.scheme != Scheme.S2025 or own.filter(effective_date__lte=day).exists():
        return top
    predecessors = predecessor_standings(commune)
    if predecessors and all(p.recognition is not None for p in predecessors):
        return min(p.recognition.rank for p in predecessors)
    return None


def commune_standing(commune, year: int) -> Standing:
    """The commune's line of the year's report (status, rank, inherited), with its predecessors from 2025 on."""
    day = year_end(year)
    criteria_set = criteria_set_for_year(year)
    rule = basic_rule()
    threshold = rule.threshold(criteria_set.criteria.count()) if criteria_set else None
    row = (
        annotated_communes(AdministrativeUnit.objects.filter(pk=commune.pk), year, criteria_set, threshold, rule)
        .values("criteria_met", "status", "rank", "inherited")
        .first()
    )
    new_scheme = scheme_on(day) == Scheme.S2025 and commune.scheme == Scheme.S2025
    return Standing(
        year=year,
        criteria_set=criteria_set,
        criteria_met=row["criteria_met"],
        status=row["status"],
        rank=row["rank"],
        inherited=bool(row["inherited"]),
        predecessors=predecessor_standings(commune) if new_scheme else [],
    )


def other_set_progress(scope: Scope) -> list[dict]:
    """Progress of the area's communes against the year's other commune sets (a province's nâng cao or kiểu mẫu
    set, for instance) where approved assessments exist: communes assessed, average criteria, meeting all (issue §10).
    """
    rows = list(
        Assessment.objects.filter(
            year=scope.year,
            status=AssessmentStatus.APPROVED,
            criteria_set__kind=SetKind.COMMUNE,
            commune__in=scope.communes.values("pk"),
        )
        .exclude(criteria_set=scope.criteria_set)
        .values("criteria_set")
        .annotate(
            assessed=Count("pk"),
            met_sum=Sum("criteria_met"),
            # a count-only set (issue 18: no criteria loaded) counts the criteria its source declares
            size=Coalesce(
                Subquery(
                    Criterion.objects.filter(criteria_set=OuterRef("criteria_set"))
                    .order_by()
                    .values("criteria_set")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                F("criteria_set__declared_criteria"),
                output_field=IntegerField(),
            ),
        )
        .annotate(meeting_all=Count("pk", filter=Q(criteria_met__gte=F("size"))))
        .order_by("criteria_set")
    )
    sets = CriteriaSet.objects.in_bulk([r["criteria_set"] for r in rows])
    return [
        {
            "set": sets[r["criteria_set"]],
            "criteria": r["size"] or 0,
            "assessed": r["assessed"],
            "average_criteria": average(r["met_sum"], r["assessed"]),
            "meeting_all": r["meeting_all"],
        }
        for r in rows
    ]


def year_default() -> int:
    return datetime.date.today().year - 1
