"""The level a commune works towards next, the sets of that level that apply to it, and its progress (issue 18).

Levels nest (kiểu mẫu ⊂ nâng cao ⊂ đạt chuẩn, domain.md §8): a commune holding no level (or cơ bản đạt chuẩn) works
towards đạt chuẩn, one holding đạt chuẩn towards nâng cao, nâng cao towards kiểu mẫu; kiểu mẫu is the last. The rank
held is read on 31 December of the year, as the report reads it (ntm.queries.annotated_communes).

A set of a level applies to a commune in a year when it is a commune set in force on 31 December and it is national,
or issued by the commune's province (in the commune's own scheme, or its counterpart across the 2025 reform); a
province's set wins over the national one. A set whose text is not loaded (no criteria) counts its size from
`declared_criteria`.

Everything here works on many communes at once in a constant number of queries (report rows, the commune page).
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from areas.models import AdministrativeUnit
from ntm.choices import LEVEL_RANK, AssessmentStatus, Issuer, RecognitionLevel, SetKind, SetLevel, year_end
from ntm.models import Assessment, CriteriaSet

# held rank → the set level worked towards next (None: nothing above)
NEXT_LEVEL = {
    None: SetLevel.BASIC,
    LEVEL_RANK[RecognitionLevel.CO_BAN_DAT_CHUAN]: SetLevel.BASIC,
    LEVEL_RANK[RecognitionLevel.DAT_CHUAN]: SetLevel.ADVANCED,
    LEVEL_RANK[RecognitionLevel.NANG_CAO]: SetLevel.MODEL,
    LEVEL_RANK[RecognitionLevel.KIEU_MAU]: None,
}


def next_level(rank: int | None) -> str | None:
    """The set level a commune holding `rank` (LEVEL_RANK; None: none) works towards; None after kiểu mẫu."""
    return NEXT_LEVEL.get(rank, SetLevel.BASIC)


def level_words(level: str) -> str:
    """The words after "N/M tiêu chí" in a progress label."""
    return {
        SetLevel.BASIC: _("nông thôn mới"),
        SetLevel.ADVANCED: _("nâng cao"),
        SetLevel.MODEL: _("kiểu mẫu"),
        SetLevel.MODERN: _("hiện đại"),
    }.get(level, "")


def set_size(criteria_set: CriteriaSet, criteria_count: int | None = None) -> int | None:
    """The number of criteria of a set: its Criterion rows, or `declared_criteria` for a count-only set."""
    count = criteria_set.criteria.count() if criteria_count is None else criteria_count
    return count or criteria_set.declared_criteria


def is_count_only(criteria_set: CriteriaSet, criteria_count: int | None = None) -> bool:
    count = criteria_set.criteria.count() if criteria_count is None else criteria_count
    return count == 0 and bool(criteria_set.declared_criteria)


def sets_of_year(year: int, *, levels=None):
    """Commune sets in force on 31 December of `year` (of the given levels), each with `n_criteria`."""
    qs = CriteriaSet.objects.in_force(year_end(year)).filter(kind=SetKind.COMMUNE)
    if levels is not None:
        qs = qs.filter(level__in=list(levels))
    return qs.annotate(n_criteria=Count("criteria")).select_related("province")


def _pick(sets, commune, provinces: set) -> CriteriaSet | None:
    """Among sets of one level, the one applying to the commune: its province's first, then the national; the latest
    valid_from first within each."""
    own = [s for s in sets if s.issuer == Issuer.PROVINCE and s.province_id in provinces]
    national = [s for s in sets if s.issuer == Issuer.NATIONAL]
    for group in (own, national):
        if group:
            return sorted(group, key=lambda s: (s.valid_from, s.code))[-1]
    return None


def _province_ids(communes) -> dict[int, set]:
    """{commune pk: its province's pk and that province's counterparts across the 2025 reform} (one query)."""
    from areas.models import Succession

    provinces = {c.province_id for c in communes if c.province_id}
    around = {p: {p} for p in provinces}
    if provinces:
        pairs = Succession.objects.filter(Q(predecessor_id__in=provinces) | Q(successor_id__in=provinces))
        for pred, succ in pairs.values_list("predecessor_id", "successor_id"):
            for own, other in ((pred, succ), (succ, pred)):
                if own in around:
                    around[own].add(other)
    return {c.pk: around.get(c.province_id, set()) for c in communes}


def applicable_set(commune, year: int, level: str) -> CriteriaSet | None:
    """The set of `level` applying to the commune in `year` (province-issued beats national), or None."""
    sets = list(sets_of_year(year, levels=[level]))
    return _pick(sets, commune, _province_ids([commune])[commune.pk])


def applicable_sets(commune, year: int) -> list[CriteriaSet]:
    """Every commune set that applies to the commune in `year` (each level's national and provincial ones)."""
    provinces = _province_ids([commune])[commune.pk]
    return [
        s
        for s in sets_of_year(year).order_by("level", "valid_from", "code")
        if s.issuer == Issuer.NATIONAL or s.province_id in provinces
    ]


@dataclass
class Progress:
    """A commune's standing against the set of its next level for a year."""

    commune: AdministrativeUnit
    year: int
    rank: int | None  # held on 31 December
    level: str | None  # the next level (ntm.choices.SetLevel), None after kiểu mẫu
    criteria_set: CriteriaSet | None  # the applying set of that level, None when none applies
    total: int | None  # criteria of the set (rows, or declared)
    count_only: bool
    assessment: Assessment | None  # the year's assessment for that set, any status

    @property
    def met(self) -> int | None:
        return self.assessment.criteria_met if self.assessment else None

    @property
    def level_label(self) -> str:
        return str(SetLevel(self.level).label) if self.level else ""

    @property
    def label(self) -> str:
        """The progress text ("14/16 tiêu chí nâng cao"), or why there is no figure."""
        if self.level is None:
            return _("Đã đạt mức cao nhất (nông thôn mới kiểu mẫu)")
        if self.criteria_set is None:
            return _("Chưa có bộ tiêu chí %(l)s áp dụng cho xã năm %(y)s") % {
                "l": str(SetLevel(self.level).label).lower(),
                "y": self.year,
            }
        if self.assessment is None:
            return _("Chưa đánh giá theo bộ tiêu chí này")
        return _("%(n)s/%(m)s tiêu chí %(w)s") % {
            "n": self.assessment.criteria_met,
            "m": self.total if self.total is not None else "?",
            "w": level_words(self.level),
        }

    @property
    def status_label(self) -> str:
        return self.assessment.get_status_display() if self.assessment else ""

    @property
    def approved(self) -> bool:
        return bool(self.assessment and self.assessment.status == AssessmentStatus.APPROVED)


def held_ranks(communes, year: int) -> dict[int, int | None]:
    """{commune pk: rank held on 31 December of `year`} in one query (the report's own rule, inheritance included)."""
    from ntm.queries import annotated_communes, basic_rule, criteria_set_for_year

    ids = [c.pk for c in communes]
    if not ids:
        return {}
    rows = annotated_communes(
        AdministrativeUnit.objects.filter(pk__in=ids), year, criteria_set_for_year(year), None, basic_rule()
    ).values_list("pk", "rank")
    return dict(rows)


def progress_many(communes, year: int) -> dict[int, Progress]:
    """{commune pk: Progress} for many communes in four queries whatever their number."""
    communes = list(communes)
    if not communes:
        return {}
    ranks = held_ranks(communes, year)
    levels = {c.pk: next_level(ranks.get(c.pk)) for c in communes}
    wanted = {lv for lv in levels.values() if lv}
    sets = list(sets_of_year(year, levels=wanted)) if wanted else []
    provinces = _province_ids(communes) if sets else {c.pk: set() for c in communes}
    chosen = {}
    for c in communes:
        level = levels[c.pk]
        chosen[c.pk] = _pick([s for s in sets if s.level == level], c, provinces[c.pk]) if level else None
    assessments = {}
    set_ids = {s.pk for s in chosen.values() if s}
    if set_ids:
        for a in Assessment.objects.filter(
            commune_id__in=[c.pk for c in communes], year=year, criteria_set_id__in=set_ids
        ).order_by("updated_at"):
            if chosen.get(a.commune_id) is not None and chosen[a.commune_id].pk == a.criteria_set_id:
                assessments[a.commune_id] = a
    out = {}
    for c in communes:
        s = chosen[c.pk]
        out[c.pk] = Progress(
            commune=c,
            year=year,
            rank=ranks.get(c.pk),
            level=levels[c.pk],
            criteria_set=s,
            total=(s.n_criteria or s.declared_criteria) if s else None,
            count_only=bool(s and s.n_criteria == 0 and s.declared_criteria),
            assessment=assessments.get(c.pk),
        )
    return out


def progress(commune, year: int) -> Progress:
    return progress_many([commune], year)[commune.pk]


def with_next_level(children: list[dict], year: int) -> list[dict]:
    """Copies of the report's commune lines with `next_level` (the progress label) and `next_level_status` (the
    assessment's status), in constant queries; lines of districts or provinces are returned as they are."""
    if not children or "status" not in children[0]:
        return children
    units = _units_by_id([c["id"] for c in children])
    found = progress_many(units.values(), year)
    out = []
    for child in children:
        unit = units.get(child["id"])
        p = found.get(unit.pk) if unit else None
        out.append({**child, "next_level": p.label if p else "", "next_level_status": p.status_label if p else ""})
    return out


def _units_by_id(ids: list[str]) -> dict[str, AdministrativeUnit]:
    """{"scheme:code": commune} in one query."""
    by_scheme: dict[str, list[str]] = {}
    for area_id in ids:
        scheme, _sep, code = area_id.partition(":")
        by_scheme.setdefault(scheme, []).append(code)
    q = Q(pk__in=[])
    for scheme, codes in by_scheme.items():
        q |= Q(scheme=scheme, code__in=codes)
    return {str(u.area_id): u for u in AdministrativeUnit.objects.filter(q, level="commune")}


# ---- the report for a chosen set (`criteria_set=`) -----------------------------------------------------------------


def country_scope_for_set(year: int, country, criteria_set: CriteriaSet):
    """ntm.reporting.national_scope with another set than the year's basic one (same communes, same rule)."""
    import dataclasses

    from areas.choices import Level, Scheme, UnitType
    from areas.models import Succession
    from areas.queries import scheme_on
    from ntm.models import Criterion
    from ntm.queries import annotated_communes
    from ntm.reporting import national_scope

    base = national_scope(year, country)
    criteria = list(Criterion.objects.filter(criteria_set=criteria_set).order_by("number"))
    rule = base.rule
    threshold = rule.threshold(len(criteria) or criteria_set.declared_criteria or 0)
    if criteria_set.level != SetLevel.BASIC:
        threshold = None
    day = year_end(year)
    scheme = scheme_on(day)

    def build(country):
        communes = AdministrativeUnit.objects.filter(
            scheme=scheme, level=Level.COMMUNE, unit_type=UnitType.XA
        ).valid_on(day)
        if country.scheme != scheme:
            links = Succession.objects.filter(predecessor__level=Level.COMMUNE, successor__level=Level.COMMUNE)
            communes = communes.filter(
                pk__in=links.values("successor_id" if scheme == Scheme.S2025 else "predecessor_id")
            )
        return annotated_communes(communes, year, criteria_set, threshold, rule)

    return dataclasses.replace(base, criteria_set=criteria_set, criteria=criteria, threshold=threshold, build=build)


def scope_for_set(year, area, code, *, user=None):
    """The report's scope of `area` (an id, `vn` included, or a unit) for `year` read against the set `code`;
    BadCriteriaSet (400) listing the applying sets for a code the year cannot use."""
    from areas.queries import Country, report_area
    from ntm.queries import parse_year, report_scope, report_set
    from ntm.reporting import NATIONWIDE_ACTION

    year = parse_year(year)
    unit = (
        area
        if isinstance(area, AdministrativeUnit)
        else report_area(area, year_end(year), user=user, action=NATIONWIDE_ACTION)
    )
    criteria_set = report_set(year, code)
    if isinstance(unit, Country):
        return country_scope_for_set(year, unit, criteria_set)
    return report_scope(year, unit, criteria_set=criteria_set)


def report_for_set(year, area, code, *, user=None) -> dict:
    """The report (CONTRACT §7 shape) of `area` for `year` read against the set `code`, cached by data version like
    ntm.reporting.report_for; `criteria_set` is then that code, and `criteria_total` its size (rows or declared)."""
    from django.utils.translation import get_language

    from ntm.queries import basic_rule, build_report, parse_year
    from ntm.reporting import national_report
    from reports.cache import cached

    scope = scope_for_set(year, area, code, user=user)
    total = len(scope.criteria) or scope.criteria_set.declared_criteria

    def compute():
        from areas.queries import Country

        report = national_report(scope) if isinstance(scope.area, Country) else build_report(scope)
        report["criteria_total"] = total
        return report

    year = parse_year(year)
    return cached(
        "ntm-set",
        year,
        scope.area.scheme,
        scope.area.area_id,
        scope.criteria_set.code,
        basic_rule().text,
        get_language(),
        compute=compute,
    )
