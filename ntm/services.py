"""Every NTM write (DESIGN.md rule 1): keyword arguments, one transaction, scope check, audit entry, DomainError.

`actor=None` is the system (imports and commands run on the server).
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.scope import require
from areas.choices import Level
from areas.filters import with_counterparts
from areas.models import Succession
from core import audit
from core.concurrency import check_version
from core.errors import DomainError
from ntm.choices import (
    COMMUNE_LEVELS,
    INHERITANCE_DAY,
    LEVEL_RANK,
    VILLAGE_LEVELS,
    AssessmentStatus,
    CommuneGroup,
    RecognitionKind,
    RecognitionLevel,
    Source,
    year_end,
)
from ntm.models import (
    Assessment,
    ClosedPeriod,
    CommuneGroupAssignment,
    CriterionResult,
    IndicatorValue,
    Recognition,
)

ASSESSMENT_FIELDS = ["status", "criteria_met", "commune_group", "note", "source"]


def _who(user) -> str:
    if user is None:
        return _("hệ thống")
    return str(user)


def _day(value) -> str:
    return formats.date_format(
        timezone.localtime(value) if isinstance(value, datetime.datetime) else value, "SHORT_DATE_FORMAT"
    )


def _assessment_snapshot(assessment: Assessment) -> dict:
    data = audit.snapshot(assessment, ASSESSMENT_FIELDS)
    data["met"] = sorted(
        assessment.results.filter(met=True).values_list("criterion__code", flat=True), key=lambda c: (len(c), c)
    )
    return data


# ---- commune groups ---------------------------------------------------------------------------------------------


def commune_group_on(commune, day) -> CommuneGroupAssignment | None:
    return (
        CommuneGroupAssignment.objects.filter(commune=commune, valid_from__lte=day)
        .order_by("-valid_from", "-recorded_at")
        .first()
    )


def set_commune_group(*, actor, commune, group: int, valid_from: datetime.date, decided_by: str, reason: str = ""):
    require(actor, "ntm.manage", commune, _("Bạn không được xếp nhóm cho xã này."))
    if commune.level != Level.COMMUNE or not commune.is_rural_commune:
        raise DomainError(_("Chỉ xếp nhóm cho xã (không áp dụng cho phường, thị trấn)."), field="commune")
    if group not in CommuneGroup.values:
        raise DomainError(_("Nhóm xã phải là 1, 2 hoặc 3."), field="group")
    if not (decided_by or "").strip():
        raise DomainError(_("Ghi căn cứ (số quyết định) xếp nhóm."), field="decided_by")
    with transaction.atomic():
        previous = commune_group_on(commune, valid_from)
        assignment = CommuneGroupAssignment.objects.create(
            commune=commune,
            group=group,
            valid_from=valid_from,
            decided_by=decided_by.strip(),
            reason=(reason or "").strip(),
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            actor=actor,
            action="ntm.commune_group.set",
            obj=assignment,
            area=commune,
            before={"group": previous.group, "valid_from": str(previous.valid_from)} if previous else None,
            after=audit.snapshot(assignment, ["group", "valid_from", "decided_by", "reason"]),
        )
    return assignment


# ---- closed periods ---------------------------------------------------------------------------------------------


def closed_period_for(commune, year: int) -> ClosedPeriod | None:
    province_ids = with_counterparts({commune.province_id}) if commune.province_id else set()
    return ClosedPeriod.objects.filter(province_id__in=province_ids, year=year).select_related("closed_by").first()


def close_period(*, actor, province, year: int, reason: str = "") -> ClosedPeriod:
    require(actor, "ntm.approve", province, _("Bạn không được khóa kỳ báo cáo của tỉnh này."))
    if province.level != Level.PROVINCE:
        raise DomainError(_("Chỉ khóa kỳ báo cáo theo tỉnh."), field="province")
    with transaction.atomic():
        period, created = ClosedPeriod.objects.get_or_create(
            province=province,
            year=year,
            defaults={"closed_by": actor if getattr(actor, "is_authenticated", False) else None, "reason": reason},
        )
        if not created:
            raise DomainError(_("Kỳ báo cáo năm %(y)s của %(p)s đã khóa.") % {"y": year, "p": province.name})
        audit.record(
            actor=actor, action="ntm.period.closed", obj=period, area=province, after={"year": year, "reason": reason}
        )
    return period


def reopen_period(*, actor, period: ClosedPeriod, reason: str) -> None:
    require(actor, "ntm.approve", period.province, _("Bạn không được mở kỳ báo cáo của tỉnh này."))
    if not (reason or "").strip():
        raise DomainError(_("Ghi lý do mở lại kỳ báo cáo."), field="reason")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="ntm.period.reopened",
            obj=period,
            area=period.province,
            before={"year": period.year, "closed_by": _who(period.closed_by)},
            after={"reason": reason.strip()},
        )
        ClosedPeriod.objects.filter(pk=period.pk).delete()


# ---- assessments ------------------------------------------------------------------------------------------------


def lock_reason(assessment: Assessment, period: ClosedPeriod | None = None) -> str:
    """Why the form cannot be edited, and by whom; empty when it can."""
    if period is None:
        period = closed_period_for(assessment.commune, assessment.year)
    reasons = []
    if assessment.status == AssessmentStatus.APPROVED:
        if assessment.source == Source.IMPORT:
            reasons.append(
                _("Đã khóa: kết quả được %(who)s nhập từ bảng tính của tỉnh ngày %(d)s.")
                % {"who": _who(assessment.approved_by), "d": _day(assessment.approved_at)}
            )
        else:
            reasons.append(
                _("Đã khóa: được %(who)s duyệt ngày %(d)s.")
                % {"who": _who(assessment.approved_by), "d": _day(assessment.approved_at)}
            )
    if period is not None:
        reasons.append(
            _("Kỳ báo cáo năm %(y)s của %(p)s đã được %(who)s khóa ngày %(d)s.")
            % {"y": period.year, "p": period.province.name, "who": _who(period.closed_by), "d": _day(period.closed_at)}
        )
    return " ".join(reasons)


def _refuse_if_locked(assessment: Assessment):
    reason = lock_reason(assessment)
    if reason:
        raise DomainError(reason, code="locked")


def _check_commune(commune, year: int):
    if commune.level != Level.COMMUNE or not commune.is_rural_commune:
        raise DomainError(_("Chỉ xã mới đánh giá tiêu chí nông thôn mới (không áp dụng cho phường, thị trấn)."))
    if not commune.is_valid_on(year_end(year)):
        raise DomainError(
            _("%(c)s không còn hiệu lực ngày 31/12/%(y)s: đánh giá theo đơn vị hành chính của năm đó.")
            % {"c": commune.name, "y": year}
        )


def start_assessment(*, actor, commune, year: int) -> tuple[Assessment, bool]:
    """The commune's assessment for `year` with the set in force on 31 December, created as a draft if missing."""
    from ntm.queries import criteria_set_for_year

    require(actor, "ntm.assess", commune, _("Bạn chỉ nhập đánh giá cho xã mình phụ trách."))
    _check_commune(commune, year)
    criteria_set = criteria_set_for_year(year)
    if criteria_set is None:
        raise DomainError(_("Chưa có bộ tiêu chí nông thôn mới áp dụng cho năm %(y)s.") % {"y": year})
    with transaction.atomic():
        assessment, created = Assessment.objects.get_or_create(
            commune=commune, year=year, criteria_set=criteria_set, defaults={"source": Source.ENTRY}
        )
        if created:
            group = commune_group_on(commune, year_end(year)) if criteria_set.uses_commune_groups else None
            assessment.commune_group = group.group if group else None
            assessment.save(update_fields=["commune_group"])
            CriterionResult.objects.bulk_create(
                CriterionResult(assessment=assessment, criterion=c) for c in criteria_set.criteria.all()
            )
            audit.record(
                actor=actor,
                action="ntm.assessment.created",
                obj=assessment,
                area=commune,
                after=_assessment_snapshot(assessment),
            )
    return assessment, created


