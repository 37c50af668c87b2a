"""Approved results become proposals; the recognising level's decision becomes certificates in the registry; 5★
results (after the sheet's minimums) go to the ministry, never into a province decision."""

import datetime
from decimal import Decimal

import pytest

from certification.models import Certificate
from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from evaluation import advisory, council, proposals
from evaluation.models import Criterion, MandatoryRule
from evaluation.tests.scoring_setup import build_round, score_all

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 10)


def report_all(items, people):
    """The advisory team's report on each product, which 26/2026 requires before the council scores."""
    for item in items:
        advisory.write_report(
            actor=people["tu.van"], item=item, summary="Hồ sơ đầy đủ.", recommendation="Đề nghị hội đồng chấm điểm."
        )


@pytest.fixture
def approved(province_officer, unit):
    rnd, (rice, tea, honey, low), people = build_round(
        province_officer, unit, products=("Gạo tám thơm", "Chè Shan tuyết", "Mật ong bạc hà", "Rau thử")
    )
    report_all((rice, tea, honey, low), people)
    c2 = Criterion.objects.get(scope=rice.sheet, code="C2")
    rule = MandatoryRule.objects.create(criterion=c2, stars=5, min_points=15)  # a 5★ minimum on C2
    council.record_minimum(actor=people["thu.ky"], item=tea, rule=rule, met=True)
    council.record_minimum(actor=people["thu.ky"], item=honey, rule=rule, met=False, note="Chưa đạt mức 5 sao")
    score_all(rice, people, {"chu.tich": (2, 2, 1), "tv1": (2, 1, 2), "tv2": (1, 2, 2), "tv3": (1, 2, 2)})  # 82,50
    score_all(tea, people, {"chu.tich": (2, 2, 2), "tv1": (2, 2, 2), "tv2": (2, 1, 2), "tv3": (2, 2, 2)})  # 97,50
    score_all(
        honey, people, {"chu.tich": (2, 2, 2), "tv1": (2, 1, 2), "tv2": (2, 1, 2), "tv3": (2, 1, 2)}
    )  # 92,50 but the 5★ minimum is not met: capped to 4★
    score_all(low, people, {"chu.tich": (1, 1, 0), "tv1": (1, 1, 0), "tv2": (1, 1, 0), "tv3": (1, 1, 0)})  # 30: no ★
    assert (honey.mean, honey.band_stars, honey.final_stars) == (Decimal("92.50"), 5, 4)
    return rnd, rice, tea, honey, low


def test_proposals_list_approved_3_to_5_stars_with_their_recognising_level(approved):
    rnd, rice, tea, honey, low = approved
    found = {p.item.pk: p for p in proposals.proposals(rnd, DAY)}
    assert set(found) == {rice.pk, tea.pk, honey.pk}
    assert (found[rice.pk].stars, found[rice.pk].level, found[rice.pk].to_ministry) == (4, "province", False)
    assert (found[tea.pk].stars, found[tea.pk].level, found[tea.pk].to_ministry) == (5, "ministry", True)
    # 92,50 points but 4★ after the minimums: the province recognises it, it does not go to the ministry
    assert (found[honey.pk].stars, found[honey.pk].level, found[honey.pk].to_ministry) == (4, "province", False)


def test_the_province_decision_certifies_3_and_4_stars_and_leaves_5_stars_to_the_ministry(approved, province_officer):
    rnd, rice, tea, honey, low = approved
    issued = proposals.propose_decisions(
        actor=province_officer, evaluation_round=rnd, decision_no="15/QĐ-UBND", decision_date=DAY
    )
    assert issued.decision.issuing_level == "province" and issued.decision.number == "15/QĐ-UBND"
    certified = {item.pk: cert for item, cert, outcome in issued.certificates}
    assert set(certified) == {rice.pk, honey.pk}
    rice_cert = Certificate.objects.get(product=rice.product)
    assert (rice_cert.stars, rice_cert.score, rice_cert.valid_from) == (4, Decimal("82.50"), DAY)
    assert Certificate.objects.get(product=honey.product).stars == 4
    assert not Certificate.objects.filter(product__in=[tea.product, low.product]).exists()
    assert [i.pk for i in issued.for_ministry] == [tea.pk]
    assert proposals.proposed_to_ministry(rnd) == []  # proposing is its own step, with its own records
    assert [i.pk for i in proposals.for_ministry(rnd)] == [tea.pk]
    assert AuditEntry.objects.filter(action="certification.decision.created").count() == 1
    # Issuing again changes nothing.
    again = proposals.propose_decisions(
        actor=province_officer, evaluation_round=rnd, decision_no="15/QĐ-UBND", decision_date=DAY
    )
    assert {outcome for _, _, outcome in again.certificates} == {"unchanged"}
    assert Certificate.objects.count() == 2


def test_the_ministry_5_stars_are_not_issued_for_a_whole_round(approved, province_officer):
    with pytest.raises(DomainError, match="từng sản phẩm") as refused:
        proposals.issue_decision(
            actor=province_officer, evaluation_round=approved[0], level="ministry", number="7/QĐ-BNNMT", date=DAY
        )
    assert refused.value.field == "level"
    assert not Certificate.objects.exists()


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
