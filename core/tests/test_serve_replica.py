"""Issue 15: report reads go to the read replica (config.routers), everything else to the primary.

The routing rules are checked without a replica; the last test runs against a real second database alias and needs
DATABASE_REPLICA_URL (CI runs this file with it: .ci/run; in tests the replica mirrors the default database)."""

import pytest
from django.conf import settings
from django.db import connections
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from config import routers
from config.routers import ReplicaReadMiddleware, ReplicaRouter, reading_reports
from core.models import AuditEntry
from products.models import Product


@pytest.fixture
def replica(monkeypatch):
    monkeypatch.setattr(routers, "replica_configured", lambda: True)


def reading(value=True):
    token = reading_reports.set(value)
    return lambda: reading_reports.reset(token)


def test_report_reads_go_to_the_replica_and_writes_never(replica):
    done = reading()
    try:
        assert ReplicaRouter().db_for_read(Product) == "replica"
        assert ReplicaRouter().db_for_read(AuditEntry) == "replica"  # the data version, read beside the figures
        assert ReplicaRouter().db_for_write(Product) == "default"
    finally:
        done()


def test_who_is_asking_is_always_read_on_the_primary(replica):
    from django.contrib.sessions.models import Session

    done = reading()
    try:
        assert ReplicaRouter().db_for_read(User) is None and ReplicaRouter().db_for_read(Session) is None
    finally:
        done()


def test_other_requests_and_missing_replica_read_the_primary(replica, monkeypatch):
    assert ReplicaRouter().db_for_read(Product) is None  # not a report request
    done = reading()
    try:
        monkeypatch.setattr(routers, "replica_configured", lambda: False)
        assert ReplicaRouter().db_for_read(Product) is None
    finally:
        done()


@pytest.mark.django_db
def test_reads_inside_a_transaction_see_its_writes_on_the_primary(replica):
    assert connections["default"].in_atomic_block
    done = reading()
    try:
        assert ReplicaRouter().db_for_read(Product) is None
    finally:
        done()


def test_migrations_never_run_on_the_replica():
    assert ReplicaRouter().allow_migrate("replica", "products") is False
    assert ReplicaRouter().allow_migrate("default", "products") is True


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/reports/ocop/", True),
        ("GET", "/api/v1/reports/ntm", True),
        ("HEAD", "/ntm/", True),
        ("GET", "/ntm/export.xlsx", True),
        ("GET", "/ntm/commune/2025:03328/", False),  # an officer's working page
        ("POST", "/reports/ocop/", False),
        ("GET", "/imports/", False),
    ],
)
def test_the_middleware_marks_report_reads_only(settings, method, path, expected):
    seen = []
    middleware = ReplicaReadMiddleware(lambda request: seen.append(reading_reports.get()) or "response")
    assert middleware(RequestFactory().generic(method, path)) == "response"
    assert seen == [expected] and reading_reports.get() is False


@pytest.mark.skipif("replica" not in settings.DATABASES, reason="needs DATABASE_REPLICA_URL (CI sets it)")
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_report_page_reads_figures_on_the_replica_and_the_session_on_the_primary(client, reference_data):
    from accounts.roles import Role
    from conftest import make_user

    client.force_login(make_user("tinh.replica", Role.PROVINCE_OFFICER, "2025:11"))
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get("/api/v1/reports/ocop?as_of=2026-01-01&area=2025:11")
        page = client.get("/reports/ocop/?area=2025:11")
    assert response.status_code == 200 and page.status_code == 200
    replica_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    primary_sql = " ".join(q["sql"] for q in on_primary.captured_queries)
    assert on_replica.captured_queries and "core_auditentry" in replica_sql and "certification_" in replica_sql
    assert "django_session" in primary_sql and "django_session" not in replica_sql
    assert "certification_" not in primary_sql