def save_assessment(
    *,
    actor,
    assessment: Assessment,
    results: dict,
    indicator_values: dict | None = None,
    note: str = "",
    expected_version=None,
    evidence: dict | None = None,
) -> Assessment:
    """results: {criterion code: (met, evidence)}; indicator_values: {indicator id: value text, or (value, note)};
    evidence: {indicator id: uploaded file}, every file checked before anything is written (a bad one refuses the
    whole save). `expected_version`: the version the form was read at; a save from an older one is refused
    (StaleEdit, 409), not merged.

    Each indicator's `met` is judged against the threshold of the assessment's commune group (ntm.indicators). Under
    the set's rule "indicators", a criterion with indicators takes their result (criterion_met); when that cannot be
    judged (None), the officer's tick stays. criteria_met stays the count of criteria met."""
    require(actor, "ntm.assess", assessment.commune, _("Bạn chỉ nhập đánh giá cho xã mình phụ trách."))
    uploads = _check_evidence_uploads(assessment, evidence or {})
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().select_related("criteria_set").get(pk=assessment.pk)
        _refuse_if_locked(assessment)
        if assessment.status != AssessmentStatus.DRAFT:
            raise DomainError(_("Kết quả đã gửi tỉnh: chờ tỉnh duyệt hoặc trả lại để sửa."), code="submitted")
        check_version(assessment, expected_version)
        before = {**_assessment_snapshot(assessment), "indicator_values": _indicator_snapshot(assessment)}
        stored = {r.criterion.code: r for r in assessment.results.select_related("criterion")}
        unknown = set(results) - set(stored)
        if unknown:
            raise DomainError(_("Tiêu chí không thuộc bộ tiêu chí: %(c)s.") % {"c": ", ".join(sorted(unknown))})
        original = {code: (r.met, r.evidence) for code, r in stored.items()}
        for code, (met, evidence_text) in results.items():
            stored[code].met, stored[code].evidence = bool(met), (evidence_text or "").strip()
        _fill_commune_group(assessment)
        values_changed = _save_indicator_values(assessment, indicator_values or {}, actor=actor)
        _judge_criteria(assessment, stored)
        changed = [r for code, r in stored.items() if (r.met, r.evidence) != original[code]]
        CriterionResult.objects.bulk_update(changed, ["met", "evidence"])
        added = [
            _store_evidence(actor, assessment, indicator, upload, checked) for indicator, upload, checked in uploads
        ]
        if stored:  # a count-only set keeps the count recorded by ntm.level_services.record_count
            assessment.criteria_met = sum(1 for r in stored.values() if r.met)
        assessment.note = (note or "").strip()
        assessment.updated_at = timezone.now()
        after = {**_assessment_snapshot(assessment), "indicator_values": _indicator_snapshot(assessment)}
        if after != before or changed or values_changed or added:  # criterion evidence notes are not in the snapshot
            assessment.version += 1
        assessment.save(update_fields=["criteria_met", "commune_group", "note", "updated_at", "version"])
        if after != before:
            audit.record(
                actor=actor,
                action="ntm.assessment.saved",
                obj=assessment,
                area=assessment.commune,
                before=before,
                after=after,
            )
        for facts in added:
            audit.record(
                actor=actor, action="ntm.indicator.evidence_added", obj=assessment, area=assessment.commune, after=facts
            )
    return assessment


