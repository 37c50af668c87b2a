"""Shared fixtures: the reference data loaded once per test database, and personas with memberships.

Personas (new-scheme areas): province_officer (Tỉnh Điện Biên), commune_officer (Xã Thanh Nưa),
other_commune_officer (Phường Mường Thanh), other_province_officer (Tỉnh Sơn La), council_member, producer, anonymous.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import services
from accounts.roles import Role
from areas.queries import get_unit
from core.reference import load_all_reference_data


def pytest_configure(config):
    # Tests create hundreds of accounts: a fast hasher there (never in settings) keeps councils cheap to build.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run inside the test (imports' worker test switches to the database backend on purpose).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Uploaded files and import jobs' progress/cancel files go to a directory of this run only: job ids repeat from one
    # test database to the next (and between the SQLite and PostgreSQL runs of CI), so a cancel file left under var/
    # would cancel a later test's job; and a test run leaves nothing behind in var/.
    scratch = Path(tempfile.mkdtemp(prefix="ocop-tests-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    settings.VAR_DIR = scratch
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": scratch / "media"},
        },
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    from django.db import connection
    from django.test import TransactionTestCase

    with django_db_blocker.unblock():
        load_all_reference_data()
        keeper = ReferenceKeeper(connection)
        keeper.take()
    request.config.stash[KEEPER] = keeper
    flush = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        names = self._databases_names(include_mirrors=False)
        if self.available_apps is not None or self.serialized_rollback or names != ["default"]:
            flush(self)  # Django's way, then the reference data back
            if "default" in names:
                keeper.reload()
            return
        if keeper.restore(lambda: flush(self)):
            keeper.reloaded_after.append(os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0])

    TransactionTestCase._fixture_teardown = _fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = flush
    if keeper.reloaded_after:
        request.node.warn(
            pytest.PytestWarning(
                f"Reference data reloaded (kept rows changed) after: {', '.join(keeper.reloaded_after)}"
            )
        )


KEEPER = pytest.StashKey["ReferenceKeeper"]()


@pytest.fixture
def reference_keeper(django_db_setup, request):
    """The session's ReferenceKeeper (tests of the keeper itself)."""
    return request.config.stash[KEEPER]


