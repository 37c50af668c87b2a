"""plan_vs_actual: each metric at its year edges, across the 2025 boundary change in both schemes, sub-area targets,
summing targets of several plans. Also the builders the other plan-vs-actual tests share."""

import datetime
import itertools

import pytest

from certification import services as certification_services
from evaluation import process
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product
from programme.models import AnnualPlan, LineAction, PlanLine

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def thuc_pham():
    return ProductCategory.objects.get(system="148", code="thuc-pham")


def make_plan(unit, area_id, year, title=None):
    return AnnualPlan.objects.create(area=unit(area_id), year=year, title=title or f"Kế hoạch OCOP năm {year}")


def make_line(plan, name, action=LineAction.NEW_RECOGNITION, **values):
    return PlanLine.objects.create(plan=plan, name=name, action=action, **values)


def make_product(unit, name, area="pre2025:03331", producer="HTX Thanh Hưng", group=None):
    """A product of a producer at the old Xã Thanh Hưng (huyện Điện Biên, succeeded by Xã Thanh Nưa) by default."""
    from producers.models import Producer

    holder = Producer.objects.filter(name=producer).first() or create_producer(
        actor=None, name=producer, producer_type="htx", location=unit(area)
    )
    return create_product(actor=None, name=name, producer=holder, location=unit(area), group=group or thuc_pham())


def certify(unit, product, decided, stars=3):
    """A certificate under its own decision of Điện Biên (old or new province by the date); its kind (recognition,
    upgrade, re-recognition) follows from the product's earlier certificates, as certification.services decides."""
    province = unit("pre2025:11") if decided < datetime.date(2025, 7, 1) else unit("2025:11")
    decision, _ = certification_services.get_or_create_decision(
        actor=None,
        number=f"{next(_numbers)}/QĐ-UBND",
        date=decided,
        kind="recognition",
        issuing_level=process.recognising_level(stars, decided),
        province=province,
    )
    certificate, _ = certification_services.record_certificate(
        actor=None, product=product, decision=decision, stars=stars
    )
    return certificate


def make_target(plan, metric, value, **qualifiers):
    from programme.models import PlanTarget

    return PlanTarget.objects.create(plan=plan, metric=metric, value=value, **qualifiers)


def row_of(result, metric, **qualifiers):
    """The one target row of `metric` (and the given qualifiers) in a PlanActual."""
    found = [
        r
        for r in result.targets
        if r.metric == metric and all(getattr(r, name) == value for name, value in qualifiers.items())
    ]
    assert len(found) == 1, [r.label for r in result.targets]
    return found[0]


# --- new products at the year's edges, across the boundary change -------------------------------------------------


def test_new_products_decided_on_31_12_count_in_that_year_not_the_next(unit):
    from programme.models import TargetMetric
    from programme.plan_actuals import plan_vs_actual

    for year in (2024, 2025):
        make_target(make_plan(unit, "pre2025:100", year), TargetMetric.NEW_PRODUCTS, 2)
    certify(unit, make_product(unit, "Gạo tám"), datetime.date(2024, 12, 31))
    certify(unit, make_product(unit, "Gạo nếp"), datetime.date(2025, 1, 1))
    certify(unit, make_product(unit, "Chè"), datetime.date(2023, 12, 31))
    district = unit("pre2025:100")
    row = row_of(plan_vs_actual(district, 2024), TargetMetric.NEW_PRODUCTS)
    assert (row.target, row.actual, row.percent) == (2, 1, 50)
    assert row_of(plan_vs_actual(district, 2025), TargetMetric.NEW_PRODUCTS).actual == 1


def test_an_old_district_product_counts_in_the_new_province_and_the_old_district(unit):
    from programme.models import TargetMetric
    from programme.plan_actuals import plan_vs_actual

    certify(unit, make_product(unit, "Gạo tám"), datetime.date(2024, 6, 1), stars=4)
    # elsewhere in the old province (Huyện Mường Nhé): in the province, not in Huyện Điện Biên
    certify(
        unit, make_product(unit, "Mật ong", area="pre2025:03154", producer="HTX Sín Thầu"), datetime.date(2024, 7, 1)
    )
    make_target(make_plan(unit, "2025:11", 2024), TargetMetric.NEW_PRODUCTS, 5)
    make_target(make_plan(unit, "pre2025:100", 2024), TargetMetric.NEW_PRODUCTS, 3)
    new_province = plan_vs_actual(unit("2025:11"), 2024)
    assert row_of(new_province, TargetMetric.NEW_PRODUCTS).actual == 2
    assert new_province.scheme_differs  # 2024 read in the 2025 boundaries
    old_district = plan_vs_actual(unit("pre2025:100"), 2024)
    assert row_of(old_district, TargetMetric.NEW_PRODUCTS).actual == 1
    assert not old_district.scheme_differs
    # the old province is the new one's counterpart: it reads the new province's plan as its own
    assert row_of(plan_vs_actual(unit("pre2025:11"), 2024), TargetMetric.NEW_PRODUCTS).target == 5