def _save_indicator_values(assessment, values: dict, *, actor=None) -> bool:
    """Stores the values (and notes) given, then judges every stored value against the threshold of the assessment's
    commune group. Whether any value, note or result changed."""
    from ntm.indicators import judge_indicator
    from ntm.models import Indicator

    indicators = {i.pk: i for i in Indicator.objects.filter(criterion__criteria_set_id=assessment.criteria_set_id)}
    stored = {v.indicator_id: v for v in assessment.indicator_values.all()}
    changed = False
    now = timezone.now()
    who = actor if getattr(actor, "is_authenticated", False) else None
    for indicator_id, given in values.items():
        if indicator_id not in indicators:
            raise DomainError(_("Chỉ tiêu không thuộc bộ tiêu chí."))
        value, value_note = given if isinstance(given, (tuple, list)) else (given, None)
        value = (value or "").strip()
        indicator = indicators[indicator_id]
        if len(value) > 100:
            raise DomainError(
                _("Giá trị của chỉ tiêu %(c)s dài quá 100 ký tự.") % {"c": indicator.code},
                field=f"indicator_{indicator_id}",
            )
        if value_note is not None:
            value_note = value_note.strip()
            if len(value_note) > 500:
                raise DomainError(
                    _("Ghi chú của chỉ tiêu %(c)s dài quá 500 ký tự.") % {"c": indicator.code},
                    field=f"indicator_note_{indicator_id}",
                )
        current = stored.get(indicator_id)
        if current is None:
            if not value and not value_note:
                continue
            current = IndicatorValue(assessment=assessment, indicator_id=indicator_id)
            stored[indicator_id] = current
        new_note = current.note if value_note is None else value_note
        if current.pk is None or (current.value, current.note) != (value, new_note):
            current.value, current.note = value, new_note
            current.updated_by, current.updated_at = who, now
            current.save()
            changed = True
    for indicator_id, current in stored.items():
        met = judge_indicator(indicators[indicator_id], assessment.commune_group, current.value)
        if current.met != met:
            current.met = met
            current.save(update_fields=["met"])
            changed = True
    return changed


# ---- indicators: judging criteria, evidence files (issue 18) ------------------------------------------------------

EVIDENCE_KINDS = ("pdf", "jpeg", "png", "docx", "xlsx")


def _indicator_snapshot(assessment) -> dict:
    """{indicator code: [value, note, met, evidence name]} of the values stored, for the audit entry."""
    return {
        f"{v.indicator.criterion.code}/{v.indicator.code}": [v.value, v.note, v.met, v.evidence_name]
        for v in assessment.indicator_values.select_related("indicator__criterion").order_by("indicator_id")
    }


def _fill_commune_group(assessment) -> None:
    """A draft of a group-based set whose commune had no group when it was started takes the group assigned since
    (on 31 December of its year)."""
    if assessment.criteria_set.uses_commune_groups and assessment.commune_group is None:
        found = commune_group_on(assessment.commune, year_end(assessment.year))
        if found is not None:
            assessment.commune_group = found.group


def _judge_criteria(assessment, stored: dict) -> None:
    """Under the rule "indicators", each criterion with indicators takes their result when it can be judged."""
    from ntm.indicators import criterion_met
    from ntm.models import Indicator

    rule = assessment.criteria_set.indicator_rule
    values = {v.indicator_id: v for v in assessment.indicator_values.all()}
    by_criterion: dict[int, list] = {}
    for indicator in Indicator.objects.filter(criterion__criteria_set_id=assessment.criteria_set_id):
        current = values.get(indicator.pk)
        by_criterion.setdefault(indicator.criterion_id, []).append((indicator, current.met if current else None))
    for result in stored.values():
        pairs = by_criterion.get(result.criterion_id)
        if not pairs:
            continue
        met = criterion_met(result.criterion, pairs, rule)
        if met is not None:
            result.met = met


