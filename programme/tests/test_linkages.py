"""Linkage projects, investment projects and raw-material areas: who may write them, where their communes and products
may lie, yearly figures kept once per year, and the report's totals for areas of either scheme."""

import datetime
import decimal

import pytest

from areas.models import AdministrativeUnit
from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product
from programme import linkage_services as services
from programme.linkage_queries import (
    investments_for,
    linkage_report,
    linkages_for,
    raw_area_trend,
    raw_areas_for,
)
from programme.models import (
    InvestmentProject,
    LinkagePartner,
    LinkageProject,
    LinkageResult,
    LinkageStatus,
    RawMaterialArea,
    RawMaterialAreaYear,
)

pytestmark = pytest.mark.django_db
D = decimal.Decimal


@pytest.fixture
def farm(unit, producer):
    """A cooperative of Xã Thanh Nưa linked to the `producer` account, with one product; a Sơn La cooperative."""
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    commune = unit("2025:03328")
    coop = create_producer(actor=None, name="HTX Thanh Nưa", producer_type="htx", location=commune)
    coop.accounts.add(producer)
    rice = create_product(actor=None, name="Gạo Điện Biên", producer=coop, location=commune, group=group)
    son_la = unit("2025:03646")
    foreign = create_producer(actor=None, name="HTX Sơn La", producer_type="htx", location=son_la)
    plum = create_product(actor=None, name="Mận hậu", producer=foreign, location=son_la, group=group)
    return {"coop": coop, "rice": rice, "foreign": foreign, "plum": plum, "commune": commune}


@pytest.fixture
def project_values(unit, farm):
    def values(**changes):
        data = {
            "name": "Liên kết lúa gạo Thanh Yên, Thanh An, Thanh Xương",
            "province": unit("2025:11"),
            "lead": farm["coop"],
            "lead_name": "",
            "product_text": "lúa gạo",
            "area_ha": D("120.5"),
            "households": 300,
            "contracted_output": "600 tấn thóc/năm",
            "contract_value": D("6000000000"),
            "contract_start": datetime.date(2024, 3, 1),
            "contract_end": datetime.date(2028, 12, 31),
            "approval_no": "123/QĐ-UBND",
            "approval_date": datetime.date(2024, 2, 1),
            "support_approved": D("500000000"),
            "note": "",
            "communes": [farm["commune"]],
            "products": [farm["rice"]],
        }
        data.update(changes)
        return data

    return values


def _old_commune(code="03331"):
    """Xã Thanh Hưng (Huyện Điện Biên, before 07/2025), one of the communes merged into today's Xã Thanh Nưa."""
    return AdministrativeUnit.objects.get(scheme="pre2025", code=code)


# --- projects: permission, area, audit ---


def test_province_officer_creates_a_project_with_an_audit_entry(province_officer, project_values, farm):
    project = services.create_project(actor=province_officer, **project_values())
    assert list(project.communes.all()) == [farm["commune"]]
    assert list(project.products.all()) == [farm["rice"]]
    entry = AuditEntry.objects.get(action="programme.linkage.created", object_id=str(project.pk))
    assert entry.after["communes"] == [farm["commune"].pk]
    assert entry.area == project.province


def test_an_old_commune_of_the_province_is_accepted(province_officer, project_values):
    project = services.create_project(actor=province_officer, **project_values(communes=[_old_commune()]))
    assert project.communes.get().scheme == "pre2025"


def test_son_la_officer_is_refused_on_dien_bien(other_province_officer, province_officer, project_values):
    with pytest.raises(PermissionRefused):
        services.create_project(actor=other_province_officer, **project_values(lead=None, lead_name="HTX"))
    project = services.create_project(actor=province_officer, **project_values())
    with pytest.raises(PermissionRefused):
        services.update_project(actor=other_province_officer, project=project, name="Đổi tên")
    with pytest.raises(PermissionRefused):
        services.record_result(actor=other_province_officer, project=project, year=2025, households=1)
    assert not linkages_for(other_province_officer).filter(pk=project.pk).exists()
    project.refresh_from_db()
    assert project.name.startswith("Liên kết lúa gạo")
    assert not LinkageResult.objects.exists()


