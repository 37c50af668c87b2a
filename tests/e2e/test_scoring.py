"""Council scoring in a browser: a member scores a product with the keyboard only and submits; the chair opens the
board, locks the product and sees the result."""

import pytest
from playwright.sync_api import expect

from areas.models import AdministrativeUnit
from areas.queries import get_unit
from conftest import make_user
from core.reference import load_all_reference_data
from evaluation import advisory
from evaluation.council_models import Scoresheet, SheetStatus
from evaluation.tests.test_views import build, fill

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def council_round():
    # Browser tests run in a transactional database, emptied after each test: load what the flow needs.
    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()
    officer = make_user("tinh.e2e", "province_officer", "2025:11")
    rnd, items, people = build(officer, get_unit, criteria=3, members=2, code="e")
    # The round runs in October 2026, under 26/2026: the council scores only after the advisory team's report
    # (Điều 7.3). `build` may write it already; write it here (as the province office) only where it is missing.
    for item in items:
        if not advisory.has_report(item):
            advisory.write_report(
                actor=officer, item=item, summary="Hồ sơ đầy đủ.", recommendation="Đề nghị hội đồng chấm điểm."
            )
    assert all(advisory.has_report(item) for item in items)
    return rnd, items, people


def log_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill("pw-" + user.username)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_test_id("user-menu").wait_for()


def test_a_member_scores_with_the_keyboard_and_the_chair_locks(browser_page, live_server, council_round):
    page = browser_page
    rnd, (item, other), people = council_round
    fill(item, people["chair"], 2)  # the chair has scored 30 already

    log_in(page, live_server, people["m1"])
    page.get_by_role("link", name="Chấm điểm").click()
    page.get_by_role("link", name=rnd.title).click()
    page.get_by_test_id("round-items").get_by_role("link", name=item.product.name).click()
    totals = page.get_by_test_id("totals")
    expect(totals.get_by_test_id("answered")).to_have_text("0/3")
    page.locator("html[data-scoring-ready]").wait_for(state="attached")

    # Keyboard only: the first criterion has the focus; 3 picks its third option, j / ↓ move on.
    page.keyboard.press("3")
    expect(page.get_by_test_id("answered")).to_have_text("1/3")
    page.keyboard.press("j")
    page.keyboard.press("2")
    expect(page.get_by_test_id("answered")).to_have_text("2/3")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("3")
    expect(page.get_by_test_id("answered")).to_have_text("3/3")
    expect(page.get_by_test_id("total")).to_have_text("25 / 30")
    page.keyboard.press("k")  # back up and change the second answer
    page.keyboard.press("3")
    expect(page.get_by_test_id("total")).to_have_text("30 / 30")

    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("s")
    expect(page.get_by_test_id("sheet-status")).to_have_text("Đã nộp")
    assert Scoresheet.objects.get(item=item, member__user=people["m1"]).status == SheetStatus.SUBMITTED
    page.keyboard.press("n")  # the next product
    expect(page.get_by_test_id("product-name")).to_have_text(other.product.name)

    # The chair opens the board, sees both sheets in, locks and reads the result.
    log_in(page, live_server, people["chair"])
    page.goto(live_server.url + f"/evaluation/{rnd.pk}/")
    page.get_by_test_id("board-link").click()
    card = page.get_by_test_id(f"board-item-{item.pk}")
    expect(card.get_by_test_id("quorum")).to_contain_text("Đủ túc số")
    card.get_by_test_id("lock").click()
    card = page.get_by_test_id(f"board-item-{item.pk}")
    expect(card.get_by_test_id("item-status")).to_have_text("Đã khoá phiếu")
    expect(card.get_by_test_id("result")).to_contain_text("30,00")
    expect(card.get_by_test_id("approve")).to_be_visible()
