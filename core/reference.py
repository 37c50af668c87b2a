"""All reference data in one call: what `load_reference_data`, the test setup and the demo use.

The steps are the domain apps' loaders, named in `settings.REFERENCE_DATA_STEPS` (dotted paths, run in order), so that
`core` depends on no domain app: the project's configuration, one layer up, says which apps bring reference data.
Each step takes `actor=` and returns the lines it reports.
"""

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string


def load_all_reference_data(actor=None) -> list[str]:
    lines = []
    for path in settings.REFERENCE_DATA_STEPS:
        lines.extend(import_string(path)(actor=actor))
    refresh_planner_statistics()
    return lines


def refresh_planner_statistics() -> None:
    """After a bulk load PostgreSQL's planner still believes the tables empty until autovacuum comes by, and picks
    nested loops over the ~14,000 units and their successions (a cross-scheme NTM report took minutes instead of
    milliseconds). ANALYZE gives it the real sizes; SQLite plans without statistics here."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
