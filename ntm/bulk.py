"""The NTM import written in bulk (issue 15), in a number of queries that does not grow with the rows (a few per 900
communes):

- `bulk_imported_assessments`: ntm.services.record_imported_assessment for many rows at once — the same scope check,
  the same records (approved, source import, one result per criterion) and the same audit entries
  (ntm.assessment.imported, with before and after);
- `bulk_imported_recognitions`: ntm.services.record_recognition (source import) for many rows at once — the same
  rules (the service's own checks, shared), the same decision found rather than duplicated, the same warnings (levels
  that do not nest, a thừa nhận over predecessors not all recognised) read from the decisions on record and those the
  import adds before, and the same audit entries (ntm.recognition.recorded / acknowledged).
"""

from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import require
from areas.choices import Scheme
from areas.models import Succession
from core import audit
from core.errors import DomainError
from core.imports import bulk_insert, bulk_set, chunks
from ntm import services
from ntm.choices import COMMUNE_LEVELS, INHERITANCE_DAY, AssessmentStatus, RecognitionKind, Source
from ntm.models import Assessment, CriterionResult, Recognition
from ntm.queries import PredecessorStanding
from ntm.services import ASSESSMENT_FIELDS


def _met_codes(met_by_code) -> list[str]:
    """The codes met, ordered as ntm.services._assessment_snapshot orders them."""
    return sorted((code for code, met in met_by_code.items() if met), key=lambda c: (len(c), c))


def _snapshot(assessment, met_by_code) -> dict:
    data = audit.snapshot(assessment, ASSESSMENT_FIELDS)
    data["met"] = _met_codes(met_by_code)
    return data


def bulk_imported_assessments(*, actor, rows) -> tuple[list[str | None], dict[int, DomainError]]:
    """`rows`: (commune, year, criteria set with its criteria prefetched, {code: met}). Returns each row's outcome
    (created / updated / unchanged, None for a refused row) and the refusals by row index (the scope check, made for
    each commune before anything is written: the caller refuses the file, or skips those rows)."""
    refused, allowed = {}, {}
    for index, (commune, _year, _set, _met) in enumerate(rows):
        if commune.pk not in allowed:
            try:
                require(actor, "ntm.manage", commune, _("Bạn không được nhập dữ liệu nông thôn mới của xã này."))
                allowed[commune.pk] = None
            except DomainError as exc:
                allowed[commune.pk] = exc
        if allowed[commune.pk] is not None:
            refused[index] = allowed[commune.pk]
    outcomes: list[str | None] = [None] * len(rows)
    wanted = [(i, r) for i, r in enumerate(rows) if i not in refused]
    if not wanted:
        return outcomes, refused
    user = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    with transaction.atomic():
        existing = {}
        years = {r[1] for _i, r in wanted}
        for chunk in chunks({r[0].pk for _i, r in wanted}):
            query = Assessment.objects.select_for_update().filter(commune_id__in=chunk, year__in=years)
            for assessment in query:
                existing[(assessment.commune_id, assessment.year, assessment.criteria_set_id)] = assessment
        # The results on record as plain values (tens of thousands in a large file: no model instance each)
        results = {}  # assessment id → {criterion id: (result id, met)}
        for chunk in chunks([a.pk for a in existing.values()]):
            query = CriterionResult.objects.filter(assessment_id__in=chunk)
            for pk, assessment_id, criterion_id, met in query.values_list("pk", "assessment_id", "criterion_id", "met"):
                results.setdefault(assessment_id, {})[criterion_id] = (pk, met)
        criteria_of = {}  # criteria set id → {code: criterion}, read once per set
        ids_of = {}  # criteria set id → [(code, criterion id)]: tens of thousands of results built from it
        new, new_results, changed_results, updated, entries = [], [], [], [], []
        for index, (commune, year, criteria_set, met) in wanted:
            criteria = criteria_of.get(criteria_set.pk)
            if criteria is None:
                criteria = criteria_of[criteria_set.pk] = {c.code: c for c in criteria_set.criteria.all()}
                ids_of[criteria_set.pk] = [(code, c.id) for code, c in criteria.items()]
            given = {code: bool(met.get(code)) for code in criteria}
            count = sum(given.values())
            assessment = existing.get((commune.pk, year, criteria_set.pk))
            if assessment is not None:  # its label (the audit entry's) names them: no query for each
                assessment.commune, assessment.criteria_set = commune, criteria_set
            if assessment is None:
                assessment = Assessment(
                    commune=commune,
                    year=year,
                    criteria_set=criteria_set,
                    status=AssessmentStatus.APPROVED,
                    source=Source.IMPORT,
                    criteria_met=count,
                    approved_at=now,
                    approved_by=user,
                )
                new.append((assessment, ids_of[criteria_set.pk], given))
                outcomes[index] = "created"
                continue
            on_record = results.get(assessment.pk, {})
            by_code = {code: on_record[c.pk][1] for code, c in criteria.items() if c.pk in on_record}
            creating, changing = [], []
            for code, criterion in criteria.items():
                result = on_record.get(criterion.pk)
                if result is None:
                    creating.append((assessment.id, criterion.id, given[code]))
                elif result[1] != given[code]:
                    changing.append(CriterionResult(pk=result[0], met=given[code]))
            if (
                not changing
                and not creating
                and assessment.status == AssessmentStatus.APPROVED
                and assessment.criteria_met == count
            ):
                outcomes[index] = "unchanged"
                continue
            before = _snapshot(assessment, by_code)
            new_results.extend(creating)
            changed_results.extend(changing)
            assessment.criteria_met = count
            if assessment.status != AssessmentStatus.APPROVED:
                assessment.status = AssessmentStatus.APPROVED
                assessment.approved_at = now
                assessment.approved_by = user
            assessment.source = Source.IMPORT
            assessment.updated_at = now
            assessment.version += 1
            updated.append(assessment)
            after_met = {**by_code, **{code: given[code] for code in criteria}}
            entries.append((assessment, commune, before, _snapshot(assessment, after_met)))
            outcomes[index] = "updated"
        bulk_insert(Assessment, [a for a, _c, _g in new])
        for assessment, ids, given in new:
            assessment_id = assessment.id
            new_results.extend((assessment_id, criterion_id, given[code]) for code, criterion_id in ids)
        _insert_results(new_results)
        bulk_set(CriterionResult, changed_results, ["met"])
        fields = ["criteria_met", "status", "approved_at", "approved_by", "source", "updated_at", "version"]
        bulk_set(Assessment, updated, fields)
        audit.record_created(
            actor=actor,
            action="ntm.assessment.imported",
            items=((a, a.commune, _snapshot(a, given)) for a, _c, given in new),
        )
        audit.record_many(
            audit.build(actor=actor, action="ntm.assessment.imported", obj=a, area=commune, before=b, after=after)
            for a, commune, b, after in entries
        )
    return outcomes, refused


