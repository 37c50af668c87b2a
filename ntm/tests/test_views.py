"""Pages: the dashboard equals the API, its numbers link to their communes, the export equals the screen, the
narrative carries the same numbers; forms respect scope and locks; constant query counts."""

import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ntm import services
from ntm.imports import import_ntm
from ntm.models import Assessment
from ntm.queries import ntm_report
from ntm.reporting import narrative
from ntm.tests.helpers import dien_bien_2021_rows, dien_bien_communes, row_2021, write_csv

pytestmark = pytest.mark.django_db

QUERY = {"year": 2021, "area": "pre2025:100"}


@pytest.fixture
def dien_bien_2021(tmp_path):
    import_ntm(write_csv(tmp_path / "a.csv", dien_bien_2021_rows()), filename="a.csv")


@pytest.fixture
def officer_client(client, province_officer):
    client.force_login(province_officer)
    return client


def test_narrative_matches_the_report(dien_bien_2021):
    report = ntm_report(2021, "pre2025:100")
    assert narrative(report) == (
        "Năm 2021, Huyện Điện Biên có 21 xã; 13 xã đạt chuẩn nông thôn mới, trong đó 1 nâng cao; "
        "4 xã cơ bản đạt chuẩn; bình quân 17,05 tiêu chí/xã; còn 3 xã dưới 10 tiêu chí."
    )


def test_narrative_without_communes_below(tmp_path):
    a, b = dien_bien_communes()[:2]
    import_ntm(write_csv(tmp_path / "a.csv", [row_2021(a, 19), row_2021(b, 16)]), filename="a.csv")
    text = narrative(ntm_report(2021, "pre2025:100"))
    # 19 of the 21 communes have no data: no "no commune below 10 criteria" claim, and the coverage is said
    assert "2/21 xã có số liệu" in text
    assert text.endswith("bình quân 17,50 tiêu chí/xã trên các xã có số liệu.")
    assert "không còn xã" not in text
    assert "chưa xã nào được công nhận đạt chuẩn nông thôn mới" in text and "trong đó" not in text


