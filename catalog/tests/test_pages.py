"""The public catalogue's product, producer and province pages: no login, the live certificate state as the verify
page gives it, and a constant number of queries whatever a product has."""

import datetime
import io
import itertools
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from certification import services as certification
from producers.services import create_producer
from products.models import ProductCategory, ProductPhoto
from products.services import create_product

pytestmark = pytest.mark.django_db
T = datetime.timedelta
_numbers = itertools.count(1)
SITE = "https://ocop.example.vn"


def png(color=(200, 120, 40), size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


class Catalogue:
    """Products, certificates, revocations and photos written through the services, as an office would."""

    def __init__(self, unit):
        self.unit = unit
        self.group = ProductCategory.objects.get(system="148", code="thuc-pham")
        self.producers = {}
        self.today = timezone.localdate()

    def producer(self, name="HTX Thanh Hưng", area="pre2025:03331", **extra):
        if name not in self.producers:
            self.producers[name] = create_producer(
                actor=None, name=name, producer_type="htx", location=self.unit(area), **extra
            )
        return self.producers[name]

    def product(self, name, producer="HTX Thanh Hưng", area="pre2025:03331", **extra):
        return create_product(
            actor=None,
            name=name,
            producer=self.producer(producer, area),
            location=self.unit(area),
            group=self.group,
            **extra,
        )

    def decision(self, day, kind="recognition"):
        province = self.unit("2025:11") if day >= datetime.date(2025, 7, 1) else self.unit("pre2025:11")
        decision, _ = certification.get_or_create_decision(
            actor=None,
            number=f"{next(_numbers)}/QĐ-UBND",
            date=day,
            kind=kind,
            issuing_level="province",
            province=province,
        )
        return decision

    def certify(self, product, decided=None, stars=4, valid_until=None):
        decided = decided or self.today - T(days=100)
        certificate, _ = certification.record_certificate(
            actor=None, product=product, decision=self.decision(decided), stars=stars, valid_until=valid_until
        )
        return certificate

    def revoke(self, product, day=None):
        day = day or self.today - T(days=5)
        certificate, _ = certification.revoke(
            actor=None, product=product, decision=self.decision(day, "revocation"), reason="Không còn sản xuất"
        )
        certificate.refresh_from_db()
        return certificate

    def photo(self, product, caption="", color=(200, 120, 40)):
        photo = ProductPhoto(product=product, caption=caption)
        photo.image.save("photo.png", ContentFile(png(color)), save=False)
        photo.save()
        return photo

    def valid(self, name, stars=4, **extra):
        product = self.product(name, **extra)
        self.certify(product, stars=stars)
        return product


@pytest.fixture(autouse=True)
def _catalogue_settings(settings, tmp_path):
    settings.OCOP_EXPIRY_WARNING_DAYS = 30
    settings.SITE_URL = SITE
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


@pytest.fixture
def catalogue(unit):
    return Catalogue(unit)


def vn(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def state_of(html: str) -> str:
    return re.search(r'data-testid="catalog-state" data-state="([^"]+)"', html).group(1)


def json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


# ── the product page ─────────────────────────────────────────────────────────────────────────────────────────────


def test_a_valid_product_shows_its_stars_decision_producer_place_and_qr(client, catalogue):
    product = catalogue.product("Gạo tám thơm Điện Biên", description="Hạt gạo thon dài.", story="Từ năm 1990.")
    producer = product.producer
    producer.phone, producer.email, producer.address = "0215 3 825 111", "htx@example.vn", "Bản Co Mỵ"
    producer.save()
    certificate = catalogue.certify(product, stars=4)

    html = page(client, f"/catalog/product/{product.pk}/")

    assert state_of(html) == "valid"
    assert "Gạo tám thơm Điện Biên" in html and "Hạt gạo thon dài." in html and "Từ năm 1990." in html
    assert f"Số {certificate.decision.number} ngày {vn(certificate.decision.date)}" in html
    assert f"đến hết ngày {vn(certificate.last_valid_day)}" in html
    assert "HTX Thanh Hưng" in html and "0215 3 825 111" in html and "htx@example.vn" in html
    today_place = re.search(r'data-testid="place-today">(.*?)</dd>', html, re.S).group(1)
    old_place = re.search(r'data-testid="place-old">(.*?)</dd>', html, re.S).group(1)
    assert product.new_commune.name in today_place and product.new_province.name in today_place
    assert product.old_commune.name in old_place and product.old_province.name in old_place
    assert f'href="{SITE}/verify/{certificate.code}/"' in html
    assert f'src="/catalog/product/{product.pk}/qr.png"' in html


def test_the_qr_image_opens_the_verify_page_of_the_certificate_held(client, catalogue):
    product = catalogue.valid("Mật ong Mường Phăng")
    certificate = product.certificates.get()

    response = client.get(f"/catalog/product/{product.pk}/qr.png")

    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    from certification.documents import qr_png

    assert response.content == qr_png(f"{SITE}/verify/{certificate.code}/")


def test_the_page_state_is_the_verify_page_state_for_every_state(client, catalogue):
    today = catalogue.today
    valid = catalogue.valid("Chè Tủa Chùa")
    expiring = catalogue.product("Rượu Mông Pê")
    catalogue.certify(expiring, decided=today - T(days=1000), valid_until=today + T(days=10))
    expired = catalogue.product("Cà phê Mường Ảng")
    catalogue.certify(expired, decided=today - T(days=1200), valid_until=today - T(days=10))
    revoked = catalogue.valid("Măng khô")
    catalogue.revoke(revoked)

    for product, expected in ((valid, "valid"), (expiring, "expiring"), (expired, "expired"), (revoked, "revoked")):
        code = product.certificates.order_by("-valid_from", "-id").first().code
        verify_html = page(client, f"/verify/{code}/")
        verify_state = re.search(r'data-testid="verify-state" data-state="([^"]+)"', verify_html).group(1)
        assert state_of(page(client, f"/catalog/product/{product.pk}/")) == verify_state == expected


def test_an_expired_product_says_so_before_anything_else_and_claims_no_award(client, catalogue):
    today = catalogue.today
    product = catalogue.product("Cà phê Mường Ảng")
    certificate = catalogue.certify(product, decided=today - T(days=1200), valid_until=today - T(days=10))

    html = page(client, f"/catalog/product/{product.pk}/")

    banner = html.index('data-testid="catalog-state"')
    assert banner < html.index('data-testid="product-name"')
    assert "Giấy chứng nhận OCOP đã hết hạn" in html
    assert f"chỉ có hiệu lực đến hết ngày {vn(certificate.last_valid_day)}" in html
    assert "Sản phẩm hiện không được công nhận là sản phẩm OCOP" in html
    data = json_ld(html)
    assert "award" not in data and "aggregateRating" not in data
    assert data["additionalProperty"][0]["value"] == "Hết hạn"


def test_a_revoked_product_names_the_revocation_decision(client, catalogue):
    product = catalogue.valid("Măng khô")
    certificate = catalogue.revoke(product)

    html = page(client, f"/catalog/product/{product.pk}/")

    assert state_of(html) == "revoked"
    assert "Giấy chứng nhận OCOP đã bị thu hồi" in html
    assert f"Quyết định số {certificate.revocation.number} ngày {vn(certificate.revocation.date)}" in html
    assert "award" not in json_ld(html)


def test_a_product_that_never_held_a_certificate_is_not_found(client, catalogue):
    never = catalogue.product("Ý tưởng chưa công nhận")
    future = catalogue.product("Chưa có hiệu lực")
    catalogue.certify(future, decided=catalogue.today + T(days=3))

    assert client.get(f"/catalog/product/{never.pk}/").status_code == 404
    assert client.get(f"/catalog/product/{future.pk}/").status_code == 404
    assert client.get("/catalog/product/999999/").status_code == 404
    assert client.get(f"/catalog/product/{never.pk}/qr.png").status_code == 404


def test_a_renewed_product_shows_its_new_certificate_not_the_superseded_one(client, catalogue):
    today = catalogue.today
    product = catalogue.product("Gạo nếp tan")
    old = catalogue.certify(product, decided=today - T(days=1100), stars=3)
    new = catalogue.certify(product, decided=today - T(days=20), stars=4)

    html = page(client, f"/catalog/product/{product.pk}/")

    assert state_of(html) == "valid"
    assert new.code in html and old.code not in html
    assert f"Số {new.decision.number} ngày" in html


def test_json_ld_is_a_product_with_brand_image_and_the_ocop_award_not_a_rating(client, catalogue):
    product = catalogue.product("Gạo tám thơm", description="Gạo ngon </script><b>")
    catalogue.certify(product, stars=5)
    photo = catalogue.photo(product)

    html = page(client, f"/catalog/product/{product.pk}/")
    data = json_ld(html)

    assert "</script><b>" not in html.split('type="application/ld+json">')[1].split("</script>")[0]
    assert data["@type"] == "Product" and data["name"] == "Gạo tám thơm"
    assert data["description"] == "Gạo ngon </script><b>"
    assert data["brand"]["name"] == "HTX Thanh Hưng"
    assert data["image"] == [f"{SITE}/catalog/product/{product.pk}/photos/{photo.pk}/"]
    assert "aggregateRating" not in data and "review" not in data
    assert "5 sao" in data["award"]
    stars = next(p for p in data["additionalProperty"] if p["name"] == "Hạng sao OCOP")
    assert stars["value"] == 5


def test_photos_of_a_catalogue_product_are_public_and_others_are_not(client, catalogue):
    shown = catalogue.valid("Gạo tám thơm")
    photo = catalogue.photo(shown, caption="Ruộng lúa")
    hidden = catalogue.product("Chưa công nhận")
    hidden_photo = catalogue.photo(hidden)

    html = page(client, f"/catalog/product/{shown.pk}/")
    assert f'src="/catalog/product/{shown.pk}/photos/{photo.pk}/"' in html and 'alt="Ruộng lúa"' in html
    response = client.get(f"/catalog/product/{shown.pk}/photos/{photo.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get(f"/catalog/product/{hidden.pk}/photos/{hidden_photo.pk}/").status_code == 404
    assert client.get(f"/catalog/product/{shown.pk}/photos/{hidden_photo.pk}/").status_code == 404


def test_the_product_page_costs_the_same_queries_with_many_photos_channels_and_certificates(
    client, catalogue, django_assert_num_queries
):
    today = catalogue.today
    small = catalogue.valid("Sản phẩm ít dữ liệu")
    big = catalogue.product("Sản phẩm nhiều dữ liệu")
    catalogue.certify(big, decided=today - T(days=2000), stars=3)
    catalogue.certify(big, decided=today - T(days=900), stars=4)
    catalogue.certify(big, decided=today - T(days=30), stars=5)
    for i in range(6):
        catalogue.photo(big, caption=f"Ảnh {i}")
    _public_channels(big, count=4)
    _events(catalogue, big, count=3)

    def count(product):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/catalog/product/{product.pk}/").status_code == 200
        return len(captured)

    from django.core.cache import cache

    baseline = count(small)
    cache.clear()
    with django_assert_num_queries(baseline):
        assert client.get(f"/catalog/product/{big.pk}/").status_code == 200


def _events(catalogue, product, count, public=True):
    """Events the product took part in (entered by the office, so accepted), oldest first."""
    from programme import event_services

    events = []
    for i in range(count):
        start = catalogue.today - T(days=300 - i * 30)
        event = event_services.create_event(
            actor=None,
            name=f"Hội chợ OCOP {i}",
            kind="fair",
            level="province",
            organiser="Sở Nông nghiệp và Môi trường",
            start_date=start,
            end_date=start + T(days=3),
            place="Quảng trường 7/5",
            province=catalogue.unit("2025:11"),
            is_public=public,
        )
        event_services.add_participant(actor=None, event=event, producer=product.producer, products=[product])
        events.append(event)
    return events


def _public_channels(product, count):
    """Approved channels of every kind, as the moderation leaves them."""
    from programme.models import DistributionAgreement, EcommerceListing, Outlet

    now = timezone.now()
    for i in range(count):
        Outlet.objects.create(
            product=product, kind="ocop-shop", name=f"Điểm bán {i}", commune=product.location, approved_at=now
        )
        EcommerceListing.objects.create(
            product=product, platform="shopee", url=f"https://shopee.vn/shop{i}", approved_at=now
        )
        DistributionAgreement.objects.create(product=product, partner=f"Nhà phân phối {i}", approved_at=now)


def test_where_to_buy_lists_only_approved_channels(client, catalogue):
    from programme.models import Outlet

    product = catalogue.valid("Gạo tám thơm")
    _public_channels(product, count=1)
    Outlet.objects.create(product=product, kind="supermarket", name="Siêu thị chưa duyệt", commune=product.location)

    html = page(client, f"/catalog/product/{product.pk}/")

    assert "Điểm bán 0" in html and "https://shopee.vn/shop0" in html and "Nhà phân phối 0" in html
    assert "Siêu thị chưa duyệt" not in html


def test_fairs_attended_are_listed_newest_first_and_private_ones_are_not(client, catalogue):
    product = catalogue.valid("Gạo tám thơm")
    older, newer = _events(catalogue, product, count=2)
    (private,) = _events(catalogue, product, count=1, public=False)
    private.name = "Hội nghị nội bộ"
    private.save()

    html = page(client, f"/catalog/product/{product.pk}/")
    section = html.split('data-testid="events"')[1].split("</section>")[0]

    assert section.index(newer.name) < section.index(older.name)
    assert f"từ {vn(older.start_date)} đến {vn(older.end_date)}" in section and "Quảng trường 7/5" in section
    assert "Hội nghị nội bộ" not in html


def test_an_anonymous_repeat_visit_is_served_from_the_page_cache_until_a_write(client, catalogue):
    product = catalogue.valid("Gạo tám thơm")
    url = f"/catalog/product/{product.pk}/"

    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    catalogue.revoke(product)
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss" and state_of(response.content.decode()) == "revoked"


def test_the_cached_page_is_not_kept_past_midnight(client, catalogue, monkeypatch):
    today = catalogue.today
    product = catalogue.product("Rượu Mông Pê")
    catalogue.certify(product, decided=today - T(days=1000), valid_until=today)
    url = f"/catalog/product/{product.pk}/"
    assert state_of(page(client, url)) == "expiring"

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + T(days=1))

    assert state_of(page(client, url)) == "expired"


def test_open_graph_tags_describe_the_product(client, catalogue):
    product = catalogue.valid("Gạo tám thơm", stars=4)
    photo = catalogue.photo(product)

    html = page(client, f"/catalog/product/{product.pk}/")
    head = html.split("</head>")[0]

    assert '<meta property="og:title" content="Gạo tám thơm – Sản phẩm OCOP 4 sao">' in head
    assert f'<meta property="og:url" content="{SITE}/catalog/product/{product.pk}/">' in head
    assert f'<meta property="og:image" content="{SITE}/catalog/product/{product.pk}/photos/{photo.pk}/">' in head


def test_the_product_page_speaks_english_when_chosen(client, catalogue):
    product = catalogue.valid("Gạo tám thơm")
    client.cookies["django_language"] = "en"

    html = page(client, f"/catalog/product/{product.pk}/")

    assert 'lang="en"' in html


# ── producer and province pages ─────────────────────────────────────────────────────────────────────────────────


def test_the_producer_page_lists_its_products_with_their_live_state(client, catalogue):
    today = catalogue.today
    valid = catalogue.valid("Gạo tám thơm", stars=4)
    expired = catalogue.product("Gạo nếp")
    catalogue.certify(expired, decided=today - T(days=1200), valid_until=today - T(days=3))
    never = catalogue.product("Bánh chưa công nhận")
    producer = valid.producer
    producer.phone = "0912 345 678"
    producer.save()

    html = page(client, f"/catalog/producer/{producer.pk}/")

    live = html.split('data-testid="live-products"')[1].split('data-testid="ended-products"')[0]
    ended = html.split('data-testid="ended-products"')[1]
    assert f'data-product="{valid.pk}" data-state="valid"' in live
    assert f'data-product="{expired.pk}" data-state="expired"' in ended
    assert never.name not in html
    assert "0912 345 678" in html


def test_a_producer_without_catalogue_products_is_not_found(client, catalogue):
    product = catalogue.product("Chưa công nhận", producer="Hộ chưa có OCOP")
    assert client.get(f"/catalog/producer/{product.producer_id}/").status_code == 404


def test_the_province_page_lists_its_valid_products_stars_and_the_report_narrative(client, catalogue):
    today = catalogue.today
    five = catalogue.valid("Gạo tám thơm", stars=5)
    three = catalogue.valid("Chè Shan tuyết", stars=3)
    expired = catalogue.product("Cà phê")
    catalogue.certify(expired, decided=today - T(days=1200), valid_until=today - T(days=3))
    from areas.models import AdministrativeUnit

    son_la = AdministrativeUnit.objects.filter(scheme="2025", level="commune", province__code="14").first()
    elsewhere = catalogue.product("Chè Sơn La", producer="HTX Mộc Châu", area=str(son_la.area_id))
    catalogue.certify(elsewhere)  # decided by Điện Biên's fixture province, placed in Sơn La: not Điện Biên's

    html = page(client, "/catalog/province/2025:11/")

    listed = re.findall(r'data-testid="catalog-entry" data-product="(\d+)"', html)
    assert listed == [str(five.pk), str(three.pk)]  # best stars first, in force only
    from reports.dashboard import build_dashboard

    narrative = build_dashboard(catalogue.unit("2025:11"), today).narrative()
    assert "trên địa bàn" in narrative
    assert f'data-testid="narrative">{narrative}</p>' in html.replace("&#x27;", "'")
    counts = re.search(r'data-testid="star-counts">(.*?)</ul>', html, re.S).group(1)
    assert [c for c in re.findall(r'fw-semibold">(\d+)<', counts)] == ["1", "0", "1"]


def test_the_old_province_page_names_its_successor(client, catalogue):
    catalogue.valid("Gạo tám thơm")
    html = page(client, "/catalog/province/pre2025:11/")
    assert 'data-testid="today-province"' in html
    assert re.findall(r'data-testid="catalog-entry"', html)


@pytest.mark.parametrize("area_id", ["2025:03328", "xyz", "2025:99", "vn"])
def test_a_province_page_for_anything_but_a_province_is_not_found(client, area_id):
    assert client.get(f"/catalog/province/{area_id}/").status_code == 404


def test_list_pages_cost_the_same_queries_whatever_the_number_of_products(client, catalogue, django_assert_num_queries):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    catalogue.valid("Sản phẩm 0")

    def counts():
        found = []
        for url in ("/catalog/province/2025:11/", f"/catalog/producer/{catalogue.producer().pk}/"):
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            found.append(len(captured))
        return found

    before = counts()
    for i in range(1, 8):
        product = catalogue.valid(f"Sản phẩm {i}", stars=3 + i % 3)
        catalogue.photo(product)
    assert counts() == before
