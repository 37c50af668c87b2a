# ruff: noqa: F811 (the fixtures imported from test_pages are parameters of the tests by design)
"""Open data: the products in force today as CSV, XLSX and JSON, nationally and per province, each file stating its
as-of date and its licence, and each holding exactly the rows the province page and the index show."""

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from catalog.tests.test_pages import SITE, T, _catalogue_settings, catalogue, page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

HEADINGS = [
    "Tên sản phẩm",
    "Chủ thể",
    "Nhóm sản phẩm",
    "Bộ sản phẩm",
    "Hạng sao",
    "Số quyết định công nhận",
    "Ngày quyết định",
    "Hiệu lực đến hết ngày",
    "Xã, phường",
    "Tỉnh, thành phố",
    "Địa chỉ tra cứu",
]


def read_csv(content: bytes) -> tuple[dict, list[list[str]]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    blank = rows.index([])
    return dict(rows[:blank]), rows[blank + 1 :]


def read_xlsx(content: bytes) -> tuple[dict, list[list]]:
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    blank = next(i for i, row in enumerate(rows) if not any(row))
    return {r[0]: r[1] for r in rows[:blank]}, rows[blank + 1 :]


@pytest.fixture
def products(catalogue):
    """Two products in force in Điện Biên, one expiring, one expired, one revoked, one in Sơn La."""
    from areas.models import AdministrativeUnit

    today = catalogue.today
    valid = catalogue.valid("Gạo tám thơm", stars=5)
    expiring = catalogue.product("=Rượu Mông Pê")  # a name a spreadsheet would take for a formula
    expiring_certificate = catalogue.certify(expiring, decided=today - T(days=1000), valid_until=today + T(days=9))
    expired = catalogue.product("Cà phê")
    catalogue.certify(expired, decided=today - T(days=1200), valid_until=today - T(days=3))
    revoked = catalogue.valid("Măng khô")
    catalogue.revoke(revoked)
    son_la = AdministrativeUnit.objects.filter(scheme="2025", level="commune", province__code="14").first()
    elsewhere = catalogue.product("Chè Mộc Châu", producer="HTX Mộc Châu", area=str(son_la.area_id))
    catalogue.certify(elsewhere, stars=3)
    return {"valid": valid, "expiring": expiring, "expiring_certificate": expiring_certificate, "son_la": elsewhere}


def test_every_format_holds_the_valid_products_of_the_province_as_the_page_lists_them(client, catalogue, products):
    html = page(client, "/catalog/province/2025:11/")
    on_screen = re.findall(r'data-testid="catalog-entry" data-product="(\d+)"', html)
    names = {str(p.pk): p.name for p in (products["valid"], products["expiring"])}
    assert sorted(on_screen) == sorted(names)
    shown = sorted(names[pk] for pk in on_screen)

    csv_meta, csv_rows = read_csv(client.get("/catalog/open-data/2025:11.csv").content)
    xlsx_meta, xlsx_rows = read_xlsx(client.get("/catalog/open-data/2025:11.xlsx").content)
    data = json.loads(client.get("/catalog/open-data/2025:11.json").content)

    assert csv_rows[0] == HEADINGS and list(xlsx_rows[0]) == HEADINGS
    assert sorted(r[0] for r in csv_rows[1:]) == ["'=Rượu Mông Pê", "Gạo tám thơm"]  # formula escaped
    assert sorted(r[0] for r in xlsx_rows[1:]) == ["'=Rượu Mông Pê", "Gạo tám thơm"]
    assert sorted(p["product"] for p in data["products"]) == shown
    assert data["count"] == 2


def test_a_row_carries_the_certificate_and_places_of_today(client, catalogue, products):
    product = products["expiring"]
    certificate = products["expiring_certificate"]
    data = json.loads(client.get("/catalog/open-data/2025:11.json").content)
    row = next(p for p in data["products"] if p["product"] == product.name)

    assert row == {
        "product": product.name,
        "producer": "HTX Thanh Hưng",
        "group": product.group.name,
        "subgroup": "",
        "stars": 4,
        "decision_number": certificate.decision.number,
        "decision_date": certificate.decision.date.isoformat(),
        "valid_until": certificate.last_valid_day.isoformat(),
        "commune": product.new_commune.name,
        "province": product.new_province.name,
        "verify_url": f"{SITE}/verify/{certificate.code}/",
    }
    _meta, rows = read_csv(client.get("/catalog/open-data/2025:11.csv").content)
    csv_row = next(r for r in rows[1:] if r[0] == "'" + product.name)
    assert csv_row[1:] == [str(v) for k, v in row.items() if k != "product"]


def test_every_file_states_its_as_of_date_and_licence(client, catalogue, products):
    today = catalogue.today.isoformat()
    csv_meta, _rows = read_csv(client.get("/catalog/open-data/vn.csv").content)
    xlsx_meta, _rows = read_xlsx(client.get("/catalog/open-data/vn.xlsx").content)
    data = json.loads(client.get("/catalog/open-data/vn.json").content)

    for meta in (csv_meta, xlsx_meta):
        assert meta["Số liệu đến ngày"] == today
        assert "CC BY 4.0" in meta["Giấy phép"] and "https://creativecommons.org/licenses/by/4.0/" in meta["Giấy phép"]
    assert data["as_of"] == today
    assert data["license"] == {
        "name": "CC BY 4.0",
        "title": "Creative Commons Ghi công 4.0 Quốc tế",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }


def test_the_national_file_holds_every_province_and_the_index_counts_match(client, catalogue, products):
    data = json.loads(client.get("/catalog/open-data/vn.json").content)
    assert sorted(p["product"] for p in data["products"]) == ["=Rượu Mông Pê", "Chè Mộc Châu", "Gạo tám thơm"]

    html = page(client, "/catalog/open-data/")
    counts = dict(re.findall(r'<tr data-area="([^"]+)">.*?data-testid="count">([^<]+)</td>', html, re.S))
    assert counts["vn"] == "3" and counts["2025:11"] == "2" and counts["2025:14"] == "1"
    for area_id in ("vn", "2025:11", "2025:14"):
        for fmt in ("csv", "xlsx", "json"):
            assert f'href="/catalog/open-data/{area_id}.{fmt}"' in html
    assert "CC BY 4.0" in html


def test_a_file_is_downloaded_with_a_dated_name(client, catalogue, products):
    response = client.get("/catalog/open-data/2025:11.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="san-pham-ocop-tinh-11-{catalogue.today.isoformat()}.xlsx"'
    )


@pytest.mark.parametrize(
    "path",
    [
        "/catalog/open-data/pre2025:11.csv",
        "/catalog/open-data/2025:99.csv",
        "/catalog/open-data/2025:11.pdf",
        "/catalog/open-data/2025:03328.csv",
    ],
)
def test_an_unknown_file_is_not_found(client, path):
    assert client.get(path).status_code == 404


def test_a_file_costs_the_same_queries_whatever_the_number_of_products(client, catalogue, django_assert_num_queries):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    catalogue.valid("Sản phẩm 0")

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/catalog/open-data/vn.json").status_code == 200
        return len(captured)

    before = count()
    for i in range(1, 6):
        catalogue.valid(f"Sản phẩm {i}")
    assert count() == before
