"""The public catalogue's home: search box, national and provincial figures, featured products, upcoming fairs."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog.tests import test_search
from products.models import ProductPhoto
from reports.queries import OcopReport

pytestmark = pytest.mark.django_db
HOME = "/catalog/"
listed = test_search.listed  # the fixture, shared

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def with_photo(product):
    ProductPhoto.objects.create(
        product=product, image=SimpleUploadedFile("a.png", PNG, content_type="image/png"), caption=product.name
    )
    return product


def test_anonymous_visitor_at_the_site_root_lands_on_the_catalogue(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == HOME
    page = client.get(HOME).content.decode()
    assert 'action="/catalog/search/"' in page


def test_signed_in_user_keeps_the_office_home(client, province_officer):
    client.force_login(province_officer)
    response = client.get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "core/home.html"


def test_figures_by_stars_and_group_match_the_report_engine(client, listed):
    listed("Mật ong Mường Phăng", stars=5)
    listed("Gạo tám thơm", "HTX Thanh Hưng", "pre2025:03331", stars=3)
    listed("Rượu men lá", stars=4, group="do-uong")
    listed("Chè cũ", decided=timezone.localdate() - datetime.timedelta(days=4 * 365))  # expired: not counted
    response = client.get(HOME)
    national = response.context["national"]
    assert national["products"]["total"] == 3
    assert dict(response.context["stars"]) == {5: 1, 4: 1, 3: 1}
    assert {g.code: n for g, n in response.context["groups"]}["do-uong"] == 1
    (dien_bien,) = response.context["provinces"]
    assert dien_bien["id"] == "2025:11" and dien_bien["products"] == 3 and dien_bien["stars"] == [1, 1, 1]
    from areas.queries import Country

    engine = OcopReport(Country("2025"), timezone.localdate()).figures()
    assert engine["products"]["by_stars"] == {str(s): n for s, n in response.context["stars"]}
    page = response.content.decode()
    assert "/catalog/search/?province=2025%3A11" in page and "/catalog/search/?stars=5" in page


def test_featured_are_the_newest_valid_five_and_four_star_products_with_a_photo(client, listed):
    today = timezone.localdate()
    with_photo(listed("Mật ong Mường Phăng", stars=5, decided=today - datetime.timedelta(days=200)))
    with_photo(listed("Chè shan tuyết", stars=4, decided=today - datetime.timedelta(days=20)))
    with_photo(listed("Gạo ba sao", stars=3))  # 3★: not featured
    listed("Rượu không ảnh", stars=5)  # no photo: not featured
    with_photo(listed("Chè hết hạn", stars=5, decided=today - datetime.timedelta(days=4 * 365)))  # expired
    featured = [card.product.name for card in client.get(HOME).context["featured"]]
    assert featured == ["Chè shan tuyết", "Mật ong Mường Phăng"]


def test_home_query_count_does_not_depend_on_the_data(client, listed, django_assert_max_num_queries):
    from django.core.cache import cache

    with_photo(listed("Mật ong Mường Phăng", stars=5))
    cache.clear()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(HOME)
    for n in range(10):
        with_photo(listed(f"Sản phẩm {n}", stars=4))
    cache.clear()
    with django_assert_max_num_queries(len(first)):
        client.get(HOME)


def test_home_is_served_from_the_page_cache_on_a_repeat_visit(client, listed):
    listed("Mật ong Mường Phăng")
    client.get(HOME)
    assert client.get(HOME)["X-Page-Cache"] == "hit"


def test_home_in_english_on_request(client):
    client.post("/i18n/setlang/", {"language": "en", "next": HOME})
    response = client.get(HOME)
    assert response.status_code == 200 and response["Content-Language"] == "en"