def _evidence_indicator(assessment, indicator_id):
    from ntm.models import Indicator

    indicator = Indicator.objects.filter(pk=indicator_id, criterion__criteria_set_id=assessment.criteria_set_id).first()
    if indicator is None:
        raise DomainError(_("Chỉ tiêu không thuộc bộ tiêu chí."))
    return indicator


def _check_evidence_uploads(assessment, evidence: dict) -> list:
    """[(indicator, upload, checked)] for the files given; the first bad one refuses, naming its indicator."""
    from core.uploads import check_upload

    checked = []
    for indicator_id, upload in evidence.items():
        if upload is None:
            continue
        indicator = indicator_id if hasattr(indicator_id, "pk") else _evidence_indicator(assessment, indicator_id)
        if indicator.criterion.criteria_set_id != assessment.criteria_set_id:
            raise DomainError(_("Chỉ tiêu không thuộc bộ tiêu chí."))
        try:
            result = check_upload(upload, EVIDENCE_KINDS, field=f"indicator_file_{indicator.pk}")
        except DomainError as exc:
            raise DomainError(
                _("Minh chứng của chỉ tiêu %(c)s: %(m)s") % {"c": indicator.code, "m": exc.message},
                field=f"indicator_file_{indicator.pk}",
            ) from exc
        checked.append((indicator, upload, result))
    return checked


def _evidence_facts(value) -> dict:
    return {
        "indicator": f"{value.indicator.criterion.code}/{value.indicator.code}",
        "name": value.evidence_name,
        "content_type": value.evidence_type,
        "size": value.evidence_size,
        "file": value.evidence.name,
    }


def _lock_draft(actor, assessment) -> Assessment:
    require(actor, "ntm.assess", assessment.commune, _("Bạn chỉ nhập đánh giá cho xã mình phụ trách."))
    assessment = Assessment.objects.select_for_update().select_related("commune").get(pk=assessment.pk)
    _refuse_if_locked(assessment)
    if assessment.status != AssessmentStatus.DRAFT:
        raise DomainError(_("Kết quả đã gửi tỉnh: chờ tỉnh duyệt hoặc trả lại để sửa."), code="submitted")
    return assessment


def _store_evidence(actor, assessment, indicator, upload, checked) -> dict:
    """Stores the file as the indicator's evidence (a previous file is replaced, deleted once committed)."""
    import uuid
    from pathlib import PurePath

    value, _created = IndicatorValue.objects.get_or_create(assessment=assessment, indicator=indicator)
    value.indicator = indicator
    old_storage, old_name = value.evidence.storage, value.evidence.name
    stored_name = f"{uuid.uuid4().hex}{PurePath(checked.original_name).suffix.lower()}"
    value.evidence.save(stored_name, upload, save=False)
    try:
        value.evidence_name = checked.original_name
        value.evidence_type = checked.content_type
        value.evidence_size = checked.size
        value.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        value.updated_at = timezone.now()
        value.save()
    except BaseException:
        value.evidence.storage.delete(value.evidence.name)
        raise
    new_name = value.evidence.name
    if old_name and old_name != new_name:
        transaction.on_commit(lambda: old_storage.delete(old_name))
    return _evidence_facts(value)


def attach_indicator_evidence(*, actor, assessment: Assessment, indicator, upload) -> IndicatorValue:
    """One evidence file (PDF, JPEG, PNG, Word, Excel) for one indicator of a draft assessment; replaces the one
    before. Refused like save_assessment when the assessment is submitted or locked."""
    require(actor, "ntm.assess", assessment.commune, _("Bạn chỉ nhập đánh giá cho xã mình phụ trách."))
    if upload is None:
        raise DomainError(_("Chưa chọn tệp."), field=f"indicator_file_{indicator.pk}")
    ((indicator, upload, checked),) = _check_evidence_uploads(assessment, {indicator: upload})
    with transaction.atomic():
        assessment = _lock_draft(actor, assessment)
        facts = _store_evidence(actor, assessment, indicator, upload, checked)
        assessment.updated_at = timezone.now()
        assessment.version += 1
        assessment.save(update_fields=["updated_at", "version"])
        audit.record(
            actor=actor, action="ntm.indicator.evidence_added", obj=assessment, area=assessment.commune, after=facts
        )
    return IndicatorValue.objects.get(assessment=assessment, indicator=indicator)


def remove_indicator_evidence(*, actor, assessment: Assessment, indicator) -> IndicatorValue:
    """Takes the evidence file off an indicator of a draft assessment (the value and note stay)."""
    with transaction.atomic():
        assessment = _lock_draft(actor, assessment)
        value = (
            IndicatorValue.objects.select_for_update()
            .select_related("indicator__criterion")
            .filter(assessment=assessment, indicator=indicator)
            .first()
        )
        if value is None or not value.evidence:
            raise DomainError(_("Chỉ tiêu %(c)s chưa có tệp minh chứng.") % {"c": indicator.code})
        facts = _evidence_facts(value)
        storage, name = value.evidence.storage, value.evidence.name
        value.evidence = ""
        value.evidence_name, value.evidence_type, value.evidence_size = "", "", None
        value.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        value.updated_at = timezone.now()
        value.save()
        assessment.updated_at = timezone.now()
        assessment.version += 1
        assessment.save(update_fields=["updated_at", "version"])
        audit.record(
            actor=actor,
            action="ntm.indicator.evidence_removed",
            obj=assessment,
            area=assessment.commune,
            before=facts,
            after={},
        )
        transaction.on_commit(lambda: storage.delete(name))
    return value


