"""The NTM rules of issue "figures officials can trust" §7a, §8, §9, §10 at their edges: the set of each year, "cơ bản
đạt chuẩn" by decision and the setting, nested levels and their warning, communes without data and the narrative."""

import datetime
import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from ntm import services
from ntm.apps import check_basically_meeting_setting
from ntm.imports import import_ntm
from ntm.models import Assessment, CriteriaSet, Recognition
from ntm.queries import criteria_set_for_year, ntm_report, parse_basic_rule
from ntm.reporting import figure_rows, narrative
from ntm.tests.helpers import HEADER_2021, TAIL, dien_bien_communes, row_2021, write_csv

pytestmark = pytest.mark.django_db
D = datetime.date


def load(tmp_path, rows, name="ntm.csv", **kwargs):
    return import_ntm(write_csv(tmp_path / name, rows, **kwargs), filename=name)


# ---- §10: the set of each year ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "year,code",
    [(2016, "ntm-2016"), (2021, "ntm-2016"), (2022, "ntm-2021"), (2025, "ntm-2021"), (2026, "ntm-2026")],
)
def test_each_year_reads_the_set_in_force_on_31_december(year, code):
    assert criteria_set_for_year(year).code == code
    assert ntm_report(year, "2025:11" if year >= 2025 else "pre2025:100")["criteria_set"] == code


def test_the_choice_follows_the_sets_dates_not_code():
    """Data-driven: move 318's start back (an administrator's file could) and 2021 reads it."""
    CriteriaSet.objects.filter(code="ntm-2016").update(valid_until=D(2021, 12, 1))
    CriteriaSet.objects.filter(code="ntm-2021").update(valid_from=D(2021, 12, 1))
    assert criteria_set_for_year(2021).code == "ntm-2021"


def test_the_1980_set_ships_its_own_names():
    names = dict(CriteriaSet.objects.get(code="ntm-2016").criteria.values_list("code", "name"))
    assert len(names) == 19
    assert names["tc3"] == "Thủy lợi"
    assert names["tc11"] == "Hộ nghèo"
    assert names["tc12"] == "Lao động có việc làm"
    assert names["tc13"] == "Tổ chức sản xuất"
    new = dict(CriteriaSet.objects.get(code="ntm-2021").criteria.values_list("code", "name"))
    assert new["tc11"] == "Nghèo đa chiều"


def test_import_takes_ntm_2016_up_to_2021_and_ntm_2021_from_2022(tmp_path):
    a = dien_bien_communes()[0]
    load(tmp_path, [row_2021(a, 19, year=2021), row_2021(a, 18, year=2022)])
    assert dict(Assessment.objects.values_list("year", "criteria_set__code")) == {2021: "ntm-2016", 2022: "ntm-2021"}
    wrong = [row_2021(a, 19, year=2021), row_2021(a, 19, year=2022)]
    wrong[0][4], wrong[1][4] = "ntm-2021", "ntm-2016"
    with pytest.raises(Exception) as caught:
        load(tmp_path, wrong, name="wrong.csv")
    messages = [str(e) for e in caught.value.errors]
    assert messages[0].startswith("row 2: criteria_set: bộ ntm-2021 không áp dụng cho năm 2021")
    assert messages[1].startswith("row 3: criteria_set: bộ ntm-2016 không áp dụng cho năm 2022")


def test_a_commune_opens_the_2021_form_on_the_1980_set(unit):
    assessment, _ = services.start_assessment(actor=None, commune=unit("pre2025:03331"), year=2021)
    assert assessment.criteria_set.code == "ntm-2016"
    assert assessment.results.get(criterion__code="tc13").criterion.name == "Tổ chức sản xuất"


# ---- §8: cơ bản đạt chuẩn by decision, and the setting ----------------------------------------------------------


@pytest.fixture
def basic_cases(tmp_path):
    """a: decision co-ban-dat-chuan with 15 criteria; b: all 19, no decision; c: 16, none; d: co-ban then đạt chuẩn;
    e: no data at all."""
    a, b, c, d = dien_bien_communes()[:4]
    load(
        tmp_path,
        [
            row_2021(a, 15, year=2020, recognition="co-ban-dat-chuan", decision_no="1/QĐ", decision_date="28/12/2020"),
            row_2021(a, 15),
            row_2021(b, 19),
            row_2021(c, 16),
            row_2021(d, 17, year=2020, recognition="Cơ bản đạt chuẩn", decision_no="1/QĐ", decision_date="28/12/2020"),
            row_2021(d, 19, recognition="dat-chuan", decision_no="5/QĐ", decision_date="01/10/2021"),
        ],
    )
    return a, b, c, d


