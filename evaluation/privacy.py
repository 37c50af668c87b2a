"""Scores stay private until the chair locks the sheets (issue 14, item 3).

Before an item is locked nobody — the chair, the province office, a reader of the audit log — sees a member's total,
their chosen options or which two members are more than 10 points apart: such knowledge would let one member steer
toward another's score. What may be shown is how far the council has got: "x/y thành viên đã nộp phiếu", where y is
the council members whose sheets count (chair, vice-chairs, members) without a conflict on the product and x those of
them who submitted. After the lock everything shows as before.

`redact_entries` is the audit log's hook (settings.AUDIT_REDACTORS, read by core.audit_privacy: core imports no
domain app).
"""

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from evaluation.council_models import (
    COUNTED_ROLES,
    Conflict,
    CouncilMember,
    ItemStatus,
    RoundItem,
    Scoresheet,
    SheetStatus,
)

ITEM_TYPE = "evaluation.rounditem"
# Audit actions about an item whose before/after carry a member's scores. The services write only
# "evaluation.sheet.submitted" (with the member's total) today; the prefixes cover any later per-answer entry.
SCORE_ACTIONS = frozenset({"evaluation.sheet.submitted"})
SCORE_PREFIXES = ("evaluation.scoresheet.", "evaluation.score.")
# Keys of a score entry that say nothing about the scores: kept visible.
PLAIN_KEYS = frozenset({"member", "rescore_round"})


def progress_label(submitted: int, expected: int) -> str:
    return _("%(x)s/%(y)s thành viên đã nộp phiếu") % {"x": submitted, "y": expected}


def progress(members, sheets, conflicted_ids) -> tuple[int, int]:
    """(x, y) for one item from records already read: `members` the round's council, `sheets` the item's sheets,
    `conflicted_ids` the ids of members with a conflict on it."""
    counted = {m.pk for m in members if m.role in COUNTED_ROLES} - set(conflicted_ids)
    submitted = {s.member_id for s in sheets if s.status == SheetStatus.SUBMITTED and s.member_id in counted}
    return len(submitted), len(counted)


def _count(queryset, by: str):
    """A correlated COUNT(*) of `queryset` grouped by `by` (0 when there is none)."""
    counted = queryset.order_by().values(by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_progress(items):
    """RoundItem queryset annotated with `n_submitted` and `n_expected` (x and y above): one query for any number of
    items."""
    not_conflicted = ~Exists(Conflict.objects.filter(item=OuterRef("item"), member=OuterRef("member")))
    return items.annotate(
        n_submitted=_count(
            Scoresheet.objects.filter(
                not_conflicted, item=OuterRef("pk"), status=SheetStatus.SUBMITTED, member__role__in=COUNTED_ROLES
            ),
            "item",
        ),
        n_expected=_count(
            CouncilMember.objects.filter(evaluation_round=OuterRef("evaluation_round"), role__in=COUNTED_ROLES),
            "evaluation_round",
        )
        - _count(Conflict.objects.filter(item=OuterRef("pk"), member__role__in=COUNTED_ROLES), "item"),
    )


def counts_of(item_ids) -> dict[int, tuple[str, int, int]]:
    """item id → (status, x, y) for the given items, in one query."""
    rows = with_progress(RoundItem.objects.filter(pk__in=item_ids)).values_list(
        "pk", "status", "n_submitted", "n_expected"
    )
    return {pk: (status, x, y) for pk, status, x, y in rows}


def _is_score_entry(entry) -> bool:
    return entry.object_type == ITEM_TYPE and (entry.action in SCORE_ACTIONS or entry.action.startswith(SCORE_PREFIXES))


def _masked(snapshot, shown: str):
    if not isinstance(snapshot, dict):
        return snapshot if snapshot is None else shown
    return {key: value if key in PLAIN_KEYS else shown for key, value in snapshot.items()}


def redact_entries(entries, user):
    """The audit hook: entries about an item's scores lose their values while the item is not locked (for every
    reader: the council members themselves have no audit.view). One query for the items of all the entries given,
    none when no entry is about scores. An item that cannot be found is treated as not locked."""
    entries = list(entries)
    wanted = {int(e.object_id) for e in entries if _is_score_entry(e) and e.object_id.isdigit()}
    if not wanted:
        return entries
    states = counts_of(wanted)
    for entry in entries:
        if not _is_score_entry(entry):
            continue
        status, submitted, expected = states.get(int(entry.object_id) if entry.object_id.isdigit() else 0, ("", 0, 0))
        if status in (ItemStatus.LOCKED, ItemStatus.APPROVED):
            continue
        label = progress_label(submitted, expected)
        shown = _("ẩn đến khi khoá phiếu (%(progress)s)") % {"progress": label}
        entry.before, entry.after = _masked(entry.before, shown), _masked(entry.after, shown)
        entry.redacted = True
        entry.redaction_note = _(
            "Điểm của thành viên được giữ kín đến khi chủ tịch hội đồng khoá phiếu: %(progress)s."
        ) % {"progress": label}
    return entries
