"""The issue-17 demo (`manage.py load_demo` → programme.demo_plans.load_demo_plans): only what the seed articles
name, written through the services by the province officers, once, and visible where it belongs."""

import pytest
from django.urls import reverse

from accounts.demo import load_demo_register, load_demo_users
from accounts.models import User
from areas.queries import get_unit
from core.models import AuditEntry
from programme.choices import FundingSource, SupporterLevel
from programme.demo_plans import COURSE, PLAN, load_demo_plans, monitored_year
from programme.models import (
    AnnualPlan,
    InvestmentProject,
    InvestmentStage,
    LineAction,
    LinkageProject,
    LinkageStatus,
    MonitoringReport,
    PlanLine,
    PlanTarget,
    ReportStatus,
    SupportLine,
    TargetMetric,
    TrainingCourse,
)
from programme.plan_actuals import NOT_STARTED, plan_vs_actual

pytestmark = pytest.mark.django_db

MODELS = (
    AnnualPlan,
    PlanTarget,
    PlanLine,
    SupportLine,
    LinkageProject,
    InvestmentProject,
    TrainingCourse,
    MonitoringReport,
)


@pytest.fixture
def demo():
    load_demo_users()
    load_demo_register()
    return load_demo_plans()


def _rows():
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["audit"] = AuditEntry.objects.filter(action__startswith="programme.").count()
    return counts


def _plan():
    return AnnualPlan.objects.select_related("area").get(title=PLAN["title"])


def test_the_loader_writes_the_records_the_seeds_name_and_nothing_more(demo):
    assert _rows() == {
        "AnnualPlan": 1,
        "PlanTarget": 1,
        "PlanLine": 5,
        "SupportLine": 3,  # the three district-supported lines, source NTM, amount not given
        "LinkageProject": 3,
        "InvestmentProject": 2,
        "TrainingCourse": 1,
        "MonitoringReport": 1,
        "audit": 1 + 1 + 5 + 3 + 3 + 2 + 1 + 2,  # the report is created, then submitted
    }
    assert demo.counts == {
        "plans": 1,
        "targets": 1,
        "lines": 5,
        "linkages": 3,
        "investments": 2,
        "courses": 1,
        "monitoring": 1,
        "support": 3,
    }
    # each write is the officer's own, through the services (one audit entry per record, by its province's officer)
    actors = set(AuditEntry.objects.filter(action__startswith="programme.").values_list("actor__username", flat=True))
    assert actors == {"tinh.sonla", "tinh.dienbien"}


def test_the_thuan_chau_plan_names_two_products_for_the_province_and_three_for_the_district_from_ntm(demo):
    plan = _plan()
    assert (str(plan.area.area_id), plan.area.name, plan.year) == ("pre2025:119", "Huyện Thuận Châu", 2021)
    assert plan.decision_no == "" and plan.decision_date is None  # the article gives no number: none invented
    lines = list(plan.lines.order_by("position"))
    assert [line.name for line in lines] == ["Cà phê", "Mật ong", "Thịt hun khói", "Tinh dầu sả", "Chẳm chéo"]
    assert all(line.action == LineAction.NEW_RECOGNITION and line.target_stars is None for line in lines)
    assert all(line.planned_amount is None for line in lines)
    by_supporter = {
        level: [line.name for line in lines if line.supported_by == level]
        for level in (SupporterLevel.PROVINCE, SupporterLevel.DISTRICT)
    }
    assert by_supporter == {
        SupporterLevel.PROVINCE: ["Cà phê", "Mật ong"],
        SupporterLevel.DISTRICT: ["Thịt hun khói", "Tinh dầu sả", "Chẳm chéo"],
    }
    assert [line.funding_source for line in lines] == ["", "", *[FundingSource.NTM] * 3]
    target = plan.targets.get()
    assert (target.metric, target.value, target.stars) == (TargetMetric.NEW_PRODUCTS, 5, None)
    support = list(SupportLine.objects.filter(plan_line__plan=plan).order_by("plan_line__position"))
    assert [s.plan_line.name for s in support] == ["Thịt hun khói", "Tinh dầu sả", "Chẳm chéo"]
    assert all(s.source == FundingSource.NTM and s.amount_planned is None and s.year == 2021 for s in support)
    assert {s.old_district_id for s in support} == {plan.area_id}  # placed in Huyện Thuận Châu, as its plan