def statuses(report):
    return {c["name"]: c["status"] for c in report["children"]}


@pytest.mark.parametrize(
    "setting,basically,a_status,b_status,c_status",
    [
        (None, 2, "co-ban-dat", "co-ban-dat", "chua-dat"),  # default decision,all
        ("decision,all", 2, "co-ban-dat", "co-ban-dat", "chua-dat"),
        ("all", 1, "chua-dat", "co-ban-dat", "chua-dat"),
        ("decision", 1, "co-ban-dat", "chua-dat", "chua-dat"),
        ("decision,min:16", 3, "co-ban-dat", "co-ban-dat", "co-ban-dat"),
        ("min:15", 3, "co-ban-dat", "co-ban-dat", "co-ban-dat"),
        (" Decision , ALL ", 2, "co-ban-dat", "co-ban-dat", "chua-dat"),
    ],
)
def test_basically_meeting_follows_the_setting(settings, basic_cases, setting, basically, a_status, b_status, c_status):
    a, b, c, d = basic_cases
    if setting is None:
        del settings.NTM_BASICALLY_MEETING
    else:
        settings.NTM_BASICALLY_MEETING = setting
    report = ntm_report(2021, "pre2025:100")
    assert report["basically_meeting"] == basically
    assert statuses(report)[a.name] == a_status
    assert statuses(report)[b.name] == b_status
    assert statuses(report)[c.name] == c_status
    # recognised đạt chuẩn later: counted there, never as basically meeting
    assert statuses(report)[d.name] == "dat-chuan"
    assert report["recognized"] == {"dat-chuan": 1, "nang-cao": 0, "kieu-mau": 0}
    assert report["basically_meeting_rule"] == parse_basic_rule(setting).text


def test_a_commune_with_no_data_is_basically_meeting_only_by_its_decision(tmp_path, unit):
    commune = dien_bien_communes()[5]
    services.record_recognition(
        actor=None, commune=commune, level="co-ban-dat-chuan", decision_no="9/QĐ", decision_date=D(2020, 12, 28)
    )
    report = ntm_report(2021, "pre2025:100")
    assert statuses(report)[commune.name] == "co-ban-dat" and report["basically_meeting"] == 1
    assert report["assessed"] == 0


@pytest.mark.parametrize("value", ["some", "min:0", "min:x", "min", "decision;all", "all,,"])
def test_a_bad_setting_is_refused_with_the_accepted_forms(settings, value):
    settings.NTM_BASICALLY_MEETING = value
    with pytest.raises(ImproperlyConfigured) as caught:
        ntm_report(2021, "pre2025:100")
    assert "'decision'" in str(caught.value) and "min:N" in str(caught.value)
    errors = check_basically_meeting_setting()
    assert [e.id for e in errors] == ["ntm.E001"]


def test_rule_forms_are_normalised():
    assert parse_basic_rule("min:15,decision").text == "decision,min:15"
    assert parse_basic_rule("all,min:12").threshold(19) == 12
    assert parse_basic_rule("all").threshold(10) == 10
    assert parse_basic_rule("min:40").threshold(19) == 19
    assert parse_basic_rule("decision").threshold(19) is None


def test_the_recognition_form_offers_co_ban_dat_chuan(client, province_officer, unit):
    client.force_login(province_officer)
    commune = unit("2025:03328")
    response = client.post(
        reverse("ntm:recognition_add", args=["2025:03328"]),
        {"level": "co-ban-dat-chuan", "decision_no": "3/QĐ-UBND", "decision_date": "2025-12-01"},
    )
    assert response.status_code == 302
    assert Recognition.objects.get(commune=commune).level == "co-ban-dat-chuan"
    report = ntm_report(2025, "2025:11")
    assert next(c for c in report["children"] if c["id"] == "2025:03328")["status"] == "co-ban-dat"


# ---- §9: levels nest ---------------------------------------------------------------------------------------------


