"""`make bench`: the national data set (bench/national.py) loaded through the project's own imports, then measured, on
SQLite and PostgreSQL, at the sizes of BENCH_SIZES; one table; compared with the last run recorded in bench/RESULTS.md.

Each (database, size) runs bench/suite.py in a fresh process on a fresh database: a temporary SQLite file, and a
throwaway PostgreSQL database `bench_<pid>` created on BENCH_DATABASE_URL's server (default
postgres://postgres@127.0.0.1:5432/postgres; skipped with a note when no server answers) and dropped afterwards.

Environment (all optional):
  BENCH_SIZES       comma list of tiny, small, medium, full (default small); see bench/national.py SIZES
  BENCH_DATABASES   comma list of sqlite, postgres (default both)
  BENCH_DATABASE_URL  a PostgreSQL server URL to create the throwaway database on
  BENCH_RECORD      1 (default): append this run's table to bench/RESULTS.md; 0: print only
  BENCH_REPEAT      repetitions of each timed request (default 9, after one warm-up)
  BENCH_LOAD_THREADS / BENCH_LOAD_REQUESTS / BENCH_LOAD_SECONDS  the load test (default 20 threads, 3000 requests,
                    10 s at most, per endpoint), under gunicorn started as `make serve` starts it
                    (config/gunicorn.conf.py); with REDIS_URL set, its cache is Redis, as in production
  BENCH_SEED        the data set's seed (default 2026)

Every ratio is "lower is better"; a ratio more than 25 % above the last recorded one for the same row prints
REGRESSION. Figures of rows that failed (an exception in the suite) are missing, and the failure is printed.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
REGRESSION = 1.25
COLUMNS = ["what", "size", "db", "median", "p95", "baseline", "ratio", "target", "met", "notes"]


def postgres_server():
    """The maintenance URL of a PostgreSQL server that answers, or None."""
    url = os.environ.get("BENCH_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
        return url
    except Exception as exc:
        print(f"PostgreSQL not reachable at {url}: {exc.__class__.__name__}: {exc}".strip(), flush=True)
        return None


def _database_url(server, name):
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin(server, sql):
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql)


def run_suite(size, db, database_url):
    out = Path(tempfile.mkdtemp(prefix="bench-")) / "rows.json"
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        RATE_LIMITS_ENABLED="0",  # the application is measured, not the limiter (the load test counts, see suite.py)
        DEBUG="0",  # as in production: no query log, no debug pages
        SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only-not-secret",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on 127.0.0.1
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=str(ROOT),
    )
    started = time.perf_counter()
    print(f"== {db} / {size}: {database_url}", flush=True)
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "suite.py"), size, db, str(out)], cwd=ROOT, env=env
    )
    seconds = time.perf_counter() - started
    rows = json.loads(out.read_text()) if out.exists() else []
    if completed.returncode:
        rows.append(_failed(size, db, f"suite exited with status {completed.returncode} (see its output above)"))
    rows.append(
        {"what": "whole run (this db, this size)", "size": size, "db": db, "median": seconds, "unit": "s", "notes": ""}
    )
    print(f"== {db} / {size}: {seconds:.0f} s", flush=True)
    return rows


def _failed(size, db, why):
    return {"what": "FAILED", "size": size, "db": db, "median": None, "unit": "", "notes": why}


def _number(value, unit=""):
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
    return f"{text} {unit}".strip()


def cells(row, previous=None):
    unit = row.get("unit", "")
    met = row.get("met")
    verdict = "" if met is None else ("met" if met else "MISS")
    ratio = row.get("ratio")
    old = (previous or {}).get((row["what"], row["size"], row["db"]))
    if ratio is not None and old and ratio > old * REGRESSION:
        verdict = f"{verdict} REGRESSION (was {old:.2f})".strip()
    return [
        row["what"],
        row["size"],
        row["db"],
        _number(row.get("median"), unit),
        _number(row.get("p95"), unit),
        _number(row.get("baseline"), row.get("baseline_unit", unit)),
        "" if ratio is None else f"{ratio:.2f}",
        row.get("target", ""),
        verdict,
        row.get("notes", ""),
    ]


def markdown_table(rows, previous=None):
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells(row, previous)) + " |")
    return "\n".join(lines)


def last_recorded():
    """(what, size, db) → ratio of the last run in RESULTS.md."""
    if not RESULTS.exists():
        return {}
    sections = RESULTS.read_text(encoding="utf-8").split("\n## Run ")
    if len(sections) < 2:
        return {}
    ratios = {}
    for line in sections[-1].splitlines():
        parts = [p.strip() for p in line.strip().strip("|").split("|")]
        if len(parts) != len(COLUMNS) or parts[0] in ("what", "") or set(parts[0]) <= {"-"}:
            continue
        try:
            ratios[(parts[0], parts[1], parts[2])] = float(parts[6])
        except ValueError:
            continue
    return ratios


def commit():
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
        return head + (" (with uncommitted changes)" if dirty.strip() else "")
    except OSError:
        return "unknown"


def main():
    sizes = [s.strip() for s in os.environ.get("BENCH_SIZES", "small").split(",") if s.strip()]
    databases = [d.strip() for d in os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",") if d.strip()]
    started = time.perf_counter()
    rows = []
    server = postgres_server() if "postgres" in databases else None
    for size in sizes:
        for db in databases:
            if db == "sqlite":
                url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/bench.sqlite3"
                rows += run_suite(size, db, url)
            elif db == "postgres":
                if server is None:
                    rows.append(_failed(size, db, "n/a: no PostgreSQL server reachable"))
                    continue
                name = f"bench_{os.getpid()}"
                _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                _admin(server, f'CREATE DATABASE "{name}"')
                try:
                    rows += run_suite(size, db, _database_url(server, name))
                finally:
                    _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            else:
                rows.append(_failed(size, db, f"unknown database kind {db!r} (sqlite, postgres)"))
    previous = last_recorded()
    table = markdown_table(rows, previous)
    print()
    print(table)
    regressions = [line for line in table.splitlines() if "REGRESSION" in line]
    print()
    if previous:
        print(f"{len(regressions)} REGRESSION(s) against the last recorded run (ratio worse by more than 25 %)")
        for line in regressions:
            print("REGRESSION", line)
    else:
        print("No earlier run recorded in bench/RESULTS.md to compare with.")
    total = time.perf_counter() - started
    print(f"make bench: {total / 60:.1f} min")
    if os.environ.get("BENCH_RECORD", "1") != "0":
        _record(table, sizes, databases, total)


def _record(table, sizes, databases, total):
    header = (
        "# Benchmark results\n\nAppended by `make bench` (bench/run.py; BENCH_RECORD=0 to print only). Each run is "
        "compared with the one above it: a ratio more than 25 % worse prints REGRESSION. Ratios are lower-is-better: "
        "API time ÷ the bare SQL of the same counts, page time ÷ a trivial view in the same process, 2,000 ÷ import "
        "rows/s, trivial requests/s ÷ requests/s under gunicorn.\n"
    )
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else header
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = text.rstrip("\n") + (
        f"\n\n## Run {stamp} — commit {commit()}\n\nSizes {', '.join(sizes)}; databases {', '.join(databases)}; "
        f"{total / 60:.1f} min on {os.cpu_count()} CPU(s).\n\n{table}\n"
    )
    RESULTS.write_text(text, encoding="utf-8")
    print(f"recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and re.fullmatch(r"[a-z,]+", sys.argv[1]):
        os.environ["BENCH_SIZES"] = sys.argv[1]
    main()
