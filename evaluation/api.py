"""Council scoring over the API: the rounds a caller manages or sits on, their products (results only where the
caller may see the aggregate), the caller's own scoresheet, saving an answer and submitting. Every write goes through
evaluation.council, so the API allows exactly what the screens allow; anything outside answers 404."""

import datetime
from decimal import Decimal

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from api.auth import AUTH
from api.pagination import Paginated
from api.schemas import ERRORS
from core.errors import DomainError, PermissionRefused
from evaluation import council, privacy
from evaluation.council_models import (
    SCORING_ROLES,
    Answer,
    Conflict,
    CouncilMember,
    EvaluationRound,
    RoundItem,
    Scoresheet,
)
from evaluation.models import Criterion, Option

router = Router(tags=["evaluation"], auth=AUTH)


class RoundOut(Schema):
    id: int
    title: str
    province: str
    starts_on: datetime.date
    ends_on: datetime.date
    criteria_set: str
    status: str
    my_role: str | None


class ResultOut(Schema):
    mean: Decimal | None
    median: Decimal | None
    spread: Decimal | None
    counted: int
    quorum_met: bool
    quorum_needed: int
    flagged: bool
    band_stars: int | None
    final_stars: int | None
    cap_reasons: list[str]


class ItemOut(Schema):
    id: int
    product: str
    product_id: int
    producer: str
    status: str
    rescore_round: int
    # How far the council has got: counted members (no conflict) who submitted, out of those expected to; shown
    # while the sheets are open, when `result` (any member's total, the mean, the flags) is withheld.
    submitted: int
    expected: int
    progress: str
    result: ResultOut | None


class OptionOut(Schema):
    index: int
    text: str
    points: Decimal


class CriterionOut(Schema):
    code: str
    text: str
    part: str
    section: str
    max_points: Decimal
    options: list[OptionOut]
    chosen: int | None


class SheetOut(Schema):
    item_id: int
    status: str
    total: Decimal
    notes: str
    submitted_at: datetime.datetime | None
    criteria: list[CriterionOut]


class AnswerIn(Schema):
    criterion_code: str = Field(..., max_length=20)
    option_index: int
    notes: str | None = Field(None, max_length=4000)


def rounds_for(user):
    """Rounds the user manages (evaluation.manage in the province) or sits on."""
    managed = EvaluationRound.objects.for_user(user, council.MANAGE).values("pk")
    return (
        EvaluationRound.objects.filter(Q(pk__in=managed) | Q(members__user=user))
        .distinct()
        .select_related("province", "criteria_set")
    )


def _round(user, round_id: int) -> EvaluationRound:
    found = rounds_for(user).filter(pk=round_id).first()
    if found is None:
        raise Http404
    return found


def _item(user, item_id: int) -> RoundItem:
    item = RoundItem.objects.filter(pk=item_id, evaluation_round__in=rounds_for(user).values("pk")).first()
    if item is None:
        raise Http404
    return item


def _result(user, item) -> dict | None:
    if not council.may_see_aggregate(user, item):
        return None
    result = council.result_of(item)
    return {
        "mean": result.mean,
        "median": result.median,
        "spread": result.spread,
        "counted": len(result.counted),
        "quorum_met": result.quorum_met,
        "quorum_needed": result.quorum_needed,
        "flagged": bool(result.flagged_pairs),
        "band_stars": result.band_stars,
        "final_stars": result.final_stars,
        "cap_reasons": list(result.cap_reasons),
    }


@router.get("/rounds", response={200: list[RoundOut], **ERRORS}, summary="Rounds the caller manages or sits on")
def list_rounds(request):
    seats = dict(CouncilMember.objects.filter(user=request.user).values_list("evaluation_round_id", "role"))
    return [
        {
            "id": r.pk,
            "title": r.title,
            "province": r.province.name,
            "starts_on": r.starts_on,
            "ends_on": r.ends_on,
            "criteria_set": r.criteria_set.code,
            "status": r.status,
            "my_role": seats.get(r.pk),
        }
        for r in rounds_for(request.user).order_by("-starts_on", "id")
    ]


@router.get(
    "/rounds/{round_id}/items",
    response={200: list[ItemOut], **ERRORS},
    summary="A round's products; results when allowed",
)
def list_items(request, round_id: int):
    evaluation_round = _round(request.user, round_id)
    items = privacy.with_progress(
        RoundItem.objects.filter(evaluation_round=evaluation_round).select_related("product__producer")
    )
    return [
        {
            "id": item.pk,
            "product": item.product.name,
            "product_id": item.product_id,
            "producer": item.product.producer.name,
            "status": item.status,
            "rescore_round": item.rescore_round,
            "submitted": item.n_submitted,
            "expected": item.n_expected,
            "progress": privacy.progress_label(item.n_submitted, item.n_expected),
            "result": _result(request.user, item),
        }
        for item in items.order_by("id")
    ]


