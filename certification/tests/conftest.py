"""Fixtures for the 26/2026 tests of certification (revocation, inspections, the re-rating watch)."""

import datetime
import itertools

import pytest

from certification import services
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

_numbers = itertools.count(1)


@pytest.fixture
def ocop_product(unit):
    """ocop_product(name, producer, area): a product of HTX Thanh Hưng at the old Xã Thanh Hưng (succeeded by Xã Thanh
    Nưa, the `commune_officer`'s and the `producer`'s commune) unless told otherwise."""
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    producers = {}

    def make(name="Gạo tám thơm", producer="HTX Thanh Hưng", area="pre2025:03331"):
        if producer not in producers:
            producers[producer] = create_producer(actor=None, name=producer, producer_type="htx", location=unit(area))
        return create_product(actor=None, name=name, producer=producers[producer], location=unit(area), group=group)

    return make


@pytest.fixture
def recognise(unit):
    """recognise(product, decided, stars=4, valid_until=None): a certificate under its own decision, issued by the
    level that recognises those stars on that day."""
    from evaluation import process

    def run(product, decided, stars=4, valid_until=None):
        province = unit("pre2025:11") if decided < datetime.date(2025, 7, 1) else unit("2025:11")
        decision, _ = services.get_or_create_decision(
            actor=None,
            number=f"{next(_numbers)}/QĐ-CN",
            date=decided,
            kind="recognition",
            issuing_level=process.recognising_level(stars, decided),
            province=province,
        )
        certificate, _ = services.record_certificate(
            actor=None, product=product, decision=decision, stars=stars, valid_until=valid_until
        )
        return certificate

    return run


@pytest.fixture
def revocation_decision(unit):
    """revocation_decision(day, level="province"): a revocation decision of Tỉnh Điện Biên's records."""

    def run(day, level="province"):
        decision, _ = services.get_or_create_decision(
            actor=None,
            number=f"{next(_numbers)}/QĐ-TH",
            date=day,
            kind="revocation",
            issuing_level=level,
            province=unit("2025:11") if day >= datetime.date(2025, 7, 1) else unit("pre2025:11"),
        )
        return decision

    return run
