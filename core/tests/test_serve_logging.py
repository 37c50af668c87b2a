"""Issue 15: request ids, the JSON access log and the slow-query log (core.middleware, core.logging)."""

import json
import logging
import re

import pytest
from django.db import connection

from core import logging as core_logging

pytestmark = pytest.mark.django_db


def as_json(record: logging.LogRecord) -> dict:
    core_logging.RequestContextFilter().filter(record)
    return json.loads(core_logging.JsonFormatter().format(record))


def test_a_request_gets_an_id_echoed_in_the_response(client):
    generated = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert client.get("/healthz")["X-Request-ID"] != generated
    assert client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.2"})["X-Request-ID"] == "lb-7f3a.2"


@pytest.mark.parametrize("supplied", ["x" * 65, "a b", "id\nforged line", "<script>"])
def test_a_proxy_id_that_is_not_a_plain_token_is_replaced(client, supplied):
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/healthz", headers={"X-Request-ID": supplied})["X-Request-ID"])


def test_each_request_is_logged_with_id_user_method_path_status_and_duration(client, province_officer, caplog):
    client.force_login(province_officer)
    with caplog.at_level(logging.INFO, logger="ocop.request"):
        client.get("/areas/?q=x", headers={"X-Request-ID": "req-serve-1"})
    (record,) = [r for r in caplog.records if r.name == "ocop.request"]
    line = as_json(record)
    assert line["request_id"] == "req-serve-1" and line["logger"] == "ocop.request" and line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/areas/", 200)
    assert (line["user_id"], line["username"]) == (province_officer.pk, "tinh")
    assert isinstance(line["duration_ms"], float) and line["message"] == "GET /areas/ 200" and line["time"]


def test_an_anonymous_request_is_logged_without_a_user_and_without_a_query_of_its_own(
    client, caplog, django_assert_num_queries
):
    with caplog.at_level(logging.INFO, logger="ocop.request"), django_assert_num_queries(0):
        client.get("/healthz")
    (record,) = [r for r in caplog.records if r.name == "ocop.request"]
    assert (record.user_id, record.username, record.status) == (None, None, 200)


def test_the_access_log_is_off_unless_asked(client, caplog):
    with caplog.at_level(logging.WARNING, logger="ocop.request"):
        client.get("/healthz")
    assert not [r for r in caplog.records if r.name == "ocop.request"]


def test_log_lines_inside_a_request_carry_its_id_and_vietnamese_stays_readable():
    token = core_logging.current_request_id.set("req-42")
    try:
        record = logging.LogRecord("ocop.test", logging.WARNING, __file__, 1, "Tỉnh Điện Biên", None, None)
        formatted = (
            core_logging.JsonFormatter().format(record) if core_logging.RequestContextFilter().filter(record) else ""
        )
    finally:
        core_logging.current_request_id.reset(token)
    assert json.loads(formatted)["request_id"] == "req-42" and "Tỉnh Điện Biên" in formatted


class FakeClock:
    def __init__(self, *readings):
        self.readings = list(readings)

    def perf_counter(self):
        return self.readings.pop(0)


def test_a_query_slower_than_the_threshold_is_logged_with_its_time(settings, caplog, monkeypatch):
    settings.SLOW_QUERY_MS = 200
    connection.ensure_connection()
    assert core_logging.slow_query_wrapper in connection.execute_wrappers  # installed when the connection opened
    monkeypatch.setattr(core_logging, "time", FakeClock(10.0, 10.35, 20.0, 20.05))
    with caplog.at_level(logging.WARNING, logger="ocop.db.slow"), connection.cursor() as cursor:
        cursor.execute("SELECT %s", [1])  # 350 ms on the fake clock: logged
        cursor.execute("SELECT %s", [2])  # 50 ms: not
    (record,) = [r for r in caplog.records if r.name == "ocop.db.slow"]
    assert record.duration_ms == 350.0 and record.sql.startswith("SELECT") and record.database == "default"
    assert "350 ms" in record.getMessage() and "1" not in str(getattr(record, "params", ""))


def test_slow_query_logging_is_off_at_zero(settings, caplog, monkeypatch):
    settings.SLOW_QUERY_MS = 0
    monkeypatch.setattr(core_logging, "time", FakeClock(0.0, 9.0))
    with caplog.at_level(logging.WARNING, logger="ocop.db.slow"), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert not [r for r in caplog.records if r.name == "ocop.db.slow"]
