"""Programme documents, annual plans, targets and lines: who may write where, validation, audit, links."""

import datetime
import decimal

import pytest

from certification import services as certs
from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from evaluation import council
from evaluation.tests.scoring_setup import build_set
from producers.services import create_producer
from products.models import ProductCategory, ProductIdea
from products.services import create_product
from programme import plan_services as services
from programme.models import AnnualPlan, PlanLine, PlanTarget, ProgrammeDocument
from programme.plan_queries import name_suggestions

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return ProductCategory.objects.get(system="148", code="thuc-pham")


@pytest.fixture
def farm(unit, group, province_officer):
    """Two products and an idea in Xã Thanh Nưa (Điện Biên); a product in Sơn La."""
    commune = unit("2025:03328")
    htx = create_producer(actor=None, name="HTX Cà phê Thanh Nưa", producer_type="htx", location=commune)
    coffee = create_product(actor=None, name="Cà phê Thuận Châu", producer=htx, location=commune, group=group)
    rice = create_product(actor=None, name="Gạo tám Điện Biên", producer=htx, location=commune, group=group)
    idea = ProductIdea.objects.create(
        producer=htx,
        product_name="Mật ong bạc hà",
        group=group,
        description="Ý tưởng thử.",
        location=commune,
        registered_by=province_officer,
    )
    sonla = unit("2025:14").children.filter(level="commune").first()
    other = create_producer(actor=None, name="HTX Sơn La", producer_type="htx", location=sonla)
    foreign = create_product(actor=None, name="Cà phê Sơn La", producer=other, location=sonla, group=group)
    return {"commune": commune, "htx": htx, "coffee": coffee, "rice": rice, "idea": idea, "foreign": foreign}


def make_plan(actor, area, year=2026, **extra):
    return services.create_plan(actor=actor, area=area, year=year, title=f"Kế hoạch OCOP năm {year}", **extra)


# --- plans: permission and scope -----------------------------------------------------------------------------------


def test_province_officer_creates_a_province_plan_with_an_audit_entry(province_officer, unit):
    plan = make_plan(province_officer, unit("2025:11"), decision_no="12/KH-UBND")
    entry = AuditEntry.objects.get(action="programme.plan.created", object_id=str(plan.pk))
    assert entry.after["decision_no"] == "12/KH-UBND"
    assert entry.area_id == plan.area_id


def test_province_officer_reaches_the_communes_of_the_province_in_both_schemes(province_officer, unit):
    make_plan(province_officer, unit("2025:03328"))
    make_plan(province_officer, unit("pre2025:100"), year=2024)  # Huyện Điện Biên, before the reform


def test_province_officer_cannot_plan_for_another_province(province_officer, unit):
    with pytest.raises(PermissionRefused):
        make_plan(province_officer, unit("2025:14"))
    assert not AnnualPlan.objects.exists()
    assert not AuditEntry.objects.filter(action="programme.plan.created").exists()


def test_commune_officer_plans_for_their_commune_only(commune_officer, unit):
    make_plan(commune_officer, unit("2025:03328"))
    with pytest.raises(PermissionRefused):
        make_plan(commune_officer, unit("2025:03334"))
    with pytest.raises(PermissionRefused):
        make_plan(commune_officer, unit("2025:11"))
    assert AnnualPlan.objects.count() == 1


def test_other_commune_officer_cannot_change_a_commune_plan(commune_officer, other_commune_officer, unit):
    plan = make_plan(commune_officer, unit("2025:03328"))
    with pytest.raises(PermissionRefused):
        services.update_plan(actor=other_commune_officer, plan=plan, title="Đổi")
    with pytest.raises(PermissionRefused):
        services.add_line(actor=other_commune_officer, plan=plan, name="Chè", action="new")
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch OCOP năm 2026"
    assert not plan.lines.exists()


def test_producer_is_refused(producer, unit):
    with pytest.raises(PermissionRefused):
        make_plan(producer, unit("2025:03328"))


