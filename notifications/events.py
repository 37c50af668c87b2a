"""The notifications of every workflow step: who is told, what, and where the link goes.

Services call these after their write, inside their transaction (a step rolled back tells nobody); e-mail leaves only
after the commit (notifications.services.notify_many). A failure here is logged and never undoes the step: each call
runs in its own savepoint. Messages are written in the site's language (settings.LANGUAGE_CODE), like the reminder
jobs' ones. The actor is never told about their own step.

Dedupe keys name the step and the moment of the object it is about (`updated_at`, a re-score number, a day), so the
same step called twice tells nobody twice, while a step that really happens again (a dossier resubmitted after a
return) is told again. Products added to a round are told to each member at most once a day per round.

| step | who |
|---|---|
| idea submitted / resubmitted | commune officers who screen at the idea's commune |
| idea returned / accepted | the producer's accounts |
| dossier submitted | commune officers who screen at the product's commune |
| dossier returned | the producer's accounts (with the reason) |
| dossier forwarded | the province officers who organise rounds there, and the producer's accounts |
| member seated | the member |
| product added to a round | the round's members (except a member with a conflict on it) |
| scoring reopened | the scoring members without a conflict on the product (with the reason) |
| result approved | the province officers, and the producer's accounts |
| recognition decision recorded | the producer's accounts of each product certified |
| NTM assessment submitted | the province officers who approve there |
| NTM assessment returned / approved / unlocked | the commune officers of the commune (with the reason) |
| NTM village assessment submitted / returned / approved / unlocked | like the commune assessments |
| NTM recognition request: each step | the side that acts next: the commune, the district or the province |
"""

import functools
import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.recipients import officers, producer_accounts
from notifications.services import Message, notify_many

logger = logging.getLogger(__name__)

SCREEN = "products.screen"
ORGANISE = "evaluation.manage"
NTM_APPROVE = "ntm.approve"
NTM_ASSESS = "ntm.assess"


