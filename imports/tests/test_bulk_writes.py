"""Issue 15: the bulk writers of imports (core.imports.bulk_insert and bulk_set, core.audit.record_many) on SQLite and
PostgreSQL alike: saved objects with ids never given before, fields written as in memory, the audit chain intact."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from core import audit
from core.imports import bulk_insert, bulk_set
from core.models import AuditEntry
from producers.models import Producer

pytestmark = pytest.mark.django_db


def _producers(unit, names):
    commune = unit("pre2025:03331")
    return [
        Producer(
            name=name, search_name=name.lower(), producer_type="htx", location=commune, home_province=unit("2025:11")
        )
        for name in names
    ]


def test_bulk_insert_gives_new_ids_never_given_before(unit):
    with transaction.atomic():
        first = _producers(unit, ["HTX A", "HTX B", "HTX C"])
        bulk_insert(Producer, first)
    assert [p.pk for p in first] == sorted(p.pk for p in first) and not first[0]._state.adding
    assert set(Producer.objects.filter(pk__in=[p.pk for p in first]).values_list("name", flat=True)) == {
        "HTX A",
        "HTX B",
        "HTX C",
    }
    highest = first[-1].pk
    Producer.objects.filter(pk=highest).delete()
    with transaction.atomic():
        again = _producers(unit, ["HTX D"])
        bulk_insert(Producer, again)
    assert again[0].pk > highest  # the deleted producer's id is not given again (its audit entries name it)


def test_bulk_set_writes_the_fields_as_they_are_in_memory(unit):
    with transaction.atomic():
        made = _producers(unit, ["HTX E", "HTX F"])
        bulk_insert(Producer, made)
        made[0].phone, made[1].phone, made[1].women_led = "0123", "0456", True
        assert bulk_set(Producer, made, ["phone", "women_led"]) == 2
    assert list(
        Producer.objects.filter(pk__in=[p.pk for p in made]).order_by("pk").values_list("phone", "women_led")
    ) == [
        ("0123", False),
        ("0456", True),
    ]


def test_record_many_extends_the_chain_that_verify_audit_checks(unit):
    audit.record(actor=None, action="test.single", label="một")
    with transaction.atomic():
        count = audit.record_many(
            audit.build(actor=None, action="test.bulk", label=f"mục {i}", after={"n": i, "d": Decimal("1.50")})
            for i in range(2500)
        )
    assert count == 2500 and AuditEntry.objects.filter(action="test.bulk").count() == 2500
    audit.record(actor=None, action="test.single", label="hai")
    call_command("verify_audit", stdout=io.StringIO())  # raises CommandError on a broken chain
