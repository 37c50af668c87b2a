"""The advisory team's review before the council scores (26/2026 Điều 7.3.c–d): requests for additions (the producer
and the commune officer told), site surveys, the report to the chair, the report gate, who may write, the pages and
the API."""

import datetime

import pytest
from django.utils import timezone

from conftest import make_user
from core.errors import DomainError, NotFound, PermissionRefused
from core.models import AuditEntry
from evaluation import advisory, council
from evaluation.council_models import AdditionRequest, AdvisoryReview, CouncilMember, ReviewStatus, SiteSurvey
from evaluation.tests.scoring_setup import build_round, score, score_all
from notifications.models import Notification

pytestmark = pytest.mark.django_db
API = "/api/v1/evaluation"


def today():
    return timezone.localdate()


@pytest.fixture
def setting(province_officer, unit):
    rnd, (item,), people = build_round(province_officer, unit, products=("Chè Shan tuyết",))
    return rnd, item, people


def report(item, people, who="tu.van"):
    return advisory.write_report(
        actor=people[who], item=item, summary="Hồ sơ đủ thành phần.", recommendation="Đề nghị hội đồng chấm điểm."
    )


# ── Rules by date ──────────────────────────────────────────────────────────────────────────────────────────────────


def test_26_2026_applies_from_22_may_2026():
    assert not advisory.follows_26_2026(datetime.date(2026, 5, 21))
    assert advisory.follows_26_2026(datetime.date(2026, 5, 22))
    assert advisory.follows_26_2026(datetime.date(2027, 1, 1))
    assert not advisory.follows_26_2026(datetime.date(2024, 1, 1))


# ── Requests for additions ─────────────────────────────────────────────────────────────────────────────────────────


def test_a_request_for_additions_tells_the_producer_and_the_commune_officer(
    setting, producer, commune_officer, other_commune_officer
):
    rnd, item, people = setting
    item.product.producer.accounts.add(producer)
    due = today() + datetime.timedelta(days=10)
    request = advisory.request_additions(
        actor=people["tu.van"], item=item, missing="Phiếu kiểm nghiệm chỉ tiêu vi sinh", due_on=due
    )
    review = AdvisoryReview.objects.get(item=item)
    assert review.status == ReviewStatus.ADDITIONS_REQUESTED and request.due_on == due
    told = {n.user.username: n for n in Notification.objects.filter(kind=advisory.NOTIFY_KIND)}
    assert set(told) == {"chuthe", "xa"}  # not the other commune's officer, not the council
    assert "Phiếu kiểm nghiệm chỉ tiêu vi sinh" in told["xa"].body and due.strftime("%d/%m/%Y") in told["xa"].body
    assert told["chuthe"].url == f"/products/{item.product_id}/"
    entry = AuditEntry.objects.get(action="evaluation.advisory.additions_requested")
    assert entry.after["notified"] == ["chuthe", "xa"] and entry.area_id == rnd.province_id


def test_the_review_moves_draft_requested_received_reported(setting):
    rnd, item, people = setting
    team = people["tu.van"]
    first = advisory.request_additions(actor=team, item=item, missing="Bản công bố chất lượng", due_on=today())
    with pytest.raises(DomainError, match="chưa nhận"):
        report(item, people)  # a request still open
    advisory.record_additions_received(actor=team, request=first, received_on=today(), note="Đã nộp bản sao")
    assert advisory.review_of(item).status == ReviewStatus.ADDITIONS_RECEIVED
    second = advisory.request_additions(actor=team, item=item, missing="Hợp đồng liên kết", due_on=today())
    assert advisory.review_of(item).status == ReviewStatus.ADDITIONS_REQUESTED
    with pytest.raises(DomainError, match="đã được ghi nhận"):
        advisory.record_additions_received(actor=team, request=first, received_on=today())
    advisory.record_additions_received(actor=team, request=second, received_on=today())
    review = report(item, people)
    assert (review.status, review.reported_by, review.summary) == (
        ReviewStatus.REPORTED,
        team,
        "Hồ sơ đủ thành phần.",
    )
    with pytest.raises(DomainError, match="đã gửi báo cáo"):
        advisory.request_additions(actor=team, item=item, missing="Thêm nữa", due_on=today())
    assert AdditionRequest.objects.filter(review=review).count() == 2
    # A correction of the report is audited as such, before/after kept.
    advisory.write_report(actor=team, item=item, summary="Hồ sơ đủ, đã bổ sung.", recommendation="Chấm điểm.")
    corrected = AuditEntry.objects.get(action="evaluation.advisory.report_corrected")
    assert (
        corrected.before["summary"] == "Hồ sơ đủ thành phần." and corrected.after["summary"] == "Hồ sơ đủ, đã bổ sung."
    )