def step(func):
    """Run a step's notifications in the site language and a savepoint; log a failure instead of raising it."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        try:
            with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
                return notify_many(func(*args, **kwargs))
        except Exception:
            logger.exception("notifications for %s failed", func.__name__)
            return []

    return run


def _day(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _stamp(value) -> str:
    return value.isoformat() if value else ""


def _to(users, kind, title, body, url, key) -> list[Message]:
    return [Message(user, kind, title, body, url, key) for user in users]


# ── Ideas and dossiers (products.workflow) ─────────────────────────────────────────────────────────────────────────


@step
def idea_submitted(idea, actor=None, resubmitted: bool = False):
    kind = "products.idea.submitted"
    facts = {"name": idea.product_name, "producer": idea.producer.name, "commune": idea.location.name}
    title = _("Ý tưởng sản phẩm chờ xã sàng lọc: %(name)s") % facts
    if resubmitted:
        body = _("%(producer)s đã sửa và gửi lại ý tưởng sản phẩm “%(name)s” tới %(commune)s.") % facts
    else:
        body = _("%(producer)s đã gửi ý tưởng sản phẩm “%(name)s” tới %(commune)s.") % facts
    body += " " + _("Xã sàng lọc ý tưởng: chấp nhận, hoặc trả lại kèm lý do.")
    url = reverse("ideas:detail", args=[idea.pk])
    key = f"{kind}:{idea.pk}:{_stamp(idea.updated_at)}"
    return _to(officers(SCREEN, idea.location, exclude=actor), kind, title, body, url, key)


@step
def idea_returned(idea, actor=None):
    kind = "products.idea.returned"
    facts = {"name": idea.product_name, "commune": idea.location.name, "reason": idea.return_reason}
    title = _("Ý tưởng bị xã trả lại: %(name)s") % facts
    body = (
        _("%(commune)s trả lại ý tưởng sản phẩm “%(name)s”. Lý do: %(reason)s. Hãy sửa ý tưởng và gửi lại cho xã.")
        % facts
    )
    url = reverse("ideas:detail", args=[idea.pk])
    key = f"{kind}:{idea.pk}:{_stamp(idea.updated_at)}"
    return _to(producer_accounts(idea.producer, exclude=actor), kind, title, body, url, key)


@step
def idea_accepted(idea, dossier=None, actor=None):
    kind = "products.idea.accepted"
    facts = {"name": idea.product_name, "commune": idea.location.name}
    title = _("Ý tưởng được xã chấp nhận: %(name)s") % facts
    body = (
        _(
            "%(commune)s đã chấp nhận ý tưởng sản phẩm “%(name)s”. Sản phẩm đã được tạo cùng một hồ sơ đang chuẩn bị: "
            "hãy hoàn thiện hồ sơ và nộp cho xã."
        )
        % facts
    )
    url = reverse("ideas:dossier", args=[dossier.pk]) if dossier else reverse("ideas:detail", args=[idea.pk])
    key = f"{kind}:{idea.pk}"
    return _to(producer_accounts(idea.producer, exclude=actor), kind, title, body, url, key)


def _dossier_facts(dossier) -> dict:
    product = dossier.product
    return {
        "product": product.name,
        "producer": product.producer.name,
        "commune": product.location.name,
        "kind": dossier.get_kind_display(),
        "submitted": _day(dossier.submitted_on),
        "forwarded": _day(dossier.forwarded_on),
        "reason": dossier.return_reason,
    }


@step
def dossier_submitted(dossier, actor=None):
    kind = "products.dossier.submitted"
    facts = _dossier_facts(dossier)
    title = _("Hồ sơ chờ xã kiểm tra: %(product)s") % facts
    body = (
        _(
            "%(producer)s đã nộp hồ sơ “%(kind)s” của sản phẩm %(product)s ngày %(submitted)s. Xã ghi nhận ngày tiếp "
            "nhận, kiểm tra hồ sơ, rồi chuyển tỉnh hoặc trả lại kèm lý do."
        )
        % facts
    )
    url = reverse("ideas:dossier", args=[dossier.pk])
    key = f"{kind}:{dossier.pk}:{_stamp(dossier.updated_at)}"
    return _to(officers(SCREEN, dossier.product.location, exclude=actor), kind, title, body, url, key)


@step
def dossier_returned(dossier, actor=None):
    kind = "products.dossier.returned"
    facts = _dossier_facts(dossier)
    title = _("Hồ sơ bị xã trả lại: %(product)s") % facts
    body = (
        _("%(commune)s trả lại hồ sơ của sản phẩm %(product)s. Lý do: %(reason)s. Hãy bổ sung hồ sơ và nộp lại cho xã.")
        % facts
    )
    url = reverse("ideas:dossier", args=[dossier.pk])
    key = f"{kind}:{dossier.pk}:{_stamp(dossier.updated_at)}"
    return _to(producer_accounts(dossier.product.producer, exclude=actor), kind, title, body, url, key)


@step
def dossier_province_returned(dossier, actor=None):
    kind = "products.dossier.province_returned"
    facts = _dossier_facts(dossier)
    title = _("Tỉnh yêu cầu hoàn thiện hồ sơ: %(product)s") % facts
    body = (
        _(
            "Cơ quan quản lý OCOP cấp tỉnh yêu cầu hoàn thiện hồ sơ của sản phẩm %(product)s (%(producer)s). "
            "Nội dung: %(reason)s. Chủ thể bổ sung và nộp lại cho xã; xã kiểm tra rồi chuyển tỉnh lại."
        )
        % facts
    )
    url = reverse("ideas:dossier", args=[dossier.pk])
    key = f"{kind}:{dossier.pk}:{_stamp(dossier.updated_at)}"
    people = producer_accounts(dossier.product.producer, exclude=actor)
    seen = {user.pk for user in people}
    people += [user for user in officers(SCREEN, dossier.product.location, exclude=actor) if user.pk not in seen]
    return _to(people, kind, title, body, url, key)


@step
def dossier_forwarded(dossier, actor=None):
    kind = "products.dossier.forwarded"
    facts = _dossier_facts(dossier)
    url = reverse("ideas:dossier", args=[dossier.pk])
    key = f"{kind}:{dossier.pk}:{_stamp(dossier.updated_at)}"
    office = _to(
        officers(ORGANISE, dossier.product.location, exclude=actor),
        kind,
        _("Hồ sơ chờ tỉnh: %(product)s") % facts,
        _(
            "%(commune)s đã chuyển hồ sơ sản phẩm %(product)s (%(producer)s) lên tỉnh ngày %(forwarded)s: tỉnh đưa "
            "sản phẩm vào đợt đánh giá của hội đồng."
        )
        % facts,
        url,
        key,
    )
    holders = _to(
        producer_accounts(dossier.product.producer, exclude=actor),
        kind,
        _("Hồ sơ đã được xã chuyển tỉnh: %(product)s") % facts,
        _(
            "Hồ sơ của sản phẩm %(product)s đã được %(commune)s chuyển lên tỉnh ngày %(forwarded)s. Tỉnh sẽ đưa sản "
            "phẩm vào đợt đánh giá của hội đồng."
        )
        % facts,
        url,
        key,
    )
    return office + holders


# ── Council (evaluation.council, evaluation.proposals) ─────────────────────────────────────────────────────────────


def _round_facts(evaluation_round) -> dict:
    return {
        "round": evaluation_round.title,
        "from": _day(evaluation_round.starts_on),
        "to": _day(evaluation_round.ends_on),
    }


@step
def member_seated(member, actor=None):
    kind = "evaluation.member.seated"
    evaluation_round = member.evaluation_round
    facts = {**_round_facts(evaluation_round), "role": member.get_role_display()}
    title = _("Bạn được mời vào hội đồng đánh giá: %(round)s") % facts
    body = _("Bạn tham gia hội đồng đánh giá “%(round)s” (%(from)s – %(to)s) với vai trò %(role)s.") % facts
    waiting = evaluation_round.items.count()
    if waiting:
        body += " " + _("Đợt có %(n)s sản phẩm chờ hội đồng chấm.") % {"n": waiting}
    users = [member.user] if member.user.pk != getattr(actor, "pk", None) else []
    url = reverse("evaluation:round", args=[evaluation_round.pk])
    return _to(users, kind, title, body, url, f"{kind}:{member.pk}")


@step
def product_added(item, actor=None):
    """The round is open for its members: at most one message a day per member and round."""
    from evaluation.council_models import CouncilMember

    kind = "evaluation.round.opened"
    evaluation_round = item.evaluation_round
    facts = {**_round_facts(evaluation_round), "product": item.product.name}
    members = (
        CouncilMember.objects.filter(evaluation_round=evaluation_round, user__is_active=True)
        .exclude(conflicts__item=item)
        .exclude(user=getattr(actor, "pk", None))
        .select_related("user")
        .order_by("pk")
    )
    title = _("Đợt đánh giá có sản phẩm chờ chấm: %(round)s") % facts
    body = (
        _(
            "Sản phẩm %(product)s vừa được đưa vào đợt đánh giá “%(round)s” (%(from)s – %(to)s). Mở đợt đánh giá để "
            "xem các sản phẩm chờ hội đồng chấm."
        )
        % facts
    )
    url = reverse("evaluation:round", args=[evaluation_round.pk])
    key = f"{kind}:{evaluation_round.pk}:{timezone.localdate().isoformat()}"
    return _to([m.user for m in members], kind, title, body, url, key)


@step
def item_reopened(item, actor=None):
    from evaluation.council_models import SCORING_ROLES, CouncilMember

    kind = "evaluation.item.reopened"
    facts = {
        **_round_facts(item.evaluation_round),
        "product": item.product.name,
        "reason": item.reopen_reason,
        "n": item.rescore_round,
    }
    members = (
        CouncilMember.objects.filter(
            evaluation_round=item.evaluation_round_id, role__in=SCORING_ROLES, user__is_active=True
        )
        .exclude(conflicts__item=item)
        .exclude(user=getattr(actor, "pk", None))
        .select_related("user")
        .order_by("pk")
    )
    title = _("Phiếu chấm được mở lại: %(product)s") % facts
    body = (
        _(
            "Việc chấm sản phẩm %(product)s (đợt “%(round)s”) đã được mở lại, lần chấm thứ %(n)s. Lý do: %(reason)s. "
            "Hãy xem lại và nộp lại phiếu chấm."
        )
        % facts
    )
    url = reverse("evaluation:score", args=[item.pk])
    key = f"{kind}:{item.pk}:{item.rescore_round}"
    return _to([m.user for m in members], kind, title, body, url, key)


def _result_text(item) -> str:
    if item.eliminated_reason or not item.final_stars:
        return _("không đạt hạng sao (%(mean)s điểm)") % {"mean": item.mean if item.mean is not None else "—"}
    return _("%(stars)s sao, %(mean)s điểm") % {"stars": item.final_stars, "mean": item.mean}


@step
def item_approved(item, actor=None):
    kind = "evaluation.item.approved"
    product = item.product
    evaluation_round = item.evaluation_round
    facts = {
        **_round_facts(evaluation_round),
        "product": product.name,
        "producer": product.producer.name,
        "result": _result_text(item),
    }
    key = f"{kind}:{item.pk}:{item.rescore_round}"
    office = _to(
        officers(ORGANISE, evaluation_round.province, exclude=actor),
        kind,
        _("Kết quả đã phê duyệt: %(product)s") % facts,
        _(
            "Hội đồng đợt “%(round)s” đã phê duyệt kết quả sản phẩm %(product)s (%(producer)s): %(result)s. Ghi quyết "
            "định công nhận ở trang đợt đánh giá."
        )
        % facts,
        reverse("evaluation:round", args=[evaluation_round.pk]),
        key,
    )
    holders = _to(
        producer_accounts(product.producer, exclude=actor),
        kind,
        _("Hội đồng đã phê duyệt kết quả đánh giá: %(product)s") % facts,
        _(
            "Hội đồng đánh giá đã phê duyệt kết quả sản phẩm %(product)s: %(result)s. Quyết định công nhận do cấp có "
            "thẩm quyền ban hành sau đó."
        )
        % facts,
        product.get_absolute_url(),
        key,
    )
    return office + holders


@step
def recognition_recorded(certificates, actor=None):
    """A recognition decision: each product's accounts learn of its certificate (`certificates`: newly created)."""
    kind = "certification.recognised"
    messages = []
    for certificate in certificates:
        product = certificate.product
        decision = certificate.decision
        facts = {
            "product": product.name,
            "stars": certificate.stars,
            "number": decision.number,
            "date": _day(decision.date),
            "until": _day(certificate.valid_until),
        }
        messages += _to(
            producer_accounts(product.producer, exclude=actor),
            kind,
            _("Sản phẩm được công nhận OCOP %(stars)s sao: %(product)s") % facts,
            _(
                "Theo quyết định %(number)s ngày %(date)s, sản phẩm %(product)s được công nhận sản phẩm OCOP "
                "%(stars)s sao; giấy chứng nhận có hiệu lực đến hết ngày %(until)s."
            )
            % facts,
            product.get_absolute_url(),
            f"{kind}:{certificate.pk}",
        )
    return messages


