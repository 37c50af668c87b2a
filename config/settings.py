"""One settings module, driven by the environment (DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS).

With nothing set it runs on an SQLite file under var/, which is what `make run` uses.
"""

import hashlib
import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
# The fallback key is for DEBUG (make run, tests) only: served with DEBUG off (make serve, production) a process without
# SECRET_KEY refuses to start rather than sign sessions with a key published in this file.
SECRET_KEY = os.environ.get("SECRET_KEY") or ("dev-only-insecure-key" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError(
        "SECRET_KEY must be set when DEBUG is off, e.g. "
        "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [h.strip() for h in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "axes",
    "core",
    "areas",
    "accounts",
    "producers",
    "products",
    "certification",
    "evaluation",
    "notifications",
    "ntm",
    "reports",
    "django_tasks_db",
    "imports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["core.templatetags.ui"],
        },
    }
]

# Database: SQLite file by default; DATABASE_URL for anything else (postgres://…, sqlite:////abs/path.db).
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ocop.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let readers and one writer work side by side without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"

# core's mechanisms call into the domain apps only through these names, so core depends on no domain app.
AREA_SCOPE = "accounts.scope.area_scope"  # (user, action) → the areas the user reaches for the action
REFERENCE_DATA_STEPS = [  # `load_reference_data`, in order: units, categories, the criteria sets using them, places
    "areas.loader.reference_lines",
    "products.loader.reference_lines",
    "evaluation.loader.reference_lines",
    "ntm.loader.reference_lines",
    "products.loader.placement_lines",
]
# The home page's to-do list (core.views.home): each `todo_items(user)` returns dicts (label, count, url, priority).
HOME_TODO_PROVIDERS = [
    "products.todo.todo_items",
    "evaluation.todo.todo_items",
    "ntm.todo.todo_items",
    "certification.todo.todo_items",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login rate limit: 5 failures for one username from one address locks it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
# Plain {{ n }} is never grouped: ids in attributes and URLs must stay "2487", not "2.487" (the |num filter groups
# figures meant for people: 8.565).
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on a missing root; collectstatic fills it in production
# Front-end assets come from node_modules (installed by `make setup` from the npm registry), never from a CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Local memory (one per process) by default; Redis, shared by every worker and server, when REDIS_URL is set (the
# issue 15 block at the end of this file).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Background work (long imports) runs in `manage.py db_worker` (django-tasks-db: tasks stored in the database);
# TASKS_BACKEND=immediate runs each task inside the request instead (the test suite does, see conftest.py).
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("TASKS_BACKEND") == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}
# Spreadsheet imports run as background jobs (imports app): what each kind calls, which columns it reads, who may run
# it (the permission action, also the area scope of its jobs), its name and its upload page. core names no domain app.
IMPORT_KINDS = {
    "register": {
        "importer": "certification.imports.import_register",
        "columns": "certification.imports.REGISTER_COLUMNS",
        "action": "certification.manage",
        "label": gettext_lazy("Sổ công nhận sản phẩm OCOP"),
        "upload": "register:import",
    },
    "revocations": {
        "importer": "certification.imports.import_revocations",
        "columns": "certification.imports.REVOCATION_COLUMNS",
        "action": "certification.manage",
        "label": gettext_lazy("Quyết định thu hồi"),
        "upload": "register:import",
    },
    "ntm": {
        "importer": "ntm.imports.import_ntm",
        "columns": "imports.kinds.ntm_columns",
        "action": "ntm.manage",
        "label": gettext_lazy("Kết quả nông thôn mới"),
        "upload": "ntm:import",
    },
    "villages": {
        "importer": "ntm.village_imports.import_villages",
        "columns": "ntm.village_imports.VILLAGE_COLUMNS",
        "action": "ntm.manage",
        "label": gettext_lazy("Danh mục thôn, bản"),
        "upload": "ntm:village_import",
    },
    "plan-lines": {
        "importer": "programme.plan_imports.import_plan_lines",
        "columns": "programme.plan_imports.PLAN_COLUMNS",
        "action": "programme.manage_plans",
        "label": gettext_lazy("Sản phẩm trong kế hoạch OCOP năm"),
        "upload": "programme:plan_import",
    },
    "funding": {
        "importer": "programme.funding_imports.import_support",
        "columns": "programme.funding_imports.SUPPORT_COLUMNS",
        "action": "programme.manage_funding",
        "label": gettext_lazy("Các khoản hỗ trợ OCOP"),
        "upload": "programme:funding_import",
    },
    "monitoring": {
        "importer": "programme.monitoring_imports.import_reports",
        "columns": "programme.monitoring_imports.REPORT_COLUMNS",
        "action": "programme.report_monitoring",
        "label": gettext_lazy("Báo cáo sản xuất, kinh doanh sau công nhận"),
        "upload": "programme:monitoring_import",
    },
}