def test_bad_input_is_refused_with_the_field_and_nothing_written(setting):
    rnd, item, people = setting
    team = people["tu.van"]
    for kwargs, field in [
        ({"missing": "  ", "due_on": today()}, "missing"),
        ({"missing": "Nhãn", "due_on": today() - datetime.timedelta(days=1)}, "due_on"),
        ({"missing": "Nhãn", "due_on": None}, "due_on"),
    ]:
        with pytest.raises(DomainError) as refused:
            advisory.request_additions(actor=team, item=item, **kwargs)
        assert refused.value.field == field
    assert not AdvisoryReview.objects.exists() and not Notification.objects.filter(kind=advisory.NOTIFY_KIND).exists()
    request = advisory.request_additions(actor=team, item=item, missing="Nhãn", due_on=today())
    with pytest.raises(DomainError) as refused:
        advisory.record_additions_received(
            actor=team, request=request, received_on=today() + datetime.timedelta(days=1)
        )
    assert refused.value.field == "received_on"
    with pytest.raises(DomainError) as refused:
        advisory.record_additions_received(
            actor=team, request=request, received_on=today() - datetime.timedelta(days=3)
        )
    assert refused.value.field == "received_on" and "trước ngày đề nghị" in refused.value.message
    with pytest.raises(DomainError) as refused:
        advisory.write_report(actor=team, item=item, summary="", recommendation="x")
    assert refused.value.field == "summary"
    request.refresh_from_db()
    assert request.is_open and advisory.review_of(item).status == ReviewStatus.ADDITIONS_REQUESTED


# ── Site surveys ───────────────────────────────────────────────────────────────────────────────────────────────────


def test_a_site_survey_is_scheduled_then_its_findings_recorded_before_the_report(setting):
    rnd, item, people = setting
    team = people["tu.van"]
    soon = today() + datetime.timedelta(days=3)
    planned = advisory.schedule_survey(actor=team, item=item, surveyed_on=soon, participants="Tổ tư vấn, cán bộ xã")
    with pytest.raises(DomainError, match="chưa diễn ra"):
        advisory.record_survey_findings(actor=team, survey=planned, findings="Cơ sở đạt")
    with pytest.raises(DomainError) as refused:
        advisory.schedule_survey(actor=team, item=item, surveyed_on=soon, participants="A", findings="trước khi đi")
    assert refused.value.field == "findings"
    with pytest.raises(DomainError, match="chưa có kết quả"):
        report(item, people)
    SiteSurvey.objects.filter(pk=planned.pk).update(surveyed_on=today())  # the day came
    advisory.record_survey_findings(actor=team, survey=planned, findings="Nhà xưởng đạt yêu cầu vệ sinh")
    done = advisory.schedule_survey(
        actor=team, item=item, surveyed_on=today(), participants="Sở NN&MT", findings="Vùng nguyên liệu đúng hồ sơ"
    )
    assert done.recorded_by == team and done.recorded_at is not None
    assert report(item, people).status == ReviewStatus.REPORTED
    assert AuditEntry.objects.filter(action="evaluation.advisory.survey_recorded").count() == 1
    assert AuditEntry.objects.filter(action="evaluation.advisory.survey_scheduled").count() == 2


# ── The report gate ────────────────────────────────────────────────────────────────────────────────────────────────


