"""Writing the audit log. Services call `record` inside their transaction, so an entry exists iff the change does."""

import datetime
import decimal
import functools
import json
import uuid

from django.db import connections, models, router, transaction
from django.db.backends.postgresql.psycopg_any import is_psycopg3

from core.middleware import current_request_id
from core.models import AuditEntry, chain, chain_head, link


def object_type(obj) -> str:
    return obj._meta.label_lower


def snapshot(obj, fields) -> dict:
    """A JSON-able picture of the named fields, for the before/after of an entry."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal, uuid.UUID)):
            value = str(value)
        elif isinstance(field, models.FileField):
            value = value.name if value else None
        data[name] = value
    return data


def acting_user(actor):
    """The user a write is recorded against (created_by, decided_by…): None for the system (actor=None) and for an
    anonymous user."""
    return actor if getattr(actor, "is_authenticated", False) else None


def _actor_fields(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "system"
    return actor, actor.get_username()


def build(
    *, actor, action, obj=None, area=None, before=None, after=None, label=None, object_type_label=None, object_id=None
):
    actor_obj, actor_label = _actor_fields(actor)
    return AuditEntry(
        actor=actor_obj,
        actor_label=actor_label,
        area=area,
        object_type=object_type_label or (object_type(obj) if obj is not None else ""),
        object_id=str(object_id if object_id is not None else (obj.pk if obj is not None else "")),
        object_label=(label or (str(obj) if obj is not None else ""))[:255],
        action=action,
        before=before,
        after=after,
        request_id=current_request_id.get(),
    )


def record(**kwargs) -> AuditEntry:
    entry = build(**kwargs)
    entry.save()
    return entry


def record_many(entries) -> int:
    """Bulk form for loaders and imports: the entries come from `build`. On PostgreSQL (psycopg 3) they are
    streamed with COPY, several times faster than INSERT for the tens of thousands of entries of a large import;
    on SQLite one prepared INSERT runs for all (executemany); elsewhere bulk_create (the entries' pk stay unset
    but there). Either way they are hash-chained in one pass, under the chain's lock (core.models.chain_head), and
    verify_audit checks them as any other."""
    entries = list(entries)
    using = router.db_for_write(AuditEntry)
    connection = connections[using]
    if not entries:
        return 0
    fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    if connection.vendor == "sqlite":  # one prepared INSERT for all (executemany); ids by AUTOINCREMENT
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
            chain(entries, using)
            cursor.executemany(
                sql, ([f.get_db_prep_save(f.pre_save(entry, True), connection) for f in fields] for entry in entries)
            )
        return len(entries)
    if connection.vendor != "postgresql":
        return len(AuditEntry.objects.bulk_create(entries, batch_size=2000))  # chained by bulk_create
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        raw = cursor.cursor
        if not hasattr(raw, "copy"):  # psycopg 2
            return len(AuditEntry.objects.bulk_create(entries, batch_size=2000))
        chain(entries, using)
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for entry in entries:
                copy.write_row([f.get_db_prep_save(f.pre_save(entry, True), connection) for f in fields])
    return len(entries)


def record_created(*, actor, action: str, items) -> int:
    """Many entries of one action at once, for the bulk writes of imports: `items` are (obj, area, after). The same
    entries as `record(actor=…, action=…, obj=obj, area=area, after=after)` each; on PostgreSQL written by COPY
    straight from these values (no model instance per entry: tens of thousands of them in a large import)."""
    items = list(items)
    using = router.db_for_write(AuditEntry)
    connection = connections[using]
    if not items:
        return 0
    if connection.vendor != "postgresql" or not is_psycopg3:
        return record_many(build(actor=actor, action=action, obj=o, area=a, after=after) for o, a, after in items)
    from django.utils import timezone
    from psycopg.types.json import Jsonb  # psycopg 3, checked above

    actor_obj, actor_label = _actor_fields(actor)
    constant = {
        "created_at": timezone.now(),
        "actor_id": actor_obj.pk if actor_obj is not None else None,
        "actor_label": actor_label,
        "action": action,
        "before": None,
        "request_id": current_request_id.get() or "",
    }
    fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    encoder = AuditEntry._meta.get_field("after").encoder
    dumps = functools.partial(json.dumps, cls=encoder)
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with transaction.atomic(using=using, savepoint=False):
        head = chain_head(using)  # before COPY: no other statement may run while it streams
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj, area, after in items:
                values = {
                    **constant,
                    "area_id": area.pk if area is not None else None,
                    "object_type": object_type(obj),
                    "object_id": str(obj.pk),
                    "object_label": str(obj)[:255],
                    "after": after,
                }
                head = link(values, head)
                values["after"] = Jsonb(after, dumps=dumps) if after is not None else None
                copy.write_row([values[f.attname] for f in fields])
    return len(items)


def history(obj, user):
    """The entries about one object that `user` may read, newest first."""
    return (
        AuditEntry.objects.for_user(user, "audit.view")
        .filter(object_type=object_type(obj), object_id=str(obj.pk))
        .select_related("actor")
    )
