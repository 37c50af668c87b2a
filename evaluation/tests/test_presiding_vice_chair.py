"""The chair can be replaced on an item (issue "figures officials can trust" §4): when the chair declares a conflict
on a product, the vice-chair named when the council was seated presides over it — quorum, lock, approve, reopen —
and the quorum counts that vice-chair instead of the chair."""

import pytest

from conftest import make_user
from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from evaluation import council, documents
from evaluation.council_models import MemberRole
from evaluation.tests.scoring_setup import build_round, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def seated(province_officer, unit):
    """The usual council (chair, 3 members, advisory, secretary) plus two vice-chairs; the first is named."""
    rnd, (item,), people = build_round(province_officer, unit, reported=True)
    for name in ("pct1", "pct2"):
        people[name] = make_user(name, "council_member", "2025:11")
        council.add_member(actor=province_officer, evaluation_round=rnd, user=people[name], role=MemberRole.VICE_CHAIR)
    return rnd, item, people


def test_the_first_vice_chair_seated_is_named_and_only_vice_chairs_can_be(seated, province_officer):
    rnd, _item, people = seated
    named = {m.user.username: m.presides_for_chair for m in rnd.members.all()}
    assert named["pct1"] is True and named["pct2"] is False and named["chu.tich"] is False
    other = make_user("tv9", "council_member", "2025:11")
    with pytest.raises(DomainError) as refused:
        council.add_member(
            actor=province_officer, evaluation_round=rnd, user=other, role=MemberRole.MEMBER, presides_for_chair=True
        )
    assert refused.value.field == "presides_for_chair"
    assert not rnd.members.filter(user=other).exists()


def test_the_named_vice_chair_presides_over_a_conflicted_chairs_item(seated):
    rnd, item, people = seated
    assert council.presiding_member(item).user == people["chu.tich"]
    council.declare_conflict(actor=people["chu.tich"], item=item, reason="Người nhà của chủ thể")
    assert council.presiding_member(item).user == people["pct1"]
    for name in ("pct1", "pct2", "tv1", "tv2", "tv3"):
        score(item, people[name], (2, 2, 2))
    with pytest.raises(PermissionRefused, match="chủ trì thay"):
        council.lock_item(actor=people["chu.tich"], item=item)
    with pytest.raises(PermissionRefused):
        council.lock_item(actor=people["pct2"], item=item)  # a vice-chair not named does not preside
    result = council.lock_item(actor=people["pct1"], item=item)
    # quorum: 6 members without a conflict (2 vice-chairs, 3 members... and not the chair) → 5 of 6 ≥ 75%
    assert (result.quorum_base, result.quorum_needed, result.quorum_met) == (5, 4, True)
    approved = council.approve_item(actor=people["pct1"], item=item)
    assert approved.status == "approved" and approved.final_stars == 5
    reopened = council.reopen_item(actor=people["pct1"], item=item, reason="Chấm lại theo ý kiến hội đồng")
    assert reopened.status == "scoring"
    assert AuditEntry.objects.filter(action="evaluation.item.locked", actor=people["pct1"]).exists()


def test_quorum_counts_the_presiding_vice_chair_instead_of_the_chair(seated):
    rnd, item, people = seated
    council.declare_conflict(actor=people["chu.tich"], item=item, reason="Góp vốn vào HTX")
    for name in ("pct2", "tv1", "tv2", "tv3"):
        score(item, people[name], (2, 2, 2))
    result = council.result_of(item)
    assert not result.quorum_met
    assert result.quorum_notes == ["Chưa có phiếu chấm của phó chủ tịch chủ trì thay chủ tịch hội đồng."]
    score(item, people["pct1"], (2, 2, 2))
    assert council.result_of(item).quorum_met


def test_without_a_named_vice_chair_a_conflicted_chairs_item_cannot_be_locked(province_officer, unit):
    rnd, (item,), people = build_round(province_officer, unit, reported=True)
    council.declare_conflict(actor=people["chu.tich"], item=item, reason="Người nhà của chủ thể")
    assert council.presiding_member(item) is None
    for name in ("tv1", "tv2", "tv3"):
        score(item, people[name], (2, 2, 2))
    with pytest.raises(PermissionRefused, match="chưa có phó chủ tịch"):
        council.lock_item(actor=people["chu.tich"], item=item)
    assert not council.result_of(item).quorum_met


def test_naming_another_vice_chair_is_audited_and_refused_after_an_approval(seated, province_officer):
    rnd, item, people = seated
    pct2 = rnd.members.get(user=people["pct2"])
    council.name_deputy(actor=province_officer, member=pct2)
    assert rnd.members.get(presides_for_chair=True).user == people["pct2"]
    assert AuditEntry.objects.filter(action="evaluation.member.deputy_named").count() == 1
    with pytest.raises(DomainError):
        council.name_deputy(actor=province_officer, member=rnd.members.get(user=people["tv1"]))
    council.declare_conflict(actor=people["chu.tich"], item=item, reason="Người nhà của chủ thể")
    for name in ("pct1", "pct2", "tv1", "tv2", "tv3"):
        score(item, people[name], (2, 2, 2))
    council.lock_item(actor=people["pct2"], item=item)
    council.approve_item(actor=people["pct2"], item=item)
    with pytest.raises(DomainError, match="không đổi"):
        council.name_deputy(actor=province_officer, member=rnd.members.get(user=people["pct1"]))


def test_the_board_and_the_minutes_say_who_presided(seated, client):
    rnd, item, people = seated
    council.declare_conflict(actor=people["chu.tich"], item=item, reason="Người nhà của chủ thể")
    for name in ("pct1", "pct2", "tv1", "tv2", "tv3"):
        score(item, people[name], (2, 2, 2))
    client.force_login(people["pct1"])
    board = client.get(f"/evaluation/{rnd.pk}/board/").content.decode()
    assert 'data-testid="presiding"' in board and 'data-testid="lock"' in board
    assert "[thực tiễn]" in board  # domain.md's council practice is named as practice
    client.force_login(people["chu.tich"])
    board = client.get(f"/evaluation/{rnd.pk}/board/").content.decode()
    assert 'data-testid="presiding"' in board and 'data-testid="lock"' not in board
    council.lock_item(actor=people["pct1"], item=item)
    (record,) = documents.minutes_context(rnd)["records"]
    assert record.presiding.user == people["pct1"]


def test_the_round_page_lists_the_council_and_names_another_vice_chair(seated, client, province_officer):
    rnd, _item, people = seated
    client.force_login(province_officer)
    page = client.get(f"/evaluation/{rnd.pk}/").content.decode()
    assert 'data-testid="council"' in page and page.count('data-testid="deputy"') == 1
    pct2 = rnd.members.get(user=people["pct2"])
    client.post(f"/evaluation/{rnd.pk}/members/{pct2.pk}/deputy/")
    assert rnd.members.get(presides_for_chair=True) == pct2