def test_cumulative_counts_nest(tmp_path):
    a, b, c, d, e, f = dien_bien_communes()[:6]
    rows = [
        row_2021(a, 19, year=2022, recognition="dat-chuan", decision_no="1", decision_date="01/02/2022"),
        row_2021(b, 19, year=2022, recognition="dat-chuan", decision_no="2", decision_date="01/02/2022"),
        row_2021(b, 19, year=2023, recognition="nang-cao", decision_no="3", decision_date="01/02/2023"),
        row_2021(c, 19, year=2022, recognition="dat-chuan", decision_no="4", decision_date="01/02/2022"),
        row_2021(c, 19, year=2023, recognition="nang-cao", decision_no="5", decision_date="01/02/2023"),
        row_2021(c, 19, year=2024, recognition="kieu-mau", decision_no="6", decision_date="01/02/2024"),
        row_2021(d, 15, year=2024, recognition="co-ban-dat-chuan", decision_no="7", decision_date="01/02/2024"),
        row_2021(e, 19, year=2024),
        row_2021(f, 10, year=2024),
    ]
    load(tmp_path, rows)
    report = ntm_report(2024, "pre2025:100")
    assert report["recognized"] == {"dat-chuan": 1, "nang-cao": 1, "kieu-mau": 1}
    assert report["recognized_cumulative"] == {"dat-chuan": 3, "nang-cao": 2, "kieu-mau": 1}
    assert report["basically_meeting"] == 2  # d by decision, e meeting all 19
    assert "3 xã đạt chuẩn nông thôn mới, trong đó 2 nâng cao, 1 kiểu mẫu" in narrative(report)
    rows = {r.figure + ":" + r.arg: r.value for r in figure_rows(report)}
    assert rows["recognized-cumulative:dat-chuan"] == 3 and rows["recognized-cumulative:nang-cao"] == 2


def test_a_higher_level_without_the_lower_one_is_recorded_with_a_warning(unit):
    commune = unit("pre2025:03331")
    advanced, created = services.record_recognition(
        actor=None, commune=commune, level="nang-cao", decision_no="1/QĐ", decision_date=D(2023, 5, 1)
    )
    assert created and "đạt chuẩn nông thôn mới còn hiệu lực ngày 01/05/2023" in advanced.warning
    model, _ = services.record_recognition(
        actor=None, commune=commune, level="kieu-mau", decision_no="2/QĐ", decision_date=D(2024, 5, 1)
    )
    assert model.warning == ""  # nâng cao is on record now


def test_the_lower_level_must_be_in_force_on_the_decision_day(unit):
    commune = unit("pre2025:03331")
    basic, _ = services.record_recognition(
        actor=None, commune=commune, level="dat-chuan", decision_no="1/QĐ", decision_date=D(2019, 5, 1)
    )
    ok, _ = services.record_recognition(
        actor=None, commune=commune, level="nang-cao", decision_no="2/QĐ", decision_date=D(2023, 5, 1)
    )
    assert ok.warning == ""
    model, _ = services.record_recognition(
        actor=None, commune=commune, level="kieu-mau", decision_no="3/QĐ", decision_date=D(2023, 5, 1)
    )
    assert model.warning == ""  # nâng cao of the same day
    services.revoke_recognition(actor=None, recognition=basic, revoked_on=D(2020, 1, 1), reason="Thu hồi")
    other = unit("pre2025:03337")
    services.record_recognition(
        actor=None, commune=other, level="co-ban-dat-chuan", decision_no="4/QĐ", decision_date=D(2020, 5, 1)
    )
    warned, _ = services.record_recognition(
        actor=None, commune=other, level="nang-cao", decision_no="5/QĐ", decision_date=D(2023, 5, 1)
    )
    assert warned.warning  # cơ bản đạt chuẩn is below đạt chuẩn


def test_an_inherited_level_counts_as_on_record(unit):
    for area_id in ("pre2025:03340", "pre2025:03346", "pre2025:03349"):
        services.record_recognition(
            actor=None, commune=unit(area_id), level="dat-chuan", decision_no="x", decision_date=D(2020, 1, 1)
        )
    advanced, _ = services.record_recognition(
        actor=None, commune=unit("2025:03349"), level="nang-cao", decision_no="y", decision_date=D(2025, 12, 1)
    )
    assert advanced.warning == ""