# Content Security Policy (Django 6 built-in): only our own origin; htmx needs no inline script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Logs go to stderr: plain text, or one JSON object a line with LOG_FORMAT=json (`make serve` sets it). Every line
# carries the request id (core.logging); ACCESS_LOG (default: on with JSON) adds one line per request
# (core.middleware), and queries slower than SLOW_QUERY_MS milliseconds (0: off) are logged with their time.
LOG_FORMAT = "json" if os.environ.get("LOG_FORMAT", "").strip().lower() == "json" else "text"
ACCESS_LOG = env_bool("ACCESS_LOG", LOG_FORMAT == "json")
SLOW_QUERY_MS = int(os.environ.get("SLOW_QUERY_MS", "200"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "core.logging.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "ocop.request": {"level": "INFO" if ACCESS_LOG else "WARNING"},
        "ocop.db.slow": {"level": "WARNING"},
    },
}

# Demo accounts share this password; only `load_demo` uses it.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "ocop-demo-2026")

# OCOP rules that a province may tune (domain.md §7: notify at least 30 days before expiry).
OCOP_EXPIRY_WARNING_DAYS = int(os.environ.get("OCOP_EXPIRY_WARNING_DAYS", "30"))
# Requests per client on the public report API ("N/s", "N/m", "N/h", "N/d"; core.ratelimit, RATE_LIMITS below).
REPORTS_API_RATE = os.environ.get("REPORTS_API_RATE", "120/m")
# "Cơ bản đạt chuẩn" (domain.md §8, CONTRACT §7): a comma list of "decision" (recognised so by decision, Điện Biên
# practice), "all" (meets every criterion, not yet recognised) and "min:N" (at least N criteria); checked at start-up.
NTM_BASICALLY_MEETING = os.environ.get("NTM_BASICALLY_MEETING", "decision,all")
# The public address of this system, without a trailing slash: certificate QR codes encode SITE_URL/verify/<code>/.
# Unset, a certificate printed from the browser points at the address its request came in on.
SITE_URL = os.environ.get("SITE_URL", "")
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))

# Issue 14 (h6, sessions): a session ends after SESSION_IDLE_SECONDS (a working day) without activity. The expiry
# slides: accounts.middleware re-saves a signed-in session at most once per SESSION_REFRESH_SECONDS of activity (not
# SESSION_SAVE_EVERY_REQUEST, which would write the session on every page), so an officer at work stays signed in
# and a session abandoned on a shared computer does not.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(8 * 60 * 60)))
SESSION_REFRESH_SECONDS = int(os.environ.get("SESSION_REFRESH_SECONDS", "300"))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
MIDDLEWARE.append("accounts.middleware.SlidingSessionMiddleware")

