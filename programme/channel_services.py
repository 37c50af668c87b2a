"""Writes of sales channels (DESIGN.md rule 1): each in one transaction, checked against the actor's scope, audited.

A producer proposes (programme.edit_channels, only for the products of the producers linked to their account); an
officer of the product's area (programme.moderate_channels) approves or rejects each proposal with a reason, or
enters and removes channels directly, published at once. The row's columns are the public version; a proposal waits
beside them (programme.models.channels) until approved.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record, snapshot
from core.errors import DomainError, NotFound, PermissionRefused
from programme.channel_queries import can_moderate, editable_products
from programme.models import DistributionAgreement, EcommerceListing, LinkState, Outlet, Review

KINDS = {"outlet": Outlet, "listing": EcommerceListing, "agreement": DistributionAgreement}


def model_for(kind: str):
    try:
        return KINDS[kind]
    except KeyError:
        raise NotFound(_("Không có loại kênh bán hàng này.")) from None


def _action(obj, verb: str) -> str:
    return f"programme.{obj.kind_slug}.{verb}"


def _state(obj) -> dict:
    data = snapshot(obj, obj.CHANNEL_FIELDS)
    data["public"] = obj.is_public
    return data


def _audit(actor, obj, verb, *, before=None, after=None):
    record(
        actor=actor,
        action=_action(obj, verb),
        obj=obj,
        area=obj.product.location,
        label=f"{obj.product.name}: {obj}",
        before=before,
        after=after,
    )


# ── Values: the cleaned form values, checked by the model's own rules, kept as JSON while they wait ─────────────────


def _serialise(model, values: dict) -> dict:
    data = {}
    for name in model.CHANNEL_FIELDS:
        value = values.get(name)
        field = model._meta.get_field(name)
        if field.is_relation:
            data[name] = value.pk if hasattr(value, "pk") else value
            if hasattr(value, "pk"):
                data[f"{name}__label"] = str(value)  # shown in the queue without a query per row
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        else:
            data[name] = value if value is not None else ("" if not field.null else None)
    return data


def _apply(obj, data: dict) -> None:
    for name in obj.CHANNEL_FIELDS:
        field = obj._meta.get_field(name)
        if field.is_relation:
            setattr(obj, field.attname, data.get(name))
            obj.__dict__.pop(name, None)
            obj._state.fields_cache.pop(name, None)
        else:
            setattr(obj, name, field.to_python(data.get(name)))


def _check(model, product, data: dict):
    """The model's rules (field validators, `clean()`) on a candidate row, turned into a refusal naming the field."""
    candidate = model(product=product)
    _apply(candidate, data)
    try:
        candidate.clean_fields(exclude=[f.name for f in model._meta.fields if f.name not in model.CHANNEL_FIELDS])
        candidate.clean()
    except ValidationError as exc:
        errors = getattr(exc, "error_dict", None)
        if errors:
            field, messages = next(iter(errors.items()))
            raise DomainError(" ".join(m for e in messages for m in e.messages), field=field) from exc
        raise DomainError(" ".join(exc.messages)) from exc
    return candidate


def _url_changed(obj, before: dict) -> None:
    if isinstance(obj, EcommerceListing) and before.get("url") != obj.url:
        # a new address has not been checked yet: the old one's failures say nothing about it
        obj.link_state, obj.link_failures, obj.link_status, obj.link_dead_since = LinkState.UNCHECKED, 0, "", None


# ── Who may write ──────────────────────────────────────────────────────────────────────────────────────────────────


def _refuse_unless_proposer(actor, product):
    if actor is None or editable_products(actor).filter(pk=product.pk).exists():
        return
    raise PermissionRefused(
        _("Chỉ chủ thể của sản phẩm (tài khoản được gắn với chủ thể) mới đề xuất được kênh bán hàng của sản phẩm.")
    )


