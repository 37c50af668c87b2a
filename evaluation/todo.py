"""The home page's to-do items of council members (settings.HOME_TODO_PROVIDERS; core.views.home).

Items are dicts as in products.todo (`label`, `count`, `url`, `priority`). One query per kind of item below (after
one that checks the user sits on a council), whatever the number of rounds, products and sheets:

- a scoring member (chair, vice-chair, member, advisory team): the products of open rounds still being scored on which
  they have no conflict and have not submitted their sheet; under 26/2026 a council member's products wait for the
  advisory team's report first (evaluation.advisory.require_report), so those are not counted yet;
- the presiding member (the chair, or the vice-chair named to preside where the chair declared a conflict): locked
  products whose result waits for their approval;
- the secretary: products whose star minimums wait for the record (while scored, any of the sheet's minimums not
  yet judged; once locked, those at or below the product's band, which hold its approval back);
- the province office (who organises rounds): approved results of 3★ or 4★ with no certificate decided since the
  round began, i.e. waiting for its recognition decision (5★ go to the ministry through a proposal instead).
"""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import ngettext

from evaluation import advisory
from evaluation.council_models import (
    SCORING_ROLES,
    AdvisoryReview,
    Conflict,
    CouncilMember,
    ItemStatus,
    MemberRole,
    MinimumCheck,
    ReviewStatus,
    RoundItem,
    RoundStatus,
    Scoresheet,
    SheetStatus,
)
from evaluation.models import MandatoryRule


def _url(round_ids) -> str:
    rounds = set(round_ids)
    if len(rounds) == 1:
        return reverse("evaluation:round", args=[rounds.pop()])
    return reverse("evaluation:rounds")


def to_score(user) -> list[int]:
    """Round ids, one per product waiting for the user's sheet (repeated for each product of a round)."""
    seat = CouncilMember.objects.filter(evaluation_round=OuterRef("evaluation_round"), user=user)
    rows = (
        RoundItem.objects.filter(status=ItemStatus.SCORING, evaluation_round__status=RoundStatus.OPEN)
        .filter(Exists(seat.filter(role__in=SCORING_ROLES)))
        .exclude(Exists(Conflict.objects.filter(item=OuterRef("pk"), member__user=user)))
        .exclude(
            Exists(Scoresheet.objects.filter(item=OuterRef("pk"), member__user=user, status=SheetStatus.SUBMITTED))
        )
        .annotate(
            advisory_seat=Exists(seat.filter(role=MemberRole.ADVISORY)),
            reported=Exists(AdvisoryReview.objects.filter(item=OuterRef("pk"), status=ReviewStatus.REPORTED)),
        )
        .values_list("evaluation_round_id", "evaluation_round__starts_on", "advisory_seat", "reported")
    )
    return [
        round_id
        for round_id, starts_on, advisory_seat, reported in rows
        if advisory_seat or reported or not advisory.follows_26_2026(starts_on)
    ]


def to_approve(user) -> list[int]:
    """Round ids, one per locked product the user presides over."""
    conflict = Conflict.objects.filter(item=OuterRef("pk"))
    chair = CouncilMember.objects.filter(evaluation_round=OuterRef("evaluation_round"), role=MemberRole.CHAIR)
    as_chair = Exists(chair.filter(user=user)) & ~Exists(conflict.filter(member__user=user))
    as_deputy = Exists(
        CouncilMember.objects.filter(evaluation_round=OuterRef("evaluation_round"), user=user, presides_for_chair=True)
    ) & Exists(conflict.filter(member__role=MemberRole.CHAIR))
    return list(
        RoundItem.objects.filter(status=ItemStatus.LOCKED, evaluation_round__status=RoundStatus.OPEN)
        .filter(as_chair | as_deputy)
        .values_list("evaluation_round_id", flat=True)
    )


