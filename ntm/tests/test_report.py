"""CONTRACT §7: the NTM report's semantics, through the import, the function and the public API."""

import datetime

import pytest

from areas.models import AdministrativeUnit
from ntm import services
from ntm.imports import import_ntm
from ntm.models import Assessment, Recognition
from ntm.queries import ntm_report
from ntm.tests.helpers import dien_bien_2021_rows, dien_bien_communes, row_2021, write_csv

pytestmark = pytest.mark.django_db


def load(tmp_path, rows, name="ntm.csv", **kwargs):
    return import_ntm(write_csv(tmp_path / name, rows, **kwargs), filename=name)


@pytest.fixture
def dien_bien_2021(tmp_path):
    load(tmp_path, dien_bien_2021_rows())


def test_report_for_a_district_follows_the_contract(dien_bien_2021):
    report = ntm_report(2021, "pre2025:100")
    assert report["year"] == 2021
    assert report["area"] == {"id": "pre2025:100", "name": "Huyện Điện Biên"}
    assert report["criteria_set"] == "ntm-2016"  # 1980/QĐ-TTg for 2021; 318/QĐ-TTg only from 08/03/2022
    assert report["communes"] == 21
    assert report["assessed"] == 21
    assert report["recognized"] == {"dat-chuan": 12, "nang-cao": 1, "kieu-mau": 0}
    assert report["recognized_cumulative"] == {"dat-chuan": 13, "nang-cao": 1, "kieu-mau": 0}
    assert report["basically_meeting"] == 4
    assert report["average_criteria"] == 17.05
    assert report["below"] == {"10": 3, "15": 4}
    assert list(report["by_criterion"]) == [f"tc{i}" for i in range(1, 20)]
    assert report["by_criterion"]["tc1"] == 21
    assert report["by_criterion"]["tc10"] == 18  # the communes with 9, 7, 7 criteria miss it
    assert report["by_criterion"]["tc19"] == 17
    assert report["through_successions"] is False
    children = {c["name"]: c for c in report["children"]}
    assert len(children) == 21
    statuses = sorted(c["status"] for c in report["children"])
    assert statuses.count("dat-chuan") == 12
    assert statuses.count("nang-cao") == 1
    assert statuses.count("co-ban-dat") == 4
    assert statuses.count("chua-dat") == 4
    first = report["children"][0]
    assert set(first) == {"id", "name", "criteria_met", "status"}
    assert first["id"].startswith("pre2025:")


def test_public_api_returns_the_same_figures(client, dien_bien_2021):
    response = client.get("/api/v1/reports/ntm", {"year": 2021, "area": "pre2025:100"})
    assert response.status_code == 200
    body = response.json()
    assert body == ntm_report(2021, "pre2025:100")
    assert body["average_criteria"] == 17.05


@pytest.mark.parametrize(
    "params,status",
    [
        ({"year": "abc", "area": "pre2025:100"}, 400),
        ({"year": "", "area": "pre2025:100"}, 400),
        ({"year": "1850", "area": "pre2025:100"}, 400),
        ({"year": "2015", "area": "pre2025:100"}, 400),  # no NTM set of ours in force (491/2009 not shipped)
        ({"year": "2021", "area": "100"}, 400),
        ({"year": "2021", "area": "2025:100"}, 400),
        ({"year": "2021", "area": "pre2025:999"}, 404),
    ],
)
def test_bad_requests_answer_with_detail(client, params, status):
    response = client.get("/api/v1/reports/ntm", params)
    assert response.status_code == status
    assert "detail" in response.json()


def test_value_spellings_are_understood(tmp_path):
    commune = dien_bien_communes()[0]
    values = ["1", "x", "X", "đạt", "ĐẠT", "Đạt", "dat", " x ", "1"] + ["0", "", "chưa đạt", "Chưa Đạt", "CHUA DAT"] * 2
    load(tmp_path, [row_2021(commune, 0, values=values)])
    assessment = Assessment.objects.get(commune=commune, year=2021)
    assert assessment.criteria_met == 9
    met = set(assessment.results.filter(met=True).values_list("criterion__code", flat=True))
    assert met == {f"tc{i}" for i in range(1, 10)}


