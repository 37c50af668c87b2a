"""Writes to training courses, communication campaigns and honours (one transaction, scope check, audit entry)."""

import decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import area_scope, require
from areas.choices import Level
from areas.filters import with_counterparts
from core import audit
from core.errors import DomainError, PermissionRefused
from programme.models import (
    MAX_COST,
    MAX_PEOPLE,
    Audience,
    CommunicationCampaign,
    Honour,
    HonourKind,
    TrainingCourse,
)
from programme.models.plans import MAX_YEAR, MIN_YEAR

MANAGE = "programme.manage_training"
HONOUR_ACTION = "programme.approve_monitoring"

COURSE_FIELDS = [
    "title",
    "kind",
    "organiser",
    "province",
    "area",
    "place",
    "start_date",
    "end_date",
    "audience",
    "participants",
    "participants_women",
    "participants_ethnic_minority",
    "cost",
    "funding_source",
    "note",
]
CAMPAIGN_FIELDS = [
    "title",
    "channel",
    "organiser",
    "province",
    "area",
    "start_date",
    "end_date",
    "audience",
    "reach",
    "items",
    "note",
]
HONOUR_FIELDS = ["province", "year", "kind", "producer", "product", "title", "decision_no", "decision_date", "citation"]


# --- shared checks ------------------------------------------------------------------------------------------------


def _tidy(text) -> str:
    return " ".join((text or "").split())


def _full_clean(obj, exclude=()):
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError("; ".join(messages), field=None if field == "__all__" else field) from exc


def _province_ids(province) -> set[int]:
    """The province and its counterparts across the 2025 reform: a record of either scheme lies in any of them."""
    return with_counterparts({province.pk})


def _lies_in(unit, province_ids) -> bool:
    return unit.pk in province_ids or unit.province_id in province_ids


def _check_place(record, label):
    """`province` is a province; `area` (optional) a district or commune of it, in either scheme."""
    if record.province_id is None or record.province.level != Level.PROVINCE:
        raise DomainError(_("Tỉnh quản lý phải là một tỉnh, thành phố."), field="province")
    if record.area_id is not None:
        if record.area.level == Level.PROVINCE:
            raise DomainError(
                _("Để trống ô %(f)s khi tỉnh tổ chức; chỉ chọn huyện hoặc xã.") % {"f": label}, field="area"
            )
        if not _lies_in(record.area, _province_ids(record.province)):
            raise DomainError(
                _("'%(a)s' không thuộc %(p)s.") % {"a": record.area.name, "p": record.province.name}, field="area"
            )


