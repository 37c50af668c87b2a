"""Issue 15: /healthz and /readyz (core.health) — public, unthrottled, cheap; readyz names the part that failed."""

import contextlib
import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import health

pytestmark = pytest.mark.django_db(databases="__all__")  # readyz queries every database


@pytest.fixture
def database_tasks(settings):
    """The production task backend: tasks wait in the database for `manage.py db_worker`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def heartbeats():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=health.heartbeat.module_path)


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_database_and_cache_in_constant_queries(client):
    with contextlib.ExitStack() as stack:
        captured = [stack.enter_context(CaptureQueriesContext(connections[alias])) for alias in settings.DATABASES]
        response = client.get("/readyz")
    assert [len(c.captured_queries) for c in captured] == [1] * len(captured)  # SELECT 1 each; tasks run inline
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "worker": "ok: no worker (tasks run inline)"},
    }


def test_readyz_names_the_failed_part_with_503(client, monkeypatch):
    def broken():
        raise OperationalError("could not connect to server at db.internal")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail" and body["checks"]["database"] == "fail: OperationalError"
    assert body["checks"]["cache"] == "ok" and "db.internal" not in response.content.decode()  # details: log only


def test_a_cache_that_loses_values_is_not_ready(client, monkeypatch):
    from django.core.cache import caches

    monkeypatch.setattr(type(caches["default"]), "get", lambda self, key, default=None, version=None: None)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["cache"].startswith("fail")


def test_without_a_heartbeat_the_worker_is_not_ready_and_one_heartbeat_is_queued(client, database_tasks):
    first = client.get("/readyz")
    second = client.get("/readyz")
    assert first.status_code == second.status_code == 503
    assert first.json()["checks"]["worker"] == "fail: no heartbeat from the worker yet"
    assert heartbeats().ready().count() == 1  # two probes, one task


@pytest.mark.django_db(transaction=True, databases="__all__")  # the worker closes its connections
def test_the_worker_running_the_heartbeat_makes_it_ready_and_a_stale_one_does_not(client, database_tasks):
    client.get("/readyz")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert heartbeats().successful().count() == 1
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["checks"]["worker"] == "ok"

    stale = settings.HEALTH_WORKER_STALE + 30
    heartbeats().update(finished_at=timezone.now() - datetime.timedelta(seconds=stale))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"].startswith("fail: last heartbeat ")


@pytest.mark.django_db(transaction=True, databases="__all__")  # the worker closes its connections
def test_old_heartbeats_are_deleted_by_the_next_one(database_tasks):
    health.heartbeat.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    heartbeats().update(finished_at=timezone.now() - health.HEARTBEAT_KEPT - datetime.timedelta(minutes=1))
    health.heartbeat.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert heartbeats().count() == 1


def test_probes_are_never_rate_limited(client, settings):
    settings.RATE_LIMITS = [("/", "1/m")]  # a rule matching every path
    assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 200]
    assert [client.get("/readyz").status_code for _ in range(3)] == [200, 200, 200]
    assert client.get("/areas/").status_code == 200
    assert client.get("/areas/").status_code == 429  # the rule does apply elsewhere


def test_probes_are_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/areas/").status_code == 301
