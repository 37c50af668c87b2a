"""On PostgreSQL the application connects as a role that may only read and append to the audit log: the grants of
`manage.py audit_db_role`, checked by acting as that role. The role is created inside the test's transaction, with a
name of its own, so nothing is left in the cluster and two runs (or two test databases) never meet."""

import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from core import audit
from core.models import AuditEntry

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles and grants are PostgreSQL's; SQLite has none"
)


@pytest.fixture
def app_role():
    role = f"ocop_app_test_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")  # rolled back with the test's transaction
    return role


def refused(cursor, sql, params=None):
    """The database's error message for `sql`, run in a savepoint so that the test's transaction goes on."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        cursor.execute(sql, params)
    return str(caught.value)


@postgresql_only
def test_the_application_role_may_append_to_the_audit_log_but_not_change_it(app_role, province_officer):
    out = StringIO()
    call_command("audit_db_role", role=app_role, apply=True, stdout=out)
    assert "only SELECT and INSERT" in out.getvalue()
    kept = AuditEntry.objects.order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {app_role}")
        try:
            # The application's own writes work: an audit entry (advisory lock, last hash, insert) and other tables.
            entry = audit.record(actor=province_officer, action="test.as_app_role", object_type_label="x", object_id=1)
            assert AuditEntry.objects.filter(pk=entry.pk).exists()
            cursor.execute("UPDATE accounts_user SET full_name = full_name WHERE id = %s", [province_officer.pk])

            assert "permission denied" in refused(
                cursor, "UPDATE core_auditentry SET action = 'x' WHERE id = %s", [kept.id]
            )
            assert "permission denied" in refused(cursor, "DELETE FROM core_auditentry WHERE id = %s", [kept.id])
            assert "permission denied" in refused(cursor, "TRUNCATE core_auditentry")
            for sql in (
                "ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_no_update",
                "ALTER TABLE core_auditentry DISABLE TRIGGER ALL",
                "DROP TRIGGER core_auditentry_no_update ON core_auditentry",
                "DROP TABLE core_auditentry",
            ):
                assert "must be owner" in refused(cursor, sql)
            assert "permission denied" in refused(cursor, "SET session_replication_role = replica")
        finally:
            cursor.execute("RESET ROLE")
    assert AuditEntry.objects.get(pk=kept.pk).action == kept.action


@postgresql_only
def test_the_sql_is_printed_without_apply(app_role):
    out = StringIO()
    call_command("audit_db_role", role=app_role, stdout=out)
    sql = out.getvalue()
    assert f'REVOKE ALL ON TABLE "public"."core_auditentry" FROM "{app_role}";' in sql
    assert f'GRANT SELECT, INSERT ON TABLE "public"."core_auditentry" TO "{app_role}";' in sql
    assert "warning" not in sql


@postgresql_only
def test_a_role_that_could_disable_the_trigger_is_refused():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]  # CI's superuser, which owns the tables
    with pytest.raises(CommandError, match="superuser|owns"):
        call_command("audit_db_role", role=owner, apply=True)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("audit_db_role", role="no_such_role_h7", apply=True)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's answer")
def test_sqlite_has_no_roles_and_says_so():
    with pytest.raises(CommandError, match="Only for PostgreSQL"):
        call_command("audit_db_role", role="ocop_app")