# Issue 14 (items 5 and 7, h4): rate limits that a forged X-Forwarded-For does not reset (core.ratelimit).
# Our own reverse proxies (IPs or CIDR networks, comma-separated): only from them is X-Forwarded-For believed, read
# from the right. Empty (the default): the client is REMOTE_ADDR. Behind nginx on this host: TRUSTED_PROXIES=127.0.0.1.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]
# (regular expression matched at the start of the path, "N/s|m|h|d"): per signed-in account, else per client address;
# a request counts against every rule it matches. PDFs are rendered on demand (WeasyPrint), hence the lowest limit.
RATE_LIMITS = (
    [
        ("/api/v1/reports/", REPORTS_API_RATE),  # the public OCOP and NTM figures (/api/v1/reports/ocop, …/ntm)
        ("/api/v1/verify/", os.environ.get("VERIFY_RATE", "60/m")),
        ("/verify/", os.environ.get("VERIFY_RATE", "60/m")),
        ("/api/v1/areas/resolve", os.environ.get("RESOLVE_RATE", "60/m")),
        ("/reports/", os.environ.get("DASHBOARD_RATE", "120/m")),  # OCOP dashboard, its lists, Excel and PDF
        ("/ntm/", os.environ.get("DASHBOARD_RATE", "120/m")),  # NTM dashboard, its lists and Excel
        (r"/.+\.pdf$", os.environ.get("PDF_RATE", "20/m")),  # certificate, scoresheet, minutes, OCOP report
    ]
    if env_bool("RATE_LIMITS_ENABLED", True)
    else []
)
# Counters live in their own cache so they neither evict nor are evicted by cached reports. LocMemCache counts per
# process: with several workers the effective limit is N × workers; with REDIS_URL set it is Redis (shared, see the
# issue 15 block at the end).
CACHES["ratelimit"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "ratelimit",
    "OPTIONS": {"MAX_ENTRIES": 50000},
}
RATE_LIMIT_CACHE = "ratelimit"
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "core.middleware.RateLimitMiddleware",
)
# django-axes counts login failures per (username, client address) with the same rule, so rotating X-Forwarded-For
# does not give an attacker fresh attempts.
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"
# Issue 14 (item 3, scores private until the lock): functions (entries, user) -> entries that mask what an audit
# entry may not show yet (core.audit_privacy, used by the audit pages and /api/v1/audit; core imports no domain app).
AUDIT_REDACTORS = ["evaluation.privacy.redact_entries"]
# Issue 14 (item 6, h5: no 500 from bad input): NUL bytes, invalid UTF-8 and unpaired surrogates in the path, query
# string, cookies or form fields answer 400 before any view (core.hostile); report and form dates must lie in
# DATE_INPUT_MIN..MAX (pages, exports and API answer 400 with a message outside it); API lists take at most
# API_MAX_LIMIT rows from an offset of at most API_MAX_OFFSET (api.pagination.Paginated; NINJA_PAGINATION_MAX_LIMIT
# bounds the lists still on ninja's own LimitOffsetPagination).
MIDDLEWARE.insert(MIDDLEWARE.index("core.middleware.RequestIdMiddleware") + 1, "core.hostile.HostileInputMiddleware")
DATE_INPUT_MIN = "1945-01-01"  # ISO dates, inclusive; every date field of a page form (core.forms.BootstrapMixin)
DATE_INPUT_MAX = "2100-12-31"
API_MAX_LIMIT = 500
API_MAX_OFFSET = 10_000_000
NINJA_PAGINATION_MAX_LIMIT = API_MAX_LIMIT

# Issue 14 (item 4, h3: imports and uploads cannot exhaust the machine). A request body over MAX_REQUEST_BYTES is
# refused with 413 on its Content-Length, before anything reads it (core.limits; under ASGI wrap the app with
# core.limits.limit_asgi, which also counts a chunked body as it streams). Form fields are capped by Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE; uploaded files over FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file, not memory.
MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_BYTES", str(30 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440)))
FILE_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("FILE_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440)))
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "core.limits.RequestSizeLimitMiddleware"
)
# Spreadsheet imports (core.imports): the file, its XLSX parts once unzipped, the compression ratio of a part over 1 MB,
# the number of parts, rows, columns (and a sheet's stated dimension) and characters in one cell. A file over any of
# them, damaged, or whose XML declares a DOCTYPE/ENTITY is refused with one file-level error before it is parsed.
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", str(200 * 1024 * 1024)))
IMPORT_MAX_COMPRESSION_RATIO = int(os.environ.get("IMPORT_MAX_COMPRESSION_RATIO", "100"))
IMPORT_MAX_ZIP_ENTRIES = int(os.environ.get("IMPORT_MAX_ZIP_ENTRIES", "1000"))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "100000"))
IMPORT_MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", "300"))
IMPORT_MAX_CELL_CHARS = int(os.environ.get("IMPORT_MAX_CELL_CHARS", "5000"))
# Images (core.uploads): at most this many pixels as stated by the file's header (decompression bombs).
UPLOAD_MAX_IMAGE_PIXELS = int(os.environ.get("UPLOAD_MAX_IMAGE_PIXELS", "50000000"))
# Import jobs (imports.purge, `manage.py purge_imports` from cron and every 10 minutes in the worker): a job left
# waiting longer than IMPORT_ABANDON_AFTER is cancelled and its file deleted; a running job without progress for
# IMPORT_STALE_AFTER (its worker died) is marked failed; files of jobs ended IMPORT_FILE_RETENTION ago are deleted.
# (Seconds.)
IMPORT_ABANDON_AFTER = int(os.environ.get("IMPORT_ABANDON_AFTER_HOURS", "24")) * 3600
IMPORT_STALE_AFTER = int(os.environ.get("IMPORT_STALE_AFTER_MINUTES", "30")) * 60
IMPORT_FILE_RETENTION = int(os.environ.get("IMPORT_FILE_RETENTION_DAYS", "30")) * 86400
# SQLite: a write waits this long for the write lock before "database is locked". An import's first try reads and plans
# without the lock (core.imports.run_import begins it DEFERRED); a retry after a conflict holds it throughout.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"]["timeout"] = int(os.environ.get("SQLITE_BUSY_TIMEOUT", "30"))