def test_import_prints_the_warning_and_imports_the_row(tmp_path, capsys):
    a, b = dien_bien_communes()[:2]
    path = write_csv(
        tmp_path / "w.csv",
        [
            # the file's order is not the decisions' order: the đạt chuẩn of 2019 is found before the nâng cao
            row_2021(a, 19, year=2023, recognition="nang-cao", decision_no="2/QĐ", decision_date="01/06/2023"),
            row_2021(a, 19, year=2019, recognition="dat-chuan", decision_no="1/QĐ", decision_date="01/06/2019"),
            row_2021(b, 19, year=2024, recognition="kieu-mau", decision_no="3/QĐ", decision_date="01/06/2024"),
        ],
    )
    call_command("import_ntm", str(path))
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(
        "row 4: recognition: warning: Xã chưa có quyết định công nhận đạt chuẩn nông thôn mới nâng"
    )
    assert len([line for line in out if "warning" in line]) == 1
    assert out[-1] == "assessments created=3 updated=0 unchanged=0; recognitions created=3 unchanged=0"
    assert Recognition.objects.get(commune=b).level == "kieu-mau"
    call_command("import_ntm", str(path))  # again: unchanged, and still said
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("row 4: recognition: warning:")
    assert out[-1].endswith("recognitions created=0 unchanged=3")


def test_the_warning_is_shown_on_the_commune_page(client, province_officer, unit):
    commune = unit("2025:03328")
    services.record_recognition(
        actor=None, commune=commune, level="kieu-mau", decision_no="1/QĐ", decision_date=D(2025, 12, 1)
    )
    client.force_login(province_officer)
    html = client.get(reverse("ntm:commune", args=["2025:03328"])).content.decode()
    assert 'data-testid="recognition-warning"' in html and "nâng cao còn hiệu lực ngày 01/12/2025" in html
    response = client.post(
        reverse("ntm:recognition_add", args=["2025:03358"]),
        {"level": "nang-cao", "decision_no": "2/QĐ", "decision_date": "2025-12-02"},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("đạt chuẩn nông thôn mới còn hiệu lực ngày 02/12/2025" in m for m in messages)


# ---- §7a: communes without data ---------------------------------------------------------------------------------


def test_a_commune_without_a_row_has_no_data_not_chua_dat(tmp_path):
    communes = dien_bien_communes()
    load(tmp_path, [row_2021(c, 19 if i % 2 else 12) for i, c in enumerate(communes[:20])])
    report = ntm_report(2021, "pre2025:100")
    missing = communes[20]
    assert statuses(report)[missing.name] == "chua-co-so-lieu"
    assert [c["status"] for c in report["children"]].count("chua-co-so-lieu") == 1
    assert report["assessed"] == 20 and report["communes"] == 21
    text = narrative(report)
    assert "20/21 xã có số liệu" in text


@pytest.mark.parametrize("all_assessed", [True, False])
def test_no_claim_about_communes_below_n_unless_every_commune_has_data(tmp_path, all_assessed):
    communes = dien_bien_communes()
    chosen = communes if all_assessed else communes[:-1]
    load(tmp_path, [row_2021(c, 16) for c in chosen])
    report = ntm_report(2021, "pre2025:100")
    assert report["below"]["10"] == 0
    text = narrative(report)
    assert ("không còn xã dưới 10 tiêu chí" in text) is all_assessed
    assert ("20/21 xã có số liệu" in text) is not all_assessed


def test_with_some_missing_a_count_below_is_a_floor(tmp_path):
    communes = dien_bien_communes()
    load(tmp_path, [row_2021(communes[0], 8), row_2021(communes[1], 19)])
    text = narrative(ntm_report(2021, "pre2025:100"))
    assert "ít nhất 1 xã dưới 10 tiêu chí" in text and "2/21 xã có số liệu" in text


def test_the_not_assessed_list_and_the_figure_list_run_constant_queries(
    tmp_path, client, province_officer, django_assert_num_queries
):
    client.force_login(province_officer)
    communes = dien_bien_communes()
    query = {"year": 2021, "area": "pre2025:100", "figure": "not-assessed"}
    load(tmp_path, [row_2021(communes[0], 19)], name="one.csv")
    client.get(reverse("ntm:figure"), query)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("ntm:figure"), query)
    assert response.content.decode().count("Chưa có số liệu") == 20
    load(tmp_path, [row_2021(c, 19) for c in communes[:10]], name="ten.csv")
    with django_assert_num_queries(len(few)):
        client.get(reverse("ntm:figure"), query)


