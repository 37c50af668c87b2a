"""Writing the audit log. Services call `record` inside their transaction, so an entry exists iff the change does."""

import datetime
import decimal
import uuid

from django.db import models

from core.middleware import current_request_id
from core.models import AuditEntry


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
    """Bulk form for loaders: the entries come from `build`."""
    return len(AuditEntry.objects.bulk_create(entries, batch_size=2000))


def history(obj, user):
    """The entries about one object that `user` may read, newest first."""
    return (
        AuditEntry.objects.for_user(user, "audit.view")
        .filter(object_type=object_type(obj), object_id=str(obj.pk))
        .select_related("actor")
    )
