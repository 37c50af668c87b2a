"""The catalogue search's paging, statuses and typo vocabulary, as the visitor sees them (one query gives a page and
the number of results, so these edges are tested on their own)."""

import pytest

from catalog.search import search_products, vocabulary
from catalog.tests.test_search import listed  # noqa: F401 (the fixture)
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

pytestmark = pytest.mark.django_db


def _names(page):
    return [card.product.name for card in page.object_list]


def test_a_page_past_the_last_shows_the_last_page_and_the_full_count(listed):  # noqa: F811
    for n in range(23):
        listed(f"Mật ong {n:02d}")
    page = search_products({"q": "mat ong", "sort": "name", "page": "99"})
    assert page.number == 2 and page.paginator.count == 23 and page.paginator.num_pages == 2
    assert _names(page) == ["Mật ong 20", "Mật ong 21", "Mật ong 22"]


def test_a_page_that_is_not_a_number_shows_the_first_page(listed):  # noqa: F811
    for n in range(21):
        listed(f"Mật ong {n:02d}")
    page = search_products({"sort": "name", "page": "abc"})
    assert page.number == 1 and page.paginator.count == 21 and len(page.object_list) == 20


def test_no_results_is_one_empty_page_with_a_zero_count(listed):  # noqa: F811
    listed("Mật ong Mường Phăng")
    for page_number in ("1", "3"):
        page = search_products({"q": "xyzxyz", "page": page_number})
        assert page.number == 1 and page.paginator.count == 0 and page.object_list == []


def test_a_typo_is_corrected_on_a_later_page_too(listed):  # noqa: F811
    for n in range(22):
        listed(f"Mật ong {n:02d}")
    page = search_products({"q": "mat ongg", "sort": "name", "page": "2"})
    assert page.corrected == "mat ong" and page.paginator.count == 22
    assert _names(page) == ["Mật ong 20", "Mật ong 21"]


def test_every_status_but_all_keeps_products_never_certified_out(listed, unit):  # noqa: F811
    listed("Mật ong Mường Phăng")
    producer = create_producer(actor=None, name="Hộ Lò Văn A", producer_type="ho", location=unit("2025:03325"))
    create_product(
        actor=None,
        name="Mật ong rừng",
        producer=producer,
        location=unit("2025:03325"),
        group=ProductCategory.objects.get(system="148", code="thuc-pham"),
    )
    for status in ("valid", "expired", "revoked", "all"):
        assert "Mật ong rừng" not in _names(search_products({"q": "mat ong", "status": status}))


def test_the_typo_vocabulary_holds_the_catalogue_names_and_only_them(listed, unit):  # noqa: F811
    from django.core.cache import cache

    listed("Gạo tám thơm", "HTX Thanh Hưng", "pre2025:03331")
    producer = create_producer(actor=None, name="Hộ Lò Văn Zếch", producer_type="ho", location=unit("2025:03325"))
    create_product(
        actor=None,
        name="Trà shan quýt",
        producer=producer,
        location=unit("2025:03325"),
        group=ProductCategory.objects.get(system="148", code="thuc-pham"),
    )
    cache.clear()
    words = vocabulary()
    # the product's, its producer's, its old commune's and its new commune's (Xã Thanh Nưa) names
    assert {"gao", "tam", "thom", "htx", "thanh", "hung", "nua"} <= words
    # a product never certified and its producer are not in the catalogue
    assert not {"tra", "quyt", "zech"} & words
