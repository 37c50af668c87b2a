# ruff: noqa: F811 (the fixtures imported from test_pages are parameters of the tests by design)
"""The printable catalogue of a province: one card per product in force, with its photo, stars and the QR code of its
verify page, read back from the PDF."""

import io
import os

import pytest
from pypdf import PdfReader

from catalog.tests.test_pages import SITE, T, _catalogue_settings, catalogue  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(p.extract_text() for p in reader.pages)


def test_the_province_catalogue_prints_a_card_per_valid_product_with_photo_stars_and_qr(client, catalogue):
    today = catalogue.today
    with_photo = catalogue.valid("Gạo tám thơm Điện Biên", stars=5)
    catalogue.photo(with_photo, color=(20, 160, 60))
    without_photo = catalogue.valid("Chè Shan tuyết Tủa Chùa", stars=3)
    expired = catalogue.product("Cà phê hết hạn")
    catalogue.certify(expired, decided=today - T(days=1200), valid_until=today - T(days=2))

    response = client.get("/catalog/province/2025:11/print.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="danh-muc-san-pham-ocop-tinh-11-{today.isoformat()}.pdf"'
    )
    reader, text = pdf_text(response.content)
    assert "Gạo tám thơm Điện Biên" in text and "Chè Shan tuyết Tủa Chùa" in text
    assert "Cà phê hết hạn" not in text
    assert "★★★★★" in text and "★★★☆☆" in text
    for product in (with_photo, without_photo):
        assert product.certificates.get().code in text
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 3  # one photo and two QR codes
    if os.environ.get("CATALOG_PRINT_SAMPLE"):  # to look at it: CATALOG_PRINT_SAMPLE=/tmp/x.pdf
        with open(os.environ["CATALOG_PRINT_SAMPLE"], "wb") as sample:
            sample.write(response.content)


def test_the_qr_codes_in_the_print_encode_the_verify_addresses(catalogue):
    from catalog.printing import province_cards

    product = catalogue.valid("Gạo tám thơm")
    (card,) = province_cards(catalogue.unit("2025:11"), catalogue.today)

    assert card["verify_url"] == f"{SITE}/verify/{product.certificates.get().code}/"
    from certification.documents import qr_data_uri

    assert card["qr"] == qr_data_uri(card["verify_url"])


def test_an_empty_province_prints_a_page_that_says_so(client):
    reader, text = pdf_text(client.get("/catalog/province/2025:14/print.pdf").content)
    assert len(reader.pages) == 1 and "Chưa có sản phẩm OCOP nào còn hiệu lực." in text


def test_the_print_costs_the_same_queries_whatever_the_number_of_products(client, catalogue):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    catalogue.photo(catalogue.valid("Sản phẩm 0"))

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/catalog/province/2025:11/print.pdf").status_code == 200
        return len(captured)

    before = count()
    for i in range(1, 5):
        catalogue.photo(catalogue.valid(f"Sản phẩm {i}"))
    assert count() == before
