"""From approved council results to recognition (domain.md §5; 26/2026/QĐ-TTg Điều 4.1, 7.3.e, 7.4.g).

- 3★ and 4★: the level that recognises the stars on the decision date (the province today) issues one decision for
  the round's approved results, recorded in the registry as certificates (`issue_decision`, certification.services).
- 5★ — the final stars after the sheet's minimums (`RoundItem.final_stars`), from a mean of at least the forwarding
  threshold (90): no provincial certificate. The province chairman approves the result and the province proposes the
  product to the Ministry of Agriculture and Environment (`propose_to_ministry`, one `MinistryProposal` per item). The
  ministry's outcome is then recorded: recognised 5★ (`record_ministry_recognition`: the ministry's decision and
  certificate), or the central council scored under 90 (`record_central_result_below_90`), after which the province
  may recognise 3★/4★ on the central council's score (`recognise_on_central_score`) or have the product evaluated
  again (`send_back_for_reevaluation`).
- 1★ and 2★: no decision, no certificate (Điều 4.1.a).

`potential_five_star(as_of)` lists the products proposed to the ministry and not yet decided there on a date (CONTRACT
§6 `potential_5_star`).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import require
from certification import rules, services
from certification.choices import DecisionKind, IssuingLevel
from core import audit
from core.errors import DomainError, NotFound
from evaluation import advisory, engine, process
from evaluation.council_models import (
    ItemStatus,
    MinistryProposal,
    ProposalDocument,
    ProposalStatus,
    RoundItem,
)

MANAGE = "certification.manage"
MINISTRY_THRESHOLD_DEFAULT = 90
PROPOSAL_FIELDS = [
    "status",
    "approval_no",
    "approval_date",
    "letter_no",
    "letter_date",
    "documents",
    "decided_on",
    "notice_no",
    "central_score",
    "central_stars",
    "reevaluation_on",
    "reevaluation_reason",
]


@dataclass(frozen=True)
class Proposal:
    item: RoundItem
    stars: int
    level: str  # the level that recognises `stars` on the date
    to_ministry: bool  # 5★ after the minimums, from a mean at the threshold: approved and proposed to the ministry
    forwarded_to: str | None = None  # a district round's product going on to the province council (not recognised)


@dataclass
class Issued:
    decision: object
    certificates: list = field(default_factory=list)  # (item, certificate, "created" | "updated" | "unchanged")
    for_ministry: list = field(default_factory=list)  # items the decision does not cover: they go to the ministry
    forwarded: list = field(default_factory=list)  # a district round's items going on to the province council


def ministry_threshold(day: datetime.date) -> int:
    """The score from which the level before the ministry forwards a product to it (process rules; 90)."""
    period = process.period_on(day)
    for step in period.steps:
        forwarding = period.forwarding(step.level)
        if step.scores and forwarding is not None and forwarding[1] == IssuingLevel.MINISTRY:
            return forwarding[0]
    return MINISTRY_THRESHOLD_DEFAULT


def organising_level(evaluation_round) -> str:
    """The level whose council sits in the round: its organising unit's level (a district under 148 as issued)."""
    return IssuingLevel.DISTRICT if evaluation_round.province.level == "district" else IssuingLevel.PROVINCE


def forwarded_up(evaluation_round, item) -> str | None:
    """The level a district round's item goes on to (148 as issued: ≥ 70 to the province, [practice]), else None.
    Only a lower level forwards to another council here; the province's ≥ 90 go to the ministry as proposals."""
    level = organising_level(evaluation_round)
    if level == IssuingLevel.PROVINCE or item.mean is None:
        return None
    forwarding = process.period_on(evaluation_round.ends_on).forwarding(level)
    if forwarding is None or forwarding[1] == IssuingLevel.MINISTRY:
        return None
    return forwarding[1] if item.mean >= forwarding[0] else None


