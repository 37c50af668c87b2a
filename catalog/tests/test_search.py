"""The public catalogue's search: accents, typos, places of both schemes, certificate states, sorting, paging."""

import datetime
import itertools

import pytest
from django.utils import timezone

from catalog.search import correct, search_products, within_distance
from certification import services as certs
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)
SEARCH = "/catalog/search/"


@pytest.fixture
def listed(unit):
    """listed(name, producer, commune, stars=4, decided=<a year ago>, group="thuc-pham", valid_until=None) → the
    product, recognised by its own decision of Tỉnh Điện Biên."""
    producers = {}

    def make(
        name,
        producer="HTX Mường Phăng",
        commune="2025:03325",
        *,
        stars=4,
        decided=None,
        group="thuc-pham",
        valid_until=None,
    ):
        location = unit(commune)
        if producer not in producers:
            producers[producer] = create_producer(actor=None, name=producer, producer_type="htx", location=location)
        product = create_product(
            actor=None,
            name=name,
            producer=producers[producer],
            location=location,
            group=ProductCategory.objects.get(system="148", code=group),
        )
        decided = decided or timezone.localdate() - datetime.timedelta(days=365)
        decision, _ = certs.get_or_create_decision(
            actor=None,
            number=f"{next(_numbers)}/QĐ-UBND",
            date=decided,
            kind="recognition",
            issuing_level="ministry" if stars == 5 else "province",
            province=unit("2025:11") if decided >= datetime.date(2025, 7, 1) else unit("pre2025:11"),
        )
        certs.record_certificate(actor=None, product=product, decision=decision, stars=stars, valid_until=valid_until)
        return product

    return make