# --- issue 15: periodic jobs and backups (ops) ---
# `manage.py run_scheduler` (started beside the worker by `make run` / `make serve`; or from cron with --once) enqueues
# these jobs into the task backend at their times; the worker (`manage.py db_worker`) runs them. Each entry: "task" (a
# dotted django.tasks Task or plain function), "every" (seconds) or "daily" ("HH:MM", TIME_ZONE), optional "args" /
# "kwargs" ("{slot_date}" = the slot's local date). A job runs once per slot however many schedulers run; see
# scheduling/schedule.py. The last runs are in the admin (Việc định kỳ).
INSTALLED_APPS += ["scheduling"]
PERIODIC_JOBS = {
    # certificate expiry, re-rating windows and expired-not-renewed reminders (idempotent: nothing is sent twice)
    "expiry-reminders": {
        "task": "certification.tasks.send_expiry_reminders",
        "daily": os.environ.get("EXPIRY_REMINDERS_AT", "06:15"),
        "args": ["{slot_date}"],
    },
    # abandoned import jobs, jobs whose worker died, old import files (imports.purge)
    "purge-imports": {"task": "imports.purge.purge", "every": 600},
}
PERIODIC_JOB_HISTORY_DAYS = int(os.environ.get("PERIODIC_JOB_HISTORY_DAYS", "90"))  # runs kept in the admin
# `manage.py backup` writes one archive (database + media + manifest) here unless --to is given; `--keep-days N`
# (default BACKUP_KEEP_DAYS, 0 = keep all) deletes this command's older archives there. Copy them off the machine.
BACKUP_DIR = os.environ.get("BACKUP_DIR") or str(VAR_DIR / "backups")
BACKUP_KEEP_DAYS = int(os.environ.get("BACKUP_KEEP_DAYS", "0"))
if os.environ.get("BACKUP_AT"):  # "HH:MM": a nightly backup run by the worker (else run `manage.py backup` from cron)
    PERIODIC_JOBS["backup"] = {"task": "core.backup.scheduled_backup", "daily": os.environ["BACKUP_AT"]}

# --- issue 15: served like production (make serve: gunicorn, shared cache, pooled connections, replica, health) ---
# Shared cache: with REDIS_URL (redis://host:6379/0) both caches live in Redis, so cached reports, their data versions
# and the rate-limit counters are one truth for every worker and server. Keys carry CACHE_KEY_PREFIX (default: derived
# from the database, so two deployments or CI's SQLite and PostgreSQL runs sharing a Redis never meet); a test run
# adds its process id, and core.ratelimit.SharedRedisCache.clear() deletes only its own prefix (Django's would
# FLUSHDB), so the suite's cache.clear() between tests never wipes a server's cache or another xdist worker's.
REDIS_URL = os.environ.get("REDIS_URL", "")
_db = DATABASES["default"]
_db_identity = f"{_db['ENGINE']}|{_db.get('HOST', '')}|{_db.get('PORT', '')}|{_db['NAME']}"
CACHE_KEY_PREFIX = (
    os.environ.get("CACHE_KEY_PREFIX") or "ocop-" + hashlib.sha256(_db_identity.encode()).hexdigest()[:10]
)
if os.environ.get("PYTEST_VERSION"):  # set by pytest for the length of a run
    CACHE_KEY_PREFIX += f"-test{os.getpid()}"
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "core.ratelimit.SharedRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
    }
    CACHES["ratelimit"] = {
        "BACKEND": "core.ratelimit.SharedRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHE_KEY_PREFIX + "-rl",
    }
else:
    CACHES["default"]["KEY_PREFIX"] = CACHE_KEY_PREFIX
    CACHES["ratelimit"]["KEY_PREFIX"] = CACHE_KEY_PREFIX + "-rl"

# PostgreSQL connection pool (psycopg_pool, one per process): on with DB_POOL=on, which config/gunicorn.conf.py sets for
# the web server. Off elsewhere (manage.py, the worker, the tests, whose test-database creation opens and drops
# connections itself). A pooled connection is returned after each request, so CONN_MAX_AGE must stay 0.
DB_POOL = env_bool("DB_POOL", False)


