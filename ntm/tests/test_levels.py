"""Advanced and model levels (issue 18): the next level by held rank, the set that applies (a province's beats the
national one), count-only results "đạt N/M tiêu chí", permissions, the report's `criteria_set=` on the page and the
API, the next-level column in constant queries, and the demo's 14/16."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.errors import DomainError, PermissionRefused
from ntm import level_services, levels, services
from ntm.choices import AssessmentStatus, Issuer, SetKind, SetLevel
from ntm.models import Assessment, CriteriaSet, Criterion
from ntm.queries import BadCriteriaSet, build_report, ntm_report, report_scope

pytestmark = pytest.mark.django_db
D = datetime.date
OLD_THANH_NUA = "pre2025:03322"  # Huyện Điện Biên, Tỉnh Điện Biên (pre-2025)
DISTRICT = "pre2025:100"


def _set(code, level, *, issuer=Issuer.NATIONAL, province=None, start=None, end=None, **kwargs):
    return CriteriaSet.objects.create(
        code=code,
        title=f"Bộ thử {code}",
        kind=SetKind.COMMUNE,
        level=level,
        issuer=issuer,
        province=province,
        valid_from=start or D(2020, 1, 1),
        valid_until=end or D(2026, 1, 1),
        **kwargs,
    )


@pytest.fixture
def sets(unit):
    national = _set("nc-tw", SetLevel.ADVANCED)
    for n in (1, 2, 3):
        Criterion.objects.create(criteria_set=national, code=f"t{n}", number=n, name=f"Tiêu chí thử {n}")
    province = _set(
        "nc-db", SetLevel.ADVANCED, issuer=Issuer.PROVINCE, province=unit("pre2025:11"), declared_criteria=16
    )
    model = _set("km-tw", SetLevel.MODEL, declared_criteria=20)
    return {"national": national, "province": province, "model": model}


def _recognise(unit_id, level, day, unit):
    recognition, _ = services.record_recognition(
        actor=None, commune=unit(unit_id), level=level, decision_no=f"T-{level}-{day:%Y%m%d}", decision_date=day
    )
    return recognition


# ---- next level ---------------------------------------------------------------------------------------------------


def test_next_level_follows_the_held_rank_nested_and_revoked(unit, sets):
    commune = unit(OLD_THANH_NUA)
    assert levels.progress(commune, 2021).level == SetLevel.BASIC  # nothing held
    _recognise(OLD_THANH_NUA, "co-ban-dat-chuan", D(2020, 5, 1), unit)
    assert levels.progress(commune, 2020).level == SetLevel.BASIC  # cơ bản đạt chuẩn → đạt chuẩn
    _recognise(OLD_THANH_NUA, "dat-chuan", D(2020, 6, 1), unit)
    assert levels.progress(commune, 2020).level == SetLevel.ADVANCED
    advanced = _recognise(OLD_THANH_NUA, "nang-cao", D(2021, 6, 1), unit)
    assert levels.progress(commune, 2020).level == SetLevel.ADVANCED  # read on 31/12 of the year asked
    assert levels.progress(commune, 2021).level == SetLevel.MODEL
    assert levels.progress(commune, 2021).criteria_set == sets["model"]
    _recognise(OLD_THANH_NUA, "kieu-mau", D(2022, 6, 1), unit)
    top = levels.progress(commune, 2022)
    assert top.level is None and top.criteria_set is None and "cao nhất" in top.label
    services.revoke_recognition(actor=None, recognition=advanced, revoked_on=D(2023, 1, 1), reason="Thu hồi thử")
    # kiểu mẫu still in force: the highest held counts
    assert levels.progress(commune, 2023).level is None
    assert levels.next_level(None) == SetLevel.BASIC and levels.next_level(3) is None


def test_revoked_level_falls_back(unit, sets):
    commune = unit(OLD_THANH_NUA)
    _recognise(OLD_THANH_NUA, "dat-chuan", D(2020, 6, 1), unit)
    advanced = _recognise(OLD_THANH_NUA, "nang-cao", D(2021, 6, 1), unit)
    services.revoke_recognition(actor=None, recognition=advanced, revoked_on=D(2022, 3, 1), reason="Thu hồi thử")
    assert levels.progress(commune, 2021).level == SetLevel.MODEL
    assert levels.progress(commune, 2022).level == SetLevel.ADVANCED


def test_province_set_beats_the_national_one_and_other_provinces_get_the_national(unit, sets):
    dien_bien = unit(OLD_THANH_NUA)
    assert levels.applicable_set(dien_bien, 2021, SetLevel.ADVANCED) == sets["province"]
    son_la = Assessment  # noqa: F841 (readability)
    from areas.models import AdministrativeUnit

    son_la_commune = AdministrativeUnit.objects.filter(scheme="pre2025", level="commune", province__code="14").first()
    assert levels.applicable_set(son_la_commune, 2021, SetLevel.ADVANCED) == sets["national"]
    # a set not in force on 31 December does not apply
    assert levels.applicable_set(dien_bien, 2026, SetLevel.ADVANCED) is None
    codes = [s.code for s in levels.applicable_sets(dien_bien, 2021)]
    assert "nc-db" in codes and "nc-tw" in codes and "km-tw" in codes
    assert "nc-db" not in [s.code for s in levels.applicable_sets(son_la_commune, 2021)]


# ---- count-only results --------------------------------------------------------------------------------------------


def test_count_only_set_records_14_of_16_through_submit_and_approve(unit, sets, province_officer):
    commune = unit(OLD_THANH_NUA)
    _recognise(OLD_THANH_NUA, "dat-chuan", D(2020, 6, 1), unit)
    assessment = level_services.record_count(
        actor=None, commune=commune, year=2021, criteria_set=sets["province"], criteria_met=14, note="Báo cáo xã"
    )
    assert assessment.status == AssessmentStatus.DRAFT and assessment.criteria_met == 14
    assert not assessment.results.exists()
    p = levels.progress(commune, 2021)
    assert p.count_only and p.total == 16 and p.label == "14/16 tiêu chí nâng cao"
    assert p.status_label == "Đang nhập"
    services.submit_assessment(actor=None, assessment=assessment)
    services.approve_assessment(actor=province_officer, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.APPROVED and assessment.criteria_met == 14
    with pytest.raises(DomainError):  # locked once approved
        level_services.record_count(
            actor=None, commune=commune, year=2021, criteria_set=sets["province"], criteria_met=15
        )
    from core.models import AuditEntry

    assert AuditEntry.objects.filter(action="ntm.assessment.count_recorded").count() == 1


@pytest.mark.parametrize("value", [17, -1, "mười"])
def test_a_count_above_the_declared_size_or_negative_is_refused_and_nothing_written(unit, sets, value):
    with pytest.raises(DomainError) as refused:
        level_services.record_count(
            actor=None, commune=unit(OLD_THANH_NUA), year=2021, criteria_set=sets["province"], criteria_met=value
        )
    assert "16" in refused.value.message
    assert not Assessment.objects.filter(criteria_set=sets["province"]).exists()


def test_count_refused_for_a_set_with_criteria_and_start_refused_for_a_count_only_set(unit, sets):
    commune = unit(OLD_THANH_NUA)
    with pytest.raises(DomainError, match="từng tiêu chí"):
        level_services.record_count(
            actor=None, commune=commune, year=2021, criteria_set=sets["national"], criteria_met=2
        )
    with pytest.raises(DomainError, match="chưa nạp"):
        level_services.start_level_assessment(actor=None, commune=commune, year=2021, criteria_set=sets["province"])
    assert not Assessment.objects.exists()


def test_start_a_chosen_set_with_criteria(unit, sets):
    commune = unit(OLD_THANH_NUA)
    assessment, created = level_services.start_level_assessment(
        actor=None, commune=commune, year=2021, criteria_set=sets["national"]
    )
    assert created and assessment.results.count() == 3
    again, created = level_services.start_level_assessment(
        actor=None, commune=commune, year=2021, criteria_set=sets["national"]
    )
    assert again == assessment and not created
    with pytest.raises(DomainError, match="không áp dụng trong năm 2019"):
        level_services.start_level_assessment(actor=None, commune=commune, year=2019, criteria_set=sets["national"])


def test_a_province_set_of_another_province_is_refused(unit, sets):
    from areas.models import AdministrativeUnit

    son_la_commune = AdministrativeUnit.objects.filter(
        scheme="pre2025", level="commune", province__code="14", unit_type="xa"
    ).first()
    with pytest.raises(DomainError, match="tỉnh khác"):
        level_services.record_count(
            actor=None, commune=son_la_commune, year=2021, criteria_set=sets["province"], criteria_met=3
        )


def test_permissions_commune_officer_province_other_commune_son_la(
    unit, sets, commune_officer, other_commune_officer, province_officer, other_province_officer
):
    commune = unit(OLD_THANH_NUA)  # pre-2025 counterpart of the officer's Xã Thanh Nưa
    for refused in (other_commune_officer, other_province_officer):
        with pytest.raises(PermissionRefused):
            level_services.record_count(
                actor=refused, commune=commune, year=2021, criteria_set=sets["province"], criteria_met=3
            )
    with pytest.raises(PermissionRefused):
        level_services.start_level_assessment(
            actor=other_commune_officer, commune=commune, year=2021, criteria_set=sets["national"]
        )
    assert not Assessment.objects.exists()
    mine = level_services.record_count(
        actor=commune_officer, commune=commune, year=2021, criteria_set=sets["province"], criteria_met=3, submit=True
    )
    assert mine.status == AssessmentStatus.SUBMITTED
    services.return_assessment(actor=province_officer, assessment=mine, reason="Kiểm tra lại")
    # the province records for the commune: submitted into its own approval queue
    theirs = level_services.record_count(
        actor=province_officer,
        commune=commune,
        year=2021,
        criteria_set=sets["province"],
        criteria_met=5,
        submit=True,
        expected_version=Assessment.objects.get(pk=mine.pk).version,
    )
    assert theirs.status == AssessmentStatus.SUBMITTED and theirs.submitted_by == province_officer
    assert theirs.criteria_met == 5


# ---- the report with criteria_set= ----------------------------------------------------------------------------------


def _approved_count(unit, sets, commune_id=OLD_THANH_NUA, met=14, year=2021):
    assessment = level_services.record_count(
        actor=None, commune=unit(commune_id), year=year, criteria_set=sets["province"], criteria_met=met, submit=True
    )
    return services.approve_assessment(actor=None, assessment=assessment)


def test_report_scope_reads_the_chosen_set(unit, sets):
    _approved_count(unit, sets)
    default = ntm_report(2021, DISTRICT)
    assert default["criteria_set"] == "ntm-2016"
    report = build_report(report_scope(2021, DISTRICT, criteria_set="nc-db"))
    assert report["criteria_set"] == "nc-db" and report["assessed"] == 1 and report["average_criteria"] == 14.0
    assert report["by_criterion"] == {} and report["communes"] == default["communes"]
    line = next(c for c in report["children"] if c["id"] == OLD_THANH_NUA)
    assert line["criteria_met"] == 14
    with pytest.raises(BadCriteriaSet) as refused:
        report_scope(2021, DISTRICT, criteria_set="khong-co")
    assert "nc-db" in refused.value.message and "ntm-2016" in refused.value.message
    with pytest.raises(BadCriteriaSet):  # not in force in 2027, no assessment then
        report_scope(2027, DISTRICT, criteria_set="nc-db")
    assert ntm_report(2021, DISTRICT) == default
    # the dashboard's other-set block counts a count-only set's declared size
    from ntm.queries import other_set_progress

    block = next(b for b in other_set_progress(report_scope(2021, DISTRICT)) if b["set"].code == "nc-db")
    assert block["criteria"] == 16 and block["assessed"] == 1 and block["meeting_all"] == 0


def test_api_criteria_set_parameter(client, unit, sets):
    _approved_count(unit, sets)
    url = "/api/v1/reports/ntm"
    default = client.get(url, {"year": 2021, "area": DISTRICT}).json()
    chosen = client.get(url, {"year": 2021, "area": DISTRICT, "criteria_set": "nc-db"})
    assert chosen.status_code == 200
    body = chosen.json()
    assert body["criteria_set"] == "nc-db" and body["assessed"] == 1
    assert set(body) == set(default)
    refused = client.get(url, {"year": 2021, "area": DISTRICT, "criteria_set": "khong-co"})
    assert refused.status_code == 400 and "khong-co" in refused.content.decode() and "nc-db" in refused.content.decode()
    assert client.get(url, {"year": 2021, "area": DISTRICT, "criteria_set": "x" * 41}).status_code in (400, 422)
    assert client.get(url, {"year": 2021, "area": DISTRICT}).json() == default  # unchanged without it


def test_api_criteria_sets_lists_declared_and_missing_texts(client, sets, province_officer):
    client.force_login(province_officer)
    from accounts import services as accounts_services

    token = accounts_services.issue_token(actor=province_officer, name="thu")[1]
    answer = client.get("/api/v1/ntm/criteria-sets", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200
    found = {s["code"]: s for s in answer.json()}
    assert found["nc-db"]["declared_criteria"] == 16 and found["nc-db"]["criteria"] == []
    assert found["nc-db"]["level"] == "nang-cao" and found["nc-db"]["province"] == "pre2025:11"
    assert "missing_texts" in found["ntm-2021"]


def test_dashboard_shows_the_set_the_count_and_the_next_level(client, unit, sets, province_officer):
    _recognise(OLD_THANH_NUA, "dat-chuan", D(2020, 6, 1), unit)
    _approved_count(unit, sets)
    client.force_login(province_officer)
    page = client.get(reverse("ntm:dashboard"), {"year": 2021, "area": DISTRICT, "criteria_set": "nc-db"})
    text = page.content.decode()
    assert page.status_code == 200 and "Bộ tiêu chí: Bộ thử nc-db" in text and "14/16" in text
    assert "14/16 tiêu chí nâng cao" in text  # the next-level column
    page = client.get(reverse("ntm:dashboard"), {"year": 2021, "area": DISTRICT, "criteria_set": "khong-co"})
    assert "không áp dụng cho báo cáo năm 2021" in page.content.decode()
    figure = client.get(
        reverse("ntm:figure"), {"year": 2021, "area": DISTRICT, "criteria_set": "nc-db", "figure": "assessed"}
    )
    assert figure.status_code == 200 and "Bộ thử nc-db" in figure.content.decode()
    assert "14/16 tiêu chí nâng cao" in figure.content.decode()  # the figure list's next-level column
    assert 'value="nc-db"' not in text and "selected>Bộ thử nc-db" in text.replace('" selected', " selected")
    export = client.get(reverse("ntm:export"), {"year": 2021, "area": DISTRICT, "criteria_set": "nc-db"})
    assert export.status_code == 200


def test_next_level_column_runs_constant_queries(unit, sets):
    from ntm.tests.helpers import dien_bien_communes

    communes = dien_bien_communes()
    with CaptureQueriesContext(connection) as one:
        levels.progress_many(communes[:1], 2021)
    for c in communes[:8]:
        _recognise(str(c.area_id), "dat-chuan", D(2020, 6, 1), unit)
        level_services.record_count(actor=None, commune=c, year=2021, criteria_set=sets["province"], criteria_met=9)
    with CaptureQueriesContext(connection) as many:
        found = levels.progress_many(communes, 2021)
    assert len(many.captured_queries) <= len(one.captured_queries) + 1
    assert found[communes[0].pk].label == "9/16 tiêu chí nâng cao"
    report = ntm_report(2021, DISTRICT)
    with CaptureQueriesContext(connection) as column:
        lines = levels.with_next_level(report["children"], 2021)
    assert len(column.captured_queries) <= len(many.captured_queries) + 1
    assert sum(1 for line in lines if line["next_level"] == "9/16 tiêu chí nâng cao") == 8


# ---- pages -------------------------------------------------------------------------------------------------------


def test_commune_page_shows_the_next_level_and_the_buttons(client, unit, sets, commune_officer, province_officer):
    _recognise(OLD_THANH_NUA, "dat-chuan", D(2020, 6, 1), unit)
    client.force_login(commune_officer)
    page = client.get(reverse("ntm:commune", args=[OLD_THANH_NUA]), {"year": 2021})
    text = page.content.decode()
    assert 'data-testid="next-level"' in text and "Chưa đánh giá theo bộ tiêu chí này" in text
    assert reverse("ntm:level_count", args=[OLD_THANH_NUA]) in text
    count_url = reverse("ntm:level_count", args=[OLD_THANH_NUA])
    response = client.post(count_url, {"year": 2021, "criteria_set": "nc-db", "criteria_met": 17, "note": ""})
    assert response.status_code == 200 and "16" in response.content.decode()
    assert not Assessment.objects.exists()
    response = client.post(
        count_url, {"year": 2021, "criteria_set": "nc-db", "criteria_met": 14, "note": "Ghi thử", "submit": "1"}
    )
    assert response.status_code == 302
    page = client.get(reverse("ntm:commune", args=[OLD_THANH_NUA]), {"year": 2021})
    assert "14/16 tiêu chí nâng cao" in page.content.decode() and "Đã gửi tỉnh" in page.content.decode()
    # once submitted, a new count is refused with a message and nothing changes
    response = client.post(count_url, {"year": 2021, "criteria_set": "nc-db", "criteria_met": 3})
    assert response.status_code == 302 and "criteria_set=nc-db" in response["Location"]
    counted = Assessment.objects.get(criteria_set=sets["province"])
    assert counted.criteria_met == 14 and counted.status == AssessmentStatus.SUBMITTED
    overview = client.get(reverse("ntm:levels", args=[OLD_THANH_NUA]), {"year": 2021})
    assert overview.status_code == 200 and "14/16" in overview.content.decode()
    start = client.post(reverse("ntm:level_start", args=[OLD_THANH_NUA]), {"year": 2021, "criteria_set": "nc-tw"})
    created = Assessment.objects.get(criteria_set=sets["national"])
    assert start.status_code == 302 and start["Location"] == created.get_absolute_url()
    # the province approves from the count page
    client.force_login(province_officer)
    page = client.get(count_url, {"year": 2021, "criteria_set": "nc-db"})
    assert 'data-testid="count-approve"' in page.content.decode()
    client.post(reverse("ntm:transition", args=[counted.pk, "approve"]))
    counted.refresh_from_db()
    assert counted.status == AssessmentStatus.APPROVED and counted.criteria_met == 14


def test_pages_refuse_another_commune_and_son_la(client, unit, sets, other_commune_officer, other_province_officer):
    count_url = reverse("ntm:level_count", args=[OLD_THANH_NUA])
    for user in (other_commune_officer, other_province_officer):
        client.force_login(user)
        assert client.get(count_url, {"year": 2021, "criteria_set": "nc-db"}).status_code == 404
        assert client.post(count_url, {"year": 2021, "criteria_set": "nc-db", "criteria_met": 3}).status_code == 404
        assert client.post(
            reverse("ntm:level_start", args=[OLD_THANH_NUA]), {"year": 2021, "criteria_set": "nc-tw"}
        ).status_code in (403, 404)
    assert not Assessment.objects.exists()


# ---- demo --------------------------------------------------------------------------------------------------------


def test_demo_levels_shows_14_of_16_and_loads_twice(client, unit):
    from accounts.demo import load_demo_users
    from ntm.demo import load_demo_ntm
    from ntm.demo_levels import SET_CODE, load_demo_levels, thanh_hung

    load_demo_ntm()
    load_demo_users()
    first = load_demo_levels()
    second = load_demo_levels()
    assert first["created"] and not second["created"] and first["assessment"] == second["assessment"]
    criteria_set = CriteriaSet.objects.get(code=SET_CODE)
    assert criteria_set.declared_criteria == 16 and not criteria_set.criteria.exists() and criteria_set.missing_texts
    commune = thanh_hung()
    assessment = Assessment.objects.get(commune=commune, criteria_set=criteria_set, year=2020)
    assert assessment.status == AssessmentStatus.APPROVED and assessment.criteria_met == 14
    assert levels.progress(commune, 2020).label == "14/16 tiêu chí nâng cao"
    from accounts.models import User

    client.force_login(User.objects.get(username="tinh.dienbien"))
    page = client.get(reverse("ntm:commune", args=[str(commune.area_id)]), {"year": 2020})
    assert "14/16 tiêu chí nâng cao" in page.content.decode()
    body = client.get("/api/v1/reports/ntm", {"year": 2020, "area": DISTRICT, "criteria_set": SET_CODE}).json()
    line = next(c for c in body["children"] if c["id"] == str(commune.area_id))
    assert line["criteria_met"] == 14 and body["assessed"] == 1
    page = client.get(reverse("ntm:dashboard"), {"year": 2020, "area": DISTRICT, "criteria_set": SET_CODE})
    assert "14/16" in page.content.decode()


def test_the_whole_country_reads_the_chosen_set(client, unit, sets, system_admin):
    _approved_count(unit, sets)
    client.force_login(system_admin)
    page = client.get(reverse("ntm:dashboard"), {"year": 2021, "area": "vn", "criteria_set": "nc-db"})
    text = page.content.decode()
    assert page.status_code == 200 and "Bộ tiêu chí: Bộ thử nc-db" in text
    assert 'data-figure="assessed">1</a>' in text
