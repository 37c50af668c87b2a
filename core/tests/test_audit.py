import pytest
from django.db import DatabaseError, connection, transaction

from accounts import services
from core import audit
from core.models import AuditEntry, AuditImmutable

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(commune_officer):
    return AuditEntry.objects.filter(action="accounts.membership.granted", object_label__startswith="xa").latest("id")


def test_services_write_an_entry_with_actor_area_and_after(province_officer, commune_officer, unit):
    membership = services.grant_membership(
        actor=province_officer, user=commune_officer, role="viewer", area=unit("2025:03328")
    )
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "accounts.membership.granted"
    assert entry.actor == province_officer and entry.actor_label == "tinh"
    assert entry.area == unit("2025:03328")
    assert entry.object_type == "accounts.membership" and entry.object_id == str(membership.pk)
    assert entry.after["role"] == "viewer"


def test_an_entry_cannot_be_changed_through_the_model(entry):
    entry.action = "something.else"
    with pytest.raises(AuditImmutable):
        entry.save()
    with pytest.raises(AuditImmutable):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "accounts.membership.granted"


def test_an_entry_cannot_be_changed_through_a_queryset(entry):
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk, action="accounts.membership.granted").exists()


def test_the_database_refuses_an_update_written_in_sql(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = %s WHERE id = %s", ["x", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "accounts.membership.granted"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE for test flushes")
def test_postgresql_refuses_a_delete_written_in_sql(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_failed_service_leaves_no_entry(province_officer, unit):
    before = AuditEntry.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do; what matters is nothing was written
        services.grant_membership(actor=province_officer, user=province_officer, role="nonsense", area=None)
    assert AuditEntry.objects.count() == before


def test_request_id_is_recorded(client, province_officer):
    client.force_login(province_officer)
    response = client.post("/accounts/tokens/", {"name": "báo cáo"}, headers={"X-Request-ID": "req-42"})
    assert response.status_code == 200
    assert AuditEntry.objects.latest("id").request_id == "req-42"
    assert response["X-Request-ID"] == "req-42"


def test_history_lists_only_entries_about_the_object(province_officer, commune_officer):
    membership = commune_officer.memberships.get()
    rows = list(audit.history(membership, province_officer))
    assert [r.action for r in rows] == ["accounts.membership.granted"]
