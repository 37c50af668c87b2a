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
from decimal import Decimal

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
    to_points,
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
    _require_criteria_admin(actor)
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


# ── Criteria sets edited in the browser by a system administrator (evaluation/criteria_views.py) ──────────────────
#
# A set under construction is incomplete by nature (parts not yet summing to 100, a sheet half written), so these
# functions check only what one row needs (required fields, unique codes, the set still a draft) and write it at
# once, audited; the whole-set rules (evaluation.validation) are shown on the set's validation page and enforced when
# the set is published (`publish_draft` → `publish_set` → `save_sets`). A published set is never edited: a new
# version is a new set (`create_set` with `copy_from`).

CRITERIA_ADMIN = "evaluation.manage_criteria"
BROWSER_SOURCE = "trình duyệt"  # the `source` of sets and sheets written here (never overwritten by a deployment)
PART_FIELDS = ["code", "name", "points"]
SECTION_FIELDS = ["code", "name", "part", "notes"]
SCOPE_FIELDS = ["category", "number", "title", "classification", "eliminated_when", "notes"]
CRITERION_FIELDS = ["code", "text", "heading", "section", "notes", "max_points"]
OPTION_FIELDS = ["text", "points", "case_label", "min_star"]
EDITABLE_SET_FIELDS = ["title", "decision", "valid_from", "valid_until"]


def may_administer_criteria(user) -> bool:
    """A nationwide holder of `evaluation.manage_criteria` (the system administrator)."""
    from accounts.scope import area_scope

    return area_scope(user, CRITERIA_ADMIN).everywhere


def _require_criteria_admin(actor) -> None:
    from django.utils.translation import gettext as _

    from core.errors import PermissionRefused

    if actor is not None and not may_administer_criteria(actor):
        raise PermissionRefused(_("Chỉ quản trị hệ thống được soạn và ban hành bộ tiêu chí."))


def _require_draft(criteria_set: CriteriaSet) -> None:
    from django.utils.translation import gettext as _

    from core.errors import DomainError

    if criteria_set.status == SetStatus.PUBLISHED:
        raise DomainError(
            _(
                "Bộ tiêu chí %(code)s đã ban hành nên không sửa được; hãy tạo phiên bản mới (một bộ tiêu chí mới "
                "với mã mới)."
            )
            % {"code": criteria_set.code}
        )


def _locked_set(criteria_set: CriteriaSet, actor=None) -> CriteriaSet:
    """The set re-read under a row lock, so two edits and a publication never interleave."""
    locked = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    _require_draft(locked)
    if locked.source != BROWSER_SOURCE:
        # edited by an administrator from now on: a deployment's reference file no longer overwrites it
        before = {"source": locked.source}
        locked.source = BROWSER_SOURCE
        locked.save(update_fields=["source"])
        audit.record(
            actor=actor,
            action="evaluation.criteria_set.updated",
            obj=locked,
            before=before,
            after={"source": BROWSER_SOURCE},
        )
    return locked


def _refuse(message: str, field: str | None = None):
    from core.errors import DomainError

    raise DomainError(message, field=field)


def _text(value) -> str:
    return " ".join(str(value or "").split())


def _lines(value) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else str(value or "").splitlines()
    return [line for line in (_text(item) for item in items) if line]


def _mark_draft(actor, criteria_set: CriteriaSet) -> None:
    """A set with a sheet is a draft (status only moves forward)."""
    if criteria_set.status == SetStatus.STRUCTURE:
        criteria_set.status = SetStatus.DRAFT
        criteria_set.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="evaluation.criteria_set.updated",
            obj=criteria_set,
            before={"status": SetStatus.STRUCTURE},
            after={"status": SetStatus.DRAFT},
        )


def _check_set_values(code, system, title, decision, valid_from, valid_until, *, exclude=None) -> None:
    from django.utils.translation import gettext as _

    if code is not None:
        if not code:
            _refuse(_("Nhập mã bộ tiêu chí."), "code")
        if len(code) > 40:
            _refuse(_("Mã bộ tiêu chí dài quá 40 ký tự."), "code")
        if CriteriaSet.objects.filter(code=code).exclude(pk=exclude).exists():
            _refuse(_("Đã có bộ tiêu chí mã %(code)s; phiên bản mới cần mã mới.") % {"code": code}, "code")
    if system is not None:
        from products.choices import CategorySystem

        if system not in CategorySystem.values:
            _refuse(_("Chọn hệ thống nhóm sản phẩm."), "system")
    if not title:
        _refuse(_("Nhập tên bộ tiêu chí."), "title")
    if not decision:
        _refuse(_("Nhập căn cứ (số quyết định)."), "decision")
    if valid_from is None:
        _refuse(_("Nhập ngày bắt đầu áp dụng."), "valid_from")
    if valid_until is not None and valid_until <= valid_from:
        _refuse(_("Ngày hết áp dụng phải sau ngày bắt đầu áp dụng."), "valid_until")


