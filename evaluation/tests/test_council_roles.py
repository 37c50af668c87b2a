"""Who may sit on a council and keep scoring (issue 14, item 2): only holders of the council or advisory role in the
round's province (or nationwide); never a producer account; a member linked to a producer of a product in the round
never scores it; a member whose role is revoked or whose account is locked after seating can no longer write."""

import pytest

from accounts import services as accounts_services
from accounts.models import Membership
from conftest import make_user
from core.errors import DomainError, PermissionRefused
from evaluation import council
from evaluation.council_models import Conflict, MemberRole
from evaluation.tests.scoring_setup import build_round, criteria, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(province_officer, unit):
    rnd, (item,), people = build_round(province_officer, unit, reported=True)
    return rnd, item, people


def test_seating_refuses_producers_other_provinces_and_people_without_the_role(setting, province_officer, producer):
    rnd, _item, _people = setting
    dual = make_user("chuthe.hd", "producer", "2025:03328")  # a producer account also given the council role
    accounts_services.grant_membership(actor=None, user=dual, role="council_member", area=rnd.province)
    cases = [
        (dual, "chủ thể OCOP"),
        (producer, "chủ thể OCOP"),
        (make_user("hd.sonla", "council_member", "2025:14"), "Tỉnh Điện Biên"),  # Sơn La's council, Điện Biên round
        (make_user("khong.vai.tro"), "Tỉnh Điện Biên"),
    ]
    for user, words in cases:
        with pytest.raises(DomainError) as refused:
            council.add_member(actor=province_officer, evaluation_round=rnd, user=user, role=MemberRole.MEMBER)
        assert refused.value.field == "user" and words in refused.value.message, user.username
        assert not rnd.members.filter(user=user).exists()
    locked = make_user("hd.khoa", "council_member", "2025:11")
    accounts_services.deactivate_user(actor=province_officer, user=locked)
    with pytest.raises(DomainError, match="đã bị khoá"):
        council.add_member(actor=province_officer, evaluation_round=rnd, user=locked, role=MemberRole.MEMBER)
    nationwide = make_user("quantri.hd", "system_admin")  # a nationwide membership reaches every province
    council.add_member(actor=province_officer, evaluation_round=rnd, user=nationwide, role=MemberRole.MEMBER)


def test_a_member_linked_to_the_producer_after_seating_does_not_score_it(setting):
    rnd, item, p = setting
    producer = item.product.producer
    producer.accounts.add(p["tv1"])  # linked after seating: the conflict is recorded at once (evaluation.signals)
    assert Conflict.objects.filter(item=item, member__user=p["tv1"]).exists()
    with pytest.raises(DomainError):
        score(item, p["tv1"], (2, 2, 2))
    assert not item.sheets.filter(member__user=p["tv1"]).exists()
    assert council.record_link_conflicts(user=p["tv1"], producer=producer) == 0
    score(item, p["tv2"], (2, 2, 2))  # the others score as before


def test_a_linked_member_is_refused_even_without_a_recorded_conflict(setting):
    rnd, item, p = setting
    producer = item.product.producer
    producer.accounts.through.objects.create(producer=producer, user=p["tv1"])  # no signal: as a raw link would be
    with pytest.raises(PermissionRefused, match=producer.name):
        score(item, p["tv1"], (2, 2, 2))
    assert council.record_link_conflicts(user=p["tv1"], producer=producer) == 1


def test_a_member_whose_role_is_revoked_after_seating_can_no_longer_score(setting, province_officer):
    rnd, item, p = setting
    score(item, p["tv1"], (2, 2, 2), submit=False)
    membership = Membership.objects.get(user=p["tv1"], role="council_member")
    accounts_services.revoke_membership(actor=province_officer, membership=membership)
    first = criteria(item)[0]
    with pytest.raises(PermissionRefused, match="thu hồi"):
        council.choose_option(actor=p["tv1"], item=item, criterion=first, option=first.options.first())
    with pytest.raises(PermissionRefused, match="thu hồi"):
        council.submit_sheet(actor=p["tv1"], item=item)
    with pytest.raises(PermissionRefused):
        council.declare_conflict(actor=p["tv1"], item=item, reason="Người nhà")
    score(item, p["tv2"], (2, 2, 2))  # the others are unaffected


def test_a_locked_secretary_or_a_revoked_chair_can_no_longer_record_or_lock(setting, province_officer):
    rnd, item, p = setting
    for name in ("chu.tich", "tv1", "tv2", "tv3"):
        score(item, p[name], (2, 2, 2))
    accounts_services.deactivate_user(actor=province_officer, user=p["thu.ky"])
    with pytest.raises(PermissionRefused, match="đã bị khoá"):
        council.record_elimination(actor=p["thu.ky"], item=item, reason="Hồ sơ giả mạo")
    chair_membership = Membership.objects.get(user=p["chu.tich"], role="council_member")
    accounts_services.revoke_membership(actor=province_officer, membership=chair_membership)
    with pytest.raises(PermissionRefused, match="thu hồi"):
        council.lock_item(actor=p["chu.tich"], item=item)
    item.refresh_from_db()
    assert item.status == "scoring"