def test_each_commune_counts_once_at_its_highest_level_decided_by_year_end(tmp_path):
    a, b, c = dien_bien_communes()[:3]
    load(
        tmp_path,
        [
            row_2021(a, 19, recognition="dat-chuan", decision_no="1/QĐ", decision_date="01/03/2021"),
            row_2021(a, 19, year=2022, recognition="nang-cao", decision_no="2/QĐ", decision_date="01/05/2022"),
            row_2021(a, 19, year=2023, recognition="kieu-mau", decision_no="3/QĐ", decision_date="10/01/2024"),
            # decided after 31/12/2021: not counted for 2021
            row_2021(b, 19, recognition="Đạt chuẩn", decision_no="4/QĐ", decision_date="15/01/2022"),
            # no decision date: counted from 31 December of the row's year
            row_2021(c, 19, year=2022, recognition="Nâng cao"),
        ],
    )
    r2021 = ntm_report(2021, "pre2025:100")
    assert r2021["recognized"] == {"dat-chuan": 1, "nang-cao": 0, "kieu-mau": 0}
    r2022 = ntm_report(2022, "pre2025:100")
    assert r2022["recognized"] == {"dat-chuan": 1, "nang-cao": 2, "kieu-mau": 0}
    assert sum(r2022["recognized"].values()) == 3
    r2023 = ntm_report(2023, "pre2025:100")
    assert r2023["recognized"] == {"dat-chuan": 1, "nang-cao": 2, "kieu-mau": 0}  # kiểu mẫu decided in 2024
    r2024 = ntm_report(2024, "pre2025:100")
    assert r2024["recognized"] == {"dat-chuan": 1, "nang-cao": 1, "kieu-mau": 1}
    assert r2024["assessed"] == 0 and r2024["average_criteria"] is None


def test_a_revoked_recognition_stops_counting(tmp_path):
    commune = dien_bien_communes()[0]
    load(tmp_path, [row_2021(commune, 19, recognition="dat-chuan", decision_no="1/QĐ", decision_date="01/03/2021")])
    recognition = Recognition.objects.get(commune=commune)
    services.revoke_recognition(
        actor=None, recognition=recognition, revoked_on=datetime.date(2022, 6, 1), reason="Không duy trì tiêu chí"
    )
    assert ntm_report(2021, "pre2025:100")["recognized"]["dat-chuan"] == 1
    assert ntm_report(2022, "pre2025:100")["recognized"]["dat-chuan"] == 0


def test_basically_meeting_follows_the_setting(settings, dien_bien_2021):
    assert ntm_report(2021, "pre2025:100")["basically_meeting"] == 4
    settings.NTM_BASICALLY_MEETING = "min:12"
    report = ntm_report(2021, "pre2025:100")
    assert report["basically_meeting"] == 5  # the four with 19 and the one with 12; recognised ones excluded
    assert report["basically_meeting_rule"] == "min:12"
    settings.NTM_BASICALLY_MEETING = "min:15"
    assert ntm_report(2021, "pre2025:100")["basically_meeting"] == 4


def test_average_is_over_assessed_communes_only(tmp_path):
    a, b = dien_bien_communes()[:2]
    load(tmp_path, [row_2021(a, 19), row_2021(b, 10)])
    report = ntm_report(2021, "pre2025:100")
    assert report["communes"] == 21
    assert report["assessed"] == 2
    assert report["average_criteria"] == 14.5
    assert report["below"] == {"10": 0, "15": 1}


def test_average_has_two_decimals(tmp_path):
    a, b, c = dien_bien_communes()[:3]
    load(tmp_path, [row_2021(a, 19), row_2021(b, 17), row_2021(c, 17)])
    assert ntm_report(2021, "pre2025:100")["average_criteria"] == 17.67


def test_only_rural_communes_count(tmp_path):
    # Tỉnh Điện Biên (new) has 45 communes of which 3 are phường.
    report = ntm_report(2025, "2025:11")
    assert (
        report["communes"]
        == AdministrativeUnit.objects.filter(scheme="2025", parent__code="11", unit_type="xa").count()
    )
    assert report["communes"] == 42
    assert len(report["children"]) == 42
    thi_tran = AdministrativeUnit.objects.filter(scheme="pre2025", unit_type="thi-tran", province__code="11").first()
    district = thi_tran.parent
    row = [2021, "Điện Biên", district.name, thi_tran.name, "ntm-2021", *["1"] * 19, "", "", ""]
    with pytest.raises(Exception) as caught:
        load(tmp_path, [row])
    assert "row 2: commune:" in str(caught.value.errors[0])
    assert (
        ntm_report(2021, str(district.area_id))["communes"]
        == AdministrativeUnit.objects.filter(parent=district, unit_type="xa").count()
    )