def _insert_results(rows) -> None:
    """New criterion results from (assessment id, criterion id, met), written without a model instance each (a
    national file has hundreds of thousands; their ids are never read back): COPY on PostgreSQL (psycopg 3), one
    prepared INSERT run for all on SQLite, bulk_create elsewhere."""
    rows = list(rows)
    if not rows:
        return
    connection = connections[router.db_for_write(CriterionResult)]
    meta = CriterionResult._meta
    quote = connection.ops.quote_name
    names = ["assessment", "criterion", "met", "evidence"]
    if {f.name for f in meta.concrete_fields if not f.primary_key} != set(names):
        raise AssertionError("CriterionResult has new fields: write them here too")
    table = quote(meta.db_table)
    columns = ", ".join(quote(meta.get_field(name).column) for name in names)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for assessment_id, criterion_id, met in rows:
                    copy.write_row((assessment_id, criterion_id, met, ""))
        elif connection.vendor == "sqlite":
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s)",
                [(assessment_id, criterion_id, met, "") for assessment_id, criterion_id, met in rows],
            )
        else:
            CriterionResult.objects.bulk_create(
                CriterionResult(assessment_id=a, criterion_id=c, met=m, evidence="") for a, c, m in rows
            )


# ---- recognitions -------------------------------------------------------------------------------------------------


def _in_force(recognition, day) -> bool:
    """RecognitionQuerySet.in_force_on for one decision in memory."""
    return recognition.effective_date <= day and (recognition.revoked_on is None or recognition.revoked_on > day)


def _same_decision(recognition) -> tuple:
    """What record_recognition matches an existing decision on: without a decision date, the day it counts from too."""
    r = recognition
    undated = r.effective_date if r.decision_date is None else None
    return (r.commune_id, r.village, r.level, r.kind, r.decision_no, r.decision_date, undated)


