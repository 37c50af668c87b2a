"""The scoring pages over evaluation.council: who reaches what (404 outside), saving answers as they are chosen, the
chair's board and its buttons, and constant query counts whatever the number of criteria or members."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from evaluation import council
from evaluation.council_models import ItemStatus, MemberRole, Scoresheet, SheetStatus
from evaluation.models import CriteriaSet, Criterion, Option, Part, Section, SheetScope
from evaluation.tests.scoring_setup import report_all
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def build(province_officer, unit, *, criteria=3, members=3, code="T"):
    """A published set (two parts) with `criteria` criteria of options 0/5/10, a round with a chair and
    `members - 1` members (plus a secretary), and two products."""
    cs = CriteriaSet.objects.create(
        code=f"V{code}{criteria}{members}",
        system="148",
        title="Bộ thử",
        decision="thử",
        valid_from=datetime.date(2023, 2, 24),
        status="published",
    )
    part_a = Part.objects.create(criteria_set=cs, code="A", name="Phần A", points=50, position=1)
    part_b = Part.objects.create(criteria_set=cs, code="B", name="Phần B", points=50, position=2)
    sections = [
        Section.objects.create(criteria_set=cs, part=part_a, code="A1", name="Mục A1", position=1),
        Section.objects.create(criteria_set=cs, part=part_b, code="B1", name="Mục B1", position=2),
    ]
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    scope = SheetScope.objects.create(criteria_set=cs, category=group)
    for n in range(1, criteria + 1):
        criterion = Criterion.objects.create(
            scope=scope, section=sections[n % 2], code=f"C{n}", text=f"Tiêu chí {n}", position=n, max_points=10
        )
        for position, points in enumerate((0, 5, 10)):
            Option.objects.create(criterion=criterion, text=f"Mức {points}", points=points, position=position)
    producer = create_producer(actor=None, name=f"HTX {code}", producer_type="htx", location=unit("2025:03328"))
    products = [
        create_product(actor=None, name=f"{name} {code}", producer=producer, location=unit("2025:03328"), group=group)
        for name in ("Gạo", "Mật ong")
    ]
    rnd = council.create_round(
        actor=province_officer,
        province=unit("2025:11"),
        title=f"Đợt {code}",
        starts_on=datetime.date(2026, 10, 1),
        ends_on=datetime.date(2026, 10, 30),
        criteria_set=cs,
    )
    people = {}
    seats = [("chair", MemberRole.CHAIR)] + [(f"m{i}", MemberRole.MEMBER) for i in range(1, members)]
    for name, role in [*seats, ("sec", MemberRole.SECRETARY)]:
        people[name] = make_user(f"{code}.{name}", "council_member", "2025:11")
        council.add_member(actor=province_officer, evaluation_round=rnd, user=people[name], role=role)
    items = [council.add_product(actor=province_officer, evaluation_round=rnd, product=p) for p in products]
    report_all(items, province_officer)  # 26/2026: the council scores after the advisory report (here the office's)
    return rnd, items, people


def fill(item, user, level, submit=True):
    for criterion in Criterion.objects.filter(scope=item.sheet).order_by("position"):
        council.choose_option(
            actor=user, item=item, criterion=criterion, option=criterion.options.order_by("position")[level]
        )
    if submit:
        council.submit_sheet(actor=user, item=item)


@pytest.fixture
def setting(province_officer, unit):
    return build(province_officer, unit)


def test_outsiders_get_404_for_rounds_items_and_boards(client, setting, other_province_officer, commune_officer):
    rnd, (item, _other), p = setting
    for user in (other_province_officer, commune_officer):
        client.force_login(user)
        for url in (
            reverse("evaluation:round", args=[rnd.pk]),
            reverse("evaluation:board", args=[rnd.pk]),
            reverse("evaluation:score", args=[item.pk]),
        ):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("evaluation:lock", args=[item.pk])).status_code == 404
        assert rnd.title not in client.get(reverse("evaluation:rounds")).content.decode()


def test_the_round_list_shows_rounds_sat_on_or_managed_and_the_nav_link(client, setting, province_officer):
    rnd, items, p = setting
    for user in (p["m1"], province_officer):
        client.force_login(user)
        page = client.get(reverse("evaluation:rounds")).content.decode()
        assert rnd.title in page and reverse("evaluation:rounds") in page
        assert f'data-testid="n-items-{rnd.pk}">2<' in page  # not multiplied by the council's seats
    page = client.get(reverse("evaluation:round", args=[rnd.pk])).content.decode()
    assert items[0].product.name in page and 'data-testid="board-link"' in page


def test_a_choice_is_saved_at_once_and_answers_the_running_totals(client, setting):
    rnd, (item, _other), p = setting
    client.force_login(p["m1"])
    page = client.get(reverse("evaluation:score", args=[item.pk])).content.decode()
    assert "Phần A" in page and "Mục B1" in page and 'hx-post="' in page and "js/scoring.js" in page
    c1 = Criterion.objects.get(scope=item.sheet, code="C1")  # in part B (section B1)
    top = c1.options.get(points=10)
    response = client.post(reverse("evaluation:choose", args=[item.pk]), {"criterion": c1.pk, "option": top.pk}, **HX)
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="totals"')
    assert "10 / 20" in body  # part B: C1 and C3
    assert Scoresheet.objects.get(item=item, member__user=p["m1"]).total == Decimal("10")


def test_a_choice_outside_the_sheet_is_not_found_and_a_refusal_is_shown(client, setting):
    rnd, (item, _other), p = setting
    client.force_login(p["m1"])
    url = reverse("evaluation:choose", args=[item.pk])
    foreign = Option.objects.exclude(criterion__scope=item.sheet).first()
    c1 = Criterion.objects.get(scope=item.sheet, code="C1")
    if foreign is not None:
        assert client.post(url, {"criterion": c1.pk, "option": foreign.pk}, **HX).status_code == 404
    fill(item, p["m1"], 2)
    body = client.post(url, {"criterion": c1.pk, "option": c1.options.first().pk}, **HX).content.decode()
    assert 'data-testid="save-error"' in body and "đã nộp" in body


def test_before_the_lock_a_member_sees_only_their_own_sheet(client, setting):
    rnd, (item, _other), p = setting
    fill(item, p["chair"], 2)
    fill(item, p["m1"], 1, submit=False)
    client.force_login(p["m1"])
    page = client.get(reverse("evaluation:score", args=[item.pk])).content.decode()
    assert 'data-testid="council-sheets"' not in page and p["chair"].username not in page
    assert "15 / 30" in page  # own draft: 3 × 5 of 30
    page = client.get(reverse("evaluation:round", args=[rnd.pk])).content.decode()
    assert "★" not in page


def test_a_conflicted_member_sees_a_notice_and_no_scores(client, setting):
    rnd, (item, _other), p = setting
    for user in ("chair", "m1"):
        fill(item, p[user], 2)
    client.force_login(p["m2"])
    response = client.post(reverse("evaluation:conflict", args=[item.pk]), {"reason": "Người nhà"}, follow=True)
    assert "Đã ghi nhận" in response.content.decode()
    council.lock_item(actor=p["chair"], item=item)
    page = client.get(reverse("evaluation:score", args=[item.pk])).content.decode()
    assert 'data-testid="conflict-notice"' in page
    assert 'data-testid="totals"' not in page and 'data-testid="council-sheets"' not in page
    assert "100,00" not in page


def test_submitting_goes_through_the_service_and_shows_its_refusal(client, setting):
    rnd, (item, _other), p = setting
    client.force_login(p["m1"])
    url = reverse("evaluation:submit", args=[item.pk])
    assert "Còn tiêu chí chưa chấm" in client.post(url, follow=True).content.decode()
    fill(item, p["m1"], 2, submit=False)
    page = client.post(url, follow=True).content.decode()
    assert "Đã nộp phiếu chấm" in page and 'data-testid="submit-sheet"' not in page
    assert Scoresheet.objects.get(item=item, member__user=p["m1"]).status == SheetStatus.SUBMITTED


def test_the_board_shows_progress_quorum_and_flags_to_the_chair_only(client, setting, province_officer):
    rnd, (item, other), p = setting
    fill(item, p["chair"], 2)  # 30
    fill(item, p["m1"], 0, submit=False)
    c1 = Criterion.objects.get(scope=item.sheet, code="C1")
    Scoresheet.objects.filter(item=item, member__user=p["m1"]).delete()
    council.choose_option(actor=p["m1"], item=item, criterion=c1, option=c1.options.first())
    council.declare_conflict(actor=p["m2"], item=other, reason="Người nhà")
    url = reverse("evaluation:board", args=[rnd.pk])
    client.force_login(p["m1"])
    assert client.get(url).status_code == 404
    client.force_login(p["chair"])
    page = client.get(url).content.decode()
    assert f'data-testid="cell-{item.pk}-{p["chair"].username}" data-state="submitted"' in page
    assert f'data-testid="cell-{item.pk}-{p["m1"].username}" data-state="draft"' in page and "(1/3)" in page
    assert f'data-testid="cell-{item.pk}-{p["m2"].username}" data-state="none"' in page
    assert f'data-testid="cell-{other.pk}-{p["m2"].username}" data-state="conflicted"' in page
    assert p["sec"].username not in page  # the secretary does not score
    assert "Chưa đủ túc số" in page and 'data-testid="lock"' in page
    assert reverse("evaluation:minimums", args=[item.pk]) in page  # the star minimums and knock-outs of each item
    assert f'href="{reverse("products:detail", args=[item.product_id])}"' in page  # its certificates, once decided
    client.force_login(province_officer)  # the province office reads the board, acts through the chair only
    page = client.get(url).content.decode()
    assert 'data-testid="progress"' in page and 'data-testid="lock"' not in page and 'data-testid="result"' not in page


def test_lock_approve_and_reopen_call_the_services_and_show_refusals(client, setting):
    rnd, (item, _other), p = setting
    client.force_login(p["chair"])
    approve = reverse("evaluation:approve", args=[item.pk])
    assert "Chỉ phê duyệt được kết quả sau khi đã khoá phiếu" in client.post(approve, follow=True).content.decode()
    fill(item, p["chair"], 2)  # 30
    fill(item, p["m1"], 2)
    fill(item, p["m2"], 0)  # 0: 30 points below
    page = client.post(reverse("evaluation:lock", args=[item.pk]), follow=True).content.decode()
    assert "Đã khoá phiếu sản phẩm" in page and 'data-testid="flags"' in page and "20,00" in page
    assert "lệch nhau quá 10 điểm" in client.post(approve, follow=True).content.decode()
    reopen = reverse("evaluation:reopen", args=[item.pk])
    assert "Hãy ghi lý do mở lại" in client.post(reopen, {"reason": ""}, follow=True).content.decode()
    client.post(reopen, {"reason": "Chấm lại sau thảo luận"})
    item.refresh_from_db()
    assert item.status == ItemStatus.SCORING and item.rescore_round == 2
    Scoresheet.objects.filter(item=item, member__user=p["m2"]).delete()
    fill(item, p["m2"], 2)
    for user in ("chair", "m1"):
        council.submit_sheet(actor=p[user], item=item)
    client.post(reverse("evaluation:lock", args=[item.pk]))
    page = client.post(approve, follow=True).content.decode()
    assert "Đã phê duyệt kết quả" in page
    item.refresh_from_db()
    assert item.status == ItemStatus.APPROVED
    client.force_login(p["m1"])  # after the lock the council reads every sheet and the result
    page = client.get(reverse("evaluation:score", args=[item.pk])).content.decode()
    assert 'data-testid="council-sheets"' in page and 'data-testid="aggregate"' in page


def test_the_scoring_screen_sends_the_office_to_the_board_and_tells_the_secretary(client, setting, province_officer):
    rnd, (item, _other), p = setting
    client.force_login(province_officer)
    response = client.get(reverse("evaluation:score", args=[item.pk]))
    assert response.status_code == 302 and response.url == reverse("evaluation:board", args=[rnd.pk])
    client.force_login(p["sec"])
    page = client.get(reverse("evaluation:score", args=[item.pk])).content.decode()
    assert "Thư ký hội đồng không chấm điểm" in page and 'data-testid="totals"' not in page
    assert reverse("evaluation:minimums", args=[item.pk]) in page  # where the secretary records the star minimums
    c1 = Criterion.objects.get(scope=item.sheet, code="C1")
    body = client.post(
        reverse("evaluation:choose", args=[item.pk]), {"criterion": c1.pk, "option": c1.options.first().pk}, **HX
    ).content.decode()
    assert "Thư ký hội đồng không chấm điểm" in body
    assert not Scoresheet.objects.filter(item=item).exists()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_scoring_screen_runs_the_same_queries_for_3_or_10_criteria(client, province_officer, unit):
    counts = []
    for n, code in ((3, "a"), (10, "b")):
        rnd, (item, _other), p = build(province_officer, unit, criteria=n, code=code)
        fill(item, p["m1"], 1, submit=False)
        client.force_login(p["m1"])
        counts.append(_count(client, reverse("evaluation:score", args=[item.pk])))
    assert counts[0] == counts[1]


def test_the_board_runs_the_same_queries_for_3_or_6_members_and_3_or_10_criteria(client, province_officer, unit):
    counts = []
    for n, members, code in ((3, 3, "c"), (10, 6, "d")):
        rnd, (item, other), p = build(province_officer, unit, criteria=n, members=members, code=code)
        fill(item, p["chair"], 2)
        fill(item, p["m1"], 1, submit=False)
        council.declare_conflict(actor=p["m2"], item=other, reason="x")
        client.force_login(p["chair"])
        counts.append(_count(client, reverse("evaluation:board", args=[rnd.pk])))
    assert counts[0] == counts[1]


def test_minutes_results_and_sheets_download_only_for_those_who_may_read_them(
    client, province_officer, other_province_officer, unit
):
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from evaluation.council_models import Scoresheet
    from evaluation.tests.scoring_setup import build_round, score

    rnd, items, people = build_round(province_officer, unit, prefix="dl", reported=True)
    score(items[0], people["tv1"], (2, 2, 2))
    client.force_login(province_officer)
    minutes = client.get(f"/evaluation/{rnd.pk}/minutes.pdf")
    assert minutes["Content-Type"] == "application/pdf"
    assert rnd.title in "".join(page.extract_text() for page in PdfReader(io.BytesIO(minutes.content)).pages)
    sheet = load_workbook(io.BytesIO(client.get(f"/evaluation/{rnd.pk}/results.xlsx").content)).active
    assert sheet.max_row >= 2
    client.force_login(other_province_officer)
    assert client.get(f"/evaluation/{rnd.pk}/minutes.pdf").status_code == 404
    assert client.get(f"/evaluation/{rnd.pk}/results.xlsx").status_code == 404
    own = Scoresheet.objects.filter(item__evaluation_round=rnd).select_related("member__user", "item").first()
    client.force_login(own.member.user)
    assert client.get(f"/evaluation/items/{own.item_id}/sheets/{own.pk}.pdf").status_code == 200
    client.force_login(other_province_officer)
    assert client.get(f"/evaluation/items/{own.item_id}/sheets/{own.pk}.pdf").status_code == 404


def test_a_new_round_names_the_offices_own_province(client, province_officer, system_admin):
    client.force_login(province_officer)
    assert 'value="Tỉnh Điện Biên [2025:11]"' in client.get("/evaluation/new/").content.decode()
    client.force_login(system_admin)  # the whole country: nothing to assume
    assert "[2025:" not in client.get("/evaluation/new/").content.decode()


def test_the_province_office_organises_a_round_and_records_the_decision(
    client, province_officer, commune_officer, unit
):
    from certification.models import Certificate
    from conftest import make_user
    from evaluation.council_models import EvaluationRound
    from evaluation.tests.scoring_setup import build_round, build_set, score_all

    client.force_login(province_officer)
    cs = build_set(code="UI")
    page = client.post(
        "/evaluation/new/",
        {
            "title": "Đợt 2",
            "province": "2025:11",
            "starts_on": "01/10/2026",
            "ends_on": "30/09/2026",
            "criteria_set": cs.pk,
        },
    ).content.decode()
    assert "Ngày kết thúc" in page and not EvaluationRound.objects.filter(title="Đợt 2").exists()
    response = client.post(
        "/evaluation/new/",
        {
            "title": "Đợt 2",
            "province": "2025:11",
            "starts_on": "01/10/2026",
            "ends_on": "30/10/2026",
            "criteria_set": cs.pk,
        },
    )
    rnd = EvaluationRound.objects.get(title="Đợt 2")
    assert response.status_code == 302
    make_user("tv.moi", "council_member", "2025:11")
    client.post(f"/evaluation/{rnd.pk}/members/", {"username": "tv.moi", "role": "member"})
    assert rnd.members.filter(user__username="tv.moi").exists()
    client.post(f"/evaluation/{rnd.pk}/members/", {"username": "khong.co", "role": "member"})
    assert rnd.members.count() == 1

    scored, items, people = build_round(province_officer, unit, prefix="qd", reported=True)
    score_all(items[0], people, {u: (2, 2, 1) for u in ("chu.tich", "tv1", "tv2", "tv3")})  # 80 → 4★
    response = client.post(f"/evaluation/{scored.pk}/decision/", {"number": "99/QĐ-UBND", "date": "2026-11-01"})
    assert response.status_code == 302
    certificate = Certificate.objects.get(product=items[0].product)
    assert certificate.stars == 4 and certificate.decision.number == "99/QĐ-UBND"
    client.post(f"/evaluation/{rnd.pk}/items/", {"product": items[0].product_id})
    assert rnd.items.filter(product=items[0].product).exists()
    client.post(f"/evaluation/{rnd.pk}/items/", {"product": 999999})
    assert rnd.items.count() == 1
    client.force_login(commune_officer)
    assert client.post(f"/evaluation/{scored.pk}/decision/", {"number": "1", "date": "2026-11-01"}).status_code == 404
