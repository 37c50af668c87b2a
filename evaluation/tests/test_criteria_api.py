"""The public criteria API (CONTRACT §8): the set in force on a day, each sheet in full; no login, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db
API = "/api/v1/criteria"


def get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, len(ctx.captured_queries)


def test_the_set_in_force_has_the_contract_keys(client):
    response = client.get(API, {"on": "2026-06-01"})
    assert response.status_code == 200
    body = response.json()
    assert {"code", "decision", "valid_from", "valid_to", "parts", "sheets"} <= body.keys()
    assert (body["code"], body["valid_from"], body["valid_to"]) == ("26-2026", "2026-05-22", None)
    assert "26/2026/QĐ-TTg" in body["decision"]
    assert body["parts"] == [{"code": "A", "points": 40}, {"code": "B", "points": 25}, {"code": "C", "points": 35}]
    assert len(body["sheets"]) == 26
    assert [s["no"] for s in body["sheets"]] == list(range(1, 27))
    for sheet in body["sheets"]:
        assert {"no", "name", "total", "criteria", "star_minimums"} <= sheet.keys()
        assert set(sheet["star_minimums"]) == {"3", "4", "5"}
    first = body["sheets"][0]
    assert {k: first[k] for k in ("no", "criteria", "star_minimums", "total")} == {
        "no": 1,
        "criteria": 32,
        "star_minimums": {"3": 7, "4": 12, "5": 3},
        "total": 100,
    }
    assert first["name"] == "Rau, củ, quả, hạt tươi"
    honey = body["sheets"][3]
    assert (honey["no"], honey["total"], honey["star_minimums"]) == (4, 100, {"3": 7, "4": 14, "5": 6})
    assert body["sheets"][25]["star_minimums"] == {"3": 1, "4": 2, "5": 0}


def test_older_days_get_the_set_then_in_force(client):
    body = client.get(API, {"on": "2022-01-01"}).json()
    assert (body["code"], body["valid_from"], body["valid_to"]) == ("1048", "2019-08-21", "2023-02-24")
    assert len(body["sheets"]) == 26
    assert all(s["star_minimums"] == {"3": 0, "4": 0, "5": 0} for s in body["sheets"])  # 1048 has no markers
    assert client.get(API, {"on": "2026-05-22"}).json()["code"] == "26-2026"  # first day in force
    assert client.get(API, {"on": "2023-02-23"}).json()["code"] == "1048"  # last day in force


def test_no_set_in_force_is_not_found_and_a_bad_date_is_refused(client):
    assert client.get(API, {"on": "2018-01-01"}).status_code == 404
    for bad in ("2026-13-01", "01/06/2026", "hôm nay"):
        response = client.get(API, {"on": bad})
        assert response.status_code == 400, bad
        assert "YYYY-MM-DD" in response.json()["detail"] and response.json()["field"] == "on"


def test_today_by_default(client):
    assert client.get(API).json()["code"] == "26-2026"  # today is after 22/05/2026


def test_a_sheet_in_full(client):
    response = client.get(f"{API}/26-2026/sheets/4")
    assert response.status_code == 200
    body = response.json()
    assert (body["set"], body["no"], body["category"]) == ("26-2026", 4, "04")
    assert body["name"] == "Mật ong, mật khác và nông sản thực phẩm khác"
    assert body["classification"] == "Sản phẩm: Thực phẩm. Nhóm: Thực phẩm thô, sơ chế"
    assert len(body["eliminated_when"]) == 1 and body["eliminated_when"][0].startswith("Giả mạo hồ sơ")
    assert [p["code"] for p in body["parts"]] == ["A", "B", "C"]
    assert [p["points"] for p in body["parts"]] == [40, 25, 35]
    criteria = [c for p in body["parts"] for g in p["groups"] for c in g["criteria"]]
    assert len(criteria) == 32
    assert sum(c["max"] for c in criteria) == 100
    for criterion in criteria:
        assert {"code", "name", "max", "notes", "options"} <= criterion.keys()
        assert criterion["options"] and all({"text", "points", "min_star"} <= o.keys() for o in criterion["options"])
        assert max(o["points"] for o in criterion["options"]) == criterion["max"]
    by_code = {c["code"]: c for c in criteria}
    assert criteria[0]["code"] == "1.1"
    assert by_code["1.1"]["notes"] == ["Yêu cầu: 100% sản phẩm được nuôi/trồng trên địa bàn cấp tỉnh"]
    marked = [(c["code"], o["min_star"]) for c in criteria for o in c["options"] if o["min_star"]]
    assert len(marked) == 27 and ("1.3", 5) in marked and ("2.1", 4) in marked and ("2.2", 3) in marked
    assert [o["min_star"] for o in by_code["1.5"]["options"]] == [None, None, 4, 5]
    misprinted = [o for o in by_code["7"]["options"] if o["printed_points"] is not None]
    assert len(misprinted) == 1
    assert (misprinted[0]["printed_points"], misprinted[0]["points"], by_code["7"]["max"]) == (13, 3, 3)
    assert all(o["printed_points"] is None for c in criteria if c["code"] != "7" for o in c["options"])


def test_a_sheet_by_its_printed_number_or_its_code(client):
    assert client.get(f"{API}/26-2026/sheets/04").json()["no"] == 4
    assert client.get(f"{API}/26-2026/sheets/26").json()["category"] == "26"
    assert client.get(f"{API}/1048/sheets/1").status_code == 200


def test_unknown_sheets_and_sets_are_not_found(client):
    for url in (
        f"{API}/26-2026/sheets/27",
        f"{API}/26-2026/sheets/0",
        f"{API}/26-2026/sheets/x",
        f"{API}/xyz/sheets/1",
    ):
        assert client.get(url).status_code == 404, url


def test_anonymous_access_and_no_writes(client):
    client.logout()
    assert client.get(API, {"on": "2026-06-01"}).status_code == 200
    assert client.get(f"{API}/26-2026/sheets/1").status_code == 200
    assert client.post(API, {}, content_type="application/json").status_code == 405


def test_constant_queries_for_the_summary_and_any_sheet(client):
    (new, n_new), (old, n_old) = get(client, f"{API}?on=2026-06-01"), get(client, f"{API}?on=2022-01-01")
    assert new.status_code == old.status_code == 200
    assert n_new == n_old <= 5
    (one, n_one), (tour, n_tour), (honey, n_honey) = (get(client, f"{API}/26-2026/sheets/{no}") for no in (1, 26, 4))
    assert one.status_code == tour.status_code == honey.status_code == 200
    assert n_one == n_tour == n_honey <= 4
