"""Certificate states on the boundaries: the one function and its SQL twin must agree."""

import datetime

import pytest

from certification import services
from certification.choices import CertificateState as S
from certification.models import Certificate
from certification.queries import holding_on, state_on
from certification.rules import default_valid_until
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def product(unit):
    producer = create_producer(actor=None, name="HTX Thanh Hưng", producer_type="htx", location=unit("pre2025:03331"))
    return create_product(
        actor=None,
        name="Gạo tám thơm",
        producer=producer,
        location=unit("pre2025:03331"),
        group=ProductCategory.objects.get(system="148", code="thuc-pham"),
    )


def decide(unit, number, day, kind="recognition"):
    decision, _ = services.get_or_create_decision(
        actor=None, number=number, date=day, kind=kind, issuing_level="province", province=unit("pre2025:11")
    )
    return decision


def assert_states(product, expected):
    for day, stars, state in expected:
        holding = holding_on(product, day)
        assert (holding.certificate.stars if holding.certificate else None, holding.state) == (stars, state), day
        in_sql = Certificate.objects.valid_on(day).filter(product=product)
        assert in_sql.exists() == holding.is_valid, day


def test_a_certificate_is_valid_through_the_same_day_of_its_36th_month(product, unit, settings):
    """Civil Code 2015 Art. 147–148: 36 months from 31/03/2021 end at the end of 31/03/2024."""
    settings.OCOP_EXPIRY_WARNING_DAYS = 30
    cert, _ = services.record_certificate(
        actor=None, product=product, decision=decide(unit, "1/QĐ", D(2021, 3, 31)), stars=3
    )
    assert cert.valid_until == cert.last_valid_day == cert.term_last_day == D(2024, 3, 31)
    assert_states(
        product,
        [
            (D(2021, 3, 30), None, None),
            (D(2021, 3, 31), 3, S.VALID),
            (D(2024, 3, 1), 3, S.VALID),  # 31 days left counting that day: outside the 30-day warning
            (D(2024, 3, 2), 3, S.EXPIRING),  # 30 days left
            (D(2024, 3, 31), 3, S.EXPIRING),  # the last valid day
            (D(2024, 4, 1), 3, S.EXPIRED),  # the day after
        ],
    )


def test_decided_on_31_december_2021_valid_on_31_december_2024_not_on_1_january_2025(product, unit):
    cert, _ = services.record_certificate(
        actor=None, product=product, decision=decide(unit, "3/QĐ", D(2021, 12, 31)), stars=4
    )
    assert cert.valid_until == D(2024, 12, 31)
    assert state_on(cert, D(2024, 12, 31)) == S.EXPIRING
    assert state_on(cert, D(2025, 1, 1)) == S.EXPIRED
    assert Certificate.objects.valid_on(D(2024, 12, 31)).filter(pk=cert.pk).exists()
    assert not Certificate.objects.valid_on(D(2025, 1, 1)).filter(pk=cert.pk).exists()


def test_thirty_six_months_from_29_february_end_on_28_february(product, unit):
    cert, _ = services.record_certificate(
        actor=None, product=product, decision=decide(unit, "2/QĐ", D(2024, 2, 29)), stars=3
    )
    assert cert.valid_until == D(2027, 2, 28)  # February 2027 has no 29th: the month's last day
    assert Certificate.objects.valid_on(D(2027, 2, 28)).filter(pk=cert.pk).exists()
    assert not Certificate.objects.valid_on(D(2027, 3, 1)).filter(pk=cert.pk).exists()


@pytest.mark.parametrize(
    "decided, last",
    [
        (D(2023, 1, 31), D(2026, 1, 31)),
        (D(2023, 5, 31), D(2026, 5, 31)),
        (D(2020, 2, 29), D(2023, 2, 28)),
        (D(2022, 8, 30), D(2025, 8, 30)),
    ],
)
def test_the_last_day_for_month_ends(decided, last):
    assert default_valid_until(decided) == last
    assert state_on(Certificate(valid_from=decided, valid_until=last), last) != S.EXPIRED
    assert state_on(Certificate(valid_from=decided, valid_until=last), last + datetime.timedelta(days=1)) == S.EXPIRED


def test_a_later_certificate_supersedes_from_its_decision_date(product, unit):
    first, _ = services.record_certificate(
        actor=None, product=product, decision=decide(unit, "1/QĐ", D(2021, 1, 10)), stars=3
    )
    second, _ = services.record_certificate(
        actor=None, product=product, decision=decide(unit, "9/QĐ", D(2022, 6, 1)), stars=4
    )
    first.refresh_from_db()
    assert second.kind == "upgrade" and first.ended_on == D(2022, 6, 1) and first.end_reason == "superseded"
    assert state_on(first, D(2022, 6, 1)) == S.SUPERSEDED
    assert_states(product, [(D(2022, 5, 31), 3, S.VALID), (D(2022, 6, 1), 4, S.VALID)])


def test_entering_decisions_out_of_order_gives_the_same_chain(product, unit):
    services.record_certificate(actor=None, product=product, decision=decide(unit, "9/QĐ", D(2022, 6, 1)), stars=3)
    services.record_certificate(actor=None, product=product, decision=decide(unit, "1/QĐ", D(2021, 1, 10)), stars=3)
    first, second = product.certificates.order_by("valid_from")
    assert first.ended_on == D(2022, 6, 1) and second.ended_on is None
    assert second.kind == "recognition"  # kind is decided when entered; the chain is recomputed from dates


def test_revocation_ends_the_current_certificate_from_its_date(product, unit):
    services.record_certificate(actor=None, product=product, decision=decide(unit, "1/QĐ", D(2021, 1, 10)), stars=3)
    revocation = decide(unit, "50/QĐ-UBND", D(2022, 9, 15), kind="revocation")
    cert, outcome = services.revoke(actor=None, product=product, decision=revocation, reason="Ngừng sản xuất")
    assert outcome == "revoked" and cert.ended_on == D(2022, 9, 15)
    assert_states(product, [(D(2022, 9, 14), 3, S.VALID), (D(2022, 9, 15), 3, S.REVOKED)])
    assert services.revoke(actor=None, product=product, decision=revocation)[1] == "unchanged"


def test_a_revocation_before_any_certificate_is_refused(product, unit):
    from core.errors import DomainError

    with pytest.raises(DomainError):
        services.revoke(actor=None, product=product, decision=decide(unit, "50/QĐ", D(2020, 1, 1), "revocation"))
