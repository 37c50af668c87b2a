"""A round scores with the set in force on its dates, in a province that exists on them (back-entry of an old round is
allowed, audited as such); the product's sheet comes from its 26/2026 phân nhóm or is chosen."""

import datetime

import pytest

from core.errors import DomainError
from core.models import AuditEntry
from evaluation import council
from evaluation.council_models import EvaluationRound
from evaluation.models import CriteriaSet, SheetScope
from evaluation.tests.scoring_setup import ROUND_2026, product_2026
from producers.services import create_producer

pytestmark = pytest.mark.django_db

DEC_2026 = (datetime.date(2026, 12, 1), datetime.date(2026, 12, 20))


def form(title, province="2025:11", starts="01/12/2026", ends="20/12/2026", criteria_set="", historical=False):
    data = {"title": title, "province": province, "starts_on": starts, "ends_on": ends, "criteria_set": criteria_set}
    if historical:
        data["historical"] = "on"
    return data


def create(officer, unit, criteria_set, dates=DEC_2026, province="2025:11", **kwargs):
    return council.create_round(
        actor=officer,
        province=unit(province),
        title="Đợt thử",
        starts_on=dates[0],
        ends_on=dates[1],
        criteria_set=criteria_set,
        **kwargs,
    )


@pytest.fixture
def producer(unit):
    return create_producer(actor=None, name="HTX Bản Mển", producer_type="htx", location=unit("2025:03328"))


@pytest.fixture
def round_2026(province_officer, unit):
    return create(province_officer, unit, CriteriaSet.objects.get(code="26-2026"), dates=ROUND_2026)


def test_the_form_takes_the_published_set_in_force_on_the_start_date(client, province_officer):
    client.force_login(province_officer)
    page = client.get("/evaluation/new/").content.decode()
    assert 'data-testid="published-sets"' in page and "26-2026" in page and "1048" in page
    response = client.post("/evaluation/new/", form("Đợt 12/2026"))
    assert response.status_code == 302
    rnd = EvaluationRound.objects.get(title="Đợt 12/2026")
    assert rnd.criteria_set.code == "26-2026" and response.url == f"/evaluation/{rnd.pk}/"
    created = AuditEntry.objects.get(action="evaluation.round.created", object_id=str(rnd.pk))
    assert created.after["criteria_set"] == "26-2026" and created.after["historical"] is False
    client.post("/evaluation/new/", form("Đợt 2021", starts="01/03/2021", ends="30/03/2021", historical=True))
    assert EvaluationRound.objects.get(title="Đợt 2021").criteria_set.code == "1048"


def test_a_set_not_in_force_on_the_dates_is_refused_naming_them(province_officer, unit):
    old = CriteriaSet.objects.get(code="1048")
    with pytest.raises(DomainError) as refused:
        create(province_officer, unit, old)
    assert refused.value.field == "criteria_set"
    assert "1048" in refused.value.message and "21/08/2019 – 24/02/2023" in refused.value.message
    assert "nhập lại đợt đánh giá cũ" in refused.value.message
    assert not EvaluationRound.objects.exists()


def test_the_new_set_before_it_came_into_force_and_a_round_across_the_old_sets_end(province_officer, unit):
    new = CriteriaSet.objects.get(code="26-2026")
    with pytest.raises(DomainError, match="22/05/2026 – nay"):
        create(province_officer, unit, new, dates=(datetime.date(2026, 5, 1), datetime.date(2026, 6, 1)))
    assert create(province_officer, unit, new, dates=(datetime.date(2026, 5, 22), datetime.date(2026, 6, 1)))
    old = CriteriaSet.objects.get(code="1048")
    with pytest.raises(DomainError, match="1048"):  # valid_until is exclusive: the round ends on 24/02/2023
        create(
            province_officer,
            unit,
            old,
            dates=(datetime.date(2023, 2, 1), datetime.date(2023, 2, 24)),
            province="pre2025:11",
        )
    assert create(
        province_officer,
        unit,
        old,
        dates=(datetime.date(2023, 2, 1), datetime.date(2023, 2, 23)),
        province="pre2025:11",
    )


def test_an_old_set_is_accepted_as_historical_back_entry_and_audited(client, province_officer, unit):
    rnd = create(province_officer, unit, CriteriaSet.objects.get(code="1048"), historical=True)
    assert rnd.criteria_set.code == "1048"
    created = AuditEntry.objects.get(action="evaluation.round.created", object_id=str(rnd.pk))
    assert created.after == {"title": "Đợt thử", "criteria_set": "1048", "historical": True}
    assert created.actor == province_officer
    # through the form: refused with the message on the set, then accepted when marked as back-entry
    client.force_login(province_officer)
    set_id = CriteriaSet.objects.get(code="1048").pk
    page = client.post("/evaluation/new/", form("Đợt cũ", criteria_set=set_id)).content.decode()
    assert "21/08/2019 – 24/02/2023" in page and not EvaluationRound.objects.filter(title="Đợt cũ").exists()
    response = client.post("/evaluation/new/", form("Đợt cũ", criteria_set=set_id, historical=True))
    assert response.status_code == 302
    rnd = EvaluationRound.objects.get(title="Đợt cũ")
    assert AuditEntry.objects.get(action="evaluation.round.created", object_id=str(rnd.pk)).after["historical"]


