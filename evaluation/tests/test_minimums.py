"""Star minimums judged once per product by the secretary (or the chair), and knock-out conditions, on the real 26/2026
sheets: sheet 04 (honey: 7 minimums for 3★, 14 for 4★, 6 for 5★) and sheet 26 (community tourism: 1, 2, 0)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.models import Certificate
from core.errors import DomainError, NotFound, PermissionRefused
from core.models import AuditEntry
from evaluation import council
from evaluation.council_models import ItemStatus, MinimumCheck
from evaluation.models import MandatoryRule
from evaluation.tests.scoring_setup import build_round_2026, record_minimums, rules_of, score_to

pytestmark = pytest.mark.django_db

COUNTED = ("chu.tich", "tv1", "tv2", "tv3")


@pytest.fixture
def honey(province_officer, unit):
    rnd, (item,), people = build_round_2026(province_officer, unit)
    return rnd, item, people


def score_council(item, people, totals, fixed=None):
    """The four counted members score `totals` (chair, tv1, tv2, tv3); `fixed`: username → forced choices."""
    for name, total in zip(COUNTED, totals, strict=True):
        score_to(item, people[name], total, fixed=(fixed or {}).get(name))


def rule(item, code, stars):
    return MandatoryRule.objects.select_related("criterion").get(
        criterion__scope=item.sheet_id, criterion__code=code, stars=stars
    )


def test_the_honey_sheet_and_its_minimums(honey):
    rnd, item, p = honey
    assert (item.sheet.number, item.sheet.category.code, rnd.criteria_set.code) == (4, "04", "26-2026")
    assert [len(rules_of(item, s)) for s in (3, 4, 5)] == [7, 7 + 14, 7 + 14 + 6]
    assert item.sheet.eliminated_when and "Giả mạo hồ sơ" in item.sheet.eliminated_when[0]


def test_a_four_star_minimum_not_met_gives_three_stars_for_a_mean_of_95(honey):
    rnd, item, p = honey
    score_council(item, p, (100, 95, 90, 95))
    locked = council.lock_item(actor=p["chu.tich"], item=item)
    assert (locked.mean, locked.band_stars) == (Decimal("95.00"), 5)
    assert locked.final_stars < 5 and len(locked.pending_minimums) == 27  # nothing judged yet
    record_minimums(item, p["thu.ky"], not_met={("2.1", 4): "Chỉ sản xuất tại một cơ sở"})
    council.approve_item(actor=p["chu.tich"], item=item)
    item.refresh_from_db()
    # every 5★ minimum is met, but a 5★ product must meet the 4★ (and 3★) minimums too
    assert (item.status, item.mean, item.band_stars, item.final_stars) == (ItemStatus.APPROVED, Decimal("95.00"), 5, 3)
    assert len(item.cap_reasons) == 1
    assert "4 sao, tiêu chí 2.1" in item.cap_reasons[0] and "Chỉ sản xuất tại một cơ sở" in item.cap_reasons[0]
    entries = AuditEntry.objects.filter(action="evaluation.minimum.recorded", object_id=str(item.pk))
    assert entries.count() == 27
    unmet = [e for e in entries if e.after["met"] is False]
    assert len(unmet) == 1 and unmet[0].after == {
        "criterion": "2.1",
        "stars": 4,
        "met": False,
        "note": "Chỉ sản xuất tại một cơ sở",
    }
    assert AuditEntry.objects.get(action="evaluation.item.approved", object_id=str(item.pk)).after["stars"] == 3


def test_all_minimums_met_gives_five_stars_whatever_one_member_chose_on_a_marked_criterion(honey):
    rnd, item, p = honey
    # tv3 takes the lowest option of 4.1 (its 3★, 4★ and 5★ markers are on higher options): that no longer caps
    score_council(item, p, (100, 95, 90, 90), fixed={"tv3": {"4.1": 1}})
    record_minimums(item, p["thu.ky"])
    council.lock_item(actor=p["chu.tich"], item=item)
    council.approve_item(actor=p["chu.tich"], item=item)
    item.refresh_from_db()
    assert (item.mean, item.band_stars, item.final_stars, item.cap_reasons) == (Decimal("93.75"), 5, 5, [])


def test_approval_waits_until_every_minimum_at_or_below_the_band_is_judged(honey):
    rnd, item, p = honey
    score_council(item, p, (95, 95, 95, 95))
    council.lock_item(actor=p["chu.tich"], item=item)
    with pytest.raises(DomainError, match="yêu cầu tối thiểu") as refused:
        council.approve_item(actor=p["chu.tich"], item=item)
    assert "1.3 (5★)" in refused.value.message and "2.2 (3★)" in refused.value.message
    record_minimums(item, p["thu.ky"], max_stars=4)
    with pytest.raises(DomainError) as refused:
        council.approve_item(actor=p["chu.tich"], item=item)
    assert "1.3 (5★)" in refused.value.message and "(4★)" not in refused.value.message
    assert "(3★)" not in refused.value.message
    council.record_minimum(actor=p["chu.tich"], item=item, rule=rule(item, "1.3", 5), met=True)  # the chair may
    for r in rules_of(item, 5):
        if r.stars == 5 and r.criterion.code != "1.3":
            council.record_minimum(actor=p["thu.ky"], item=item, rule=r, met=True)
    council.approve_item(actor=p["chu.tich"], item=item)
    item.refresh_from_db()
    assert (item.status, item.final_stars) == (ItemStatus.APPROVED, 5)


def test_a_product_in_the_three_star_band_needs_only_the_three_star_minimums(honey):
    rnd, item, p = honey
    score_council(item, p, (60, 60, 60, 60))
    council.lock_item(actor=p["chu.tich"], item=item)
    with pytest.raises(DomainError) as refused:
        council.approve_item(actor=p["chu.tich"], item=item)
    assert "(3★)" in refused.value.message and "(4★)" not in refused.value.message
    record_minimums(item, p["thu.ky"], max_stars=3)
    council.approve_item(actor=p["chu.tich"], item=item)
    item.refresh_from_db()
    assert (item.mean, item.band_stars, item.final_stars, item.cap_reasons) == (Decimal("60.00"), 3, 3, [])
    assert MinimumCheck.objects.filter(item=item).count() == 7


def test_a_three_star_minimum_not_met_leaves_the_product_uncertified(honey):
    rnd, item, p = honey
    score_council(item, p, (60, 60, 60, 60))
    record_minimums(item, p["thu.ky"], max_stars=3, not_met={("9", 3): "Chưa công bố chất lượng"})
    council.lock_item(actor=p["chu.tich"], item=item)
    council.approve_item(actor=p["chu.tich"], item=item)
    item.refresh_from_db()
    assert (item.band_stars, item.final_stars) == (3, 2)


def test_a_judgement_changes_until_approval_each_change_audited(honey):
    rnd, item, p = honey
    r = rule(item, "2.1", 4)
    council.record_minimum(actor=p["thu.ky"], item=item, rule=r, met=False, note="  Thiếu hồ sơ  ")
    council.record_minimum(actor=p["thu.ky"], item=item, rule=r, met=True)
    check = MinimumCheck.objects.get(item=item, rule=r)
    assert (check.met, check.note, check.recorded_by) == (True, "", p["thu.ky"])
    changed = AuditEntry.objects.filter(action="evaluation.minimum.recorded", object_id=str(item.pk)).order_by("id")
    assert [e.before for e in changed] == [None, {"met": False, "note": "Thiếu hồ sơ"}]
    with pytest.raises(DomainError, match="Ghi rõ vì sao") as refused:
        council.record_minimum(actor=p["thu.ky"], item=item, rule=r, met=False, note="   ")
    assert refused.value.field == "note"
    assert MinimumCheck.objects.get(item=item, rule=r).met is True
    score_council(item, p, (60, 60, 60, 60))
    record_minimums(item, p["thu.ky"], max_stars=3)
    council.lock_item(actor=p["chu.tich"], item=item)
    council.approve_item(actor=p["chu.tich"], item=item)
    with pytest.raises(DomainError, match="đã phê duyệt"):
        council.record_minimum(actor=p["thu.ky"], item=item, rule=r, met=False, note="x")
    with pytest.raises(DomainError, match="đã phê duyệt"):
        council.record_elimination(actor=p["thu.ky"], item=item, reason="x")


def test_only_the_secretary_or_the_chair_records(honey, other_province_officer, province_officer):
    rnd, item, p = honey
    r = rule(item, "2.2", 3)
    for name in ("tv1", "tu.van"):
        with pytest.raises(PermissionRefused, match="thư ký hoặc chủ tịch") as refused:
            council.record_minimum(actor=p[name], item=item, rule=r, met=True)
        assert refused.value.status == 403
        with pytest.raises(PermissionRefused):
            council.record_elimination(actor=p[name], item=item, reason="Giả mạo hồ sơ")
    for outsider in (other_province_officer, province_officer):  # the province office is not on the council
        with pytest.raises(NotFound):
            council.record_minimum(actor=outsider, item=item, rule=r, met=True)
    assert not MinimumCheck.objects.filter(item=item).exists()


def test_a_rule_of_another_sheet_is_refused(province_officer, unit):
    rnd, (honey, tour), p = build_round_2026(
        province_officer, unit, products=(("Mật ong", "04"), ("Du lịch bản Mển", "26"))
    )
    with pytest.raises(DomainError, match="không thuộc phiếu chấm") as refused:
        council.record_minimum(actor=p["thu.ky"], item=tour, rule=rule(honey, "2.2", 3), met=True)
    assert refused.value.field == "rule"


def test_the_minimums_page_records_for_the_secretary_only_and_is_not_found_outside(
    client, honey, other_province_officer, province_officer, commune_officer
):
    rnd, item, p = honey
    url = reverse("evaluation:minimums", args=[item.pk])
    r = rule(item, "2.1", 4)
    post_url = reverse("evaluation:minimum_record", args=[item.pk, r.pk])
    for outsider in (other_province_officer, commune_officer):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(post_url, {"met": "1"}).status_code == 404
        assert client.post(reverse("evaluation:eliminate", args=[item.pk]), {"reason": "x"}).status_code == 404
    client.force_login(p["tv1"])  # a plain member reads the page but records nothing
    page = client.get(url).content.decode()
    assert "Sản phẩm bị loại khi" in page and "Giả mạo hồ sơ" in page
    assert 'data-testid="minimum-2.1-4"' in page and r.option.text[:60] in page
    assert post_url not in page and 'data-testid="eliminate"' not in page
    page = client.post(post_url, {"met": "1"}, follow=True).content.decode()
    assert "Chỉ thư ký hoặc chủ tịch hội đồng (phó chủ tịch chủ trì thay" in page
    client.force_login(province_officer)  # the province office reads it too
    page = client.get(url).content.decode()
    assert "Chưa ghi nhận" in page and post_url not in page
    assert not MinimumCheck.objects.exists()

    client.force_login(p["thu.ky"])
    page = client.get(url).content.decode()
    assert post_url in page and 'data-testid="eliminate"' in page
    assert "Ghi rõ vì sao" in client.post(post_url, {"met": "0", "note": ""}, follow=True).content.decode()
    assert "Chọn đạt hoặc không đạt" in client.post(post_url, {"met": "x"}, follow=True).content.decode()
    response = client.post(post_url, {"met": "0", "note": "Chỉ một cơ sở sản xuất"})
    assert response.status_code == 302 and response.url == url
    check = MinimumCheck.objects.get(item=item, rule=r)
    assert (check.met, check.note, check.recorded_by) == (False, "Chỉ một cơ sở sản xuất", p["thu.ky"])
    page = client.get(url).content.decode()
    assert "Không đạt" in page and "Chỉ một cơ sở sản xuất" in page
    foreign = MandatoryRule.objects.exclude(criterion__scope=item.sheet_id).first()
    page = client.post(
        reverse("evaluation:minimum_record", args=[item.pk, foreign.pk]), {"met": "1"}, follow=True
    ).content.decode()
    assert "không thuộc phiếu chấm" in page


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_minimums_page_runs_the_same_queries_for_3_or_27_rules(
    client, province_officer, unit, django_assert_num_queries
):
    rnd, (honey, tour), p = build_round_2026(
        province_officer, unit, products=(("Mật ong", "04"), ("Du lịch bản Mển", "26"))
    )
    assert (len(rules_of(tour)), len(rules_of(honey))) == (3, 27)
    for item in (honey, tour):
        score_council(item, p, (80, 80, 80, 80))
        record_minimums(item, p["thu.ky"], max_stars=4, not_met={("2.1", 4): "Một cơ sở"})
        council.record_minimum(actor=p["chu.tich"], item=item, rule=rules_of(item)[0], met=True)
        council.lock_item(actor=p["chu.tich"], item=item)
    client.force_login(p["thu.ky"])
    expected = _count(client, reverse("evaluation:minimums", args=[tour.pk]))
    with django_assert_num_queries(expected):
        page = client.get(reverse("evaluation:minimums", args=[honey.pk])).content.decode()
    assert page.count('data-testid="state"') == 27 and 'data-testid="result"' in page


def test_an_eliminated_product_is_ranked_nowhere_and_gets_no_decision(client, province_officer, unit):
    rnd, (honey, tour), p = build_round_2026(
        province_officer, unit, products=(("Mật ong", "04"), ("Du lịch bản Mển", "26"))
    )
    for item in (honey, tour):
        score_council(item, p, (80, 80, 80, 80))
    record_minimums(tour, p["thu.ky"], max_stars=4)
    client.force_login(p["thu.ky"])
    url = reverse("evaluation:eliminate", args=[honey.pk])
    page = client.post(url, {"reason": "Giả mạo hồ sơ công bố chất lượng"}, follow=True).content.decode()
    assert "Đã ghi nhận điều kiện loại" in page and 'data-testid="eliminated"' in page
    honey.refresh_from_db()
    assert honey.eliminated_reason == "Giả mạo hồ sơ công bố chất lượng"
    for item in (honey, tour):
        council.lock_item(actor=p["chu.tich"], item=item)
        council.approve_item(actor=p["chu.tich"], item=item)  # no minimum judged for the eliminated product
        item.refresh_from_db()
    assert (honey.status, honey.mean, honey.band_stars, honey.final_stars) == (
        ItemStatus.APPROVED,
        Decimal("80.00"),
        4,
        None,
    )
    assert honey.cap_reasons == ["Bị loại theo điều kiện loại của phiếu: Giả mạo hồ sơ công bố chất lượng"]
    assert tour.final_stars == 4
    assert AuditEntry.objects.filter(action="evaluation.item.eliminated", object_id=str(honey.pk)).count() == 1
    client.force_login(province_officer)
    response = client.post(f"/evaluation/{rnd.pk}/decision/", {"number": "12/QĐ-UBND", "date": "2026-12-20"})
    assert response.status_code == 302
    assert Certificate.objects.filter(product=tour.product, stars=4).exists()
    assert not Certificate.objects.filter(product=honey.product).exists()


def test_an_elimination_is_lifted_with_an_empty_reason(honey):
    rnd, item, p = honey
    council.record_elimination(actor=p["chu.tich"], item=item, reason="Giả mạo hồ sơ")
    council.record_elimination(actor=p["thu.ky"], item=item, reason="  ")
    item.refresh_from_db()
    assert item.eliminated_reason == ""
    lifted = AuditEntry.objects.get(action="evaluation.item.elimination_lifted", object_id=str(item.pk))
    assert (lifted.before, lifted.after) == ({"reason": "Giả mạo hồ sơ"}, {"reason": ""})
    score_council(item, p, (80, 80, 80, 80))
    council.lock_item(actor=p["chu.tich"], item=item)
    with pytest.raises(DomainError, match="yêu cầu tối thiểu"):  # no longer eliminated: the minimums are needed
        council.approve_item(actor=p["chu.tich"], item=item)


def test_the_scoring_screen_shows_markers_notes_knockouts_and_the_link(client, honey):
    rnd, item, p = honey
    council.record_elimination(actor=p["thu.ky"], item=item, reason="Giả mạo hồ sơ")
    client.force_login(p["tv1"])
    page = client.get(reverse("evaluation:score", args=[item.pk])).content.decode()
    assert 'data-testid="sheet-info"' in page and "26-2026" in page
    assert 'data-testid="eliminated-when"' in page and 'data-testid="eliminated"' in page
    assert page.count('data-testid="star-marker"') == 27  # one per marked option
    assert ">★★★★★<" in page and ">★★★<" in page
    assert reverse("evaluation:minimums", args=[item.pk]) in page
    assert "văn bản in 13" in page  # criterion 7's misprinted option, scored 3
    assert "Yêu cầu: 100% sản phẩm được nuôi/trồng trên địa bàn cấp tỉnh" in page  # a criterion's note


def test_a_chair_with_a_conflict_cannot_record_minimums_or_knock_outs(honey):
    """A judgement that decides the stars is never made by a member who declared a conflict on the product."""
    rnd, item, people = honey
    council.declare_conflict(actor=people["chu.tich"], item=item, reason="Người nhà của chủ thể")
    first = MandatoryRule.objects.filter(criterion__scope=item.sheet_id).first()
    with pytest.raises(PermissionRefused):
        council.record_minimum(actor=people["chu.tich"], item=item, rule=first, met=True)
    with pytest.raises(PermissionRefused):
        council.record_elimination(actor=people["chu.tich"], item=item, reason="Giả mạo hồ sơ")
    assert not MinimumCheck.objects.filter(item=item).exists()
    council.record_minimum(actor=people["thu.ky"], item=item, rule=first, met=True)  # the secretary still can
    assert MinimumCheck.objects.filter(item=item, met=True).count() == 1


def test_a_product_already_in_the_round_keeps_its_sheet(honey, province_officer):
    from evaluation.models import SheetScope

    rnd, item, people = honey
    other = SheetScope.objects.get(criteria_set__code="26-2026", category__code="26")
    with pytest.raises(DomainError, match="không đổi phiếu được"):
        council.add_product(actor=province_officer, evaluation_round=rnd, product=item.product, sheet=other)
    assert council.add_product(actor=province_officer, evaluation_round=rnd, product=item.product) == item