def test_the_recognitions_list_runs_constant_queries(client, province_officer, unit, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(province_officer)
    services.record_recognition(
        actor=None, commune=unit("pre2025:03331"), level="nang-cao", decision_no="1", decision_date=D(2023, 1, 1)
    )
    client.get(reverse("ntm:recognitions"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("ntm:recognitions"))
    for code in ("03322", "03323", "03328"):
        services.record_recognition(
            actor=None, commune=unit(f"pre2025:{code}"), level="dat-chuan", decision_no="2", decision_date=D(2020, 1, 1)
        )
    services.record_acknowledgement(
        actor=None, commune=unit("2025:03328"), level="dat-chuan", decision_no="3", decision_date=D(2025, 9, 1)
    )
    with django_assert_num_queries(len(few)):
        html = client.get(reverse("ntm:recognitions")).content.decode()
    assert "Thừa nhận (xã sau sắp xếp)" in html


# ---- §8/§10 import of the new values --------------------------------------------------------------------------


def test_import_accepts_the_new_values(tmp_path):
    a, b = dien_bien_communes()[:2]
    header = [*HEADER_2021, *TAIL, "Loại quyết định"]
    thanh_nua = ["2025", "Điện Biên", "", "Xã Thanh Nưa", "ntm-2021", *["1"] * 19, "Đạt chuẩn", "9/QĐ", "01/10/2025"]
    rows = [
        [*row_2021(a, 15, year=2020, recognition="co-ban-dat-chuan", decision_no="1", decision_date="28/12/2020"), ""],
        [
            *row_2021(
                b, 16, year=2020, recognition="CƠ BẢN ĐẠT CHUẨN NTM", decision_no="2", decision_date="2020-12-28"
            ),
            "",
        ],
        [*thanh_nua, "Thừa nhận"],
    ]
    result = load(tmp_path, rows, header=header)
    assert result.counts["recognitions_created"] == 3
    assert sorted(Recognition.objects.values_list("level", "kind")) == [
        ("co-ban-dat-chuan", "cong-nhan"),
        ("co-ban-dat-chuan", "cong-nhan"),
        ("dat-chuan", "thua-nhan"),
    ]
    assert [o.recognition for o in result.outcomes][-1] == "thua-nhan: dat-chuan"
    bad = [[*row_2021(a, 15, year=2020), "thua-nhan"], [*row_2021(b, 15, year=2020, recognition="dat-chuan"), "khác"]]
    with pytest.raises(Exception) as caught:
        load(tmp_path, bad, header=header, name="bad.csv")
    messages = [str(e) for e in caught.value.errors]
    assert messages[0].startswith("row 2: recognition: có quyết định nhưng chưa ghi mức công nhận")
    assert messages[1].startswith("row 3: decision_kind: 'khác' không phải loại quyết định")


def test_a_thua_nhan_row_over_a_partial_merge_imports_with_a_warning(tmp_path, unit):
    services.record_recognition(
        actor=None, commune=unit("pre2025:03340"), level="dat-chuan", decision_no="1", decision_date=D(2020, 1, 1)
    )
    header = [*HEADER_2021, *TAIL, "decision_kind"]
    row = [
        "2025",
        "Điện Biên",
        "",
        "Xã Thanh Yên",
        "ntm-2021",
        *["1"] * 19,
        "dat-chuan",
        "9/QĐ",
        "01/10/2025",
        "thua-nhan",
    ]
    result = load(tmp_path, [row], header=header)
    assert [str(w) for w in result.warnings][0].startswith("row 2: recognition: warning: Chưa được công nhận ngày")


# ---- the dashboard and Excel: cumulative wording, [practice] notes, other sets ------------------------------------


def test_dashboard_names_practice_rules_and_shows_other_sets(tmp_path, client, province_officer):
    from ntm.loader import load_files

    advanced = tmp_path / "nang-cao.yaml"
    advanced.write_text(
        'code: tinh-11-nang-cao-2022\ntitle: "Bộ tiêu chí xã NTM nâng cao tỉnh Điện Biên"\nkind: commune\n'
        'level: nang-cao\nissuer: province\nprovince: "2025:11"\nvalid_from: 2022-03-08\ncriteria:\n'
        + "".join(f'  - {{code: tc{i}, name: "Tiêu chí {i}"}}\n' for i in range(1, 17)),
        encoding="utf-8",
    )
    load_files([advanced])
    a, b = dien_bien_communes()[:2]
    load(tmp_path, [row_2021(a, 19, year=2023), row_2021(b, 19, year=2023)], name="basic.csv")
    header = ["year", "province", "district", "commune", "criteria_set", *[f"tc{i}" for i in range(1, 17)]]
    rows = [
        [2023, "Điện Biên", "Huyện Điện Biên", a.name, "tinh-11-nang-cao-2022", *["1"] * 14, "0", "0"],
        [2023, "Điện Biên", "Huyện Điện Biên", b.name, "tinh-11-nang-cao-2022", *["1"] * 16],
    ]
    load(tmp_path, rows, header=header, name="advanced.csv")
    client.force_login(province_officer)
    html = client.get(reverse("ntm:dashboard"), {"year": 2023, "area": "pre2025:100"}).content.decode()
    assert "thực tiễn của tỉnh Điện Biên" in html and "không phải quy định trung ương" in html
    block = html[html.index('data-testid="other-set-tinh-11-nang-cao-2022"') :]
    assert "15,00" in block and "Số xã đạt đủ 16 tiêu chí" in block
    from openpyxl import load_workbook

    response = client.get(reverse("ntm:export"), {"year": 2023, "area": "pre2025:100"})
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    assert ["Số xã đạt đủ 16 tiêu chí", 1] in values
    assert any("thực tiễn của tỉnh Điện Biên" in str(r[0]) for r in values if r)


def test_api_carries_the_new_keys(client, tmp_path):
    load(tmp_path, [row_2021(dien_bien_communes()[0], 19)])
    body = client.get("/api/v1/reports/ntm", {"year": 2021, "area": "pre2025:100"}).json()
    assert body["recognized_cumulative"] == {"dat-chuan": 0, "nang-cao": 0, "kieu-mau": 0}
    assert body["basically_meeting_rule"] == "decision,all"
    assert body["inherited"] == 0 and body["inherited_basically_meeting"] == 0
    assert {c["status"] for c in body["children"]} == {"co-ban-dat", "chua-co-so-lieu"}


# ---- the demo data -----------------------------------------------------------------------------------------------


def test_demo_data_shows_each_rule_and_loads_twice():
    from ntm.demo import load_demo_ntm

    first = load_demo_ntm()
    assert first.counts["assessments_created"] > 0
    second = load_demo_ntm()
    assert second.summary.startswith("assessments created=0 updated=0")
    r2021 = ntm_report(2021, "pre2025:100")
    assert r2021["criteria_set"] == "ntm-2016" and r2021["assessed"] == 19 and r2021["communes"] == 21
    assert statuses(r2021)["Xã Mường Pồn"] == "co-ban-dat"
    assert list(statuses(r2021).values()).count("chua-co-so-lieu") == 2
    r2025 = {c["id"]: c for c in ntm_report(2025, "2025:11")["children"]}
    assert r2025["2025:03349"]["inherited"] is True and r2025["2025:03349"]["status"] == "dat-chuan"
    assert r2025["2025:03358"]["inherited"] is True and r2025["2025:03358"]["status"] == "co-ban-dat"
    assert r2025["2025:03352"]["status"] == "chua-dat" and "inherited" not in r2025["2025:03352"]
    assert r2025["2025:03368"]["status"] == "chua-co-so-lieu"  # Mường Nhà revoked on 15/05/2025
    assert r2025["2025:03328"]["status"] == "dat-chuan" and "inherited" not in r2025["2025:03328"]
    assert Recognition.objects.filter(kind="thua-nhan").count() == 1
    assert Recognition.objects.exclude(warning="").count() == 1


def test_an_old_commune_page_shows_its_last_year(client, province_officer):
    client.force_login(province_officer)
    html = client.get(reverse("ntm:commune", args=["pre2025:03356"]), {"year": 2025}).content.decode()
    assert "Tình trạng năm 2024" in html
    html = client.get(reverse("ntm:commune", args=["2025:03356"]), {"year": 2021}).content.decode()
    assert "Tình trạng năm 2025" in html
