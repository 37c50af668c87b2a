# ruff: noqa: F811 (the fixtures imported from test_pages are parameters of the tests by design)
"""sitemap.xml (the catalogue's home, provinces, products in force and their producers) and robots.txt."""

import re

import pytest

from catalog.tests.test_pages import SITE, T, _catalogue_settings, catalogue  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    return re.findall(r"<loc>([^<]+)</loc>", response.content.decode())


def test_the_sitemap_lists_home_provinces_valid_products_and_their_producers(client, catalogue):
    today = catalogue.today
    valid = catalogue.valid("Gạo tám thơm")
    expired = catalogue.product("Cà phê", producer="HTX Cà phê")
    catalogue.certify(expired, decided=today - T(days=1200), valid_until=today - T(days=2))
    revoked = catalogue.valid("Măng khô", producer="HTX Măng")
    catalogue.revoke(revoked)

    found = locations(client)

    assert f"{SITE}/catalog/" in found
    assert f"{SITE}/catalog/province/2025:11/" in found
    assert f"{SITE}/catalog/product/{valid.pk}/" in found
    assert f"{SITE}/catalog/producer/{valid.producer_id}/" in found
    for gone in (expired, revoked):
        assert f"{SITE}/catalog/product/{gone.pk}/" not in found
        assert f"{SITE}/catalog/producer/{gone.producer_id}/" not in found
    assert len(found) == len(set(found))


def test_every_sitemap_address_answers(client, catalogue):
    catalogue.valid("Gạo tám thơm")
    for url in locations(client):
        assert client.get(url.removeprefix(SITE)).status_code == 200, url


def test_robots_allow_the_catalogue_and_verify_pages_and_keep_crawlers_out_of_officers_pages(client):
    response = client.get("/robots.txt")
    lines = response.content.decode().splitlines()

    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert "Allow: /catalog/" in lines and "Allow: /verify/" in lines
    for path in ("/api/", "/admin/", "/products/", "/producers/", "/evaluation/", "/ntm/", "/audit/"):
        assert f"Disallow: {path}" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines


def test_the_sitemap_costs_the_same_queries_whatever_the_number_of_products(client, catalogue):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    catalogue.valid("Sản phẩm 0")

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get("/sitemap.xml")
        return len(captured)

    before = count()
    for i in range(1, 6):
        catalogue.valid(f"Sản phẩm {i}", producer=f"HTX {i}")
    assert count() == before
