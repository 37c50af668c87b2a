"""Two people filling the same NTM self-assessment: the second save, from a page opened before the first save, is
refused with a message instead of silently overwriting the other's answers. Issue 14."""

import pytest

from core.concurrency import StaleEdit
from ntm import services
from ntm.forms import AssessmentForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(commune_officer, unit):
    assessment, _ = services.start_assessment(actor=commune_officer, commune=unit("2025:03328"), year=2025)
    return assessment


def results(assessment, met: int, evidence: str) -> dict:
    codes = [c.code for c in assessment.criteria_set.criteria.all()]
    return {code: (i < met, evidence) for i, code in enumerate(codes)}


def test_a_save_on_a_stale_version_is_refused(draft, commune_officer, province_officer):
    opened_at = draft.version
    services.save_assessment(
        actor=commune_officer, assessment=draft, results=results(draft, 10, "xã"), expected_version=opened_at
    )
    with pytest.raises(StaleEdit) as refusal:
        services.save_assessment(
            actor=commune_officer, assessment=draft, results=results(draft, 19, "khác"), expected_version=opened_at
        )
    assert refusal.value.status == 409 and "Hãy tải lại trang" in refusal.value.message
    draft.refresh_from_db()
    assert draft.criteria_met == 10 and draft.version == opened_at + 1


def test_an_evidence_only_change_moves_the_version(draft, commune_officer):
    services.save_assessment(actor=commune_officer, assessment=draft, results=results(draft, 0, "a"))
    draft.refresh_from_db()
    opened_at = draft.version
    services.save_assessment(actor=commune_officer, assessment=draft, results=results(draft, 0, "b"))
    draft.refresh_from_db()
    assert draft.version == opened_at + 1
    # saving the same answers again changes nothing, so a colleague's open page stays valid
    services.save_assessment(actor=commune_officer, assessment=draft, results=results(draft, 0, "b"))
    draft.refresh_from_db()
    assert draft.version == opened_at + 1


def test_a_step_back_and_forth_makes_an_older_page_stale(draft, commune_officer, province_officer):
    opened_at = draft.version
    services.submit_assessment(actor=commune_officer, assessment=draft)
    services.return_assessment(actor=province_officer, assessment=draft, reason="Thiếu minh chứng")
    with pytest.raises(StaleEdit):
        services.save_assessment(
            actor=commune_officer, assessment=draft, results=results(draft, 3, "x"), expected_version=opened_at
        )


def test_the_assessment_page_refuses_the_second_of_two_saves(client, draft, commune_officer):
    client.force_login(commune_officer)
    page = client.get(f"/ntm/assessments/{draft.pk}/").content.decode()
    assert f'name="version" value="{draft.version}"' in page
    criteria = list(draft.criteria_set.criteria.all())
    first = {"version": draft.version, "note": "lần 1", f"met_{criteria[0].code}": "on"}
    assert client.post(f"/ntm/assessments/{draft.pk}/", first).status_code == 302
    second = {"version": draft.version, "note": "lần 2", f"met_{criteria[1].code}": "on"}
    response = client.post(f"/ntm/assessments/{draft.pk}/", second)
    assert response.status_code == 200
    assert "Bản ghi đã được xa sửa lúc" in response.content.decode()
    draft.refresh_from_db()
    assert draft.note == "lần 1" and draft.criteria_met == 1


def test_the_form_knows_the_version_it_was_read_at(draft):
    criteria = list(draft.criteria_set.criteria.all())
    form = AssessmentForm({"version": draft.version + 5}, assessment=draft, criteria=criteria)
    assert not form.is_valid() and "Hãy tải lại trang" in str(form.non_field_errors())
    form = AssessmentForm({}, assessment=draft, criteria=criteria)  # no version sent: no check
    assert form.is_valid() and form.expected_version() is None
