"""The link check of e-commerce listings, run against a local HTTP server (http.server in a thread)."""

import datetime
import http.server
import threading
import time

import pytest

from core.models import AuditEntry
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product
from programme import channel_services as services
from programme.channel_queries import public_channels
from programme.channel_tasks import check_listing_links
from programme.models import EcommerceListing, LinkState

pytestmark = pytest.mark.django_db

DAY1, DAY2, DAY3 = datetime.date(2026, 12, 1), datetime.date(2026, 12, 2), datetime.date(2026, 12, 3)


class Shop(http.server.BaseHTTPRequestHandler):
    """Answers by path: /ok 200, /gone 404, /robots-refused 403, /moved a redirect, /slow too late."""

    statuses = {"/ok": 200, "/gone": 404, "/robots-refused": 403, "/broken": 503}
    seen: list

    def do_GET(self):
        self.seen.append(self.path)
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/elsewhere")
            self.end_headers()
            return
        self.send_response(self.statuses.get(self.path, 200))
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def shop():
    seen = []
    handler = type("Handler", (Shop,), {"seen": seen, "statuses": dict(Shop.statuses)})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    server.seen = seen
    server.handler = handler
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def checking(settings):
    settings.CHANNEL_LINK_CHECK = True
    settings.CHANNEL_LINK_ALLOW_PRIVATE = True  # the test server listens on 127.0.0.1
    settings.CHANNEL_LINK_FAILURES = 2
    settings.CHANNEL_LINK_TIMEOUT = 0.5
    return settings


@pytest.fixture
def product(unit):
    producer = create_producer(actor=None, name="HTX Thanh Hưng", producer_type="htx", location=unit("2025:03328"))
    return create_product(
        actor=None,
        name="Gạo tám thơm",
        producer=producer,
        location=unit("2025:03328"),
        group=ProductCategory.objects.get(system="148", code="thuc-pham"),
    )


def listing(product, url, platform="shopee"):
    return services.enter_directly(
        actor=None, product=product, kind="listing", values={"platform": platform, "url": url, "checked_on": None}
    )


def public_urls(product):
    return [x.url for x in public_channels([product.pk])[product.pk].listings]


def test_nothing_is_requested_while_the_setting_is_off(shop, product):
    listing(product, shop.base + "/gone")
    assert check_listing_links.call(DAY1.isoformat()) == {"enabled": False}
    assert shop.seen == []
    assert EcommerceListing.objects.get().link_state == LinkState.UNCHECKED


def test_listing_is_flagged_dead_after_repeated_failures_and_never_deleted(shop, product, checking):
    alive = listing(product, shop.base + "/ok")
    gone = listing(product, shop.base + "/gone", platform="tiki")

    check_listing_links.call(DAY1.isoformat())
    gone.refresh_from_db()
    assert gone.link_state == LinkState.UNCHECKED and gone.link_failures == 1  # one failure is not enough
    assert sorted(public_urls(product)) == sorted([alive.url, gone.url])

    counts = check_listing_links.call(DAY2.isoformat())
    gone.refresh_from_db()
    assert gone.link_state == LinkState.DEAD
    assert gone.link_dead_since == DAY2 and gone.link_status == "HTTP 404" and gone.checked_on == DAY2
    assert public_urls(product) == [alive.url]
    assert EcommerceListing.objects.filter(pk=gone.pk).exists()
    assert counts["checked"] == 2 and counts["failed"] == 1 and counts["dead"] == 1
    assert AuditEntry.objects.filter(action="programme.listing.link_dead", object_id=str(gone.pk)).count() == 1
    assert AuditEntry.objects.filter(action="programme.listing.links_checked").count() == 2

    alive.refresh_from_db()
    assert alive.link_state == LinkState.OK and alive.checked_on == DAY2

    # the shop fixed its page: the next check brings the listing back, the day it died is forgotten
    shop.handler.statuses["/gone"] = 200
    check_listing_links.call(DAY3.isoformat())
    gone.refresh_from_db()
    assert gone.link_state == LinkState.OK and gone.link_dead_since is None and gone.link_failures == 0
    assert sorted(public_urls(product)) == sorted([alive.url, gone.url])
    assert AuditEntry.objects.filter(action="programme.listing.link_restored", object_id=str(gone.pk)).exists()


def test_only_the_listed_address_is_requested_and_redirects_are_not_followed(shop, product, checking):
    moved = listing(product, shop.base + "/moved")
    check_listing_links.call(DAY1.isoformat())
    assert shop.seen == ["/moved"]
    moved.refresh_from_db()
    assert moved.link_state == LinkState.OK and moved.link_status == "HTTP 301"


def test_a_server_refusing_robots_is_alive_but_a_broken_one_fails(shop, product, checking):
    refused = listing(product, shop.base + "/robots-refused")
    broken = listing(product, shop.base + "/broken")
    check_listing_links.call(DAY1.isoformat())
    refused.refresh_from_db()
    broken.refresh_from_db()
    assert refused.link_state == LinkState.OK
    assert broken.link_failures == 1 and broken.link_status == "HTTP 503"


def test_a_slow_server_counts_as_a_failure_after_the_timeout(shop, product, checking):
    slow = listing(product, shop.base + "/slow")
    started = time.monotonic()
    check_listing_links.call(DAY1.isoformat())
    assert time.monotonic() - started < 2.5
    slow.refresh_from_db()
    assert slow.link_failures == 1 and "timed out" in slow.link_status


def test_private_addresses_are_not_contacted_unless_allowed(shop, product, checking):
    checking.CHANNEL_LINK_ALLOW_PRIVATE = False
    local = listing(product, shop.base + "/ok")
    check_listing_links.call(DAY1.isoformat())
    assert shop.seen == []
    local.refresh_from_db()
    assert local.link_failures == 1 and "private" in local.link_status


def test_unapproved_and_withdrawn_listings_are_not_checked(shop, product, checking, producer):
    product.producer.accounts.add(producer)
    services.propose(
        actor=producer,
        product=product,
        kind="listing",
        values={"platform": "lazada", "url": shop.base + "/pending", "checked_on": None},
    )
    removed = listing(product, shop.base + "/removed")
    services.remove_directly(actor=None, kind="listing", pk=removed.pk)
    check_listing_links.call(DAY1.isoformat())
    assert shop.seen == []


def test_changing_the_address_forgets_the_old_address_failures(shop, product, checking, province_officer):
    gone = listing(product, shop.base + "/gone")
    check_listing_links.call(DAY1.isoformat())
    check_listing_links.call(DAY2.isoformat())
    gone.refresh_from_db()
    assert gone.link_state == LinkState.DEAD
    services.enter_directly(
        actor=province_officer,
        product=product,
        kind="listing",
        values={"platform": "shopee", "url": shop.base + "/ok", "checked_on": None},
        pk=gone.pk,
    )
    gone.refresh_from_db()
    assert gone.link_state == LinkState.UNCHECKED and gone.link_failures == 0
    assert public_urls(product) == [shop.base + "/ok"]
