"""Writes to the support ledger (DESIGN.md rule 1: one transaction, the actor's permission and area, an audit entry).

Only a holder of programme.manage_funding in the line's province writes; every beneficiary (product, producer,
commune, linkage project) must lie in that province, in either boundary scheme, and in the actor's scope.
"""

import decimal
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scope import area_scope, require
from areas.choices import Level, Scheme
from areas.filters import with_counterparts
from core import audit
from core.errors import DomainError, PermissionRefused
from core.forms import date_range_message, in_date_range
from programme.models import MAX_SUPPORT_AMOUNT, SUPPORT_PLACE_FIELDS, SupportLine

ACTION = "programme.manage_funding"
SUPPORT_FIELDS = [
    "province",
    "year",
    "producer",
    "product",
    "linkage_project",
    "commune",
    "plan_line",
    "purpose",
    "source",
    "supporter",
    "amount_planned",
    "amount_disbursed",
    "disbursed_on",
    "decision_no",
    "decision_date",
    "note",
]
MIN_YEAR, MAX_YEAR = 2018, 2100


def _full_clean(line):
    try:
        line.full_clean(
            exclude=["province", "producer", "product", "linkage_project", "commune", "plan_line"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError("; ".join(messages), field=None if field == "__all__" else field) from exc


def clean_amount(value, field: str):
    """An amount in đồng: whole, not negative, not beyond MAX_SUPPORT_AMOUNT; None stays None ("chưa xác định")."""
    if value is None or value == "":
        return None
    try:
        value = decimal.Decimal(value)
    except (decimal.InvalidOperation, TypeError, ValueError) as exc:
        raise DomainError(_("Số tiền không hợp lệ."), field=field) from exc
    if not value.is_finite():
        raise DomainError(_("Số tiền không hợp lệ."), field=field)
    if value < 0:
        raise DomainError(_("Số tiền không được âm."), field=field)
    if value > MAX_SUPPORT_AMOUNT:
        raise DomainError(_("Số tiền quá lớn: hãy kiểm tra lại số chữ số."), field=field)
    if value != value.to_integral_value():
        raise DomainError(_("Số tiền ghi bằng đồng, không có phần lẻ."), field=field)
    return value


def _in_province(unit, province_ids) -> bool:
    return unit is not None and (unit.pk in province_ids or unit.province_id in province_ids)


def place_of(line):
    """The unit where the line's support lands: the product's commune, else the producer's, else the commune, else
    the linkage project's province."""
    if line.product_id:
        return line.product.location
    if line.producer_id:
        return line.producer.location
    if line.commune_id:
        return line.commune
    if line.linkage_project_id:
        return line.linkage_project.province
    if line.plan_line_id:
        return line.plan_line.commune or line.plan_line.plan.area
    return None


def _province_places(unit) -> dict:
    """The place fields of a line placed at a province: that province in its scheme, and its one counterpart in the
    other scheme when there is exactly one (a merger's parts are not split between provinces here)."""
    others = sorted(with_counterparts({unit.pk}) - {unit.pk})
    other = others[0] if len(others) == 1 else None
    places = dict.fromkeys(f"{name}_id" for name in SUPPORT_PLACE_FIELDS)
    if unit.scheme == Scheme.PRE2025:
        places.update(old_province_id=unit.pk, new_province_id=other)
    else:
        places.update(new_province_id=unit.pk, old_province_id=other)
    return places


def compute_line_places(line) -> dict:
    """{place_id, old_commune_id, …} for the line, as products.placement places a product."""
    from products.placement import compute_places

    place = place_of(line)
    places = {"place_id": place.pk if place else None}
    if line.product_id:  # the product's own placement (its chosen successor commune included)
        places.update({f"{name}_id": getattr(line.product, f"{name}_id") for name in SUPPORT_PLACE_FIELDS})
    elif place is None:
        places.update(dict.fromkeys(f"{name}_id" for name in SUPPORT_PLACE_FIELDS))
    elif place.level == Level.PROVINCE:
        places.update(_province_places(place))
    elif place.level == Level.DISTRICT:
        places.update(dict.fromkeys(f"{name}_id" for name in SUPPORT_PLACE_FIELDS))
        places.update(old_district_id=place.pk, old_province_id=place.province_id)
    else:
        shim = SimpleNamespace(pk=0, location_id=place.pk, current_location_id=None)
        places.update(compute_places([shim])[0])
    return places


def _validate(line, actor):
    province = line.province
    if province is None or province.level != Level.PROVINCE:
        raise DomainError(_("Tỉnh ghi nhận phải là một tỉnh, thành phố."), field="province")
    require(actor, ACTION, province, _("Bạn không được giao quản lý kinh phí hỗ trợ của tỉnh này."))
    # a plan line names a product not registered yet (the seeds' "3 sản phẩm huyện hỗ trợ"): it may stand for it
    if not (line.producer_id or line.product_id or line.linkage_project_id or line.commune_id or line.plan_line_id):
        raise DomainError(
            _("Hãy chọn đối tượng được hỗ trợ: chủ thể, sản phẩm, dự án liên kết, xã hoặc sản phẩm trong kế hoạch."),
            field="producer",
        )
    if line.product_id:
        if line.producer_id and line.producer_id != line.product.producer_id:
            raise DomainError(
                _("Sản phẩm '%(p)s' không thuộc chủ thể '%(c)s'.") % {"p": line.product.name, "c": line.producer.name},
                field="producer",
            )
        line.producer = line.product.producer
    if line.commune_id and line.commune.level != Level.COMMUNE:
        raise DomainError(_("Hãy chọn một đơn vị cấp xã."), field="commune")
    if not (MIN_YEAR <= (line.year or 0) <= MAX_YEAR):
        raise DomainError(_("Năm phải từ %(a)s đến %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}, field="year")
    line.amount_planned = clean_amount(line.amount_planned, "amount_planned")
    line.amount_disbursed = clean_amount(line.amount_disbursed, "amount_disbursed")
    for name in ("disbursed_on", "decision_date"):  # the API passes dates without the forms' range check
        day = getattr(line, name)
        if day is not None and not in_date_range(day):
            raise DomainError(date_range_message(), field=name)
    line.decision_no = " ".join((line.decision_no or "").split())
    line.note = (line.note or "").strip()
    _full_clean(line)
    ids = with_counterparts({province.pk})
    outside = _("%(what)s '%(name)s' không thuộc %(province)s.")
    checks = [
        ("product", line.product.location if line.product_id else None, _("Sản phẩm")),
        ("producer", line.producer.location if line.producer_id else None, _("Chủ thể")),
        ("commune", line.commune if line.commune_id else None, _("Xã")),
        (
            "linkage_project",
            line.linkage_project.province if line.linkage_project_id else None,
            _("Dự án liên kết"),
        ),
        ("plan_line", line.plan_line.plan.area if line.plan_line_id else None, _("Kế hoạch")),
    ]
    scope = area_scope(actor, ACTION) if actor is not None else None
    for field, unit, what in checks:
        if unit is None:
            continue
        name = str(getattr(line, field))
        if not _in_province(unit, ids):
            raise DomainError(outside % {"what": what, "name": name, "province": province.name}, field=field)
        if scope is not None and not scope.contains(unit):
            raise PermissionRefused(
                _("%(what)s '%(name)s' nằm ngoài địa bàn bạn được giao.") % {"what": what, "name": name}
            )
    if line.plan_line_id and not _in_province(line.plan_line.plan.area, ids):
        raise DomainError(_("Dòng kế hoạch này không thuộc kế hoạch của tỉnh."), field="plan_line")
    for name, value in compute_line_places(line).items():
        setattr(line, name, value)


def _snapshot(line):
    return audit.snapshot(line, SUPPORT_FIELDS)


def create_support(*, actor, **values) -> SupportLine:
    with transaction.atomic():
        line = SupportLine(**values)
        line.created_by = actor if getattr(actor, "is_authenticated", False) else None
        _validate(line, actor)
        line.save()
        audit.record(
            actor=actor, action="programme.support.created", obj=line, area=line.province, after=_snapshot(line)
        )
    return line


def _locked(line):
    return SupportLine.objects.select_for_update().select_related("province").get(pk=line.pk)


def update_support(*, actor, line: SupportLine, **values) -> SupportLine:
    with transaction.atomic():
        line = _locked(line)
        require(actor, ACTION, line.province, _("Bạn không được giao quản lý kinh phí hỗ trợ của tỉnh này."))
        before = _snapshot(line)
        for name, value in values.items():
            setattr(line, name, value)
        _validate(line, actor)  # the new province and beneficiaries must be the actor's too
        line.save()
        audit.record(
            actor=actor,
            action="programme.support.updated",
            obj=line,
            area=line.province,
            before=before,
            after=_snapshot(line),
        )
    return line


def remove_support(*, actor, line: SupportLine) -> None:
    with transaction.atomic():
        line = _locked(line)
        require(actor, ACTION, line.province, _("Bạn không được giao quản lý kinh phí hỗ trợ của tỉnh này."))
        before = _snapshot(line)
        label, pk, province = str(line), line.pk, line.province
        line.delete()
        audit.record(
            actor=actor,
            action="programme.support.removed",
            object_type_label=SupportLine._meta.label_lower,
            object_id=pk,
            label=label,
            area=province,
            before=before,
        )
