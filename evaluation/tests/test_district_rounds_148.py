"""148 as issued (24/02/2023 – 30/06/2025): the district council scores and UBND huyện recognises 3★; products at ≥ 70
go on to the province [practice], whose council re-scores them and recognises 4★ (≥ 90: the ministry). Below 70 at the
province: the system's [practice] choice, UBND huyện recognises 3★ on the province's score. Nothing after 30/06/2025
is attributed to a district (issue "figures officials can trust" §5)."""

import datetime

import pytest

from certification.models import Certificate
from conftest import make_user
from core.errors import DomainError
from evaluation import council, proposals
from evaluation.council_models import MemberRole
from evaluation.tests.scoring_setup import build_set, score
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

pytestmark = pytest.mark.django_db
D = datetime.date
DISTRICT = "pre2025:100"  # Huyện Điện Biên
COUNCIL = [("ct", MemberRole.CHAIR), ("tv1", MemberRole.MEMBER), ("tv2", MemberRole.MEMBER)]


def make_round(officer, unit, organiser, dates, criteria_set, prefix, historical=False):
    rnd = council.create_round(
        actor=officer,
        province=unit(organiser),
        title=f"Đợt {prefix}",
        starts_on=dates[0],
        ends_on=dates[1],
        criteria_set=criteria_set,
        historical=historical,
    )
    people = {}
    for name, role in COUNCIL:
        people[name] = make_user(f"{prefix}.{name}", "council_member", "2025:11")
        council.add_member(actor=officer, evaluation_round=rnd, user=people[name], role=role)
    return rnd, people


def scored_item(officer, rnd, people, product, levels):
    item = council.add_product(actor=officer, evaluation_round=rnd, product=product)
    for user in people.values():
        score(item, user, levels)
    council.lock_item(actor=people["ct"], item=item)
    council.approve_item(actor=people["ct"], item=item)
    item.refresh_from_db()
    return item


@pytest.fixture
def products(unit):
    producer = create_producer(actor=None, name="HTX Thanh Xương", producer_type="htx", location=unit("pre2025:03331"))
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    return {
        name: create_product(actor=None, name=name, producer=producer, location=unit("pre2025:03331"), group=group)
        for name in ("Gạo nếp", "Gạo tám", "Mật ong", "Chè")
    }


def test_the_district_recognises_3_stars_and_forwards_70_and_above(province_officer, unit, products):
    cs = build_set()
    rnd, people = make_round(province_officer, unit, DISTRICT, (D(2024, 10, 1), D(2024, 10, 30)), cs, "huyen")
    three = scored_item(province_officer, rnd, people, products["Gạo nếp"], (1, 1, 1))  # 50
    four = scored_item(province_officer, rnd, people, products["Gạo tám"], (2, 2, 1))  # 80
    five = scored_item(province_officer, rnd, people, products["Mật ong"], (2, 2, 2))  # 100
    assert proposals.organising_level(rnd) == "district"
    with pytest.raises(DomainError, match="UBND huyện"):
        proposals.issue_decision(
            actor=province_officer, evaluation_round=rnd, level="province", number="1/QĐ-UBND", date=D(2024, 11, 5)
        )
    issued = proposals.issue_decision(
        actor=province_officer, evaluation_round=rnd, level="district", number="12/QĐ-UBND", date=D(2024, 11, 5)
    )
    assert [(i.pk, c.stars) for i, c, _outcome in issued.certificates] == [(three.pk, 3)]
    assert issued.certificates[0][1].decision.issuing_level == "district"
    assert issued.certificates[0][1].decision.province == unit("pre2025:11")
    assert [i.pk for i in issued.forwarded] == [four.pk, five.pk]
    assert issued.for_ministry == [] and proposals.for_ministry(rnd) == []  # only the province proposes to the ministry
    assert not Certificate.objects.filter(product__in=[four.product, five.product]).exists()


def test_the_province_re_scores_what_was_forwarded(province_officer, unit, products):
    cs = build_set()
    rnd, people = make_round(province_officer, unit, "pre2025:11", (D(2024, 11, 10), D(2024, 11, 30)), cs, "tinh")
    four = scored_item(province_officer, rnd, people, products["Gạo tám"], (2, 2, 1))  # 80
    five = scored_item(province_officer, rnd, people, products["Mật ong"], (2, 2, 2))  # 100
    below = scored_item(province_officer, rnd, people, products["Chè"], (1, 1, 1))  # 50: under 70 at the province
    issued = proposals.issue_decision(
        actor=province_officer, evaluation_round=rnd, level="province", number="300/QĐ-UBND", date=D(2024, 12, 5)
    )
    assert [(i.pk, c.stars) for i, c, _outcome in issued.certificates] == [(four.pk, 4)]
    assert [i.pk for i in issued.for_ministry] == [five.pk] and issued.forwarded == []
    # [practice]: the province's score stands; UBND huyện recognises 3★ on it
    by_district = proposals.issue_decision(
        actor=province_officer, evaluation_round=rnd, level="district", number="20/QĐ-UBND", date=D(2024, 12, 10)
    )
    assert [(i.pk, c.stars, c.score) for i, c, _o in by_district.certificates] == [(below.pk, 3, below.mean)]


def test_no_district_round_from_1_july_2025_even_as_back_entry(province_officer, unit):
    cs = build_set()
    for dates in [(D(2025, 6, 20), D(2025, 7, 1)), (D(2025, 7, 1), D(2025, 7, 10)), (D(2026, 1, 5), D(2026, 1, 20))]:
        for historical in (False, True):
            with pytest.raises(DomainError) as refused:
                make_round(province_officer, unit, DISTRICT, dates, cs, f"x{dates[0]}{historical}", historical)
            assert refused.value.field == "province"
    rnd, _people = make_round(province_officer, unit, DISTRICT, (D(2025, 6, 1), D(2025, 6, 30)), cs, "cuoi")
    assert rnd.province == unit(DISTRICT)


def test_a_commune_cannot_organise_a_round(province_officer, unit):
    with pytest.raises(DomainError) as refused:
        make_round(province_officer, unit, "pre2025:03331", (D(2024, 10, 1), D(2024, 10, 30)), build_set(), "xa")
    assert refused.value.field == "province"


def test_the_rules_name_the_practice(client, province_officer, unit, products):
    """The board offers the district as the issuing level of a district round."""
    cs = build_set()
    rnd, people = make_round(province_officer, unit, DISTRICT, (D(2024, 10, 1), D(2024, 10, 30)), cs, "bang")
    scored_item(province_officer, rnd, people, products["Gạo tám"], (2, 2, 1))
    client.force_login(province_officer)
    page = client.get(f"/evaluation/{rnd.pk}/board/").content.decode()
    assert '<option value="district" selected>' in page
    response = client.post(
        f"/evaluation/{rnd.pk}/decision/", {"number": "5/QĐ-UBND", "date": "05/11/2024", "level": "district"}
    )
    assert response.status_code in (200, 302)
    assert not Certificate.objects.exists()  # the only product goes on to the province: nothing to recognise
