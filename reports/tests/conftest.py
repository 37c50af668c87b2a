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