def test_a_district_plan_for_2026_is_refused(province_officer, unit):
    with pytest.raises(DomainError) as refused:
        make_plan(province_officer, unit("pre2025:100"), year=2026)
    assert refused.value.field == "area"
    assert "01/07/2025" in refused.value.message
    make_plan(province_officer, unit("pre2025:100"), year=2025)  # the reform's year still had districts


def test_a_unit_not_in_force_in_the_plan_year_is_refused(province_officer, unit):
    with pytest.raises(DomainError) as refused:
        make_plan(province_officer, unit("2025:03328"), year=2024)  # the new commune began on 01/07/2025
    assert refused.value.field == "area"
    assert "2024" in refused.value.message


def test_year_out_of_range_is_refused(province_officer, unit):
    with pytest.raises(DomainError) as refused:
        make_plan(province_officer, unit("2025:11"), year=2017)
    assert refused.value.field == "year"


def test_update_plan_is_audited_with_before_and_after(province_officer, unit):
    plan = make_plan(province_officer, unit("2025:11"))
    services.update_plan(actor=province_officer, plan=plan, title="Kế hoạch sửa", decision_no="5/KH")
    entry = AuditEntry.objects.get(action="programme.plan.updated")
    assert entry.before["title"] == "Kế hoạch OCOP năm 2026"
    assert entry.after["title"] == "Kế hoạch sửa"


# --- documents ------------------------------------------------------------------------------------------------------


def test_document_and_plan_under_it(province_officer, unit):
    document = services.create_document(
        actor=province_officer, area=unit("2025:11"), title="Đề án OCOP 2026–2030", start_year=2026, end_year=2030
    )
    assert AuditEntry.objects.filter(action="programme.document.created", object_id=str(document.pk)).exists()
    plan = make_plan(province_officer, unit("2025:03328"), document=document)
    assert plan.document == document
    with pytest.raises(DomainError) as refused:
        make_plan(province_officer, unit("2025:11"), year=2031, document=document)
    assert refused.value.field == "document"
    with pytest.raises(DomainError) as refused:
        services.update_document(actor=province_officer, document=document, end_year=2025)
    assert refused.value.field == "end_year"


def test_a_commune_plan_under_the_province_programme(province_officer, commune_officer, unit):
    document = services.create_document(
        actor=province_officer, area=unit("2025:11"), title="Đề án OCOP 2026–2030", start_year=2026, end_year=2030
    )
    plan = make_plan(commune_officer, unit("2025:03328"), document=document)
    assert plan.document == document
    with pytest.raises(PermissionRefused):
        services.update_document(actor=commune_officer, document=document, title="Đổi")


def test_document_years_must_be_ordered(province_officer, unit):
    with pytest.raises(DomainError) as refused:
        services.create_document(
            actor=province_officer, area=unit("2025:11"), title="Đề án", start_year=2030, end_year=2026
        )
    assert refused.value.field == "end_year"
    assert not ProgrammeDocument.objects.exists()


def test_document_of_another_province_is_refused(province_officer, unit):
    with pytest.raises(PermissionRefused):
        services.create_document(
            actor=province_officer, area=unit("2025:14"), title="Đề án", start_year=2026, end_year=2030
        )


def test_a_plan_cannot_use_another_provinces_document(province_officer, other_province_officer, unit):
    document = services.create_document(
        actor=other_province_officer, area=unit("2025:14"), title="Đề án Sơn La", start_year=2026, end_year=2030
    )
    with pytest.raises(DomainError) as refused:
        make_plan(province_officer, unit("2025:11"), document=document)
    assert refused.value.field == "document"


# --- targets --------------------------------------------------------------------------------------------------------


