"""The scoring API: same permissions as the services, 404 outside, results only where the aggregate may be seen."""

import pytest

from evaluation import council
from evaluation.council_models import Scoresheet, SheetStatus
from evaluation.tests.scoring_setup import build_round, score

pytestmark = pytest.mark.django_db
API = "/api/v1/evaluation"


@pytest.fixture
def setting(province_officer, unit):
    rnd, (item,), people = build_round(province_officer, unit, reported=True)
    return rnd, item, people


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_rounds_are_those_the_caller_manages_or_sits_on(client, setting, province_officer, other_province_officer):
    rnd, item, p = setting
    client.force_login(p["tv1"])
    assert [(r["id"], r["my_role"]) for r in client.get(f"{API}/rounds").json()] == [(rnd.pk, "member")]
    client.force_login(province_officer)
    assert [(r["id"], r["my_role"]) for r in client.get(f"{API}/rounds").json()] == [(rnd.pk, None)]
    client.force_login(other_province_officer)
    assert client.get(f"{API}/rounds").json() == []
    assert client.get(f"{API}/rounds/{rnd.pk}/items").status_code == 404
    assert client.get(f"{API}/items/{item.pk}/scoresheet").status_code == 404
    client.logout()
    assert client.get(f"{API}/rounds").status_code == 401


def test_a_member_scores_and_submits_through_the_api(client, setting):
    rnd, item, p = setting
    client.force_login(p["tv1"])
    sheet = client.get(f"{API}/items/{item.pk}/scoresheet").json()
    assert sheet["status"] == "draft" and [c["code"] for c in sheet["criteria"]] == ["C1", "C2", "C3"]
    assert [o["index"] for o in sheet["criteria"][0]["options"]] == [0, 1, 2]
    response = post(client, f"{API}/items/{item.pk}/submit")
    assert response.status_code == 400 and "chưa chấm" in response.json()["detail"]
    for code, index in [("C1", 2), ("C2", 1), ("C3", 2)]:
        body = post(client, f"{API}/items/{item.pk}/answers", {"criterion_code": code, "option_index": index}).json()
    assert float(body["total"]) == 90 and body["criteria"][1]["chosen"] == 1
    assert (
        post(client, f"{API}/items/{item.pk}/answers", {"criterion_code": "X9", "option_index": 0}).status_code == 400
    )
    assert (
        post(client, f"{API}/items/{item.pk}/answers", {"criterion_code": "C1", "option_index": 7}).status_code == 400
    )
    body = post(client, f"{API}/items/{item.pk}/submit").json()
    assert body["status"] == "submitted" and body["submitted_at"]
    assert Scoresheet.objects.get(item=item, member__user=p["tv1"]).status == SheetStatus.SUBMITTED
    response = post(client, f"{API}/items/{item.pk}/answers", {"criterion_code": "C1", "option_index": 0})
    assert response.status_code == 400 and "đã nộp" in response.json()["detail"]


def test_results_only_where_the_aggregate_may_be_seen(client, setting, province_officer):
    rnd, item, p = setting
    for name, levels in [("chu.tich", (2, 2, 1)), ("tv1", (2, 1, 2)), ("tv2", (1, 2, 2)), ("tv3", (1, 2, 2))]:
        score(item, p[name], levels)
    client.force_login(p["tv1"])
    assert client.get(f"{API}/rounds/{rnd.pk}/items").json()[0]["result"] is None  # before the lock
    client.force_login(p["chu.tich"])  # the chair too: scores are private until the lock (issue 14, item 3)
    before = client.get(f"{API}/rounds/{rnd.pk}/items").json()[0]
    assert before["result"] is None and before["progress"] == "4/4 thành viên đã nộp phiếu"
    council.lock_item(actor=p["chu.tich"], item=item)
    assert client.get(f"{API}/rounds/{rnd.pk}/items").json()[0]["result"]["mean"] == "82.50"
    client.force_login(p["tv1"])
    result = client.get(f"{API}/rounds/{rnd.pk}/items").json()[0]["result"]
    assert result["final_stars"] == 4 and result["quorum_met"] and result["counted"] == 4
    client.force_login(province_officer)
    assert client.get(f"{API}/rounds/{rnd.pk}/items").json()[0]["result"]["final_stars"] == 4
    response = post(client, f"{API}/items/{item.pk}/answers", {"criterion_code": "C1", "option_index": 0})
    assert response.status_code == 404  # not on the council
    client.force_login(p["tv2"])
    response = post(client, f"{API}/items/{item.pk}/answers", {"criterion_code": "C1", "option_index": 0})
    assert response.status_code == 400 and "khoá phiếu" in response.json()["detail"]


def test_the_secretary_and_a_conflicted_member_do_not_score(client, setting):
    rnd, item, p = setting
    council.declare_conflict(actor=p["tv3"], item=item, reason="Người thân")
    for name in ("thu.ky", "tv3"):
        client.force_login(p[name])
        assert client.get(f"{API}/items/{item.pk}/scoresheet").status_code == 403
        response = post(client, f"{API}/items/{item.pk}/answers", {"criterion_code": "C1", "option_index": 0})
        assert response.status_code == 403
    client.force_login(p["tv3"])
    assert client.get(f"{API}/rounds/{rnd.pk}/items").json()[0]["result"] is None
