"""Screens that fit (issue "browser only"): the main pages of each role, with the demo data, at 1366 and 390 px —
no page scrolls sideways (a wide table scrolls inside its own box), and the menu, bell, language switch and user menu
stay reachable (on a phone, behind the menu button). Screenshots are kept under var/screenshots/ for a person to
look at."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from areas.models import AdministrativeUnit
from core.reference import load_all_reference_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PAGES = [
    "/",
    "/products/",
    "/producers/",
    "/ideas/",
    "/evaluation/",
    "/certificates/expiring/",
    "/reports/ocop/",
    "/ntm/",
    "/notifications/",
    "/areas/",
]
ROLES = ["tinh.dienbien", "xa.thanhyen", "hoidong.dienbien", "chuthe.dienbien"]
WIDTHS = (1366, 390)


def login(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_test_id("user-menu").wait_for(state="attached")


def test_the_main_pages_of_every_role_fit_at_1366_and_390_px(browser_page, live_server):
    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()
    call_command("load_demo", stdout=io.StringIO())
    SHOTS.mkdir(parents=True, exist_ok=True)
    page, overflowing = browser_page, []
    for username in ROLES:
        page.context.clear_cookies()
        login(page, live_server.url, username)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for path in PAGES:
                page.goto(live_server.url + path)
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    overflowing.append((username, width, path, scroll))
                name = path.strip("/").replace("/", "_") or "home"
                page.screenshot(path=str(SHOTS / f"{username}_{name}_{width}.png"))
            menu = page.get_by_role("button", name="Mở menu")
            if width < 1200:
                assert menu.is_visible(), username
                menu.click()
            assert page.get_by_test_id("user-menu").is_visible(), (username, width)
    assert overflowing == [], f"pages wider than the screen: {overflowing}"
