"""Writes to producers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scope import require
from core import audit
from core.concurrency import check_version, refuse_duplicate
from core.errors import DomainError
from core.imports import bulk_insert
from core.text import fold
from producers.models import Producer
from products.placement import new_province_of, new_provinces_of

FIELDS = [
    "name",
    "producer_type",
    "registration_no",
    "legal_representative",
    "phone",
    "email",
    "address",
    "location",
    "women_led",
    "ethnic_minority_led",
]


def _check_scope(actor, unit):
    require(actor, "producers.change", unit, _("Địa bàn này nằm ngoài phạm vi bạn được giao."))


def _validate(producer, check_duplicate=True):
    if producer.location.level != "commune":
        raise DomainError(_("Địa bàn của chủ thể phải là một xã, phường."), field="location")
    try:
        producer.full_clean(
            exclude=["home_province", "location", "accounts"],
            validate_unique=False,
            validate_constraints=check_duplicate,  # the namesake check, made by the caller when False
        )
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError("; ".join(messages), field=field) from exc
    # the bulk import checks namesakes for the whole file at once: building this query per row was its largest cost
    if not check_duplicate:
        return
    duplicate = Producer.objects.filter(home_province=producer.home_province, search_name=producer.search_name)
    if duplicate.exclude(pk=producer.pk).exists():
        raise DomainError(_("Tỉnh này đã có chủ thể tên '%(n)s'.") % {"n": producer.name}, field="name")


def create_producer(*, actor, **values) -> Producer:
    with transaction.atomic():
        producer = Producer(**values)
        producer.name = " ".join(producer.name.split())
        producer.search_name = fold(producer.name)
        producer.home_province = new_province_of(producer.location)
        _check_scope(actor, producer.location)
        _validate(producer)
        with refuse_duplicate(_("Tỉnh này đã có chủ thể tên '%(n)s'.") % {"n": producer.name}, field="name"):
            producer.save()
        audit.record(
            actor=actor,
            action="producers.producer.created",
            obj=producer,
            area=producer.location,
            after=audit.snapshot(producer, FIELDS),
        )
    return producer


def prepare_producer(*, actor, **values) -> Producer:
    """A new producer checked as create_producer checks it, not yet saved (for bulk_create_producers). The caller
    has read the province's producers and vouches there is no namesake; `home_province` may be given (known)."""
    producer = Producer(**values)
    producer.name = " ".join(producer.name.split())
    producer.search_name = fold(producer.name)
    if producer.home_province_id is None:
        producer.home_province = new_province_of(producer.location)
    _check_scope(actor, producer.location)
    _validate(producer, check_duplicate=False)
    return producer


def bulk_create_producers(*, actor, producers: list[Producer]) -> None:
    """Save prepared producers (imports) with the same audit entries as create_producer, in bulk."""
    if not producers:
        return
    for first in {p.location_id: p for p in producers}.values():  # once per commune, not per row
        _check_scope(actor, first.location)
    with transaction.atomic():
        bulk_insert(Producer, producers)
        audit.record_created(
            actor=actor,
            action="producers.producer.created",
            items=((p, p.location, audit.snapshot(p, FIELDS)) for p in producers),
        )


def update_producer(*, actor, producer: Producer, expected_version=None, **values) -> Producer:
    """`expected_version`: the version the edit form was read at; a save from an older one is refused (StaleEdit)."""
    with transaction.atomic():
        producer = Producer.objects.select_for_update().get(pk=producer.pk)
        _check_scope(actor, producer.location)
        check_version(producer, expected_version)
        before = audit.snapshot(producer, FIELDS)
        for key, value in values.items():
            setattr(producer, key, value)
        producer.name = " ".join(producer.name.split())
        producer.search_name = fold(producer.name)
        producer.home_province = new_province_of(producer.location)
        _check_scope(actor, producer.location)
        _validate(producer)
        after = audit.snapshot(producer, FIELDS)
        if after != before:
            producer.version += 1
        with refuse_duplicate(_("Tỉnh này đã có chủ thể tên '%(n)s'.") % {"n": producer.name}, field="name"):
            producer.save()  # a namesake saved by someone else since _validate looked
        if after != before:
            audit.record(
                actor=actor,
                action="producers.producer.updated",
                obj=producer,
                area=producer.location,
                before=before,
                after=after,
            )
    return producer


def find_producer(*, name: str, unit=None, home_province=None) -> Producer | None:
    """The producer of that name in the (2025-scheme) province of `unit` (products.placement.new_province_of, the
    province its identity was recorded under), or of `home_province` if already known."""
    home_province = home_province or new_province_of(unit)
    return Producer.objects.filter(home_province=home_province, search_name=fold(name)).first()


def rehome_producers(*, actor=None, batch_size: int = 2000) -> tuple[int, list[tuple[Producer, Producer]]]:
    """Recompute every producer's home province with new_province_of (after the reference data or that rule
    changes; producers recorded under Tiền Giang's first successor, Tây Ninh, before issue 15 move to Đồng Tháp).
    Returns (how many moved, [(producer left in place, namesake already in the new province)]): a producer whose
    namesake is already recorded in its new province is the same producer recorded twice; it is not moved (the
    unique key forbids it) but listed, for an officer to merge. Each move is audited as an update."""
    moved, clashes = 0, []
    with transaction.atomic():
        producers = list(Producer.objects.select_related("location").order_by("pk"))
        homes = {}
        for start in range(0, len(producers), batch_size):
            homes.update(new_provinces_of({p.location for p in producers[start : start + batch_size]}))
        taken = {(p.home_province_id, p.search_name): p for p in producers}
        for producer in producers:
            home = homes[producer.location_id]
            if home.pk == producer.home_province_id:
                continue
            namesake = taken.get((home.pk, producer.search_name))
            if namesake is not None:
                clashes.append((producer, namesake))
                continue
            before = {"home_province": producer.home_province_id}
            del taken[(producer.home_province_id, producer.search_name)]
            producer.home_province = home
            taken[(home.pk, producer.search_name)] = producer
            Producer.objects.filter(pk=producer.pk).update(home_province=home)
            audit.record(
                actor=actor,
                action="producers.producer.updated",
                obj=producer,
                area=producer.location,
                before=before,
                after={"home_province": home.pk},
            )
            moved += 1
    return moved, clashes
