"""Log lines that say which request they belong to, as JSON when served (settings.LOG_FORMAT), and slow queries.

- `RequestContextFilter` (on the console handler) gives every record `request_id`: the id of the request being
  answered (core.middleware.RequestIdMiddleware: the proxy's X-Request-ID or a new one), "" outside a request.
- `JsonFormatter`: one JSON object a line: time, level, logger, message, request_id and any `extra` fields (the access
  line of core.middleware adds method, path, status, duration_ms, user_id, username).
- Slow queries: every database connection gets an execute wrapper (installed when the connection opens) that logs a
  query slower than settings.SLOW_QUERY_MS on the "ocop.db.slow" logger with its time and SQL (never its parameters,
  which may hold personal data). Requests, the background worker and management commands alike.
"""

import contextvars
import datetime
import logging
import time

from django.conf import settings
from django.db.backends.signals import connection_created
from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

# Set by core.middleware.RequestIdMiddleware for the length of a request (and read by the audit log).
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("current_request_id", default="")

slow_logger = logging.getLogger("ocop.db.slow")
SQL_SHOWN = 2000  # characters of a slow query's SQL in its log line


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            # django.request logs a 4xx/5xx after the middleware has finished, with the request attached
            record.request_id = current_request_id.get() or getattr(getattr(record, "request", None), "id", "")
        return True


class JsonFormatter(_BaseJsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("json_ensure_ascii", False)  # Vietnamese stays readable
        super().__init__(*args, **kwargs)

    def formatTime(self, record, datefmt=None) -> str:  # noqa: N802 - logging's name
        """ISO 8601 in UTC, whatever the process's time zone (Django sets Asia/Ho_Chi_Minh, gunicorn's master not)."""
        return datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds")


def slow_query_wrapper(execute, sql, params, many, context):
    """Times one query; over settings.SLOW_QUERY_MS it is logged (with the request id, by the filter above)."""
    start = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        elapsed_ms = (time.perf_counter() - start) * 1000
        threshold = getattr(settings, "SLOW_QUERY_MS", 0)
        if threshold and elapsed_ms >= threshold:
            slow_logger.warning(
                "slow query: %.0f ms",
                elapsed_ms,
                extra={
                    "duration_ms": round(elapsed_ms, 1),
                    "database": context["connection"].alias,
                    "sql": str(sql)[:SQL_SHOWN],
                    "many": many,
                },
            )


def install_slow_query_log(sender, connection, **kwargs) -> None:
    """connection_created: the wrapper once per connection object (a pooled or reopened connection keeps it)."""
    if getattr(settings, "SLOW_QUERY_MS", 0) and slow_query_wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(slow_query_wrapper)


# This module is imported when logging is configured (settings.LOGGING names its filter), before any connection opens.
connection_created.connect(install_slow_query_log, dispatch_uid="core.logging.slow_query")
