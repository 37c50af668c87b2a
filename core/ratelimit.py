"""Who is asking (`client_ip`) and how often they may ask (`RateLimitMiddleware` in core.middleware uses `hit`).

The client address is REMOTE_ADDR, unless REMOTE_ADDR is one of our own reverse proxies (settings.TRUSTED_PROXIES, IPs
or CIDR networks, empty by default): then X-Forwarded-For is read from the right, skipping our proxies, and the first
address that is not ours is the client. Addresses to its left were written by the client itself and prove nothing, so
a random X-Forwarded-For per request neither gives a fresh budget here nor a fresh login-failure count in django-axes
(settings.AXES_CLIENT_IP_CALLABLE points here).

Limits are fixed windows counted in a Django cache (settings.RATE_LIMIT_CACHE) with atomic add/incr (on Redis, one
MULTI of SET NX EX + INCR: `SharedRedisCache.count`, so every worker and server shares one counter), per rule of
settings.RATE_LIMITS: (pattern, rate), the pattern a regular expression matched at the start of the path (so a plain
prefix such as "/verify/" works), the rate "N/s", "N/m", "N/h" or "N/d". A request counts against every rule it
matches and is refused (429) as soon as one of them is spent.
"""

import functools
import hashlib
import ipaddress
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@functools.lru_cache(maxsize=8)
def _networks(trusted: tuple) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted if entry.strip())


def _address(text: str):
    """The IP address in one X-Forwarded-For hop ("1.2.3.4", "1.2.3.4:5678", "[2001:db8::1]:443"), or None."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4 with a port; a bare IPv6 address has several colons
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address to count and lock out: see the module docstring."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not networks:
        return remote

    def trusted(address) -> bool:
        return any(address in network for network in networks if network.version == address.version)

    remote_address = _address(remote)
    if remote_address is None or not trusted(remote_address):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # our proxy passed on something that is not an address: count it as the proxy rather than trust it
            return remote
        if not trusted(address):
            return str(address)
    return str(_address(hops[0])) if hops else remote  # the request came from inside: the first hop is the origin


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern
    limit: int
    period: int
    key: str  # stable across reloads, short enough for memcached


def parse_rate(rate: str) -> tuple[int, int]:
    """ "120/m" → (120, 60). Raises ValueError on anything else."""
    count, _sep, unit = str(rate).partition("/")
    period = PERIODS.get(unit.strip()[:1].lower())
    if not count.strip().isdigit() or period is None:
        raise ValueError(f"rate limit {rate!r}: write N/s, N/m, N/h or N/d")
    return int(count), period


@functools.lru_cache(maxsize=8)
def _rules(configured: tuple) -> tuple[Rule, ...]:
    rules = []
    for pattern, rate in configured:
        limit, period = parse_rate(rate)
        digest = hashlib.sha256(f"{pattern}|{rate}".encode()).hexdigest()[:16]
        rules.append(Rule(re.compile(pattern), limit, period, digest))
    return tuple(rules)


def rules() -> tuple[Rule, ...]:
    return _rules(tuple(tuple(entry) for entry in getattr(settings, "RATE_LIMITS", ()) or ()))


class SharedRedisCache(RedisCache):
    """Django's Redis cache (settings.CACHES when REDIS_URL is set), with two changes:

    - `clear()` deletes this cache's own keys (its KEY_PREFIX) instead of FLUSHDB, so a test run clearing its cache
      between tests, or two caches sharing one Redis database, never wipe each other's keys or a running server's;
    - `count(key, timeout)`: a counter created with its expiry and bumped in one MULTI transaction. Django's incr()
      checks EXISTS and then INCRs: a counter expiring in between would come back without an expiry and stay forever.
    """

    def _prefix_pattern(self) -> str:
        prefix = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix)
        return f"{prefix}:*"

    def clear(self) -> bool:
        client = self._cache.get_client(None, write=True)
        batch = []
        for key in client.scan_iter(match=self._prefix_pattern(), count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
        return True

    def count(self, key: str, timeout: int) -> int:
        key = self.make_and_validate_key(key)
        pipe = self._cache.get_client(key, write=True).pipeline(transaction=True)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        return int(pipe.execute()[1])


def _count(cache, key: str, period: int) -> int:
    """This window's count after this request: add() creates the counter atomically, incr() bumps it atomically."""
    if isinstance(cache, SharedRedisCache):
        return cache.count(key, period + 1)
    if cache.add(key, 1, timeout=period + 1):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the counter expired between add() and incr()
        cache.add(key, 1, timeout=period + 1)
        return 1


def hit(path: str, who: str) -> int:
    """Counts one request by `who` to `path`; 0 if it may go on, else the seconds to wait before asking again."""
    cache = caches[getattr(settings, "RATE_LIMIT_CACHE", "default")]
    now = time.time()
    wait = 0
    for rule in rules():
        if not rule.pattern.match(path):
            continue
        window = int(now // rule.period)
        who_key = hashlib.sha256(who.encode()).hexdigest()[:24]  # any text (IPv6, user ids) in a safe key
        if _count(cache, f"rl:{rule.key}:{who_key}:{window}", rule.period) > rule.limit:
            wait = max(wait, math.ceil((window + 1) * rule.period - now))
    return wait
