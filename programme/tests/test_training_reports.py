"""The training and communication report: totals equal the records, areas of both schemes, Excel, query count."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from programme import training_services as services
from programme.training_queries import training_report

pytestmark = pytest.mark.django_db


def _course(actor, province, *, day, communes=(), area=None, **numbers):
    values = {
        "title": numbers.pop("title", "Lớp tập huấn OCOP"),
        "kind": numbers.pop("kind", "training"),
        "organiser": "Phòng Kinh tế",
        "province": province,
        "area": area,
        "place": "Hội trường",
        "start_date": day,
        "end_date": day,
        "audience": [],
        "participants": 0,
        "participants_women": 0,
        "participants_ethnic_minority": 0,
        "cost": None,
        "funding_source": "",
        "note": "",
    }
    values.update(numbers)
    return services.create_course(actor=actor, communes=list(communes), **values)


def _campaign(actor, province, *, day, area=None, **values):
    data = {
        "title": "Tuyên truyền OCOP",
        "channel": "radio",
        "organiser": "Đài truyền thanh",
        "province": province,
        "area": area,
        "start_date": day,
        "end_date": day,
        "audience": [],
        "reach": None,
        "items": None,
        "note": "",
    }
    data.update(values)
    return services.create_campaign(actor=actor, **data)


@pytest.fixture
def dien_bien(province_officer, unit):
    """Courses and campaigns of Điện Biên in 2026 with varied figures, one cancelled, one of 2025."""
    province = unit("2025:11")
    thanh_nua, other = unit("2025:03328"), unit("2025:03334")
    d = datetime.date(2026, 4, 1)
    courses = [
        _course(province_officer, province, day=d, communes=[thanh_nua], participants=50, participants_women=20,
                participants_ethnic_minority=30, cost=10_000_000),
        _course(province_officer, province, day=d, communes=[thanh_nua, other], kind="conference", participants=200,
                participants_women=90, participants_ethnic_minority=110, cost=35_000_000),
        _course(province_officer, province, day=d, area=other, kind="study-tour", participants=25,
                participants_women=5, participants_ethnic_minority=25),
    ]  # fmt: skip
    cancelled = _course(province_officer, province, day=d, participants=999)
    services.cancel_course(actor=province_officer, course=cancelled, reason="Hoãn")
    _course(province_officer, province, day=datetime.date(2025, 12, 31), participants=777)
    campaigns = [
        _campaign(province_officer, province, day=d, reach=10_000, items=8),
        _campaign(province_officer, province, day=d, channel="online", reach=40_000, items=20, area=thanh_nua),
        _campaign(province_officer, province, day=d, channel="radio", reach=None, items=3),
    ]
    return {"courses": courses, "campaigns": campaigns, "thanh_nua": thanh_nua, "other": other}


def test_totals_equal_the_sum_of_the_records(province_officer, dien_bien, unit):
    report = training_report(province_officer, year=2026, area=unit("2025:11"))
    courses = dien_bien["courses"]
    assert report.courses.courses == len(courses)
    assert report.courses.participants == sum(c.participants for c in courses)
    assert report.courses.women == sum(c.participants_women for c in courses)
    assert report.courses.ethnic_minority == sum(c.participants_ethnic_minority for c in courses)
    assert report.courses.cost == sum(int(c.cost or 0) for c in courses)
    assert sum(r.courses for r in report.kinds) == report.courses.courses
    assert sum(r.participants for r in report.kinds) == report.courses.participants
    campaigns = dien_bien["campaigns"]
    assert report.campaigns.campaigns == len(campaigns)
    assert report.campaigns.reach == sum(c.reach or 0 for c in campaigns)
    assert report.campaigns.items == sum(c.items or 0 for c in campaigns)
    assert {r.channel: r.campaigns for r in report.channels} == {"radio": 2, "online": 1}
    # without an area: everything the officer may see, the same here
    assert training_report(province_officer, year=2026).courses == report.courses


def test_one_level_down_by_commune(province_officer, dien_bien, unit):
    report = training_report(province_officer, year=2026, area=unit("2025:11"))
    rows = {row.unit.pk: row for row in report.children}
    assert len(rows) == 45
    thanh_nua, other = rows[dien_bien["thanh_nua"].pk], rows[dien_bien["other"].pk]
    assert (thanh_nua.courses.courses, thanh_nua.courses.participants) == (2, 250)
    assert (other.courses.courses, other.courses.participants) == (2, 225)  # attended one, organised the other
    assert (thanh_nua.campaigns.campaigns, thanh_nua.campaigns.reach) == (1, 40_000)
    assert other.campaigns.campaigns == 0
    commune_report = training_report(province_officer, year=2026, area=dien_bien["thanh_nua"])
    assert commune_report.courses.courses == 2 and commune_report.children == []


def test_a_course_of_the_old_scheme_counts_in_both_schemes(other_province_officer, unit):
    """Seed 004: Huyện Thuận Châu's 2021 conference, recorded under the old province of Sơn La with two of its old
    communes, counts under the district, under the 2025 province, and under the new communes that succeeded them."""
    thuan_chau = unit("pre2025:03724").district
    assert thuan_chau.name == "Huyện Thuận Châu"
    _course(
        other_province_officer,
        unit("pre2025:14"),
        day=datetime.date(2021, 3, 15),
        area=thuan_chau,
        communes=[unit("pre2025:03724"), unit("pre2025:03727")],
        kind="conference",
        title="Hội nghị tập huấn, giới thiệu chương trình OCOP",
        participants=150,
        participants_women=40,
        participants_ethnic_minority=100,
    )

    def courses(area_id, user=other_province_officer):
        return training_report(user, year=2021, area=unit(area_id)).courses.courses

    assert courses("2025:14") == 1
    assert courses("pre2025:14") == 1
    assert courses(thuan_chau.area_id) == 1
    assert courses("2025:03724") == 1  # Xã Bình Thuận, successor of Xã Phổng Lái
    assert courses("pre2025:03727") == 1
    assert courses(unit("pre2025:03721").area_id) == 0  # a commune of the district that did not attend
    assert courses("pre2025:123") == 0  # Huyện Mộc Châu
    assert courses("2025:11") == 0
    old_children = {r.unit.name: r.courses.courses for r in training_report(
        other_province_officer, year=2021, area=unit("pre2025:14")).children}  # fmt: skip
    assert old_children["Huyện Thuận Châu"] == 1 and old_children["Huyện Mộc Châu"] == 0
    new_children = {r.unit.area_id: r.courses.participants for r in training_report(
        other_province_officer, year=2021, area=unit("2025:14")).children}  # fmt: skip
    assert new_children[unit("2025:03724").area_id] == 150
    assert new_children[unit("2025:03727").area_id] == 150
    assert new_children[unit("2025:03721").area_id] == 0


def test_report_is_scoped(province_officer, other_province_officer, commune_officer, dien_bien, unit):
    assert training_report(other_province_officer, year=2026).courses.courses == 0
    assert training_report(other_province_officer, year=2026, area=unit("2025:11")).courses.courses == 0
    # the commune officer sees the courses their commune attended or organised, not the neighbour's
    assert training_report(commune_officer, year=2026).courses.courses == 2


def test_report_page_and_excel_read_back(province_officer, dien_bien, client):
    client.force_login(province_officer)
    url = reverse("programme:training_report")
    page = client.get(url, {"year": 2026, "area": "2025:11"})
    assert page.status_code == 200 and "Xã Thanh Nưa" in page.content.decode()
    response = client.get(url, {"year": 2026, "area": "2025:11", "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(row) for row in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "Tập huấn, truyền thông về OCOP năm 2026 — Tỉnh Điện Biên"
    totals = [row for row in rows if row[0] == "Tổng cộng"]
    assert totals[0][1:6] == (3, 275, 115, 165, 45_000_000)
    assert totals[1][1:4] == (3, 50_000, 31)
    by_unit = {row[0]: row for row in rows if row[0] and str(row[0]).startswith("Xã Thanh Nưa")}
    assert by_unit["Xã Thanh Nưa"][1:3] == (2, 250)


def test_report_queries_do_not_grow(province_officer, unit, client, django_assert_max_num_queries):
    province = unit("2025:11")
    day = datetime.date(2026, 5, 5)
    _course(province_officer, province, day=day, communes=[unit("2025:03328")], participants=3)
    client.force_login(province_officer)
    url = reverse("programme:training_report")
    client.get(url, {"year": 2026, "area": "2025:11"})
    with django_assert_max_num_queries(30) as one:
        client.get(url, {"year": 2026, "area": "2025:11"})
    for n in range(10):
        _course(province_officer, province, day=day, communes=[unit("2025:03328"), unit("2025:03334")], participants=n)
        _campaign(province_officer, province, day=day, reach=n)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url, {"year": 2026, "area": "2025:11"})


@pytest.mark.parametrize("query", ["year=99999999999999999999999", "year=abc", "area=2025:99999", "area=%00"])
def test_bad_filters_answer_with_a_message_not_an_error(province_officer, client, query):
    client.force_login(province_officer)
    for name in ("training_report", "training_list", "campaign_list", "honour_list"):
        response = client.get(f"{reverse(f'programme:{name}')}?{query}")
        assert response.status_code in (200, 400), (name, query)
    response = client.get(f"/api/v1/programme/training-report?{query}")
    assert response.status_code == 400


def test_huge_numbers_in_the_form_are_refused_on_their_field(province_officer, client, unit):
    client.force_login(province_officer)
    response = client.post(
        reverse("programme:training_create"),
        {
            "title": "Lớp",
            "kind": "training",
            "organiser": "Tỉnh",
            "province": unit("2025:11").pk,
            "place": "Hội trường",
            "start_date": "2026-04-02",
            "end_date": "2026-04-02",
            "participants": "999999999999999999999999999999",
            "cost": "999999999999999999999999999999",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"participants", "cost"}
