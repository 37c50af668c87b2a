"""The public verify page a certificate's QR code opens, and its JSON twin: today's state for anyone, no login."""

import datetime
import itertools
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from certification import services
from certification.choices import CertificateState as S
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

pytestmark = pytest.mark.django_db
T = datetime.timedelta
_numbers = itertools.count(1)


def vn(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture(autouse=True)
def _warning_days(settings):
    settings.OCOP_EXPIRY_WARNING_DAYS = 30


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def make_product(unit):
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    producer = create_producer(actor=None, name="HTX Thanh Hưng", producer_type="htx", location=unit("pre2025:03331"))

    def make(name):
        return create_product(actor=None, name=name, producer=producer, location=unit("pre2025:03331"), group=group)

    return make


@pytest.fixture
def decide(unit):
    def run(day, kind="recognition", level="province"):
        decision, _ = services.get_or_create_decision(
            actor=None,
            number=f"{next(_numbers)}/QĐ-UBND",
            date=day,
            kind=kind,
            issuing_level=level,
            province=unit("pre2025:11"),
        )
        return decision

    return run


@pytest.fixture
def certify(decide):
    def run(product, decided, stars=4, valid_until=None):
        cert, _ = services.record_certificate(
            actor=None, product=product, decision=decide(decided), stars=stars, valid_until=valid_until
        )
        return cert

    return run


def page(client, code):
    return client.get(f"/verify/{code}/")


def state_of(response) -> str:
    return re.search(r'data-testid="verify-state" data-state="([^"]+)"', response.content.decode()).group(1)


def test_a_valid_certificate_shows_everything_without_login(client, make_product, certify, today):
    cert = certify(make_product("Gạo tám thơm"), today - T(100), stars=4)
    response = page(client, cert.code)
    assert response.status_code == 200
    assert state_of(response) == S.VALID
    html = response.content.decode()
    for text in [
        "Còn hiệu lực",
        "Gạo tám thơm",
        "HTX Thanh Hưng",
        "Xã Thanh Hưng",
        "Tỉnh Điện Biên",
        "★★★★<",  # four stars, not five
        "4 sao",
        cert.decision.number,
        vn(cert.decision.date),
        "UBND tỉnh Điện Biên",  # the issuing authority by name, as on the certificate
        vn(cert.valid_from),
        vn(cert.last_valid_day),
        cert.code,
    ]:
        assert text in html, text
    assert re.search(r"Tra cứu lúc \d{2}:\d{2} \d{2}/\d{2}/\d{4}", html)
    assert "UBND cấp tỉnh" not in html  # the level is not a name


def authority_on_page(client, code) -> str:
    html = page(client, code).content.decode()
    return re.search(r'data-testid="authority">([^<]*)<', html).group(1)


def test_the_page_names_the_authority_as_the_certificate_pdf_does(client, make_product, certify, decide, today):
    from certification.documents import issuing_authority

    province = certify(make_product("Gạo tám thơm"), today - T(100))
    district, _ = services.record_certificate(
        actor=None,
        product=make_product("Chè Shan tuyết"),
        decision=decide(datetime.date(2024, 5, 2), level="district"),
        stars=3,
    )
    ministry, _ = services.record_certificate(
        actor=None, product=make_product("Mật ong hoa ban"), decision=decide(today - T(30), level="ministry"), stars=5
    )
    assert authority_on_page(client, province.code) == "UBND tỉnh Điện Biên"
    assert authority_on_page(client, district.code) == "UBND huyện Điện Biên"  # the product's (old) district
    assert authority_on_page(client, ministry.code) == "Bộ Nông nghiệp và Môi trường"
    for cert in (province, district, ministry):
        assert authority_on_page(client, cert.code) == issuing_authority(cert.decision, cert.product).name


def test_a_visitors_page_is_public_for_five_minutes_and_a_signed_in_users_private(
    client, make_product, certify, today, province_officer
):
    # A visitor's page carries no CSRF token (their language switch is a GET form): the same for all, proxies may keep
    # it; a signed-in user's names them and carries their token.
    cert = certify(make_product("Gạo tám thơm"), today - T(100))
    for _ in range(2):  # made, then served from the page cache
        response = page(client, cert.code)
        assert "max-age=300" in response["Cache-Control"] and "private" not in response["Cache-Control"]
        assert "csrftoken" not in response.cookies
    client.force_login(province_officer)
    response = page(client, cert.code)
    assert response.status_code == 200
    assert "max-age=300" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_code_is_looked_up_ignoring_case(client, make_product, certify, today):
    cert = certify(make_product("Gạo tám thơm"), today - T(100))
    assert page(client, cert.code.lower()).status_code == 200


def test_a_certificate_near_its_end_is_expiring(client, make_product, certify, today):
    cert = certify(make_product("Mật ong bạc hà"), today - T(300), valid_until=today + T(9))
    response = page(client, cert.code)
    assert state_of(response) == S.EXPIRING
    html = response.content.decode()
    assert "Sắp hết hạn" in html and "còn 10 ngày" in html and vn(today + T(9)) in html


def test_a_certificate_past_its_36_months_is_expired(client, make_product, certify, today):
    cert = certify(make_product("Chè Shan tuyết"), today - T(4 * 366), stars=3)
    response = page(client, cert.code)
    assert state_of(response) == S.EXPIRED
    assert "Hết hạn" in response.content.decode() and vn(cert.last_valid_day) in response.content.decode()


def test_a_revoked_certificate_names_the_decision_and_the_reason(client, make_product, certify, decide, today):
    product = make_product("Rượu ngô")
    cert = certify(product, today - T(200))
    revocation = decide(today - T(5), kind="revocation")
    services.revoke(actor=None, product=product, decision=revocation, reason="Ngừng sản xuất từ tháng 3")
    response = page(client, cert.code)
    assert state_of(response) == S.REVOKED
    html = response.content.decode()
    assert "Đã thu hồi" in html
    assert revocation.number in html and vn(revocation.date) in html
    assert "Ngừng sản xuất từ tháng 3" in html
    assert vn(today - T(6)) in html  # the last valid day is the day before the revocation


def test_a_superseded_certificate_links_to_the_one_that_replaced_it(client, make_product, certify, today):
    product = make_product("Cà phê Mường Ảng")
    first = certify(product, today - T(400), stars=3)
    second = certify(product, today - T(30), stars=4)
    response = page(client, first.code)
    assert state_of(response) == S.SUPERSEDED
    html = response.content.decode()
    assert "Đã được thay thế" in html
    assert f'href="{reverse("verify:certificate", args=[second.code])}"' in html
    assert page(client, second.code).status_code == 200 and state_of(page(client, second.code)) == S.VALID


def test_an_unknown_code_answers_a_vietnamese_404(client, db):
    response = page(client, "KHONGCO123")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy giấy chứng nhận" in html and "KHONGCO123" in html


def test_the_json_twin_is_public_and_says_the_same(client, make_product, certify, decide, today):
    product = make_product("Rượu ngô")
    cert = certify(product, today - T(200), stars=5)
    revocation = decide(today - T(5), kind="revocation", level="ministry")  # 5★: the ministry revokes (Điều 8.2)
    services.revoke(actor=None, product=product, decision=revocation, reason="Vi phạm an toàn thực phẩm")
    response = client.get(f"/api/v1/verify/{cert.code.lower()}")
    assert response.status_code == 200
    assert "max-age=300" in response["Cache-Control"]
    body = response.json()
    assert body["code"] == cert.code and body["state"] == "revoked" and body["state_label"] == "Đã thu hồi"
    assert body["product"] == "Rượu ngô" and body["producer"] == "HTX Thanh Hưng" and body["stars"] == 5
    assert body["commune"] == "Xã Thanh Hưng" and body["province"] == "Tỉnh Điện Biên"
    assert body["decision"]["number"] == cert.decision.number and body["decision"]["issuing_level"] == "province"
    assert body["last_valid_day"] == str(today - T(6)) and body["checked_on"] == str(today)
    assert body["revocation"] == {
        "number": revocation.number,
        "date": str(revocation.date),
        "reason": "Vi phạm an toàn thực phẩm",
        "ground": "law-breach",  # the reason names Điều 8 khoản 1 điểm c
        "issuing_level": "ministry",
    }
    assert body["superseded_by"] is None and body["verify_url"] == f"/verify/{cert.code}/"


def test_the_json_twin_names_the_successor_and_answers_404_for_unknown_codes(client, make_product, certify, today):
    product = make_product("Cà phê Mường Ảng")
    first = certify(product, today - T(400), stars=3)
    second = certify(product, today - T(30), stars=4)
    body = client.get(f"/api/v1/verify/{first.code}").json()
    assert body["state"] == "superseded" and body["revocation"] is None
    assert body["superseded_by"]["code"] == second.code and body["superseded_by"]["state"] == "valid"
    assert body["superseded_by"]["stars"] == 4
    missing = client.get("/api/v1/verify/KHONGCO123")
    assert missing.status_code == 404 and missing.json() == {"detail": "Không tìm thấy."}