def _refuse_unless_moderator(actor, product):
    if actor is None or can_moderate(actor, product):
        return
    raise PermissionRefused(_("Chỉ cán bộ xã hoặc tỉnh nơi có sản phẩm mới duyệt được kênh bán hàng."))


def _locked(model, pk):
    try:
        return model.objects.select_for_update().select_related("product__location").get(pk=pk)
    except model.DoesNotExist:
        raise NotFound(_("Không tìm thấy kênh bán hàng này.")) from None


# ── Services ───────────────────────────────────────────────────────────────────────────────────────────────────────


def save_channel(*, actor, product, kind: str, values: dict, pk: int | None = None):
    """Create (pk None) or change a channel of `product`: published at once when `actor` moderates the product's
    area, otherwise proposed for review. Returns the row."""
    if actor is None or can_moderate(actor, product):
        return enter_directly(actor=actor, product=product, kind=kind, values=values, pk=pk)
    return propose(actor=actor, product=product, kind=kind, values=values, pk=pk)


@transaction.atomic
def propose(*, actor, product, kind: str, values: dict, pk: int | None = None):
    model = model_for(kind)
    _refuse_unless_proposer(actor, product)
    data = _serialise(model, values)
    candidate = _check(model, product, data)
    now = timezone.now()
    if pk is None:
        obj = candidate  # its columns hold the proposal too, so lists can show it; it is not public until approved
        before = None
    else:
        obj = _locked(model, pk)
        if obj.product_id != product.pk or obj.removed_at is not None:
            raise NotFound(_("Không tìm thấy kênh bán hàng này."))
        before = _state(obj)
        if not obj.is_public:  # never approved: nothing public to keep, the columns follow the proposal
            _apply(obj, data)
            _url_changed(obj, before)
    obj.proposal, obj.proposal_removes = data, False
    obj.review, obj.review_reason = Review.PENDING, ""
    obj.proposed_by, obj.proposed_at = actor, now
    obj.reviewed_by, obj.reviewed_at = None, None
    obj.save()
    _audit(actor, obj, "proposed", before=before, after={**data, "change": "create" if pk is None else "update"})
    return obj


@transaction.atomic
def propose_removal(*, actor, kind: str, pk: int):
    """A producer asks to take a public channel down; one never approved is simply withdrawn (it was never public)."""
    model = model_for(kind)
    obj = _locked(model, pk)
    _refuse_unless_proposer(actor, obj.product)
    if obj.removed_at is not None:
        raise NotFound(_("Không tìm thấy kênh bán hàng này."))
    before = _state(obj)
    if not obj.is_public:
        _audit(actor, obj, "withdrawn", before=before)
        obj.delete()
        return None
    obj.proposal, obj.proposal_removes = {}, True
    obj.review, obj.review_reason = Review.PENDING, ""
    obj.proposed_by, obj.proposed_at = actor, timezone.now()
    obj.reviewed_by, obj.reviewed_at = None, None
    obj.save()
    _audit(actor, obj, "proposed", before=before, after={"change": "remove"})
    return obj


@transaction.atomic
def approve(*, actor, kind: str, pk: int):
    """Publish the pending change: its values become the public version (or the channel is taken down)."""
    model = model_for(kind)
    obj = _locked(model, pk)
    _refuse_unless_moderator(actor, obj.product)
    if obj.review != Review.PENDING:
        raise DomainError(_("Kênh bán hàng này không có thay đổi nào chờ duyệt."), code="wrong_state")
    before = _state(obj)
    now = timezone.now()
    if obj.proposal_removes:
        obj.removed_at = now
    else:
        _check(model, obj.product, obj.proposal)  # a rule may have changed since it was proposed
        _apply(obj, obj.proposal)
        _url_changed(obj, before)
        obj.approved_at, obj.approved_by = now, actor
    obj.proposal, obj.proposal_removes = None, False
    obj.review, obj.review_reason = Review.NONE, ""
    obj.reviewed_by, obj.reviewed_at = actor, now
    obj.save()
    _audit(actor, obj, "approved", before=before, after=_state(obj))
    return obj


