"""Assessments: draft → submitted → approved (locked); scope, roles, reasons, audit; groups; reminders."""

import datetime

import pytest

from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from notifications.models import Notification
from ntm import services
from ntm.models import Assessment, CommuneGroupAssignment
from ntm.queries import missing_communes

pytestmark = pytest.mark.django_db


@pytest.fixture
def thanh_nua(unit):
    return unit("2025:03328")


@pytest.fixture
def draft(commune_officer, thanh_nua):
    assessment, created = services.start_assessment(actor=commune_officer, commune=thanh_nua, year=2025)
    assert created
    return assessment


def fill(officer, assessment, met: int):
    codes = [c.code for c in assessment.criteria_set.criteria.all()]
    results = {code: (i < met, f"minh chứng {code}") for i, code in enumerate(codes)}
    return services.save_assessment(actor=officer, assessment=assessment, results=results, note="")


def test_commune_officer_enters_and_submits_province_approves(draft, commune_officer, province_officer):
    assert draft.criteria_set.code == "ntm-2021"
    assert draft.results.count() == 19
    fill(commune_officer, draft, 15)
    draft.refresh_from_db()
    assert draft.criteria_met == 15
    services.submit_assessment(actor=commune_officer, assessment=draft)
    with pytest.raises(DomainError):
        fill(commune_officer, draft, 19)  # submitted: waiting for the province
    approved = services.approve_assessment(actor=province_officer, assessment=draft)
    assert approved.status == "approved" and approved.approved_by == province_officer
    reason = services.lock_reason(approved)
    assert "tinh" in reason and "duyệt" in reason
    with pytest.raises(DomainError) as caught:
        fill(commune_officer, approved, 19)
    assert caught.value.code == "locked"
    actions = list(
        AuditEntry.objects.filter(object_type="ntm.assessment", object_id=str(draft.pk)).values_list(
            "action", flat=True
        )
    )
    assert {
        "ntm.assessment.created",
        "ntm.assessment.saved",
        "ntm.assessment.submitted",
        "ntm.assessment.approved",
    } <= set(actions)


def test_commune_officer_cannot_approve_or_touch_another_commune(draft, commune_officer, other_commune_officer, unit):
    fill(commune_officer, draft, 10)
    services.submit_assessment(actor=commune_officer, assessment=draft)
    with pytest.raises(PermissionRefused):
        services.approve_assessment(actor=commune_officer, assessment=draft)
    with pytest.raises(PermissionRefused):
        services.start_assessment(actor=commune_officer, commune=unit("2025:03334"), year=2025)
    with pytest.raises(PermissionRefused):
        services.start_assessment(actor=other_commune_officer, commune=draft.commune, year=2024)
    assert not Assessment.objects.for_user(other_commune_officer, "ntm.view").exists()


def test_other_province_cannot_approve(draft, commune_officer, other_province_officer):
    fill(commune_officer, draft, 10)
    services.submit_assessment(actor=commune_officer, assessment=draft)
    with pytest.raises(PermissionRefused):
        services.approve_assessment(actor=other_province_officer, assessment=draft)


def test_unapproving_needs_a_reason_and_is_audited(draft, commune_officer, province_officer):
    fill(commune_officer, draft, 10)
    services.submit_assessment(actor=commune_officer, assessment=draft)
    services.approve_assessment(actor=province_officer, assessment=draft)
    with pytest.raises(DomainError):
        services.unapprove_assessment(actor=province_officer, assessment=draft, reason="  ")
    services.unapprove_assessment(actor=province_officer, assessment=draft, reason="Sai số liệu tiêu chí 10")
    draft.refresh_from_db()
    assert draft.status == "draft" and services.lock_reason(draft) == ""
    entry = AuditEntry.objects.get(action="ntm.assessment.unapproved")
    assert entry.after["reason"] == "Sai số liệu tiêu chí 10"
    assert entry.actor == province_officer
    fill(commune_officer, draft, 12)  # editable again


def test_a_closed_period_locks_with_its_reason(draft, commune_officer, province_officer, unit):
    period = services.close_period(actor=province_officer, province=unit("2025:11"), year=2025)
    reason = services.lock_reason(draft)
    assert "2025" in reason and "khóa" in reason
    with pytest.raises(DomainError):
        fill(commune_officer, draft, 3)
    with pytest.raises(DomainError):
        services.submit_assessment(actor=commune_officer, assessment=draft)
    services.reopen_period(actor=province_officer, period=period, reason="Bổ sung số liệu")
    fill(commune_officer, draft, 3)


def test_phuong_is_not_assessed(system_admin, unit):
    with pytest.raises(DomainError):
        services.start_assessment(actor=system_admin, commune=unit("2025:03334"), year=2025)  # Phường Mường Thanh


def test_commune_group_history_is_kept_and_used(province_officer, commune_officer, thanh_nua):
    services.set_commune_group(
        actor=province_officer,
        commune=thanh_nua,
        group=3,
        valid_from=datetime.date(2026, 2, 15),
        decided_by="12/QĐ-UBND",
        reason="Xã khu vực III",
    )
    services.set_commune_group(
        actor=province_officer,
        commune=thanh_nua,
        group=2,
        valid_from=datetime.date(2027, 1, 1),
        decided_by="40/QĐ-UBND",
        reason="Ra khỏi khu vực III",
    )
    assert CommuneGroupAssignment.objects.filter(commune=thanh_nua).count() == 2
    assert services.commune_group_on(thanh_nua, datetime.date(2026, 12, 31)).group == 3
    assessment, _ = services.start_assessment(actor=commune_officer, commune=thanh_nua, year=2026)
    assert assessment.criteria_set.code == "ntm-2026" and assessment.commune_group == 3
    assert AuditEntry.objects.filter(action="ntm.commune_group.set").count() == 2
    with pytest.raises(PermissionRefused):
        services.set_commune_group(
            actor=commune_officer, commune=thanh_nua, group=1, valid_from=datetime.date(2026, 3, 1), decided_by="x"
        )


def test_reminders_reach_commune_officers_once_a_day(province_officer, commune_officer, unit):
    area = unit("2025:11")
    assert missing_communes(area, 2025).filter(pk=unit("2025:03328").pk).exists()
    sent = services.remind_missing(actor=province_officer, area=area, year=2025)
    assert sent == 1
    assert Notification.objects.filter(user=commune_officer, kind="ntm.reminder").count() == 1
    assert services.remind_missing(actor=province_officer, area=area, year=2025) == 0
    with pytest.raises(PermissionRefused):
        services.remind_missing(actor=commune_officer, area=area, year=2025)


def test_submitted_commune_is_no_longer_missing(draft, commune_officer, unit):
    fill(commune_officer, draft, 5)
    services.submit_assessment(actor=commune_officer, assessment=draft)
    assert not missing_communes(unit("2025:11"), 2025).filter(pk=draft.commune_id).exists()


def test_imported_assessment_is_locked_and_says_so(tmp_path, province_officer):
    from ntm.imports import import_ntm
    from ntm.tests.helpers import dien_bien_communes, row_2021, write_csv

    import_ntm(write_csv(tmp_path / "a.csv", [row_2021(dien_bien_communes()[0], 19)]), actor=province_officer)
    assessment = Assessment.objects.get()
    assert (assessment.status, assessment.source, assessment.approved_by) == ("approved", "import", province_officer)
    assert "nhập từ bảng tính" in services.lock_reason(assessment) and "tinh" in services.lock_reason(assessment)
