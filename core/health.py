"""/healthz and /readyz: what a load balancer or an orchestrator asks before sending traffic here.

- `/healthz`: the process answers (no database, no cache): 200 `{"status": "ok"}`.
- `/readyz`: the database answers a query (every configured database), the cache keeps a value (both caches), and the
  background worker is alive; 200 `{"status": "ok", "checks": {...}}`, else 503 with `"status": "fail"` and each
  failed check saying what is wrong. Details (host names, messages) go to the log, not to the public answer.

The worker proves itself alive by running `heartbeat`, a tiny task: /readyz queues one when the last one finished more
than settings.HEALTH_HEARTBEAT_EVERY seconds ago (at most once per that interval per cache, and never while one is
waiting), and reports the worker stale when the last one finished more than settings.HEALTH_WORKER_STALE seconds ago,
or never. So the first probe after a start answers 503 ("no heartbeat yet") until the worker has run one, a second
or so later. With the immediate task backend (tasks run inside the request: tests, TASKS_BACKEND=immediate) there is
no worker and the check says so. Both endpoints are public, unthrottled (no rate-limit rule matches them), exempt
from the HTTPS redirect, never cached, and cost three or four small queries at most.
"""

import datetime
import logging
import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import JsonResponse
from django.tasks import task, task_backends
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

HEARTBEAT_KEPT = datetime.timedelta(hours=1)  # older finished heartbeats are deleted by the next one
KICK_KEY = "health:heartbeat-queued"


@task()
def heartbeat() -> str:
    """Run by the background worker: its finishing time is the worker's sign of life (see the module docstring)."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    DBTaskResult.objects.filter(task_path=heartbeat.module_path, finished_at__lt=now - HEARTBEAT_KEPT).delete()
    return now.isoformat()


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_databases() -> str:
    for alias in settings.DATABASES:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    return "ok"


def _check_caches() -> str:
    for alias in {"default", getattr(settings, "RATE_LIMIT_CACHE", "default")}:
        cache = caches[alias]
        key, token = f"health:probe:{secrets.token_hex(8)}", secrets.token_hex(8)
        cache.set(key, token, 30)
        if cache.get(key) != token:
            return f"fail: the {alias} cache did not keep a value"
        cache.delete(key)
    return "ok"


def _uses_worker() -> bool:
    try:
        from django_tasks_db.backend import DatabaseBackend
    except ImportError:  # pragma: no cover - the worker package is a dependency
        return False
    return isinstance(task_backends["default"], DatabaseBackend)


def _may_queue() -> bool:
    """At most one heartbeat queued per HEALTH_HEARTBEAT_EVERY per cache, however often the probes come."""
    try:
        return caches["default"].add(KICK_KEY, True, settings.HEALTH_HEARTBEAT_EVERY)
    except Exception:  # the cache is down (its own check says so): the queue check below still prevents a pile-up
        return True


def _check_worker() -> str:
    if not _uses_worker():
        return "ok: no worker (tasks run inline)"
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    heartbeats = DBTaskResult.objects.filter(task_path=heartbeat.module_path)
    last = heartbeats.successful().order_by("-finished_at").values_list("finished_at", flat=True).first()
    every = datetime.timedelta(seconds=settings.HEALTH_HEARTBEAT_EVERY)
    if (last is None or now - last > every) and _may_queue() and not heartbeats.ready().exists():
        heartbeat.enqueue()
    if last is None:
        return "fail: no heartbeat from the worker yet"
    age = (now - last).total_seconds()
    if age > settings.HEALTH_WORKER_STALE:
        return f"fail: last heartbeat {int(age)} s ago"
    return "ok"


CHECKS = {"database": _check_databases, "cache": _check_caches, "worker": _check_worker}


@never_cache
@require_safe
def readyz(request):
    checks = {}
    for name, check in CHECKS.items():
        try:
            checks[name] = check()
        except Exception as error:  # a probe answers, whatever broke
            logger.exception("readiness check %s failed", name)
            checks[name] = f"fail: {type(error).__name__}"
    ready = all(not result.startswith("fail") for result in checks.values())
    return JsonResponse({"status": "ok" if ready else "fail", "checks": checks}, status=200 if ready else 503)