def test_targets_of_a_plan_and_of_a_document(province_officer, unit):
    plan = make_plan(province_officer, unit("2025:11"))
    target = services.add_target(actor=province_officer, plan=plan, metric="new-products", stars=3, value=5)
    services.update_target(actor=province_officer, target=target, value=7)
    target.refresh_from_db()
    assert target.value == 7
    document = services.create_document(
        actor=province_officer, area=unit("2025:11"), title="Đề án", start_year=2026, end_year=2030
    )
    services.add_target(actor=province_officer, document=document, metric="linkage-models", value=10)
    assert PlanTarget.objects.filter(document=document).count() == 1
    services.remove_target(actor=province_officer, target=target)
    assert not PlanTarget.objects.filter(plan=plan).exists()
    actions = set(AuditEntry.objects.filter(action__startswith="programme.target.").values_list("action", flat=True))
    assert actions == {"programme.target.added", "programme.target.updated", "programme.target.removed"}


def test_target_rules(province_officer, unit):
    plan = make_plan(province_officer, unit("2025:11"))
    with pytest.raises(DomainError) as refused:
        services.add_target(actor=province_officer, plan=plan, metric="group-products", value=2)
    assert refused.value.field == "group"
    with pytest.raises(DomainError) as refused:
        services.add_target(actor=province_officer, plan=plan, metric="upgrade-3-4", stars=4, value=2)
    assert refused.value.field == "stars"
    with pytest.raises(DomainError) as refused:
        services.add_target(actor=province_officer, plan=plan, metric="new-products", value=2, sub_area=unit("2025:14"))
    assert refused.value.field == "sub_area"
    with pytest.raises(DomainError):
        services.add_target(actor=province_officer, metric="new-products", value=2)
    assert not PlanTarget.objects.exists()


def test_other_province_cannot_touch_a_target(province_officer, other_province_officer, unit):
    plan = make_plan(province_officer, unit("2025:11"))
    target = services.add_target(actor=province_officer, plan=plan, metric="new-products", value=5)
    with pytest.raises(PermissionRefused):
        services.update_target(actor=other_province_officer, target=target, value=1)
    with pytest.raises(PermissionRefused):
        services.remove_target(actor=other_province_officer, target=target)
    target.refresh_from_db()
    assert target.value == 5


# --- lines ----------------------------------------------------------------------------------------------------------


def test_lines_added_updated_reordered_removed(province_officer, unit):
    plan = make_plan(province_officer, unit("2025:11"))
    first = services.add_line(
        actor=province_officer,
        plan=plan,
        name="  Cà   phê ",
        action="new",
        target_stars=3,
        supported_by="province",
        funding_source="ntm",
        planned_amount=decimal.Decimal("150000000"),
        commune=unit("2025:03328"),
    )
    second = services.add_line(actor=province_officer, plan=plan, name="Gạo", action="upgrade")
    assert (first.name, first.position, second.position) == ("Cà phê", 1, 2)
    services.update_line(actor=province_officer, line=second, note="Ưu tiên")
    services.reorder_lines(actor=province_officer, plan=plan, line_ids=[second.pk, first.pk])
    assert list(plan.lines.order_by("position").values_list("name", flat=True)) == ["Gạo", "Cà phê"]
    with pytest.raises(DomainError):
        services.reorder_lines(actor=province_officer, plan=plan, line_ids=[second.pk])
    services.remove_line(actor=province_officer, line=first)
    assert list(plan.lines.values_list("name", flat=True)) == ["Gạo"]
    actions = list(AuditEntry.objects.filter(action__startswith="programme.plan.line").values_list("action", flat=True))
    assert actions.count("programme.plan.line_added") == 2
    assert "programme.plan.line_updated" in actions and "programme.plan.line_removed" in actions
    assert AuditEntry.objects.filter(action="programme.plan.lines_reordered").count() == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": " ", "action": "new"}, "name"),
        ({"name": "Chè", "action": "invent"}, "action"),
        ({"name": "Chè", "action": "new", "target_stars": 2}, "target_stars"),
        ({"name": "Chè", "action": "new", "planned_amount": decimal.Decimal(-1)}, "planned_amount"),
        ({"name": "Chè", "action": "new", "planned_amount": decimal.Decimal("10.5")}, "planned_amount"),
        ({"name": "Chè", "action": "new", "planned_amount": decimal.Decimal(10**15 + 1)}, "planned_amount"),
    ],
)
def test_line_validation_names_the_field_and_writes_nothing(province_officer, unit, values, field):
    plan = make_plan(province_officer, unit("2025:11"))
    with pytest.raises(DomainError) as refused:
        services.add_line(actor=province_officer, plan=plan, **values)
    assert refused.value.field == field
    assert not plan.lines.exists()