def _check_dates(record):
    if record.start_date and record.end_date and record.end_date < record.start_date:
        raise DomainError(_("Ngày kết thúc không được trước ngày bắt đầu."), field="end_date")
    if record.start_date and not MIN_YEAR <= record.start_date.year <= MAX_YEAR:
        raise DomainError(_("Năm phải trong khoảng %(a)s–%(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}, field="start_date")


def _clean_audience(values) -> list[str]:
    chosen = []
    for value in values or []:
        if value not in Audience.values:
            raise DomainError(_("Đối tượng '%(v)s' không hợp lệ.") % {"v": value}, field="audience")
        if value not in chosen:
            chosen.append(value)
    # stored in the order of the choices, so that an edit which changes nothing writes the same list
    return [value for value in Audience.values if value in chosen]


def _count(value, field, *, required=False):
    if value is None:
        if required:
            raise DomainError(_("Hãy ghi số lượng."), field=field)
        return None
    if isinstance(value, bool) or int(value) != value:
        raise DomainError(_("Số lượng phải là số nguyên."), field=field)
    value = int(value)
    if value < 0:
        raise DomainError(_("Số lượng không được âm."), field=field)
    if value > MAX_PEOPLE:
        raise DomainError(_("Số lượng quá lớn: hãy kiểm tra lại số chữ số."), field=field)
    return value


def _money(value, field):
    if value is None:
        return None
    value = decimal.Decimal(value)
    if value < 0:
        raise DomainError(_("Kinh phí không được âm."), field=field)
    if value > MAX_COST:
        raise DomainError(_("Kinh phí quá lớn: hãy kiểm tra lại số chữ số."), field=field)
    if value != value.to_integral_value():
        raise DomainError(_("Kinh phí ghi bằng đồng, không có phần lẻ."), field=field)
    return value


def may_manage(actor, record) -> bool:
    """A province officer manages the courses and campaigns of their province; a commune officer only those their
    own commune organises (`area` is that commune). `actor=None` is the system."""
    if actor is None:
        return True
    scope = area_scope(actor, MANAGE)
    if scope.contains(record.province):
        return True
    return record.area_id is not None and record.area.level == Level.COMMUNE and scope.contains(record.area)


def _require_manager(actor, record):
    if not may_manage(actor, record):
        raise PermissionRefused(
            _("Bạn chỉ ghi được hoạt động của tỉnh, hoặc của xã mình được giao (xã tổ chức là xã của bạn).")
        )


# --- training courses ------------------------------------------------------------------------------------------------


def _check_communes(communes, province) -> list:
    communes = list(dict.fromkeys(communes or []))
    province_ids = _province_ids(province)
    for commune in communes:
        if commune.level != Level.COMMUNE:
            raise DomainError(_("'%(a)s' không phải là xã, phường.") % {"a": commune.name}, field="communes")
        if not _lies_in(commune, province_ids):
            raise DomainError(
                _("Xã '%(a)s' không thuộc %(p)s.") % {"a": commune.name, "p": province.name}, field="communes"
            )
    return communes


def _course_snapshot(course, communes) -> dict:
    data = audit.snapshot(course, COURSE_FIELDS)
    data["communes"] = sorted(c.pk for c in communes)
    return data


def _validate_course(course):
    course.title = _tidy(course.title)
    course.audience = _clean_audience(course.audience)
    course.participants = _count(course.participants, "participants")
    course.participants_women = _count(course.participants_women or 0, "participants_women")
    course.participants_ethnic_minority = _count(
        course.participants_ethnic_minority or 0, "participants_ethnic_minority"
    )
    if course.participants is None and (course.participants_women or course.participants_ethnic_minority):
        raise DomainError(
            _("Hãy ghi tổng số người tham dự trước khi ghi số nữ, dân tộc thiểu số."), field="participants"
        )
    if course.participants_women > (course.participants or 0):
        raise DomainError(_("Số người nữ không được lớn hơn số người tham dự."), field="participants_women")
    if course.participants_ethnic_minority > (course.participants or 0):
        raise DomainError(
            _("Số người dân tộc thiểu số không được lớn hơn số người tham dự."),
            field="participants_ethnic_minority",
        )
    course.cost = _money(course.cost, "cost")
    _check_place(course, _("huyện, xã tổ chức"))
    _check_dates(course)
    _full_clean(course, exclude=["province", "area"])


def create_course(*, actor, communes=(), **values) -> TrainingCourse:
    with transaction.atomic():
        course = TrainingCourse(**values)
        course.created_by = audit.acting_user(actor)
        _validate_course(course)
        _require_manager(actor, course)
        communes = _check_communes(communes, course.province)
        course.save()
        course.communes.set(communes)
        audit.record(
            actor=actor,
            action="programme.training.created",
            obj=course,
            area=course.area or course.province,
            after=_course_snapshot(course, communes),
        )
    return course


def update_course(*, actor, course: TrainingCourse, communes=None, **values) -> TrainingCourse:
    with transaction.atomic():
        course = (
            TrainingCourse.objects.select_for_update(of=("self",)).select_related("province", "area").get(pk=course.pk)
        )
        _require_manager(actor, course)
        if course.is_cancelled:
            raise DomainError(_("Lớp đã hủy, không sửa được."))
        before_communes = list(course.communes.all())
        before = _course_snapshot(course, before_communes)
        for name, value in values.items():
            setattr(course, name, value)
        _validate_course(course)
        _require_manager(actor, course)  # the new province or commune must be theirs too
        communes = before_communes if communes is None else _check_communes(communes, course.province)
        course.save()
        course.communes.set(communes)
        audit.record(
            actor=actor,
            action="programme.training.updated",
            obj=course,
            area=course.area or course.province,
            before=before,
            after=_course_snapshot(course, communes),
        )
    return course


def _cancel(record, *, actor, reason, action, already):
    reason = _tidy(reason)
    _require_manager(actor, record)
    if record.is_cancelled:
        raise DomainError(already)
    if not reason:
        raise DomainError(_("Hãy ghi lý do hủy."), field="reason")
    record.cancelled_at = timezone.now()
    record.cancel_reason = reason[:500]
    record.save(update_fields=["cancelled_at", "cancel_reason"])
    audit.record(
        actor=actor,
        action=action,
        obj=record,
        area=record.area or record.province,
        after={"cancel_reason": record.cancel_reason},
    )
    return record


def cancel_course(*, actor, course: TrainingCourse, reason: str) -> TrainingCourse:
    """A course that did not take place: kept (with its reason) but left out of the reports."""
    with transaction.atomic():
        course = (
            TrainingCourse.objects.select_for_update(of=("self",)).select_related("province", "area").get(pk=course.pk)
        )
        return _cancel(
            course,
            actor=actor,
            reason=reason,
            action="programme.training.cancelled",
            already=_("Lớp này đã hủy trước đó."),
        )


# --- communication campaigns ---------------------------------------------------------------------------------------


def _validate_campaign(campaign):
    campaign.title = _tidy(campaign.title)
    campaign.audience = _clean_audience(campaign.audience)
    campaign.reach = _count(campaign.reach, "reach")
    campaign.items = _count(campaign.items, "items")
    _check_place(campaign, _("huyện, xã thực hiện"))
    _check_dates(campaign)
    _full_clean(campaign, exclude=["province", "area"])


def create_campaign(*, actor, **values) -> CommunicationCampaign:
    with transaction.atomic():
        campaign = CommunicationCampaign(**values)
        campaign.created_by = audit.acting_user(actor)
        _validate_campaign(campaign)
        _require_manager(actor, campaign)
        campaign.save()
        audit.record(
            actor=actor,
            action="programme.campaign.created",
            obj=campaign,
            area=campaign.area or campaign.province,
            after=audit.snapshot(campaign, CAMPAIGN_FIELDS),
        )
    return campaign


def update_campaign(*, actor, campaign: CommunicationCampaign, **values) -> CommunicationCampaign:
    with transaction.atomic():
        campaign = (
            CommunicationCampaign.objects.select_for_update(of=("self",))
            .select_related("province", "area")
            .get(pk=campaign.pk)
        )
        _require_manager(actor, campaign)
        if campaign.is_cancelled:
            raise DomainError(_("Hoạt động đã hủy, không sửa được."))
        before = audit.snapshot(campaign, CAMPAIGN_FIELDS)
        for name, value in values.items():
            setattr(campaign, name, value)
        _validate_campaign(campaign)
        _require_manager(actor, campaign)
        campaign.save()
        audit.record(
            actor=actor,
            action="programme.campaign.updated",
            obj=campaign,
            area=campaign.area or campaign.province,
            before=before,
            after=audit.snapshot(campaign, CAMPAIGN_FIELDS),
        )
    return campaign


def cancel_campaign(*, actor, campaign: CommunicationCampaign, reason: str) -> CommunicationCampaign:
    with transaction.atomic():
        campaign = (
            CommunicationCampaign.objects.select_for_update(of=("self",))
            .select_related("province", "area")
            .get(pk=campaign.pk)
        )
        return _cancel(
            campaign,
            actor=actor,
            reason=reason,
            action="programme.campaign.cancelled",
            already=_("Hoạt động này đã hủy trước đó."),
        )


# --- honours -------------------------------------------------------------------------------------------------------


def _validate_honour(honour):
    if honour.province_id is None or honour.province.level != Level.PROVINCE:
        raise DomainError(_("Tỉnh tôn vinh phải là một tỉnh, thành phố."), field="province")
    honour.title = _tidy(honour.title)
    honour.decision_no = _tidy(honour.decision_no)
    if honour.kind == HonourKind.PRODUCER and (honour.producer_id is None or honour.product_id is not None):
        raise DomainError(_("Tôn vinh chủ thể: hãy chọn một chủ thể (không chọn sản phẩm)."), field="producer")
    if honour.kind == HonourKind.PRODUCT and (honour.product_id is None or honour.producer_id is not None):
        raise DomainError(_("Tôn vinh sản phẩm: hãy chọn một sản phẩm (không chọn chủ thể)."), field="product")
    if (honour.producer_id is None) == (honour.product_id is None):
        raise DomainError(_("Hãy chọn đúng một chủ thể hoặc một sản phẩm được tôn vinh."), field="producer")
    province_ids = _province_ids(honour.province)
    if honour.producer_id is not None and not _lies_in(honour.producer.location, province_ids):
        raise DomainError(
            _("Chủ thể '%(n)s' không thuộc %(p)s.") % {"n": honour.producer.name, "p": honour.province.name},
            field="producer",
        )
    if honour.product_id is not None and not _lies_in(honour.product.location, province_ids):
        raise DomainError(
            _("Sản phẩm '%(n)s' không thuộc %(p)s.") % {"n": honour.product.name, "p": honour.province.name},
            field="product",
        )
    if honour.decision_date and not MIN_YEAR <= honour.decision_date.year <= MAX_YEAR:
        raise DomainError(
            _("Năm phải trong khoảng %(a)s–%(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}, field="decision_date"
        )
    _full_clean(honour, exclude=["province", "producer", "product"])


def _require_honour_manager(actor, honour):
    require(actor, HONOUR_ACTION, honour.province, _("Chỉ cán bộ tỉnh ghi tôn vinh của tỉnh mình."))


def create_honour(*, actor, **values) -> Honour:
    with transaction.atomic():
        honour = Honour(**values)
        honour.created_by = audit.acting_user(actor)
        if honour.province_id is not None:
            _require_honour_manager(actor, honour)
        _validate_honour(honour)
        honour.save()
        audit.record(
            actor=actor,
            action="programme.honour.created",
            obj=honour,
            area=honour.province,
            after=audit.snapshot(honour, HONOUR_FIELDS),
        )
    return honour


def update_honour(*, actor, honour: Honour, **values) -> Honour:
    with transaction.atomic():
        honour = Honour.objects.select_for_update(of=("self",)).select_related("province").get(pk=honour.pk)
        _require_honour_manager(actor, honour)
        before = audit.snapshot(honour, HONOUR_FIELDS)
        for name, value in values.items():
            setattr(honour, name, value)
        _validate_honour(honour)
        _require_honour_manager(actor, honour)
        honour.save()
        audit.record(
            actor=actor,
            action="programme.honour.updated",
            obj=honour,
            area=honour.province,
            before=before,
            after=audit.snapshot(honour, HONOUR_FIELDS),
        )
    return honour


def delete_honour(*, actor, honour: Honour) -> None:
    """An honour recorded by mistake; the audit entry keeps what it said."""
    with transaction.atomic():
        honour = Honour.objects.select_for_update(of=("self",)).select_related("province").get(pk=honour.pk)
        _require_honour_manager(actor, honour)
        before = audit.snapshot(honour, HONOUR_FIELDS)
        label, pk, province = str(honour), honour.pk, honour.province
        honour.delete()
        audit.record(
            actor=actor,
            action="programme.honour.deleted",
            object_type_label=audit.object_type(Honour()),
            object_id=pk,
            label=label,
            area=province,
            before=before,
        )
