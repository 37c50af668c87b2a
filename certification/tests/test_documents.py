"""The certificate PDF, read back: its text (Vietnamese intact), its QR code (the verify address), its scope."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from certification import documents, services
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

pytestmark = pytest.mark.django_db
T = datetime.timedelta


@pytest.fixture
def certificate(unit):
    producer = create_producer(
        actor=None, name="Hợp tác xã Nông nghiệp Thanh Hưng", producer_type="htx", location=unit("pre2025:03331")
    )
    product = create_product(
        actor=None,
        name="Gạo tám thơm Điện Biên",
        producer=producer,
        location=unit("pre2025:03331"),
        group=ProductCategory.objects.get(system="148", code="thuc-pham"),
    )
    decision, _ = services.get_or_create_decision(
        actor=None,
        number="1234/QĐ-UBND",
        date=timezone.localdate() - T(100),
        kind="recognition",
        issuing_level="province",
        province=unit("pre2025:11"),
    )
    cert, _ = services.record_certificate(actor=None, product=product, decision=decision, stars=4)
    return cert


def read(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def test_the_qr_code_encodes_the_absolute_verify_address(certificate, settings):
    settings.SITE_URL = "https://ocop.dienbien.gov.vn/"
    assert documents.qr_payload(certificate) == f"https://ocop.dienbien.gov.vn/verify/{certificate.code}/"
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert documents.qr_payload(certificate) == f"http://127.0.0.1:8000/verify/{certificate.code}/"


def test_the_pdf_is_one_a4_landscape_page_with_the_certificate_in_vietnamese(certificate):
    reader = read(documents.render_certificate_pdf(certificate))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, in points
    text = reader.pages[0].extract_text()
    for expected in [
        "Gạo tám thơm Điện Biên",
        "Hợp tác xã Nông nghiệp Thanh Hưng",
        "Xã Thanh Hưng",
        "★★★★☆",
        "HẠNG 4 SAO",
        "1234/QĐ-UBND",
        certificate.valid_from.strftime("%d/%m/%Y"),
        certificate.last_valid_day.strftime("%d/%m/%Y"),
        certificate.code,
        documents.qr_payload(certificate),
    ]:
        assert expected in text, expected
    assert "Gạo tám thơm" in reader.metadata.title


def test_the_pdf_embeds_the_qr_code_of_the_verify_address(certificate):
    page = read(documents.render_certificate_pdf(certificate)).pages[0]
    assert len(page.images) >= 1
    embedded = page.images[0].image.convert("L")
    expected = Image.open(io.BytesIO(documents.qr_png(documents.qr_payload(certificate)))).convert("L")
    assert embedded.size == expected.size and embedded.tobytes() == expected.tobytes()


def test_names_of_the_longest_allowed_length_still_fit_on_one_page(certificate):
    # The frame is the page border: anything that does not fit flows onto a second page instead of off the sheet.
    certificate.product.name = ("Sản phẩm " + "rất dài " * 40)[:255]
    certificate.product.producer.name = ("Công ty trách nhiệm hữu hạn " + "một thành viên " * 30)[:255]
    reader = read(documents.render_certificate_pdf(certificate))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert certificate.code in text and "Tình trạng ngày in" in text


def test_a_province_officer_downloads_the_pdf(client, certificate, province_officer):
    client.force_login(province_officer)
    response = client.get(f"/register/certificates/{certificate.code}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"giay-chung-nhan-ocop-{certificate.code}.pdf" in response["Content-Disposition"]
    assert "Gạo tám thơm Điện Biên" in read(response.content).pages[0].extract_text()


def test_another_provinces_officer_gets_404_and_anonymous_is_sent_to_login(client, certificate, other_province_officer):
    url = f"/register/certificates/{certificate.code}.pdf"
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(other_province_officer)
    assert client.get(url).status_code == 404


def test_the_product_page_links_each_certificate_to_its_pdf(client, certificate, province_officer):
    client.force_login(province_officer)
    html = client.get(f"/products/{certificate.product_id}/").content.decode()
    assert f'href="/register/certificates/{certificate.code}.pdf"' in html


def test_a_revoked_certificate_prints_with_its_state_on_the_printing_day(certificate, unit):
    revocation, _ = services.get_or_create_decision(
        actor=None,
        number="99/QĐ-UBND",
        date=timezone.localdate() - T(3),
        kind="revocation",
        issuing_level="province",
        province=unit("pre2025:11"),
    )
    services.revoke(actor=None, product=certificate.product, decision=revocation, reason="Ngừng sản xuất")
    certificate.refresh_from_db()
    text = read(documents.render_certificate_pdf(certificate)).pages[0].extract_text()
    assert "Tình trạng ngày in: Đã thu hồi" in text
