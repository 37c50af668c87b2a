"""Writes to trade-promotion events and their participations (DESIGN.md rule 1: one transaction, audit, refusals)."""

import decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import acts_only_as_producer, area_scope, require
from areas.choices import Level
from core import audit
from core.errors import DomainError, NotFound
from programme.models import MAX_COUNT, MAX_SALES_VALUE, Event, Participation, ParticipationStatus

EVENT_FIELDS = [
    "name",
    "kind",
    "level",
    "organiser",
    "start_date",
    "end_date",
    "place",
    "area",
    "province",
    "description",
    "is_public",
]
RESULT_FIELDS = ["contracts_signed", "sales_value", "new_buyers", "results_note"]


def _today():
    return timezone.localdate()


def _require_manager(actor, event):
    require(actor, "programme.manage_events", event.province, _("Sự kiện này nằm ngoài tỉnh bạn được giao quản lý."))


def _full_clean(obj, exclude=()):
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError("; ".join(messages), field=None if field == "__all__" else field) from exc


def _validate_event(event):
    if event.province_id is None or event.province.level != Level.PROVINCE:
        raise DomainError(_("Tỉnh quản lý phải là một tỉnh, thành phố."), field="province")
    if event.start_date and event.end_date and event.end_date < event.start_date:
        raise DomainError(_("Ngày kết thúc không được trước ngày bắt đầu."), field="end_date")
    _full_clean(event, exclude=["province", "area"])


def _area_for_audit(event):
    return event.province


def create_event(*, actor, **values) -> Event:
    with transaction.atomic():
        event = Event(**values)
        event.name = " ".join((event.name or "").split())
        event.created_by = actor if getattr(actor, "is_authenticated", False) else None
        _validate_event(event)
        _require_manager(actor, event)
        event.save()
        audit.record(
            actor=actor,
            action="programme.event.created",
            obj=event,
            area=_area_for_audit(event),
            after=audit.snapshot(event, EVENT_FIELDS),
        )
    return event


def update_event(*, actor, event: Event, **values) -> Event:
    with transaction.atomic():
        event = Event.objects.select_for_update().select_related("province").get(pk=event.pk)
        _require_manager(actor, event)
        if event.is_cancelled:
            raise DomainError(_("Sự kiện đã hủy, không sửa được."))
        before = audit.snapshot(event, EVENT_FIELDS)
        for name, value in values.items():
            setattr(event, name, value)
        event.name = " ".join((event.name or "").split())
        _validate_event(event)
        _require_manager(actor, event)  # the new province must be theirs too
        ended_with_results = event.participations.filter(results_recorded_at__isnull=False).exists()
        if ended_with_results and event.end_date >= _today():
            raise DomainError(
                _("Đã có kết quả được ghi cho sự kiện này: không thể dời ngày kết thúc về sau hôm nay."),
                field="end_date",
            )
        event.save()
        audit.record(
            actor=actor,
            action="programme.event.updated",
            obj=event,
            area=_area_for_audit(event),
            before=before,
            after=audit.snapshot(event, EVENT_FIELDS),
        )
    return event


def cancel_event(*, actor, event: Event, reason: str) -> Event:
    reason = " ".join((reason or "").split())
    with transaction.atomic():
        event = Event.objects.select_for_update().select_related("province").get(pk=event.pk)
        _require_manager(actor, event)
        if event.is_cancelled:
            raise DomainError(_("Sự kiện này đã hủy trước đó."))
        if not reason:
            raise DomainError(_("Hãy ghi lý do hủy sự kiện."), field="reason")
        if event.participations.filter(results_recorded_at__isnull=False).exists():
            raise DomainError(_("Đã có kết quả được ghi cho sự kiện này nên không thể hủy."))
        event.cancelled_at = timezone.now()
        event.cancel_reason = reason[:500]
        event.save(update_fields=["cancelled_at", "cancel_reason"])
        audit.record(
            actor=actor,
            action="programme.event.cancelled",
            obj=event,
            area=_area_for_audit(event),
            after={"cancel_reason": event.cancel_reason},
        )
    return event


def _check_products(producer, products):
    products = list(products)
    if not products:
        raise DomainError(_("Hãy chọn ít nhất một sản phẩm tham gia."), field="products")
    foreign = [p for p in products if p.producer_id != producer.pk]
    if foreign:
        raise DomainError(
            _("Sản phẩm '%(p)s' không thuộc chủ thể '%(c)s'.") % {"p": foreign[0].name, "c": producer.name},
            field="products",
        )
    return products


def _participation_snapshot(participation, products):
    data = audit.snapshot(participation, ["producer", "status", "decline_reason"])
    data["products"] = sorted(p.pk for p in products)
    return data


def _new_participation(*, actor, event, producer, products, status, action):
    if event.is_cancelled:
        raise DomainError(_("Sự kiện đã hủy."))
    products = _check_products(producer, products)
    if Participation.objects.filter(event=event, producer=producer).exists():
        raise DomainError(_("Chủ thể '%(c)s' đã có trong sự kiện này.") % {"c": producer.name}, field="producer")
    participation = Participation.objects.create(
        event=event,
        producer=producer,
        status=status,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
        decided_by=actor
        if status == ParticipationStatus.ACCEPTED and getattr(actor, "is_authenticated", False)
        else None,
        decided_at=timezone.now() if status == ParticipationStatus.ACCEPTED else None,
    )
    participation.products.set(products)
    audit.record(
        actor=actor,
        action=action,
        obj=participation,
        area=event.province,
        after=_participation_snapshot(participation, products),
    )
    return participation


