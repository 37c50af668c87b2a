"""Issue 15: what the environment chooses in config/settings.py (cache, pool, replica, logs, DEBUG off).

Each case runs the settings module afresh with the given environment (runpy), without touching the running Django."""

import runpy
from pathlib import Path

import pytest

SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings.py"
ENV = (
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "DB_POOL",
    "LOG_FORMAT",
    "ACCESS_LOG",
    "PYTEST_VERSION",
)
PG = "postgres://postgres@127.0.0.1:5432/ocop"


def load(monkeypatch, **env) -> dict:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_without_redis_both_caches_are_local_memory_with_a_prefix(monkeypatch):
    s = load(monkeypatch)
    assert {c["BACKEND"] for c in s["CACHES"].values()} == {"django.core.cache.backends.locmem.LocMemCache"}
    assert s["CACHES"]["default"]["KEY_PREFIX"].startswith("ocop-")


def test_with_redis_url_both_caches_are_shared_redis_under_distinct_prefixes(monkeypatch):
    s = load(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/3", DATABASE_URL=PG)
    default, limits = s["CACHES"]["default"], s["CACHES"]["ratelimit"]
    assert default["BACKEND"] == limits["BACKEND"] == "core.ratelimit.SharedRedisCache"
    assert default["LOCATION"] == limits["LOCATION"] == "redis://127.0.0.1:6379/3"
    assert limits["KEY_PREFIX"] == default["KEY_PREFIX"] + "-rl"
    other = load(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/3", DATABASE_URL=PG + "2")
    assert other["CACHES"]["default"]["KEY_PREFIX"] != default["KEY_PREFIX"]  # another database, other keys


def test_a_test_run_has_a_prefix_of_its_own(monkeypatch):
    served = load(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/3")["CACHE_KEY_PREFIX"]
    tested = load(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/3", PYTEST_VERSION="9")["CACHE_KEY_PREFIX"]
    assert tested.startswith(served + "-test") and tested != served
    assert load(monkeypatch, CACHE_KEY_PREFIX="prov11")["CACHE_KEY_PREFIX"] == "prov11"


def test_postgresql_connections_are_pooled_only_when_asked(monkeypatch):
    assert "pool" not in load(monkeypatch, DATABASE_URL=PG)["DATABASES"]["default"].get("OPTIONS", {})
    pooled = load(monkeypatch, DATABASE_URL=PG, DB_POOL="on")["DATABASES"]["default"]
    assert pooled["OPTIONS"]["pool"]["max_size"] >= pooled["OPTIONS"]["pool"]["min_size"] >= 1
    assert pooled["CONN_MAX_AGE"] == 0
    sqlite = load(monkeypatch, DB_POOL="on")["DATABASES"]["default"]
    assert "pool" not in sqlite["OPTIONS"]


def test_a_replica_url_adds_the_replica_its_router_and_middleware(monkeypatch):
    plain = load(monkeypatch, DATABASE_URL=PG)
    assert set(plain["DATABASES"]) == {"default"} and "DATABASE_ROUTERS" not in plain
    s = load(monkeypatch, DATABASE_URL=PG, DATABASE_REPLICA_URL=PG + "_replica", DB_POOL="on")
    assert (
        s["DATABASES"]["replica"]["NAME"] == "ocop_replica" and s["DATABASES"]["replica"]["TEST"]["MIRROR"] == "default"
    )
    assert "pool" in s["DATABASES"]["replica"]["OPTIONS"]
    assert s["DATABASE_ROUTERS"] == ["config.routers.ReplicaRouter"]
    assert "config.routers.ReplicaReadMiddleware" in s["MIDDLEWARE"]


def test_json_logs_turn_the_access_log_on(monkeypatch):
    text = load(monkeypatch)
    assert text["LOGGING"]["handlers"]["console"]["formatter"] == "text" and not text["ACCESS_LOG"]
    s = load(monkeypatch, LOG_FORMAT="json")
    assert s["LOGGING"]["handlers"]["console"]["formatter"] == "json" and s["ACCESS_LOG"]
    assert s["LOGGING"]["loggers"]["ocop.request"]["level"] == "INFO"


def test_debug_off_without_a_secret_key_refuses_to_start(monkeypatch):
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        load(monkeypatch, DEBUG="off")
    s = load(monkeypatch, DEBUG="off", SECRET_KEY="k" * 50)
    assert not s["DEBUG"] and s["SECRET_KEY"] == "k" * 50 and s["SESSION_COOKIE_SECURE"]
    assert s["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert load(monkeypatch)["SECRET_KEY"] == "dev-only-insecure-key"  # DEBUG on (make run, tests) only
