"""The public catalogue's search over the national data set (bench/national.py names its products from PRODUCT_WORDS
and real places): rows for bench/suite.py, and the catalogue's pages for its load test.

Each query is timed as an anonymous visitor with the cache emptied before every call (the page's own cost: what the
first visitor after a write waits), and once more served from the page cache; baseline = the trivial view."""

import statistics
import urllib.parse

from bench.suite import PAGE_TARGET_MS, Rows, count_queries, p95, sample

QUERIES = [
    ("with accents", {"q": "Mật ong"}),
    ("without accents", {"q": "mat ong"}),
    ("one typo", {"q": "che shna tuyet"}),
    ("a place name", {"q": "ruou ngo ha giang"}),
    ("filters: province, 5★, by stars", {"province": "2025:01", "stars": "5", "sort": "stars"}),
    ("filters: group, expired, newest", {"group": "thuc-pham", "status": "expired", "sort": "newest"}),
    ("no words, last page", {"page": "999999"}),
]

LOAD_TARGETS = [
    ("catalogue search", "/catalog/search/?" + urllib.parse.urlencode({"q": "mat ong"})),
    ("catalogue home", "/catalog/"),
]


def bench_catalogue(rows: Rows, size):
    from django.core.cache import cache
    from django.test import Client

    from catalog.search import search_products

    client = Client(SERVER_NAME="localhost")  # nobody signed in: the public's page, cached by data version
    base = statistics.median(sample(lambda: client.get("/bench-trivial/")))
    for label, params in [*QUERIES, ("home", None)]:
        url = "/catalog/" if params is None else "/catalog/search/"
        what = f"page catalogue {label}" if params is None else f"page catalogue search, {label}"

        def get(url=url, params=params):
            return client.get(url, params or {})

        cache.clear()
        n_queries, response = count_queries(get)
        if response.status_code != 200:
            rows.add(what, None, notes=f"HTTP {response.status_code}")
            continue
        found = search_products(params).paginator.count if params is not None else None
        times = sample(get, before=cache.clear)
        rows.add(
            what,
            statistics.median(times),
            p95(times),
            base,
            statistics.median(times) / base,
            target=f"p95 ≤ {PAGE_TARGET_MS} ms (full, PG)",
            met=p95(times) <= PAGE_TARGET_MS,
            notes=f"{n_queries} queries, uncached" + (f", {found} results" if found is not None else ""),
        )
        cached = sample(get)
        rows.add(
            f"{what} (page cache)",
            statistics.median(cached),
            p95(cached),
            base,
            statistics.median(cached) / base,
            notes="anonymous repeat visit: data version + one cache read",
        )
