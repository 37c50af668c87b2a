"""Accounts without the Django admin, in a browser: the Điện Biên office creates a producer's account in Xã Thanh
Yên, links it to its producer, the person opens the one-time link, sets a password, logs in and sees their producer's
products. Screens at 1366 and 390 px, none scrolling sideways."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.demo import load_demo_register, load_demo_users
from accounts.models import User
from areas.models import AdministrativeUnit
from core.reference import load_all_reference_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PRODUCER = "Chủ thể tại xã Thanh Yên"
PASSWORD = "Gao-Tam-Thanh-Yen-2026"
WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


@pytest.fixture
def demo_data():
    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()
    load_demo_users()
    load_demo_register()


def fits(page, name):
    """Screenshots at both widths; the page never scrolls sideways."""
    for size in (WIDE, PHONE):
        page.set_viewport_size(size)
        page.screenshot(path=str(settings.VAR_DIR / f"e2e-accounts-{name}-{size['width']}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} at {size['width']} px scrolls sideways by {overflow} px"
    page.set_viewport_size(WIDE)


def log_in(page, base, username, password):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_test_id("user-menu").wait_for()


def test_an_office_creates_a_producer_account_and_the_person_sets_a_password(browser_page, live_server, demo_data):
    page, base = browser_page, live_server.url
    page.set_viewport_size(WIDE)
    log_in(page, base, "tinh.dienbien", settings.DEMO_PASSWORD)

    page.goto(base + "/accounts/users/")
    expect(page.get_by_test_id("people")).to_contain_text("Cán bộ xã Thanh Yên")  # names, not only usernames
    fits(page, "list")
    page.get_by_role("link", name="Tạo tài khoản").first.click()
    page.get_by_label("Họ và tên").fill("Lò Thị Gạo")
    page.get_by_label("Tên đăng nhập").fill("lo.thi.gao")
    page.get_by_label("Điện thoại").fill("0912 345 678")
    page.get_by_label("Vai trò").select_option(label="Chủ thể OCOP")
    page.get_by_label("Tìm địa bàn").fill("thanh yen")  # no diacritics, no ids
    area = page.get_by_label("Địa bàn", exact=True)
    expect(area.locator("option")).to_have_count(1)
    area.select_option(label="Xã Thanh Yên (Tỉnh Điện Biên)")
    fits(page, "new")
    page.get_by_role("button", name="Tạo tài khoản").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Lò Thị Gạo")
    link = page.get_by_test_id("password-link").input_value()
    assert "/accounts/set-password/" in link

    page.get_by_label("Tìm chủ thể").fill("chu the thanh yen")
    producers = page.get_by_label("Liên kết với chủ thể")
    expect(producers.locator("option")).to_have_count(1)
    producers.select_option(label=f"{PRODUCER} · Xã Thanh Yên")
    page.get_by_role("button", name="Liên kết", exact=True).click()
    expect(page.get_by_test_id("linked-producers")).to_contain_text(PRODUCER)
    fits(page, "person")
    assert User.objects.get(username="lo.thi.gao").producers.filter(name=PRODUCER).exists()

    # the person, on their own phone
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(link)
    page.get_by_label("Mật khẩu mới", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(PASSWORD)
    fits(page, "set-password")
    page.get_by_role("button", name="Đặt mật khẩu").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã đặt mật khẩu")
    log_in(page, base, "lo.thi.gao", PASSWORD)
    page.goto(base + "/products/")
    expect(page.locator("main")).to_contain_text("Gạo tám thơm Điện Biên")
    expect(page.locator("main")).not_to_contain_text("Chiềng La")
    fits(page, "products")

    # the link worked once
    page.goto(link)
    expect(page.get_by_test_id("invalid-link")).to_be_visible()


def test_the_login_page_leads_to_the_forgotten_password_page(browser_page, live_server, demo_data):
    page = browser_page
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    expect(page.get_by_test_id("no-email")).to_contain_text("Văn phòng điều phối")
    fits(page, "reset")
