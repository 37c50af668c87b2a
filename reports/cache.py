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

from django.core.cache import cache

from core.pagecache import data_version

__all__ = ["TIMEOUT", "cached", "data_version"]

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