def _pooled(database: dict) -> dict:
    if DB_POOL and database["ENGINE"] == "django.db.backends.postgresql":
        database["CONN_MAX_AGE"] = 0
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "1")),
            "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "4")),
            "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),
        }
    return database


_pooled(DATABASES["default"])

# Read replica: with DATABASE_REPLICA_URL (a streaming replica of the default database), config.routers sends the reads
# of report requests (REPLICA_READ_PATHS: regular expressions matched at the start of the path, GET/HEAD only) to it;
# every write, every read inside a transaction and every other request stay on the primary. In tests the replica
# mirrors the default database (TEST MIRROR).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
REPLICA_READ_PATHS = [
    p.strip()
    for p in os.environ.get(
        "REPLICA_READ_PATHS", "/reports/,/api/v1/reports/,/ntm/$,/ntm/export\\.xlsx$,/ntm/communes/$"
    ).split(",")
    if p.strip()
]
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _pooled(
        dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")))
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("core.middleware.RequestIdMiddleware") + 1, "config.routers.ReplicaReadMiddleware"
    )

# Health: /healthz (the process answers) and /readyz (database, cache and background worker; 503 naming what failed).
# The worker proves itself alive by running a heartbeat task (core.health) that /readyz queues at most every
# HEALTH_HEARTBEAT_EVERY seconds; the worker counts as stale when its last heartbeat is older than HEALTH_WORKER_STALE.
HEALTH_HEARTBEAT_EVERY = int(os.environ.get("HEALTH_HEARTBEAT_EVERY", "30"))
HEALTH_WORKER_STALE = int(os.environ.get("HEALTH_WORKER_STALE", "120"))
# Load balancers probe over plain HTTP: no redirect to HTTPS for the probes.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Static files with DEBUG off: `make serve` runs collectstatic (CompressedManifestStaticFilesStorage above: hashed
# names, gzip and brotli). Source maps are copied but not compressed: only a browser's developer tools fetch them, and
# compressing them doubled collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br", "swf", "flv"),
    *("woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4", "mpeg", "mpg", "webm", "wmv", "map"),
]

# The public catalogue and the programme's promotion records (issue 16).
INSTALLED_APPS += ["catalog", "programme"]

# The link check of e-commerce listings (programme.channel_tasks) sends one GET to each approved listing's address, no
# redirect followed, private networks never contacted; off by default (no outbound requests).
CHANNEL_LINK_CHECK = env_bool("CHANNEL_LINK_CHECK", False)
CHANNEL_LINK_TIMEOUT = float(os.environ.get("CHANNEL_LINK_TIMEOUT", "10"))  # seconds per request
CHANNEL_LINK_FAILURES = int(os.environ.get("CHANNEL_LINK_FAILURES", "3"))  # failures in a row before "dead"
CHANNEL_LINK_ALLOW_PRIVATE = False  # tests only: lets the check reach 127.0.0.1
if CHANNEL_LINK_CHECK:
    PERIODIC_JOBS["channel-links"] = {
        "task": "programme.channel_tasks.check_listing_links",
        "daily": os.environ.get("CHANNEL_LINK_CHECK_AT", "03:30"),
        "args": ["{slot_date}"],
    }

# Monitoring after recognition (issue 17, programme.monitoring): the yearly report of each certified product is due on
# MONITORING_REPORT_DUE (MM-DD) of the following year; reminders go out from MONITORING_REMINDER_DAYS before that day.
# The watch-list flags and their thresholds (defaults chosen by the project, not by a legal text: set them per
# province's practice).
MONITORING_REPORT_DUE = os.environ.get("MONITORING_REPORT_DUE", "03-31")
MONITORING_REMINDER_DAYS = int(os.environ.get("MONITORING_REMINDER_DAYS", "30"))
MONITORING_FLAGS = {
    # raw-material area reported down by at least this percentage from the previous year's approved report
    "shrinking_area_percent": int(os.environ.get("MONITORING_SHRINKING_AREA_PERCENT", "20")),
    # certificate expiring within this many days with no re-rating (phân hạng lại) dossier filed
    "expiring_days": int(os.environ.get("MONITORING_EXPIRING_DAYS", "180")),
    # recognised at least this many months ago and never accepted at a trade-promotion event since
    "no_promotion_months": int(os.environ.get("MONITORING_NO_PROMOTION_MONTHS", "12")),
}
PERIODIC_JOBS["monitoring-reminders"] = {
    "task": "programme.monitoring_tasks.send_monitoring_reminders",
    "daily": os.environ.get("MONITORING_REMINDERS_AT", "06:30"),
    "args": ["{slot_date}"],
}