def test_the_dien_bien_projects_follow_the_article(demo):
    projects = {p.name: p for p in LinkageProject.objects.prefetch_related("communes")}
    communes = {name: sorted(c.name for c in p.communes.all()) for name, p in projects.items()}
    assert communes == {
        "Dự án liên kết sản xuất quả vú sữa xã Thanh Hưng": ["Xã Thanh Hưng"],
        "Dự án liên kết sản xuất lúa gạo xã Thanh Yên, Thanh An, Thanh Xương": [
            "Xã Thanh An",
            "Xã Thanh Xương",
            "Xã Thanh Yên",
        ],
        "Dự án liên kết sản xuất quả bưởi da xanh": [],  # the article names no commune
    }
    for project in projects.values():
        assert project.status == LinkageStatus.RUNNING
        assert str(project.province.area_id) == "pre2025:11"
        assert project.contract_start is None and project.area_ha is None and project.support_approved is None
        assert all(c.district.name == "Huyện Điện Biên" for c in project.communes.all())
    stages = {p.name: (p.stage, sorted(c.name for c in p.communes.all())) for p in InvestmentProject.objects.all()}
    assert stages == {
        "Dự án trồng mắc ca tại xã Mường Nhà, Mường Lói": (InvestmentStage.SURVEY, ["Xã Mường Lói", "Xã Mường Nhà"]),
        "Dự án trồng bơ tại xã Núa Ngam": (InvestmentStage.IMPLEMENTING, ["Xã Núa Ngam"]),
    }


def test_the_training_conference_and_the_monitoring_report(demo):
    course = TrainingCourse.objects.select_related("area", "province").get()
    assert course.title == COURSE["title"] and course.area.name == "Huyện Thuận Châu"
    assert str(course.province.area_id) == "pre2025:14" and course.start_date.year == 2021
    assert course.cost is None and not course.funding_source
    assert course.participants is None  # the article gives no number: unknown, not 0
    report = MonitoringReport.objects.select_related("product").get()
    assert (report.product.name, report.year, report.status) == (
        "Miến dong Mường Ảng",
        monitored_year(),
        ReportStatus.SUBMITTED,
    )
    assert "minh họa" in report.problems  # demo values, and said so


def test_a_second_load_writes_nothing(demo):
    before = _rows()
    again = load_demo_plans()
    assert again.counts == {}
    assert _rows() == before


def test_the_plan_is_listed_for_son_la_and_not_for_dien_bien(demo, client):
    plan = _plan()
    client.force_login(User.objects.get(username="tinh.sonla"))
    listed = client.get(reverse("programme:plan_list"))
    assert listed.status_code == 200 and PLAN["title"] in listed.content.decode()
    page = client.get(reverse("programme:plan_detail", args=[plan.pk])).content.decode()
    assert "Tinh dầu sả" in page and "Chẳm chéo" in page
    client.force_login(User.objects.get(username="tinh.dienbien"))
    listed = client.get(reverse("programme:plan_list"))
    assert listed.status_code == 200 and PLAN["title"] not in listed.content.decode()
    assert client.get(reverse("programme:plan_detail", args=[plan.pk])).status_code == 404


def test_plan_vs_actual_answers_for_the_old_district_and_for_the_2025_province_with_the_same_plan(demo):
    plan = _plan()
    officer = User.objects.get(username="tinh.sonla")
    district = plan_vs_actual(get_unit("pre2025:119"), 2021, user=officer)
    province = plan_vs_actual(get_unit("2025:14"), 2021, user=officer, include_sub_areas=True)
    for answer in (district, province):
        assert [p.pk for p in answer.plans] == [plan.pk]
        assert [(row.metric, row.target) for row in answer.targets] == [(TargetMetric.NEW_PRODUCTS, 5)]
        assert answer.counts["total"] == 5
        # the plan names products not registered yet: each line waits for its idea
        assert {progress.state for _line, progress in answer.lines} == {NOT_STARTED}
    # Điện Biên's officer does not get Sơn La's plan
    other = plan_vs_actual(get_unit("2025:14"), 2021, user=User.objects.get(username="tinh.dienbien"))
    assert other.plans == []


@pytest.mark.parametrize(
    ("url_name", "owner", "other", "shown"),
    [
        ("programme:linkage_list", "tinh.dienbien", "tinh.sonla", "Dự án liên kết sản xuất quả vú sữa xã Thanh Hưng"),
        ("programme:investment_list", "tinh.dienbien", "tinh.sonla", "Dự án trồng bơ tại xã Núa Ngam"),
        ("programme:training_list", "tinh.sonla", "tinh.dienbien", COURSE["title"]),
        ("programme:monitoring_list", "tinh.dienbien", "tinh.sonla", "Miến dong Mường Ảng"),
    ],
)
def test_each_record_is_on_its_list_for_its_province_only(demo, client, url_name, owner, other, shown):
    query = {"year": monitored_year()} if url_name == "programme:monitoring_list" else {}
    client.force_login(User.objects.get(username=owner))
    page = client.get(reverse(url_name), query)
    assert page.status_code == 200 and shown in page.content.decode()
    client.force_login(User.objects.get(username=other))
    page = client.get(reverse(url_name), query)
    assert page.status_code == 200 and shown not in page.content.decode()