def test_commune_officer_sees_but_cannot_write(commune_officer, province_officer, project_values):
    project = services.create_project(actor=province_officer, **project_values())
    assert linkages_for(commune_officer).filter(pk=project.pk).exists()
    with pytest.raises(PermissionRefused):
        services.create_project(actor=commune_officer, **project_values())
    with pytest.raises(PermissionRefused):
        services.add_partner(actor=commune_officer, project=project, name="Hộ A", kind="household")
    assert LinkageProject.objects.count() == 1
    assert not LinkagePartner.objects.exists()


def test_commune_officer_of_another_commune_does_not_see_it(other_commune_officer, province_officer, project_values):
    project = services.create_project(actor=province_officer, **project_values())
    assert not linkages_for(other_commune_officer).filter(pk=project.pk).exists()


def test_producer_sees_the_projects_its_cooperative_leads_only(producer, province_officer, project_values):
    led = services.create_project(actor=province_officer, **project_values())
    other = services.create_project(
        actor=province_officer, **project_values(lead=None, lead_name="DN khác", products=[])
    )
    visible = set(linkages_for(producer).values_list("pk", flat=True))
    assert led.pk in visible and other.pk not in visible


def test_a_commune_outside_the_province_is_refused_and_nothing_is_written(province_officer, project_values, unit):
    with pytest.raises(DomainError) as caught:
        services.create_project(actor=province_officer, **project_values(communes=[unit("2025:03646")]))
    assert caught.value.field == "communes"
    with pytest.raises(DomainError):
        services.create_project(actor=province_officer, **project_values(communes=[unit("pre2025:03646")]))
    assert not LinkageProject.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="programme.linkage").exists()


def test_a_product_of_another_province_is_refused(province_officer, project_values, farm):
    with pytest.raises(DomainError) as caught:
        services.create_project(actor=province_officer, **project_values(products=[farm["plum"]]))
    assert caught.value.field == "products"
    assert not LinkageProject.objects.exists()


def test_a_district_is_not_a_commune(province_officer, project_values):
    district = AdministrativeUnit.objects.get(scheme="pre2025", code="100")
    with pytest.raises(DomainError) as caught:
        services.create_project(actor=province_officer, **project_values(communes=[district]))
    assert caught.value.field == "communes"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contract_end": datetime.date(2020, 1, 1)}, "contract_end"),
        ({"area_ha": D("-1")}, "area_ha"),
        ({"area_ha": D("1000001")}, "area_ha"),
        ({"support_approved": D("10") ** 16}, "support_approved"),
        ({"support_approved": D("1.5")}, "support_approved"),
        ({"lead": None, "lead_name": ""}, "lead"),
        ({"name": "   "}, "name"),
        ({"contract_start": datetime.date(1, 1, 1), "contract_end": None}, "contract_start"),
        ({"approval_date": datetime.date(9999, 12, 31)}, "approval_date"),
    ],
)
def test_bad_values_are_refused_on_their_field(province_officer, project_values, changes, field):
    with pytest.raises(DomainError) as caught:
        services.create_project(actor=province_officer, **project_values(**changes))
    assert caught.value.field == field
    assert not LinkageProject.objects.exists()


def test_update_keeps_communes_unless_given_and_audits_before_and_after(province_officer, project_values, farm):
    project = services.create_project(actor=province_officer, **project_values())
    services.update_project(actor=province_officer, project=project, households=350)
    project.refresh_from_db()
    assert project.households == 350
    assert list(project.communes.all()) == [farm["commune"]]
    entry = AuditEntry.objects.get(action="programme.linkage.updated")
    assert (entry.before["households"], entry.after["households"]) == (300, 350)


