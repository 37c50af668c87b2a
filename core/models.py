"""The append-only audit log (DESIGN.md rule 5). Shared mechanisms only; core holds no domain records.

Entries are hash-chained: each stores the SHA-256 of its own content and of its predecessor's hash (in id order), so
that an entry changed, deleted or slipped in afterwards by someone writing SQL is found by `manage.py verify_audit`.
"""

import datetime
import decimal
import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.scoping import ScopedQuerySet


class AuditImmutable(DomainError):
    pass


# The fields an entry's hash covers (attribute names), besides `previous_hash`. Not `id`: ids are given by the database
# (after COPY on PostgreSQL), and the id order is already bound by each entry naming its predecessor's hash.
HASHED_FIELDS = (
    "created_at",
    "actor_id",
    "actor_label",
    "area_id",
    "object_type",
    "object_id",
    "object_label",
    "action",
    "before",
    "after",
    "request_id",
)
# Key of the PostgreSQL transaction-level advisory lock that serialises writers of the chain (any fixed bigint).
CHAIN_LOCK_KEY = 4_246_031_400_140_014


def _number(text):
    # A float as the database gives it back: PostgreSQL's jsonb writes 1e16 as 10000000000000000 and keeps 5.0, which
    # read back as an int and a float; an integral value is therefore hashed as an int whatever its spelling.
    value = decimal.Decimal(text)
    return int(value) if value == value.to_integral_value() else float(text)


# Built once: json.dumps/loads with options build a new encoder or decoder at each call, a third of the cost here.
_encode_stored = DjangoJSONEncoder().encode
_decode_stored = json.JSONDecoder(parse_float=_number).decode
_encode_canonical = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
_PLAIN = {str, int, bool, type(None)}


def _plain(value) -> bool:
    """Whether `value` reads back from the database as it is (no dates, floats, enums or non-string keys)."""
    kind = type(value)
    if kind is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if kind is list:
        return all(_plain(v) for v in value)
    return kind in _PLAIN


def stored_json(value):
    """`value` as a JSONField gives it back from any database: encoded as the field encodes it (dates, decimals and
    UUIDs to strings, keys to strings) and decoded."""
    if _plain(value):  # most entries: checking is cheaper than a round trip
        return value
    return _decode_stored(_encode_stored(value))


def entry_hash(values, previous_hash: str) -> str:
    """Hex SHA-256 of the canonical JSON of an entry's content (`values`: attribute name → value) and its predecessor's
    hash. The same on SQLite and PostgreSQL: time in UTC with microseconds, JSON with sorted keys and no spaces."""
    created_at = values["created_at"]
    if created_at.tzinfo is None:
        created_at = timezone.make_aware(created_at)
    document = {name: values[name] for name in HASHED_FIELDS}
    document["created_at"] = created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    document["before"] = stored_json(values["before"])
    document["after"] = stored_json(values["after"])
    document["previous_hash"] = previous_hash
    return hashlib.sha256(_encode_canonical(document).encode()).hexdigest()


def chain_head(using):
    """(hash, time) of the last entry, or ("", None), with the chain locked until the transaction ends. On PostgreSQL an
    advisory lock makes concurrent writers take turns (taken before the read, so the read sees the previous writer's
    committed entries); SQLite has one writer at a time already (transactions begin IMMEDIATE)."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("the audit chain is extended inside a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    last = AuditEntry.objects.using(using).order_by("-id").values_list("entry_hash", "created_at").first()
    return last or ("", None)


def link(values, head):
    """Fill `values` (an entry's attributes, a dict or the entry's __dict__) as the successor of `head`; return the new
    head. An entry is never dated before its predecessor (clocks of several servers, or a writer that waited for the
    lock), so a back-dated entry stands out."""
    previous_hash, previous_at = head
    if previous_at is not None and values["created_at"] < previous_at:
        values["created_at"] = previous_at
    values["previous_hash"] = previous_hash
    values["entry_hash"] = entry_hash(values, previous_hash)
    return values["entry_hash"], values["created_at"]


def chain(entries, using):
    """Link unsaved entries, in order, after the last one in the database (inside the caller's transaction)."""
    head = chain_head(using)
    for entry in entries:
        head = link(entry.__dict__, head)


class AuditQuerySet(ScopedQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            chain(objs, self.db)
            return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs):
        raise AuditImmutable(_("Nhật ký hệ thống chỉ được ghi thêm, không được sửa."))

    def delete(self):
        raise AuditImmutable(_("Nhật ký hệ thống chỉ được ghi thêm, không được xoá."))


class AuditEntry(models.Model):
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("người thực hiện (tên)"), max_length=150, blank=True)
    area = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("địa bàn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_type = models.CharField(_("loại đối tượng"), max_length=100)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    object_label = models.CharField(_("đối tượng"), max_length=255, blank=True)
    action = models.CharField(_("hành động"), max_length=100, db_index=True)
    before = models.JSONField(_("trước"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("sau"), null=True, blank=True, encoder=DjangoJSONEncoder)
    request_id = models.CharField(_("mã yêu cầu"), max_length=64, blank=True)
    previous_hash = models.CharField(_("mã băm mục trước"), max_length=64, blank=True, default="", editable=False)
    entry_hash = models.CharField(_("mã băm"), max_length=64, blank=True, default="", editable=False)

    objects = AuditQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký hệ thống")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-created_at"], name="audit_object_idx"),
            models.Index(fields=["area", "-created_at"], name="audit_area_idx"),
        ]
        constraints = [
            # One successor per entry: two writers that linked to the same predecessor (which the lock prevents)
            # would fail here rather than fork the chain.
            models.UniqueConstraint(fields=["previous_hash"], name="audit_chain_single_successor"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutable(_("Nhật ký hệ thống chỉ được ghi thêm, không được sửa."))
        using = kwargs.get("using") or router.db_for_write(AuditEntry, instance=self)
        with transaction.atomic(using=using, savepoint=False):
            chain([self], using)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutable(_("Nhật ký hệ thống chỉ được ghi thêm, không được xoá."))