def assessment_step(
    actor,
    assessment,
    *,
    queryset,
    snapshot,
    notify,
    locked_by,
    action,
    permission,
    message,
    expected,
    new_status,
    audit_action,
    reason="",
    **fields,
):
    """One step of an assessment's life (submit, return, approve, unlock), for a commune's or a village's: the same
    permission check, state check, closed-period lock, version bump, audit entry and notification."""
    require(actor, permission, assessment.commune, message)
    with transaction.atomic():
        assessment = queryset.select_for_update().get(pk=assessment.pk)
        if assessment.status not in expected:
            raise DomainError(
                _("Không thể %(a)s: kết quả đang ở trạng thái '%(s)s'.")
                % {"a": action, "s": assessment.get_status_display()}
            )
        period = closed_period_for(assessment.commune, assessment.year)
        if period is not None:
            raise DomainError(locked_by(assessment, period), code="locked")
        before = snapshot(assessment)
        assessment.status = new_status
        for name, value in fields.items():
            setattr(assessment, name, value)
        assessment.updated_at = timezone.now()
        assessment.version += 1  # a form opened before the step must not save over what followed it
        assessment.save()
        after = snapshot(assessment)
        if reason:
            after["reason"] = reason
        audit.record(
            actor=actor, action=audit_action, obj=assessment, area=assessment.commune, before=before, after=after
        )
        notify(assessment, audit_action, reason=reason, actor=actor)
    return assessment


def _transition(actor, assessment, **step):
    from notifications import events

    return assessment_step(
        actor,
        assessment,
        queryset=Assessment.objects.select_related("commune"),
        snapshot=_assessment_snapshot,
        notify=events.assessment_step,
        locked_by=lock_reason,
        **step,
    )


def submit_assessment(*, actor, assessment: Assessment) -> Assessment:
    return _transition(
        actor,
        assessment,
        action=_("gửi"),
        permission="ntm.assess",
        message=_("Bạn chỉ gửi đánh giá của xã mình phụ trách."),
        expected={AssessmentStatus.DRAFT},
        new_status=AssessmentStatus.SUBMITTED,
        audit_action="ntm.assessment.submitted",
        submitted_at=timezone.now(),
        submitted_by=audit.acting_user(actor),
    )


def return_assessment(*, actor, assessment: Assessment, reason: str) -> Assessment:
    if not (reason or "").strip():
        raise DomainError(_("Ghi lý do trả lại để xã biết cần sửa gì."), field="reason")
    return _transition(
        actor,
        assessment,
        action=_("trả lại"),
        permission="ntm.approve",
        message=_("Bạn không được duyệt đánh giá của xã này."),
        expected={AssessmentStatus.SUBMITTED},
        new_status=AssessmentStatus.DRAFT,
        audit_action="ntm.assessment.returned",
        reason=reason.strip(),
    )


def approve_assessment(*, actor, assessment: Assessment) -> Assessment:
    return _transition(
        actor,
        assessment,
        action=_("duyệt"),
        permission="ntm.approve",
        message=_("Bạn không được duyệt đánh giá của xã này."),
        expected={AssessmentStatus.SUBMITTED},
        new_status=AssessmentStatus.APPROVED,
        audit_action="ntm.assessment.approved",
        approved_at=timezone.now(),
        approved_by=audit.acting_user(actor),
    )


def unapprove_assessment(*, actor, assessment: Assessment, reason: str) -> Assessment:
    """Unlock an approved assessment: back to draft so the commune can correct it. A reason is required, audited."""
    if not (reason or "").strip():
        raise DomainError(_("Ghi lý do mở khóa."), field="reason")
    return _transition(
        actor,
        assessment,
        action=_("mở khóa"),
        permission="ntm.approve",
        message=_("Bạn không được mở khóa đánh giá của xã này."),
        expected={AssessmentStatus.APPROVED},
        new_status=AssessmentStatus.DRAFT,
        audit_action="ntm.assessment.unapproved",
        reason=reason.strip(),
        approved_at=None,
        approved_by=None,
        submitted_at=None,
        submitted_by=None,
    )