def proposals(evaluation_round, day: datetime.date | None = None) -> list[Proposal]:
    """Approved items ranked 3–5★, each with the level that recognises it on `day` (default: the round's end)."""
    day = day or evaluation_round.ends_on
    threshold = ministry_threshold(day)
    found = []
    for item in (
        RoundItem.objects.filter(
            evaluation_round=evaluation_round, status=ItemStatus.APPROVED, final_stars__in=process.RECOGNISED_STARS
        )
        .select_related("product__producer", "product__location", "evaluation_round")
        .order_by("id")
    ):
        level = rules.recognising_level(item.final_stars, day)
        forwarded_to = forwarded_up(evaluation_round, item)
        found.append(
            Proposal(
                item=item,
                stars=item.final_stars,
                level=level,
                to_ministry=forwarded_to is None
                and level == IssuingLevel.MINISTRY
                and item.mean is not None
                and item.mean >= threshold,
                forwarded_to=forwarded_to,
            )
        )
    return found


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _number(value) -> str:
    return " ".join((value or "").split())


def issue_decision(*, actor, evaluation_round, level: str, number: str, date: datetime.date) -> Issued:
    """Record `level`'s recognition decision for every approved item that level recognises on `date`: one certificate
    each (stars = final stars, score = the council's mean). One transaction.

    The ministry's 5★ recognitions are not issued for a round: each is the outcome of a proposal
    (`record_ministry_recognition`)."""
    require(
        actor,
        MANAGE,
        evaluation_round.province,
        _("Bạn không ghi được quyết định công nhận của tỉnh này."),
    )
    if level not in IssuingLevel.values:
        raise DomainError(_("Cấp ban hành không hợp lệ."), field="level")
    if level == IssuingLevel.MINISTRY:
        raise DomainError(
            _(
                "Bộ công nhận 5 sao cho từng sản phẩm tỉnh đã đề nghị: ghi kết quả của Bộ ở trang "
                "“Đề nghị Bộ công nhận 5 sao” của đợt đánh giá."
            ),
            field="level",
        )
    organiser = organising_level(evaluation_round)
    if organiser == IssuingLevel.DISTRICT and level != IssuingLevel.DISTRICT:
        raise DomainError(
            _(
                "Đợt đánh giá của cấp huyện chỉ ra quyết định công nhận của UBND huyện (3 sao); sản phẩm từ 70 điểm "
                "được chuyển lên Hội đồng cấp tỉnh chấm lại."
            ),
            field="level",
        )
    found = proposals(evaluation_round, date)
    covered = [p for p in found if p.level == level and p.forwarded_to is None]
    for_ministry = [p.item for p in found if p.to_ministry]
    forwarded = [p.item for p in found if p.forwarded_to]
    if not covered:
        if for_ministry and level == IssuingLevel.PROVINCE:
            raise DomainError(
                _(
                    "Đợt này không có sản phẩm nào để %(l)s công nhận. Sản phẩm đạt 5 sao (%(p)s) không có quyết "
                    "định công nhận của tỉnh: tỉnh đề nghị Bộ công nhận, ở trang “Đề nghị Bộ công nhận 5 sao” của đợt."
                )
                % {"l": IssuingLevel(level).label, "p": ", ".join(i.product.name for i in for_ministry)},
                field="level",
            )
        raise DomainError(
            _("Không có sản phẩm đã phê duyệt nào thuộc thẩm quyền công nhận của %(l)s.")
            % {"l": IssuingLevel(level).label},
            field="level",
        )
    with transaction.atomic():
        decision, _created = services.get_or_create_decision(
            actor=actor,
            number=number,
            date=date,
            kind=DecisionKind.RECOGNITION,
            issuing_level=level,
            province=evaluation_round.province.province or evaluation_round.province,  # a district round's province
        )
        issued = Issued(decision=decision, for_ministry=for_ministry, forwarded=forwarded)
        for proposal in covered:
            certificate, outcome = services.record_certificate(
                actor=actor,
                product=proposal.item.product,
                decision=decision,
                stars=proposal.stars,
                score=proposal.item.mean,
            )
            issued.certificates.append((proposal.item, certificate, outcome))
        from notifications import events

        events.recognition_recorded([c for _item, c, outcome in issued.certificates if outcome == "created"], actor)
    return issued


def propose_decisions(*, actor, evaluation_round, decision_no: str, decision_date: datetime.date) -> Issued:
    """The province's recognition decision for the items it recognises on `decision_date` (3★, 4★). Its 5★ items
    are listed in `Issued.for_ministry`: they go through `propose_to_ministry`."""
    return issue_decision(
        actor=actor,
        evaluation_round=evaluation_round,
        level=IssuingLevel.PROVINCE,
        number=decision_no,
        date=decision_date,
    )