# ── NTM assessments (ntm.services) ─────────────────────────────────────────────────────────────────────────────────


def _assessment_facts(assessment, reason="") -> dict:
    return {
        "commune": assessment.commune.name,
        "year": assessment.year,
        "met": assessment.criteria_met,
        "reason": reason,
    }


def _assessment_key(kind, assessment) -> str:
    return f"{kind}:{assessment.pk}:{_stamp(assessment.updated_at)}"


def assessment_step(assessment, audit_action: str, reason: str = "", actor=None):
    """Called by ntm.services for each transition; the steps that tell someone are below."""
    told = {
        "ntm.assessment.submitted": assessment_submitted,
        "ntm.assessment.returned": assessment_returned,
        "ntm.assessment.approved": assessment_approved,
        "ntm.assessment.unapproved": assessment_unlocked,
    }.get(audit_action)
    return told(assessment, reason=reason, actor=actor) if told else []


@step
def assessment_submitted(assessment, reason: str = "", actor=None):
    kind = "ntm.assessment.submitted"
    facts = _assessment_facts(assessment)
    return _to(
        officers(NTM_APPROVE, assessment.commune, exclude=actor),
        kind,
        _("Phiếu tự đánh giá nông thôn mới chờ duyệt: %(commune)s, năm %(year)s") % facts,
        _(
            "%(commune)s đã gửi kết quả tự đánh giá tiêu chí nông thôn mới năm %(year)s (%(met)s tiêu chí đạt). Tỉnh "
            "duyệt, hoặc trả lại kèm lý do."
        )
        % facts,
        assessment.get_absolute_url(),
        _assessment_key(kind, assessment),
    )