def test_dashboard_shows_the_api_numbers_each_linked_to_its_communes(officer_client, dien_bien_2021):
    response = officer_client.get(reverse("ntm:dashboard"), QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    report = ntm_report(2021, "pre2025:100")
    assert narrative(report) in html
    links = dict(re.findall(r'data-figure="([^"]+)">([^<]+)</a>', html))
    assert links["communes"] == "21"
    assert links["recognized-cumulative:dat-chuan"] == "13"  # levels nest: đạt chuẩn counts nâng cao too
    assert links["assessed"] == "21"
    assert links["not-assessed"] == "0"
    assert links["recognized-cumulative:nang-cao"] == "1"
    assert links["recognized-cumulative:kieu-mau"] == "0"
    assert links["basically_meeting"] == "4"
    assert links["below:10"] == "3" and links["below:15"] == "4"
    assert "17,05" in html
    # follow the links: the list behind each number has that many communes
    for key, value in links.items():
        figure, _sep, arg = key.partition(":")
        page = officer_client.get(reverse("ntm:figure"), {**QUERY, "figure": figure, "arg": arg})
        assert page.status_code == 200
        assert page.content.decode().count('href="/ntm/commune/') == int(value), key
    page = officer_client.get(reverse("ntm:figure"), {**QUERY, "figure": "criterion", "arg": "tc10"})
    assert page.content.decode().count('href="/ntm/commune/') == report["by_criterion"]["tc10"]


def test_excel_export_equals_the_screen(officer_client, dien_bien_2021):
    response = officer_client.get(reverse("ntm:export"), QUERY)
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    report = ntm_report(2021, "pre2025:100")
    values = {r[0].strip(): r[1] for r in rows if len(r) == 2}
    assert values["Số xã"] == 21
    assert values["Số xã có số liệu (kết quả đánh giá được duyệt)"] == 21
    assert values["Số xã đạt chuẩn nông thôn mới (gồm cả nâng cao, kiểu mẫu)"] == 13
    assert values["trong đó đạt chuẩn nâng cao (gồm cả kiểu mẫu)"] == 1
    # the API's `recognized` (each commune once, at its highest level) as its own table
    assert values["Xã đạt chuẩn nông thôn mới"] == 12
    assert values["Xã đạt chuẩn nông thôn mới nâng cao"] == 1
    assert values["Số xã cơ bản đạt chuẩn"] == 4
    assert values["Bình quân tiêu chí/xã (trên số xã có số liệu)"] == 17.05
    assert values["Số xã đạt dưới 10 tiêu chí (trong số xã có số liệu)"] == 3
    assert values["10. Thu nhập"] == report["by_criterion"]["tc10"]
    assert [narrative(report)] in rows
    children = [r for r in rows if len(r) == 4 and str(r[0]).startswith("pre2025:")]
    assert len(children) == 21


def test_dashboard_and_report_run_constant_queries(officer_client, tmp_path):
    a = dien_bien_communes()[0]
    import_ntm(write_csv(tmp_path / "one.csv", [row_2021(a, 19)]), filename="one.csv")
    officer_client.get(reverse("ntm:dashboard"), QUERY)  # warm the session and the user's scope
    cache.clear()  # the report is cached by data version (report_for): compare two misses
    with CaptureQueriesContext(connection) as small:
        officer_client.get(reverse("ntm:dashboard"), QUERY)
    import_ntm(write_csv(tmp_path / "all.csv", dien_bien_2021_rows()), filename="all.csv")
    with CaptureQueriesContext(connection) as large:
        officer_client.get(reverse("ntm:dashboard"), QUERY)
    assert len(small) == len(large)
    with CaptureQueriesContext(connection) as api:
        officer_client.get("/api/v1/reports/ntm", QUERY)
    assert len(api) <= 12


def test_pages_answer(officer_client, dien_bien_2021):
    for name in ("ntm:priorities", "ntm:completeness", "ntm:recognitions", "ntm:import"):
        assert officer_client.get(reverse(name), QUERY).status_code == 200, name
    commune = dien_bien_communes()[0]
    page = officer_client.get(reverse("ntm:commune", args=[str(commune.area_id)]))
    assert page.status_code == 200
    assert "Quy hoạch" in page.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("ntm:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.fixture
def draft(commune_officer, unit):
    assessment, _ = services.start_assessment(actor=commune_officer, commune=unit("2025:03328"), year=2025)
    return assessment


def test_commune_officer_cannot_see_another_commune(client, other_commune_officer, draft):
    client.force_login(other_commune_officer)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.post(draft.get_absolute_url(), {"met_tc1": "on"}).status_code == 404
    assert client.get(reverse("ntm:commune", args=["2025:03328"])).status_code == 404
    assert client.post(reverse("ntm:start", args=["2025:03328"]), {"year": 2025}).status_code == 404


def test_commune_officer_cannot_approve(client, commune_officer, draft):
    client.force_login(commune_officer)
    services.submit_assessment(actor=commune_officer, assessment=draft)
    response = client.post(reverse("ntm:transition", args=[draft.pk, "approve"]))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_form_saves_submits_and_locked_form_says_why(client, commune_officer, province_officer, draft):
    client.force_login(commune_officer)
    data = {"met_tc1": "on", "met_tc2": "on", "evidence_tc1": "Quy hoạch được duyệt", "note": "", "submit": "1"}
    response = client.post(draft.get_absolute_url(), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.criteria_met) == ("submitted", 2)
    client.force_login(province_officer)
    client.post(reverse("ntm:transition", args=[draft.pk, "approve"]))
    draft.refresh_from_db()
    assert draft.status == "approved"
    client.force_login(commune_officer)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert 'data-testid="lock-reason"' in page and "tinh" in page
    response = client.post(draft.get_absolute_url(), {"met_tc3": "on"})
    assert response.status_code == 302
    assert Assessment.objects.get(pk=draft.pk).criteria_met == 2


def test_import_page_previews_then_confirms(officer_client, tmp_path):
    a = dien_bien_communes()[0]
    path = write_csv(tmp_path / "a.csv", [row_2021(a, 19)])
    with path.open("rb") as f:
        response = officer_client.post(reverse("ntm:import"), {"file": f}, follow=True)
    assert 'data-testid="summary"' in response.content.decode()
    assert not Assessment.objects.exists()
    response = officer_client.post(response.redirect_chain[-1][0] + "write/")
    assert response.status_code == 302
    assert Assessment.objects.count() == 1


def test_commune_officer_cannot_import(client, commune_officer):
    client.force_login(commune_officer)
    assert client.get(reverse("ntm:import")).status_code == 403


def test_api_lists_sets_and_scoped_assessments(client, commune_officer, other_commune_officer, draft):
    assert client.get("/api/v1/ntm/criteria-sets").status_code == 401
    client.force_login(commune_officer)
    sets = {s["code"]: s for s in client.get("/api/v1/ntm/criteria-sets").json()}
    assert len(sets["ntm-2021"]["criteria"]) == 19 and len(sets["ntm-2026"]["criteria"]) == 10
    mine = client.get("/api/v1/ntm/assessments", {"year": 2025}).json()
    assert [a["commune"]["id"] for a in mine] == ["2025:03328"]
    client.force_login(other_commune_officer)
    assert client.get("/api/v1/ntm/assessments", {"year": 2025}).json() == []
    assert client.get("/api/v1/ntm/assessments", {"year": "x"}).status_code == 400


def test_reminder_for_an_old_year_reaches_the_successor_commune_officer(province_officer, commune_officer, unit):
    from notifications.models import Notification

    sent = services.remind_missing(actor=province_officer, area=unit("2025:11"), year=2024)
    assert sent >= 1  # Xã Thanh Nưa (new) succeeded old communes that have not reported 2024
    assert Notification.objects.filter(user=commune_officer, kind="ntm.reminder").exists()
