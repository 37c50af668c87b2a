"""Issue 15: the shared Redis cache (core.ratelimit.SharedRedisCache): rate-limit counters exact across processes
and threads, and clear() limited to its own prefix. Needs the Redis of CI and development (127.0.0.1:6379, or
TEST_REDIS_URL); skipped only where no Redis answers."""

import os
import threading
import uuid

import pytest
import redis

from core import ratelimit
from core.ratelimit import SharedRedisCache

URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {URL}")
    yield client
    client.close()


@pytest.fixture
def make_cache(redis_client):
    prefixes = []

    def make(prefix=None):
        prefix = prefix or f"t-{uuid.uuid4().hex[:12]}"
        prefixes.append(prefix)
        return SharedRedisCache(URL, {"KEY_PREFIX": prefix})

    yield make
    for prefix in prefixes:
        keys = list(redis_client.scan_iter(match=prefix + "*"))
        if keys:
            redis_client.delete(*keys)


def test_clear_removes_only_this_caches_keys(make_cache, redis_client):
    mine, other = make_cache(), make_cache()
    longer = make_cache(mine.key_prefix + "-rl")  # a prefix that starts with mine (the rate-limit cache's)
    for cache in (mine, other, longer):
        cache.set("report", 42)
    redis_client.set("not-a-cache-key", 1)
    try:
        mine.clear()
        assert mine.get("report") is None
        assert other.get("report") == 42 and longer.get("report") == 42 and redis_client.get("not-a-cache-key")
    finally:
        redis_client.delete("not-a-cache-key")


def test_a_prefix_with_glob_characters_clears_only_itself(make_cache):
    star, plain = make_cache("t-[a]*"), make_cache("t-a-x")
    star.set("k", 1)
    plain.set("k", 2)
    star.clear()
    assert star.get("k") is None and plain.get("k") == 2


def test_counting_is_exact_across_threads_and_each_counter_expires(make_cache, redis_client):
    cache = make_cache()

    def hammer():
        for _ in range(50):
            ratelimit._count(cache, "rl:rule:who:1", 60)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get("rl:rule:who:1") == 400
    key = cache.make_and_validate_key("rl:rule:who:1")
    assert 0 < redis_client.ttl(key) <= 61


def test_the_rate_limit_refuses_the_request_over_the_limit_on_redis(make_cache, settings):
    cache = make_cache()
    settings.CACHES = {
        **settings.CACHES,
        "serve-test": {"BACKEND": "core.ratelimit.SharedRedisCache", "LOCATION": URL, "KEY_PREFIX": cache.key_prefix},
    }
    settings.RATE_LIMIT_CACHE = "serve-test"
    settings.RATE_LIMITS = [("/api/v1/reports/", "3/m")]
    waits = [ratelimit.hit("/api/v1/reports/ocop", "ip:10.1.2.3") for _ in range(4)]
    assert waits[:3] == [0, 0, 0] and 0 < waits[3] <= 60
