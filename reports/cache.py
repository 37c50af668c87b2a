"""Figures cached until the records change: the key holds the data version.

The data version is the id of the newest audit entry. Every write is audited (services call core.audit.record, imports
and loaders core.audit.record_many, deletions included), and audit writers take turns: on PostgreSQL each holds the
chain's advisory lock from before its insert until its commit (core.models.chain_head), and SQLite has one writer at a
time. So ids are handed out in commit order and a committed write always raises MAX(id): a reader can never see a
version that a later commit leaves unchanged. MAX(id) is one lookup at the end of the primary-key index, whatever the
size of the log, and it comes from the database, so every worker and server agrees on it (the cache itself may be
process-local or Redis). The audit log is append-only (its delete() refuses, and so do the database's triggers).

Rows written without an audit entry (a test's fixtures, a manual SQL fix) are not seen: clear the cache after such a
write (`manage.py shell -c "from django.core.cache import cache; cache.clear()"`); entries expire after a day anyway.
"""

import datetime

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

from core.pagecache import data_version

__all__ = ["TIMEOUT", "PreparedShapeError", "cached", "data_version", "prepared", "prepared_row"]

TIMEOUT = 24 * 3600


def cached(kind: str, *parts, compute, version: int | None = None):
    """compute() once per (kind, parts, data version); `parts` must say everything the figures depend on besides the
    data (area, date, user scope…). Pass `version` to share one lookup between several figures of one request."""
    version = data_version() if version is None else version
    key = ":".join(["figures", kind, *(str(p) for p in parts), f"v{version}"])
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=TIMEOUT)
    return found


# ---- figure SQL compiled once per shape ----------------------------------------------------------------------------
#
# Building a report's querysets (filters, conditional counts, subqueries resolved through joins) cost tens of
# thousands of Python calls per report, many times the database's own work (issue 15). The SQL of a figure depends
# only on its shape (scheme, level, breakdown keys…) and a few values (a date, a unit's id): it is compiled once per
# shape and process with stand-in values, and run with the real ones.

_COMPILED: dict = {}


class PreparedShapeError(RuntimeError):
    """A prepared figure's SQL is not a function of its parameters (a value went through Python arithmetic or was
    written into the SQL): a programming error, caught by the first call."""


def _stand_ins(values: dict, round_: int) -> dict:
    """Values no record holds, distinct per name and per round (dates before any programme, negative ids)."""
    out = {}
    for i, (name, value) in enumerate(values.items()):
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            out[name] = datetime.date(1100 + 300 * round_ + i, 1 + round_, 1 + i)
        elif isinstance(value, int) and not isinstance(value, bool):
            out[name] = -(10**12) * (round_ + 1) - i
        else:
            raise PreparedShapeError(f"{name}={value!r}: only dates and integers can be parameters of a prepared query")
    return out


def _slot_of(param, stand_ins: dict):
    """(name, as text?) when `param` is a stand-in (a date may reach the driver as ISO text), else None."""
    for name, stand_in in stand_ins.items():
        if type(param) is type(stand_in) and param == stand_in:
            return name, False
        if isinstance(stand_in, datetime.date) and param == stand_in.isoformat():
            return name, True
    return None


def _compile(build, values: dict):
    first, second = _stand_ins(values, 0), _stand_ins(values, 1)
    a, b = build(**first), build(**second)
    sql, params = a.query.get_compiler(using=a.db).as_sql()
    other_sql, other_params = b.query.get_compiler(using=b.db).as_sql()
    if sql != other_sql or len(params) != len(other_params):
        raise PreparedShapeError(f"the SQL changes with the parameters: {sql}")
    slots = []
    for p, q in zip(params, other_params, strict=True):
        slot = _slot_of(p, first)
        if slot is None:
            if p != q:
                raise PreparedShapeError(f"a parameter derived from {sorted(values)} is not one of them: {p!r}")
            slots.append((None, p))
        elif _slot_of(q, second) != slot:
            raise PreparedShapeError(f"parameter {slot[0]} is not used the same way twice: {sql}")
        else:
            slots.append(slot)
    return a.db, sql, tuple(slots)


def prepared(key: tuple, build, **values) -> tuple[list[str], list[tuple]]:
    """(column names, rows) of the queryset `build(**values)`, its SQL compiled once per `key` (which must name
    everything the SQL depends on besides `values`: dates and integers such as a unit's id) and run with `values`.

    Rows hold what the database driver returns (no field converters): callers read counts, ids and years."""
    key = (connections[DEFAULT_DB_ALIAS].vendor, *key)
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = _COMPILED[key] = _compile(build, values)
    using, sql, slots = compiled
    # A slot is (None, a constant) or (a parameter's name, whether the driver takes it as text).
    params = [extra if name is None else (values[name].isoformat() if extra else values[name]) for name, extra in slots]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        return columns, cursor.fetchall()


def prepared_row(key: tuple, build, **values) -> dict:
    """The single row of an aggregation (`build` returns `qs.values(_=Value(1)).annotate(…)`), as a dict."""
    columns, rows = prepared(key, build, **values)
    row = dict(zip(columns, rows[0], strict=True))
    row.pop("_")
    return row