def record_imported_assessment(*, actor, commune, year: int, criteria_set, met: dict) -> str:
    """An import row: the assessment approved as given (source import). Returns created / updated / unchanged."""
    require(actor, "ntm.manage", commune, _("Bạn không được nhập dữ liệu nông thôn mới của xã này."))
    assessment = Assessment.objects.filter(commune=commune, year=year, criteria_set=criteria_set).first()
    criteria = {c.code: c for c in criteria_set.criteria.all()}
    count = sum(1 for code in criteria if met.get(code))
    if assessment is None:
        assessment = Assessment.objects.create(
            commune=commune,
            year=year,
            criteria_set=criteria_set,
            status=AssessmentStatus.APPROVED,
            source=Source.IMPORT,
            criteria_met=count,
            approved_at=timezone.now(),
            approved_by=audit.acting_user(actor),
        )
        CriterionResult.objects.bulk_create(
            CriterionResult(assessment=assessment, criterion=c, met=bool(met.get(code))) for code, c in criteria.items()
        )
        audit.record(
            actor=actor,
            action="ntm.assessment.imported",
            obj=assessment,
            area=commune,
            after=_assessment_snapshot(assessment),
        )
        return "created"
    results = {r.criterion_id: r for r in assessment.results.all()}
    changed, created = [], []
    for code, criterion in criteria.items():
        result = results.get(criterion.pk)
        if result is None:
            created.append(CriterionResult(assessment=assessment, criterion=criterion, met=bool(met.get(code))))
        elif result.met != bool(met.get(code)):
            result.met = bool(met.get(code))
            changed.append(result)
    if (
        not changed
        and not created
        and assessment.status == AssessmentStatus.APPROVED
        and assessment.criteria_met == count
    ):
        return "unchanged"
    before = _assessment_snapshot(assessment)
    CriterionResult.objects.bulk_update(changed, ["met"])
    CriterionResult.objects.bulk_create(created)
    assessment.criteria_met = count
    if assessment.status != AssessmentStatus.APPROVED:
        assessment.status = AssessmentStatus.APPROVED
        assessment.approved_at = timezone.now()
        assessment.approved_by = audit.acting_user(actor)
    assessment.source = Source.IMPORT
    assessment.updated_at = timezone.now()
    assessment.version += 1
    assessment.save()
    audit.record(
        actor=actor,
        action="ntm.assessment.imported",
        obj=assessment,
        area=commune,
        before=before,
        after=_assessment_snapshot(assessment),
    )
    return "updated"


# ---- recognitions -----------------------------------------------------------------------------------------------

RECOGNITION_FIELDS = ["level", "kind", "village", "decision_no", "decision_date", "effective_date", "source", "warning"]


def _nesting_warning(commune, level: str, day, held_rank=None) -> str:
    """Levels nest (kiểu mẫu ⊂ nâng cao ⊂ đạt chuẩn): a level whose lower level the commune does not hold on the day
    (its own decisions, or inherited from its predecessors) is recorded, with this warning (issue §9). `held_rank`
    (commune, day) → rank: the import's in-memory answer (ntm.bulk) instead of the database's."""
    if held_rank is None:
        from ntm.queries import held_rank

    rank = LEVEL_RANK[level]
    needed = rank - 1
    if needed < LEVEL_RANK[RecognitionLevel.DAT_CHUAN]:
        return ""
    held = held_rank(commune, day)
    if held is not None and held >= needed:
        return ""
    if level == RecognitionLevel.NANG_CAO:
        text = _("Xã chưa có quyết định công nhận đạt chuẩn nông thôn mới còn hiệu lực ngày %(d)s")
    else:
        text = _("Xã chưa có quyết định công nhận đạt chuẩn nông thôn mới nâng cao còn hiệu lực ngày %(d)s")
    return (
        text % {"d": _day(day)}
        + ": "
        + _("các mức lồng nhau (kiểu mẫu ⊂ nâng cao ⊂ đạt chuẩn), hãy bổ sung quyết định mức thấp hơn nếu có.")
    )


def _acknowledgement_basis(commune, follows_from, standings=None) -> tuple[list, list[str]]:
    """The communes a thừa nhận follows from (default: the commune's recorded predecessors), and warnings on them.
    `standings`: the commune's ntm.queries.predecessor_standings when the caller has them (the import, in bulk)."""
    if standings is None:
        from ntm.queries import predecessor_standings

        standings = predecessor_standings(commune)
    recorded = {p.unit.pk: p for p in standings}
    units = list(follows_from) if follows_from else [p.unit for p in standings]
    if not units:
        raise DomainError(
            _("%(c)s không có xã trước sắp xếp trong danh mục: ghi các xã mà quyết định thừa nhận kế thừa.")
            % {"c": commune.name},
            field="follows_from",
        )
    for unit in units:
        if unit.level != Level.COMMUNE:
            raise DomainError(_("%(u)s không phải đơn vị cấp xã.") % {"u": unit.name}, field="follows_from")
        if recorded and unit.pk not in recorded:
            raise DomainError(
                _("%(u)s không phải xã trước sắp xếp của %(c)s.") % {"u": unit.name, "c": commune.name},
                field="follows_from",
            )
    warnings = []
    if recorded:
        not_held = [recorded[u.pk].unit.name for u in units if recorded[u.pk].recognition is None]
        if not_held:
            warnings.append(
                _("Chưa được công nhận ngày %(d)s: %(names)s (thông lệ: chỉ thừa nhận khi mọi xã đều đạt chuẩn).")
                % {"d": _day(INHERITANCE_DAY), "names": ", ".join(not_held)}
            )
        left_out = [p.unit.name for p in standings if p.unit.pk not in {u.pk for u in units}]
        if left_out:
            warnings.append(_("Quyết định không gồm các xã trước sắp xếp: %(names)s.") % {"names": ", ".join(left_out)})
    return units, warnings