@step
def assessment_returned(assessment, reason: str = "", actor=None):
    kind = "ntm.assessment.returned"
    facts = _assessment_facts(assessment, reason)
    return _to(
        officers(NTM_ASSESS, assessment.commune, exclude=actor),
        kind,
        _("Phiếu tự đánh giá nông thôn mới bị tỉnh trả lại: %(commune)s, năm %(year)s") % facts,
        _(
            "Tỉnh trả lại kết quả tự đánh giá tiêu chí nông thôn mới năm %(year)s của %(commune)s. Lý do: %(reason)s. "
            "Hãy sửa phiếu và gửi lại."
        )
        % facts,
        assessment.get_absolute_url(),
        _assessment_key(kind, assessment),
    )


@step
def assessment_approved(assessment, reason: str = "", actor=None):
    kind = "ntm.assessment.approved"
    facts = _assessment_facts(assessment)
    return _to(
        officers(NTM_ASSESS, assessment.commune, exclude=actor),
        kind,
        _("Phiếu tự đánh giá nông thôn mới đã được duyệt: %(commune)s, năm %(year)s") % facts,
        _(
            "Tỉnh đã duyệt và khóa kết quả tự đánh giá tiêu chí nông thôn mới năm %(year)s của %(commune)s "
            "(%(met)s tiêu chí đạt)."
        )
        % facts,
        assessment.get_absolute_url(),
        _assessment_key(kind, assessment),
    )