def test_the_council_scores_only_after_the_report_under_26_2026(setting, province_officer):
    rnd, item, people = setting
    assert advisory.requires_review(rnd)
    with pytest.raises(DomainError) as refused:
        advisory.require_report(item)
    assert refused.value.code == "advisory_report_missing" and "Chè Shan tuyết" in refused.value.message
    advisory.require_report(item, role="advisory")  # the team's own working sheet is not held back
    advisory.request_additions(actor=people["tu.van"], item=item, missing="Nhãn", due_on=today())
    with pytest.raises(DomainError):
        advisory.require_report(item)  # a review under way is not a report
    for request in AdditionRequest.objects.all():
        advisory.record_additions_received(actor=people["tu.van"], request=request, received_on=today())
    report(item, people)
    advisory.require_report(item)  # the report exists: scoring may go ahead


def test_a_round_before_26_2026_does_not_wait_for_the_report(setting, province_officer, unit):
    rnd, item, people = setting
    old = council.create_round(
        actor=province_officer,
        province=unit("2025:11"),
        title="Đợt 1/2026 (trước 26/2026)",
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 3, 30),
        criteria_set=rnd.criteria_set,
        historical=True,
    )
    old_item = council.add_product(actor=province_officer, evaluation_round=old, product=item.product)
    assert not advisory.requires_review(old)
    advisory.require_report(old_item)  # nothing raised


def test_the_review_is_frozen_once_the_sheets_are_locked(setting):
    rnd, item, people = setting
    report(item, people)
    score_all(item, people, {u: (2, 2, 1) for u in ("chu.tich", "tv1", "tv2", "tv3")}, approve=False)
    with pytest.raises(DomainError, match="khoá phiếu"):
        advisory.write_report(actor=people["tu.van"], item=item, summary="Khác", recommendation="Khác")
    assert advisory.review_of(item).summary == "Hồ sơ đủ thành phần."


# ── Who writes ─────────────────────────────────────────────────────────────────────────────────────────────────────


def test_only_the_advisory_team_and_the_province_office_write_the_review(
    setting, province_officer, other_province_officer, council_member
):
    rnd, item, people = setting
    for actor in (people["tv1"], people["chu.tich"], people["thu.ky"]):
        with pytest.raises(PermissionRefused):
            advisory.request_additions(actor=actor, item=item, missing="Nhãn", due_on=today())
    for actor in (other_province_officer, council_member):  # outside the round and the province office: 404
        with pytest.raises(NotFound):
            advisory.write_report(actor=actor, item=item, summary="x", recommendation="y")
    assert not AdvisoryReview.objects.exists()
    report(item, {"tinh": province_officer}, who="tinh")  # the provincial OCOP office
    assert advisory.review_of(item).reported_by == province_officer


# ── Pages and API ──────────────────────────────────────────────────────────────────────────────────────────────────


