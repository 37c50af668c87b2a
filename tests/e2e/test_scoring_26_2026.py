"""Scoring under the law in force, in a browser, on the reference data a fresh `make setup` loads (no command by hand):
the province office creates a round (the 26/2026 set is chosen for its dates), seats the council and adds a honey
product (sheet 4, from its sub-group) and a community-tourism product (sheet 26, chosen on the form); a member scores
both with the keyboard, seeing the star markers and the knock-out conditions; the secretary records star minimums;
the chair locks, and approval waits for the minimums that are not yet judged."""

import pytest
from playwright.sync_api import expect

from areas.models import AdministrativeUnit
from areas.queries import get_unit
from conftest import make_user
from core.reference import load_all_reference_data
from evaluation import advisory
from evaluation.council_models import MinimumCheck, RoundItem, Scoresheet, SheetStatus
from evaluation.models import SheetScope
from evaluation.tests.test_views import fill
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people_and_products():
    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()
    people = {"officer": make_user("tinh.e2e26", "province_officer", "2025:11")}
    for name in ("chair", "member", "secretary"):
        people[name] = make_user(f"{name}.e2e26", "council_member", "2025:11")
    commune = get_unit("2025:03328")
    producer = create_producer(actor=None, name="HTX Mật ong Mường Phăng", producer_type="htx", location=commune)
    honey = create_product(
        actor=None,
        name="Mật ong hoa ban Mường Phăng",
        producer=producer,
        location=commune,
        group=ProductCategory.objects.get(system="148", code="thuc-pham"),
        subgroup=ProductCategory.objects.get(system="2026", code="04"),
    )
    tourism = create_product(
        actor=None,
        name="Du lịch cộng đồng bản Him Lam",
        producer=producer,
        location=commune,
        group=ProductCategory.objects.get(system="148", code="du-lich"),
    )
    return people, honey, tourism


def log_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill("pw-" + user.username)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_test_id("user-menu").wait_for()


def score_with_keyboard(page, key="2"):
    """Pick the option numbered `key` on every criterion, moving down with j; returns the number of criteria."""
    page.locator("html[data-scoring-ready]").wait_for(state="attached")
    answered = page.get_by_test_id("answered")
    total = int(answered.inner_text().split("/")[1])
    for n in range(1, total + 1):
        page.keyboard.press(key)
        expect(answered).to_have_text(f"{n}/{total}")
        page.keyboard.press("j")
    return total