def test_a_failed_update_leaves_the_project_unchanged(province_officer, project_values, unit):
    project = services.create_project(actor=province_officer, **project_values())
    with pytest.raises(DomainError):
        services.update_project(actor=province_officer, project=project, households=10, communes=[unit("2025:03646")])
    project.refresh_from_db()
    assert project.households == 300
    assert project.communes.count() == 1


def test_status_change_is_audited_and_refuses_the_same_status(province_officer, project_values):
    project = services.create_project(actor=province_officer, **project_values())
    services.change_status(actor=province_officer, project=project, status=LinkageStatus.RUNNING, note="Ký xong")
    project.refresh_from_db()
    assert project.status == LinkageStatus.RUNNING
    entry = AuditEntry.objects.get(action="programme.linkage.status_changed")
    assert entry.before == {"status": "preparing"} and entry.after["status"] == "running"
    with pytest.raises(DomainError):
        services.change_status(actor=province_officer, project=project, status=LinkageStatus.RUNNING)
    with pytest.raises(DomainError):
        services.change_status(actor=province_officer, project=project, status="bogus")


# --- partners and results ---


def test_partners_are_added_updated_and_removed_with_audit(province_officer, project_values, farm, unit):
    project = services.create_project(actor=province_officer, **project_values())
    partner = services.add_partner(
        actor=province_officer, project=project, producer=farm["coop"], name="", kind="cooperative", households=40
    )
    assert partner.name == "HTX Thanh Nưa"  # the producer's name when none is written
    services.update_partner(actor=province_officer, partner=partner, households=45, commune=_old_commune())
    partner.refresh_from_db()
    assert partner.households == 45
    with pytest.raises(DomainError):
        services.update_partner(actor=province_officer, partner=partner, commune=unit("2025:03646"))
    services.remove_partner(actor=province_officer, partner=partner)
    assert not LinkagePartner.objects.exists()
    actions = set(
        AuditEntry.objects.filter(action__startswith="programme.linkage.partner").values_list("action", flat=True)
    )
    assert actions == {
        "programme.linkage.partner_added",
        "programme.linkage.partner_updated",
        "programme.linkage.partner_removed",
    }


def test_results_are_one_row_per_year_and_a_second_entry_corrects_it(province_officer, project_values):
    project = services.create_project(actor=province_officer, **project_values())
    services.record_result(
        actor=province_officer, project=project, year=2025, output=D("500"), output_unit="tấn", households=280
    )
    services.record_result(
        actor=province_officer, project=project, year=2025, output=D("550"), output_unit="tấn", households=290
    )
    row = LinkageResult.objects.get(project=project)
    assert (row.year, row.output, row.households) == (2025, D("550"), 290)
    entries = AuditEntry.objects.filter(action="programme.linkage.result_recorded").order_by("pk")
    assert entries[0].before is None and entries[1].before["households"] == 280


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"year": 2017}, "year"),
        ({"year": 2101}, "year"),
        ({"year": 2025, "output": D("5")}, "output_unit"),
        ({"year": 2025, "value": D("-1")}, "value"),
        ({"year": 2025, "area_ha": D("2000000")}, "area_ha"),
    ],
)
def test_bad_results_are_refused(province_officer, project_values, values, field):
    project = services.create_project(actor=province_officer, **project_values())
    with pytest.raises(DomainError) as caught:
        services.record_result(actor=province_officer, project=project, **values)
    assert caught.value.field == field
    assert not LinkageResult.objects.exists()


# --- investment projects and raw-material areas ---


def _investment(actor, unit, **changes):
    values = {
        "name": "Dự án trồng mắc ca Mường Nhà",
        "province": unit("2025:11"),
        "investor": None,
        "investor_name": "Công ty mắc ca Tây Bắc",
        "crop": "mắc ca",
        "planned_area_ha": D("1000"),
        "planted_area_ha": D("250"),
        "stage": "implementing",
        "communes": [unit("2025:03328")],
    }
    values.update(changes)
    return services.create_investment(actor=actor, **values)


