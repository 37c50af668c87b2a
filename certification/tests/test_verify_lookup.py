"""`/verify/` without a code: a box to type (or paste) the code, a hint that the QR code opens the page directly, and a
clear answer under the box for an empty, malformed or unknown code, with 400 or 404."""

import datetime
import re

import pytest
from django.utils import timezone

from certification import services
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(unit):
    producer = create_producer(actor=None, name="HTX Thanh Hưng", producer_type="htx", location=unit("pre2025:03331"))
    product = create_product(
        actor=None,
        name="Gạo tám thơm",
        producer=producer,
        location=unit("pre2025:03331"),
        group=ProductCategory.objects.get(system="148", code="thuc-pham"),
    )
    decision, _ = services.get_or_create_decision(
        actor=None,
        number="7/QĐ-UBND",
        date=timezone.localdate() - datetime.timedelta(days=30),
        kind="recognition",
        issuing_level="province",
        province=unit("pre2025:11"),
    )
    cert, _ = services.record_certificate(actor=None, product=product, decision=decision, stars=4)
    return cert


def error_under_the_box(html: str) -> str:
    found = re.search(r'data-testid="verify-error">([^<]+)<', html)
    assert found, "no message under the box"
    return found.group(1)


def test_verify_without_a_code_is_a_page_with_a_box_and_the_qr_hint(client):
    response = client.get("/verify/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="verify-lookup"' in html and 'action="/verify/"' in html and 'name="code"' in html
    assert "Quét mã bằng máy ảnh của điện thoại" in html
    assert "max-age=300" in response["Cache-Control"]


def test_a_known_code_opens_its_certificate_whatever_the_case_spaces_or_a_pasted_address(client, certificate):
    code = certificate.code
    spaced = " ".join([code[:4].lower(), code[4:8], code[8:]])
    for typed in [code, code.lower(), f"  {spaced} ", f"https://ocop.example.gov.vn/verify/{code}/"]:
        response = client.get("/verify/", {"code": typed})
        assert response.status_code == 302, typed
        assert response["Location"] == f"/verify/{code}/"
    page = client.get(f"/verify/{code}/")
    assert page.status_code == 200 and 'href="/verify/"' in page.content.decode()  # "look up another code"


def test_an_unknown_code_is_answered_under_the_box_with_404(client, certificate):
    response = client.get("/verify/", {"code": "ABCDEF123456"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không có giấy chứng nhận OCOP nào mang mã “ABCDEF123456”" in error_under_the_box(html)
    assert 'value="ABCDEF123456"' in html  # the code stays in the box to correct it
    assert "is-invalid" in html


def test_a_malformed_code_is_answered_under_the_box_with_404(client):
    response = client.get("/verify/", {"code": "mã <b>sai</b>!"})
    assert response.status_code == 404
    html = response.content.decode()
    message = error_under_the_box(html)
    assert "không phải là mã tra cứu" in message and "<b>sai</b>" not in html  # escaped, never markup


def test_an_empty_code_asks_for_one_with_400(client):
    response = client.get("/verify/", {"code": "   "})
    assert response.status_code == 400
    assert "Hãy nhập mã tra cứu" in error_under_the_box(response.content.decode())


def test_the_unknown_code_page_offers_the_box_to_try_again(client):
    response = client.get("/verify/ZZZ999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="verify-lookup"' in html and 'value="ZZZ999"' in html
