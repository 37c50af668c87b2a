"""The NTM import's assessments written in bulk (issue 15): ntm.services.record_imported_assessment for many rows at
once — the same scope check, the same records (approved, source import, one result per criterion) and the same audit
entries (ntm.assessment.imported, with before and after), in a number of queries that does not grow with the rows
(a few per 900 communes)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import require
from core import audit
from core.errors import DomainError
from core.imports import bulk_insert, bulk_set, chunks
from ntm.choices import AssessmentStatus, Source
from ntm.models import Assessment, CriterionResult
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
        results = {}  # assessment id → {criterion id: result}
        for chunk in chunks([a.pk for a in existing.values()]):
            for result in CriterionResult.objects.filter(assessment_id__in=chunk):
                results.setdefault(result.assessment_id, {})[result.criterion_id] = result
        new, new_results, changed_results, updated, entries = [], [], [], [], []
        for index, (commune, year, criteria_set, met) in wanted:
            criteria = {c.code: c for c in criteria_set.criteria.all()}
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
                new.append((assessment, criteria, given))
                outcomes[index] = "created"
                continue
            on_record = results.get(assessment.pk, {})
            by_code = {code: on_record[c.pk].met for code, c in criteria.items() if c.pk in on_record}
            creating, changing = [], []
            for code, criterion in criteria.items():
                result = on_record.get(criterion.pk)
                if result is None:
                    creating.append(CriterionResult(assessment=assessment, criterion=criterion, met=given[code]))
                elif result.met != given[code]:
                    result.met = given[code]
                    changing.append(result)
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
        for assessment, criteria, given in new:
            new_results.extend(
                CriterionResult(assessment=assessment, criterion=c, met=given[code]) for code, c in criteria.items()
            )
        bulk_insert(CriterionResult, new_results)
        bulk_set(CriterionResult, changed_results, ["met"])
        fields = ["criteria_met", "status", "approved_at", "approved_by", "source", "updated_at", "version"]
        bulk_set(Assessment, updated, fields)
        audit.record_many(
            [
                *(
                    audit.build(
                        actor=actor,
                        action="ntm.assessment.imported",
                        obj=a,
                        area=a.commune,
                        after=_snapshot(a, given),
                    )
                    for a, _c, given in new
                ),
                *(
                    audit.build(
                        actor=actor, action="ntm.assessment.imported", obj=a, area=commune, before=b, after=after
                    )
                    for a, commune, b, after in entries
                ),
            ]
        )
    return outcomes, refused