def test_investment_projects_are_scoped_and_checked(province_officer, other_province_officer, commune_officer, unit):
    investment = _investment(province_officer, unit)
    assert AuditEntry.objects.filter(action="programme.investment.created", object_id=str(investment.pk)).exists()
    assert investments_for(commune_officer).filter(pk=investment.pk).exists()
    assert not investments_for(other_province_officer).exists()
    with pytest.raises(PermissionRefused):
        _investment(other_province_officer, unit)
    with pytest.raises(DomainError):
        _investment(province_officer, unit, communes=[unit("2025:03646")])
    with pytest.raises(DomainError) as caught:
        _investment(province_officer, unit, investor_name="")
    assert caught.value.field == "investor"
    services.update_investment(actor=province_officer, investment=investment, stage="producing")
    investment.refresh_from_db()
    assert investment.stage == "producing"
    assert InvestmentProject.objects.count() == 1


def test_raw_area_with_yearly_figures_and_trend(province_officer, farm, unit):
    investment = _investment(province_officer, unit)
    raw = services.create_raw_area(
        actor=province_officer,
        product=farm["rice"],
        name="Vùng lúa Thanh Nưa",
        communes=[farm["commune"], _old_commune()],
        area_ha=D("80"),
        certification="vietgap",
        certificate_no="VG-01",
        certified_until=datetime.date(2027, 6, 30),
        linkage_project=None,
        investment_project=investment,
    )
    services.record_raw_area_year(actor=province_officer, raw_area=raw, year=2024, area_ha=D("70"), households=50)
    services.record_raw_area_year(actor=province_officer, raw_area=raw, year=2025, area_ha=D("60"), households=55)
    services.record_raw_area_year(actor=province_officer, raw_area=raw, year=2025, area_ha=D("65"), households=56)
    second = services.create_raw_area(actor=province_officer, product=farm["rice"], name="Vùng 2", area_ha=D("5"))
    services.record_raw_area_year(actor=province_officer, raw_area=second, year=2025, area_ha=D("5"))
    assert RawMaterialAreaYear.objects.filter(raw_area=raw).count() == 2
    trend = raw_area_trend(farm["rice"])
    assert [(t["year"], t["area"], t["areas"]) for t in trend] == [(2024, D("70"), 1), (2025, D("70"), 2)]
    assert AuditEntry.objects.filter(action="programme.raw_area.year_recorded").count() == 4


def test_raw_area_refusals(province_officer, other_province_officer, commune_officer, producer, farm, unit):
    values = {"product": farm["rice"], "name": "Vùng lúa", "area_ha": D("10")}
    with pytest.raises(PermissionRefused):
        services.create_raw_area(actor=other_province_officer, **values)
    with pytest.raises(PermissionRefused):
        services.create_raw_area(actor=commune_officer, **values)
    with pytest.raises(PermissionRefused):
        services.create_raw_area(actor=province_officer, **{**values, "product": farm["plum"]})
    with pytest.raises(DomainError) as caught:
        services.create_raw_area(actor=province_officer, **values, certificate_no="X")
    assert caught.value.field == "certification"
    with pytest.raises(DomainError) as caught:
        services.create_raw_area(actor=province_officer, **values, communes=[unit("2025:03646")])
    assert caught.value.field == "communes"
    assert not RawMaterialArea.objects.exists()
    raw = services.create_raw_area(actor=province_officer, **values)
    assert raw_areas_for(commune_officer).filter(pk=raw.pk).exists()
    assert raw_areas_for(producer).filter(pk=raw.pk).exists()
    assert not raw_areas_for(other_province_officer).exists()
    with pytest.raises(DomainError):
        services.record_raw_area_year(actor=province_officer, raw_area=raw, year=1999, area_ha=D("1"))


# --- the report for an area of either scheme ---


