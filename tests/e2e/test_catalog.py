"""A visitor without an account finds an OCOP product in the public catalogue and checks its certificate: search
without diacritics, narrow to a commune of the new scheme, open the product, follow its QR (verify) address. An
expired product stays out of the default results. Once wide, once at 390 px, never scrolling sideways."""

import datetime

import pytest
from django.utils import timezone

from areas.models import AdministrativeUnit
from areas.queries import get_unit
from certification import services as certs
from core.reference import load_all_reference_data
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue():
    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    today = timezone.localdate()

    def product(name, producer, commune, decided, number):
        place = get_unit(commune)
        owner = create_producer(actor=None, name=producer, producer_type="htx", location=place)
        item = create_product(actor=None, name=name, producer=owner, location=place, group=group)
        decision, _ = certs.get_or_create_decision(
            actor=None,
            number=number,
            date=decided,
            kind="recognition",
            issuing_level="province",
            province=get_unit("2025:11") if decided >= datetime.date(2025, 7, 1) else get_unit("pre2025:11"),
        )
        certificate, _ = certs.record_certificate(actor=None, product=item, decision=decision, stars=4)
        return certificate

    valid = product(
        "Mật ong hoa ban Thanh Nưa", "HTX Ong mật Thanh Nưa", "2025:03328", today - timedelta_days(200), "15/QĐ-UBND"
    )
    product("Mật ong Mường Phăng", "HTX Mường Phăng", "2025:03325", today - timedelta_days(100), "16/QĐ-UBND")
    product("Mật ong rừng cũ", "HTX Thanh Hưng", "pre2025:03331", today - timedelta_days(4 * 365), "3/QĐ-UBND")
    return valid


def timedelta_days(n):
    return datetime.timedelta(days=n)


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_visitor_finds_a_product_and_checks_its_certificate(browser_page, live_server, catalogue, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/")
    assert page.url.endswith("/catalog/")  # no login: the site's root is the catalogue
    assert no_sideways_scroll(page)

    page.get_by_test_id("home-search").get_by_role("searchbox").fill("mat ong")
    page.get_by_test_id("home-search").get_by_role("button").click()
    results = page.get_by_test_id("results")
    results.get_by_text("Mật ong hoa ban Thanh Nưa").wait_for()
    found = results.inner_text()
    assert "Mật ong Mường Phăng" in found
    assert "Mật ong rừng cũ" not in found  # expired: not in the default results
    assert no_sideways_scroll(page)

    page.get_by_label("Xã, phường (hoặc địa bàn cũ)").fill("2025:03328")
    page.get_by_test_id("search-button").click()
    page.wait_for_url("**area=2025%3A03328**")
    cards = page.get_by_test_id("product-card")
    assert cards.count() == 1
    assert "Mật ong hoa ban Thanh Nưa" in cards.first.inner_text()
    assert "15/QĐ-UBND" in cards.first.inner_text()

    # the product page is written beside this test (catalog:product): it shows the live state and the QR address
    cards.first.get_by_role("link", name="Mật ong hoa ban Thanh Nưa").click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "Còn hiệu lực" in body and "15/QĐ-UBND" in body
    assert no_sideways_scroll(page)

    page.locator(f"a[href*='/verify/{catalogue.code}/']").first.click()
    page.wait_for_url(f"**/verify/{catalogue.code}/")
    assert page.get_by_test_id("verify-state").get_attribute("data-state") == "valid"
    assert "Còn hiệu lực" in page.get_by_test_id("verify-state").inner_text()