def test_line_commune_must_lie_in_the_plan_area(commune_officer, unit):
    plan = make_plan(commune_officer, unit("2025:03328"))
    with pytest.raises(DomainError) as refused:
        services.add_line(actor=commune_officer, plan=plan, name="Chè", action="new", commune=unit("2025:03334"))
    assert refused.value.field == "commune"


# --- links ----------------------------------------------------------------------------------------------------------


def test_link_line_by_hand(province_officer, unit, farm):
    plan = make_plan(province_officer, unit("2025:11"))
    line = services.add_line(actor=province_officer, plan=plan, name="Cà phê", action="new")
    services.link_line(actor=province_officer, line=line, product=farm["coffee"])
    line.refresh_from_db()
    assert (line.product, line.producer) == (farm["coffee"], farm["htx"])
    assert AuditEntry.objects.filter(action="programme.plan.line_linked", object_id=str(line.pk)).exists()


def test_link_refuses_a_product_outside_the_plan_area(province_officer, unit, farm):
    plan = make_plan(province_officer, unit("2025:11"))
    line = services.add_line(actor=province_officer, plan=plan, name="Cà phê", action="new")
    with pytest.raises(DomainError) as refused:
        services.link_line(actor=province_officer, line=line, product=farm["foreign"])
    assert refused.value.field == "product"
    line.refresh_from_db()
    assert line.product is None


def test_link_refuses_a_product_of_another_commune(province_officer, unit, farm):
    plan = make_plan(province_officer, unit("2025:03334"))  # Phường Mường Thanh: the farm is in Thanh Nưa
    line = services.add_line(actor=province_officer, plan=plan, name="Cà phê", action="new")
    with pytest.raises(DomainError):
        services.link_line(actor=province_officer, line=line, product=farm["coffee"])
    with pytest.raises(DomainError):
        services.link_line(actor=province_officer, line=line, idea=farm["idea"])


def _round_item(officer, province, product, year, code):
    evaluation_round = council.create_round(
        actor=officer,
        province=province,
        title=f"Đợt {year}",
        starts_on=datetime.date(year, 10, 1),
        ends_on=datetime.date(year, 10, 30),
        criteria_set=build_set(code=code),
    )
    return council.add_product(actor=officer, evaluation_round=evaluation_round, product=product)


def _certify(product, province, day, number):
    decision, _ = certs.get_or_create_decision(
        actor=None, number=number, date=day, kind="recognition", issuing_level="province", province=province
    )
    certs.record_certificate(actor=None, product=product, decision=decision, stars=3)
    return decision


def test_refresh_links_follows_idea_product_round_and_decision(province_officer, unit, farm):
    province = unit("2025:11")
    idea = farm["idea"]
    honey = create_product(
        actor=None, name="Mật ong bạc hà", producer=farm["htx"], location=farm["commune"], group=idea.group
    )
    idea.product = honey
    idea.save(update_fields=["product"])
    item = _round_item(province_officer, province, honey, 2026, "PL1")
    decision = _certify(honey, province, datetime.date(2026, 1, 1), "1/QĐ-UBND")
    plan = make_plan(province_officer, province)
    line = services.add_line(actor=province_officer, plan=plan, name="Mật ong", action="new")
    services.link_line(actor=province_officer, line=line, idea=idea)
    changed = services.refresh_links(actor=province_officer, plan=plan)
    line.refresh_from_db()
    assert changed == [line.pk]
    assert (line.product, line.producer, line.round_item, line.decision) == (honey, farm["htx"], item, decision)
    entry = AuditEntry.objects.get(action="programme.plan.links_refreshed")
    assert entry.after["lines"] == [line.pk]
    # nothing new: no change, no second entry
    assert services.refresh_links(actor=province_officer, plan=plan) == []
    assert AuditEntry.objects.filter(action="programme.plan.links_refreshed").count() == 1


