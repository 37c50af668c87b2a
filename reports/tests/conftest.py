import datetime
import itertools

import pytest

from certification import services as certs
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

_numbers = itertools.count(1)


@pytest.fixture
def certify(unit):
    """certify("pre2025:03331", day, stars=3, group="thuc-pham", producer_type="htx", kind=...) → certificate.

    Each call makes a new product (and a producer named after it unless `producer` is given)."""

    def make(
        commune,
        day,
        *,
        stars=3,
        group="thuc-pham",
        producer_type="htx",
        producer=None,
        product=None,
        kind="recognition",
        current=None,
    ):
        n = next(_numbers)
        location = unit(commune)
        if product is None:
            if producer is None:
                producer = create_producer(
                    actor=None, name=f"Chủ thể {n}", producer_type=producer_type, location=location
                )
            product = create_product(
                actor=None,
                name=f"Sản phẩm {n}",
                producer=producer,
                location=location,
                current_location=unit(current) if current else None,
                group=ProductCategory.objects.get(system="148", code=group),
            )
        province = unit("2025:11") if day >= datetime.date(2025, 7, 1) else location.province
        decision, _ = certs.get_or_create_decision(
            actor=None, number=f"{n}/QĐ-UBND", date=day, kind=kind, issuing_level="province", province=province
        )
        certificate, _ = certs.record_certificate(actor=None, product=product, decision=decision, stars=stars)
        return certificate

    return make


@pytest.fixture
def propose(province_officer, unit):
    """propose(*products, letter_date=None) → MinistryProposals: a round of Tỉnh Điện Biên scores each product 97,50
    (5★, after the advisory team's report), the chairman approves the result today and the province proposes them to
    the ministry by a letter of `letter_date` (default: today + 2 days), all through evaluation's services."""
    from django.utils import timezone

    from evaluation import council, proposals
    from evaluation.tests.scoring_setup import build_round, report_all, score_all

    five = {"chu.tich": (2, 2, 2), "tv1": (2, 2, 2), "tv2": (2, 1, 2), "tv3": (2, 2, 2)}  # 97,50
    rounds = itertools.count(1)

    def make(*products, letter_date=None):
        today = timezone.localdate()
        rnd, _items, people = build_round(province_officer, unit, products=(), prefix=f"r{next(rounds)}.")
        items = [council.add_product(actor=province_officer, evaluation_round=rnd, product=p) for p in products]
        report_all(items, people["tu.van"])
        for item in items:
            score_all(item, people, five)
        return proposals.propose_to_ministry(
            actor=province_officer,
            evaluation_round=rnd,
            approval_no="120/QĐ-UBND",
            approval_date=today,
            letter_no="45/UBND-KT",
            letter_date=letter_date or today + datetime.timedelta(days=2),
            documents=["advisory_report", "council_report", "product_dossier", "samples"],
        )

    return make


@pytest.fixture
def product_at(unit):
    """product_at("pre2025:03331", name=None, producer_type="htx") → a thực phẩm product with its own producer."""

    def make(commune, name=None, producer_type="htx"):
        n = next(_numbers)
        location = unit(commune)
        producer = create_producer(actor=None, name=f"Chủ thể {n}", producer_type=producer_type, location=location)
        return create_product(
            actor=None,
            name=name or f"Sản phẩm {n}",
            producer=producer,
            location=location,
            group=ProductCategory.objects.get(system="148", code="thuc-pham"),
        )

    return make