# ── ≥ 90: approval and proposal to the ministry ────────────────────────────────────────────────────────────────────


def needs_approval_decision(evaluation_round) -> bool:
    """26/2026 Điều 7.3.e (and the dossier of Điều 6.3.a): the province chairman's decision approving the result is
    recorded before the proposal. Earlier rounds may record it; it is not required of them. Read from the process
    rules (`approves_forwarded` of the step that scores and forwards), else from the date 26/2026 came into force."""
    for step in process.period_on(evaluation_round.starts_on).steps:
        if step.scores and step.forwards_from is not None:
            flag = getattr(step, "approves_forwarded", None)
            if flag is not None:
                return bool(flag)
    return advisory.follows_26_2026(evaluation_round.starts_on)


def proposed_to_ministry(evaluation_round) -> list[RoundItem]:
    """The round's items proposed to the ministry."""
    return list(
        RoundItem.objects.filter(evaluation_round=evaluation_round, ministry_proposal__isnull=False)
        .select_related("product", "ministry_proposal")
        .order_by("id")
    )


def for_ministry(evaluation_round, day: datetime.date | None = None) -> list[RoundItem]:
    """Approved 5★ items of the round not yet proposed to the ministry."""
    done = set(
        MinistryProposal.objects.filter(item__evaluation_round=evaluation_round).values_list("item_id", flat=True)
    )
    return [p.item for p in proposals(evaluation_round, day) if p.to_ministry and p.item.pk not in done]


def _documents(documents) -> list[str]:
    codes = []
    for code in documents or ():
        if code not in ProposalDocument.values:
            raise DomainError(_("Thành phần hồ sơ “%(c)s” không có trong danh mục.") % {"c": code}, field="documents")
        if code not in codes:
            codes.append(code)
    return [c for c in ProposalDocument.values if c in codes]  # the order of Điều 6.3.a


