"""Benchmarks (`make bench`), never timed unit tests. Runs on a throwaway SQLite file unless DATABASE_URL is set.

Measures: first and repeat load of the reference data, name resolution throughput (cold and cached),
the query count of the heaviest unit page, the register import at province scale (bench/register_import.py:
20,000 rows, or BENCH_REGISTER_ROWS; rows/s and peak memory) and the report API over what it imported.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from areas.models import AdministrativeUnit  # noqa: E402
from areas.queries import CachedResolver, resolve_unit  # noqa: E402
from core.reference import load_all_reference_data as load_units  # noqa: E402


def timed(label, fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    print(f"{label:<50} {time.perf_counter() - started:8.3f} s")
    return result


def main():
    call_command("migrate", verbosity=0)
    timed("load_reference_data (first)", load_units)
    timed("load_reference_data (again, nothing to change)", load_units)

    communes = list(
        AdministrativeUnit.objects.filter(scheme="pre2025", level="commune")
        .select_related("district", "province")
        .order_by("?")[:500]
    )
    day = datetime.date(2022, 3, 31)

    def resolve_all(resolver):
        errors = 0
        for c in communes:
            try:
                resolver(province=c.province.name, district=c.district.name, commune=c.name, on_date=day)
            except Exception:  # ambiguous names within a district exist; they count, they do not stop the run
                errors += 1
        return errors

    errors = timed("resolve 500 old communes (uncached)", resolve_all, resolve_unit)
    cached = CachedResolver()
    resolve_all(cached)
    timed("resolve 500 old communes (cached, second pass)", resolve_all, cached)
    print(f"{'  ambiguous or unknown among them':<50} {errors:8d}")

    client = Client(SERVER_NAME="localhost")
    with CaptureQueriesContext(connection) as queries:
        timed("unit page of Thành phố Hà Nội (126 communes)", client.get, "/areas/2025:01/")
    print(f"{'  queries':<50} {len(queries):8d}")


def bench_reports():
    """The OCOP report and dashboard over the register imported above: time and queries, cold and cached."""
    from django.core.cache import cache
    from django.db import reset_queries

    client = Client(SERVER_NAME="localhost")
    reset_queries()  # the import above filled the query log; counts below start from zero
    for area in ("pre2025:11", "2025:11", "2025:14"):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = timed(
                f"report API {area} (cold)", client.get, "/api/v1/reports/ocop", {"as_of": "2023-01-01", "area": area}
            )
        print(f"{'  queries':<50} {len(queries):8d}")
        print(f"{'  products counted':<50} {response.json()['products']['total']:8d}")
        with CaptureQueriesContext(connection) as queries:
            timed(
                f"report API {area} (cached)", client.get, "/api/v1/reports/ocop", {"as_of": "2023-01-01", "area": area}
            )
        print(f"{'  queries':<50} {len(queries):8d}")
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        timed("dashboard 2025:14 (cold)", client.get, "/reports/ocop/", {"as_of": "2023-01-01", "area": "2025:14"})
    print(f"{'  queries':<50} {len(queries):8d}")


if __name__ == "__main__":
    from bench.register_import import bench_register_import

    main()
    bench_register_import(int(os.environ.get("BENCH_REGISTER_ROWS", "20000")))
    bench_reports()
