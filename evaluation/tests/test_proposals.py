"""Approved results become proposals; the recognising level's decision becomes certificates in the registry."""

import datetime
from decimal import Decimal

import pytest

from certification.models import Certificate
from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from evaluation import proposals
from evaluation.models import Criterion, MandatoryRule
from evaluation.tests.scoring_setup import build_round, score_all

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 10)


@pytest.fixture
def approved(province_officer, unit):
    rnd, (rice, tea, honey, low), people = build_round(
        province_officer, unit, products=("Gạo tám thơm", "Chè Shan tuyết", "Mật ong bạc hà", "Rau thử")
    )
    c2 = Criterion.objects.get(scope=rice.sheet, code="C2")
    MandatoryRule.objects.create(criterion=c2, stars=5, min_points=15)  # 5★ needs a mean of 15 on C2
    score_all(rice, people, {"chu.tich": (2, 2, 1), "tv1": (2, 1, 2), "tv2": (1, 2, 2), "tv3": (1, 2, 2)})  # 82,50
    score_all(tea, people, {"chu.tich": (2, 2, 2), "tv1": (2, 2, 2), "tv2": (2, 1, 2), "tv3": (2, 2, 2)})  # 97,50
    score_all(
        honey, people, {"chu.tich": (2, 2, 2), "tv1": (2, 1, 2), "tv2": (2, 1, 2), "tv3": (2, 1, 2)}
    )  # 92,50 but C2 12,50: capped to 4★
    score_all(low, people, {"chu.tich": (1, 1, 0), "tv1": (1, 1, 0), "tv2": (1, 1, 0), "tv3": (1, 1, 0)})  # 30: no ★
    return rnd, rice, tea, honey, low


def test_proposals_list_approved_3_to_5_stars_with_their_recognising_level(approved):
    rnd, rice, tea, honey, low = approved
    found = {p.item.pk: p for p in proposals.proposals(rnd, DAY)}
    assert set(found) == {rice.pk, tea.pk, honey.pk}
    assert (found[rice.pk].stars, found[rice.pk].level, found[rice.pk].to_ministry) == (4, "province", False)
    assert (found[tea.pk].stars, found[tea.pk].level, found[tea.pk].to_ministry) == (5, "ministry", True)
    assert (found[honey.pk].stars, found[honey.pk].level, found[honey.pk].to_ministry) == (4, "province", True)


def test_the_province_decision_certifies_what_it_recognises_and_proposes_90_plus(approved, province_officer):
    rnd, rice, tea, honey, low = approved
    issued = proposals.propose_decisions(
        actor=province_officer, evaluation_round=rnd, decision_no="15/QĐ-UBND", decision_date=DAY
    )
    assert issued.decision.issuing_level == "province" and issued.decision.number == "15/QĐ-UBND"
    certified = {item.pk: cert for item, cert, outcome in issued.certificates}
    expected_province = {p.item.pk for p in proposals.proposals(rnd, DAY) if p.level == "province"}
    assert set(certified) == expected_province and tea.pk not in certified  # 5★: the ministry's
    rice_cert = Certificate.objects.get(product=rice.product)
    assert (rice_cert.stars, rice_cert.score, rice_cert.valid_from) == (4, Decimal("82.50"), DAY)
    assert not Certificate.objects.filter(product=tea.product).exists()
    assert {i.pk for i in issued.proposed_to_ministry} == {tea.pk, honey.pk}
    assert {i.pk for i in proposals.proposed_to_ministry(rnd)} == {tea.pk, honey.pk}
    assert AuditEntry.objects.filter(action="certification.decision.created").count() == 1
    assert AuditEntry.objects.filter(action="evaluation.item.proposed_to_ministry").count() == 2
    # Issuing again changes nothing and marks nothing twice.
    again = proposals.propose_decisions(
        actor=province_officer, evaluation_round=rnd, decision_no="15/QĐ-UBND", decision_date=DAY
    )
    assert {outcome for _, _, outcome in again.certificates} == {"unchanged"}
    assert AuditEntry.objects.filter(action="evaluation.item.proposed_to_ministry").count() == 2


def test_the_ministry_decision_records_the_5_star_certificates(approved, province_officer):
    rnd, rice, tea, honey, low = approved
    issued = proposals.issue_decision(
        actor=province_officer, evaluation_round=rnd, level="ministry", number="7/QĐ-BNNMT", date=DAY
    )
    assert [item.pk for item, _, _ in issued.certificates] == [tea.pk]
    assert Certificate.objects.get(product=tea.product).stars == 5


def test_only_the_provinces_certification_managers_issue(approved, other_province_officer, council_member):
    rnd = approved[0]
    for actor in (other_province_officer, council_member):
        with pytest.raises(PermissionRefused):
            proposals.propose_decisions(actor=actor, evaluation_round=rnd, decision_no="1/QĐ", decision_date=DAY)
    assert not Certificate.objects.exists()


def test_a_level_with_nothing_to_recognise_is_refused(approved, province_officer):
    with pytest.raises(DomainError, match="thẩm quyền"):
        proposals.issue_decision(
            actor=province_officer, evaluation_round=approved[0], level="district", number="3/QĐ", date=DAY
        )
