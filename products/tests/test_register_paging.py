"""The register pages its bare rows first and computes each row's values for the page only (issue 15): the page, the
Excel file and the API still show exactly the rows a plain reading of the certificates gives, for every filter, date and
page edge, in a number of queries that does not grow with the register."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from certification.choices import CertificateState, EndReason
from certification.models import Certificate
from certification.queries import expiry_warning_days, holding_on, state_on
from products.models import Product
from products.queries import ProductFilter, products_for
from products.tests.test_register_pages import make_products

pytestmark = pytest.mark.django_db

VALID = (CertificateState.VALID, CertificateState.EXPIRING)


def build_register(unit):
    """A register with every state: valid 3★ and 4★, expired, revoked, re-recognised, never certified, and names that
    tie on their folded form (the order falls back to the id)."""
    make_products(unit, 30, prefix="Gạo", day=datetime.date(2024, 6, 1))
    make_products(unit, 8, prefix="Chè", stars=4, day=datetime.date(2023, 12, 20))
    make_products(unit, 7, prefix="Cũ", day=datetime.date(2020, 1, 1))
    revoked = make_products(unit, 5, prefix="Thu hồi", day=datetime.date(2022, 3, 1))
    Certificate.objects.filter(product__in=revoked[:3]).update(
        ended_on=datetime.date(2023, 5, 1), end_reason=EndReason.REVOKED
    )
    renewed = make_products(unit, 4, prefix="Nâng hạng", day=datetime.date(2021, 2, 1))
    from certification import services as certs

    decision, _ = certs.get_or_create_decision(
        actor=None,
        number="Nâng/QĐ",
        date=datetime.date(2024, 2, 1),
        kind="recognition",
        issuing_level="province",
        province=unit("pre2025:11"),
    )
    for product in renewed[:2]:
        certs.record_certificate(actor=None, product=product, decision=decision, stars=5, score=91)
    from producers.services import create_producer
    from products.models import ProductCategory
    from products.services import create_product

    group = ProductCategory.objects.get(system="148", code="do-uong")
    for n, name in enumerate(["Rượu ngô", "Ruou ngo", "Rượu Ngô"]):  # one folded name, three producers
        producer = create_producer(actor=None, name=f"Hộ Rượu {n}", producer_type="ho", location=unit("pre2025:03331"))
        create_product(actor=None, name=name, producer=producer, group=group, location=unit("pre2025:03331"))


def expected(user, state="", stars=None, day=None):
    """The register read plainly: every product in scope, its certificates in Python, sorted by folded name, id."""
    day = day or datetime.date.today()
    warn = datetime.timedelta(days=expiry_warning_days())
    rows = []
    for product in products_for(user).order_by("search_name", "id"):
        certs = list(product.certificates.all())
        valid = [c for c in certs if state_on(c, day) in VALID]
        holding = holding_on(product, day, certs)
        latest = holding.certificate
        revoked = latest is not None and latest.ended_on is not None and latest.ended_on <= day
        revoked = revoked and latest.end_reason == EndReason.REVOKED
        keep = {
            "": True,
            "certified": bool(valid),
            CertificateState.EXPIRING: any(c.valid_until < day + warn for c in valid),
            CertificateState.EXPIRED: not valid and latest is not None and latest.valid_until < day and not revoked,
            CertificateState.REVOKED: revoked,
            "none": latest is None,
            "potential-5-star": False,
        }[state]
        if stars:
            keep = keep and any(c.stars == stars for c in valid)
        if keep:
            rows.append((product.name, holding.state or "none", latest.stars if latest else None))
    return rows


def page_rows(client, query):
    response = client.get(f"/products/?{query}")
    assert response.status_code == 200
    context = response.context
    return context["page"].paginator.count, [
        (r["product"].name, r["state"] or "none", r["certificate"].stars if r["certificate"] else None)
        for r in context["rows"]
    ]


FILTERS = [
    ("", None, None),
    ("certified", None, None),
    ("certified", 4, None),
    ("", 5, None),
    ("expiring", None, datetime.date(2026, 12, 1)),
    ("expired", None, datetime.date(2024, 6, 1)),
    ("revoked", None, datetime.date(2024, 6, 1)),
    ("revoked", None, datetime.date(2023, 4, 30)),  # the day before the revocation
    ("none", None, datetime.date(2022, 1, 1)),
    ("potential-5-star", None, None),
    ("certified", None, datetime.date(2024, 2, 1)),  # the day of the re-recognition
]


def test_page_export_and_api_show_the_rows_the_certificates_give(client, province_officer, unit):
    build_register(unit)
    client.force_login(province_officer)
    for state, stars, day in FILTERS:
        check_filter(client, province_officer, state, stars, day)


def check_filter(client, province_officer, state, stars, day):
    query = "&".join(
        f"{k}={v}" for k, v in {"state": state, "stars": stars or "", "as_of": day or ""}.items() if v not in ("", None)
    )
    want = expected(province_officer, state, stars, day)
    pages = max(1, -(-len(want) // 50))
    seen = []
    for number in range(1, pages + 1):
        count, rows = page_rows(client, f"{query}&page={number}")
        assert count == len(want)
        seen += rows
    assert seen == want
    assert page_rows(client, f"{query}&page=999")[1] == want[(pages - 1) * 50 :]  # past the end: the last page

    sheet = load_workbook(io.BytesIO(client.get(f"/products/export.xlsx?{query}").content)).active
    assert [(r[1].value, r[7].value) for r in sheet.iter_rows(min_row=5)] == [(name, s) for name, _, s in want]

    api = []
    for offset in range(0, len(want) + 1, 7):  # pages of 7 cross every edge of the list
        body = client.get(f"/api/v1/products/?{query}&limit=7&offset={offset}").json()
        assert body["count"] == len(want)
        api += [(i["name"], i["recognition"], (i["certificate"] or {}).get("stars")) for i in body["items"]]
    assert api == want


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


URLS = [
    "/products/",
    "/products/?page=last",
    "/products/?state=expired&as_of=2024-06-01",
    "/products/?state=revoked&as_of=2024-06-01&page=last",
    "/products/?stars=4&q=che",
    "/products/export.xlsx",
    "/api/v1/products/?limit=5&offset=3",
    "/api/v1/products/?state=none&as_of=2022-01-01",
    "/producers/",
    "/producers/?page=last&q=htx",
    "/api/v1/producers/?limit=5&offset=1",
]


def test_lists_run_the_same_number_of_queries_for_two_rows_or_many(client, province_officer, unit):
    client.force_login(province_officer)
    # a few rows, one for each list's filter (the API skips three of them)
    make_products(unit, 1, prefix="Một")
    make_products(unit, 1, prefix="Chè một", stars=4)
    make_products(unit, 1, prefix="Cũ một", day=datetime.date(2020, 1, 1))
    revoked = make_products(unit, 1, prefix="Thu hồi một", day=datetime.date(2022, 3, 1))
    Certificate.objects.filter(product__in=revoked).update(ended_on=datetime.date(2023, 5, 1), end_reason="revoked")
    for url in URLS:
        client.get(url)  # warm the per-process caches (areas, settings)
    few = {url: queries(client, url) for url in URLS}
    build_register(unit)
    for n in range(60):  # more producers than a page
        make_products(unit, 1, prefix=f"Chủ thể {n:02d}", day=datetime.date(2022, 3, 1))
    assert Product.objects.count() > 100
    assert {url: queries(client, url) for url in URLS} == few


def test_a_page_computes_row_values_for_its_own_rows_only(province_officer, unit):
    """A page reads its ids on the bare filtered rows first; the per-product values are computed for those ids only."""
    build_register(unit)
    filters = ProductFilter({"state": "certified"})
    products = filters.apply(products_for(province_officer))
    with CaptureQueriesContext(connection) as ctx:
        count = products.count()
        rows = list(filters.rows(products[10:40]))
    assert count == len(expected(province_officer, "certified"))
    assert len(ctx) == 4  # count, the page's ids, their rows, their certificates
    counting, ids, page = (q["sql"].lower() for q in ctx.captured_queries[:3])
    for sql in (counting, ids):
        assert "evaluation_ministryproposal" not in sql and "producers_producer" not in sql
    assert "limit" in ids and "offset" in ids
    assert "evaluation_ministryproposal" in page and "offset" not in page  # (LIMIT 1 inside EXISTS)
    assert [p.name for p in rows] == [r[0] for r in expected(province_officer, "certified")[10:40]]
