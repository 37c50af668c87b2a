"""The audit log's hash chain: every way of writing entries links them, and `verify_audit` finds an entry changed,
deleted or slipped in with SQL (the append-only triggers switched off, as only the database's owner could)."""

import contextlib
import datetime
import importlib
import threading
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core import audit
from core.models import AuditEntry, entry_hash

pytestmark = pytest.mark.django_db

append_only = importlib.import_module("core.migrations.0002_audit_append_only_trigger")


def verify():
    """(output, error or None) of `manage.py verify_audit`."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify_audit", stdout=out, batch_size=500)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


@contextlib.contextmanager
def triggers_off():
    """What someone with the database owner's or superuser's rights could do: write past the append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # superuser only: CI's postgres user
        else:
            cursor.execute(append_only.SQLITE_DOWN)
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL session_replication_role = origin")
            else:
                cursor.execute(append_only.SQLITE_UP)


@pytest.fixture
def entries(province_officer, commune_officer):
    """A few entries after the reference data's, through each writer."""
    audit.record(actor=province_officer, action="test.single", object_type_label="test.thing", object_id=1)
    audit.record_many(
        audit.build(actor=None, action="test.many", object_type_label="test.thing", object_id=n, after={"n": n})
        for n in range(2, 6)
    )
    audit.record_created(actor=province_officer, action="test.created", items=[(commune_officer, None, {"a": 1})])
    return list(AuditEntry.objects.order_by("-id")[:6])[::-1]


def test_every_writer_links_its_entries_to_the_previous_one(entries):
    before = AuditEntry.objects.filter(id__lt=entries[0].id).order_by("-id").first()
    previous = before.entry_hash if before else ""
    for entry in entries:
        assert entry.previous_hash == previous
        assert len(entry.entry_hash) == 64 and entry.entry_hash == entry_hash(entry.__dict__, entry.previous_hash)
        previous = entry.entry_hash
    output, error = verify()
    assert error is None, output
    assert f"{AuditEntry.objects.count()} entries checked, 0 problems" in output
    assert f"last entry #{entries[-1].id} hash {entries[-1].entry_hash}" in output


def test_the_hash_is_that_of_the_values_as_the_database_gives_them_back(province_officer):
    # Dates, decimals, UUIDs, non-string keys and floats that jsonb spells otherwise (1e16, 5.0) all read back equal.
    after = {
        "when": datetime.date(2025, 7, 1),
        "at": timezone.now(),
        "amount": Decimal("17.50"),
        "id": uuid.UUID(int=7),
        10: "key ten",
        2: "key two",
        "floats": [5.0, 0.1, 1e16, 1e-7, 2.5],
        "nested": {"b": [True, None], "a": "Điện Biên"},
    }
    entry = audit.record(actor=province_officer, action="test.values", object_type_label="x", object_id=1, after=after)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.entry_hash == entry.entry_hash == entry_hash(stored.__dict__, stored.previous_hash)
    output, error = verify()
    assert error is None, output


def test_an_entry_is_never_dated_before_its_predecessor(province_officer):
    waited = audit.build(actor=province_officer, action="test.waited", object_type_label="x", object_id=1)
    waited.created_at -= datetime.timedelta(seconds=5)  # built, then waited for the lock while another wrote
    other = audit.record(actor=province_officer, action="test.other", object_type_label="x", object_id=2)
    waited.save()
    assert waited.created_at == other.created_at
    assert verify()[1] is None


def test_a_deleted_entry_is_found(entries):
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[2].id])
    output, error = verify()
    assert error is not None and error.returncode == 1
    assert f"#{entries[3].id}: does not follow #{entries[1].id}" in output
    assert "1 problems" in output


def test_a_changed_entry_is_found(entries):
    with triggers_off() as cursor:
        cursor.execute("UPDATE core_auditentry SET object_label = %s WHERE id = %s", ["khác", entries[1].id])
    output, error = verify()
    assert error is not None
    assert f"#{entries[1].id}: content does not match its hash" in output


def test_a_changed_entry_with_its_hash_recomputed_breaks_the_next_link(entries):
    changed = AuditEntry.objects.get(pk=entries[1].id)
    changed.action = "test.rewritten"
    forged = entry_hash(changed.__dict__, changed.previous_hash)
    with triggers_off() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET action = %s, entry_hash = %s WHERE id = %s",
            [changed.action, forged, changed.id],
        )
    output, error = verify()
    assert error is not None
    assert f"#{entries[2].id}: does not follow #{entries[1].id}" in output


def test_a_back_dated_entry_inserted_with_sql_is_found(entries):
    # Even written by someone who knows the scheme and gives it a correct hash, at the end of the chain.
    last = entries[-1]
    back_dated = AuditEntry(
        created_at=last.created_at - datetime.timedelta(days=30),
        actor_label="tinh",
        object_type="test.thing",
        object_id="9",
        object_label="đã lùi ngày",
        action="test.backdated",
        request_id="",
    )
    digest = entry_hash(back_dated.__dict__, last.entry_hash)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditentry (created_at, actor_label, object_type, object_id, object_label, action, "
            "request_id, previous_hash, entry_hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                connection.ops.adapt_datetimefield_value(back_dated.created_at),
                "tinh",
                "test.thing",
                "9",
                "đã lùi ngày",
                "test.backdated",
                "",
                last.entry_hash,
                digest,
            ],
        )
    output, error = verify()
    assert error is not None
    new_id = AuditEntry.objects.latest("id").id
    assert f"#{new_id}: dated" in output and f"before #{last.id}" in output


def test_an_entry_inserted_with_sql_without_a_hash_is_found(entries):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditentry (created_at, actor_label, object_type, object_id, object_label, action, "
            "request_id, previous_hash, entry_hash) VALUES (%s, 'x', 'x', '1', 'x', 'x', '', 'forged', '')",
            [connection.ops.adapt_datetimefield_value(timezone.now())],
        )
    output, error = verify()
    assert error is not None
    new_id = AuditEntry.objects.latest("id").id
    assert f"#{new_id}: does not follow" in output and f"#{new_id}: content does not match" in output


def test_the_database_refuses_a_second_successor(entries):
    # Two writers that read the same last entry (what the lock prevents) cannot both append: no forked chain.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditentry (created_at, actor_label, object_type, object_id, object_label, action, "
            "request_id, previous_hash, entry_hash) VALUES (%s, 'x', 'x', '1', 'x', 'x', '', %s, 'x')",
            [connection.ops.adapt_datetimefield_value(timezone.now()), entries[2].previous_hash],
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    """Threads with their own connections write at once; the chain stays a single line (PostgreSQL: the advisory
    lock; SQLite: one writer at a time)."""
    errors = []
    barrier = threading.Barrier(4)

    def writer(n):
        try:
            barrier.wait()
            for k in range(5):
                with transaction.atomic():
                    audit.record(actor=None, action="test.concurrent", object_type_label="x", object_id=f"{n}.{k}")
                    audit.record_many(
                        audit.build(
                            actor=None, action="test.concurrent", object_type_label="x", object_id=f"{n}.{k}.{m}"
                        )
                        for m in range(3)
                    )
        except Exception as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert AuditEntry.objects.filter(action="test.concurrent").count() == 4 * 5 * 4
    output, error = verify()
    assert error is None, output


def test_the_admin_shows_an_entrys_hashes(admin_client, entries):
    response = admin_client.get(f"/admin/core/auditentry/{entries[1].id}/change/")
    assert response.status_code == 200
    assert entries[1].previous_hash in response.text and entries[1].entry_hash in response.text
