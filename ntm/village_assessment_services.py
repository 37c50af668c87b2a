"""Every write of the yearly village assessments (issue 18; DESIGN.md rule 1): keyword arguments, one transaction,
scope check, audit entry, DomainError.

A village assessment lives like a commune's (ntm.services): draft → submitted → approved (locked); the province
returns a submitted one with a reason, or unlocks an approved one with a reason; nothing moves in a year the province
closed (ntm.ClosedPeriod). The commune side (start, save, submit) needs `ntm.assess` on the assessment's commune, the
province side (return, approve, unlock) `ntm.approve`. `actor=None` is the system.

The assessment's commune is the village's commune on 31 December of the year, fixed when it is created: a 2024
assessment of a village moved by the 2025 merger stays with the old commune (the scope reaches it from the new one
through the succession, accounts.scope).
"""

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import require
from areas.choices import Level
from areas.filters import with_counterparts
from core import audit
from core.concurrency import check_version, refuse_duplicate
from core.errors import DomainError
from ntm.choices import AssessmentStatus, Issuer, SetKind, Source, year_end
from ntm.models import CriteriaSet, VillageAssessment, VillageCriterionResult
from ntm.services import assessment_step, closed_period_for, lock_reason
from ntm.village_queries import village_commune_on

FIELDS = ["status", "criteria_met", "note", "source"]
EVIDENCE_LIMIT = 2000
NOTE_LIMIT = 4000

# ---- the sets that apply -------------------------------------------------------------------------------------------


def village_sets_for(village, year: int, commune=None) -> list[CriteriaSet]:
    """The village sets (kind "village") in force on 31 December of `year` that apply to `village`: the national ones
    and those of the province its commune lies in that day (that day's scheme; a set recorded on the province's row
    of the other scheme counts when the reform left the province whole: same_province). `commune`: the village's commune
    on that day when the caller has it. Empty when the village lies nowhere that day."""
    day = year_end(year)
    if commune is None:
        commune = village_commune_on(village, day)
    if commune is None:
        return []
    issued = Q(issuer=Issuer.NATIONAL)
    if commune.province_id:
        issued |= Q(issuer=Issuer.PROVINCE, province_id__in=same_province(commune.province_id))
    return list(
        CriteriaSet.objects.in_force(day)
        .filter(kind=SetKind.VILLAGE)
        .filter(issued)
        .prefetch_related("criteria")
        .order_by("level", "-valid_from", "code")
    )


def same_province(province_id: int) -> set[int]:
    """The province, and its row of the other scheme when the 2025 reform left it whole (one predecessor, one
    successor, each only the other's: Điện Biên, Sơn La): a set recorded on either row is the same province's. A
    province merged with others shares its sets with none of them."""
    others = with_counterparts({province_id}) - {province_id}
    if len(others) == 1:
        (other,) = others
        if with_counterparts({other}) == {province_id, other}:
            return {province_id, other}
    return {province_id}


def no_set_message(year: int) -> str:
    return _(
        "Chưa có bộ tiêu chí thôn, bản áp dụng cho năm %(y)s: quản trị viên nạp văn bản của tỉnh bằng "
        "import_ntm_criteria."
    ) % {"y": year}


# ---- reading the state ---------------------------------------------------------------------------------------------


def _snapshot(assessment: VillageAssessment) -> dict:
    data = audit.snapshot(assessment, FIELDS)
    data["met"] = sorted(
        assessment.results.filter(met=True).values_list("criterion__code", flat=True), key=lambda c: (len(c), c)
    )
    return data


def _assess_message() -> str:
    return _("Bạn chỉ nhập đánh giá cho thôn, bản của xã mình phụ trách.")


def _approve_message() -> str:
    return _("Bạn không được duyệt đánh giá thôn, bản của xã này.")


# ---- the commune side ----------------------------------------------------------------------------------------------