def add_participant(*, actor, event: Event, producer, products) -> Participation:
    """The officer enters a producer who takes part (accepted at once)."""
    with transaction.atomic():
        event = Event.objects.select_for_update().select_related("province").get(pk=event.pk)
        _require_manager(actor, event)
        return _new_participation(
            actor=actor,
            event=event,
            producer=producer,
            products=products,
            status=ParticipationStatus.ACCEPTED,
            action="programme.participation.added",
        )


def may_act_for(actor, producer) -> bool:
    """A producer account acts for the producers it is linked to; other holders of join_events for their area."""
    if actor is None:
        return True
    if not area_scope(actor, "programme.join_events").contains(producer.location):
        return False
    return not acts_only_as_producer(actor) or producer.accounts.filter(pk=actor.pk).exists()


def register_interest(*, actor, event: Event, producer, products, today=None) -> Participation:
    """A producer asks to take part in an upcoming public event with some of its products; an officer decides."""
    today = today or _today()
    with transaction.atomic():
        event = Event.objects.select_for_update().select_related("province").get(pk=event.pk)
        if not event.is_public or event.is_cancelled:
            raise NotFound(_("Không tìm thấy sự kiện."))
        if not may_act_for(actor, producer):
            raise NotFound(_("Không tìm thấy chủ thể."))
        if event.start_date < today:
            raise DomainError(_("Sự kiện đã bắt đầu, không còn nhận đăng ký."))
        return _new_participation(
            actor=actor,
            event=event,
            producer=producer,
            products=products,
            status=ParticipationStatus.REGISTERED,
            action="programme.participation.registered",
        )


def _locked_participation(actor, participation):
    participation = (
        Participation.objects.select_for_update().select_related("event__province", "producer").get(pk=participation.pk)
    )
    _require_manager(actor, participation.event)
    return participation


def accept_participation(*, actor, participation: Participation) -> Participation:
    with transaction.atomic():
        participation = _locked_participation(actor, participation)
        if participation.event.is_cancelled:
            raise DomainError(_("Sự kiện đã hủy."))
        if participation.status != ParticipationStatus.REGISTERED:
            raise DomainError(_("Chỉ duyệt được đăng ký đang chờ duyệt."))
        participation.status = ParticipationStatus.ACCEPTED
        participation.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        participation.decided_at = timezone.now()
        participation.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(
            actor=actor,
            action="programme.participation.accepted",
            obj=participation,
            area=participation.event.province,
            after={"status": participation.status},
        )
    return participation


def decline_participation(*, actor, participation: Participation, reason: str) -> Participation:
    reason = " ".join((reason or "").split())
    with transaction.atomic():
        participation = _locked_participation(actor, participation)
        if participation.status != ParticipationStatus.REGISTERED:
            raise DomainError(_("Chỉ từ chối được đăng ký đang chờ duyệt."))
        if not reason:
            raise DomainError(_("Hãy ghi lý do không nhận để chủ thể biết."), field="reason")
        participation.status = ParticipationStatus.DECLINED
        participation.decline_reason = reason[:500]
        participation.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        participation.decided_at = timezone.now()
        participation.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
        audit.record(
            actor=actor,
            action="programme.participation.declined",
            obj=participation,
            area=participation.event.province,
            after={"status": participation.status, "decline_reason": participation.decline_reason},
        )
    return participation


def _bounded_count(value, field):
    if value is None:
        return None
    if value < 0:
        raise DomainError(_("Số lượng không được âm."), field=field)
    if value > MAX_COUNT:
        raise DomainError(
            _("Số lượng quá lớn (tối đa %(n)s).") % {"n": f"{MAX_COUNT:,}".replace(",", ".")}, field=field
        )
    return value


def record_results(
    *, actor, participation: Participation, contracts_signed, sales_value, new_buyers, note="", today=None
) -> Participation:
    """Results of one participation, reported once the event has ended; a later report corrects the earlier one."""
    today = today or _today()
    with transaction.atomic():
        participation = _locked_participation(actor, participation)
        event = participation.event
        if event.is_cancelled:
            raise DomainError(_("Sự kiện đã hủy."))
        if participation.status != ParticipationStatus.ACCEPTED:
            raise DomainError(_("Chỉ ghi kết quả cho chủ thể được tham gia sự kiện."))
        if event.end_date >= today:
            raise DomainError(
                _("Chỉ ghi kết quả sau khi sự kiện kết thúc (ngày kết thúc: %(d)s).")
                % {"d": event.end_date.strftime("%d/%m/%Y")}
            )
        if sales_value is not None:
            sales_value = decimal.Decimal(sales_value)
            if sales_value < 0:
                raise DomainError(_("Doanh số không được âm."), field="sales_value")
            if sales_value > MAX_SALES_VALUE:
                raise DomainError(_("Doanh số quá lớn: hãy kiểm tra lại số chữ số."), field="sales_value")
            if sales_value != sales_value.to_integral_value():
                raise DomainError(_("Doanh số ghi bằng đồng, không có phần lẻ."), field="sales_value")
        before = audit.snapshot(participation, RESULT_FIELDS)
        participation.contracts_signed = _bounded_count(contracts_signed, "contracts_signed")
        participation.new_buyers = _bounded_count(new_buyers, "new_buyers")
        participation.sales_value = sales_value
        participation.results_note = (note or "").strip()
        participation.results_recorded_at = timezone.now()
        participation.save(update_fields=[*RESULT_FIELDS, "results_recorded_at"])
        audit.record(
            actor=actor,
            action="programme.participation.results_recorded",
            obj=participation,
            area=event.province,
            before=before,
            after=audit.snapshot(participation, RESULT_FIELDS),
        )
    return participation
