import pytest
from django.conf import settings

from accounts.demo import load_demo_users
from areas.models import AdministrativeUnit
from core.reference import load_all_reference_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data():
    # Browser tests run in a transactional database, emptied after each test: load what the flow needs.
    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()
    load_demo_users()


def test_a_province_officer_logs_in_and_browses_from_a_province_to_a_commune(browser_page, live_server, demo_data):
    page = browser_page
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("tinh.dienbien")
    page.get_by_label("Mật khẩu").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_test_id("user-menu").wait_for()
    assert "Cán bộ tỉnh" in page.content()

    page.get_by_role("link", name="Đơn vị hành chính").first.click()
    page.get_by_role("link", name="Trước 01/07/2025 (3 cấp)").click()
    page.get_by_test_id("provinces").get_by_role("link", name="Tỉnh Điện Biên", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Tỉnh Điện Biên")
    assert page.get_by_test_id("children").locator("tbody tr").count() == 10

    page.get_by_test_id("children").get_by_role("link", name="Huyện Điện Biên", exact=True).click()
    assert page.get_by_test_id("children").locator("tbody tr").count() == 21

    page.get_by_test_id("children").get_by_role("link", name="Xã Thanh Hưng", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Xã Thanh Hưng")
    assert "đến hết ngày 30/06/2025" in page.get_by_test_id("validity").inner_text()
    breadcrumbs = page.locator(".breadcrumb").inner_text()
    assert "Tỉnh Điện Biên" in breadcrumbs and "Huyện Điện Biên" in breadcrumbs

    page.get_by_test_id("successors").get_by_role("link", name="Xã Thanh Nưa").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Xã Thanh Nưa")
    assert "Xã Thanh Hưng" in page.get_by_test_id("predecessors").inner_text()
    page.screenshot(path=str(settings.VAR_DIR / "e2e-commune.png"), full_page=True)


def test_search_finds_a_commune_without_diacritics(browser_page, live_server, demo_data):
    page = browser_page
    page.goto(live_server.url + "/areas/search/")
    page.get_by_label("Tên đơn vị").fill("thanh hung")
    results = page.get_by_test_id("search-results")
    results.get_by_role("link", name="Xã Thanh Hưng").first.wait_for()
    assert "Huyện Điện Biên" in results.inner_text()