def test_a_province_not_valid_on_the_dates_is_refused(client, province_officer, unit):
    new = CriteriaSet.objects.get(code="26-2026")
    with pytest.raises(DomainError) as refused:
        create(province_officer, unit, new, province="pre2025:11")
    assert refused.value.field == "province" and "Tỉnh Điện Biên" in refused.value.message
    old = CriteriaSet.objects.get(code="1048")
    with pytest.raises(DomainError) as refused:  # the new province did not exist in 2021
        create(province_officer, unit, old, dates=(datetime.date(2021, 3, 1), datetime.date(2021, 3, 30)))
    assert refused.value.field == "province"
    with pytest.raises(DomainError) as refused:  # across the reform of 1/7/2025
        create(
            province_officer,
            unit,
            new,
            dates=(datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)),
            province="pre2025:11",
        )
    rnd = create(
        province_officer,
        unit,
        old,
        dates=(datetime.date(2021, 3, 1), datetime.date(2021, 3, 30)),
        province="pre2025:11",
    )
    assert rnd.province == unit("pre2025:11")
    assert create(province_officer, unit, new, province="pre2025:11", historical=True)  # lifted when historical
    client.force_login(province_officer)
    page = client.post("/evaluation/new/", form("Đợt tỉnh cũ", province="pre2025:11")).content.decode()
    assert "không còn (hoặc chưa có) trong các ngày của đợt đánh giá" in page
    assert not EvaluationRound.objects.filter(title="Đợt tỉnh cũ").exists()


def test_the_form_says_when_no_published_set_is_in_force(client, province_officer):
    client.force_login(province_officer)
    response = client.post("/evaluation/new/", form("Đợt 2018", starts="01/01/2018", ends="30/01/2018"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Chưa có bộ tiêu chí đã ban hành nào có hiệu lực ngày 01/01/2018" in page
    assert not EvaluationRound.objects.filter(title="Đợt 2018").exists()
    # 2024: only the 148 set was in force, and it is not published
    page = client.post("/evaluation/new/", form("Đợt 2024", starts="01/03/2024", ends="30/03/2024")).content.decode()
    assert "Chưa có bộ tiêu chí đã ban hành nào có hiệu lực ngày 01/03/2024" in page


def test_add_product_takes_the_sheet_of_the_products_2026_subgroup(round_2026, province_officer, unit, producer):
    item = council.add_product(
        actor=province_officer,
        evaluation_round=round_2026,
        product=product_2026(unit, producer, "Mật ong bạc hà", "04"),
    )
    assert (item.sheet.criteria_set.code, item.sheet.number, item.sheet.category.code) == ("26-2026", 4, "04")


def test_a_product_with_only_a_148_group_needs_its_sheet_chosen(round_2026, province_officer, unit, producer):
    product = product_2026(unit, producer, "Du lịch bản Mển", group_code="du-lich")
    with pytest.raises(DomainError) as refused:
        council.add_product(actor=province_officer, evaluation_round=round_2026, product=product)
    assert refused.value.field == "sheet"
    assert "Du lịch bản Mển" in refused.value.message
    assert "Chọn phiếu chấm (phân nhóm) của sản phẩm trong bộ 26-2026" in refused.value.message
    assert not round_2026.items.exists()
    sheet_26 = SheetScope.objects.get(criteria_set=round_2026.criteria_set, number=26)
    item = council.add_product(actor=province_officer, evaluation_round=round_2026, product=product, sheet=sheet_26)
    assert item.sheet == sheet_26 and item.sheet.category.code == "26"


def test_a_sheet_of_another_set_is_refused(round_2026, province_officer, unit, producer):
    product = product_2026(unit, producer, "Mật ong bạc hà", "04")
    old_sheet = SheetScope.objects.filter(criteria_set__code="1048", criteria__isnull=False).first()
    with pytest.raises(DomainError, match="không thuộc bộ tiêu chí của đợt") as refused:
        council.add_product(actor=province_officer, evaluation_round=round_2026, product=product, sheet=old_sheet)
    assert refused.value.field == "sheet"


def test_the_round_page_offers_the_sheets_and_adds_with_the_one_chosen(
    client, round_2026, province_officer, unit, producer
):
    tour = product_2026(unit, producer, "Du lịch bản Mển", group_code="du-lich")
    client.force_login(province_officer)
    page = client.get(f"/evaluation/{round_2026.pk}/").content.decode()
    select = page[page.index('name="sheet"') : page.index("</select>", page.index('name="sheet"'))]
    assert select.count("<option") == 27  # the 26 sheets and "by the product's sub-group"
    assert "04 – Mật ong, mật khác và nông sản thực phẩm khác" in select
    page = client.post(f"/evaluation/{round_2026.pk}/items/", {"product": tour.pk}, follow=True).content.decode()
    assert "Chọn phiếu chấm (phân nhóm) của sản phẩm trong bộ 26-2026" in page
    assert not round_2026.items.exists()
    sheet_26 = SheetScope.objects.get(criteria_set=round_2026.criteria_set, number=26)
    client.post(f"/evaluation/{round_2026.pk}/items/", {"product": tour.pk, "sheet": sheet_26.pk})
    assert round_2026.items.get().sheet == sheet_26
    old_sheet = SheetScope.objects.filter(criteria_set__code="1048").first()
    honey = product_2026(unit, producer, "Mật ong bạc hà", "04")
    client.post(f"/evaluation/{round_2026.pk}/items/", {"product": honey.pk, "sheet": old_sheet.pk})
    assert round_2026.items.count() == 1  # not a sheet of the round's set: refused by the form
    client.post(f"/evaluation/{round_2026.pk}/items/", {"product": honey.pk})
    assert round_2026.items.get(product=honey).sheet.number == 4
