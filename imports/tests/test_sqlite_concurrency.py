"""Issue 14: on SQLite a long import does not make every other write fail (a login answered 500 after the busy
timeout). The import's transaction takes SQLite's write lock only when it starts writing, not while it reads and plans
the file; a commit by someone else meanwhile makes it start again, and it still writes all or nothing."""

import io
import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client

from certification.imports import import_register
from certification.models import Certificate
from imports.tests.test_jobs import register
from products.models import Product

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single-writer lock; PostgreSQL locks rows"),
]


@pytest.fixture
def short_busy_timeout():
    """New connections (other threads) give up on the write lock after 3 s instead of the configured timeout."""
    options = connections.settings["default"]["OPTIONS"]
    saved = options.get("timeout")
    options["timeout"] = 3
    yield
    options["timeout"] = saved


def test_a_login_succeeds_while_a_long_import_reads_and_plans(
    reference_data, province_officer, short_busy_timeout, monkeypatch
):
    monkeypatch.setattr("core.imports.PROGRESS_EVERY", 50)
    rows = 300
    planning = threading.Event()
    outcome = {}

    def slow_progress(stage, done, total):
        if stage == "write" and done == 0:
            outcome["attempts"] = outcome.get("attempts", 0) + 1
        # the register import plans every row (reads) before its bulk writes: a long file spends its time here
        if stage == "write" and 0 < done < total // 2 and not planning.is_set():
            planning.set()
            time.sleep(12)  # far longer than the other connections' busy timeout

    def run():
        try:
            outcome["result"] = import_register(
                io.BytesIO(register(rows).encode()), filename="so.csv", actor=None, progress=slow_progress
            )
        except Exception as exc:  # reported by the test below
            outcome["error"] = exc
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    assert planning.wait(60), outcome
    connection.close()  # this thread's next connection takes the short timeout too
    started = time.monotonic()
    response = Client().post("/accounts/login/", {"username": "tinh", "password": "pw-tinh"})
    took = time.monotonic() - started
    still_importing = worker.is_alive()
    worker.join(120)
    assert response.status_code == 302 and still_importing, took  # answered while the import's transaction was open
    assert "error" not in outcome, outcome.get("error")
    assert Product.objects.count() == rows and Certificate.objects.count() == rows  # all of it, once
    assert outcome["attempts"] == 2  # the login's commit made it plan again on fresh data


def test_an_import_still_never_half_happens(reference_data, monkeypatch):
    from producers import services as producers

    def fail(*args, **kwargs):
        raise RuntimeError("the machine stopped mid-write")

    monkeypatch.setattr(producers, "bulk_create_producers", lambda **kw: None)
    monkeypatch.setattr("products.services.bulk_create_products", fail)
    with pytest.raises(RuntimeError):
        import_register(io.BytesIO(register(20).encode()), filename="so.csv")
    assert not Product.objects.exists() and not Certificate.objects.exists()
