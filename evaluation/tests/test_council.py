"""Council scoring through the services: who scores, what counts, what is seen when, and lock/approve/reopen."""

import datetime
from decimal import Decimal

import pytest

from conftest import make_user
from core.errors import DomainError, NotFound, PermissionRefused
from evaluation import council
from evaluation.council_models import ItemStatus, MemberRole
from evaluation.models import CriteriaSet, Criterion, MandatoryRule, Option, Part, Section, SheetScope
from evaluation.tests.scoring_setup import report_all
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def criteria_set():
    """A small published set: one sheet for Thực phẩm with three criteria; points of the test's choosing."""
    cs = CriteriaSet.objects.create(
        code="TEST",
        system="148",
        title="Bộ thử",
        decision="thử",
        valid_from=datetime.date(2023, 2, 24),
        status="published",
    )
    part = Part.objects.create(criteria_set=cs, code="A", name="Phần A", points=100)
    section = Section.objects.create(criteria_set=cs, part=part, code="A1", name="Mục A1")
    scope = SheetScope.objects.create(
        criteria_set=cs, category=ProductCategory.objects.get(system="148", code="thuc-pham")
    )
    for n, top in enumerate([40, 40, 20], start=1):
        criterion = Criterion.objects.create(
            scope=scope, section=section, code=f"C{n}", text=f"Tiêu chí {n}", position=n, max_points=top
        )
        for points in (0, top // 2, top):
            Option.objects.create(criterion=criterion, text=f"Mức {points}", points=points)
    return cs


@pytest.fixture
def setting(criteria_set, province_officer, unit):
    producer = create_producer(actor=None, name="HTX Thử", producer_type="htx", location=unit("2025:03328"))
    product = create_product(
        actor=None,
        name="Gạo thử",
        producer=producer,
        location=unit("2025:03328"),
        group=ProductCategory.objects.get(system="148", code="thuc-pham"),
    )
    rnd = council.create_round(
        actor=province_officer,
        province=unit("2025:11"),
        title="Đợt 1/2026",
        starts_on=datetime.date(2026, 10, 1),
        ends_on=datetime.date(2026, 10, 30),
        criteria_set=criteria_set,
    )
    people = {}
    for name, role in [
        ("chu.tich", MemberRole.CHAIR),
        ("tv1", MemberRole.MEMBER),
        ("tv2", MemberRole.MEMBER),
        ("tv3", MemberRole.MEMBER),
        ("tu.van", MemberRole.ADVISORY),
        ("thu.ky", MemberRole.SECRETARY),
    ]:
        people[name] = make_user(name, "council_member", "2025:11")
        council.add_member(actor=province_officer, evaluation_round=rnd, user=people[name], role=role)
    item = council.add_product(actor=province_officer, evaluation_round=rnd, product=product)
    report_all([item], people["tu.van"])  # 26/2026 (the round starts after 22/05/2026): reported before scoring
    return rnd, item, people


def score(item, user, levels, submit=True):
    """levels: the option index (0, 1, 2) chosen for C1, C2, C3."""
    for criterion, level in zip(Criterion.objects.filter(scope=item.sheet).order_by("position"), levels, strict=True):
        council.choose_option(
            actor=user, item=item, criterion=criterion, option=criterion.options.order_by("points")[level]
        )
    if submit:
        council.submit_sheet(actor=user, item=item)


def test_the_mean_counts_council_members_only_and_approval_records_the_stars(setting):
    rnd, item, p = setting
    score(item, p["chu.tich"], (2, 2, 1))  # 90
    score(item, p["tv1"], (2, 1, 2))  # 80
    score(item, p["tv2"], (2, 2, 0))  # 80
    score(item, p["tv3"], (1, 2, 2))  # 80
    score(item, p["tu.van"], (0, 0, 0))  # advisory: 0, never counts
    result = council.lock_item(actor=p["chu.tich"], item=item)
    assert result.mean == Decimal("82.50") and result.final_stars == 4 and result.quorum_met
    assert result.advisory_mean == Decimal("0")
    council.approve_item(actor=p["chu.tich"], item=item)
    item.refresh_from_db()
    assert (item.status, item.mean, item.final_stars) == (ItemStatus.APPROVED, Decimal("82.50"), 4)


def test_quorum_needs_three_quarters_and_the_chair(setting):
    rnd, item, p = setting
    score(item, p["tv1"], (2, 2, 2))
    score(item, p["tv2"], (2, 2, 2))
    score(item, p["tv3"], (2, 2, 2))
    council.lock_item(actor=p["chu.tich"], item=item)
    with pytest.raises(DomainError, match="Chưa đủ điều kiện"):
        council.approve_item(actor=p["chu.tich"], item=item)


def test_a_gap_over_ten_points_blocks_approval_until_rescored(setting):
    rnd, item, p = setting
    score(item, p["chu.tich"], (2, 2, 2))  # 100
    score(item, p["tv1"], (2, 2, 2))
    score(item, p["tv2"], (2, 2, 2))
    score(item, p["tv3"], (1, 2, 2))  # 80: 20 points below
    result = council.lock_item(actor=p["chu.tich"], item=item)
    assert result.flagged_pairs and result.diverging[0][0] == "C1"
    with pytest.raises(DomainError, match="lệch nhau quá 10 điểm"):
        council.approve_item(actor=p["chu.tich"], item=item)
    council.reopen_item(actor=p["chu.tich"], item=item, reason="Chấm lại tiêu chí C1 sau thảo luận")
    score(item, p["tv3"], (2, 2, 2))
    for user in ("chu.tich", "tv1", "tv2"):  # a re-score: every sheet is reviewed and submitted again
        council.submit_sheet(actor=p[user], item=item)
    council.lock_item(actor=p["chu.tich"], item=item)
    assert council.approve_item(actor=p["chu.tich"], item=item).final_stars == 5


def test_a_conflicted_member_does_not_score_is_left_out_and_sees_no_aggregate(setting):
    rnd, item, p = setting
    council.declare_conflict(actor=p["tv3"], item=item, reason="Người thân của chủ thể")
    with pytest.raises(PermissionRefused):
        score(item, p["tv3"], (2, 2, 2))
    score(item, p["chu.tich"], (2, 2, 2))
    score(item, p["tv1"], (2, 2, 2))
    score(item, p["tv2"], (2, 2, 1))
    result = council.lock_item(actor=p["chu.tich"], item=item)
    assert result.quorum_met and len(result.counted) == 3 and result.mean == Decimal("96.67")
    assert not council.may_see_aggregate(p["tv3"], item)
    assert not council.readable_sheets(p["tv3"], item).exists()
    assert council.readable_sheets(p["tv1"], item).count() == 3


def test_before_the_lock_a_member_reads_only_their_own_sheet(setting):
    rnd, item, p = setting
    score(item, p["tv1"], (2, 2, 2))
    score(item, p["tv2"], (1, 1, 1))
    assert [s.member.user.username for s in council.readable_sheets(p["tv2"], item)] == ["tv2"]
    assert not council.may_see_aggregate(p["tv2"], item)


def test_nobody_edits_a_submitted_or_locked_sheet(setting):
    rnd, item, p = setting
    score(item, p["tv1"], (2, 2, 2))
    criterion = Criterion.objects.filter(scope=item.sheet).first()
    with pytest.raises(DomainError, match="đã nộp"):
        council.choose_option(actor=p["tv1"], item=item, criterion=criterion, option=criterion.options.first())
    score(item, p["tv2"], (2, 2, 2), submit=False)
    council.lock_item(actor=p["chu.tich"], item=item)
    with pytest.raises(DomainError, match="khoá phiếu"):
        council.choose_option(actor=p["tv2"], item=item, criterion=criterion, option=criterion.options.first())


def test_only_the_chair_locks_and_outsiders_are_not_found(setting, other_province_officer):
    rnd, item, p = setting
    with pytest.raises(PermissionRefused):
        council.lock_item(actor=p["tv1"], item=item)
    with pytest.raises(NotFound):
        council.choose_option(
            actor=other_province_officer,
            item=item,
            criterion=Criterion.objects.filter(scope=item.sheet).first(),
            option=Option.objects.filter(criterion__scope=item.sheet).first(),
        )
    with pytest.raises(PermissionRefused):
        score(item, p["thu.ky"], (0, 0, 0))


def test_a_sheet_cannot_be_submitted_incomplete(setting):
    rnd, item, p = setting
    criterion = Criterion.objects.filter(scope=item.sheet, code="C1").get()
    council.choose_option(actor=p["tv1"], item=item, criterion=criterion, option=criterion.options.last())
    with pytest.raises(DomainError, match="C2, C3"):
        council.submit_sheet(actor=p["tv1"], item=item)


def test_mandatory_criteria_cap_the_stars_with_the_reason(setting):
    rnd, item, p = setting
    c3 = Criterion.objects.get(scope=item.sheet, code="C3")
    rule = MandatoryRule.objects.create(criterion=c3, stars=5, min_points=20)
    for user in ("chu.tich", "tv1", "tv2", "tv3"):
        score(item, p[user], (2, 2, 1))  # 90 each, C3 only 10
    result = council.lock_item(actor=p["chu.tich"], item=item)
    assert result.band_stars == 5 and result.final_stars == 4  # not yet judged: held back
    assert [r.criterion_code for r in result.pending_minimums] == ["C3"]
    assert "Tiêu chí 3" in result.cap_reasons[0] and "chưa ghi nhận" in result.cap_reasons[0]
    item.refresh_from_db()
    assert (item.final_stars, len(item.cap_reasons)) == (4, 1)
    with pytest.raises(DomainError, match=r"C3 \(5★\)"):
        council.approve_item(actor=p["chu.tich"], item=item)
    council.record_minimum(actor=p["thu.ky"], item=item, rule=rule, met=False, note="Chưa xuất khẩu")
    result = council.result_of(item)
    assert result.final_stars == 4 and result.pending_minimums == []
    assert "Tiêu chí 3" in result.cap_reasons[0] and "Chưa xuất khẩu" in result.cap_reasons[0]
    # the dossier, not the members' 10 points on C3, decides
    council.record_minimum(actor=p["thu.ky"], item=item, rule=rule, met=True)
    approved = council.approve_item(actor=p["chu.tich"], item=item)
    assert (approved.final_stars, approved.cap_reasons) == (5, [])
    item.refresh_from_db()
    assert (item.status, item.final_stars) == (ItemStatus.APPROVED, 5)


def test_a_round_needs_a_published_set_and_the_province_office(criteria_set, commune_officer, unit):
    with pytest.raises(PermissionRefused):
        council.create_round(
            actor=commune_officer,
            province=unit("2025:11"),
            title="x",
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 1, 2),
            criteria_set=criteria_set,
        )
    criteria_set.status = "draft"
    criteria_set.save()
    with pytest.raises(DomainError, match="chưa ban hành"):
        council.create_round(
            actor=None,
            province=unit("2025:11"),
            title="x",
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 1, 2),
            criteria_set=criteria_set,
        )