@transaction.atomic
def reject(*, actor, kind: str, pk: int, reason: str):
    """Refuse the pending change with a reason the producer sees; the public version, if any, stays as it was."""
    model = model_for(kind)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Nhập lý do từ chối để chủ thể biết cần sửa gì."), field="reason")
    obj = _locked(model, pk)
    _refuse_unless_moderator(actor, obj.product)
    if obj.review != Review.PENDING:
        raise DomainError(_("Kênh bán hàng này không có thay đổi nào chờ duyệt."), code="wrong_state")
    obj.review, obj.review_reason = Review.REJECTED, reason
    obj.reviewed_by, obj.reviewed_at = actor, timezone.now()
    obj.save()
    _audit(actor, obj, "rejected", after={"reason": reason, "proposal": obj.proposal, "removes": obj.proposal_removes})
    return obj


@transaction.atomic
def enter_directly(*, actor, product, kind: str, values: dict, pk: int | None = None):
    """An officer's own entry or correction: public at once. A producer's proposal still pending stays for review."""
    model = model_for(kind)
    _refuse_unless_moderator(actor, product)
    data = _serialise(model, values)
    candidate = _check(model, product, data)
    now = timezone.now()
    if pk is None:
        obj, before, verb = candidate, None, "created"
    else:
        obj = _locked(model, pk)
        if obj.product_id != product.pk or obj.removed_at is not None:
            raise NotFound(_("Không tìm thấy kênh bán hàng này."))
        before, verb = _state(obj), "changed"
        _apply(obj, data)
        _url_changed(obj, before)
        if obj.review == Review.PENDING and not obj.proposal_removes and obj.proposal == data:
            obj.proposal, obj.review = None, Review.NONE  # the officer entered exactly what was proposed
    obj.approved_at, obj.approved_by = now, actor
    obj.save()
    _audit(actor, obj, verb, before=before, after=_state(obj))
    return obj


@transaction.atomic
def remove_directly(*, actor, kind: str, pk: int):
    """An officer takes a channel down at once; the row stays (history), hidden from every list."""
    model = model_for(kind)
    obj = _locked(model, pk)
    _refuse_unless_moderator(actor, obj.product)
    if obj.removed_at is not None:
        raise NotFound(_("Không tìm thấy kênh bán hàng này."))
    before = _state(obj)
    obj.removed_at = timezone.now()
    obj.proposal, obj.proposal_removes, obj.review = None, False, Review.NONE
    obj.save()
    _audit(actor, obj, "removed", before=before)
    return obj


@transaction.atomic
def record_link_check(*, listing_pk: int, ok: bool, status: str, today: datetime.date, failures_to_dead: int):
    """The link check's result for one listing (the system writes it). After `failures_to_dead` failures in a row the
    listing is flagged dead with the day and the last answer, never deleted; a later success brings it back.
    Returns the listing's link state."""
    listing = _locked(EcommerceListing, listing_pk)
    before_state = listing.link_state
    listing.checked_on = today
    listing.link_status = status[:100]
    if ok:
        listing.link_state, listing.link_failures, listing.link_dead_since = LinkState.OK, 0, None
    else:
        listing.link_failures = min(listing.link_failures + 1, 32767)
        if listing.link_failures >= failures_to_dead and before_state != LinkState.DEAD:
            listing.link_state, listing.link_dead_since = LinkState.DEAD, today
    listing.save(update_fields=["checked_on", "link_status", "link_state", "link_failures", "link_dead_since"])
    if listing.link_state != before_state:
        if listing.link_state == LinkState.DEAD:
            _audit(None, listing, "link_dead", after={"url": listing.url, "status": listing.link_status})
        elif before_state == LinkState.DEAD:
            _audit(None, listing, "link_restored", after={"url": listing.url, "status": listing.link_status})
    return listing.link_state