def names(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return [card.product.name for card in response.context["page"].object_list]


def test_search_without_accents_finds_the_product(client, listed):
    listed("Mật ong Mường Phăng")
    listed("Gạo tám thơm", "HTX Thanh Hưng", "pre2025:03331")
    assert names(client, q="mat ong muong phang") == ["Mật ong Mường Phăng"]
    assert names(client, q="MẬT ONG") == ["Mật ong Mường Phăng"]


def test_one_wrong_letter_still_finds_the_product_and_says_so(client, listed):
    listed("Mật ong Mường Phăng")
    response = client.get(SEARCH, {"q": "mat ong muong phnag"})
    assert [c.product.name for c in response.context["page"].object_list] == ["Mật ong Mường Phăng"]
    assert "muong phang" in response.content.decode()
    assert names(client, q="mat ongg") == ["Mật ong Mường Phăng"]


def test_a_word_found_nowhere_finds_nothing(client, listed):
    listed("Mật ong Mường Phăng")
    assert names(client, q="xyzxyz") == []


def test_producer_and_place_names_are_searched(client, listed):
    listed("Gạo tám thơm", "HTX Thanh Hưng", "pre2025:03331")
    listed("Mật ong Mường Phăng")
    assert names(client, q="htx thanh hung") == ["Gạo tám thơm"]
    assert names(client, q="gao thanh nua") == ["Gạo tám thơm"]  # the new commune of Xã Thanh Hưng


def test_a_product_never_certified_is_not_in_the_catalogue(client, listed, unit):
    listed("Mật ong Mường Phăng")
    producer = create_producer(actor=None, name="Hộ Lò Văn A", producer_type="ho", location=unit("2025:03325"))
    create_product(
        actor=None,
        name="Mật ong rừng",
        producer=producer,
        location=unit("2025:03325"),
        group=ProductCategory.objects.get(system="148", code="thuc-pham"),
    )
    assert names(client, q="mat ong") == ["Mật ong Mường Phăng"]


def test_expired_products_only_when_asked_and_marked(client, listed):
    long_ago = timezone.localdate() - datetime.timedelta(days=4 * 365)
    listed("Chè Tủa Chùa", decided=long_ago)
    listed("Mật ong Mường Phăng")
    assert names(client) == ["Mật ong Mường Phăng"]
    response = client.get(SEARCH, {"status": "expired"})
    assert [c.product.name for c in response.context["page"].object_list] == ["Chè Tủa Chùa"]
    page = response.content.decode()
    assert 'data-testid="status-warning"' in page and "Hết hạn" in page
    assert sorted(names(client, status="all")) == ["Chè Tủa Chùa", "Mật ong Mường Phăng"]


def test_revoked_products_only_when_asked(client, listed, unit):
    product = listed("Rượu ngô")
    listed("Mật ong Mường Phăng")
    day = timezone.localdate() - datetime.timedelta(days=10)
    decision, _ = certs.get_or_create_decision(
        actor=None, number="9/QĐ-TH", date=day, kind="revocation", issuing_level="province", province=unit("2025:11")
    )
    certs.revoke(actor=None, product=product, decision=decision, reason="Không còn đáp ứng tiêu chí")
    assert names(client) == ["Mật ong Mường Phăng"]
    response = client.get(SEARCH, {"status": "revoked"})
    assert [c.product.name for c in response.context["page"].object_list] == ["Rượu ngô"]
    assert "Đã thu hồi" in response.content.decode()


@pytest.mark.parametrize(
    ("area", "found"),
    [
        ("2025:03328", ["Gạo tám thơm"]),  # the new commune
        ("pre2025:03331", ["Gạo tám thơm"]),  # the old commune it came from
        ("2025:11", ["Gạo tám thơm", "Mật ong Mường Phăng"]),
        ("pre2025:11", ["Gạo tám thơm", "Mật ong Mường Phăng"]),
        ("2025:14", []),
    ],
)
def test_area_filter_in_either_boundary_scheme(client, listed, area, found):
    listed("Gạo tám thơm", "HTX Thanh Hưng", "pre2025:03331")
    listed("Mật ong Mường Phăng")
    assert sorted(names(client, area=area)) == found


def test_province_filter_takes_old_and_new_ids(client, listed):
    listed("Mật ong Mường Phăng")
    assert names(client, province="2025:11") == ["Mật ong Mường Phăng"]
    assert names(client, province="pre2025:11") == ["Mật ong Mường Phăng"]
    assert names(client, province="2025:14") == []


def test_bad_filters_say_what_is_wrong_and_where(client, listed):
    listed("Mật ong Mường Phăng")
    response = client.get(SEARCH, {"province": "2025:99", "stars": "7", "q": "mat ong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="search-errors"' in page
    assert "Tỉnh, thành phố" in page and "Số sao" in page
    assert 'value="mat ong"' in page  # what was typed stays in the box
    assert response.context["page"].object_list == []


def test_group_stars_and_sort(client, listed):
    listed("Rượu men lá", stars=3, group="do-uong", decided=timezone.localdate() - datetime.timedelta(days=30))
    listed("Mật ong Mường Phăng", stars=5, decided=timezone.localdate() - datetime.timedelta(days=300))
    listed("Chè shan tuyết", stars=4, decided=timezone.localdate() - datetime.timedelta(days=100))
    assert names(client, group="do-uong") == ["Rượu men lá"]
    assert names(client, stars="5") == ["Mật ong Mường Phăng"]
    assert names(client, sort="name") == ["Chè shan tuyết", "Mật ong Mường Phăng", "Rượu men lá"]
    assert names(client, sort="stars") == ["Mật ong Mường Phăng", "Chè shan tuyết", "Rượu men lá"]
    assert names(client, sort="newest") == ["Rượu men lá", "Chè shan tuyết", "Mật ong Mường Phăng"]


def test_relevance_puts_names_starting_with_the_query_first(client, listed):
    listed("Bánh mật ong")
    listed("Mật ong Mường Phăng", "HTX Ong Xanh")
    assert names(client, q="mat ong") == ["Mật ong Mường Phăng", "Bánh mật ong"]


def test_card_shows_the_live_state_and_decision_number(client, listed):
    product = listed("Mật ong Mường Phăng")
    number = product.certificates.get().decision.number
    page = client.get(SEARCH, {"q": "mat ong"}).content.decode()
    assert "Còn hiệu lực" in page and number in page


def test_results_are_paged_and_the_address_keeps_the_filters(client, listed):
    for n in range(23):
        listed(f"Mật ong {n:02d}")
    first = client.get(SEARCH, {"q": "mat ong", "sort": "name"})
    assert len(first.context["page"].object_list) == 20
    assert "?q=mat+ong&amp;sort=name&amp;page=2" in first.content.decode()
    second = client.get(SEARCH, {"q": "mat ong", "sort": "name", "page": "2"})
    assert [c.product.name for c in second.context["page"].object_list] == ["Mật ong 20", "Mật ong 21", "Mật ong 22"]


@pytest.mark.parametrize(
    ("params", "queries"),
    [
        # data version, the form's provinces, page ids with the count (which also says whether the words match as
        # typed, else the typo fallback), rows, certificates, photos, the form's groups and sub-groups
        ({}, 8),
        ({"q": "mat ong"}, 8),
        # … and the province named in the address
        ({"q": "mat ong", "province": "2025:11", "stars": "4", "sort": "newest"}, 9),
    ],
)
def test_query_count_does_not_depend_on_the_number_of_results(
    client, listed, django_assert_num_queries, params, queries
):
    from django.core.cache import cache

    listed("Mật ong Mường Phăng")
    with django_assert_num_queries(queries):
        client.get(SEARCH, params)
    for n in range(15):
        listed(f"Mật ong {n}")
    cache.clear()
    with django_assert_num_queries(queries):
        response = client.get(SEARCH, params)
    assert len(response.context["page"].object_list) == 16


def test_anonymous_repeat_visit_is_served_from_the_page_cache(client, listed):
    listed("Mật ong Mường Phăng")
    client.get(SEARCH, {"q": "mat ong"})
    again = client.get(SEARCH, {"q": "mat ong"})
    assert again["X-Page-Cache"] == "hit"


def test_english_labels_on_request(client, listed):
    listed("Mật ong Mường Phăng")
    client.post("/i18n/setlang/", {"language": "en", "next": SEARCH})
    response = client.get(SEARCH)
    assert response["Content-Language"] == "en"


def test_typo_correction_rules():
    vocab = frozenset({"mat", "ong", "muong", "phang", "thanh", "hung"})
    assert correct(["mat", "ong", "muong", "phnag"], vocab) == ["mat", "ong", "muong", "phang"]
    assert correct(["mat", "ong"], vocab) is None  # nothing to correct
    assert correct(["ab"], vocab) is None  # too short to guess
    assert within_distance("phang", "phanh", 1) and not within_distance("phang", "thanh", 1)


def test_search_products_is_callable_with_a_plain_dict(listed):
    listed("Mật ong Mường Phăng")
    page = search_products({"q": "muong phang"})
    assert [c.product.name for c in page.object_list] == ["Mật ong Mường Phăng"]


def test_sales_channel_filter_keeps_products_with_a_public_channel_of_that_kind(client, listed):
    from programme import channel_services

    sold_online = listed("Mật ong Mường Phăng")
    listed("Gạo tám thơm", "HTX Thanh Hưng", "pre2025:03331")
    channel_services.enter_directly(
        actor=None,
        product=sold_online,
        kind="listing",
        values={"platform": "shopee", "url": "https://shopee.vn/mat-ong", "checked_on": None},
    )
    assert names(client, channel="ecommerce") == ["Mật ong Mường Phăng"]
    assert names(client, channel="supermarket") == []
    assert 'data-testid="search-errors"' in client.get(SEARCH, {"channel": "nonsense"}).content.decode()