def create_set(
    *,
    actor,
    code: str,
    system: str,
    title: str,
    decision: str,
    valid_from,
    valid_until=None,
    copy_from: CriteriaSet | None = None,
    copy_sheets: bool = False,
) -> CriteriaSet:
    """A new draft set, empty or copied from `copy_from` (its parts and sections; its sheets too with `copy_sheets`).

    The copy is a set of its own: not official, no findings; what the copied text got wrong is then shown by the
    validation and must be corrected before the new set is published.
    """
    _require_criteria_admin(actor)
    code, title, decision = _text(code), _text(title), _text(decision)
    if copy_from is not None:
        system = copy_from.system
    with transaction.atomic():
        _check_set_values(code, system, title, decision, valid_from, valid_until)
        if copy_from is None:
            criteria_set = CriteriaSet.objects.create(
                code=code,
                system=system,
                title=title,
                decision=decision,
                valid_from=valid_from,
                valid_until=valid_until,
                status=SetStatus.STRUCTURE,
                source=BROWSER_SOURCE,
            )
            audit.record(
                actor=actor,
                action="evaluation.criteria_set.created",
                obj=criteria_set,
                after={**audit.snapshot(criteria_set, SET_FIELDS), "source": BROWSER_SOURCE},
            )
            return criteria_set
        spec = spec_from_db(copy_from)
        spec.code, spec.title, spec.decision = code, title, decision
        spec.valid_from, spec.valid_until = valid_from, valid_until
        spec.official, spec.findings, spec.reading_findings = False, [], []
        spec.source = BROWSER_SOURCE
        spec.status = SetStatus.DRAFT if copy_sheets and any(has_sheet(s) for s in spec.scopes) else SetStatus.STRUCTURE
        for scope in spec.scopes:
            scope.incoming = True
            if not copy_sheets:
                scope.criteria = None
        criteria_set = _apply(spec, None, None, actor=actor, sheet_source=BROWSER_SOURCE, result=SaveResult())
        audit.record(
            actor=actor,
            action="evaluation.criteria_set.copied",
            obj=criteria_set,
            after={"from": copy_from.code, "sheets": bool(copy_sheets)},
        )
        return criteria_set


def update_set(*, actor, criteria_set: CriteriaSet, title, decision, valid_from, valid_until=None) -> CriteriaSet:
    _require_criteria_admin(actor)
    title, decision = _text(title), _text(decision)
    with transaction.atomic():
        criteria_set = _locked_set(criteria_set, actor)
        _check_set_values(None, None, title, decision, valid_from, valid_until)
        values = {"title": title, "decision": decision, "valid_from": valid_from, "valid_until": valid_until}
        changed = [f for f, v in values.items() if getattr(criteria_set, f) != v]
        if changed:
            before = audit.snapshot(criteria_set, changed)
            for f in changed:
                setattr(criteria_set, f, values[f])
            criteria_set.save(update_fields=changed)
            audit.record(
                actor=actor,
                action="evaluation.criteria_set.updated",
                obj=criteria_set,
                before=before,
                after=audit.snapshot(criteria_set, changed),
            )
        return criteria_set


def delete_set(*, actor, criteria_set: CriteriaSet) -> None:
    """A draft set is removed with everything in it (no round can use a draft)."""
    _require_criteria_admin(actor)
    with transaction.atomic():
        criteria_set = _locked_set(criteria_set, actor)
        audit.record(
            actor=actor,
            action="evaluation.criteria_set.deleted",
            obj=criteria_set,
            before=audit.snapshot(criteria_set, SET_FIELDS),
        )
        MandatoryRule.objects.filter(criterion__scope__criteria_set=criteria_set).delete()
        Option.objects.filter(criterion__scope__criteria_set=criteria_set).delete()
        Criterion.objects.filter(scope__criteria_set=criteria_set).delete()
        criteria_set.delete()


