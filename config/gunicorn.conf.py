"""gunicorn settings for `make serve` (and production): `gunicorn -c config/gunicorn.conf.py`.

Read from the environment: HOST and PORT (default 127.0.0.1:8000), WEB_CONCURRENCY (worker processes, default 2),
GUNICORN_THREADS (threads per worker, default 2), GUNICORN_TIMEOUT (seconds a request may take, default 60: PDFs are
rendered on demand), FORWARDED_ALLOW_IPS (proxies whose X-Forwarded-* gunicorn believes, default 127.0.0.1).
The web server pools its PostgreSQL connections (DB_POOL, default on here; config/settings.py) and keeps other
connections open between requests (CONN_MAX_AGE, default 600 here).
"""

import os
from pathlib import Path

os.environ.setdefault("DB_POOL", "on")  # read by config/settings.py in each worker (the app is loaded after the fork)
# Each worker thread keeps its database connection between requests: opening a SQLite connection (its PRAGMAs, its
# functions) cost more than a cached page itself. PostgreSQL's pool above sets this back to 0 for its connections.
os.environ.setdefault("CONN_MAX_AGE", "600")

wsgi_app = "config.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (a slow leak in a library cannot grow forever); jitter keeps the
# workers from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "ocop-ntm"
# gunicornc's control socket: one per port under var/, so two servers on one machine do not take each other's.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or str(
    Path(__file__).resolve().parent.parent / "var" / f"gunicorn-{os.environ.get('PORT', '8000')}.ctl"
)
# The application logs each request itself (core.middleware: request id, user, duration); gunicorn's own access log
# would say less, twice.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    # gunicorn's own lines (start, workers booting or dying) as JSON too, like the application's.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
            # a logging config turns gunicorn's access log on: keep it silent (the application logs requests)
            "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }
