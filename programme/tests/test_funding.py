"""The support ledger: who may write lines, where beneficiaries may lie, placement across the 2025 reform, and totals
that equal the sum of the lines in every grouping."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product
from programme import funding_services as services
from programme.funding_queries import Filters, filtered_lines, lines_for, support_totals
from programme.models import SupportLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(unit, producer):
    """Điện Biên: a producer linked to the `producer` account with a product, another producer; Sơn La: one product."""
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    commune = unit("2025:03328")
    own = create_producer(actor=None, name="HTX Thanh Nưa", producer_type="htx", location=commune)
    own.accounts.add(producer)
    other = create_producer(actor=None, name="HTX Mường Thanh", producer_type="htx", location=unit("2025:03334"))
    rice = create_product(actor=None, name="Gạo Điện Biên", producer=own, location=commune, group=group)
    tea = create_product(actor=None, name="Chè Mường Thanh", producer=other, location=unit("2025:03334"), group=group)
    sl_commune = unit("2025:03646")
    sl_producer = create_producer(actor=None, name="HTX Tô Hiệu", producer_type="htx", location=sl_commune)
    sl_product = create_product(
        actor=None, name="Cà phê Sơn La", producer=sl_producer, location=sl_commune, group=group
    )
    return {
        "province": unit("2025:11"),
        "commune": commune,
        "own": own,
        "other": other,
        "rice": rice,
        "tea": tea,
        "sl_province": unit("2025:14"),
        "sl_product": sl_product,
        "old_commune": unit("pre2025:03331"),  # Xã Thanh Hưng, Huyện Điện Biên: now part of Xã Thanh Nưa (2025)
    }


def values(world, **changes):
    data = {
        "province": world["province"],
        "year": 2024,
        "product": world["rice"],
        "purpose": "packaging",
        "source": "ntm",
        "supporter": "province",
        "amount_planned": Decimal(50_000_000),
        "amount_disbursed": Decimal(45_000_000),
        "decision_no": "123/QĐ-UBND",
    }
    data.update(changes)
    return data


# --- writes ------------------------------------------------------------------------------------------------------


def test_officer_records_a_line_audited_and_the_product_implies_its_producer(province_officer, world):
    line = services.create_support(actor=province_officer, **values(world))
    assert line.producer == world["own"]
    entry = AuditEntry.objects.get(action="programme.support.created", object_id=str(line.pk))
    assert entry.area == world["province"]
    assert entry.after["amount_planned"] == "50000000"


def test_update_and_remove_are_audited(province_officer, world):
    line = services.create_support(actor=province_officer, **values(world))
    services.update_support(actor=province_officer, line=line, amount_disbursed=Decimal(60_000_000))
    entry = AuditEntry.objects.get(action="programme.support.updated", object_id=str(line.pk))
    assert entry.before["amount_disbursed"] == "45000000" and entry.after["amount_disbursed"] == "60000000"
    services.remove_support(actor=province_officer, line=line)
    assert not SupportLine.objects.exists()
    assert AuditEntry.objects.get(action="programme.support.removed", object_id=str(line.pk)).before["year"] == 2024


@pytest.mark.parametrize("who", ["commune_officer", "producer", "other_province_officer"])
def test_only_the_provinces_funding_manager_writes(request, world, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionRefused):
        services.create_support(actor=actor, **values(world))
    assert not SupportLine.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="programme.support").exists()


def test_a_beneficiary_of_another_province_is_refused_and_nothing_is_written(province_officer, world):
    with pytest.raises(DomainError) as exc:
        services.create_support(actor=province_officer, **values(world, product=world["sl_product"]))
    assert exc.value.field == "product"
    assert not SupportLine.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="programme.support").exists()


def test_a_failed_update_leaves_the_line_unchanged(province_officer, world):
    line = services.create_support(actor=province_officer, **values(world))
    with pytest.raises(DomainError):
        services.update_support(actor=province_officer, line=line, amount_planned=Decimal(-1))
    line.refresh_from_db()
    assert line.amount_planned == 50_000_000
    assert not AuditEntry.objects.filter(action="programme.support.updated").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"product": None}, "producer"),  # no beneficiary at all
        ({"year": 2017}, "year"),
        ({"amount_disbursed": Decimal(10**15 + 1)}, "amount_disbursed"),
        ({"amount_planned": Decimal("1.5")}, "amount_planned"),
        ({"purpose": "nonsense"}, "purpose"),
    ],
)
def test_invalid_values_are_refused_on_their_field(province_officer, world, changes, field):
    with pytest.raises(DomainError) as exc:
        services.create_support(actor=province_officer, **values(world, **changes))
    assert exc.value.field == field
    assert not SupportLine.objects.exists()


def test_a_producer_not_owning_the_product_is_refused(province_officer, world):
    with pytest.raises(DomainError) as exc:
        services.create_support(actor=province_officer, **values(world, producer=world["other"]))
    assert exc.value.field == "producer"


def test_disbursed_above_planned_is_allowed(province_officer, world):
    line = services.create_support(
        actor=province_officer, **values(world, amount_planned=Decimal(10), amount_disbursed=Decimal(20))
    )
    assert line.amount_disbursed > line.amount_planned


def test_an_old_scheme_commune_is_placed_in_both_schemes(province_officer, world, unit):
    line = services.create_support(actor=province_officer, **values(world, product=None, commune=world["old_commune"]))
    assert line.new_province == world["province"]
    assert line.new_commune == world["commune"]
    assert line.old_district == unit("pre2025:100")
    assert line.old_province == unit("pre2025:11")


# --- reading scope -------------------------------------------------------------------------------------------------


def test_reading_scope(province_officer, other_province_officer, commune_officer, producer, world):
    rice = services.create_support(actor=province_officer, **values(world))
    tea = services.create_support(actor=province_officer, **values(world, product=world["tea"]))
    assert set(lines_for(province_officer)) == {rice, tea}
    assert not lines_for(other_province_officer).exists()
    assert set(lines_for(commune_officer)) == {rice}  # the support of their commune only
    assert set(lines_for(producer)) == {rice}  # their own producer's lines


def test_a_producer_sees_only_their_producers_lines_not_the_communes(province_officer, producer, world, unit):
    neighbour = create_producer(actor=None, name="HTX Hàng Xóm", producer_type="htx", location=world["commune"])
    services.create_support(actor=province_officer, **values(world, product=None, producer=neighbour))
    services.create_support(actor=province_officer, **values(world, product=None, commune=world["commune"]))
    own = services.create_support(actor=province_officer, **values(world))
    assert list(lines_for(producer)) == [own]


# --- totals --------------------------------------------------------------------------------------------------------


@pytest.fixture
def ledger(province_officer, world, unit):
    """Lines of several sources, purposes, supporters, years and places, one without any amount, one old-scheme."""
    specs = [
        values(world),
        values(world, year=2023, source="provincial", purpose="equipment", amount_disbursed=None),
        values(world, product=world["tea"], source="central", supporter="", amount_planned=Decimal(7)),
        values(world, product=None, commune=world["old_commune"], year=2021, supporter="district"),
        values(world, product=None, producer=world["other"], amount_planned=None, amount_disbursed=None),
        values(world, product=None, commune=world["commune"], amount_planned=None, amount_disbursed=None),
    ]
    return [services.create_support(actor=province_officer, **spec) for spec in specs]


def _sums(qs):
    found = qs.aggregate(planned=Sum("amount_planned"), disbursed=Sum("amount_disbursed"))
    return int(found["planned"] or 0), int(found["disbursed"] or 0)


@pytest.mark.parametrize("area_id", [None, "2025:11", "pre2025:11", "pre2025:100", "2025:03328", "pre2025:03331"])
def test_each_grouping_sums_to_the_total_which_is_the_sum_of_the_lines(province_officer, ledger, unit, area_id):
    area = unit(area_id) if area_id else None
    qs = filtered_lines(province_officer, Filters(area=area))
    totals = support_totals(qs, area=area)
    assert (totals.total.planned, totals.total.disbursed) == _sums(qs)
    assert totals.total.lines == qs.count()
    for key, rows in totals.groupings:
        if key == "area" and area is not None and area.level == "commune":
            assert rows == []
            continue
        assert sum(r.lines for r in rows) == totals.total.lines, key
        assert sum(r.planned for r in rows) == totals.total.planned, key
        assert sum(r.disbursed for r in rows) == totals.total.disbursed, key
        assert sum(r.unknown for r in rows) == totals.total.unknown, key


def test_lines_without_amounts_are_counted_not_summed_as_zero(province_officer, ledger):
    totals = support_totals(lines_for(province_officer))
    assert totals.total.unknown == 2
    assert totals.total.lines == 6


def test_an_old_district_commune_counts_under_the_new_province_and_its_new_commune(province_officer, ledger, unit):
    old_line = ledger[3]
    new = filtered_lines(province_officer, Filters(area=unit("2025:11")))
    assert old_line in new and new.count() == 6
    by_commune = {r.key: r for r in support_totals(new, area=unit("2025:11")).by_area}
    thanh_nua = by_commune[unit("2025:03328").pk]
    assert thanh_nua.lines == 4  # rice twice, the commune line and the old Thanh Hưng line
    old_district = filtered_lines(province_officer, Filters(area=unit("pre2025:100")))
    assert old_line in old_district


def test_totals_by_year_source_and_year_range(province_officer, ledger):
    qs = filtered_lines(province_officer, Filters(year_from=2023, year_to=2024))
    totals = support_totals(qs)
    assert {r.key for r in totals.by_year} == {2023, 2024}
    assert totals.total.lines == 5
    provincial = next(r for r in totals.by_source if r.key == "provincial")
    assert (provincial.lines, provincial.planned, provincial.disbursed) == (1, 50_000_000, 0)


def test_totals_take_a_constant_number_of_queries(province_officer, world, django_assert_max_num_queries):
    services.create_support(actor=province_officer, **values(world))
    support_totals(lines_for(province_officer), area=world["province"])  # the officer's scope, computed once
    with django_assert_max_num_queries(8) as one:  # six groupings, the grand total, the units' names
        support_totals(lines_for(province_officer), area=world["province"])
    for year in range(2018, 2024):
        services.create_support(actor=province_officer, **values(world, year=year, product=world["tea"]))
    with django_assert_max_num_queries(len(one.captured_queries)):
        support_totals(lines_for(province_officer), area=world["province"])


def test_dates_and_decisions_are_kept(province_officer, world):
    line = services.create_support(
        actor=province_officer,
        **values(world, disbursed_on=datetime.date(2024, 5, 2), decision_date=datetime.date(2024, 3, 1)),
    )
    line.refresh_from_db()
    assert line.disbursed_on == datetime.date(2024, 5, 2)