def record_recognition(
    *,
    actor,
    commune,
    level: str,
    decision_no: str = "",
    decision_date: datetime.date | None = None,
    year: int | None = None,
    village="",
    source: str = Source.ENTRY,
    kind: str = RecognitionKind.CONG_NHAN,
    follows_from=None,
) -> tuple[Recognition, bool]:
    """A recognition decision; the same (commune, village, level, kind, decision) again is found, not duplicated.

    Without a decision date (an import row may omit it) the recognition counts from 31 December of `year`.
    A "thừa nhận" (kind) is a commune-level decision for a commune formed by merging; `follows_from` names the
    communes it follows from (default: its recorded predecessors). What is odd but allowed (a level above one not on
    record; a thừa nhận over predecessors that were not all recognised) is kept in `warning`, never refused.

    `village` is a name, or a registry village (ntm.Village) that must lie in `commune` on the day the decision counts
    from; its name is then kept beside the link, so name-only readers keep working.
    """
    from ntm.models import Village

    require(actor, "ntm.manage", commune, _("Bạn không được ghi quyết định công nhận cho xã này."))
    village_ref = village if isinstance(village, Village) else None
    village, effective = _check_recognition(
        commune, level, kind, village_ref.name if village_ref else village, decision_date, year
    )
    if village_ref is not None:
        from ntm.village_queries import village_commune_on

        placed = village_commune_on(village_ref, effective)
        if placed is None or placed.pk != commune.pk:
            raise DomainError(
                _("%(v)s không thuộc %(c)s ngày %(d)s.") % {"v": village_ref, "c": commune.name, "d": _day(effective)},
                field="village",
            )
    decision_no = " ".join((decision_no or "").split())
    with transaction.atomic():
        existing = Recognition.objects.filter(
            commune=commune,
            village=village,
            level=level,
            kind=kind,
            decision_no=decision_no,
            decision_date=decision_date,
        )
        if decision_date is None:
            existing = existing.filter(effective_date=effective)
        if village_ref is not None:
            existing = existing.filter(village_ref=village_ref)
        found = existing.first()
        if found is not None:
            return found, False
        units, warnings = [], []
        if kind == RecognitionKind.THUA_NHAN:
            units, warnings = _acknowledgement_basis(commune, follows_from)
        elif level in COMMUNE_LEVELS:
            warnings.append(_nesting_warning(commune, level, effective))
        recognition = _new_recognition(commune, village, level, kind, decision_no, decision_date, effective, source)
        recognition.village_ref = village_ref
        recognition.warning = " ".join(w for w in warnings if w)
        recognition.save()
        if units:
            recognition.follows_from.set(units)
        audit.record(**_recognition_entry(actor, recognition, units))
        if source == Source.ENTRY:  # an import of past decisions would flood the bell with old news
            from notifications import events

            events.ntm_recognition_recorded(recognition, actor=actor)
    return recognition, True


def _check_recognition(commune, level, kind, village, decision_date, year) -> tuple[str, datetime.date]:
    """The rules of one recognition that need no database (record_recognition and the import's bulk path): the
    village name as kept and the day it counts from; DomainError on a refusal."""
    if level not in RecognitionLevel.values:
        raise DomainError(
            _("Mức công nhận '%(l)s' không hợp lệ (dùng: %(v)s).")
            % {"l": level, "v": ", ".join(RecognitionLevel.values)},
            field="level",
        )
    if kind not in RecognitionKind.values:
        raise DomainError(_("Loại quyết định không hợp lệ."), field="kind")
    village = " ".join((village or "").split())
    if level in VILLAGE_LEVELS and not village:
        raise DomainError(_("Ghi tên thôn, bản được công nhận."), field="village")
    if level in COMMUNE_LEVELS and village:
        raise DomainError(_("Quyết định công nhận xã không ghi tên thôn, bản."), field="village")
    if kind == RecognitionKind.THUA_NHAN and level not in COMMUNE_LEVELS:
        raise DomainError(_("Quyết định thừa nhận chỉ dành cho xã (không cho thôn, bản)."), field="level")
    if commune.level != Level.COMMUNE or not commune.is_rural_commune:
        raise DomainError(
            _("Chỉ xã được công nhận nông thôn mới (không áp dụng cho phường, thị trấn)."), field="commune"
        )
    if decision_date is None and year is None:
        raise DomainError(_("Ghi ngày quyết định."), field="decision_date")
    effective = decision_date or year_end(year)
    if not commune.is_valid_on(effective):
        raise DomainError(
            _("%(c)s không có hiệu lực ngày %(d)s.") % {"c": commune.name, "d": _day(effective)}, field="commune"
        )
    return village, effective


def _new_recognition(commune, village, level, kind, decision_no, decision_date, effective, source) -> Recognition:
    """The unsaved decision (its warning is the caller's to set)."""
    return Recognition(
        commune=commune,
        village=village,
        level=level,
        kind=kind,
        rank=LEVEL_RANK.get(level),
        decision_no=decision_no,
        decision_date=decision_date,
        effective_date=effective,
        source=source,
    )