def start_village_assessment(*, actor, village, year: int, criteria_set=None) -> tuple[VillageAssessment, bool]:
    """The village's assessment for `year` against `criteria_set` (one of village_sets_for; may be omitted when only
    one applies), created as a draft if missing. One per village, year and set."""
    day = year_end(year)
    commune = village_commune_on(village, day)
    if commune is None or not village.is_valid_on(day):
        require(actor, "ntm.assess", village.commune, _assess_message())
        raise DomainError(
            _("%(v)s không có trong danh mục ngày 31/12/%(y)s: không đánh giá được năm này.")
            % {"v": village, "y": year},
            field="year",
        )
    require(actor, "ntm.assess", commune, _assess_message())
    if commune.level != Level.COMMUNE:
        raise DomainError(_("Thôn, bản phải thuộc một đơn vị cấp xã."), field="village")
    sets = village_sets_for(village, year, commune=commune)
    if not sets:
        raise DomainError(no_set_message(year), field="criteria_set")
    if criteria_set is None:
        if len(sets) > 1:
            raise DomainError(
                _("Năm %(y)s có %(n)s bộ tiêu chí thôn, bản áp dụng: chọn một bộ (%(s)s).")
                % {"y": year, "n": len(sets), "s": "; ".join(s.title for s in sets)},
                field="criteria_set",
            )
        criteria_set = sets[0]
    elif criteria_set.pk not in {s.pk for s in sets}:
        raise DomainError(
            _("Bộ tiêu chí %(s)s không áp dụng cho %(v)s năm %(y)s.")
            % {"s": criteria_set.title, "v": village, "y": year},
            field="criteria_set",
        )
    period = closed_period_for(commune, year)
    if period is not None:
        raise DomainError(
            _("Kỳ báo cáo năm %(y)s của %(p)s đã khóa: không mở phiếu mới.") % {"y": year, "p": period.province.name},
            code="locked",
        )
    with transaction.atomic():
        found = VillageAssessment.objects.filter(village=village, year=year, criteria_set=criteria_set).first()
        if found is not None:
            return found, False
        with refuse_duplicate(_("Phiếu đánh giá này vừa được tạo: tải lại trang.")):
            assessment = VillageAssessment.objects.create(
                village=village, commune=commune, year=year, criteria_set=criteria_set, source=Source.ENTRY
            )
        VillageCriterionResult.objects.bulk_create(
            VillageCriterionResult(assessment=assessment, criterion=c) for c in criteria_set.criteria.all()
        )
        audit.record(
            actor=actor,
            action="ntm.village_assessment.created",
            obj=assessment,
            area=commune,
            after={**_snapshot(assessment), "village": village.pk, "year": year, "criteria_set": criteria_set.code},
        )
    return assessment, True


def save_village_assessment(
    *, actor, assessment: VillageAssessment, results: dict, note: str = "", expected_version=None
) -> VillageAssessment:
    """results: {criterion code: (met, evidence)}. `expected_version`: the version the form was read at; a save from
    an older one is refused (StaleEdit, 409), not merged."""
    require(actor, "ntm.assess", assessment.commune, _assess_message())
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise DomainError(_("Ghi chú chung dài quá %(n)s ký tự.") % {"n": NOTE_LIMIT}, field="note")
    with transaction.atomic():
        assessment = (
            VillageAssessment.objects.select_for_update().select_related("commune", "village").get(pk=assessment.pk)
        )
        reason = lock_reason(assessment)
        if reason:
            raise DomainError(reason, code="locked")
        if assessment.status != AssessmentStatus.DRAFT:
            raise DomainError(_("Kết quả đã gửi tỉnh: chờ tỉnh duyệt hoặc trả lại để sửa."), code="submitted")
        check_version(assessment, expected_version)
        before = _snapshot(assessment)
        stored = {r.criterion.code: r for r in assessment.results.select_related("criterion")}
        unknown = set(results) - set(stored)
        if unknown:
            raise DomainError(_("Tiêu chí không thuộc bộ tiêu chí: %(c)s.") % {"c": ", ".join(sorted(unknown))})
        changed = []
        for code, (met, evidence) in results.items():
            result = stored[code]
            evidence = (evidence or "").strip()
            if len(evidence) > EVIDENCE_LIMIT:
                raise DomainError(
                    _("Minh chứng của tiêu chí %(n)s dài quá %(l)s ký tự.")
                    % {"n": result.criterion.number, "l": EVIDENCE_LIMIT},
                    field=f"evidence_{code}",
                )
            if result.met != bool(met) or result.evidence != evidence:
                result.met, result.evidence = bool(met), evidence
                changed.append(result)
        VillageCriterionResult.objects.bulk_update(changed, ["met", "evidence"])
        assessment.criteria_met = sum(1 for r in stored.values() if r.met)
        assessment.note = note
        assessment.updated_at = timezone.now()
        after = _snapshot(assessment)
        if after != before or changed:
            assessment.version += 1
        assessment.save(update_fields=["criteria_met", "note", "updated_at", "version"])
        if after != before or changed:
            audit.record(
                actor=actor,
                action="ntm.village_assessment.saved",
                obj=assessment,
                area=assessment.commune,
                before=before,
                after=after,
            )
    return assessment


# ---- the steps -----------------------------------------------------------------------------------------------------


def _transition(actor, assessment, **step):
    return assessment_step(
        actor,
        assessment,
        queryset=VillageAssessment.objects.select_related("commune", "village", "criteria_set"),
        snapshot=_snapshot,
        notify=_notify,
        locked_by=lock_reason,
        **step,
    )


