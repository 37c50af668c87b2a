"""Writes of the advanced and model levels (issue 18): an assessment against a chosen commune set (nâng cao, kiểu mẫu,
a province's set), and a count-only result "đạt N/M tiêu chí" for a set whose text is not loaded.

Both are ordinary Assessments: submitted, returned, approved and locked by ntm.services like any other
(submit_assessment, approve_assessment work on any Assessment). Keyword arguments, one transaction, scope check,
audit entry, DomainError with a Vietnamese message (DESIGN.md rule 1).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import area_scope, require
from core import audit
from core.concurrency import check_version
from core.errors import DomainError
from ntm import services
from ntm.choices import AssessmentStatus, Issuer, SetKind, Source, year_end
from ntm.models import Assessment, CriteriaSet, CriterionResult


def _set_applies(commune, year: int, criteria_set: CriteriaSet) -> None:
    """Refuse a set that is not a commune set in force on some day of `year`, national or of the commune's province."""
    from ntm.levels import _province_ids

    if criteria_set.kind != SetKind.COMMUNE:
        raise DomainError(_("%(s)s không phải bộ tiêu chí xã.") % {"s": criteria_set.title}, field="criteria_set")
    first, last = datetime.date(year, 1, 1), year_end(year)
    ends_before = criteria_set.valid_until is not None and criteria_set.valid_until <= first
    if criteria_set.valid_from > last or ends_before:
        raise DomainError(
            _("%(s)s không áp dụng trong năm %(y)s (áp dụng từ %(a)s%(b)s).")
            % {
                "s": criteria_set.title,
                "y": year,
                "a": services._day(criteria_set.valid_from),
                "b": (_(" đến trước %(d)s") % {"d": services._day(criteria_set.valid_until)})
                if criteria_set.valid_until
                else "",
            },
            field="criteria_set",
        )
    if criteria_set.issuer == Issuer.PROVINCE and criteria_set.province_id not in _province_ids([commune])[commune.pk]:
        raise DomainError(
            _("%(s)s do tỉnh khác ban hành, không áp dụng cho %(c)s.") % {"s": criteria_set.title, "c": commune.name},
            field="criteria_set",
        )


def _refuse_if_closed(commune, year: int) -> None:
    reason = services.lock_reason(Assessment(commune=commune, year=year))
    if reason:
        raise DomainError(reason, code="locked")


def start_level_assessment(*, actor, commune, year: int, criteria_set: CriteriaSet) -> tuple[Assessment, bool]:
    """The commune's per-criterion assessment of `year` against `criteria_set`, created as a draft if missing."""
    require(actor, "ntm.assess", commune, _("Bạn chỉ nhập đánh giá cho xã mình phụ trách."))
    services._check_commune(commune, year)
    _set_applies(commune, year, criteria_set)
    criteria = list(criteria_set.criteria.all())
    if not criteria:
        raise DomainError(
            _("%(s)s chưa nạp nội dung các tiêu chí: chỉ ghi được số tiêu chí đạt (đạt N/M tiêu chí).")
            % {"s": criteria_set.title},
            field="criteria_set",
        )
    with transaction.atomic():
        assessment, created = Assessment.objects.get_or_create(
            commune=commune, year=year, criteria_set=criteria_set, defaults={"source": Source.ENTRY}
        )
        if created:
            _refuse_if_closed(commune, year)
            group = services.commune_group_on(commune, year_end(year)) if criteria_set.uses_commune_groups else None
            assessment.commune_group = group.group if group else None
            assessment.save(update_fields=["commune_group"])
            CriterionResult.objects.bulk_create(CriterionResult(assessment=assessment, criterion=c) for c in criteria)
            audit.record(
                actor=actor,
                action="ntm.assessment.created",
                obj=assessment,
                area=commune,
                after=services._assessment_snapshot(assessment),
            )
    return assessment, created


def _by_commune(actor, commune) -> bool:
    """True for the commune's own officer (or the system), False for the province; refused for anyone else."""
    if actor is None or area_scope(actor, "ntm.assess").contains(commune):
        return True
    require(actor, "ntm.manage", commune, _("Bạn chỉ ghi kết quả đánh giá cho xã thuộc địa bàn mình phụ trách."))
    return False


def record_count(
    *,
    actor,
    commune,
    year: int,
    criteria_set: CriteriaSet,
    criteria_met,
    note: str = "",
    submit: bool = False,
    expected_version=None,
) -> Assessment:
    """Records "đạt N/M tiêu chí" for a count-only set (no criteria loaded, `declared_criteria` = M): the commune's
    officer (ntm.assess) or the province (ntm.manage) records it. It is a draft until submitted (`submit`); the
    province's submit puts it straight into its own approval queue. A result the province approved or a closed period is
    locked; a submitted one waits for the province (return it to change it)."""
    by_commune = _by_commune(actor, commune)
    services._check_commune(commune, year)
    _set_applies(commune, year, criteria_set)
    total = criteria_set.declared_criteria
    if criteria_set.criteria.exists() or not total:
        raise DomainError(
            _("%(s)s có nội dung từng tiêu chí: đánh giá từng tiêu chí thay vì ghi số tiêu chí đạt.")
            % {"s": criteria_set.title},
            field="criteria_set",
        )
    try:
        met = int(str(criteria_met).strip())
    except (TypeError, ValueError) as exc:
        raise DomainError(
            _("Số tiêu chí đạt '%(v)s' không hợp lệ: ghi một số từ 0 đến %(m)s.") % {"v": criteria_met, "m": total},
            field="criteria_met",
        ) from exc
    if not 0 <= met <= total:
        raise DomainError(
            _("Số tiêu chí đạt %(n)s không hợp lệ: %(s)s có %(m)s tiêu chí, ghi một số từ 0 đến %(m)s.")
            % {"n": met, "s": criteria_set.title, "m": total},
            field="criteria_met",
        )
    with transaction.atomic():
        assessment, created = Assessment.objects.select_for_update().get_or_create(
            commune=commune, year=year, criteria_set=criteria_set, defaults={"source": Source.ENTRY}
        )
        services._refuse_if_locked(assessment)
        if assessment.status != AssessmentStatus.DRAFT:
            raise DomainError(_("Kết quả đã gửi tỉnh: chờ tỉnh duyệt hoặc trả lại để sửa."), code="submitted")
        if not created:
            check_version(assessment, expected_version)
        before = None if created else services._assessment_snapshot(assessment)
        assessment.criteria_met = met
        assessment.note = (note or "").strip()
        assessment.updated_at = timezone.now()
        if not created:
            assessment.version += 1
        assessment.save(update_fields=["criteria_met", "note", "updated_at", "version"])
        after = services._assessment_snapshot(assessment)
        after["declared_criteria"] = total
        audit.record(
            actor=actor,
            action="ntm.assessment.count_recorded",
            obj=assessment,
            area=commune,
            before=before,
            after=after,
        )
        if submit:
            if by_commune:
                assessment = services.submit_assessment(actor=actor, assessment=assessment)
            else:
                assessment = _submit_for_commune(actor, assessment)
    return assessment


def _submit_for_commune(actor, assessment: Assessment) -> Assessment:
    """The province sends the figure it recorded into its own approval queue (it holds ntm.manage, not ntm.assess)."""
    before = services._assessment_snapshot(assessment)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = audit.acting_user(actor)
    assessment.version += 1
    assessment.save(update_fields=["status", "submitted_at", "submitted_by", "version"])
    audit.record(
        actor=actor,
        action="ntm.assessment.submitted",
        obj=assessment,
        area=assessment.commune,
        before=before,
        after=services._assessment_snapshot(assessment),
    )
    return assessment