@pytest.fixture
def recorded(province_officer, project_values, unit, farm):
    """Three Điện Biên projects: one in an old commune of Huyện Điện Biên (pre-2025), one in today's Xã Thanh Nưa, one
    in a commune of another old district; a Sơn La project; results for 2025."""
    other_district_commune = (
        AdministrativeUnit.objects.filter(scheme="pre2025", province__code="11", level="commune")
        .exclude(district__code="100")
        .order_by("code")
        .first()
    )
    old = services.create_project(
        actor=province_officer,
        **project_values(
            name="Vú sữa Thanh Hưng",
            communes=[_old_commune()],
            area_ha=D("10"),
            households=20,
            contract_value=D("100"),
            contract_start=datetime.date(2025, 2, 1),
        ),
    )
    new = services.create_project(
        actor=province_officer,
        **project_values(
            area_ha=D("30"), households=40, contract_value=D("300"), contract_start=datetime.date(2023, 1, 1)
        ),
    )
    elsewhere = services.create_project(
        actor=province_officer,
        **project_values(
            name="Bưởi da xanh",
            communes=[other_district_commune],
            products=[],
            area_ha=D("5"),
            households=7,
            contract_value=D("50"),
            contract_start=datetime.date(2025, 6, 1),
        ),
    )
    for project in (old, new, elsewhere):
        services.change_status(actor=province_officer, project=project, status=LinkageStatus.RUNNING)
    services.record_result(actor=province_officer, project=old, year=2025, value=D("11"), households=19)
    services.record_result(actor=province_officer, project=new, year=2025, value=D("33"), households=38)
    services.record_result(actor=province_officer, project=elsewhere, year=2025, value=D("5"), households=7)
    services.record_result(actor=province_officer, project=new, year=2024, value=D("1000"), households=1)
    return {"old": old, "new": new, "elsewhere": elsewhere}


def _sums(projects, year):
    running = [p for p in projects if p.contract_start.year <= year]
    results = LinkageResult.objects.filter(project__in=projects, year=year)
    return {
        "started": sum(1 for p in projects if p.contract_start.year == year),
        "running": len(running),
        "area": sum(p.area_ha for p in running),
        "households": sum(p.households for p in running),
        "value": sum(p.contract_value for p in running),
        "results_value": sum(r.value for r in results),
        "results_households": sum(r.households for r in results),
    }


def _totals(report):
    return {
        "started": report.started,
        "running": report.running,
        "area": report.running_area_ha,
        "households": report.running_households,
        "value": report.running_contract_value,
        "results_value": report.results_value,
        "results_households": report.results_households,
    }


@pytest.mark.parametrize(
    ("area_id", "names"),
    [
        ("2025:11", ["old", "new", "elsewhere"]),  # the new-scheme province: every project it records
        ("pre2025:11", ["old", "new", "elsewhere"]),  # the old province: the same, across the reform
        ("pre2025:100", ["old"]),  # the old district of Xã Thanh Hưng
        ("2025:03328", ["old", "new"]),  # today's Xã Thanh Nưa: its own project and its predecessor's
        ("pre2025:03331", ["old", "new"]),  # the old Xã Thanh Hưng and its successor's project
    ],
)
def test_report_totals_equal_the_records_of_the_area(province_officer, recorded, unit, area_id, names):
    report = linkage_report(province_officer, year=2025, area=unit(area_id))
    assert _totals(report) == _sums([recorded[n] for n in names], 2025)


def test_report_counts_nothing_outside_the_readers_scope(other_province_officer, recorded, unit):
    report = linkage_report(other_province_officer, year=2025, area=unit("2025:11"))
    assert (report.started, report.running, report.results_value) == (0, 0, 0)


def test_report_of_a_project_still_preparing_counts_it_as_started_only(province_officer, project_values, unit):
    services.create_project(actor=province_officer, **project_values(contract_start=datetime.date(2025, 5, 1)))
    report = linkage_report(province_officer, year=2025, area=unit("2025:11"))
    assert (report.started, report.running) == (1, 0)