class _Decisions:
    """The decisions of the import's communes and of their predecessors: those on record, then those the import adds,
    as it adds them. Answers what ntm.queries.held_rank and predecessor_standings would read at that moment, with no
    query for each row."""

    def __init__(self, communes):
        ids = {c.pk for c in communes}
        self.links: dict[int, list[Succession]] = {}
        for chunk in chunks(ids):
            query = Succession.objects.filter(successor_id__in=chunk).select_related("predecessor")
            for link in query.order_by("predecessor__code"):
                self.links.setdefault(link.successor_id, []).append(link)
        ids |= {link.predecessor_id for links in self.links.values() for link in links}
        self.ranked: dict[int, list[Recognition]] = {}  # commune id → its decisions with a rank (commune levels)
        self.found: dict[tuple, Recognition] = {}
        for chunk in chunks(ids):
            for recognition in Recognition.objects.filter(commune_id__in=chunk).order_by("effective_date", "pk"):
                self.add(recognition)

    def add(self, recognition) -> None:
        # Later is kept: record_recognition takes the first by -effective_date, -pk, and the import's own decisions
        # are given higher ids than any on record.
        self.found[_same_decision(recognition)] = recognition
        if recognition.rank is not None:
            self.ranked.setdefault(recognition.commune_id, []).append(recognition)

    def standings(self, commune) -> list[PredecessorStanding]:
        result = []
        for link in self.links.get(commune.pk, []):
            held = [r for r in self.ranked.get(link.predecessor_id, []) if _in_force(r, INHERITANCE_DAY)]
            best = max(held, key=lambda r: (r.rank, r.effective_date), default=None)
            result.append(PredecessorStanding(link.predecessor, best, link.partly_merged))
        return result

    def held_rank(self, commune, day) -> int | None:
        own = self.ranked.get(commune.pk, [])
        top = max((r.rank for r in own if _in_force(r, day)), default=None)
        if top is not None or commune.scheme != Scheme.S2025 or any(r.effective_date <= day for r in own):
            return top
        standings = self.standings(commune)
        if standings and all(p.recognition is not None for p in standings):
            return min(p.recognition.rank for p in standings)
        return None


def bulk_imported_recognitions(*, actor, rows) -> tuple[list[tuple[Recognition, bool] | None], dict[int, DomainError]]:
    """`rows`: (commune, level, decision number, decision date or None, year, kind), earlier decisions first (each
    row reads the decisions of the rows before it, as record_recognition called row by row would). Returns for each
    row (the decision, whether it was created) — None for a refused row — and the refusals by row index; the rows
    that pass are written, with their audit entries, whatever the others did (the caller refuses the file, or skips)."""
    results: list[tuple[Recognition, bool] | None] = [None] * len(rows)
    refused: dict[int, DomainError] = {}
    allowed: dict[int, DomainError | None] = {}
    for index, (commune, *_rest) in enumerate(rows):
        if commune.pk not in allowed:
            try:
                require(actor, "ntm.manage", commune, _("Bạn không được ghi quyết định công nhận cho xã này."))
                allowed[commune.pk] = None
            except DomainError as exc:
                allowed[commune.pk] = exc
        if allowed[commune.pk] is not None:
            refused[index] = allowed[commune.pk]
    wanted = [i for i in range(len(rows)) if i not in refused]
    if not wanted:
        return results, refused
    created: list[tuple[Recognition, list]] = []
    with transaction.atomic():
        decisions = _Decisions({rows[i][0] for i in wanted})
        for index in wanted:
            commune, level, decision_no, decision_date, year, kind = rows[index]
            try:
                village, effective = services._check_recognition(commune, level, kind, "", decision_date, year)
                decision_no = " ".join((decision_no or "").split())
                recognition = services._new_recognition(
                    commune, village, level, kind, decision_no, decision_date, effective, Source.IMPORT
                )
                found = decisions.found.get(_same_decision(recognition))
                if found is not None:
                    results[index] = (found, False)
                    continue
                units, warnings = [], []
                if kind == RecognitionKind.THUA_NHAN:
                    units, warnings = services._acknowledgement_basis(commune, None, decisions.standings(commune))
                elif level in COMMUNE_LEVELS:
                    warnings.append(services._nesting_warning(commune, level, effective, decisions.held_rank))
            except DomainError as exc:
                refused[index] = exc
                continue
            recognition.warning = " ".join(w for w in warnings if w)
            decisions.add(recognition)
            created.append((recognition, units))
            results[index] = (recognition, True)
        bulk_insert(Recognition, [r for r, _units in created])
        field = Recognition._meta.get_field("follows_from")
        through = field.remote_field.through
        bulk_insert(
            through,
            [
                through(**{field.m2m_field_name(): r, field.m2m_reverse_field_name(): unit})
                for r, units in created
                for unit in units
            ],
        )
        audit.record_many(audit.build(**services._recognition_entry(actor, r, units)) for r, units in created)
    return results, refused