def test_a_round_under_26_2026_scores_honey_and_tourism(browser_page, live_server, people_and_products):
    page = browser_page
    people, honey, tourism = people_and_products

    # The province office: a round in December 2026; the set is left for the system to choose by date.
    log_in(page, live_server, people["officer"])
    page.goto(live_server.url + "/evaluation/new/")
    expect(page.get_by_test_id("published-sets")).to_contain_text("26-2026")
    page.get_by_label("Tên đợt đánh giá").fill("Đợt 2 năm 2026")
    page.get_by_label("Tỉnh tổ chức").fill("2025:11")
    page.get_by_label("Từ ngày").fill("01/12/2026")
    page.get_by_label("Đến ngày").fill("20/12/2026")
    page.get_by_role("button", name="Tạo").click()
    expect(page.locator("h1")).to_contain_text("Đợt 2 năm 2026")
    expect(page.locator("body")).to_contain_text("26-2026")

    for name, role in (("chair", "Chủ tịch hội đồng"), ("member", "Thành viên"), ("secretary", "Thư ký")):
        organise = page.get_by_test_id("organise")
        organise.get_by_label("Người").fill(f"{people[name].get_full_name()} [{people[name].username}]")
        organise.get_by_label("Vai trò trong hội đồng").select_option(label=role)
        organise.get_by_role("button", name="Thêm").first.click()
        expect(page.locator(".alert-success")).to_contain_text("Đã thêm thành viên")

    organise = page.get_by_test_id("organise")
    picker = organise.get_by_label("Sản phẩm")
    picker.press_sequentially("du lich", delay=20)  # the picker lists matching products as one types
    option = organise.locator("datalist option").first
    option.wait_for(state="attached")
    assert option.get_attribute("value").endswith(f"[{tourism.pk}]")
    picker.fill(option.get_attribute("value"))
    organise.get_by_role("button", name="Thêm").nth(1).click()
    expect(page.locator(".alert-danger")).to_contain_text("Chọn phiếu chấm")  # no 26/2026 sub-group recorded
    organise = page.get_by_test_id("organise")
    organise.get_by_label("Sản phẩm").fill(f"{tourism.name} — {tourism.producer.name} [{tourism.pk}]")
    sheet_26 = SheetScope.objects.get(criteria_set__code="26-2026", category__code="26")
    organise.get_by_label("Phiếu chấm").select_option(value=str(sheet_26.pk))
    expect(organise.get_by_label("Phiếu chấm").locator("option:checked")).to_contain_text("26 – Dịch vụ du lịch")
    organise.get_by_role("button", name="Thêm").nth(1).click()
    expect(page.locator(".alert-success")).to_contain_text("Đã đưa sản phẩm")
    organise = page.get_by_test_id("organise")
    organise.get_by_label("Sản phẩm").fill(f"{honey.name} — {honey.producer.name} [{honey.pk}]")
    organise.get_by_role("button", name="Thêm").nth(1).click()
    expect(page.locator(".alert-success")).to_contain_text("Đã đưa sản phẩm")
    honey_item = RoundItem.objects.select_related("sheet__category").get(product=honey)
    tourism_item = RoundItem.objects.select_related("sheet__category").get(product=tourism)
    assert (honey_item.sheet.category.system, honey_item.sheet.category.code) == ("2026", "04")
    assert (tourism_item.sheet.category.system, tourism_item.sheet.category.code) == ("2026", "26")

    # Before the advisory team reports (26/2026 Điều 7.3), the council cannot score; then it reports on both.
    log_in(page, live_server, people["member"])
    page.goto(live_server.url + f"/evaluation/items/{tourism_item.pk}/")
    expect(page.get_by_test_id("waiting-for-report")).to_contain_text("Tổ tư vấn chưa gửi báo cáo")
    for item in (tourism_item, honey_item):
        advisory.write_report(
            actor=people["officer"], item=item, summary="Hồ sơ đầy đủ.", recommendation="Đưa ra hội đồng chấm."
        )

    # A member scores both products with the keyboard, the sheet's markers and knock-outs in view.
    page.goto(live_server.url + f"/evaluation/items/{tourism_item.pk}/")
    expect(page.get_by_test_id(f"advisory-summary-{tourism_item.pk}")).to_contain_text("Đưa ra hội đồng chấm")
    info = page.get_by_test_id("sheet-info")
    expect(info).to_contain_text("26 – Dịch vụ du lịch cộng đồng")
    assert score_with_keyboard(page) == 32
    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("s")
    expect(page.get_by_test_id("sheet-status")).to_have_text("Đã nộp")
    page.keyboard.press("n")
    expect(page.get_by_test_id("product-name")).to_have_text(honey.name)
    expect(page.get_by_test_id("eliminated-when")).to_contain_text("Giả mạo hồ sơ")
    expect(page.get_by_test_id("product-code")).to_have_text("11-03328-2-2026")  # T-X-STT-năm, 2nd of the commune
    assert page.get_by_test_id("star-marker").count() > 10
    expect(page.get_by_test_id("criterion-2.4")).to_contain_text("Ghi nhãn hàng hóa có sử dụng song ngữ")
    expect(page.get_by_test_id("criterion-7")).to_contain_text("văn bản in 13")  # the misprint, scored 3
    assert score_with_keyboard(page) == 32
    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("s")
    expect(page.get_by_test_id("sheet-status")).to_have_text("Đã nộp")
    assert Scoresheet.objects.filter(member__user=people["member"], status=SheetStatus.SUBMITTED).count() == 2

    # The chair's sheets (entered before the session), then the secretary records one star minimum as met.
    for item in (honey_item, tourism_item):
        fill(item, people["chair"], 1)
    log_in(page, live_server, people["secretary"])
    page.goto(live_server.url + f"/evaluation/items/{honey_item.pk}/minimums/")
    rows = page.get_by_test_id("minimums").locator("[data-testid^=minimum-]")
    rows.first.get_by_role("button", name="Lưu").click()
    rows = page.get_by_test_id("minimums").locator("[data-testid^=minimum-]")
    expect(rows.first.get_by_test_id("state")).to_contain_text("Đạt")
    assert MinimumCheck.objects.filter(item=honey_item, met=True).count() == 1

    # The chair locks the honey product; approval names the minimums still to be judged.
    log_in(page, live_server, people["chair"])
    page.goto(live_server.url + f"/evaluation/{honey_item.evaluation_round_id}/board/")
    card = page.get_by_test_id(f"board-item-{honey_item.pk}")
    expect(card.get_by_test_id("quorum")).to_contain_text("Đủ túc số")
    card.get_by_test_id("lock").click()
    card = page.get_by_test_id(f"board-item-{honey_item.pk}")
    expect(card.get_by_test_id("item-status")).to_have_text("Đã khoá phiếu")
    honey_item.refresh_from_db()
    expect(card.get_by_test_id("result")).to_contain_text(f"{honey_item.mean}".replace(".", ","))
    if honey_item.band_stars and honey_item.band_stars >= 3:
        card.get_by_test_id("approve").click()
        expect(page.locator(".alert-danger")).to_contain_text("chưa ghi nhận")
        honey_item.refresh_from_db()
        assert honey_item.status == "locked"