def _seat_for_sheet(user, item) -> CouncilMember:
    member = CouncilMember.objects.filter(evaluation_round=item.evaluation_round_id, user=user).first()
    if member is None:
        raise Http404
    if member.role not in SCORING_ROLES:
        raise PermissionRefused(_("Thư ký hội đồng không chấm điểm."))
    if Conflict.objects.filter(item=item, member=member).exists():
        raise PermissionRefused(_("Bạn đã khai báo xung đột lợi ích với sản phẩm này nên không chấm."))
    return member


def _sheet_out(item, member) -> dict:
    sheet = Scoresheet.objects.filter(item=item, member=member).first()
    chosen = {}
    if sheet is not None:
        chosen = dict(Answer.objects.filter(sheet=sheet).values_list("criterion_id", "option_id"))
    criteria = []
    for criterion in (
        Criterion.objects.filter(scope=item.sheet_id)
        .select_related("section__part")
        .prefetch_related("options")
        .order_by("position", "id")
    ):
        options = list(criterion.options.all())  # Option's ordering: position, then id
        criteria.append(
            {
                "code": criterion.code,
                "text": criterion.text,
                "part": criterion.section.part.code,
                "section": criterion.section.code,
                "max_points": criterion.max_points,
                "options": [{"index": n, "text": o.text, "points": o.points} for n, o in enumerate(options)],
                "chosen": next((n for n, o in enumerate(options) if o.id == chosen.get(criterion.id)), None),
            }
        )
    return {
        "item_id": item.pk,
        "status": sheet.status if sheet else "draft",
        "total": sheet.total if sheet else Decimal("0"),
        "notes": sheet.notes if sheet else "",
        "submitted_at": sheet.submitted_at if sheet else None,
        "criteria": criteria,
    }


@router.get(
    "/items/{item_id}/scoresheet",
    response={200: SheetOut, **ERRORS},
    summary="The caller's own scoresheet for a product",
)
def my_scoresheet(request, item_id: int):
    item = _item(request.user, item_id)
    return _sheet_out(item, _seat_for_sheet(request.user, item))


@router.post("/items/{item_id}/answers", response={200: SheetOut, **ERRORS}, summary="Save one answer (saved at once)")
def answer(request, item_id: int, payload: AnswerIn):
    item = _item(request.user, item_id)
    member = _seat_for_sheet(request.user, item)
    criterion = Criterion.objects.filter(scope=item.sheet_id, code=payload.criterion_code).first()
    if criterion is None:
        raise DomainError(
            _("Không có tiêu chí %(c)s trong phiếu chấm này.") % {"c": payload.criterion_code}, field="criterion_code"
        )
    options = list(Option.objects.filter(criterion=criterion).order_by("position", "id"))
    if not 0 <= payload.option_index < len(options):
        raise DomainError(_("Mức chọn không hợp lệ."), field="option_index")
    council.choose_option(
        actor=request.user, item=item, criterion=criterion, option=options[payload.option_index], notes=payload.notes
    )
    return _sheet_out(item, member)


@router.post("/items/{item_id}/submit", response={200: SheetOut, **ERRORS}, summary="Submit the caller's scoresheet")
def submit(request, item_id: int):
    item = _item(request.user, item_id)
    member = _seat_for_sheet(request.user, item)
    council.submit_sheet(actor=request.user, item=item)
    return _sheet_out(item, member)


# ── The advisory team's review and the ≥ 90 path to the ministry (read-only) ──────────────────────────────────────


class AdditionRequestOut(Schema):
    id: int
    missing: str
    due_on: datetime.date
    requested_at: datetime.datetime
    received_on: datetime.date | None
    received_note: str


class SurveyOut(Schema):
    id: int
    surveyed_on: datetime.date
    participants: str
    findings: str


class ReviewOut(Schema):
    item_id: int
    product: str
    required: bool  # the round's rules make the report a condition of scoring (26/2026)
    status: str  # draft | requested | received | reported
    summary: str | None  # None for a member with a conflict of interest on the product
    recommendation: str | None
    reported_at: datetime.datetime | None
    requests: list[AdditionRequestOut]
    surveys: list[SurveyOut]


class DecisionRefOut(Schema):
    number: str
    date: datetime.date


class MinistryProposalOut(Schema):
    id: int
    round_id: int
    item_id: int
    product_id: int
    product: str
    province_mean: Decimal | None
    province_stars: int | None
    status: str  # proposed | recognised | below_90 | province_recognised | re_evaluation
    approval_no: str
    approval_date: datetime.date | None
    letter_no: str
    letter_date: datetime.date
    documents: list[str]
    decided_on: datetime.date | None
    ministry_decision: DecisionRefOut | None
    notice_no: str
    central_score: Decimal | None
    central_stars: int | None
    province_decision: DecisionRefOut | None
    certificate_code: str | None
    reevaluation_on: datetime.date | None
    reevaluation_reason: str