def save_part(*, actor, criteria_set: CriteriaSet, part: Part | None = None, code: str, name: str, points) -> Part:
    from django.utils.translation import gettext as _

    from evaluation.choices import PART_CODES

    _require_criteria_admin(actor)
    code, name = _text(code).upper(), _text(name)
    with transaction.atomic():
        criteria_set = _locked_set(criteria_set, actor)
        if code not in PART_CODES:
            _refuse(_("Phần chỉ có A, B hoặc C."), "code")
        if not name:
            _refuse(_("Nhập tên phần."), "name")
        if points is None or int(points) <= 0:
            _refuse(_("Điểm của phần phải là số nguyên dương."), "points")
        if criteria_set.parts.filter(code=code).exclude(pk=getattr(part, "pk", None)).exists():
            _refuse(_("Bộ tiêu chí đã có phần %(code)s.") % {"code": code}, "code")
        return _save_row(
            actor,
            part or Part(criteria_set=criteria_set, position=criteria_set.parts.count() + 1),
            {"code": code, "name": name, "points": int(points)},
            "evaluation.part",
        )


def _save_row(actor, row, values: dict, action: str, label=None):
    """Create or update one row with `values`, audited as `<action>.created` / `.updated` (nothing when unchanged)."""
    fields = list(values)
    created = row.pk is None
    before = None if created else audit.snapshot(row, fields)
    changed = [f for f, v in values.items() if created or getattr(row, f) != v]
    if not changed:
        return row
    for f, v in values.items():
        setattr(row, f, v)
    row.save()
    audit.record(
        actor=actor,
        action=f"{action}.{'created' if created else 'updated'}",
        obj=row,
        label=label,
        before=None if created else {f: before[f] for f in changed},
        after={f: v for f, v in audit.snapshot(row, fields).items() if f in changed},
    )
    return row


def delete_part(*, actor, part: Part) -> None:
    from django.utils.translation import gettext as _

    _require_criteria_admin(actor)
    with transaction.atomic():
        _locked_set(part.criteria_set, actor)
        if part.sections.exists():
            _refuse(_("Phần %(code)s còn mục; xoá các mục của phần trước.") % {"code": part.code})
        audit.record(actor=actor, action="evaluation.part.deleted", obj=part, before=audit.snapshot(part, PART_FIELDS))
        part.delete()


def save_section(
    *, actor, criteria_set: CriteriaSet, section: Section | None = None, code: str, name: str, part: Part, notes=""
) -> Section:
    from django.utils.translation import gettext as _

    _require_criteria_admin(actor)
    code, name = _text(code), _text(name)
    with transaction.atomic():
        criteria_set = _locked_set(criteria_set, actor)
        if not code:
            _refuse(_("Nhập mã mục."), "code")
        if len(code) > 20:
            _refuse(_("Mã mục dài quá 20 ký tự."), "code")
        if not name:
            _refuse(_("Nhập tên mục."), "name")
        if part is None or part.criteria_set_id != criteria_set.pk:
            _refuse(_("Chọn phần của bộ tiêu chí này."), "part")
        if criteria_set.sections.filter(code=code).exclude(pk=getattr(section, "pk", None)).exists():
            _refuse(_("Bộ tiêu chí đã có mục mã %(code)s.") % {"code": code}, "code")
        return _save_row(
            actor,
            section or Section(criteria_set=criteria_set, position=criteria_set.sections.count() + 1),
            {"code": code, "name": name, "part": part, "notes": _lines(notes)},
            "evaluation.section",
        )


def delete_section(*, actor, section: Section) -> None:
    from django.utils.translation import gettext as _

    _require_criteria_admin(actor)
    with transaction.atomic():
        _locked_set(section.criteria_set, actor)
        if section.criteria.exists():
            _refuse(
                _("Mục %(code)s còn tiêu chí trong phiếu chấm; chuyển hoặc xoá các tiêu chí đó trước.")
                % {"code": section.code}
            )
        audit.record(
            actor=actor,
            action="evaluation.section.deleted",
            obj=section,
            before={"code": section.code, "name": section.name},
        )
        section.delete()