def test_the_pages_show_the_review_and_refuse_bad_input_where_it_is(
    client, setting, province_officer, other_province_officer
):
    rnd, item, people = setting
    client.force_login(people["tu.van"])
    page = client.get(f"/evaluation/items/{item.pk}/advisory/")
    assert page.status_code == 200 and b'data-testid="request-form"' in page.content
    bad = client.post(
        f"/evaluation/items/{item.pk}/advisory/requests/", {"missing": "Nhãn hàng hoá", "due_on": "31/02/2026"}
    )
    assert bad.status_code == 400 and "is-invalid" in bad.content.decode()
    past = (today() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    bad = client.post(f"/evaluation/items/{item.pk}/advisory/requests/", {"missing": "Nhãn hàng hoá", "due_on": past})
    assert bad.status_code == 400 and "đã qua" in bad.content.decode()
    assert not AdditionRequest.objects.exists()
    good = client.post(
        f"/evaluation/items/{item.pk}/advisory/requests/",
        {"missing": "Nhãn hàng hoá", "due_on": today().strftime("%d/%m/%Y")},
    )
    assert good.status_code == 302 and AdditionRequest.objects.count() == 1
    request = AdditionRequest.objects.get()
    client.post(
        f"/evaluation/items/{item.pk}/advisory/requests/{request.pk}/received/",
        {"received_on": today().strftime("%d/%m/%Y")},
    )
    response = client.post(
        f"/evaluation/items/{item.pk}/advisory/report/",
        {"summary": "Hồ sơ đã bổ sung nhãn.", "recommendation": "Hội đồng chấm điểm."},
    )
    assert response.status_code == 302 and advisory.has_report(item)
    # A member reads the report but has no forms; the chair sees it on the round's advisory page.
    client.force_login(people["tv1"])
    page = client.get(f"/evaluation/items/{item.pk}/advisory/").content.decode()
    assert "Hồ sơ đã bổ sung nhãn." in page and 'data-testid="report-form"' not in page
    assert (
        client.post(
            f"/evaluation/items/{item.pk}/advisory/report/", {"summary": "x", "recommendation": "y"}
        ).status_code
        == 403  # a member, not the team: refused, the page again
    )
    client.force_login(people["chu.tich"])
    overview = client.get(f"/evaluation/{rnd.pk}/advisory/").content.decode()
    assert "Hồ sơ đã bổ sung nhãn." in overview and "Đã báo cáo chủ tịch hội đồng" in overview
    assert "advisory-link" in client.get(f"/evaluation/{rnd.pk}/").content.decode()
    client.force_login(other_province_officer)
    assert client.get(f"/evaluation/items/{item.pk}/advisory/").status_code == 404
    assert client.get(f"/evaluation/{rnd.pk}/advisory/").status_code == 404
    assert (
        client.post(
            f"/evaluation/items/{item.pk}/advisory/report/", {"summary": "x", "recommendation": "y"}
        ).status_code
        == 404
    )


def test_the_api_reads_the_review_and_hides_it_from_a_conflicted_member(client, setting, other_province_officer):
    rnd, item, people = setting
    advisory.schedule_survey(actor=people["tu.van"], item=item, surveyed_on=today(), participants="Tổ tư vấn")
    council.declare_conflict(actor=people["tv2"], item=item, reason="Người nhà của chủ thể")
    client.force_login(people["chu.tich"])
    body = client.get(f"{API}/items/{item.pk}/advisory").json()
    assert body["required"] is True and body["status"] == "draft" and body["surveys"][0]["participants"] == "Tổ tư vấn"
    report_body = client.get(f"{API}/rounds/{rnd.pk}/advisory").json()
    assert [r["item_id"] for r in report_body] == [item.pk]
    client.force_login(people["tv2"])
    hidden = client.get(f"{API}/items/{item.pk}/advisory").json()
    assert hidden["summary"] is None and hidden["surveys"] == []
    client.force_login(other_province_officer)
    assert client.get(f"{API}/items/{item.pk}/advisory").status_code == 404
    assert client.get(f"{API}/rounds/{rnd.pk}/advisory").status_code == 404


def test_the_advisory_partial_shows_the_report_on_a_board(setting, rf):
    from django.template.loader import render_to_string

    rnd, item, people = setting
    html = render_to_string("evaluation/partials/advisory_summary.html", {"item": item})
    assert 'data-state="none"' in html
    report(item, people)
    item.refresh_from_db()
    html = render_to_string("evaluation/partials/advisory_summary.html", {"item": item})
    assert "Hồ sơ đủ thành phần." in html and 'data-state="reported"' in html


def test_a_member_scores_under_the_gate_once_the_report_exists(setting):
    """What the scoring services will do once they call `require_report` (the lead wires it): a counted member is
    held back until the report exists; then scoring runs as before."""
    rnd, item, people = setting
    seat_role = "member"
    with pytest.raises(DomainError):
        advisory.require_report(item, role=seat_role)
    report(item, people)
    advisory.require_report(item, role=seat_role)
    score(item, people["tv1"], (2, 2, 2))
    assert item.sheets.get(member__user=people["tv1"]).total == 100


def test_a_new_user_seated_as_advisory_in_another_province_cannot_write(setting, province_officer, unit):
    """A seat alone is not enough: the advisory member must also hold evaluation.score in the round's province. Seating
    refuses such a person now; one seated before (the record kept) still cannot write."""
    rnd, item, people = setting
    outsider = make_user("tuvan.sonla", "advisory_member", "2025:14")
    with pytest.raises(DomainError):
        council.add_member(actor=province_officer, evaluation_round=rnd, user=outsider, role="advisory")
    CouncilMember.objects.create(evaluation_round=rnd, user=outsider, role="advisory")
    with pytest.raises(PermissionRefused):
        advisory.request_additions(actor=outsider, item=item, missing="Nhãn", due_on=today())
    assert not AdvisoryReview.objects.exists()
