"""Report reads go to the read replica (settings.DATABASE_REPLICA_URL); everything else stays on the primary.

`ReplicaReadMiddleware` marks a GET/HEAD request whose path matches settings.REPLICA_READ_PATHS (the OCOP and NTM
figures: dashboards, their lists and exports, the report API) as a report read; `ReplicaRouter` then sends that
request's reads to "replica", except:

- writes, always on "default" (a report request writes nothing; should one, it goes to the primary);
- reads inside a transaction on "default", which must see that transaction's own writes;
- who is asking (sessions, accounts, permissions, login lockouts, content types) and the task queue: the session
  and memberships a request is authorised by are read from the primary, so a replica a few seconds behind never
  signs someone out or lets a revoked membership through.

A replica may lag the primary by a moment: figures read there may miss the last second's writes. Reports are cached by
data version, and the version is read on the same replica as the figures, so a cached report never mixes the two.
Migrations run on "default" only (a streaming replica copies them).
"""

import contextvars
import re

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY_ONLY_APPS = frozenset({"sessions", "accounts", "auth", "axes", "contenttypes", "admin", "django_tasks_db"})

reading_reports: contextvars.ContextVar[bool] = contextvars.ContextVar("reading_reports", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not reading_reports.get() or not replica_configured():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        if connections["default"].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


def _patterns(configured: tuple) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in configured)


class ReplicaReadMiddleware:
    """Marks report reads (see the module docstring); installed by settings only when a replica is configured."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.patterns = _patterns(tuple(getattr(settings, "REPLICA_READ_PATHS", ())))

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and any(p.match(request.path_info) for p in self.patterns):
            token = reading_reports.set(True)
            try:
                return self.get_response(request)
            finally:
                reading_reports.reset(token)
        return self.get_response(request)
