"""The reference data survives transactional tests (conftest.ReferenceKeeper): their own rows go, a changed reference
row is found and the reference data reloaded, so every test starts from the same database."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from accounts.models import User
from areas.models import AdministrativeUnit, Succession
from conftest import make_user
from core.models import AuditEntry
from products.models import ProductCategory

pytestmark = pytest.mark.django_db(transaction=True)


def counts():
    return AdministrativeUnit.objects.count(), ProductCategory.objects.count(), AuditEntry.objects.count()


def must_not_flush():
    raise AssertionError("the reference data was intact: nothing to reload")


def test_a_transactional_tests_own_rows_go_and_the_reference_data_stays(reference_keeper):
    before = counts()
    make_user("tam.thoi", "province_officer", "2025:11")  # a user, a membership, audit entries
    group = ProductCategory.objects.filter(parent=None).first()
    ProductCategory.objects.create(system=group.system, level=group.level, code="tam-thoi", name="Tạm thời")
    assert counts() != before
    assert reference_keeper.intact()  # added rows only

    reference_keeper.restore(must_not_flush)

    assert counts() == before
    assert not User.objects.exists()


def delete_the_first_audit_entry():
    # as the database's owner could: past the model's refusal (and PostgreSQL's trigger), rolled back by the caller
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM core_auditentry WHERE id = (SELECT MIN(id) FROM core_auditentry)")


def test_a_changed_or_deleted_reference_row_is_noticed(reference_keeper):
    unit = AdministrativeUnit.objects.get(scheme="2025", code="11")
    for change in (
        lambda: AdministrativeUnit.objects.filter(pk=unit.pk).update(name="Tên khác"),
        lambda: Succession.objects.filter(pk=Succession.objects.order_by("pk").first().pk).delete(),
        delete_the_first_audit_entry,
    ):
        with transaction.atomic():
            change()
            assert not reference_keeper.intact()
            transaction.set_rollback(True)
        assert reference_keeper.intact()


def test_a_changed_reference_row_is_put_back(reference_keeper):
    unit = AdministrativeUnit.objects.get(scheme="2025", code="11")
    before = counts()
    AdministrativeUnit.objects.filter(pk=unit.pk).update(name="Tên khác")
    flushed = []

    reference_keeper.restore(lambda: flushed.append(call_command("flush", verbosity=0, interactive=False)))

    assert flushed
    assert AdministrativeUnit.objects.get(scheme="2025", code="11").name == unit.name
    assert counts() == before
    assert reference_keeper.intact()