def test_a_2024_district_plan_is_shown_under_the_2025_province_with_sub_areas(unit):
    from programme.models import TargetMetric
    from programme.plan_actuals import plan_vs_actual

    certify(unit, make_product(unit, "Gạo tám"), datetime.date(2024, 6, 1))
    certify(
        unit, make_product(unit, "Mật ong", area="pre2025:03154", producer="HTX Sín Thầu"), datetime.date(2024, 7, 1)
    )
    district_plan = make_plan(unit, "pre2025:100", 2024, "Kế hoạch OCOP huyện Điện Biên 2024")
    make_target(district_plan, TargetMetric.NEW_PRODUCTS, 4)
    make_line(district_plan, "Gạo tám")
    province = unit("2025:11")
    alone = plan_vs_actual(province, 2024)
    assert alone.targets == [] and alone.lines == []
    with_districts = plan_vs_actual(province, 2024, include_sub_areas=True)
    row = row_of(with_districts, TargetMetric.NEW_PRODUCTS)
    # the district's target counts in the district, not in the whole province
    assert (row.sub_area, row.target, row.actual) == (unit("pre2025:100"), 4, 1)
    assert row.query["sub_area"] == "pre2025:100"
    assert [line.name for line, _p in with_districts.lines] == ["Gạo tám"]


def test_targets_of_the_same_metric_from_several_plans_are_summed(unit):
    from programme.models import TargetMetric
    from programme.plan_actuals import plan_vs_actual

    # in 2025 the old province planned before the reform and the new one after it: the same place, summed
    make_target(make_plan(unit, "pre2025:11", 2025), TargetMetric.NEW_PRODUCTS, 3, stars=3)
    make_target(make_plan(unit, "2025:11", 2025), TargetMetric.NEW_PRODUCTS, 2, stars=3)
    make_target(make_plan(unit, "2025:11", 2025, "Kế hoạch bổ sung"), TargetMetric.NEW_PRODUCTS, 1, stars=4)
    certify(unit, make_product(unit, "Gạo tám"), datetime.date(2025, 3, 1), stars=3)
    certify(unit, make_product(unit, "Gạo nếp"), datetime.date(2025, 9, 1), stars=4)
    result = plan_vs_actual(unit("2025:11"), 2025)
    three = row_of(result, TargetMetric.NEW_PRODUCTS, stars=3)
    assert (three.target, three.actual, len(three.plan_ids)) == (5, 1, 2)
    assert (row_of(result, TargetMetric.NEW_PRODUCTS, stars=4).actual, len(result.plans)) == (1, 3)


def test_a_sub_area_target_counts_in_its_sub_area(unit):
    from programme.models import TargetMetric
    from programme.plan_actuals import plan_vs_actual

    plan = make_plan(unit, "2025:11", 2026)
    make_target(plan, TargetMetric.NEW_PRODUCTS, 1, sub_area=unit("2025:03328"))
    make_target(plan, TargetMetric.NEW_PRODUCTS, 4)
    certify(unit, make_product(unit, "Gạo tám", area="2025:03328"), datetime.date(2026, 2, 1))
    certify(
        unit, make_product(unit, "Cà phê", area="2025:03334", producer="HTX Mường Thanh"), datetime.date(2026, 3, 1)
    )
    result = plan_vs_actual(unit("2025:11"), 2026, as_of=datetime.date(2026, 12, 31))
    assert row_of(result, TargetMetric.NEW_PRODUCTS, sub_area=unit("2025:03328")).actual == 1
    assert row_of(result, TargetMetric.NEW_PRODUCTS, sub_area=None).actual == 2


# --- the other metrics ----------------------------------------------------------------------------------------------