def test_two_criteria_sets(tmp_path, unit):
    thanh_nua = unit("2025:03328")
    header = ["year", "province", "commune", "criteria_set", *[f"tc{i}" for i in range(1, 11)], "recognition"]
    rows = [[2026, "Điện Biên", thanh_nua.name, "ntm-2026", *["1"] * 7, "0", "0", "0", ""]]
    import_ntm(write_csv(tmp_path / "a.csv", rows, header=header), filename="a.csv")
    report = ntm_report(2026, "2025:11")
    assert report["criteria_set"] == "ntm-2026"
    assert list(report["by_criterion"]) == [f"tc{i}" for i in range(1, 11)]
    assert report["assessed"] == 1 and report["average_criteria"] == 7.0
    assert report["below"] == {"5": 0, "10": 1}
    assert ntm_report(2025, "2025:11")["criteria_set"] == "ntm-2021"
    # the 2021 set is not the one for 2026, and the 2026 set has only 10 criteria
    bad = [
        [2026, "Điện Biên", "", thanh_nua.name, "ntm-2021", *["1"] * 19, "", "", ""],
        [2026, "Điện Biên", "", thanh_nua.name, "ntm-2026", *["1"] * 12, *[""] * 7, "", "", ""],
    ]
    with pytest.raises(Exception) as caught:
        import_ntm(write_csv(tmp_path / "b.csv", bad), filename="b.csv")
    messages = [str(e) for e in caught.value.errors]
    assert any(m.startswith("row 2: criteria_set:") for m in messages)
    assert any(m.startswith("row 3: tc11:") for m in messages)
    assert any(m.startswith("row 3: tc12:") for m in messages)


def test_a_new_scheme_area_for_an_old_year_goes_through_successions(dien_bien_2021):
    report = ntm_report(2021, "2025:11")
    assert report["through_successions"] is True
    assert report["area"]["id"] == "2025:11"
    assert report["assessed"] == 21  # every old commune of Huyện Điện Biên lies in the new province
    assert all(c["id"].startswith("pre2025:") for c in report["children"])
    direct = ntm_report(2021, "pre2025:11")
    assert direct["through_successions"] is False
    assert direct["communes"] == report["communes"]
    assert any(c["id"] == "pre2025:100" and c["communes"] == 21 for c in direct["children"])


def test_an_old_area_for_a_new_year_goes_through_successions(tmp_path):
    report = ntm_report(2025, "pre2025:100")
    assert report["through_successions"] is True
    assert all(c["id"].startswith("2025:") for c in report["children"])
    assert report["communes"] > 0


HEADER_VI = ["Năm", "Tỉnh", "Huyện", "Xã", "Bộ tiêu chí", *[f"Tiêu chí {i}" for i in range(1, 20)]]


def test_vietnamese_headers_bom_and_xlsx(tmp_path):
    from openpyxl import Workbook

    a, b = dien_bien_communes()[:2]
    rows = [row_2021(a, 19)[:24], row_2021(b, 18)[:24]]
    result = import_ntm(write_csv(tmp_path / "v.csv", rows, header=HEADER_VI, bom=True), filename="v.csv")
    assert result.counts["assessments_created"] == 2
    wb = Workbook()
    ws = wb.active
    ws.append([h.upper() for h in HEADER_VI])
    ws.append([2021, "Điện Biên", "Điện Biên", a.name, "ntm-2016", *[1] * 19])
    ws.append([2021, "Tỉnh Điện Biên", "Huyện Điện Biên", b.name, "ntm-2016", *[1] * 19])
    wb.save(tmp_path / "v.xlsx")
    result = import_ntm(tmp_path / "v.xlsx", filename="v.xlsx")
    assert (result.counts["assessments_unchanged"], result.counts["assessments_updated"]) == (1, 1)


def _queries(year, area):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        ntm_report(year, area)
    return len(ctx)


@pytest.mark.parametrize("area", ["pre2025:100", "pre2025:11", "2025:11"])
def test_report_runs_a_constant_number_of_queries(tmp_path, area, django_assert_num_queries):
    a = dien_bien_communes()[0]
    load(tmp_path, [row_2021(a, 19, recognition="dat-chuan", decision_date="01/02/2021")], name="one.csv")
    small = _queries(2021, area)
    load(tmp_path, dien_bien_2021_rows(), name="all.csv")
    with django_assert_num_queries(small):
        ntm_report(2021, area)
    assert small <= 8  # 7 for the communes' figures, 1 for the villages block (ntm.village_queries)
