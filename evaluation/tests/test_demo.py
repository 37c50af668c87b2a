"""The OCOP council demo (`make setup` → load_demo): issue 11's 26/2026 cases on pages, loaded through the services,
idempotently."""

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.demo import load_demo_register, load_demo_users
from areas.queries import get_unit
from certification.models import Certificate
from core.models import AuditEntry
from evaluation import council
from evaluation.council_models import Conflict, ItemStatus, MemberRole, MinistryProposal, ProposalStatus
from evaluation.demo import ROUND, load_demo_evaluation
from reports.dashboard import build_dashboard

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_demo_users()
    load_demo_register()
    return load_demo_evaluation()


def test_the_round_follows_26_2026_with_a_seated_council_and_a_named_vice_chair(demo, client):
    rnd = demo.round
    assert rnd.criteria_set.code == "26-2026" and rnd.province == get_unit("2025:11")
    assert (rnd.starts_on, rnd.ends_on) == (ROUND["starts_on"], ROUND["ends_on"]) and rnd.ends_on < timezone.localdate()
    seats = {m.user.username: (m.role, m.presides_for_chair) for m in rnd.members.select_related("user")}
    assert seats == {
        "hoidong.dienbien": (MemberRole.CHAIR, False),
        "pct.dienbien": (MemberRole.VICE_CHAIR, True),
        "hoidong2.dienbien": (MemberRole.MEMBER, False),
        "hoidong3.dienbien": (MemberRole.MEMBER, False),
        "thuky.dienbien": (MemberRole.SECRETARY, False),
        "tuvan.dienbien": (MemberRole.ADVISORY, False),
    }
    client.force_login(rnd.members.get(role=MemberRole.CHAIR).user)
    assert client.get(f"/evaluation/{rnd.pk}/").status_code == 200


def test_product_a_is_potential_5_star_on_the_dashboard_the_product_page_and_the_list(demo, client):
    item = demo.items["A"]
    item.refresh_from_db()
    assert (item.status, item.final_stars, item.cap_reasons) == (ItemStatus.APPROVED, 5, [])
    assert item.mean >= 90 and all(s.total >= 90 for s in item.sheets.all())
    assert item.sheets.count() == 4 and not item.minimum_checks.filter(met=False).exists()
    proposal = MinistryProposal.objects.get(item=item)
    assert proposal.status == ProposalStatus.PROPOSED and proposal.letter_date <= timezone.localdate()
    assert proposal.approval_no and not Certificate.objects.filter(product=item.product).exists()
    today = timezone.localdate()
    assert build_dashboard(get_unit("2025:11"), today).potential >= 1
    assert "tiềm năng 5 sao" in client.get("/reports/ocop/?area=2025:11").content.decode()
    client.force_login(proposal.proposed_by)
    assert "Tiềm năng 5 sao" in client.get(f"/products/{item.product_id}/").content.decode()
    listed = client.get("/products/?state=potential-5-star").content.decode()
    assert item.product.name in listed and demo.items["B"].product.name not in listed


def test_product_b_has_a_4_star_certificate_from_a_result_the_vice_chair_presided_over(demo, client):
    item = demo.items["B"]
    item.refresh_from_db()
    chair = demo.round.members.get(role=MemberRole.CHAIR)
    vice_chair = demo.round.members.get(presides_for_chair=True)
    assert Conflict.objects.filter(item=item, member=chair).exists()
    assert council.presiding_member(item) == vice_chair
    assert not item.sheets.filter(member=chair).exists()
    assert 70 <= item.mean < 90 and (item.status, item.final_stars) == (ItemStatus.APPROVED, 4)
    for action in ("evaluation.item.locked", "evaluation.item.approved"):
        entry = AuditEntry.objects.get(action=action, object_id=str(item.pk))
        assert entry.actor == vice_chair.user
    (certificate,) = Certificate.objects.filter(product=item.product).select_related("decision")
    assert (certificate.stars, certificate.score, certificate.decision.issuing_level) == (4, item.mean, "province")
    officer = AuditEntry.objects.get(action="evaluation.round.created", object_id=str(demo.round.pk)).actor
    assert officer.username == "tinh.dienbien"
    client.force_login(officer)
    board = client.get(f"/evaluation/{demo.round.pk}/board/").content.decode()
    assert 'data-testid="presiding"' in board and "phó chủ tịch" in board


def test_the_register_has_a_re_recognition_kept_in_its_first_recognition_cohort(demo):
    figures = build_dashboard(get_unit("2025:11"), timezone.localdate()).figures["products"]
    assert figures["by_recognition_year"].get("2024") == 1 and figures["by_first_recognition_year"].get("2021") == 1
    kinds = list(
        Certificate.objects.filter(product__name="Gạo tám thơm Điện Biên")
        .order_by("valid_from")
        .values_list("kind", flat=True)
    )
    assert kinds == ["recognition", "re-recognition"]


def test_a_second_run_changes_nothing(demo):
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    again = load_demo_evaluation()
    assert not any(again.counts.values()) and again.round == demo.round
    assert {m._meta.label: m.objects.count() for m in apps.get_models()} == counts
    assert AuditEntry.objects.count() == counts["core.AuditEntry"]
