"""The advisory team's review of a product's dossier before the council scores it (26/2026/QĐ-TTg Điều 7.3.c).

"Tổ tư vấn Hội đồng cấp tỉnh tổ chức đánh giá hồ sơ …; đề xuất bổ sung hồ sơ, tổ chức khảo sát thực tế tại cơ sở sản
xuất, kinh doanh … và đề nghị bổ sung kết quả kiểm nghiệm chất lượng (nếu cần); xây dựng báo cáo đánh giá gửi Chủ tịch
Hội đồng cấp tỉnh." One review per round item, in states

    draft → additions requested ⇄ additions received → reported

(a request may be made from draft or after additions came in; the report needs every request answered). Site surveys
are scheduled (date, who) and their findings recorded, any time before the report. The report (summary,
recommendation) goes to the chair; under 26/2026 the council scores a product only once it exists
(`require_report`, called by the scoring services).

Who writes: the round's advisory seats (`MemberRole.ADVISORY`) and the province office (`evaluation.manage` over the
round's province — the provincial OCOP office, which 26/2026 Điều 7.6.c charges with the dossier report on
re-rating). Every write: keyword arguments, one transaction, scope check, audit entry.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import area_scope, require
from core import audit
from core.errors import DomainError, NotFound, PermissionRefused
from evaluation import process
from evaluation.council_models import (
    AdditionRequest,
    AdvisoryReview,
    CouncilMember,
    ItemStatus,
    MemberRole,
    ReviewStatus,
    RoundItem,
    SiteSurvey,
)

MANAGE = "evaluation.manage"
SCORE = "evaluation.score"
PERIOD_26_2026 = "26-2026"  # the code of 26/2026/QĐ-TTg's period in evaluation/data/process_rules.yaml
EFFECTIVE_26_2026 = datetime.date(2026, 5, 22)  # 26/2026 Điều 11.1: in force from 22/05/2026
NOTIFY_KIND = "evaluation.additions_requested"
REVIEW_FIELDS = ["status", "summary", "recommendation", "reported_at"]


# ── Which rules apply ──────────────────────────────────────────────────────────────────────────────────────────────


def follows_26_2026(day: datetime.date) -> bool:
    """Whether 26/2026/QĐ-TTg's process applies on `day`: the process period in force that day is "26-2026".

    Until evaluation/data/process_rules.yaml has that period, any day from its entry into force (22/05/2026) counts.
    """
    if any(p.code == PERIOD_26_2026 for p in process.periods()):
        return process.period_on(day).code == PERIOD_26_2026
    return day >= EFFECTIVE_26_2026


def requires_review(evaluation_round) -> bool:
    """Whether the round's products need the advisory team's report before the council scores them: rounds that start
    under 26/2026 (Điều 7.3.c–d: the team reports to the chair, then the council meets)."""
    return follows_26_2026(evaluation_round.starts_on)


def review_of(item) -> AdvisoryReview | None:
    return AdvisoryReview.objects.filter(item=item).first()


def has_report(item) -> bool:
    return AdvisoryReview.objects.filter(item=item, status=ReviewStatus.REPORTED).exists()


def require_report(item, *, role: str | None = None) -> None:
    """The one check the scoring services make before a council member scores `item`: under 26/2026 the advisory
    team's report must exist. The advisory team's own sheet (`role` = advisory) is its working tool and is not held.

    Raises DomainError (code "advisory_report_missing")."""
    if role == MemberRole.ADVISORY:
        return
    evaluation_round = item.evaluation_round
    if not requires_review(evaluation_round) or has_report(item):
        return
    raise DomainError(
        _(
            "Tổ tư vấn chưa gửi báo cáo đánh giá hồ sơ sản phẩm “%(p)s” cho chủ tịch hội đồng: hội đồng chưa chấm "
            "được (Quyết định 26/2026/QĐ-TTg, Điều 7 khoản 3 điểm c, d)."
        )
        % {"p": item.product.name},
        code="advisory_report_missing",
    )


def reviews_for(items) -> dict[int, AdvisoryReview]:
    """item id → review (with its requests and surveys), for pages listing many items: three queries in all."""
    return {
        r.item_id: r
        for r in AdvisoryReview.objects.filter(item__in=[i.pk for i in items])
        .select_related("reported_by")
        .prefetch_related("requests", "surveys")
    }


# ── Who may write ──────────────────────────────────────────────────────────────────────────────────────────────────


def may_review(user, item) -> bool:
    """Whether `user` writes the review of `item`: an advisory seat in the round, or the province office."""
    if user is None or not user.is_authenticated:
        return False
    province = item.evaluation_round.province
    if area_scope(user, MANAGE).contains(province):
        return True
    seat = CouncilMember.objects.filter(evaluation_round=item.evaluation_round_id, user=user).first()
    return seat is not None and seat.role == MemberRole.ADVISORY and area_scope(user, SCORE).contains(province)


def _require_reviewer(actor, item) -> None:
    if actor is None:
        return  # the system itself (commands, loaders)
    province = item.evaluation_round.province
    if area_scope(actor, MANAGE).contains(province):
        return
    seat = CouncilMember.objects.filter(evaluation_round=item.evaluation_round_id, user=actor).first()
    if seat is None:  # outside the round and the province office: as if the item did not exist
        raise NotFound(_("Không tìm thấy sản phẩm này trong các đợt đánh giá của bạn."))
    if seat.role != MemberRole.ADVISORY:
        raise PermissionRefused(_("Chỉ Tổ tư vấn hoặc cơ quan quản lý OCOP cấp tỉnh ghi được việc này."))
    require(actor, SCORE, province, _("Bạn không làm việc với hồ sơ của tỉnh này."))


def _lock_review(item) -> tuple[RoundItem, AdvisoryReview]:
    """Lock the item, then its review (created on first use): writers of one item serialise."""
    item = RoundItem.objects.select_for_update().select_related("evaluation_round__province", "product").get(pk=item.pk)
    if item.status != ItemStatus.SCORING:
        raise DomainError(_("Sản phẩm đã khoá phiếu; hồ sơ không còn được xem xét, bổ sung."))
    review, _created = AdvisoryReview.objects.get_or_create(item=item)
    review = AdvisoryReview.objects.select_for_update().get(pk=review.pk)
    return item, review


def _record(actor, action, item, review, before=None, after=None):
    audit.record(
        actor=actor,
        action=action,
        obj=item,
        area=item.evaluation_round.province,
        before=before,
        after=after if after is not None else audit.snapshot(review, REVIEW_FIELDS),
    )


def _text(value) -> str:
    return (value or "").strip()


def _day(value) -> str:
    return value.strftime("%d/%m/%Y")


# ── Requests for additions ─────────────────────────────────────────────────────────────────────────────────────────


def _recipients(product) -> list:
    """The producer's linked accounts and the commune officers of the product's commune (either side of the 2025
    reform)."""
    from accounts.models import Membership
    from accounts.roles import Role
    from areas.filters import with_counterparts

    users = {u.pk: u for u in product.producer.accounts.filter(is_active=True)}
    if product.location_id:
        for m in (
            Membership.objects.active()
            .filter(role=Role.COMMUNE_OFFICER, area__in=with_counterparts({product.location_id}))
            .select_related("user")
        ):
            if m.user.is_active:
                users.setdefault(m.user_id, m.user)
    return list(users.values())


def request_additions(*, actor, item, missing: str, due_on: datetime.date) -> AdditionRequest:
    """Ask for additions to the dossier (what is missing, by when); the producer's accounts and the commune officers
    are notified in the application."""
    from notifications.services import Message, notify_many

    _require_reviewer(actor, item)
    missing = _text(missing)
    if not missing:
        raise DomainError(_("Hãy ghi hồ sơ cần bổ sung những gì."), field="missing")
    if due_on is None:
        raise DomainError(_("Hãy ghi hạn bổ sung."), field="due_on")
    today = timezone.localdate()
    if due_on < today:
        raise DomainError(
            _("Hạn bổ sung %(d)s đã qua; hãy ghi một ngày từ hôm nay trở đi.") % {"d": _day(due_on)}, field="due_on"
        )
    with transaction.atomic():
        item, review = _lock_review(item)
        if review.status == ReviewStatus.REPORTED:
            raise DomainError(_("Tổ tư vấn đã gửi báo cáo cho chủ tịch hội đồng; không đề nghị bổ sung thêm được."))
        before = audit.snapshot(review, REVIEW_FIELDS)
        request = AdditionRequest.objects.create(
            review=review, missing=missing, due_on=due_on, requested_by=actor if _user(actor) else None
        )
        review.status = ReviewStatus.ADDITIONS_REQUESTED
        review.save(update_fields=["status"])
        product = item.product
        title = _("Đề nghị bổ sung hồ sơ sản phẩm OCOP: %(p)s") % {"p": product.name}
        body = _(
            "Tổ tư vấn Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp tỉnh (%(r)s) đề nghị bổ sung hồ sơ sản phẩm "
            "%(p)s trước ngày %(d)s: %(m)s"
        ) % {"r": item.evaluation_round.title, "p": product.name, "d": _day(due_on), "m": missing}
        url = reverse("products:detail", args=[product.pk])
        told = notify_many(
            [
                Message(user, NOTIFY_KIND, title, body, url, f"{NOTIFY_KIND}:{request.pk}")
                for user in _recipients(product)
            ]
        )
        _record(
            actor,
            "evaluation.advisory.additions_requested",
            item,
            review,
            before,
            {
                **audit.snapshot(review, REVIEW_FIELDS),
                "request": request.pk,
                "missing": missing,
                "due_on": str(due_on),
                "notified": sorted(n.user.get_username() for n in told),
            },
        )
    return request


def _user(actor):
    return actor is not None and getattr(actor, "is_authenticated", False)


def record_additions_received(
    *, actor, request: AdditionRequest, received_on: datetime.date, note: str = ""
) -> AdditionRequest:
    """The additions asked for in `request` came in on `received_on`. Once every request is answered the review
    is back with the team ("additions received")."""
    item = request.review.item
    _require_reviewer(actor, item)
    if received_on is None:
        raise DomainError(_("Hãy ghi ngày nhận hồ sơ bổ sung."), field="received_on")
    if received_on > timezone.localdate():
        raise DomainError(_("Ngày nhận hồ sơ bổ sung không được sau hôm nay."), field="received_on")
    with transaction.atomic():
        item, review = _lock_review(item)
        request = AdditionRequest.objects.select_for_update().get(pk=request.pk, review=review)
        if not request.is_open:
            raise DomainError(
                _("Đề nghị bổ sung này đã được ghi nhận ngày %(d)s.") % {"d": _day(request.received_on)},
                field="received_on",
            )
        asked = timezone.localtime(request.requested_at).date()
        if received_on < asked:
            raise DomainError(
                _("Ngày nhận (%(r)s) không được trước ngày đề nghị bổ sung (%(a)s).")
                % {"r": _day(received_on), "a": _day(asked)},
                field="received_on",
            )
        before = audit.snapshot(review, REVIEW_FIELDS)
        request.received_on, request.received_note = received_on, _text(note)
        request.received_by = actor if _user(actor) else None
        request.save(update_fields=["received_on", "received_note", "received_by"])
        if not review.requests.filter(received_on__isnull=True).exists():
            review.status = ReviewStatus.ADDITIONS_RECEIVED
            review.save(update_fields=["status"])
        _record(
            actor,
            "evaluation.advisory.additions_received",
            item,
            review,
            before,
            {**audit.snapshot(review, REVIEW_FIELDS), "request": request.pk, "received_on": str(received_on)},
        )
    return request


# ── Site surveys ───────────────────────────────────────────────────────────────────────────────────────────────────


def schedule_survey(*, actor, item, surveyed_on: datetime.date, participants: str, findings: str = "") -> SiteSurvey:
    """Schedule a site survey (date, who goes); findings may be given at once for a survey already made."""
    _require_reviewer(actor, item)
    participants, findings = _text(participants), _text(findings)
    if surveyed_on is None:
        raise DomainError(_("Hãy ghi ngày khảo sát."), field="surveyed_on")
    if not participants:
        raise DomainError(_("Hãy ghi những người đi khảo sát."), field="participants")
    if findings and surveyed_on > timezone.localdate():
        raise DomainError(_("Chưa đến ngày khảo sát nên chưa ghi kết quả được."), field="findings")
    with transaction.atomic():
        item, review = _lock_review(item)
        if review.status == ReviewStatus.REPORTED:
            raise DomainError(_("Tổ tư vấn đã gửi báo cáo cho chủ tịch hội đồng; không thêm khảo sát được."))
        now = timezone.now()
        survey = SiteSurvey.objects.create(
            review=review,
            surveyed_on=surveyed_on,
            participants=participants,
            findings=findings,
            scheduled_by=actor if _user(actor) else None,
            recorded_by=(actor if _user(actor) else None) if findings else None,
            recorded_at=now if findings else None,
        )
        _record(
            actor,
            "evaluation.advisory.survey_scheduled",
            item,
            review,
            after={
                "survey": survey.pk,
                "surveyed_on": str(surveyed_on),
                "participants": participants,
                "findings": findings,
            },
        )
    return survey


def record_survey_findings(*, actor, survey: SiteSurvey, findings: str) -> SiteSurvey:
    item = survey.review.item
    _require_reviewer(actor, item)
    findings = _text(findings)
    if not findings:
        raise DomainError(_("Hãy ghi kết quả khảo sát."), field="findings")
    with transaction.atomic():
        item, review = _lock_review(item)
        if review.status == ReviewStatus.REPORTED:
            raise DomainError(_("Tổ tư vấn đã gửi báo cáo cho chủ tịch hội đồng; không sửa khảo sát được."))
        survey = SiteSurvey.objects.select_for_update().get(pk=survey.pk, review=review)
        if survey.surveyed_on > timezone.localdate():
            raise DomainError(
                _("Chuyến khảo sát ngày %(d)s chưa diễn ra nên chưa ghi kết quả được.")
                % {"d": _day(survey.surveyed_on)},
                field="findings",
            )
        before = {"findings": survey.findings}
        survey.findings, survey.recorded_at = findings, timezone.now()
        survey.recorded_by = actor if _user(actor) else None
        survey.save(update_fields=["findings", "recorded_at", "recorded_by"])
        _record(
            actor,
            "evaluation.advisory.survey_recorded",
            item,
            review,
            before,
            {"survey": survey.pk, "surveyed_on": str(survey.surveyed_on), "findings": findings},
        )
    return survey


# ── The report to the chair ────────────────────────────────────────────────────────────────────────────────────────


def survey_expected(item) -> bool:
    """Tourism and service products: councils visit the site (domain.md §5, practice; not a rule of 26/2026). The
    pages point it out; nothing is refused for it."""
    from products.workflow import is_service_product

    return is_service_product(item.product)


def write_report(*, actor, item, summary: str, recommendation: str) -> AdvisoryReview:
    """The team's report to the chair (summary of the dossier review, recommendation). Needs every request for
    additions answered and no survey without findings; may be corrected until the chair locks the sheets."""
    _require_reviewer(actor, item)
    summary, recommendation = _text(summary), _text(recommendation)
    if not summary:
        raise DomainError(_("Hãy ghi tóm tắt kết quả đánh giá hồ sơ."), field="summary")
    if not recommendation:
        raise DomainError(_("Hãy ghi kiến nghị của tổ tư vấn với chủ tịch hội đồng."), field="recommendation")
    with transaction.atomic():
        item, review = _lock_review(item)
        if review.status == ReviewStatus.ADDITIONS_REQUESTED:
            open_requests = review.requests.filter(received_on__isnull=True).order_by("due_on")
            raise DomainError(
                _("Còn %(n)s đề nghị bổ sung hồ sơ chưa nhận (hạn gần nhất %(d)s): ghi nhận bổ sung trước khi báo cáo.")
                % {"n": open_requests.count(), "d": _day(open_requests.first().due_on)}
            )
        pending = review.surveys.filter(findings="").order_by("surveyed_on").first()
        if pending is not None:
            raise DomainError(
                _("Chuyến khảo sát ngày %(d)s chưa có kết quả: ghi kết quả trước khi báo cáo.")
                % {"d": _day(pending.surveyed_on)}
            )
        before = audit.snapshot(review, REVIEW_FIELDS)
        action = (
            "evaluation.advisory.report_corrected"
            if review.status == ReviewStatus.REPORTED
            else "evaluation.advisory.reported"
        )
        if (review.status, review.summary, review.recommendation) == (ReviewStatus.REPORTED, summary, recommendation):
            return review
        review.status, review.summary, review.recommendation = ReviewStatus.REPORTED, summary, recommendation
        review.reported_by, review.reported_at = (actor if _user(actor) else None), timezone.now()
        review.save(update_fields=["status", "summary", "recommendation", "reported_by", "reported_at"])
        _record(actor, action, item, review, before)
    return review