def save_scope(
    *,
    actor,
    criteria_set: CriteriaSet,
    scope: SheetScope | None = None,
    category,
    number=None,
    title="",
    classification="",
    eliminated_when="",
    notes="",
) -> SheetScope:
    """A sheet of the set: the product group or sub-group (for 26/2026, the phân nhóm) it scores, and its heading."""
    from django.utils.translation import gettext as _

    _require_criteria_admin(actor)
    with transaction.atomic():
        criteria_set = _locked_set(criteria_set, actor)
        if category is None or category.system != criteria_set.system:
            _refuse(_("Chọn nhóm / phân nhóm sản phẩm của hệ thống %(s)s.") % {"s": criteria_set.system}, "category")
        if criteria_set.scopes.filter(category=category).exclude(pk=getattr(scope, "pk", None)).exists():
            _refuse(
                _("Bộ tiêu chí đã có phiếu chấm cho '%(c)s'.") % {"c": f"{category.code} – {category.name}"},
                "category",
            )
        if (
            number is not None
            and criteria_set.scopes.filter(number=number).exclude(pk=getattr(scope, "pk", None)).exists()
        ):
            _refuse(_("Số phiếu %(n)s đã dùng cho phiếu khác của bộ tiêu chí.") % {"n": number}, "number")
        return _save_row(
            actor,
            scope or SheetScope(criteria_set=criteria_set, position=criteria_set.scopes.count() + 1),
            {
                "category": category,
                "number": number,
                "title": _text(title),
                "classification": _text(classification),
                "eliminated_when": _lines(eliminated_when),
                "notes": _lines(notes),
            },
            "evaluation.sheet",
        )


def delete_scope(*, actor, scope: SheetScope) -> None:
    _require_criteria_admin(actor)
    with transaction.atomic():
        _locked_set(scope.criteria_set, actor)
        audit.record(
            actor=actor,
            action="evaluation.sheet.deleted",
            obj=scope,
            before={"category": scope.category.code, "criteria": scope.criteria.count()},
        )
        MandatoryRule.objects.filter(criterion__scope=scope).delete()
        Option.objects.filter(criterion__scope=scope).delete()
        scope.criteria.all().delete()
        scope.delete()


def save_criterion(
    *,
    actor,
    scope: SheetScope,
    criterion: Criterion | None = None,
    code: str,
    text: str,
    section: Section,
    heading: str = "",
    notes="",
) -> Criterion:
    """One criterion of a sheet; its maximum is always its best option's points (kept by `save_option`)."""
    from django.utils.translation import gettext as _

    _require_criteria_admin(actor)
    code, text = _text(code), str(text or "").strip()
    with transaction.atomic():
        criteria_set = _locked_set(scope.criteria_set, actor)
        if not code:
            _refuse(_("Nhập mã tiêu chí."), "code")
        if len(code) > 20:
            _refuse(_("Mã tiêu chí dài quá 20 ký tự."), "code")
        if not text:
            _refuse(_("Nhập nội dung tiêu chí."), "text")
        if section is None or section.criteria_set_id != criteria_set.pk:
            _refuse(_("Chọn mục của bộ tiêu chí này."), "section")
        if scope.criteria.filter(code=code).exclude(pk=getattr(criterion, "pk", None)).exists():
            _refuse(_("Phiếu chấm đã có tiêu chí mã %(code)s.") % {"code": code}, "code")
        row = criterion or Criterion(scope=scope, position=scope.criteria.count() + 1, max_points=0)
        row = _save_row(
            actor,
            row,
            {"code": code, "text": text, "section": section, "heading": _text(heading), "notes": _lines(notes)},
            "evaluation.criterion",
            label=f"{scope.category.code} · {code}",
        )
        _mark_draft(actor, criteria_set)
        return row


def delete_criterion(*, actor, criterion: Criterion) -> None:
    _require_criteria_admin(actor)
    with transaction.atomic():
        _locked_set(criterion.scope.criteria_set, actor)
        audit.record(
            actor=actor,
            action="evaluation.criterion.deleted",
            obj=criterion,
            label=f"{criterion.scope.category.code} · {criterion.code}",
            before={"code": criterion.code, "text": criterion.text},
        )
        MandatoryRule.objects.filter(criterion=criterion).delete()
        criterion.options.all().delete()
        criterion.delete()


def _marks(criterion: Criterion) -> dict[int, set[int]]:
    """The star levels each option of `criterion` is the minimum for (from the rules and the options' markers)."""
    marks: dict[int, set[int]] = {o.pk: ({o.min_star} if o.min_star else set()) for o in criterion.options.all()}
    for rule in criterion.mandatory_rules.all():
        if rule.option_id in marks:
            marks[rule.option_id].add(rule.stars)
    return marks


def _sync_criterion(criterion: Criterion, marks: dict[int, set[int]]) -> None:
    """The criterion's maximum, its options' star markers and its minimums (`MandatoryRule`) from its options."""
    options = list(criterion.options.all())
    best = max((o.points for o in options), default=Decimal(0))
    if criterion.max_points != best:
        criterion.max_points = best
        criterion.save(update_fields=["max_points"])
    lowest: dict[int, Option] = {}
    for option in options:
        stars = marks.get(option.pk, set())
        min_star = min(stars) if stars else None
        if option.min_star != min_star:
            option.min_star = min_star
            option.save(update_fields=["min_star"])
        for level in stars:
            if level not in lowest or option.points < lowest[level].points:
                lowest[level] = option
    MandatoryRule.objects.filter(criterion=criterion).delete()
    MandatoryRule.objects.bulk_create(
        [
            MandatoryRule(criterion=criterion, stars=level, min_points=option.points, option=option)
            for level, option in sorted(lowest.items())
        ]
    )