def test_upgrades_to_4_stars_and_re_recognitions_at_the_year_edges(unit):
    from programme.models import TargetMetric
    from programme.plan_actuals import plan_vs_actual

    plan = make_plan(unit, "pre2025:100", 2024)
    make_target(plan, TargetMetric.UPGRADE_3_4, 2)
    make_target(plan, TargetMetric.RE_RECOGNITIONS, 2)
    upgraded, renewed, late = (make_product(unit, n) for n in ("Gạo tám", "Gạo nếp", "Chè"))
    for product in (upgraded, renewed, late):
        certify(unit, product, datetime.date(2021, 5, 1), stars=3)
    certify(unit, upgraded, datetime.date(2024, 12, 31), stars=4)
    certify(unit, renewed, datetime.date(2024, 1, 1), stars=3)
    certify(unit, late, datetime.date(2025, 1, 1), stars=4)  # next year's upgrade
    result = plan_vs_actual(unit("pre2025:100"), 2024)
    assert row_of(result, TargetMetric.UPGRADE_3_4).actual == 1
    assert row_of(result, TargetMetric.RE_RECOGNITIONS).actual == 1


def test_group_products_count_new_products_of_the_group(unit):
    from products.models import ProductCategory
    from programme.models import TargetMetric
    from programme.plan_actuals import plan_vs_actual

    drinks = ProductCategory.objects.get(system="148", code="do-uong")
    plan = make_plan(unit, "pre2025:100", 2024)
    make_target(plan, TargetMetric.GROUP_PRODUCTS, 1, group=drinks)
    certify(unit, make_product(unit, "Gạo tám"), datetime.date(2024, 5, 1))
    certify(unit, make_product(unit, "Rượu ngô", group=drinks), datetime.date(2024, 12, 31))
    row = row_of(plan_vs_actual(unit("pre2025:100"), 2024), TargetMetric.GROUP_PRODUCTS)
    assert (row.actual, row.group) == (1, drinks)


def test_potential_five_star_proposals_count_in_the_year_of_their_letter(unit):
    from evaluation.council_models import MinistryProposal
    from programme.models import TargetMetric
    from programme.plan_actuals import plan_vs_actual
    from programme.tests.test_plan_actuals_lines import open_round

    plan = make_plan(unit, "2025:11", 2026)
    make_target(plan, TargetMetric.UPGRADE_4_5, 2)
    for name, letter in (("Gạo tám", datetime.date(2026, 12, 31)), ("Chè", datetime.date(2027, 1, 1))):
        item = open_round(unit, make_product(unit, name), starts_on=datetime.date(2026, 9, 1))
        MinistryProposal.objects.create(item=item, letter_no="1/UBND", letter_date=letter)
    assert row_of(plan_vs_actual(unit("2025:11"), 2026), TargetMetric.UPGRADE_4_5).actual == 1


def test_linkage_models_by_contract_start_and_commune(unit):
    from programme.models import LinkageProject, TargetMetric
    from programme.plan_actuals import plan_vs_actual

    def project(name, start, communes=(), province="2025:11"):
        made = LinkageProject.objects.create(name=name, province=unit(province), contract_start=start)
        made.communes.set([unit(c) for c in communes])
        return made

    project("Vú sữa Thanh Hưng", datetime.date(2024, 12, 31), ["pre2025:03331", "pre2025:03334"])
    project("Lúa gạo Thanh Yên", datetime.date(2025, 1, 1), ["pre2025:03331"])
    project("Bưởi da xanh", datetime.date(2024, 3, 1))  # no communes: placed by its province
    project("Chè Sơn La", datetime.date(2024, 3, 1), province="2025:14")
    make_target(make_plan(unit, "pre2025:100", 2024), TargetMetric.LINKAGE_MODELS, 1)
    make_target(make_plan(unit, "2025:11", 2024), TargetMetric.LINKAGE_MODELS, 2)
    assert row_of(plan_vs_actual(unit("pre2025:100"), 2024), TargetMetric.LINKAGE_MODELS).actual == 1
    assert row_of(plan_vs_actual(unit("2025:11"), 2024), TargetMetric.LINKAGE_MODELS).actual == 2


