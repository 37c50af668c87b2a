"""District and province NTM level (issue 18): titles by decision (huyện đạt chuẩn, hoàn thành nhiệm vụ, tỉnh hoàn
thành), "huyện chưa có xã NTM" for any year and area in either scheme, the report's blocks, pages and API."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from areas.models import AdministrativeUnit, Succession
from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from ntm import area_services, services
from ntm.area_queries import areas_without_ntm, load_area_conditions, titles_in
from ntm.models import AreaRecognition
from ntm.reporting import areas_without_ntm_sentence, narrative, report_for, workbook

pytestmark = pytest.mark.django_db

D = datetime.date
PROVINCE = "pre2025:11"  # Tỉnh Điện Biên before 01/07/2025: 10 district-level units
SEED_NAMED = ["Mường Chà", "Tủa Chùa", "Tuần Giáo", "Điện Biên Đông"]  # seed 003, by district code


def _districts():
    return list(
        AdministrativeUnit.objects.filter(scheme="pre2025", parent__code="11", level="district").order_by("code")
    )


def _first_commune(district):
    return AdministrativeUnit.objects.filter(district=district, unit_type="xa").order_by("code").first()


def _recognise(commune, day, level="dat-chuan", actor=None):
    recognition, _ = services.record_recognition(
        actor=actor, commune=commune, level=level, decision_no=f"{commune.code}/QĐ", decision_date=day
    )
    return recognition


def _seed_2020(actor=None):
    """One đạt chuẩn commune in each district of Điện Biên except the four seed 003 names."""
    for district in _districts():
        if district.short_name not in SEED_NAMED:
            _recognise(_first_commune(district), D(2019, 12, 20), actor=actor)


def _names(answer):
    return [u["name"] for u in answer.units]


def _district(unit, name):
    return next(d for d in _districts() if d.short_name == name)


# ---- recording and revoking titles --------------------------------------------------------------------------------


def test_a_province_officer_records_a_district_title_audited_with_a_warning(unit, province_officer):
    district = unit("pre2025:100")
    title, created = area_services.record_area_recognition(
        actor=province_officer,
        unit=district,
        level="huyen-dat-chuan",
        decision_no=" 123/QĐ-TTg ",
        decision_date=D(2024, 5, 10),
        issued_by="Thủ tướng Chính phủ",
    )
    assert created and title.effective_date == D(2024, 5, 10) and title.decision_no == "123/QĐ-TTg"
    assert "21 xã của Huyện Điện Biên chưa có quyết định công nhận" in title.warning
    entry = AuditEntry.objects.get(action="ntm.area_recognition.recorded")
    assert entry.area_id == district.pk and entry.after["level"] == "huyen-dat-chuan"
    again, created = area_services.record_area_recognition(
        actor=province_officer,
        unit=district,
        level="huyen-dat-chuan",
        decision_no="123/QĐ-TTg",
        decision_date=D(2024, 5, 10),
    )
    assert again == title and not created and AreaRecognition.objects.count() == 1


def test_the_warning_is_gone_when_every_commune_is_recognised(unit):
    district = unit("pre2025:095")  # Thị xã Mường Lay: one rural commune
    for commune in AdministrativeUnit.objects.filter(district=district, unit_type="xa"):
        _recognise(commune, D(2019, 1, 2))
    title, _ = area_services.record_area_recognition(
        actor=None, unit=district, level="hoan-thanh-nv", decision_date=D(2020, 3, 1)
    )
    assert title.warning == ""


@pytest.mark.parametrize("who", ["other_province_officer", "commune_officer"])
def test_other_provinces_and_commune_officers_are_refused(unit, request, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionRefused):
        area_services.record_area_recognition(
            actor=actor, unit=unit("pre2025:100"), level="huyen-dat-chuan", decision_date=D(2024, 1, 1)
        )
    assert not AreaRecognition.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="ntm.area_recognition").exists()


def test_a_district_decision_on_or_after_the_reform_is_refused(unit, province_officer):
    with pytest.raises(DomainError) as refused:
        area_services.record_area_recognition(
            actor=province_officer, unit=unit("pre2025:100"), level="huyen-dat-chuan", decision_date=D(2025, 7, 1)
        )
    assert "01/07/2025" in refused.value.message and refused.value.field == "decision_date"
    title, _ = area_services.record_area_recognition(
        actor=province_officer, unit=unit("pre2025:100"), level="huyen-dat-chuan", decision_date=D(2025, 6, 30)
    )
    assert title.pk and AreaRecognition.objects.count() == 1


@pytest.mark.parametrize(
    "area_id,level",
    [
        ("pre2025:094", "huyen-dat-chuan"),  # Thành phố Điện Biên Phủ: hoàn thành nhiệm vụ, not huyện đạt chuẩn
        ("pre2025:100", "hoan-thanh-nv"),  # a huyện is not "hoàn thành nhiệm vụ"
        ("pre2025:100", "tinh-hoan-thanh"),
        ("2025:11", "huyen-dat-chuan"),  # a province
        ("pre2025:11", "huyen-kieu-mau"),
        ("2025:03328", "huyen-dat-chuan"),  # a commune
        ("pre2025:100", "bogus"),
    ],
)
def test_a_title_the_unit_cannot_hold_is_refused(unit, province_officer, area_id, level):
    with pytest.raises(DomainError) as refused:
        area_services.record_area_recognition(
            actor=province_officer, unit=unit(area_id), level=level, decision_date=D(2024, 1, 1)
        )
    assert refused.value.field in ("level", "unit")
    assert not AreaRecognition.objects.exists()


def test_the_right_titles_for_towns_and_provinces_are_accepted(unit, province_officer):
    town, _ = area_services.record_area_recognition(
        actor=province_officer, unit=unit("pre2025:094"), level="hoan-thanh-nv", decision_date=D(2023, 1, 1)
    )
    province, _ = area_services.record_area_recognition(
        actor=province_officer, unit=unit("2025:11"), level="tinh-hoan-thanh", decision_date=D(2026, 2, 1)
    )
    assert {town.level, province.level} == {"hoan-thanh-nv", "tinh-hoan-thanh"}


def test_revoke_needs_a_reason_a_later_day_and_happens_once(unit, province_officer, other_province_officer):
    title, _ = area_services.record_area_recognition(
        actor=province_officer, unit=unit("pre2025:100"), level="huyen-dat-chuan", decision_date=D(2022, 1, 1)
    )
    with pytest.raises(PermissionRefused):
        area_services.revoke_area_recognition(
            actor=other_province_officer, recognition=title, revoked_on=D(2023, 1, 1), reason="sai"
        )
    with pytest.raises(DomainError) as refused:
        area_services.revoke_area_recognition(
            actor=province_officer, recognition=title, revoked_on=D(2023, 1, 1), reason=" "
        )
    assert refused.value.field == "reason"
    with pytest.raises(DomainError):
        area_services.revoke_area_recognition(
            actor=province_officer, recognition=title, revoked_on=D(2021, 1, 1), reason="sai"
        )
    title.refresh_from_db()
    assert title.revoked_on is None
    area_services.revoke_area_recognition(
        actor=province_officer, recognition=title, revoked_on=D(2023, 1, 1), reason="Không duy trì", decision_no="9/QĐ"
    )
    title.refresh_from_db()
    assert title.revoked_on == D(2023, 1, 1) and title.revocation_decision_no == "9/QĐ"
    assert AuditEntry.objects.filter(action="ntm.area_recognition.revoked").count() == 1
    with pytest.raises(DomainError):
        area_services.revoke_area_recognition(
            actor=province_officer, recognition=title, revoked_on=D(2024, 1, 1), reason="lần hai"
        )
    assert list(titles_in(unit(PROVINCE), year=2022)) == [title]
    assert list(titles_in(unit(PROVINCE), year=2023)) == []


def test_district_titles_end_with_the_districts(unit):
    title, _ = area_services.record_area_recognition(
        actor=None, unit=unit("pre2025:100"), level="huyen-dat-chuan", decision_date=D(2022, 1, 1)
    )
    assert list(titles_in(unit(PROVINCE), year=2024)) == [title]
    assert list(titles_in(unit("2025:11"), year=2024)) == [title]  # the 2025 province reaches its predecessor's
    assert list(titles_in(unit(PROVINCE), year=2025)) == []  # no district on 31/12/2025
    assert list(titles_in(unit("pre2025:097"), year=2024)) == []


# ---- huyện chưa có xã NTM ---------------------------------------------------------------------------------------


def test_seed_003_sentence_for_2020(unit, province_officer):
    _seed_2020(actor=province_officer)
    answer = areas_without_ntm(2020, unit(PROVINCE))
    assert answer.child_level == "district" and answer.considered == 10
    assert [n.removeprefix("Huyện ") for n in _names(answer)] == SEED_NAMED
    cache.clear()
    report = report_for(2020, PROVINCE)
    assert [u["name"] for u in report["areas_without_ntm"]] == [f"Huyện {n}" for n in SEED_NAMED]
    sentence = (
        "Đến hết năm 2020, toàn tỉnh còn 4 huyện chưa có xã NTM gồm: Mường Chà, Tủa Chùa, Tuần Giáo, Điện Biên Đông."
    )
    assert areas_without_ntm_sentence(report) == sentence
    assert sentence in narrative(report)
    # the year before, no district had a recognised commune yet (all decisions are from 20/12/2019: 2019 counts them)
    assert areas_without_ntm(2018, unit(PROVINCE)).count == 10


def test_a_recognition_dated_31_december_counts_that_year_not_the_year_before(unit):
    muong_cha = _district(unit, "Mường Chà")
    _recognise(_first_commune(muong_cha), D(2021, 12, 31))
    assert "Huyện Mường Chà" in _names(areas_without_ntm(2020, unit(PROVINCE)))
    assert "Huyện Mường Chà" not in _names(areas_without_ntm(2021, unit(PROVINCE)))


def test_a_recognition_revoked_before_31_december_does_not_count(unit):
    tua_chua = _district(unit, "Tủa Chùa")
    recognition = _recognise(_first_commune(tua_chua), D(2020, 3, 1))
    services.revoke_recognition(actor=None, recognition=recognition, revoked_on=D(2021, 12, 1), reason="Không duy trì")
    assert "Huyện Tủa Chùa" not in _names(areas_without_ntm(2020, unit(PROVINCE)))
    assert "Huyện Tủa Chùa" in _names(areas_without_ntm(2021, unit(PROVINCE)))


def test_co_ban_dat_chuan_does_not_count_but_any_higher_level_does(unit):
    tuan_giao, dbd = _district(unit, "Tuần Giáo"), _district(unit, "Điện Biên Đông")
    _recognise(_first_commune(tuan_giao), D(2020, 3, 1), level="co-ban-dat-chuan")
    _recognise(_first_commune(dbd), D(2020, 3, 1), level="nang-cao")
    names = _names(areas_without_ntm(2020, unit(PROVINCE)))
    assert "Huyện Tuần Giáo" in names and "Huyện Điện Biên Đông" not in names


def test_a_district_with_one_recognised_commune_among_many_is_not_listed(unit):
    district = unit("pre2025:100")  # 21 communes
    _recognise(_first_commune(district), D(2020, 3, 1))
    answer = areas_without_ntm(2020, unit(PROVINCE))
    assert "Huyện Điện Biên" not in _names(answer) and answer.count == 9
    # one level down from the district itself: its 20 other communes
    communes = areas_without_ntm(2020, district)
    assert communes.child_level == "commune" and communes.considered == 21 and communes.count == 20


def test_the_2025_scheme_answers_with_communes_and_inheritance(unit):
    new_thanh_nua = unit("2025:03328")  # formed from five communes of Huyện Điện Biên on 01/07/2025
    predecessors = AdministrativeUnit.objects.filter(
        pk__in=Succession.objects.filter(successor=new_thanh_nua).values("predecessor_id")
    )
    assert predecessors.count() == 5
    for commune in predecessors:
        _recognise(commune, D(2023, 5, 1))
    province = unit("2025:11")
    answer = areas_without_ntm(2025, province)
    assert answer.child_level == "commune" and not answer.through_successions
    assert "Xã Thanh Nưa" not in _names(answer)  # inherits đạt chuẩn from its five predecessors
    assert all(not u["name"].startswith("Phường") for u in answer.units)  # wards have no rural commune
    assert answer.count == answer.considered - 1
    # the same 2025 province read for 2024 reaches the old communes through the successions
    before = areas_without_ntm(2024, province)
    assert before.through_successions and "Xã Thanh Nưa" not in _names(before)
    assert before.count == before.considered - 1
    # and the old province read for 2026: Huyện Điện Biên still has its recognised commune(s) through Thanh Nưa
    assert "Huyện Điện Biên" not in _names(areas_without_ntm(2026, unit(PROVINCE)))
    assert "Huyện Mường Chà" in _names(areas_without_ntm(2026, unit(PROVINCE)))


def test_areas_without_ntm_runs_constant_queries(unit):
    def count(area_id, year):
        with CaptureQueriesContext(connection) as captured:
            areas_without_ntm(year, unit(area_id))
        return len(captured)

    areas = [(PROVINCE, 2020), ("2025:11", 2026), ("2025:11", 2020), (PROVINCE, 2026)]
    before = [count(a, y) for a, y in areas]
    _seed_2020()
    for commune in AdministrativeUnit.objects.filter(district__code="100", unit_type="xa")[:10]:
        _recognise(commune, D(2020, 1, 1))
    assert [count(a, y) for a, y in areas] == before
    assert max(before) <= 4


def test_the_country_lists_provinces(system_admin):
    cache.clear()
    report = report_for(2020, "vn", user=system_admin)
    assert len(report["areas_without_ntm"]) == 63
    assert "cả nước còn 63 tỉnh, thành phố chưa có xã NTM" in narrative(report)


# ---- report, dashboard, Excel ------------------------------------------------------------------------------------


def test_report_blocks_only_where_children_are_districts(unit):
    _seed_2020()
    area_services.record_area_recognition(
        actor=None,
        unit=unit("pre2025:100"),
        level="huyen-dat-chuan",
        decision_no="5/QĐ-TTg",
        decision_date=D(2020, 5, 1),
    )
    cache.clear()
    province = report_for(2020, PROVINCE)
    assert province["area_recognitions"][0]["name"] == "Huyện Điện Biên"
    assert province["area_recognitions"][0]["level_label"] == "Huyện đạt chuẩn nông thôn mới"
    assert "Huyện Điện Biên (Huyện đạt chuẩn nông thôn mới)" in narrative(province)
    district = report_for(2020, "pre2025:100")
    assert "areas_without_ntm" not in district and len(district["area_recognitions"]) == 1
    assert "areas_without_ntm" not in report_for(2026, "2025:11")  # children are communes
    assert "areas_without_ntm" not in report_for(2026, PROVINCE)  # through successions: communes too
    sheet = load_workbook(io.BytesIO(workbook(province, []))).worksheets[1]
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "Huyện Mường Chà" in values and "5/QĐ-TTg" in values and "01/05/2020" in values


def test_dashboard_shows_the_block_and_links_to_the_page(client, province_officer, unit):
    _seed_2020()
    cache.clear()
    client.force_login(province_officer)
    html = client.get(reverse("ntm:dashboard"), {"year": 2020, "area": PROVINCE}).content.decode()
    assert 'data-testid="area-level"' in html and "Huyện Tủa Chùa" in html
    assert reverse("ntm:areas_without_ntm") + "?year=2020&amp;area=pre2025%3A11" in html
    assert "toàn tỉnh còn 4 huyện chưa có xã NTM" in html


# ---- pages -------------------------------------------------------------------------------------------------------


def test_the_without_page_for_any_year_and_scheme(client, province_officer, unit):
    _seed_2020()
    client.force_login(province_officer)
    html = client.get(reverse("ntm:areas_without_ntm"), {"year": 2020, "area": PROVINCE}).content.decode()
    assert 'data-testid="without-count">4</a>/10' in html
    for name in SEED_NAMED:
        assert f"Huyện {name}" in html
    assert reverse("ntm:figure") + "?year=2020&amp;area=pre2025:097&amp;figure=communes" in html
    # the default area is the officer's province (2025 scheme): communes
    html = client.get(reverse("ntm:areas_without_ntm"), {"year": 2026}).content.decode()
    assert 'data-testid="without-units"' in html and "Xã Thanh Nưa" in html
    bad = client.get(reverse("ntm:areas_without_ntm"), {"year": "abc", "area": PROVINCE})
    assert bad.status_code == 200 and 'data-testid="without-units"' not in bad.content.decode()


def test_record_and_revoke_through_the_pages(client, province_officer, unit):
    client.force_login(province_officer)
    url = reverse("ntm:area_recognition_add")
    response = client.post(
        url,
        {"unit": "pre2025:100", "level": "huyen-dat-chuan", "decision_no": "7/QĐ-TTg", "decision_date": "2024-02-01"},
    )
    assert response.status_code == 302
    title = AreaRecognition.objects.get()
    listing = client.get(reverse("ntm:area_recognitions"), {"area": "pre2025:11", "year": 2024}).content.decode()
    assert "7/QĐ-TTg" in listing and reverse("ntm:area_recognition_revoke", args=[title.pk]) in listing
    refused = client.post(url, {"unit": "pre2025:100", "level": "huyen-dat-chuan", "decision_date": "2025-08-01"})
    assert refused.status_code == 200 and "không còn cấp huyện" in refused.content.decode()
    foreign = client.post(url, {"unit": "2025:14", "level": "tinh-hoan-thanh", "decision_date": "2026-02-01"})
    assert foreign.status_code == 200 and "Bạn không được ghi quyết định công nhận" in foreign.content.decode()
    assert AreaRecognition.objects.count() == 1
    revoke = reverse("ntm:area_recognition_revoke", args=[title.pk])
    assert client.post(revoke, {"revoked_on": "2024-06-01", "reason": ""}).status_code == 200
    assert client.post(revoke, {"revoked_on": "2024-06-01", "reason": "Không duy trì"}).status_code == 302
    title.refresh_from_db()
    assert title.revoked_on == D(2024, 6, 1)


def test_the_revoke_page_of_another_province_is_404(client, other_province_officer, unit):
    title, _ = area_services.record_area_recognition(
        actor=None, unit=unit("pre2025:100"), level="huyen-dat-chuan", decision_date=D(2024, 1, 1)
    )
    client.force_login(other_province_officer)
    assert client.get(reverse("ntm:area_recognition_revoke", args=[title.pk])).status_code == 404


def test_the_commune_officer_sees_titles_but_cannot_record(client, commune_officer):
    client.force_login(commune_officer)
    assert client.get(reverse("ntm:area_recognitions")).status_code == 200
    assert client.get(reverse("ntm:area_recognition_add")).status_code == 403


def test_the_conditions_page_names_the_missing_texts(client, province_officer):
    conditions = load_area_conditions()
    assert conditions["levels"] and all(not e.conditions and e.missing_texts for e in conditions["levels"])
    assert any(e.level == "tinh-hoan-thanh" and e.period == "2026–2030" for e in conditions["levels"])
    client.force_login(province_officer)
    html = client.get(reverse("ntm:area_conditions")).content.decode()
    assert "Tỉnh hoàn thành nhiệm vụ xây dựng nông thôn mới" in html and "2026–2030" in html
    assert "Chưa có văn bản trong hệ thống" in html


def test_a_condition_without_its_source_is_refused(tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    bad = tmp_path / "c.yaml"
    bad.write_text("levels:\n  - level: huyen-dat-chuan\n    conditions: [{text: 'x'}]\n", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured):
        load_area_conditions(bad)
    bad.write_text("levels:\n  - level: huyen-dat-chuan\n    conditions: []\n", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured):
        load_area_conditions(bad)


# ---- API ---------------------------------------------------------------------------------------------------------


def test_the_api_is_public_and_read_only(client, unit):
    _seed_2020()
    area_services.record_area_recognition(
        actor=None, unit=unit("pre2025:100"), level="huyen-dat-chuan", decision_date=D(2020, 5, 1)
    )
    body = client.get("/api/v1/ntm/areas-without-ntm", {"year": 2020, "area": PROVINCE}).json()
    assert body["count"] == 4 and body["considered"] == 10 and body["level"] == "district"
    assert [u["name"] for u in body["units"]] == [f"Huyện {n}" for n in SEED_NAMED]
    titles = client.get("/api/v1/ntm/area-recognitions", {"area": PROVINCE, "year": 2020}).json()
    assert [t["id"] for t in titles] == ["pre2025:100"] and titles[0]["effective_date"] == "2020-05-01"
    assert client.get("/api/v1/ntm/area-recognitions", {"year": 2019}).json() == []
    assert client.get("/api/v1/ntm/areas-without-ntm", {"year": "abc", "area": PROVINCE}).status_code == 400
    assert client.get("/api/v1/ntm/areas-without-ntm", {"year": 2020, "area": "vn"}).status_code == 404
    assert client.get("/api/v1/ntm/area-recognitions", {"level": "x"}).status_code == 400
    assert client.post("/api/v1/ntm/area-recognitions").status_code == 405


def test_the_list_page_shows_the_readers_areas_the_api_every_province(client, province_officer, unit):
    area_services.record_area_recognition(
        actor=None, unit=unit("2025:14"), level="tinh-hoan-thanh", decision_no="SL-1", decision_date=D(2026, 3, 1)
    )
    area_services.record_area_recognition(
        actor=None, unit=unit("2025:11"), level="tinh-hoan-thanh", decision_no="DB-1", decision_date=D(2026, 3, 1)
    )
    client.force_login(province_officer)
    html = client.get(reverse("ntm:area_recognitions")).content.decode()
    assert "DB-1" in html and "SL-1" not in html
    client.logout()
    public = client.get("/api/v1/ntm/area-recognitions").json()
    assert {t["decision_no"] for t in public} == {"DB-1", "SL-1"}
