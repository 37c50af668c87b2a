"""Two requests creating the same record at the same moment: both pass the service's duplicate check, the database's
unique constraint stops the second, and the loser gets a 409 refusal with a message (or the winner's row), never a 500.
The race is reproduced by letting the second request's check see the database as it was before the first insert.
Issue 14, item 9."""

import datetime
from unittest import mock

import pytest
from django.db.models.query import QuerySet

from certification import services
from certification.choices import DecisionKind, IssuingLevel
from certification.models import Decision
from core.concurrency import Duplicate
from evaluation import council
from evaluation.council_models import CouncilMember, MemberRole
from evaluation.tests.scoring_setup import build_round
from producers import services as producer_services
from producers.models import Producer
from products import services as product_services
from products.models import Product

pytestmark = pytest.mark.django_db


def blind(model, method="exists"):
    """QuerySet.<method> answering as if no row of `model` existed yet (the other request has not committed)."""
    real = getattr(QuerySet, method)

    def check(self, *args, **kwargs):
        return False if self.model is model else real(self, *args, **kwargs)

    return mock.patch.object(QuerySet, method, check)


def test_a_product_created_twice_at_once(ocop_product):
    rice = ocop_product()
    with mock.patch.object(product_services, "_validate"), pytest.raises(Duplicate) as refusal:
        product_services.create_product(
            actor=None, name=rice.name, producer=rice.producer, location=rice.location, group=rice.group
        )
    assert refusal.value.status == 409 and rice.name in refusal.value.message
    assert Product.objects.filter(producer=rice.producer).count() == 1


def test_a_producer_created_twice_at_once(ocop_product):
    htx = ocop_product().producer
    with mock.patch.object(producer_services, "_validate"), pytest.raises(Duplicate) as refusal:
        producer_services.create_producer(
            actor=None, name=htx.name, producer_type=htx.producer_type, location=htx.location
        )
    assert refusal.value.status == 409
    assert Producer.objects.filter(name=htx.name).count() == 1


def test_a_decision_recorded_twice_at_once_is_the_same_decision(unit):
    values = dict(
        number="12/QĐ-UBND",
        date=datetime.date(2026, 3, 2),
        kind=DecisionKind.RECOGNITION,
        issuing_level=IssuingLevel.PROVINCE,
        province=unit("2025:11"),
    )
    first, created = services.get_or_create_decision(actor=None, **values)
    assert created
    real_first = QuerySet.first
    seen = []

    def first_blind_once(self):
        if self.model is Decision and not seen:
            seen.append(1)
            return None
        return real_first(self)

    with mock.patch.object(QuerySet, "first", first_blind_once):
        again, created = services.get_or_create_decision(actor=None, **values)
    assert (again, created) == (first, False)
    assert Decision.objects.filter(number="12/QĐ-UBND").count() == 1


def test_a_member_seated_twice_at_once(province_officer, unit):
    rnd, _items, people = build_round(province_officer, unit, products=(), prefix="race")
    member = people["tv1"]
    with blind(CouncilMember, "exists"), pytest.raises(Duplicate) as refusal:
        council.add_member(actor=province_officer, evaluation_round=rnd, user=member, role=MemberRole.MEMBER)
    assert refusal.value.status == 409
    assert CouncilMember.objects.filter(evaluation_round=rnd, user=member).count() == 1
