"""The certificate as an official document, read back from its PDF: the issuing authority's real name on the
letterhead, the decision's number and date, the signature and seal block, and the QR to the verify page at the
address the request came in on when SITE_URL is not set."""

import datetime
import io
import os

import pytest
from PIL import Image
from pypdf import PdfReader

from certification import documents, services
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(unit):
    producer = create_producer(
        actor=None, name="Hợp tác xã Nông nghiệp Thanh Hưng", producer_type="htx", location=unit("pre2025:03331")
    )
    return create_product(
        actor=None,
        name="Gạo tám thơm Điện Biên",
        producer=producer,
        location=unit("pre2025:03331"),
        group=ProductCategory.objects.get(system="148", code="thuc-pham"),
    )


@pytest.fixture
def certify(product, unit):
    def run(level="province", date=datetime.date(2025, 6, 20), number="1234/QĐ-UBND", issuer="", stars=4):
        decision, _ = services.get_or_create_decision(
            actor=None,
            number=number,
            date=date,
            kind="recognition",
            issuing_level=level,
            province=unit("pre2025:11") if date < datetime.date(2025, 7, 1) else unit("2025:11"),
            issuer=issuer,
        )
        certificate, _ = services.record_certificate(actor=None, product=product, decision=decision, stars=stars)
        return certificate

    return run


def pages(pdf: bytes) -> list:
    assert pdf.startswith(b"%PDF-")
    if os.environ.get("HELPERC_DUMP"):  # pragma: no cover - a look at the print while writing it
        with open(os.environ["HELPERC_DUMP"], "wb") as f:
            f.write(pdf)
    return PdfReader(io.BytesIO(pdf)).pages


def text_of(pdf: bytes) -> str:
    found = pages(pdf)
    assert len(found) == 1  # a certificate is one A4 landscape sheet
    return " ".join(found[0].extract_text().split())  # lines wrap where the layout says


def test_a_province_certificate_is_headed_by_the_provinces_committee_in_capitals(certify):
    certificate = certify()
    text = text_of(documents.render_certificate_pdf(certificate))
    for expected in [
        "UBND TỈNH ĐIỆN BIÊN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số 1234/QĐ-UBND ngày 20/06/2025",
        "UBND tỉnh Điện Biên",  # the issuing body in the details
        "Điện Biên, ngày 20 tháng 06 năm 2025",  # the signature block's date line: the decision's
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "(Ký tên, đóng dấu)",
    ]:
        assert expected in text, expected
    assert "UBND cấp tỉnh" not in text  # the level's label is not a name


def test_a_district_certificate_names_the_products_district(certify, product):
    certificate = certify(level="district", stars=3)
    district = product.location.district
    assert district is not None
    text = text_of(documents.render_certificate_pdf(certificate))
    heading = "UBND " + district.name.upper()
    assert heading.startswith("UBND HUYỆN ") and heading in text
    assert f"{district.short_name}, ngày 20 tháng 06 năm 2025" in text


def test_a_ministry_certificate_names_the_ministry_as_on_the_decisions_date(certify):
    certificate = certify(level="ministry", stars=5, date=datetime.date(2025, 9, 15), number="88/QĐ-BNNMT")
    text = text_of(documents.render_certificate_pdf(certificate))
    assert (
        "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" in text and "BỘ TRƯỞNG" in text and "Hà Nội, ngày 15 tháng 09 năm 2025" in text
    )
    assert "TM. ỦY BAN NHÂN DÂN" not in text
    before = documents.ministry_on(datetime.date(2024, 12, 1))
    assert before.heading == "BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN"


def test_the_issuer_the_office_typed_on_the_decision_wins(certify):
    certificate = certify(issuer="UBND thành phố Điện Biên Phủ", level="district", stars=3)
    text = text_of(documents.render_certificate_pdf(certificate))
    assert "UBND THÀNH PHỐ ĐIỆN BIÊN PHỦ" in text


def test_a_certificate_downloaded_without_site_url_points_at_the_address_of_the_request(
    client, certify, province_officer, settings
):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["ocop.dienbien.local"]  # the host is checked before it is trusted for the address
    certificate = certify()
    client.force_login(province_officer)
    response = client.get(f"/register/certificates/{certificate.code}.pdf", HTTP_HOST="ocop.dienbien.local:8443")
    assert response.status_code == 200
    expected = f"http://ocop.dienbien.local:8443/verify/{certificate.code}/"
    page = pages(response.content)[0]
    assert expected in "".join(page.extract_text().split())  # the small print of the address may wrap anywhere
    embedded = page.images[0].image.convert("L")
    qr = Image.open(io.BytesIO(documents.qr_png(expected))).convert("L")
    assert embedded.size == qr.size and embedded.tobytes() == qr.tobytes()


def test_site_url_when_set_wins_over_the_requests_address(client, certify, province_officer, settings):
    settings.SITE_URL = "https://ocop.dienbien.gov.vn/"
    settings.ALLOWED_HOSTS = ["10.0.0.5"]
    certificate = certify()
    client.force_login(province_officer)
    response = client.get(f"/register/certificates/{certificate.code}.pdf", HTTP_HOST="10.0.0.5")
    text = "".join(pages(response.content)[0].extract_text().split())
    assert f"https://ocop.dienbien.gov.vn/verify/{certificate.code}/" in text and "10.0.0.5" not in text


def test_the_longest_names_still_fit_one_page_with_the_signature_block(certify):
    certificate = certify(issuer="Ủy ban nhân dân thành phố Điện Biên Phủ", level="district")
    certificate.product.name = ("Sản phẩm " + "rất dài " * 40)[:255]
    certificate.product.producer.name = ("Công ty trách nhiệm hữu hạn " + "một thành viên " * 30)[:255]
    text = text_of(documents.render_certificate_pdf(certificate))
    assert certificate.code in text and "(Ký tên, đóng dấu)" in text and "Tình trạng ngày in" in text