def _reviews_out(user, evaluation_round, items) -> list[dict]:
    from evaluation import advisory

    required = advisory.requires_review(evaluation_round)
    reviews = advisory.reviews_for(items)
    member = CouncilMember.objects.filter(evaluation_round=evaluation_round, user=user).first()
    hidden = set()
    if member is not None:
        hidden = set(Conflict.objects.filter(member=member, item__in=items).values_list("item_id", flat=True))
    out = []
    for item in items:
        review = reviews.get(item.pk)
        secret = item.pk in hidden
        out.append(
            {
                "item_id": item.pk,
                "product": item.product.name,
                "required": required,
                "status": review.status if review else "draft",
                "summary": None if secret else (review.summary if review else ""),
                "recommendation": None if secret else (review.recommendation if review else ""),
                "reported_at": review.reported_at if review else None,
                "requests": [] if secret or review is None else list(review.requests.all()),
                "surveys": [] if secret or review is None else list(review.surveys.all()),
            }
        )
    return out


@router.get(
    "/rounds/{round_id}/advisory",
    response={200: list[ReviewOut], **ERRORS},
    summary="The advisory team's review of each product",
)
def round_reviews(request, round_id: int):
    evaluation_round = _round(request.user, round_id)
    items = list(RoundItem.objects.filter(evaluation_round=evaluation_round).select_related("product").order_by("id"))
    return _reviews_out(request.user, evaluation_round, items)


@router.get(
    "/items/{item_id}/advisory",
    response={200: ReviewOut, **ERRORS},
    summary="The advisory team's review of one product",
)
def item_review(request, item_id: int):
    item = _item(request.user, item_id)
    item = RoundItem.objects.select_related("product", "evaluation_round").get(pk=item.pk)
    return _reviews_out(request.user, item.evaluation_round, [item])[0]


def _decision_ref(decision) -> dict | None:
    return {"number": decision.number, "date": decision.date} if decision is not None else None


def _proposal_out(p) -> dict:
    item = p.item
    return {
        "id": p.pk,
        "round_id": item.evaluation_round_id,
        "item_id": item.pk,
        "product_id": item.product_id,
        "product": item.product.name,
        "province_mean": item.mean,
        "province_stars": item.final_stars,
        "status": p.status,
        "approval_no": p.approval_no,
        "approval_date": p.approval_date,
        "letter_no": p.letter_no,
        "letter_date": p.letter_date,
        "documents": list(p.documents or []),
        "decided_on": p.decided_on,
        "ministry_decision": _decision_ref(p.ministry_decision),
        "notice_no": p.notice_no,
        "central_score": p.central_score,
        "central_stars": p.central_stars,
        "province_decision": _decision_ref(p.province_decision),
        "certificate_code": p.certificate.code if p.certificate_id else None,
        "reevaluation_on": p.reevaluation_on,
        "reevaluation_reason": p.reevaluation_reason,
    }


def _proposals_for(user):
    from evaluation.council_models import MinistryProposal

    return MinistryProposal.objects.filter(item__evaluation_round__in=rounds_for(user).values("pk")).select_related(
        "item__product", "ministry_decision", "province_decision", "certificate"
    )


@router.get(
    "/rounds/{round_id}/ministry-proposals",
    response={200: list[MinistryProposalOut], **ERRORS},
    summary="A round's products proposed to the ministry (≥ 90, 5★) and the ministry's outcome",
)
def round_proposals(request, round_id: int):
    evaluation_round = _round(request.user, round_id)
    return [_proposal_out(p) for p in _proposals_for(request.user).filter(item__evaluation_round=evaluation_round)]


@router.get(
    "/ministry-proposals",
    response={200: list[MinistryProposalOut], **ERRORS},
    summary="Proposals to the ministry the caller may read; `pending_on`: those awaiting the ministry that day",
)
@paginate(Paginated)
def list_proposals(request, status: str | None = Query(None, max_length=30), pending_on: datetime.date | None = None):
    from evaluation import proposals
    from evaluation.council_models import ProposalStatus

    found = _proposals_for(request.user)
    if status:
        if status not in ProposalStatus.values:
            raise DomainError(
                _("Tình trạng “%(s)s” không hợp lệ; dùng một trong: %(v)s.")
                % {"s": status, "v": ", ".join(ProposalStatus.values)},
                field="status",
            )
        found = found.filter(status=status)
    if pending_on is not None:
        found = found.filter(proposals.pending_on_q(pending_on))
    return [_proposal_out(p) for p in found.order_by("-letter_date", "id")]
