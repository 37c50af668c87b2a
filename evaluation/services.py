"""Writing criteria sets: validate everything first, then write everything in one transaction, audited.

Rules (DESIGN.md rules 3, 4 and 7):
- a set is keyed by its code; loading the same content again changes nothing (idempotent);
- a source that says nothing about a scope's sheet leaves the stored sheet alone (the reference YAML of 148 does not
  erase sheets an administrator loaded from a spreadsheet); sheets are never deleted by a load;
- status only moves forward: draft-structure → draft (as soon as a sheet is loaded) → published;
- a published set is never edited: its structure and its loaded sheets must stay identical; the only changes accepted
  are a sheet for a scope that had none, and closing the set (`valid_until`). A new version is a new set (a new code);
- every problem of every set is reported at once (`CriteriaErrors`) and nothing is written.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from core import audit
from evaluation.choices import STATUS_RANK, SetStatus
from evaluation.models import CriteriaSet, Criterion, MandatoryRule, Option, Part, Section, SheetScope
from evaluation.validation import (
    CriteriaErrors,
    Origin,
    Problem,
    ScopeSpec,
    SetSpec,
    has_sheet,
    sheet_key,
    sheet_meta_key,
    spec_from_db,
    structure_key,
    validate_set,
)
from products.models import ProductCategory

SET_FIELDS = ["code", "system", "title", "decision", "valid_from", "valid_until", "status", "official", "findings"]


@dataclass
class SaveResult:
    counts: Counter = field(default_factory=Counter)

    @property
    def summary(self) -> str:
        c = self.counts
        return (
            f"criteria sets created={c['sets_created']} updated={c['sets_updated']} unchanged={c['sets_unchanged']}"
            f" kept={c['sets_kept']}"
            f" sheets created={c['sheets_created']} replaced={c['sheets_replaced']} unchanged={c['sheets_unchanged']}"
        )


def _categories() -> dict:
    return {(c.system, c.code): c for c in ProductCategory.objects.all()}


def _forward(*statuses) -> str:
    return max(statuses, key=lambda s: STATUS_RANK[s]) if statuses else SetStatus.STRUCTURE


def _merge(spec: SetSpec, stored: SetSpec | None, publish: bool, reference: bool) -> tuple[SetSpec, list[Problem]]:
    """The set as it will be once `spec` is loaded over what is stored, and the refusals of a published set.

    `reference`: `spec` is a file shipped with the code; a sheet an administrator loaded from another source is kept.
    """
    problems: list[Problem] = []
    if stored is None:
        merged = spec
    else:
        merged = SetSpec(**{**spec.__dict__, "scopes": [], "findings": []})
        if stored.status == SetStatus.PUBLISHED and structure_key(spec) != structure_key(stored):
            problems.append(
                Problem(
                    spec.origin,
                    "code",
                    f"bộ tiêu chí {spec.code} đã ban hành nên không sửa được (tên, căn cứ, ngày áp dụng, phần, mục); "
                    "hãy nạp phiên bản mới với mã mới.",
                )
            )
        incoming, repeated = {}, []
        for scope in spec.scopes:
            if scope.code in incoming:
                repeated.append(scope)
            else:
                incoming[scope.code] = scope
        for old in stored.scopes:
            new = incoming.pop(old.code, None)
            if new is None or new.criteria is None or (reference and has_sheet(old) and old.source != spec.source):
                merged.scopes.append(old)
                continue
            if (
                stored.status == SetStatus.PUBLISHED
                and has_sheet(old)
                and (sheet_key(new.criteria) != sheet_key(old.criteria) or sheet_meta_key(new) != sheet_meta_key(old))
            ):
                problems.append(
                    Problem(
                        new.origin,
                        "group",
                        f"phiếu {old.code} của bộ tiêu chí {spec.code} (đã ban hành) đã có, không sửa được; "
                        "hãy nạp phiên bản mới của bộ tiêu chí với mã mới.",
                    )
                )
            merged.scopes.append(new)
        merged.scopes.extend(s for s in spec.scopes if incoming.get(s.code) is s)
        merged.scopes.extend(repeated)  # reported as repeated by the validation
    statuses = [merged.status if merged.status in STATUS_RANK else SetStatus.STRUCTURE]
    if stored is not None:
        statuses.append(stored.status)
    if any(has_sheet(s) for s in merged.scopes):
        statuses.append(SetStatus.DRAFT)
    if publish:
        statuses.append(SetStatus.PUBLISHED)
    if merged.status in STATUS_RANK:
        merged.status = _forward(*statuses)
    return merged, problems


def save_sets(
    specs: list[SetSpec],
    *,
    actor=None,
    source: str = "",
    publish: bool = False,
    problems: list[Problem] = (),
    reference: bool = False,
) -> SaveResult:
    """Validate all `specs` against what is stored, then write them all, or raise CriteriaErrors and write nothing.

    `problems` are those already found while reading the specs: reported together with the validation's.
    `reference`: the specs are the files shipped in evaluation/criteria/ (`load_reference_data`): a set or a sheet
    last loaded by an administrator from another source is left as it is, never overwritten by a deployment.
    """
    result = SaveResult()
    with transaction.atomic():
        categories = _categories()
        problems: list[Problem] = list(problems)
        plans = []
        seen = {}
        for spec in specs:
            if spec.code in seen:
                problems.append(Problem(spec.origin, "code", f"bộ tiêu chí {spec.code} được khai báo hai lần."))
                continue
            seen[spec.code] = spec
            existing = CriteriaSet.objects.filter(code=spec.code).first()
            if reference and existing is not None and existing.source != spec.source:
                result.counts["sets_kept"] += 1
                continue
            stored = spec_from_db(existing) if existing else None
            merged, refusals = _merge(spec, stored, publish, reference)
            problems.extend(refusals)
            merged.findings = []
            problems.extend(validate_set(merged, categories))
            merged.findings = list(dict.fromkeys([*spec.reading_findings, *merged.findings]))
            plans.append((merged, existing, stored))
        if problems:
            raise CriteriaErrors(problems)
        for merged, existing, stored in plans:
            _apply(merged, existing, stored, actor=actor, sheet_source=source or merged.source, result=result)
    return result


def _set_values(spec: SetSpec) -> dict:
    return {f: getattr(spec, f) for f in SET_FIELDS}


def _apply(spec: SetSpec, existing, stored, *, actor, sheet_source, result: SaveResult):
    """Write one validated set. The set's `source` names the file that defined it; a sheet's, the file it came from."""
    values = _set_values(spec)
    source = spec.source
    if existing is None:
        criteria_set = CriteriaSet.objects.create(source=source, **values)
        audit.record(
            actor=actor,
            action="evaluation.criteria_set.created",
            obj=criteria_set,
            after={**audit.snapshot(criteria_set, SET_FIELDS), "source": source},
        )
        result.counts["sets_created"] += 1
        stored_scopes = {}
        structure_changed = True
    else:
        criteria_set = existing
        stored_scopes = {s.code: s for s in stored.scopes}
        structure_changed = structure_key(spec) != structure_key(stored)
        changed_fields = [f for f, v in values.items() if getattr(criteria_set, f) != v]
        if changed_fields:
            before = audit.snapshot(criteria_set, changed_fields)
            for f in changed_fields:
                setattr(criteria_set, f, values[f])
            criteria_set.source = source
            criteria_set.save()
            action = (
                "evaluation.criteria_set.published"
                if "status" in changed_fields and spec.status == SetStatus.PUBLISHED
                else "evaluation.criteria_set.updated"
            )
            audit.record(
                actor=actor,
                action=action,
                obj=criteria_set,
                before=before,
                after=audit.snapshot(criteria_set, changed_fields),
            )
    parts, sections = _write_structure(criteria_set, spec) if structure_changed else _stored_structure(criteria_set)
    sheets_changed = 0
    positions = {s.code: n for n, s in enumerate(spec.scopes, start=1)}
    scope_rows = {s.category.code: s for s in criteria_set.scopes.select_related("category")}
    for scope in spec.scopes:
        row = scope_rows.get(scope.code)
        if row is None:
            row = SheetScope.objects.create(
                criteria_set=criteria_set, category=scope.category, position=positions[scope.code]
            )
        elif row.position != positions[scope.code]:
            row.position = positions[scope.code]
            row.save(update_fields=["position"])
        if not scope.incoming or scope.criteria is None:
            continue
        old = stored_scopes.get(scope.code)
        if old is None or sheet_meta_key(scope) != sheet_meta_key(old):
            fields = ["number", "title", "classification", "eliminated_when", "notes"]
            before = audit.snapshot(row, fields)
            row.number, row.title, row.classification = scope.number, scope.title, scope.classification
            row.eliminated_when, row.notes = list(scope.eliminated_when), list(scope.notes)
            row.save(update_fields=fields)
            if old is not None:  # a new sheet's details are part of its creation entry
                audit.record(
                    actor=actor,
                    action="evaluation.sheet.details_changed",
                    obj=row,
                    before=before,
                    after=audit.snapshot(row, fields),
                )
        if old is not None and sheet_key(old.criteria) == sheet_key(scope.criteria):
            result.counts["sheets_unchanged"] += 1
            continue
        replaced = old is not None and has_sheet(old)
        row.criteria.all().delete()
        _write_sheet(row, scope, sections)
        row.source = sheet_source
        row.save(update_fields=["source"])
        audit.record(
            actor=actor,
            action="evaluation.sheet.replaced" if replaced else "evaluation.sheet.created",
            obj=row,
            after={"criteria": len(scope.criteria), "source": sheet_source},
        )
        result.counts["sheets_replaced" if replaced else "sheets_created"] += 1
        sheets_changed += 1
    if structure_changed:
        # after sheets were rewritten: what is left of removed sections or parts is referenced by nothing
        Section.objects.filter(criteria_set=criteria_set).exclude(id__in=[s.id for s in sections.values()]).delete()
        Part.objects.filter(criteria_set=criteria_set).exclude(id__in=[p.id for p in parts.values()]).delete()
    if existing is not None:
        if changed_fields or structure_changed or sheets_changed:
            result.counts["sets_updated"] += 1
        else:
            result.counts["sets_unchanged"] += 1
    return criteria_set


def _stored_structure(criteria_set):
    parts = {p.code: p for p in criteria_set.parts.all()}
    sections = {s.code: s for s in criteria_set.sections.all()}
    return parts, sections


def _write_structure(criteria_set, spec: SetSpec):
    parts, sections = _stored_structure(criteria_set)
    for position, p in enumerate(spec.parts, start=1):
        row = parts.get(p.code) or Part(criteria_set=criteria_set, code=p.code)
        row.name, row.points, row.position = p.name, p.points, position
        row.save()
        parts[p.code] = row
    for position, s in enumerate(spec.sections, start=1):
        row = sections.get(s.code) or Section(criteria_set=criteria_set, code=s.code)
        row.name, row.part, row.position, row.notes = s.name, parts[s.part], position, list(s.notes)
        row.save()
        sections[s.code] = row
    wanted_parts = {p.code for p in spec.parts}
    wanted_sections = {s.code for s in spec.sections}
    return (
        {c: p for c, p in parts.items() if c in wanted_parts},
        {c: s for c, s in sections.items() if c in wanted_sections},
    )


def _write_sheet(row: SheetScope, scope: ScopeSpec, sections: dict):
    criteria = Criterion.objects.bulk_create(
        [
            Criterion(
                scope=row,
                section=sections[c.section],
                code=c.code,
                text=c.text,
                heading=c.heading,
                notes=list(c.notes),
                position=position,
                max_points=c.best,
            )
            for position, c in enumerate(scope.criteria, start=1)
        ]
    )
    options = []
    for criterion, spec in zip(criteria, scope.criteria, strict=True):
        for position, o in enumerate(spec.options, start=1):
            options.append(
                Option(
                    criterion=criterion,
                    text=o.text,
                    points=o.points,
                    printed_points=o.printed_points,
                    min_star=min(o.mandatory_for_stars) if o.mandatory_for_stars else None,
                    case_label=o.case_label,
                    position=position,
                )
            )
    options = Option.objects.bulk_create(options)
    rules = []
    index = 0
    for criterion, spec in zip(criteria, scope.criteria, strict=True):
        # one minimum per star level: where the sheet marks that level in several printed cases, the lowest
        # marked option is the minimum (any case reaching its marked level meets it)
        lowest: dict[int, Option] = {}
        for o in spec.options:
            option = options[index]
            index += 1
            for stars in o.mandatory_for_stars:
                if stars not in lowest or option.points < lowest[stars].points:
                    lowest[stars] = option
        for stars, option in sorted(lowest.items()):
            rules.append(MandatoryRule(criterion=criterion, stars=stars, min_points=option.points, option=option))
    MandatoryRule.objects.bulk_create(rules)


def publish_set(*, actor=None, code: str) -> SaveResult:
    """Publish a stored set: it must hold at least one complete sheet; from then on it is never edited."""
    existing = CriteriaSet.objects.filter(code=code).first()
    if existing is None:
        raise CriteriaErrors([Problem(Origin(path=code), "code", f"không có bộ tiêu chí mã {code}.")])
    return save_sets([spec_from_db(existing)], actor=actor, source=existing.source, publish=True)
