"""An administrator builds a tiny criteria set in the browser and publishes it; the pages fit at 1366 and 390 px."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from areas.models import AdministrativeUnit
from conftest import make_user
from core.reference import load_all_reference_data
from evaluation.models import CriteriaSet
from products.models import ProductCategory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("var/screenshots")


@pytest.fixture
def admin():
    # Browser tests run in a transactional database, emptied after each test: load what the flow needs.
    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()
    return make_user("quantri.e2e", "system_admin")


def log_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill("pw-" + user.username)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_test_id("user-menu").wait_for()


def fits(page, name):
    """A screenshot at 1366 and at 390 px, and no sideways scrolling at either width."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)
        page.screenshot(path=str(SHOTS / f"criteria-{name}-{width}.png"), full_page=True)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} at {width} px scrolls sideways ({scroll} px)"
    page.set_viewport_size({"width": 1366, "height": 900})


def submit(form):
    form.get_by_role("button").first.click()


def test_an_administrator_creates_and_publishes_a_tiny_set(browser_page, live_server, admin):
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, admin)
    page.goto(live_server.url + "/criteria/")
    expect(page.get_by_test_id("set-26-2026")).to_be_visible()
    fits(page, "list")

    page.get_by_test_id("new-set").click()
    form = page.get_by_test_id("new-set-form")
    form.get_by_label("Mã bộ tiêu chí").fill("E2E-2030")
    form.get_by_label("Tên bộ tiêu chí").fill("Bộ tiêu chí thử trên trình duyệt")
    form.get_by_label("Căn cứ (quyết định)").fill("Quyết định thử 1/2030")
    form.get_by_label("Áp dụng từ ngày").fill("01/01/2030")
    form.get_by_label("Hệ thống nhóm sản phẩm").select_option("2026")
    form.get_by_role("button", name="Tạo bộ tiêu chí").click()
    expect(page.get_by_test_id("set-status")).to_have_text("Khung (chưa có phiếu chấm)")

    for code, points in (("A", "40"), ("B", "25"), ("C", "35")):
        page.get_by_test_id("add-part").click()
        part = page.locator("form[action$='/parts/']")
        part.locator("[name=code]").select_option(code)
        part.locator("[name=name]").fill(f"Phần {code}")
        part.locator("[name=points]").fill(points)
        part.get_by_role("button", name="Thêm phần").click()
        expect(page.get_by_test_id(f"part-{code}")).to_be_visible()
    for code in ("A", "B", "C"):
        page.get_by_test_id("add-section").click()
        section = page.locator("form[action$='/sections/']")
        section.get_by_label("Mã mục").fill(f"{code}1")
        section.get_by_label("Tên mục").fill(f"Mục {code}1")
        section.get_by_label("Thuộc phần").select_option(label=f"{code}. Phần {code}")
        section.get_by_role("button", name="Thêm mục").click()
        expect(page.get_by_test_id(f"section-{code}1")).to_be_visible()
    page.get_by_test_id("add-sheet").click()
    sheet = page.locator("form[action$='/sheets/']")
    honey = ProductCategory.objects.get(system="2026", code="04")
    sheet.get_by_label("Nhóm / phân nhóm sản phẩm").select_option(str(honey.pk))
    sheet.get_by_label("Số phiếu").fill("4")
    sheet.get_by_role("button", name="Thêm phiếu chấm").click()
    expect(page.get_by_test_id("sheet-info")).to_be_visible()

    for code, points in (("A", "40"), ("B", "25"), ("C", "35")):
        add = page.locator("form[action$='/criteria/']")
        add.get_by_label("Mã tiêu chí").fill(f"{code}.1")
        add.get_by_label("Nội dung tiêu chí").fill(f"Tiêu chí {code}")
        add.locator("[name=section]").select_option(label=f"{code}1 – Mục {code}1")
        add.get_by_role("button", name="Thêm tiêu chí").click()
        card = page.get_by_test_id(f"criterion-{code}.1")
        expect(card).to_be_visible()
        option = card.locator("form[action$='/options/']")
        option.locator("[name=text]").fill("Đạt")
        option.locator("[name=points]").fill(points)
        if code == "A":
            option.get_by_label("3★", exact=True).check()
        option.get_by_role("button", name="Thêm mức").click()
        expect(page.get_by_test_id(f"criterion-{code}.1").get_by_test_id("option")).to_have_count(1)
        if code != "C":
            page.get_by_test_id("add-criterion").click()
    expect(page.get_by_test_id("sheet-total")).to_have_text("100")
    fits(page, "sheet")

    page.get_by_test_id("preview").click()
    expect(page.get_by_test_id("total")).to_have_text("100")
    expect(page.get_by_test_id("star-marker")).to_have_text("★★★")
    fits(page, "preview")

    page.get_by_role("link", name="E2E-2030").click()
    fits(page, "detail")
    page.get_by_test_id("validate").click()
    expect(page.get_by_test_id("validation-ok")).to_be_visible()
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("set-status")).to_have_text("Đã ban hành")
    assert CriteriaSet.objects.get(code="E2E-2030").status == "published"
    expect(page.get_by_role("alert").first).to_contain_text("Đã ban hành bộ tiêu chí E2E-2030")