@step
def assessment_unlocked(assessment, reason: str = "", actor=None):
    kind = "ntm.assessment.unapproved"
    facts = _assessment_facts(assessment, reason)
    return _to(
        officers(NTM_ASSESS, assessment.commune, exclude=actor),
        kind,
        _("Phiếu tự đánh giá nông thôn mới được tỉnh mở khóa: %(commune)s, năm %(year)s") % facts,
        _(
            "Tỉnh đã mở khóa kết quả tự đánh giá tiêu chí nông thôn mới năm %(year)s của %(commune)s để xã sửa. "
            "Lý do: %(reason)s. Hãy sửa phiếu và gửi lại."
        )
        % facts,
        assessment.get_absolute_url(),
        _assessment_key(kind, assessment),
    )


@step
def ntm_recognition_recorded(recognition, actor=None):
    kind = "ntm.recognition.recorded"
    facts = {
        "commune": recognition.commune.name,
        "level": recognition.get_level_display(),
        "village": recognition.village,
        "decision": recognition.decision_no or "—",
        "date": _day(recognition.decision_date or recognition.effective_date),
    }
    what = (
        _("%(commune)s được công nhận %(level)s") % facts
        if not recognition.village
        else _("%(village)s (%(commune)s) được công nhận %(level)s") % facts
    )
    return _to(
        officers(NTM_ASSESS, recognition.commune, exclude=actor),
        kind,
        what,
        _("Tỉnh đã ghi quyết định công nhận số %(decision)s ngày %(date)s.") % facts,
        reverse("ntm:commune", args=[recognition.commune.area_id]),
        f"{kind}:{recognition.pk}",
    )