def save_option(
    *,
    actor,
    criterion: Criterion,
    option: Option | None = None,
    text: str,
    points,
    mandatory_for_stars=(),
    case_label: str = "",
) -> Option:
    """One level of a criterion with its points, and the star levels it is the minimum for (the sheet's ★ marker)."""
    from django.utils.translation import gettext as _

    _require_criteria_admin(actor)
    text, case_label = str(text or "").strip(), _text(case_label)
    stars = set(mandatory_for_stars or ())
    with transaction.atomic():
        _locked_set(criterion.scope.criteria_set, actor)
        criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
        if not text:
            _refuse(_("Nhập nội dung mức đánh giá."), "text")
        if points is None:
            _refuse(_("Nhập điểm của mức."), "points")
        try:
            points = to_points(points)
        except Exception as exc:  # DomainError with the reason
            _refuse(getattr(exc, "message", str(exc)), "points")
        if any(s not in range(1, 6) for s in stars):
            _refuse(_("Hạng sao từ 1 đến 5."), "mandatory_for_stars")
        others = criterion.options.exclude(pk=getattr(option, "pk", None))
        if others.filter(text=text, case_label=case_label).exists():
            _refuse(_("Tiêu chí đã có mức '%(t)s'.") % {"t": text}, "text")
        marks = _marks(criterion)
        by_pk = {o.pk: o for o in criterion.options.all()}
        for pk, levels in marks.items():
            other = by_pk[pk]
            if option is not None and pk == option.pk or other.case_label != case_label:
                continue
            taken = sorted(stars & levels)
            if taken:
                _refuse(
                    _("Mức '%(t)s' đã là mức tối thiểu cho hạng %(s)s sao của tiêu chí này; mỗi hạng sao chỉ một mức.")
                    % {"t": other.text, "s": ", ".join(str(s) for s in taken)},
                    "mandatory_for_stars",
                )
        row = option or Option(criterion=criterion, position=criterion.options.count() + 1)
        old_stars = marks.get(getattr(option, "pk", None), set())
        row = _save_row(
            actor,
            row,
            {"text": text, "points": points, "case_label": case_label},
            "evaluation.option",
            label=f"{criterion.scope.category.code} · {criterion.code} · {text}"[:255],
        )
        if stars != old_stars:
            audit.record(
                actor=actor,
                action="evaluation.option.minimum_changed",
                obj=row,
                label=f"{criterion.scope.category.code} · {criterion.code} · {text}"[:255],
                before={"mandatory_for_stars": sorted(old_stars)},
                after={"mandatory_for_stars": sorted(stars)},
            )
        marks[row.pk] = stars
        _sync_criterion(criterion, marks)
        return row


def delete_option(*, actor, option: Option) -> None:
    _require_criteria_admin(actor)
    with transaction.atomic():
        _locked_set(option.criterion.scope.criteria_set, actor)
        criterion = Criterion.objects.select_for_update().get(pk=option.criterion_id)
        audit.record(
            actor=actor,
            action="evaluation.option.deleted",
            obj=option,
            label=f"{criterion.scope.category.code} · {criterion.code} · {option.text}"[:255],
            before={"text": option.text, "points": str(option.points)},
        )
        marks = _marks(criterion)
        marks.pop(option.pk, None)
        MandatoryRule.objects.filter(option=option).delete()
        option.delete()
        _sync_criterion(criterion, marks)


def set_problems(criteria_set: CriteriaSet) -> list[Problem]:
    """Every problem of the stored set as publishing would find it (nothing written)."""
    spec = spec_from_db(criteria_set)
    if criteria_set.status != SetStatus.PUBLISHED:
        spec.status = SetStatus.PUBLISHED  # check it as it would be published
    return validate_set(spec, _categories())


def publish_draft(*, actor, criteria_set: CriteriaSet) -> CriteriaSet:
    """Publish a draft after validating all of it; CriteriaErrors (nothing written) when anything is wrong."""
    _require_criteria_admin(actor)
    with transaction.atomic():
        criteria_set = _locked_set(criteria_set, actor)
        publish_set(actor=actor, code=criteria_set.code)
    criteria_set.refresh_from_db()
    return criteria_set