def to_record(user) -> list[int]:
    """Round ids, one per product whose star minimums wait for the user as the round's secretary (not conflicted):
    while it is scored, any minimum of its sheet not yet judged; once locked, one at or below its band."""
    unjudged = MandatoryRule.objects.filter(criterion__scope=OuterRef("sheet")).exclude(
        Exists(MinimumCheck.objects.filter(item=OuterRef(OuterRef("pk")), rule=OuterRef("pk")))
    )
    secretary = CouncilMember.objects.filter(
        evaluation_round=OuterRef("evaluation_round"), user=user, role=MemberRole.SECRETARY
    )
    return list(
        RoundItem.objects.filter(evaluation_round__status=RoundStatus.OPEN, eliminated_reason="")
        .filter(Exists(secretary))
        .annotate(
            pending=Exists(unjudged),
            pending_in_band=Exists(unjudged.filter(stars__lte=OuterRef("band_stars"))),
        )
        .exclude(Exists(Conflict.objects.filter(item=OuterRef("pk"), member__user=user)))
        .filter(Q(status=ItemStatus.SCORING, pending=True) | Q(status=ItemStatus.LOCKED, pending_in_band=True))
        .values_list("evaluation_round_id", flat=True)
    )


def to_decide(user) -> list[int]:
    """Round ids, one per approved 3★/4★ result of a round the user organises that has no certificate yet."""
    from certification.models import Certificate
    from evaluation.council_models import EvaluationRound

    rounds = EvaluationRound.objects.for_user(user, "evaluation.manage")
    certified = Certificate.objects.filter(
        product=OuterRef("product"), decision__date__gte=OuterRef("evaluation_round__starts_on")
    )
    return list(
        RoundItem.objects.filter(
            evaluation_round__in=rounds, status=ItemStatus.APPROVED, final_stars__in=(3, 4), eliminated_reason=""
        )
        .exclude(Exists(certified))
        .values_list("evaluation_round_id", flat=True)
    )


def _office_items(user) -> list[dict]:
    from accounts.scope import NOWHERE, area_scope

    organises = area_scope(user, "evaluation.manage") != NOWHERE  # one query, then the scoped rounds reuse it
    deciding = to_decide(user) if organises else []
    if not deciding:
        return []
    n = len(deciding)
    label = ngettext(
        "%(n)s kết quả đã phê duyệt chờ quyết định công nhận",
        "%(n)s kết quả đã phê duyệt chờ quyết định công nhận",
        n,
    ) % {"n": n}
    rounds = set(deciding)
    url = reverse("evaluation:board", args=[rounds.pop()]) if len(rounds) == 1 else reverse("evaluation:rounds")
    return [{"label": label, "count": n, "url": url, "priority": 20}]


def todo_items(user) -> list[dict]:
    office = _office_items(user)
    if not user.is_authenticated or not CouncilMember.objects.filter(user=user).exists():
        return office
    items = office
    scoring = to_score(user)
    if scoring:
        n = len(scoring)
        label = ngettext("%(n)s sản phẩm chờ bạn chấm", "%(n)s sản phẩm chờ bạn chấm", n) % {"n": n}
        items.append({"label": label, "count": n, "url": _url(scoring), "priority": 20})
    approving = to_approve(user)
    if approving:
        n = len(approving)
        label = ngettext(
            "%(n)s kết quả đã khoá phiếu chờ bạn phê duyệt", "%(n)s kết quả đã khoá phiếu chờ bạn phê duyệt", n
        ) % {"n": n}
        items.append({"label": label, "count": n, "url": _url(approving), "priority": 20})
    recording = to_record(user)
    if recording:
        n = len(recording)
        label = ngettext(
            "%(n)s sản phẩm chờ thư ký ghi nhận yêu cầu tối thiểu theo hạng sao",
            "%(n)s sản phẩm chờ thư ký ghi nhận yêu cầu tối thiểu theo hạng sao",
            n,
        ) % {"n": n}
        items.append({"label": label, "count": n, "url": _url(recording), "priority": 20})
    return items