def propose_to_ministry(
    *,
    actor,
    evaluation_round,
    letter_no: str,
    letter_date: datetime.date,
    approval_no: str = "",
    approval_date: datetime.date | None = None,
    items=None,
    documents=(),
    note: str = "",
) -> list[MinistryProposal]:
    """Record the chairman's approval of the results and the province's letter proposing the products to the ministry
    (one approval and one letter may cover several products). `items`: round items or their ids; by default every
    approved 5★ item of the round not yet proposed. All or nothing: any item that may not go is named in the
    refusal."""
    require(actor, MANAGE, evaluation_round.province, _("Bạn không đề nghị Bộ thay cho tỉnh này được."))
    letter_no, approval_no, note = _number(letter_no), _number(approval_no), (note or "").strip()
    if not letter_no:
        raise DomainError(_("Hãy ghi số văn bản của UBND tỉnh đề nghị Bộ."), field="letter_no")
    if letter_date is None:
        raise DomainError(_("Hãy ghi ngày văn bản đề nghị Bộ."), field="letter_date")
    if needs_approval_decision(evaluation_round) and not approval_no:
        raise DomainError(
            _(
                "Hãy ghi số quyết định của Chủ tịch UBND tỉnh phê duyệt kết quả đánh giá: sản phẩm được đề nghị Bộ "
                "sau khi kết quả được phê duyệt (Quyết định 26/2026/QĐ-TTg, Điều 7 khoản 3 điểm e)."
            ),
            field="approval_no",
        )
    if approval_no and approval_date is None:
        raise DomainError(_("Hãy ghi ngày quyết định phê duyệt kết quả."), field="approval_date")
    if approval_date is not None and not approval_no:
        raise DomainError(_("Hãy ghi số quyết định phê duyệt kết quả."), field="approval_no")
    if approval_date is not None and letter_date < approval_date:
        raise DomainError(
            _("Văn bản đề nghị Bộ (%(l)s) không được trước quyết định phê duyệt kết quả (%(a)s).")
            % {"l": _day(letter_date), "a": _day(approval_date)},
            field="letter_date",
        )
    documents = _documents(documents)
    with transaction.atomic():
        eligible = {p.item.pk: p.item for p in proposals(evaluation_round, letter_date) if p.to_ministry}
        existing = {
            p.item_id: p
            for p in MinistryProposal.objects.filter(item__evaluation_round=evaluation_round).only(
                "item_id", "letter_no", "letter_date"
            )
        }
        if items is None:
            wanted = [pk for pk in eligible if pk not in existing]
            if not wanted:
                raise DomainError(
                    _("Đợt này không còn sản phẩm đạt 5 sao đã phê duyệt mà chưa đề nghị Bộ."), field="items"
                )
        else:
            wanted = list(dict.fromkeys(getattr(i, "pk", i) for i in items))
            if not wanted:
                raise DomainError(_("Hãy chọn sản phẩm đề nghị Bộ."), field="items")
        locked = {
            i.pk: i
            for i in RoundItem.objects.select_for_update()
            .filter(pk__in=wanted, evaluation_round=evaluation_round)
            .select_related("product", "evaluation_round")
        }
        problems = []
        for pk in wanted:
            item = locked.get(pk)
            if item is None:
                problems.append(_("sản phẩm mã %(n)s không thuộc đợt đánh giá này") % {"n": pk})
            elif pk in existing:
                problems.append(
                    _("“%(p)s” đã được đề nghị Bộ (văn bản %(l)s ngày %(d)s)")
                    % {"p": item.product.name, "l": existing[pk].letter_no, "d": _day(existing[pk].letter_date)}
                )
            elif pk not in eligible:
                problems.append(
                    _(
                        "“%(p)s” không được đề nghị Bộ: chỉ sản phẩm đã phê duyệt kết quả, đạt 5 sao sau các yêu cầu "
                        "tối thiểu theo hạng sao mới được đề nghị (điểm %(m)s, hạng %(s)s, tình trạng: %(st)s)"
                    )
                    % {
                        "p": item.product.name,
                        "m": engine.format_vi(item.mean) if item.mean is not None else "—",
                        "s": f"{item.final_stars}★" if item.final_stars else "—",
                        "st": item.get_status_display(),
                    }
                )
            else:
                if needs_approval_decision(evaluation_round) and not advisory.has_report(item):
                    problems.append(
                        _("“%(p)s” chưa có báo cáo đánh giá của Tổ tư vấn (hồ sơ đề nghị Bộ, Điều 6 khoản 3 điểm a)")
                        % {"p": item.product.name}
                    )
                approved_on = timezone.localtime(item.approved_at).date() if item.approved_at else None
                if approval_date is not None and approved_on is not None and approval_date < approved_on:
                    problems.append(
                        _("quyết định phê duyệt (%(a)s) trước ngày hội đồng phê duyệt kết quả “%(p)s” (%(d)s)")
                        % {"a": _day(approval_date), "p": item.product.name, "d": _day(approved_on)}
                    )
        if problems:
            raise DomainError(_("Chưa đề nghị Bộ được: %(p)s.") % {"p": "; ".join(problems)}, field="items")
        created = []
        for pk in wanted:
            item = locked[pk]
            proposal = MinistryProposal.objects.create(
                item=item,
                approval_no=approval_no,
                approval_date=approval_date,
                letter_no=letter_no,
                letter_date=letter_date,
                documents=documents,
                note=note,
                proposed_by=actor if _authenticated(actor) else None,
            )
            audit.record(
                actor=actor,
                action="evaluation.item.proposed_to_ministry",
                obj=item,
                area=evaluation_round.province,
                after={
                    "product": item.product.name,
                    "mean": str(item.mean),
                    "stars": item.final_stars,
                    **audit.snapshot(proposal, PROPOSAL_FIELDS),
                },
            )
            created.append(proposal)
    return created