def test_refresh_links_takes_only_decisions_dated_in_the_plan_year(province_officer, unit, farm):
    """A decision of 31/12/2025 belongs to the 2025 plan, one of 01/01/2026 to the 2026 plan."""
    province = unit("2025:11")
    late = _certify(farm["coffee"], province, datetime.date(2025, 12, 31), "9/QĐ-UBND")
    early = _certify(farm["rice"], province, datetime.date(2026, 1, 1), "1/QĐ-UBND")
    plan_2026 = make_plan(province_officer, province, year=2026)
    plan_2025 = make_plan(province_officer, province, year=2025)
    lines = {}
    for plan in (plan_2025, plan_2026):
        for key in ("coffee", "rice"):
            line = services.add_line(actor=province_officer, plan=plan, name=farm[key].name, action="new")
            services.link_line(actor=province_officer, line=line, product=farm[key])
            lines[(plan.year, key)] = line
        services.refresh_links(actor=province_officer, plan=plan)
    got = {k: PlanLine.objects.get(pk=v.pk).decision for k, v in lines.items()}
    assert got == {(2025, "coffee"): late, (2025, "rice"): None, (2026, "coffee"): None, (2026, "rice"): early}


def test_refresh_links_matches_the_decision_kind_to_the_action(province_officer, unit, farm):
    province = unit("2025:11")
    _certify(farm["coffee"], province, datetime.date(2026, 3, 1), "3/QĐ-UBND")  # a first recognition
    plan = make_plan(province_officer, province)
    line = services.add_line(actor=province_officer, plan=plan, name="Cà phê", action="upgrade")
    services.link_line(actor=province_officer, line=line, product=farm["coffee"])
    services.refresh_links(actor=province_officer, plan=plan)
    line.refresh_from_db()
    assert line.decision is None


def test_refresh_links_ignores_rounds_of_another_year_and_keeps_manual_links(province_officer, unit, farm):
    province = unit("2025:11")
    _round_item(province_officer, province, farm["coffee"], 2026, "PL2")
    plan = make_plan(province_officer, province, year=2027)
    line = services.add_line(actor=province_officer, plan=plan, name="Cà phê", action="new")
    services.link_line(actor=province_officer, line=line, product=farm["coffee"])
    services.refresh_links(actor=province_officer, plan=plan)
    line.refresh_from_db()
    assert line.round_item is None
    assert line.product == farm["coffee"]  # the manual link stays


def test_refresh_links_is_refused_to_another_province(province_officer, other_province_officer, unit):
    plan = make_plan(province_officer, unit("2025:11"))
    with pytest.raises(PermissionRefused):
        services.refresh_links(actor=other_province_officer, plan=plan)


# --- suggestions ----------------------------------------------------------------------------------------------------


def test_name_suggestions_match_folded_words_in_the_plan_area(province_officer, unit, farm):
    plan = make_plan(province_officer, unit("2025:11"))
    coffee = services.add_line(actor=province_officer, plan=plan, name="Cà phê", action="new")
    honey = services.add_line(actor=province_officer, plan=plan, name="mat ong", action="new")
    nothing = services.add_line(actor=province_officer, plan=plan, name="Chè Shan tuyết", action="new")
    found = name_suggestions(province_officer, plan, [coffee, honey, nothing])
    assert found[coffee.pk].products == [farm["coffee"]]  # not Sơn La's "Cà phê Sơn La"
    assert found[honey.pk].ideas == [farm["idea"]]
    assert nothing.pk not in found
