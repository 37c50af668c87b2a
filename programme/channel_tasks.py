"""The link check of e-commerce listings, run by the worker as a periodic job (PERIODIC_JOBS "channel-links").

Off unless settings.CHANNEL_LINK_CHECK is true. For each approved, public-or-dead listing it sends one plain GET to
the listed address and nowhere else: no redirect is followed (a redirect is an answer: the shop's page exists), no
third-party checker is asked. An address that resolves to a private, loopback or link-local network is not contacted
(unless CHANNEL_LINK_ALLOW_PRIVATE, for tests) and counts as a failure, so a listing cannot make the server probe its
own network. After CHANNEL_LINK_FAILURES failures in a row the listing is flagged dead (programme.channel_services).
"""

import datetime
import http.client
import ipaddress
import logging
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings
from django.tasks import task

from core.audit import record
from programme.channel_services import record_link_check
from programme.models import EcommerceListing, LinkState

logger = logging.getLogger(__name__)

USER_AGENT = "OCOP-link-check/1"
# Answers that say the page is gone or the server is broken. Others (401, 403, 405, 429…) come from a live server
# that refuses robots: the shop's page exists, so they do not count against the listing.
FAILING_STATUSES = frozenset({404, 410}) | frozenset(range(500, 600))


def settings_value(name: str, default):
    return getattr(settings, name, default)


def _private(host: str, port: int) -> bool:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError:
        return False  # the request itself will fail and say so
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            return True
    return False


def check_url(url: str, *, timeout: float, allow_private: bool = False) -> tuple[bool, str]:
    """One plain GET to `url` only: (alive, what was seen) — an HTTP status, or the error."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False, "invalid address"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if not allow_private and _private(parts.hostname, port):
        return False, "private address, not contacted"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*"})
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException) as exc:  # timeouts, refused connections, TLS and DNS errors
        return False, f"{type(exc).__name__}: {exc}"[:100]
    finally:
        connection.close()
    return status not in FAILING_STATUSES, f"HTTP {status}"


@task()
def check_listing_links(today_iso: str | None = None) -> dict:
    """Check every approved listing's address once; returns counts (and writes one summary audit entry)."""
    if not settings_value("CHANNEL_LINK_CHECK", False):
        return {"enabled": False}
    today = datetime.date.fromisoformat(today_iso) if today_iso else datetime.date.today()
    timeout = float(settings_value("CHANNEL_LINK_TIMEOUT", 10))
    failures_to_dead = int(settings_value("CHANNEL_LINK_FAILURES", 3))
    allow_private = bool(settings_value("CHANNEL_LINK_ALLOW_PRIVATE", False))
    listings = EcommerceListing.objects.filter(approved_at__isnull=False, removed_at__isnull=True)
    counts = {"enabled": True, "checked": 0, "ok": 0, "failed": 0, "dead": 0}
    # read first: no cursor stays open across the slow requests
    for pk, url in list(listings.order_by("pk").values_list("pk", "url")):
        alive, status = check_url(url, timeout=timeout, allow_private=allow_private)
        state = record_link_check(
            listing_pk=pk, ok=alive, status=status, today=today, failures_to_dead=failures_to_dead
        )
        counts["checked"] += 1
        counts["ok" if alive else "failed"] += 1
        counts["dead"] += state == LinkState.DEAD
        if not alive:
            logger.info("listing %s: %s is not reachable (%s)", pk, url, status)
    # the check dates it wrote move the data version, so cached pages showing them are rebuilt
    record(actor=None, action="programme.listing.links_checked", after={**counts, "day": today.isoformat()})
    return counts