def _recognition_entry(actor, recognition: Recognition, units) -> dict:
    """The keyword arguments of a recorded decision's audit entry (audit.record, or audit.build for the bulk path)."""
    after = audit.snapshot(recognition, RECOGNITION_FIELDS)
    if recognition.village_ref_id:
        after["village_ref"] = recognition.village_ref_id
    if units:
        after["follows_from"] = [str(u.area_id) for u in units]
    return {
        "actor": actor,
        "action": "ntm.recognition.acknowledged"
        if recognition.kind == RecognitionKind.THUA_NHAN
        else "ntm.recognition.recorded",
        "obj": recognition,
        "area": recognition.commune,
        "after": after,
    }


def record_acknowledgement(
    *, actor, commune, level: str, decision_no: str, decision_date: datetime.date, follows_from=None, **kwargs
) -> tuple[Recognition, bool]:
    """The province's "thừa nhận" decision for a commune formed by merging (it ends any inherited level)."""
    return record_recognition(
        actor=actor,
        commune=commune,
        level=level,
        decision_no=decision_no,
        decision_date=decision_date,
        kind=RecognitionKind.THUA_NHAN,
        follows_from=follows_from,
        **kwargs,
    )


def revoke_recognition(
    *, actor, recognition: Recognition, revoked_on: datetime.date, reason: str, decision_no: str = ""
) -> Recognition:
    require(actor, "ntm.manage", recognition.commune, _("Bạn không được thu hồi quyết định công nhận của xã này."))
    if not (reason or "").strip():
        raise DomainError(_("Ghi lý do thu hồi."), field="reason")
    with transaction.atomic():
        recognition = Recognition.objects.select_for_update().select_related("commune").get(pk=recognition.pk)
        if recognition.revoked_on is not None:
            raise DomainError(
                _("Quyết định công nhận này đã bị thu hồi từ %(d)s.") % {"d": _day(recognition.revoked_on)}
            )
        if revoked_on < recognition.effective_date:
            raise DomainError(_("Ngày thu hồi phải sau ngày công nhận."), field="revoked_on")
        recognition.revoked_on = revoked_on
        recognition.revocation_reason = reason.strip()
        recognition.revocation_decision_no = " ".join((decision_no or "").split())
        recognition.save(update_fields=["revoked_on", "revocation_reason", "revocation_decision_no"])
        audit.record(
            actor=actor,
            action="ntm.recognition.revoked",
            obj=recognition,
            area=recognition.commune,
            after=audit.snapshot(recognition, ["revoked_on", "revocation_reason", "revocation_decision_no"]),
        )
    return recognition


# ---- reminders --------------------------------------------------------------------------------------------------


def remind_missing(*, actor, area, year: int) -> int:
    """Notify the commune officers of the area's communes that have not reported `year`; once a day at most."""
    from django.urls import reverse

    from accounts.models import Membership
    from accounts.roles import Role
    from notifications.services import Message, notify_many
    from ntm.queries import missing_communes

    require(actor, "ntm.approve", area, _("Bạn không được nhắc các xã của địa bàn này."))
    communes = list(missing_communes(area, year))
    today = timezone.localdate()
    ids = {c.pk for c in communes}
    # a commune officer may hold the commune itself or its counterpart across the 2025 reform
    counterparts = {pk: {pk} for pk in ids}
    for pred, succ in Succession.objects.filter(Q(predecessor_id__in=ids) | Q(successor_id__in=ids)).values_list(
        "predecessor_id", "successor_id"
    ):
        for own, other in ((pred, succ), (succ, pred)):
            if own in counterparts:
                counterparts[own].add(other)
    with transaction.atomic():
        memberships = (
            Membership.objects.active()
            .filter(role=Role.COMMUNE_OFFICER, area__in=set().union(*counterparts.values()) if counterparts else [])
            .select_related("user")
        )
        by_area = {}
        for m in memberships:
            by_area.setdefault(m.area_id, []).append(m.user)
        messages = []
        for commune in communes:
            users = [u for pk in counterparts[commune.pk] for u in by_area.get(pk, [])]
            for user in users:
                messages.append(
                    Message(
                        user=user,
                        kind="ntm.reminder",
                        title=_("Nhắc báo cáo tiêu chí nông thôn mới năm %(y)s") % {"y": year},
                        body=_("%(c)s chưa gửi kết quả đánh giá tiêu chí nông thôn mới năm %(y)s.")
                        % {"c": commune.name, "y": year},
                        url=reverse("ntm:commune", args=[str(commune.area_id)]) + f"?year={year}",
                        dedupe_key=f"ntm-remind:{commune.pk}:{year}:{today.isoformat()}",
                    )
                )
        created = notify_many(messages)
        if created:
            audit.record(
                actor=actor,
                action="ntm.reminder.sent",
                area=area,
                object_type_label="ntm.reminder",
                object_id=f"{area.area_id}:{year}",
                label=f"{area.name} · {year}",
                after={"communes": [str(c.area_id) for c in communes], "notifications": len(created)},
            )
    return len(created)