class ReferenceKeeper:
    """Keeps what the database holds at the session's start (the reference data, its audit entries, content types and
    permissions) through the flush after each transactional test (live_server, transaction=True), instead of letting
    Django empty every table and reloading the reference data (15 s) in the next test.

    After such a test: every table that was empty at the start is emptied, and the rows a test added to a kept table
    (ids above the start's highest) are deleted. A test that updated or deleted a kept row (seen by triggers that note
    the table in CHANGES; the audit log, whose own trigger refuses updates, by its count of the start's rows) gets
    Django's full flush and a fresh load instead, so the next test always starts from the same database.
    """

    CHANGES = "test_reference_changes"

    def __init__(self, connection):
        self.connection = connection
        self.kept = {}  # table -> (primary key column, highest id at the start, rows at the start)
        self.reloaded_after = []  # the tests that changed kept rows

    def _tables(self):
        from django.apps import apps

        existing = set(self.connection.introspection.django_table_names(only_existing=True, include_views=False))
        return {
            model._meta.db_table: model._meta.pk
            for model in apps.get_models(include_auto_created=True)
            if model._meta.db_table in existing and not model._meta.proxy and model._meta.managed
        }

    def take(self):
        """Notes the tables holding rows and installs the change triggers on them."""
        qn = self.connection.ops.quote_name
        self.kept = {}
        with self.connection.cursor() as cursor:
            for table, pk in self._tables().items():
                integer = pk.get_internal_type() in {"AutoField", "BigAutoField", "SmallAutoField"}
                top = f"MAX({qn(pk.column)})" if integer else "NULL"
                cursor.execute(f"SELECT COUNT(*), {top} FROM {qn(table)}")
                count, top = cursor.fetchone()
                if count:
                    self.kept[table] = (pk.column, top, count)
            self._install_triggers(cursor)

    def _watched(self):
        # Not the audit log: its own trigger refuses updates, and tests switch its triggers off and on; counted instead.
        return [table for table in self.kept if table != "core_auditentry"]

    def _install_triggers(self, cursor):
        qn = self.connection.ops.quote_name
        if self.connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {self.CHANGES} (table_name text NOT NULL)")
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {self.CHANGES}_note() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN INSERT INTO {self.CHANGES} VALUES (TG_TABLE_NAME); RETURN NULL; END $$"
            )
            for table in self._watched():
                for name, when in (("rows", "UPDATE OR DELETE ON {} FOR EACH ROW"), ("all", "TRUNCATE ON {}")):
                    cursor.execute(
                        f"CREATE OR REPLACE TRIGGER {self.CHANGES}_{name} AFTER {when.format(qn(table))} "
                        f"EXECUTE FUNCTION {self.CHANGES}_note()"
                    )
        elif self.connection.vendor == "sqlite":
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {self.CHANGES} (table_name text NOT NULL)")
            for table in self._watched():
                for event in ("UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {qn(f'{self.CHANGES}_{table}_{event.lower()}')} "
                        f"AFTER {event} ON {qn(table)} BEGIN INSERT INTO {self.CHANGES} VALUES ('{table}'); END"
                    )
        else:
            self.kept = {}  # another database: Django's flush and a reload every time

    def intact(self) -> bool:
        """Whether the rows kept from the start are all there, unchanged."""
        with self.connection.cursor() as cursor:
            return self._intact(cursor)

    def _intact(self, cursor) -> bool:
        if not self.kept:
            return False
        qn = self.connection.ops.quote_name
        cursor.execute(f"SELECT COUNT(*) FROM {self.CHANGES}")
        if cursor.fetchone()[0]:
            return False
        for table, (pk, top, count) in self.kept.items():
            # Unwatched (the audit log): its rows from the start are all there. Without integer ids (none so far): no
            # row was added either, as there is no telling them apart.
            if table not in self._watched() or top is None:
                where = "" if top is None else f" WHERE {qn(pk)} <= %s"
                cursor.execute(f"SELECT COUNT(*) FROM {qn(table)}{where}", [] if top is None else [top])
                if cursor.fetchone()[0] != count:
                    return False
        return True

    def reload(self):
        """After Django's flush: the reference data loaded again, and noted."""
        load_all_reference_data()
        self.take()
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.CHANGES}")

    def restore(self, flush) -> bool:
        """In place of the flush after a transactional test; `flush` is Django's (empties every table). Returns whether
        the reference data was reloaded."""
        from django.core.management.sql import emit_post_migrate_signal
        from django.db import transaction

        qn = self.connection.ops.quote_name
        reload = not self.intact()
        if reload:
            flush()
            self.reload()
        else:
            tables = self._tables()
            with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
                added = []  # (table, id column, highest id at the start) of kept tables a test added rows to
                for table, (pk, top, _count) in self.kept.items():
                    if top is not None:
                        cursor.execute(f"SELECT 1 FROM {qn(table)} WHERE {qn(pk)} > %s LIMIT 1", [top])
                        if cursor.fetchone():
                            added.append((table, pk, top))
                # PostgreSQL: the audit log's trigger refuses DELETE (Django's flush there uses TRUNCATE, which it lets
                # pass); the test database's owner switches the tables' own triggers off for this transaction, before
                # any delete (a table with pending foreign-key checks cannot be altered) ...
                postgresql = self.connection.vendor == "postgresql"
                if postgresql:
                    for table, _pk, _top in added:
                        cursor.execute(f"ALTER TABLE {qn(table)} DISABLE TRIGGER USER")
                for table in tables:
                    if table not in self.kept:
                        cursor.execute(f"DELETE FROM {qn(table)}")
                for table, pk, top in added:
                    cursor.execute(f"DELETE FROM {qn(table)} WHERE {qn(pk)} > %s", [top])
                if postgresql and added:  # ... and on again once the foreign keys are checked
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    for table, _pk, _top in added:
                        cursor.execute(f"ALTER TABLE {qn(table)} ENABLE TRIGGER USER")
            emit_post_migrate_signal(0, False, self.connection.alias)
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.CHANGES}")
        return reload


@pytest.fixture
def reference_data(db):
    """The reference data, for transactional tests too (ReferenceKeeper keeps it through their flush)."""
    from areas.models import AdministrativeUnit

    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()


def make_user(username, role=None, area_id=None):
    user = services.create_user(actor=None, username=username, password="pw-" + username, full_name=username)
    if role:
        services.grant_membership(actor=None, user=user, role=role, area=get_unit(area_id) if area_id else None)
    return user


@pytest.fixture
def unit():
    return get_unit


@pytest.fixture
def province_officer(db):
    return make_user("tinh", Role.PROVINCE_OFFICER, "2025:11")


@pytest.fixture
def other_province_officer(db):
    return make_user("tinh.sonla", Role.PROVINCE_OFFICER, "2025:14")


@pytest.fixture
def commune_officer(db):
    return make_user("xa", Role.COMMUNE_OFFICER, "2025:03328")


@pytest.fixture
def other_commune_officer(db):
    return make_user("xa.khac", Role.COMMUNE_OFFICER, "2025:03334")


@pytest.fixture
def council_member(db):
    return make_user("hoidong", Role.COUNCIL_MEMBER, "2025:11")


@pytest.fixture
def producer(db):
    return make_user("chuthe", Role.PRODUCER, "2025:03328")


@pytest.fixture
def system_admin(db):
    return make_user("quantri", Role.SYSTEM_ADMIN, None)


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Reports cache by data version; tests write rows directly and roll back: each test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters (core.ratelimit) live in a process-wide cache: each test starts with a full budget."""
    from django.conf import settings
    from django.core.cache import caches

    caches[settings.RATE_LIMIT_CACHE].clear()
