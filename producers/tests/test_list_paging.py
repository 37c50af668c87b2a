"""The producers list pages its bare rows first and counts products for the page's producers only (issue 15)."""

import pytest
from django.db.models import Count

from producers.models import Producer
from products.tests.test_register_pages import make_products

pytestmark = pytest.mark.django_db


def test_each_page_shows_every_producer_once_with_its_own_product_count(client, province_officer, unit):
    for n in range(53):  # one page and a bit
        make_products(unit, n % 3, prefix=f"Chủ thể {n:02d}")
    client.force_login(province_officer)
    counts = dict(Producer.objects.annotate(n=Count("products")).values_list("name", "n"))
    expected = [p.name for p in Producer.objects.order_by("search_name", "id")]
    seen = []
    for page in (1, 2):
        response = client.get(f"/producers/?page={page}")
        assert response.context["page"].paginator.count == len(expected)
        rows = list(response.context["page"].object_list)
        seen += [p.name for p in rows]
        assert all(p.product_count == counts[p.name] for p in rows)
    assert seen == expected
    assert {p["name"] for p in client.get("/api/v1/producers/?limit=100").json()["items"]} == set(expected)


def test_rehome_producers_command_reports_what_it_moved(db, unit):
    from io import StringIO

    from django.core.management import call_command

    from producers.models import Producer
    from producers.services import create_producer

    producer = create_producer(actor=None, name="HTX Rau Mỹ Tho", producer_type="htx", location=unit("pre2025:28249"))
    assert producer.home_province == unit("2025:82")
    Producer.objects.filter(pk=producer.pk).update(home_province=unit("2025:80"))  # as recorded before issue 15
    out = StringIO()
    call_command("rehome_producers", stdout=out)
    producer.refresh_from_db()
    assert producer.home_province == unit("2025:82")
    assert "Đã chuyển tỉnh của 1 chủ thể." in out.getvalue()