def submit_village_assessment(*, actor, assessment: VillageAssessment) -> VillageAssessment:
    return _transition(
        actor,
        assessment,
        action=_("gửi"),
        permission="ntm.assess",
        message=_("Bạn chỉ gửi đánh giá thôn, bản của xã mình phụ trách."),
        expected={AssessmentStatus.DRAFT},
        new_status=AssessmentStatus.SUBMITTED,
        audit_action="ntm.village_assessment.submitted",
        submitted_at=timezone.now(),
        submitted_by=audit.acting_user(actor),
    )


def return_village_assessment(*, actor, assessment: VillageAssessment, reason: str) -> VillageAssessment:
    if not (reason or "").strip():
        raise DomainError(_("Ghi lý do trả lại để xã biết cần sửa gì."), field="reason")
    return _transition(
        actor,
        assessment,
        action=_("trả lại"),
        permission="ntm.approve",
        message=_approve_message(),
        expected={AssessmentStatus.SUBMITTED},
        new_status=AssessmentStatus.DRAFT,
        audit_action="ntm.village_assessment.returned",
        reason=reason.strip()[:NOTE_LIMIT],
    )


def approve_village_assessment(*, actor, assessment: VillageAssessment) -> VillageAssessment:
    return _transition(
        actor,
        assessment,
        action=_("duyệt"),
        permission="ntm.approve",
        message=_approve_message(),
        expected={AssessmentStatus.SUBMITTED},
        new_status=AssessmentStatus.APPROVED,
        audit_action="ntm.village_assessment.approved",
        approved_at=timezone.now(),
        approved_by=audit.acting_user(actor),
    )


def unapprove_village_assessment(*, actor, assessment: VillageAssessment, reason: str) -> VillageAssessment:
    """Unlock an approved assessment: back to draft so the commune can correct it. A reason is required, audited."""
    if not (reason or "").strip():
        raise DomainError(_("Ghi lý do mở khóa."), field="reason")
    return _transition(
        actor,
        assessment,
        action=_("mở khóa"),
        permission="ntm.approve",
        message=_("Bạn không được mở khóa đánh giá thôn, bản của xã này."),
        expected={AssessmentStatus.APPROVED},
        new_status=AssessmentStatus.DRAFT,
        audit_action="ntm.village_assessment.reopened",
        reason=reason.strip()[:NOTE_LIMIT],
        approved_at=None,
        approved_by=None,
        submitted_at=None,
        submitted_by=None,
    )


# ---- notifications (like the commune assessments': notifications.events.assessment_step) ----------------------------


def _notify(assessment, audit_action: str, reason: str = "", actor=None):
    """The province officers who approve hear of a submission; the commune's officers of a return, an approval and an
    unlock (with the reason). Run in its own savepoint, a failure logged, never undoing the step."""
    from notifications.events import step

    @step
    def tell():
        from notifications.recipients import officers
        from notifications.services import Message

        facts = {
            "village": str(assessment.village),
            "commune": assessment.commune.name,
            "year": assessment.year,
            "met": assessment.criteria_met,
            "reason": reason,
        }
        if audit_action == "ntm.village_assessment.submitted":
            users = officers("ntm.approve", assessment.commune, exclude=actor)
            title = _("Phiếu đánh giá thôn, bản chờ duyệt: %(village)s, %(commune)s, năm %(year)s") % facts
            body = (
                _(
                    "%(village)s (%(commune)s) đã gửi kết quả tự đánh giá năm %(year)s (%(met)s tiêu chí đạt). Tỉnh "
                    "duyệt, hoặc trả lại kèm lý do."
                )
                % facts
            )
        else:
            users = officers("ntm.assess", assessment.commune, exclude=actor)
            if audit_action == "ntm.village_assessment.returned":
                title = _("Phiếu đánh giá thôn, bản bị tỉnh trả lại: %(village)s, năm %(year)s") % facts
                body = _("Lý do: %(reason)s. Hãy sửa phiếu và gửi lại.") % facts
            elif audit_action == "ntm.village_assessment.approved":
                title = _("Phiếu đánh giá thôn, bản đã được duyệt: %(village)s, năm %(year)s") % facts
                body = _("Tỉnh đã duyệt và khóa kết quả (%(met)s tiêu chí đạt).") % facts
            else:
                title = _("Phiếu đánh giá thôn, bản được tỉnh mở khóa: %(village)s, năm %(year)s") % facts
                body = _("Lý do: %(reason)s. Hãy sửa phiếu và gửi lại.") % facts
        url = reverse("ntm:village_assessment", args=[assessment.pk])
        key = f"{audit_action}:{assessment.pk}:{assessment.updated_at.isoformat()}"
        return [Message(user, audit_action, title, body, url, key) for user in users]

    return tell()
