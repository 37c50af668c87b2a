"""≥ 90 points (26/2026 Điều 4.1, 7.3.e, 7.4.g): the chairman approves the 5★ result (after the sheet's minimums),
the province proposes it to the ministry, and the ministry's outcome is recorded: recognised 5★, or under 90 — then
a province decision on the central score (3★/4★ only) or a new evaluation. Potential 5★ products by date."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from certification.models import Certificate, Decision
from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from evaluation import advisory, council, proposals
from evaluation.council_models import AdvisoryReview, MinistryProposal, ProposalStatus
from evaluation.models import Criterion, MandatoryRule
from evaluation.tests.scoring_setup import build_round, score_all

pytestmark = pytest.mark.django_db
API = "/api/v1/evaluation"
FIVE = {"chu.tich": (2, 2, 2), "tv1": (2, 2, 2), "tv2": (2, 1, 2), "tv3": (2, 2, 2)}  # 97,50
FOUR = {u: (2, 2, 1) for u in ("chu.tich", "tv1", "tv2", "tv3")}  # 80


def day(n=0):
    """Today (the council approved today) plus n days."""
    return timezone.localdate() + datetime.timedelta(days=n)


def report_all(items, people):
    for item in items:
        advisory.write_report(
            actor=people["tu.van"], item=item, summary="Hồ sơ đầy đủ.", recommendation="Đề nghị hội đồng chấm điểm."
        )


def scored(officer, unit, tables, prefix=""):
    """A round whose products (one per table) are reported on by the advisory team, scored and approved."""
    names = [f"Sản phẩm {n}{prefix}" for n in range(1, len(tables) + 1)]
    rnd, items, people = build_round(officer, unit, products=names, prefix=prefix)
    report_all(items, people)
    for item, table in zip(items, tables, strict=True):
        score_all(item, people, table)
    return rnd, items, people


def propose(officer, rnd, items=None, **overrides):
    values = {
        "approval_no": "120/QĐ-UBND",
        "approval_date": day(0),
        "letter_no": "45/UBND-KT",
        "letter_date": day(2),
        "documents": ["advisory_report", "council_report", "product_dossier", "samples"],
    }
    values.update(overrides)
    return proposals.propose_to_ministry(actor=officer, evaluation_round=rnd, items=items, **values)


@pytest.fixture
def proposed(province_officer, unit):
    rnd, (tea,), people = scored(province_officer, unit, [FIVE])
    (proposal,) = propose(province_officer, rnd)
    return rnd, tea, proposal


# ── Proposing ──────────────────────────────────────────────────────────────────────────────────────────────────────


def test_a_round_of_only_5_star_products_goes_to_the_ministry(province_officer, unit):
    rnd, (tea, honey), people = scored(province_officer, unit, [FIVE, FIVE])
    with pytest.raises(DomainError, match="đề nghị Bộ"):
        proposals.propose_decisions(
            actor=province_officer, evaluation_round=rnd, decision_no="1/QĐ", decision_date=day()
        )
    assert [i.pk for i in proposals.for_ministry(rnd)] == [tea.pk, honey.pk]
    made = propose(province_officer, rnd)
    assert [p.item_id for p in made] == [tea.pk, honey.pk]
    assert {(p.status, p.letter_no, p.approval_no) for p in made} == {("proposed", "45/UBND-KT", "120/QĐ-UBND")}
    assert made[0].documents == ["advisory_report", "council_report", "product_dossier", "samples"]
    assert not Certificate.objects.exists() and not Decision.objects.exists()  # no provincial certificate for 5★
    assert proposals.for_ministry(rnd) == []
    assert AuditEntry.objects.filter(action="evaluation.item.proposed_to_ministry").count() == 2
    # Potential 5★ from the day of the letter until the ministry decides.
    assert set(proposals.potential_five_star(day(2))) == {tea.product, honey.product}
    assert not proposals.potential_five_star(day(1)).exists()
    with pytest.raises(DomainError, match="không còn sản phẩm"):
        propose(province_officer, rnd)
    with pytest.raises(DomainError, match="đã được đề nghị Bộ") as refused:
        propose(province_officer, rnd, items=[tea])
    assert refused.value.field == "items"


def test_a_5_star_mean_capped_to_4_stars_by_a_minimum_is_not_proposed(province_officer, unit):
    rnd, (honey,), people = build_round(province_officer, unit, products=("Mật ong bạc hà",))
    report_all([honey], people)
    rule = MandatoryRule.objects.create(
        criterion=Criterion.objects.get(scope=honey.sheet, code="C2"), stars=5, min_points=15
    )
    council.record_minimum(actor=people["thu.ky"], item=honey, rule=rule, met=False, note="Chưa đạt mức 5 sao")
    score_all(honey, people, FIVE)
    assert (honey.mean, honey.band_stars, honey.final_stars) == (Decimal("97.50"), 5, 4)
    assert proposals.for_ministry(rnd) == []
    with pytest.raises(DomainError, match="Mật ong bạc hà") as refused:
        propose(province_officer, rnd, items=[honey.pk])
    assert refused.value.field == "items" and "4★" in refused.value.message
    with pytest.raises(DomainError):
        propose(province_officer, rnd)
    assert not MinistryProposal.objects.exists()
    # The province recognises it at 4★ in its own decision.
    issued = proposals.propose_decisions(
        actor=province_officer, evaluation_round=rnd, decision_no="16/QĐ-UBND", decision_date=day()
    )
    assert [(i.pk, c.stars) for i, c, _ in issued.certificates] == [(honey.pk, 4)] and issued.for_ministry == []


def test_the_proposal_needs_the_chairmans_approval_dated_in_order(province_officer, unit):
    rnd, (tea,), people = scored(province_officer, unit, [FIVE])
    cases = [
        ({"approval_no": ""}, "approval_no"),
        ({"approval_date": None}, "approval_date"),
        ({"letter_no": " "}, "letter_no"),
        ({"letter_date": day(-1)}, "letter_date"),  # before the approval
        ({"approval_date": day(-5), "letter_date": day(-5)}, "items"),  # before the council approved the result
        ({"documents": ["advisory_report", "photos"]}, "documents"),
    ]
    for overrides, field in cases:
        with pytest.raises(DomainError) as refused:
            propose(province_officer, rnd, **overrides)
        assert refused.value.field == field, overrides
    AdvisoryReview.objects.filter(item=tea).delete()
    with pytest.raises(DomainError, match="Tổ tư vấn") as refused:
        propose(province_officer, rnd)
    assert refused.value.field == "items"
    assert (
        not MinistryProposal.objects.exists()
        and not AuditEntry.objects.filter(action="evaluation.item.proposed_to_ministry").exists()
    )


def test_1_and_2_star_and_unapproved_products_are_not_proposed(province_officer, unit):
    low = {u: (1, 1, 0) for u in ("chu.tich", "tv1", "tv2", "tv3")}  # 30 → 2★
    rnd, items, people = build_round(province_officer, unit, products=("Thấp", "Chưa duyệt"))
    report_all(items, people)
    score_all(items[0], people, low)
    score_all(items[1], people, FIVE, approve=False)
    with pytest.raises(DomainError) as refused:
        propose(province_officer, rnd, items=items)
    assert "Thấp" in refused.value.message and "Chưa duyệt" in refused.value.message
    assert not MinistryProposal.objects.exists()


# ── The ministry's outcome ─────────────────────────────────────────────────────────────────────────────────────────


def test_the_ministry_recognises_5_stars_with_its_decision_and_certificate(proposed, province_officer):
    rnd, tea, proposal = proposed
    with pytest.raises(DomainError) as refused:
        proposals.record_ministry_recognition(
            actor=province_officer, proposal=proposal, decision_no="9/QĐ-BNNMT", decision_date=day(30), central_score=85
        )
    assert refused.value.field == "central_score"
    with pytest.raises(DomainError) as refused:
        proposals.record_ministry_recognition(
            actor=province_officer, proposal=proposal, decision_no="9/QĐ-BNNMT", decision_date=day(1)
        )
    assert refused.value.field == "decision_date"  # before the letter
    assert not Decision.objects.exists() and not Certificate.objects.exists()
    done = proposals.record_ministry_recognition(
        actor=province_officer, proposal=proposal, decision_no="9/QĐ-BNNMT", decision_date=day(30), central_score="93,5"
    )
    certificate = Certificate.objects.get(product=tea.product)
    assert (certificate.stars, certificate.score, certificate.valid_from) == (5, Decimal("93.50"), day(30))
    assert certificate.decision.issuing_level == "ministry" and certificate.decision.number == "9/QĐ-BNNMT"
    assert (done.status, done.decided_on, done.certificate, done.central_stars) == (
        ProposalStatus.RECOGNISED,
        day(30),
        certificate,
        5,
    )
    assert set(proposals.potential_five_star(day(29))) == {tea.product}
    assert not proposals.potential_five_star(day(30)).exists()
    with pytest.raises(DomainError, match="đã được ghi"):
        proposals.record_central_result_below_90(
            actor=province_officer,
            proposal=done,
            notice_no="1/BNNMT",
            notice_date=day(31),
            central_score=80,
            central_stars=4,
        )
    assert AuditEntry.objects.filter(action="evaluation.ministry.recognised").count() == 1


def test_the_central_council_scores_88_and_the_province_recognises_4_stars(proposed, province_officer):
    rnd, tea, proposal = proposed
    for score, stars, field in [(91, 4, "central_score"), (88, 5, "central_stars"), ("8x", 4, "central_score")]:
        with pytest.raises(DomainError) as refused:
            proposals.record_central_result_below_90(
                actor=province_officer,
                proposal=proposal,
                notice_no="210/BNNMT-VPĐP",
                notice_date=day(40),
                central_score=score,
                central_stars=stars,
            )
        assert refused.value.field == field
    below = proposals.record_central_result_below_90(
        actor=province_officer,
        proposal=proposal,
        notice_no="210/BNNMT-VPĐP",
        notice_date=day(40),
        central_score=Decimal("88"),
        central_stars=4,
    )
    assert (below.status, below.central_score, below.central_stars, below.decided_on) == (
        ProposalStatus.BELOW_90,
        Decimal("88.00"),
        4,
        day(40),
    )
    assert not proposals.potential_five_star(day(40)).exists()
    assert set(proposals.potential_five_star(day(39))) == {tea.product}
    with pytest.raises(DomainError) as refused:
        proposals.recognise_on_central_score(
            actor=province_officer, proposal=below, decision_no="300/QĐ-UBND", decision_date=day(39)
        )
    assert refused.value.field == "decision_date"
    done = proposals.recognise_on_central_score(
        actor=province_officer, proposal=below, decision_no="300/QĐ-UBND", decision_date=day(45)
    )
    certificate = Certificate.objects.get(product=tea.product)
    assert (certificate.stars, certificate.score, certificate.decision.issuing_level) == (
        4,
        Decimal("88.00"),
        "province",
    )
    assert done.status == ProposalStatus.PROVINCE_RECOGNISED and done.province_decision == certificate.decision
    with pytest.raises(DomainError):
        proposals.send_back_for_reevaluation(actor=province_officer, proposal=done, on=day(46), reason="Thử")


def test_under_90_the_province_may_have_the_product_evaluated_again(proposed, province_officer, unit):
    rnd, tea, proposal = proposed
    with pytest.raises(DomainError):  # only once the central council scored under 90
        proposals.send_back_for_reevaluation(actor=province_officer, proposal=proposal, on=day(5), reason="Thử")
    below = proposals.record_central_result_below_90(
        actor=province_officer,
        proposal=proposal,
        notice_no="211/BNNMT",
        notice_date=day(40),
        central_score="45",
        central_stars=2,
    )
    with pytest.raises(DomainError, match="1 sao, 2 sao"):
        proposals.recognise_on_central_score(
            actor=province_officer, proposal=below, decision_no="301/QĐ-UBND", decision_date=day(45)
        )
    assert not Certificate.objects.exists() and not Decision.objects.exists()
    with pytest.raises(DomainError) as refused:
        proposals.send_back_for_reevaluation(actor=province_officer, proposal=below, on=day(41), reason="  ")
    assert refused.value.field == "reason"
    again = proposals.send_back_for_reevaluation(
        actor=province_officer, proposal=below, on=day(41), reason="Đánh giá lại ở đợt 1/2027 sau khi bổ sung."
    )
    assert (again.status, again.reevaluation_on) == (ProposalStatus.RE_EVALUATION, day(41))
    assert not Certificate.objects.exists()
    assert AuditEntry.objects.get(action="evaluation.ministry.reevaluation").before["status"] == "below_90"


def test_a_proposed_result_is_not_reopened(proposed):
    rnd, tea, proposal = proposed
    with pytest.raises(DomainError, match="45/UBND-KT"):
        proposals.require_not_proposed(tea)


# ── Who may ────────────────────────────────────────────────────────────────────────────────────────────────────────


def test_an_officer_of_another_province_is_refused(province_officer, other_province_officer, commune_officer, unit):
    rnd, (tea,), people = scored(province_officer, unit, [FIVE])
    for actor in (other_province_officer, commune_officer, people["chu.tich"]):
        with pytest.raises(PermissionRefused):
            propose(actor, rnd)
    (proposal,) = propose(province_officer, rnd)
    for actor in (other_province_officer, people["chu.tich"]):
        with pytest.raises(PermissionRefused):
            proposals.record_ministry_recognition(
                actor=actor, proposal=proposal, decision_no="9/QĐ-BNNMT", decision_date=day(30)
            )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED and not Certificate.objects.exists()


# ── Pages and API ──────────────────────────────────────────────────────────────────────────────────────────────────


def test_the_ministry_page_proposes_and_records_outcomes(client, province_officer, other_province_officer, unit):
    rnd, (tea, rice), people = scored(province_officer, unit, [FIVE, FOUR])
    client.force_login(province_officer)
    page = client.get(f"/evaluation/{rnd.pk}/ministry/").content.decode()
    assert f'data-testid="waiting-{tea.pk}"' in page and f'data-testid="waiting-{rice.pk}"' not in page
    form = {
        "items": [tea.pk],
        "approval_no": "120/QĐ-UBND",
        "approval_date": day(0).strftime("%d/%m/%Y"),
        "letter_no": "",
        "letter_date": day(1).strftime("%d/%m/%Y"),
        "documents": ["advisory_report"],
    }
    bad = client.post(f"/evaluation/{rnd.pk}/ministry/propose/", form)
    assert bad.status_code == 400 and "is-invalid" in bad.content.decode()
    bad = client.post(
        f"/evaluation/{rnd.pk}/ministry/propose/",
        {**form, "letter_no": "45/UBND-KT", "letter_date": day(-1).strftime("%d/%m/%Y")},
    )
    assert bad.status_code == 400 and "không được trước" in bad.content.decode()
    assert not MinistryProposal.objects.exists()
    good = client.post(f"/evaluation/{rnd.pk}/ministry/propose/", {**form, "letter_no": "45/UBND-KT"})
    assert good.status_code == 302
    proposal = MinistryProposal.objects.get(item=tea)
    response = client.post(
        f"/evaluation/ministry/{proposal.pk}/below-90/",
        {
            "notice_no": "210/BNNMT",
            "notice_date": day(20).strftime("%d/%m/%Y"),
            "central_score": "88,00",
            "central_stars": "4",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/evaluation/ministry/{proposal.pk}/province-decision/",
        {"decision_no": "300/QĐ-UBND", "decision_date": day(25).strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302 and Certificate.objects.get(product=tea.product).stars == 4
    page = client.get(f"/evaluation/{rnd.pk}/ministry/").content.decode()
    assert 'data-state="province_recognised"' in page and "300/QĐ-UBND" in page
    assert "ministry-link" in client.get(f"/evaluation/{rnd.pk}/").content.decode()
    # The chair reads the page but has no forms; another province's officer gets 404 everywhere.
    client.force_login(people["chu.tich"])
    assert client.get(f"/evaluation/{rnd.pk}/ministry/").status_code == 200
    client.force_login(other_province_officer)
    assert client.get(f"/evaluation/{rnd.pk}/ministry/").status_code == 404
    assert client.post(f"/evaluation/{rnd.pk}/ministry/propose/", form).status_code == 404
    assert client.post(f"/evaluation/ministry/{proposal.pk}/reevaluation/", {"on": "01/01/2027"}).status_code == 404


def test_the_api_lists_proposals_and_those_pending_on_a_date(
    client, proposed, province_officer, other_province_officer
):
    rnd, tea, proposal = proposed
    client.force_login(province_officer)
    rows = client.get(f"{API}/rounds/{rnd.pk}/ministry-proposals").json()
    assert [(r["item_id"], r["status"], r["letter_no"], r["province_stars"]) for r in rows] == [
        (tea.pk, "proposed", "45/UBND-KT", 5)
    ]
    assert client.get(f"{API}/ministry-proposals", {"pending_on": day(2).isoformat()}).json()["count"] == 1
    assert client.get(f"{API}/ministry-proposals", {"pending_on": day(1).isoformat()}).json()["count"] == 0
    assert client.get(f"{API}/ministry-proposals", {"status": "recognised"}).json()["count"] == 0
    bad = client.get(f"{API}/ministry-proposals", {"status": "maybe"})
    assert bad.status_code == 400 and bad.json()["field"] == "status"
    bad = client.get(f"{API}/ministry-proposals", {"pending_on": "2026-13-40"})
    assert bad.status_code == 400 and "pending_on" in bad.json()["detail"]
    client.force_login(other_province_officer)
    assert client.get(f"{API}/rounds/{rnd.pk}/ministry-proposals").status_code == 404
    assert client.get(f"{API}/ministry-proposals").json()["count"] == 0


def test_potential_five_star_narrows_a_product_queryset(proposed, province_officer, unit):
    from products.models import Product

    rnd, tea, proposal = proposed
    elsewhere = Product.objects.exclude(pk=tea.product_id)
    assert not proposals.potential_five_star(day(3), elsewhere).exists()
    assert list(proposals.potential_five_star(day(3), Product.objects.filter(pk=tea.product_id))) == [tea.product]
