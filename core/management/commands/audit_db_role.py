"""Grants for the PostgreSQL role the application connects as, so that the audit log is append-only for it.

Production uses two roles: the owner, which owns the tables and runs `migrate` (and this command), and the application
role (`ocop_app`), which the web and worker processes connect as. The application role may read and write every table,
but on the audit table only SELECT and INSERT: it cannot UPDATE, DELETE or TRUNCATE entries, and, not owning the table,
cannot ALTER it to disable the append-only trigger (nor set session_replication_role, which needs a superuser).

Prints the SQL; with --apply runs it (as the owner) and checks the result.
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core.models import AuditEntry

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
WRITE = "SELECT, INSERT, UPDATE, DELETE"


def grants(role: str, schema: str, audit_table: str) -> list[str]:
    q = connection.ops.quote_name
    role, schema, audit_table = q(role), q(schema), q(audit_table)
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT {WRITE} ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        # The audit table: read and append, nothing else (REVOKE ALL first: grants given earlier by hand too).
        f"REVOKE ALL ON TABLE {schema}.{audit_table} FROM {role}",
        f"GRANT SELECT, INSERT ON TABLE {schema}.{audit_table} TO {role}",
        # Tables and sequences that later migrations create (run by the same owner) get the same grants.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {WRITE} ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]


class Command(BaseCommand):
    help = (
        "PostgreSQL: print (or --apply) the grants that let the application role write every table but only read "
        "and append to the audit log. Run as the tables' owner, after migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", default="ocop_app", help="the role the application connects as")
        parser.add_argument("--apply", action="store_true", help="run the SQL instead of printing it")

    def handle(self, *args, role, apply, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "Only for PostgreSQL. On SQLite the audit log's protection is the UPDATE trigger and the hash chain "
                "(manage.py verify_audit): whoever can write the database file can change it."
            )
        if not ROLE_NAME.match(role):
            raise CommandError(f"role name {role!r}: use lower-case letters, digits and underscores")
        table = AuditEntry._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            schema = cursor.fetchone()[0]
            problems = self.problems(cursor, role, schema, table)
        statements = grants(role, schema, table)
        if not apply:
            for problem in problems:
                self.stdout.write(f"-- warning: {problem}")
            for statement in statements:
                self.stdout.write(statement + ";")
            return
        if problems:
            raise CommandError("; ".join(problems))
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            cursor.execute(
                "SELECT has_table_privilege(%(r)s, %(t)s, 'INSERT'), has_table_privilege(%(r)s, %(t)s, 'UPDATE'), "
                "has_table_privilege(%(r)s, %(t)s, 'DELETE'), has_table_privilege(%(r)s, %(t)s, 'TRUNCATE')",
                {"r": role, "t": f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(table)}"},
            )
            if cursor.fetchone() != (True, False, False, False):
                raise CommandError(f"{role} still may change {table}: check grants to PUBLIC or to roles it belongs to")
        self.stdout.write(f"{role}: read and write on every table of {schema}; on {table} only SELECT and INSERT")

    @staticmethod
    def problems(cursor, role, schema, table) -> list[str]:
        """Why grants would not protect the audit log from this role."""
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            return [f"role {role} does not exist (CREATE ROLE {role} LOGIN PASSWORD '…', as a superuser)"]
        if row[0]:
            return [f"{role} is a superuser: no grant limits it; the application must connect as another role"]
        cursor.execute(
            "SELECT tableowner, pg_has_role(%s, tableowner, 'MEMBER') FROM pg_tables "
            "WHERE schemaname = %s AND tablename = %s",
            [role, schema, table],
        )
        row = cursor.fetchone()
        if row is None:
            return [f"no table {schema}.{table}: run migrate first"]
        if row[1]:
            return [
                f"{role} owns {table} or has its owner's rights ({row[0]}): it could disable the trigger; "
                "the tables must belong to another role, which runs migrate"
            ]
        return []
