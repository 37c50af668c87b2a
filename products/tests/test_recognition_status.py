"""A product's recognition follows its certificates on the day (issue "figures officials can trust" §6): nothing
stored goes stale, the council flow and the register import leave a product in the same state, and a ≥ 90 result
awaiting the ministry shows as potential 5★ until the ministry decides."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certification import services as certificates
from certification.choices import CertificateState as S
from certification.queries import recognition_on
from evaluation import proposals
from evaluation.tests.test_ministry import FIVE, FOUR, day, propose, scored
from products.choices import ProductStatus
from products.models import Product

pytestmark = pytest.mark.django_db


def test_production_status_holds_no_recognition_word():
    assert {c.value for c in ProductStatus} == {"developing", "producing", "stopped"}


@pytest.fixture
def awaiting(province_officer, unit):
    """One product scored ≥ 90, approved and proposed today; one scored 80 and recognised 4★ today."""
    rnd, (tea, honey), people = scored(province_officer, unit, [FIVE, FOUR])
    (proposal,) = propose(province_officer, rnd, letter_date=day(0))
    proposals.issue_decision(
        actor=province_officer, evaluation_round=rnd, level="province", number="77/QĐ-UBND", date=day(0)
    )
    return tea.product, honey.product, proposal


def test_the_council_flow_and_the_import_leave_a_recognised_product_in_production(awaiting, province_officer):
    tea, honey, proposal = awaiting
    honey.refresh_from_db()
    assert honey.status == ProductStatus.PRODUCING  # recognised 4★ by the province
    tea.refresh_from_db()
    assert tea.status == ProductStatus.DEVELOPING  # proposed, no certificate yet
    proposals.record_ministry_recognition(
        actor=province_officer, proposal=proposal, decision_no="9/QĐ-BNNMT", decision_date=day(30)
    )
    tea.refresh_from_db()
    assert tea.status == ProductStatus.PRODUCING


def test_potential_5_star_until_the_ministry_decides(awaiting, province_officer):
    tea, honey, proposal = awaiting
    before = recognition_on(tea, day(-1))
    assert (before.state, before.potential_5_star, before.is_ocop) == ("none", False, False)
    waiting = recognition_on(tea, day(0))
    assert (waiting.state, waiting.potential_5_star, waiting.is_ocop) == ("none", True, False)
    four = recognition_on(honey, day(0))
    assert (four.state, four.potential_5_star, four.holding.certificate.stars) == (S.VALID, False, 4)
    proposals.record_ministry_recognition(
        actor=province_officer, proposal=proposal, decision_no="9/QĐ-BNNMT", decision_date=day(30)
    )
    tea = Product.objects.get(pk=tea.pk)
    assert recognition_on(tea, day(29)).potential_5_star is True
    decided = recognition_on(tea, day(30))
    assert (decided.state, decided.potential_5_star, decided.holding.certificate.stars) == (S.VALID, False, 5)


def test_the_state_follows_the_certificates_day_by_day(awaiting, province_officer, unit):
    _tea, honey, _proposal = awaiting
    last = honey.certificates.get().valid_until
    assert recognition_on(honey, last).state == S.EXPIRING
    assert recognition_on(honey, last + datetime.timedelta(days=1)).state == S.EXPIRED
    decision, _ = certificates.get_or_create_decision(
        actor=None,
        number="5/QĐ-UBND",
        date=day(10),
        kind="revocation",
        issuing_level="province",
        province=unit("2025:11"),
    )
    certificates.revoke(actor=None, product=honey, decision=decision, reason="Ngừng sản xuất")
    honey = Product.objects.get(pk=honey.pk)
    assert recognition_on(honey, day(9)).state == S.VALID
    assert recognition_on(honey, day(10)).state == S.REVOKED


def test_the_register_page_api_and_export_show_potential_5_star(awaiting, client, province_officer):
    tea, honey, _proposal = awaiting
    client.force_login(province_officer)
    page = client.get("/products/", {"state": "potential-5-star"}).content.decode()
    assert tea.name in page and honey.name not in page and 'data-testid="potential-5-star"' in page
    detail = client.get(f"/products/{tea.pk}/").content.decode()
    assert "Tiềm năng 5 sao" in detail
    body = client.get("/api/v1/products/").json()
    by_name = {p["name"]: p for p in body["items"]}
    assert (by_name[tea.name]["potential_5_star"], by_name[tea.name]["recognition"]) == (True, "none")
    assert (by_name[honey.name]["potential_5_star"], by_name[honey.name]["recognition"]) == (False, "valid")
    one = client.get(f"/api/v1/products/{tea.pk}").json()
    assert (one["potential_5_star"], one["certificate"]) == (True, None)


def test_the_register_list_costs_the_same_queries_for_more_products(awaiting, client, province_officer, unit):
    client.force_login(province_officer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/products/").status_code == 200
        return len(queries)

    first = count()
    scored(province_officer, unit, [FIVE, FIVE], prefix="b")
    assert count() == first
