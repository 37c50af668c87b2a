"""From approved council results to recognition (domain.md §5): approved results become proposals; the level that
recognises a product's stars on the decision date issues the decision, recorded in the registry as certificates
(certification.services). Products scoring at least the level's `forwards_from` (90) are proposed to the ministry,
which alone recognises 5★: a province decision never covers them.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scope import require
from certification import rules, services
from certification.choices import DecisionKind, IssuingLevel
from core import audit
from core.errors import DomainError
from evaluation import process
from evaluation.council_models import ItemStatus, RoundItem

MANAGE = "certification.manage"
MINISTRY_THRESHOLD_DEFAULT = 90


@dataclass(frozen=True)
class Proposal:
    item: RoundItem
    stars: int
    level: str  # the level that recognises `stars` on the date
    to_ministry: bool  # the mean reaches the threshold for proposing to the ministry


@dataclass
class Issued:
    decision: object
    certificates: list = field(default_factory=list)  # (item, certificate, "created" | "updated" | "unchanged")
    proposed_to_ministry: list = field(default_factory=list)  # items


def ministry_threshold(day: datetime.date) -> int:
    """The score from which the scoring level forwards a product to the ministry (process rules; 90)."""
    for step in process.period_on(day).steps:
        if step.scores and step.forwards_from is not None and step.recognises:
            return step.forwards_from
    return MINISTRY_THRESHOLD_DEFAULT


def proposals(evaluation_round, day: datetime.date | None = None) -> list[Proposal]:
    """Approved items ranked 3–5★, each with the level that recognises it on `day` (default: the round's end)."""
    day = day or evaluation_round.ends_on
    threshold = ministry_threshold(day)
    found = []
    for item in (
        RoundItem.objects.filter(
            evaluation_round=evaluation_round, status=ItemStatus.APPROVED, final_stars__in=process.RECOGNISED_STARS
        )
        .select_related("product__producer", "product__location")
        .order_by("id")
    ):
        found.append(
            Proposal(
                item=item,
                stars=item.final_stars,
                level=rules.recognising_level(item.final_stars, day),
                to_ministry=item.mean is not None and item.mean >= threshold,
            )
        )
    return found


def issue_decision(*, actor, evaluation_round, level: str, number: str, date: datetime.date) -> Issued:
    """Record `level`'s recognition decision for every approved item that level recognises on `date`: one certificate
    each (stars = final stars, score = the council's mean). Items at or above the ministry threshold are marked (in
    the audit log) as proposed to the ministry. One transaction."""
    require(
        actor,
        MANAGE,
        evaluation_round.province,
        _("Bạn không ghi được quyết định công nhận của tỉnh này."),
    )
    if level not in IssuingLevel.values:
        raise DomainError(_("Cấp ban hành không hợp lệ."), field="level")
    found = proposals(evaluation_round, date)
    covered = [p for p in found if p.level == level]
    if not covered:
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
            province=evaluation_round.province,
        )
        issued = Issued(decision=decision)
        for proposal in covered:
            certificate, outcome = services.record_certificate(
                actor=actor,
                product=proposal.item.product,
                decision=decision,
                stars=proposal.stars,
                score=proposal.item.mean,
            )
            issued.certificates.append((proposal.item, certificate, outcome))
        for proposal in found:
            if proposal.to_ministry and level != IssuingLevel.MINISTRY:
                _mark_proposed(actor, proposal, decision)
                issued.proposed_to_ministry.append(proposal.item)
    return issued


def _mark_proposed(actor, proposal: Proposal, decision) -> None:
    """Once per item: an audit entry saying the province proposes the product to the ministry."""
    item = proposal.item
    from core.models import AuditEntry

    action = "evaluation.item.proposed_to_ministry"
    if AuditEntry.objects.filter(action=action, object_type=audit.object_type(item), object_id=str(item.pk)).exists():
        return
    audit.record(
        actor=actor,
        action=action,
        obj=item,
        area=item.evaluation_round.province,
        after={"product": item.product.name, "mean": item.mean, "stars": item.final_stars, "decision": decision.number},
    )


def proposed_to_ministry(evaluation_round) -> list[RoundItem]:
    """The round's items marked as proposed to the ministry."""
    from core.models import AuditEntry

    ids = AuditEntry.objects.filter(
        action="evaluation.item.proposed_to_ministry", object_type=RoundItem._meta.label_lower
    ).values_list("object_id", flat=True)
    return list(
        RoundItem.objects.filter(evaluation_round=evaluation_round, pk__in=[int(i) for i in ids]).order_by("id")
    )


def propose_decisions(*, actor, evaluation_round, decision_no: str, decision_date: datetime.date) -> Issued:
    """The province's step after approval: issue the province's recognition decision for the items it recognises on
    `decision_date` and propose to the ministry those at or above the threshold."""
    return issue_decision(
        actor=actor,
        evaluation_round=evaluation_round,
        level=IssuingLevel.PROVINCE,
        number=decision_no,
        date=decision_date,
    )