def _authenticated(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


# ── The ministry's outcome ─────────────────────────────────────────────────────────────────────────────────────────


def _lock(actor, proposal, expected: tuple[str, ...], refusal: str) -> MinistryProposal:
    """Scope check on the round's province, then the proposal locked and in one of the `expected` states."""
    current = MinistryProposal.objects.select_related("item__evaluation_round__province").filter(pk=proposal.pk).first()
    if current is None:
        raise NotFound(_("Không tìm thấy đề nghị này."))
    require(
        actor,
        MANAGE,
        current.item.evaluation_round.province,
        _("Bạn không ghi được kết quả đề nghị Bộ của tỉnh này."),
    )
    proposal = (
        MinistryProposal.objects.select_for_update(of=("self",))
        .select_related("item__evaluation_round__province", "item__product")
        .get(pk=proposal.pk)
    )
    if proposal.status not in expected:
        raise DomainError(
            _("Đề nghị Bộ đối với “%(p)s” đang ở tình trạng “%(s)s”: %(r)s")
            % {"p": proposal.item.product.name, "s": proposal.get_status_display(), "r": refusal}
        )
    return proposal


def _score(value, name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        score = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise DomainError(_("Điểm “%(v)s” không phải là số.") % {"v": value}, field=name) from None
    if not score.is_finite() or score < 0 or score > 100:
        raise DomainError(_("Điểm phải từ 0 đến 100."), field=name)
    if score != score.quantize(Decimal("0.01")):
        raise DomainError(_("Điểm có nhiều nhất 2 chữ số thập phân."), field=name)
    return score.quantize(Decimal("0.01"))


def _not_before(day, earlier, earlier_label: str, name: str) -> None:
    if day is None:
        raise DomainError(_("Hãy ghi ngày."), field=name)
    if earlier is not None and day < earlier:
        raise DomainError(
            _("Ngày %(d)s không được trước %(what)s (%(e)s).")
            % {"d": _day(day), "what": earlier_label, "e": _day(earlier)},
            field=name,
        )


def _decision(actor, *, number, date, level, province):
    decision, _created = services.get_or_create_decision(
        actor=actor,
        number=number,
        date=date,
        kind=DecisionKind.RECOGNITION,
        issuing_level=level,
        province=province,
    )
    if decision.issuing_level != level:
        raise DomainError(
            _("Quyết định %(n)s ngày %(d)s đã được ghi là quyết định của %(l)s.")
            % {"n": decision.number, "d": _day(decision.date), "l": decision.get_issuing_level_display()},
            field="decision_no",
        )
    return decision


def _record_outcome(actor, action, proposal, before, extra=None) -> None:
    proposal.updated_at = timezone.now()
    proposal.save()
    audit.record(
        actor=actor,
        action=action,
        obj=proposal.item,
        area=proposal.item.evaluation_round.province,
        before=before,
        after={**audit.snapshot(proposal, PROPOSAL_FIELDS), **(extra or {})},
    )


def record_ministry_recognition(
    *, actor, proposal, decision_no: str, decision_date: datetime.date, central_score=None
) -> MinistryProposal:
    """(a) The ministry recognised the product 5★ (Điều 7.4.e): its decision and the 5★ certificate (issuing level:
    the ministry; score: the central council's, when known)."""
    with transaction.atomic():
        proposal = _lock(actor, proposal, (ProposalStatus.PROPOSED,), _("kết quả của Bộ đã được ghi trước đó."))
        _not_before(decision_date, proposal.letter_date, _("ngày văn bản đề nghị Bộ"), "decision_date")
        score = _score(central_score, "central_score")
        threshold = ministry_threshold(decision_date)
        if score is not None and score < threshold:
            raise DomainError(
                _(
                    "Hội đồng cấp trung ương chấm %(s)s điểm, dưới %(t)s: Bộ không công nhận 5 sao; hãy ghi là kết "
                    "quả dưới %(t)s điểm."
                )
                % {"s": engine.format_vi(score), "t": threshold},
                field="central_score",
            )
        if rules.recognising_level(5, decision_date) != IssuingLevel.MINISTRY:
            raise DomainError(
                _("Theo quy định ngày %(d)s, Bộ không phải cấp công nhận sản phẩm 5 sao.") % {"d": _day(decision_date)},
                field="decision_date",
            )
        before = audit.snapshot(proposal, PROPOSAL_FIELDS)
        item = proposal.item
        decision = _decision(
            actor,
            number=decision_no,
            date=decision_date,
            level=IssuingLevel.MINISTRY,
            province=item.evaluation_round.province,
        )
        certificate, _outcome = services.record_certificate(
            actor=actor, product=item.product, decision=decision, stars=5, score=score
        )
        proposal.status, proposal.decided_on = ProposalStatus.RECOGNISED, decision_date
        proposal.ministry_decision, proposal.certificate = decision, certificate
        proposal.central_score, proposal.central_stars = score, 5
        _record_outcome(
            actor,
            "evaluation.ministry.recognised",
            proposal,
            before,
            {"decision": decision.number, "certificate": certificate.code},
        )
        from notifications import events

        events.recognition_recorded([certificate], actor)
    return proposal


def record_central_result_below_90(
    *, actor, proposal, notice_no: str, notice_date: datetime.date, central_score, central_stars: int
) -> MinistryProposal:
    """(b) The ministry's notice (Điều 7.4.g): the central council scored the product under 90. Records the central
    score and stars (the band of the score, or lower when a star minimum was not met)."""
    notice_no = _number(notice_no)
    with transaction.atomic():
        proposal = _lock(actor, proposal, (ProposalStatus.PROPOSED,), _("kết quả của Bộ đã được ghi trước đó."))
        if not notice_no:
            raise DomainError(_("Hãy ghi số văn bản Bộ thông báo kết quả."), field="notice_no")
        _not_before(notice_date, proposal.letter_date, _("ngày văn bản đề nghị Bộ"), "notice_date")
        score = _score(central_score, "central_score")
        if score is None:
            raise DomainError(_("Hãy ghi điểm của Hội đồng cấp trung ương."), field="central_score")
        threshold = ministry_threshold(notice_date)
        if score >= threshold:
            raise DomainError(
                _("Điểm %(s)s từ %(t)s trở lên: nếu Bộ công nhận 5 sao, hãy ghi quyết định công nhận của Bộ.")
                % {"s": engine.format_vi(score), "t": threshold},
                field="central_score",
            )
        band = engine.star_band(score, engine.load_bands())
        try:
            stars = int(central_stars)
        except (TypeError, ValueError):
            raise DomainError(_("Hãy ghi hạng sao theo Hội đồng cấp trung ương."), field="central_stars") from None
        if not 1 <= stars <= band:
            raise DomainError(
                _(
                    "Điểm %(s)s ứng với hạng %(b)s sao; hạng theo Hội đồng cấp trung ương từ 1 đến %(b)s sao (thấp hơn "
                    "khi không đạt yêu cầu tối thiểu của hạng)."
                )
                % {"s": engine.format_vi(score), "b": band},
                field="central_stars",
            )
        before = audit.snapshot(proposal, PROPOSAL_FIELDS)
        proposal.status, proposal.decided_on, proposal.notice_no = ProposalStatus.BELOW_90, notice_date, notice_no
        proposal.central_score, proposal.central_stars = score, stars
        _record_outcome(actor, "evaluation.ministry.below_90", proposal, before)
    return proposal


def recognise_on_central_score(*, actor, proposal, decision_no: str, decision_date: datetime.date) -> MinistryProposal:
    """(b) continued: the province chairman recognises the product 3★ or 4★ on the central council's result
    (26/2026 Điều 7.4.g): a provincial decision and certificate with the central score and stars. 1★/2★: none."""
    with transaction.atomic():
        proposal = _lock(
            actor,
            proposal,
            (ProposalStatus.BELOW_90,),
            _("tỉnh chỉ công nhận theo kết quả của Hội đồng cấp trung ương khi sản phẩm không đạt 90 điểm."),
        )
        item = proposal.item
        if not advisory.follows_26_2026(item.evaluation_round.starts_on):
            raise DomainError(
                _(
                    "Việc tỉnh công nhận 3, 4 sao theo kết quả của Hội đồng cấp trung ương là quy định của Quyết định "
                    "26/2026/QĐ-TTg (Điều 7 khoản 4 điểm g); đợt đánh giá này theo quy định trước đó."
                )
            )
        if proposal.central_stars not in (3, 4):
            raise DomainError(
                _(
                    "Hội đồng cấp trung ương xếp hạng %(s)s sao: sản phẩm 1 sao, 2 sao không được công nhận và không "
                    "được cấp giấy chứng nhận (Điều 4 khoản 1 điểm a)."
                )
                % {"s": proposal.central_stars}
            )
        _not_before(decision_date, proposal.decided_on, _("ngày Bộ thông báo kết quả"), "decision_date")
        if rules.recognising_level(proposal.central_stars, decision_date) != IssuingLevel.PROVINCE:
            raise DomainError(
                _("Theo quy định ngày %(d)s, tỉnh không phải cấp công nhận sản phẩm %(s)s sao.")
                % {"d": _day(decision_date), "s": proposal.central_stars},
                field="decision_date",
            )
        before = audit.snapshot(proposal, PROPOSAL_FIELDS)
        decision = _decision(
            actor,
            number=decision_no,
            date=decision_date,
            level=IssuingLevel.PROVINCE,
            province=item.evaluation_round.province,
        )
        certificate, _outcome = services.record_certificate(
            actor=actor,
            product=item.product,
            decision=decision,
            stars=proposal.central_stars,
            score=proposal.central_score,
        )
        proposal.status = ProposalStatus.PROVINCE_RECOGNISED
        proposal.province_decision, proposal.certificate = decision, certificate
        _record_outcome(
            actor,
            "evaluation.ministry.province_recognised",
            proposal,
            before,
            {"decision": decision.number, "certificate": certificate.code},
        )
        from notifications import events

        events.recognition_recorded([certificate], actor)
    return proposal


def send_back_for_reevaluation(*, actor, proposal, on: datetime.date, reason: str) -> MinistryProposal:
    """(c) Instead of recognising on the central result, the province has the product evaluated again under its own
    authority (Điều 7.4.g: "tổ chức đánh giá và phân hạng sản phẩm theo thẩm quyền"): the product may be put in a
    later round."""
    reason = (reason or "").strip()
    with transaction.atomic():
        proposal = _lock(
            actor,
            proposal,
            (ProposalStatus.BELOW_90,),
            _("tỉnh chỉ tổ chức đánh giá lại khi Hội đồng cấp trung ương chấm dưới 90 điểm."),
        )
        if not reason:
            raise DomainError(_("Hãy ghi lý do đánh giá lại."), field="reason")
        _not_before(on, proposal.decided_on, _("ngày Bộ thông báo kết quả"), "on")
        before = audit.snapshot(proposal, PROPOSAL_FIELDS)
        proposal.status = ProposalStatus.RE_EVALUATION
        proposal.reevaluation_on, proposal.reevaluation_reason = on, reason
        _record_outcome(actor, "evaluation.ministry.reevaluation", proposal, before)
    return proposal


def require_not_proposed(item) -> None:
    """For the scoring services: an item proposed to the ministry is not reopened for re-scoring (its approved
    result is the one the ministry was sent)."""
    proposal = MinistryProposal.objects.filter(item=item).first()
    if proposal is not None:
        raise DomainError(
            _("Kết quả của sản phẩm đã được đề nghị Bộ (văn bản %(l)s ngày %(d)s); không mở lại để chấm lại được.")
            % {"l": proposal.letter_no, "d": _day(proposal.letter_date)}
        )


# ── Reading ────────────────────────────────────────────────────────────────────────────────────────────────────────


def pending_on_q(as_of: datetime.date, prefix: str = "") -> Q:
    """Proposals approved and sent by `as_of` and not yet decided by the ministry on that day."""
    return (
        Q(**{f"{prefix}letter_date__lte": as_of})
        & (Q(**{f"{prefix}approval_date__isnull": True}) | Q(**{f"{prefix}approval_date__lte": as_of}))
        & (Q(**{f"{prefix}decided_on__isnull": True}) | Q(**{f"{prefix}decided_on__gt": as_of}))
    )


def potential_five_star(as_of: datetime.date, products_qs=None):
    """Products whose ≥ 90 result was approved and proposed to the ministry and not yet decided there on `as_of`
    (CONTRACT §6 `potential_5_star`). `products_qs`: a Product queryset to narrow (an area, a scope); the answer is
    that queryset filtered, so it counts in SQL."""
    from products.models import Product

    products = Product.objects.all() if products_qs is None else products_qs
    pending = MinistryProposal.objects.filter(pending_on_q(as_of)).values("item__product_id")
    return products.filter(pk__in=pending)