def test_ntm_communes_recognised_at_the_level_in_the_year(unit):
    from ntm.services import record_recognition
    from programme.models import TargetMetric
    from programme.plan_actuals import plan_vs_actual

    plan = make_plan(unit, "2025:11", 2026)
    make_target(plan, TargetMetric.NTM_COMMUNES, 2, ntm_level="nang-cao")
    make_target(plan, TargetMetric.NTM_COMMUNES, 3, ntm_level="dat-chuan")
    record_recognition(
        actor=None, commune=unit("2025:03328"), level="dat-chuan", decision_date=datetime.date(2025, 12, 31)
    )
    record_recognition(
        actor=None, commune=unit("2025:03328"), level="nang-cao", decision_date=datetime.date(2026, 12, 31)
    )
    result = plan_vs_actual(unit("2025:11"), 2026)
    assert row_of(result, TargetMetric.NTM_COMMUNES, ntm_level="nang-cao").actual == 1
    assert row_of(result, TargetMetric.NTM_COMMUNES, ntm_level="dat-chuan").actual == 0  # 31/12/2025: last year


# --- scope and inputs -------------------------------------------------------------------------------------------------


def test_a_reader_sees_only_their_areas_and_plans(unit, province_officer, other_province_officer, producer):
    from core.errors import NotFound
    from programme.models import TargetMetric
    from programme.plan_actuals import check_area, plan_vs_actual

    make_target(make_plan(unit, "2025:11", 2026), TargetMetric.NEW_PRODUCTS, 3)
    check_area(province_officer, unit("2025:11"))
    check_area(province_officer, unit("pre2025:100"))  # an old district of the province's predecessor
    with pytest.raises(NotFound):
        check_area(other_province_officer, unit("2025:11"))
    # a producer account reads only the plans that name its producers
    assert plan_vs_actual(unit("2025:11"), 2026, user=producer).targets == []
    assert row_of(plan_vs_actual(unit("2025:11"), 2026, user=province_officer), TargetMetric.NEW_PRODUCTS).target == 3


@pytest.mark.parametrize("year", ["2017", "2101", "năm", ""])
def test_a_bad_year_names_the_field(unit, year):
    from programme.plan_actuals import BadPlanActualRequest, plan_vs_actual

    with pytest.raises(BadPlanActualRequest) as refused:
        plan_vs_actual(unit("2025:11"), year)
    assert refused.value.field == "year"


def test_constant_queries_for_one_or_many_targets(unit, django_assert_max_num_queries):
    from programme.models import TargetMetric
    from programme.plan_actuals import plan_vs_actual

    plan = make_plan(unit, "2025:11", 2026)
    make_target(plan, TargetMetric.NEW_PRODUCTS, 1)
    make_target(plan, TargetMetric.NEW_PRODUCTS, 1, sub_area=unit("2025:03334"))
    certify(unit, make_product(unit, "Gạo tám", area="2025:03328"), datetime.date(2026, 2, 1), stars=4)
    province = unit("2025:11")
    with django_assert_max_num_queries(30) as one:
        plan_vs_actual(province, 2026, as_of=datetime.date(2026, 12, 31))
    for stars in (3, 4, 5):
        make_target(plan, TargetMetric.NEW_PRODUCTS, 1, stars=stars)
        make_target(plan, TargetMetric.NEW_PRODUCTS, 1, stars=stars, sub_area=unit("2025:03328"))
    make_target(plan, TargetMetric.UPGRADE_3_4, 1)
    make_target(plan, TargetMetric.RE_RECOGNITIONS, 1, sub_area=unit("2025:03334"))
    make_target(plan, TargetMetric.LINKAGE_MODELS, 2)
    make_target(plan, TargetMetric.LINKAGE_MODELS, 1, sub_area=unit("2025:03328"))
    make_target(plan, TargetMetric.NTM_COMMUNES, 1, ntm_level="dat-chuan")
    make_target(plan, TargetMetric.NTM_COMMUNES, 1, ntm_level="nang-cao")
    make_target(plan, TargetMetric.UPGRADE_4_5, 1)
    # one query per kind of record beyond the first: proposals, projects, recognitions
    with django_assert_max_num_queries(len(one.captured_queries) + 3):
        result = plan_vs_actual(province, 2026, as_of=datetime.date(2026, 12, 31))
    assert len(result.targets) == 15
    four = row_of(result, TargetMetric.NEW_PRODUCTS, stars=4, sub_area=unit("2025:03328"))
    assert (four.actual, row_of(result, TargetMetric.NEW_PRODUCTS, stars=3, sub_area=None).actual) == (1, 0)
    assert row_of(result, TargetMetric.NEW_PRODUCTS, stars=None, sub_area=None).actual == 1
