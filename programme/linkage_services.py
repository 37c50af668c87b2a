"""Writes to linkage projects, their partners and yearly results, investment projects and raw-material areas
(DESIGN.md rule 1: one transaction, the actor's permission and area checked here, an audit entry with the change)."""

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
from core.forms import date_range_message, in_date_range
from programme.models import (
    InvestmentProject,
    LinkagePartner,
    LinkageProject,
    LinkageResult,
    LinkageStatus,
    RawMaterialArea,
    RawMaterialAreaYear,
)
from programme.models.linkages import MAX_YEAR, MIN_YEAR

MANAGE = "programme.manage_linkages"

PROJECT_FIELDS = [
    "name",
    "province",
    "lead",
    "lead_name",
    "product_text",
    "area_ha",
    "households",
    "contracted_output",
    "contract_value",
    "contract_start",
    "contract_end",
    "approval_no",
    "approval_date",
    "support_approved",
    "note",
]
PARTNER_FIELDS = [
    "producer",
    "name",
    "kind",
    "commune",
    "households",
    "area_ha",
    "contract_no",
    "contract_date",
    "note",
]
RESULT_FIELDS = ["area_ha", "output", "output_unit", "value", "households", "note"]
INVESTMENT_FIELDS = [
    "name",
    "province",
    "investor",
    "investor_name",
    "crop",
    "planned_area_ha",
    "planted_area_ha",
    "stage",
    "decision_no",
    "decision_date",
    "note",
]
RAW_AREA_FIELDS = [
    "product",
    "name",
    "area_ha",
    "certification",
    "certificate_no",
    "certified_until",
    "linkage_project",
    "investment_project",
    "note",
]
RAW_YEAR_FIELDS = ["area_ha", "output_tonnes", "households", "note"]


# --- shared checks ---------------------------------------------------------------------------------------------------


def _user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _require_manager(actor, unit, message=None):
    require(actor, MANAGE, unit, message or _("Bản ghi này nằm ngoài địa bàn bạn được giao quản lý."))


def _full_clean(obj, exclude=()):
    """The model's own field rules (bounds, choices, lengths, dates ordered) as one refusal on the first bad field."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError("; ".join(messages), field=None if field == "__all__" else field) from exc


def _check_dates(obj, *names):
    """Dates a person may type (settings.DATE_INPUT_MIN/MAX): 0001-01-01 or 9999-12-31 is a typo, here as in forms."""
    for name in names:
        value = getattr(obj, name)
        if value is not None and not in_date_range(value):
            raise DomainError(date_range_message(), field=name)


def _squash(text) -> str:
    return " ".join((text or "").split())


def _check_year(year):
    if year is None or not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise DomainError(
            _("Năm phải trong khoảng %(a)s–%(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR},
            field="year",
        )
    return int(year)


def _whole_dong(value, field):
    if value is not None and decimal.Decimal(value) != decimal.Decimal(value).to_integral_value():
        raise DomainError(_("Số tiền ghi bằng đồng, không có phần lẻ."), field=field)


def _check_province(unit):
    if unit is None or unit.level != Level.PROVINCE:
        raise DomainError(_("Tỉnh quản lý phải là một tỉnh, thành phố."), field="province")


def _province_ids(province) -> set[int]:
    """The province and its counterparts across the 2025 reform: a commune of either scheme lies in one of them."""
    return with_counterparts({province.pk})


def _check_communes(actor, province, communes, field="communes"):
    """Communes (either scheme) must lie in `province` and in the actor's area."""
    communes = list(communes or [])
    allowed = _province_ids(province)
    scope = area_scope(actor, MANAGE) if actor is not None else None
    for commune in communes:
        if commune.level != Level.COMMUNE:
            raise DomainError(_("'%(u)s' không phải là xã, phường.") % {"u": commune.name}, field=field)
        if commune.province_id not in allowed:
            raise DomainError(
                _("Xã '%(c)s' không thuộc %(p)s.") % {"c": commune.name, "p": province.name},
                field=field,
            )
        if scope is not None and not scope.contains(commune):
            raise PermissionRefused(_("Xã '%(c)s' nằm ngoài địa bàn bạn được giao quản lý.") % {"c": commune.name})
    return communes


def _check_products(actor, province, products):
    """Products must be located in `province` (either scheme) and in the actor's area."""
    products = list(products or [])
    allowed = _province_ids(province)
    scope = area_scope(actor, MANAGE) if actor is not None else None
    for product in products:
        location = product.location
        if location.province_id not in allowed and location.pk not in allowed:
            raise DomainError(
                _("Sản phẩm '%(s)s' không thuộc %(p)s.") % {"s": product.name, "p": province.name},
                field="products",
            )
        if scope is not None and not scope.contains(location):
            raise PermissionRefused(
                _("Sản phẩm '%(s)s' nằm ngoài địa bàn bạn được giao quản lý.") % {"s": product.name}
            )
    return products


def _check_visible_producer(actor, producer, field):
    """A producer named as lead, partner or investor must be one the actor can see (its register's scope)."""
    if producer is None or actor is None:
        return
    if not area_scope(actor, "producers.view").contains(producer.location):
        raise DomainError(_("Không tìm thấy chủ thể đã chọn."), field=field)


def _ids(objects):
    return sorted(o.pk for o in objects)


# --- linkage projects ------------------------------------------------------------------------------------------------


def _project_snapshot(project, communes=None, products=None):
    data = audit.snapshot(project, [*PROJECT_FIELDS, "status"])
    data["communes"] = _ids(project.communes.all() if communes is None else communes)
    data["products"] = _ids(project.products.all() if products is None else products)
    return data


def _validate_project(actor, project, communes, products):
    _check_province(project.province)
    _require_manager(actor, project.province, _("Dự án này nằm ngoài tỉnh bạn được giao quản lý."))
    project.name = _squash(project.name)
    project.lead_name = _squash(project.lead_name)
    if not project.name:
        raise DomainError(_("Hãy ghi tên dự án liên kết."), field="name")
    if project.lead_id is None and not project.lead_name:
        raise DomainError(_("Hãy chọn hoặc ghi tên đơn vị chủ trì liên kết."), field="lead")
    _check_visible_producer(actor, project.lead, "lead")
    if project.contract_start and project.contract_end and project.contract_end < project.contract_start:
        raise DomainError(_("Ngày kết thúc hợp đồng không được trước ngày bắt đầu."), field="contract_end")
    _check_dates(project, "contract_start", "contract_end", "approval_date")
    _whole_dong(project.support_approved, "support_approved")
    _whole_dong(project.contract_value, "contract_value")
    _full_clean(project, exclude=["province", "lead", "communes", "products"])
    return _check_communes(actor, project.province, communes), _check_products(actor, project.province, products)


def create_project(*, actor, communes=(), products=(), **values) -> LinkageProject:
    with transaction.atomic():
        project = LinkageProject(**values)
        project.created_by = _user_or_none(actor)
        communes, products = _validate_project(actor, project, communes, products)
        project.save()
        project.communes.set(communes)
        project.products.set(products)
        audit.record(
            actor=actor,
            action="programme.linkage.created",
            obj=project,
            area=project.province,
            after=_project_snapshot(project, communes, products),
        )
    return project


def update_project(*, actor, project: LinkageProject, communes=None, products=None, **values) -> LinkageProject:
    """Change a project's fields; `communes` / `products` None keep them as they are. Status changes go through
    change_status (their own audit action)."""
    values.pop("status", None)
    with transaction.atomic():
        project = LinkageProject.objects.select_for_update().select_related("province").get(pk=project.pk)
        _require_manager(actor, project.province, _("Dự án này nằm ngoài tỉnh bạn được giao quản lý."))
        before = _project_snapshot(project)
        for name, value in values.items():
            setattr(project, name, value)
        communes = list(project.communes.all()) if communes is None else communes
        products = list(project.products.select_related("location")) if products is None else products
        communes, products = _validate_project(actor, project, communes, products)
        project.save()
        project.communes.set(communes)
        project.products.set(products)
        audit.record(
            actor=actor,
            action="programme.linkage.updated",
            obj=project,
            area=project.province,
            before=before,
            after=_project_snapshot(project, communes, products),
        )
    return project


def change_status(*, actor, project: LinkageProject, status: str, note: str = "") -> LinkageProject:
    if status not in LinkageStatus.values:
        raise DomainError(_("Tình trạng không hợp lệ."), field="status")
    with transaction.atomic():
        project = LinkageProject.objects.select_for_update().select_related("province").get(pk=project.pk)
        _require_manager(actor, project.province, _("Dự án này nằm ngoài tỉnh bạn được giao quản lý."))
        if project.status == status:
            raise DomainError(_("Dự án đã ở tình trạng này."), field="status")
        before = {"status": project.status}
        project.status = status
        project.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="programme.linkage.status_changed",
            obj=project,
            area=project.province,
            before=before,
            after={"status": status, "note": _squash(note)[:500]},
        )
    return project


# --- partners --------------------------------------------------------------------------------------------------------


def _validate_partner(actor, partner, project):
    partner.name = _squash(partner.name)
    if partner.producer_id and not partner.name:
        partner.name = partner.producer.name
    if not partner.name:
        raise DomainError(_("Hãy ghi tên bên liên kết hoặc chọn chủ thể."), field="name")
    _check_visible_producer(actor, partner.producer, "producer")
    _check_dates(partner, "contract_date")
    if partner.commune_id:
        _check_communes(actor, project.province, [partner.commune], field="commune")
    _full_clean(partner, exclude=["project", "producer", "commune"])


def _locked_project(actor, project):
    project = LinkageProject.objects.select_for_update().select_related("province").get(pk=project.pk)
    _require_manager(actor, project.province, _("Dự án này nằm ngoài tỉnh bạn được giao quản lý."))
    return project


def add_partner(*, actor, project: LinkageProject, **values) -> LinkagePartner:
    with transaction.atomic():
        project = _locked_project(actor, project)
        partner = LinkagePartner(project=project, **values)
        _validate_partner(actor, partner, project)
        partner.save()
        audit.record(
            actor=actor,
            action="programme.linkage.partner_added",
            obj=partner,
            area=project.province,
            after=audit.snapshot(partner, ["project", *PARTNER_FIELDS]),
        )
    return partner


def update_partner(*, actor, partner: LinkagePartner, **values) -> LinkagePartner:
    with transaction.atomic():
        project = _locked_project(actor, partner.project)
        partner = LinkagePartner.objects.select_for_update().get(pk=partner.pk)
        before = audit.snapshot(partner, PARTNER_FIELDS)
        for name, value in values.items():
            setattr(partner, name, value)
        _validate_partner(actor, partner, project)
        partner.save()
        audit.record(
            actor=actor,
            action="programme.linkage.partner_updated",
            obj=partner,
            area=project.province,
            before=before,
            after=audit.snapshot(partner, PARTNER_FIELDS),
        )
    return partner


def remove_partner(*, actor, partner: LinkagePartner) -> None:
    with transaction.atomic():
        project = _locked_project(actor, partner.project)
        partner = LinkagePartner.objects.select_for_update().get(pk=partner.pk)
        before = audit.snapshot(partner, ["project", *PARTNER_FIELDS])
        label, pk = str(partner), partner.pk
        partner.delete()
        audit.record(
            actor=actor,
            action="programme.linkage.partner_removed",
            area=project.province,
            object_type_label="programme.linkagepartner",
            object_id=pk,
            label=label,
            before=before,
        )


# --- yearly results --------------------------------------------------------------------------------------------------


def record_result(*, actor, project: LinkageProject, year, **values) -> LinkageResult:
    """A project's results for `year`: creates the year's row, or corrects it (one row per project and year)."""
    with transaction.atomic():
        project = _locked_project(actor, project)
        year = _check_year(year)
        result = LinkageResult.objects.select_for_update().filter(project=project, year=year).first()
        before = audit.snapshot(result, RESULT_FIELDS) if result else None
        if result is None:
            result = LinkageResult(project=project, year=year)
        for name, value in values.items():
            setattr(result, name, value)
        result.output_unit = _squash(result.output_unit)
        if result.output is not None and not result.output_unit:
            raise DomainError(_("Hãy ghi đơn vị của sản lượng (ví dụ: tấn)."), field="output_unit")
        _whole_dong(result.value, "value")
        result.recorded_by = _user_or_none(actor)
        result.recorded_at = timezone.now()
        _full_clean(result, exclude=["project"])
        result.save()
        audit.record(
            actor=actor,
            action="programme.linkage.result_recorded",
            obj=result,
            area=project.province,
            before=before,
            after={"year": year, **audit.snapshot(result, RESULT_FIELDS)},
        )
    return result


# --- investment projects ---------------------------------------------------------------------------------------------


def _investment_snapshot(investment, communes=None):
    data = audit.snapshot(investment, INVESTMENT_FIELDS)
    data["communes"] = _ids(investment.communes.all() if communes is None else communes)
    return data


def _validate_investment(actor, investment, communes):
    _check_province(investment.province)
    _require_manager(actor, investment.province, _("Dự án này nằm ngoài tỉnh bạn được giao quản lý."))
    investment.name = _squash(investment.name)
    investment.investor_name = _squash(investment.investor_name)
    investment.crop = _squash(investment.crop)
    if not investment.name:
        raise DomainError(_("Hãy ghi tên dự án đầu tư."), field="name")
    if investment.investor_id is None and not investment.investor_name:
        raise DomainError(_("Hãy chọn hoặc ghi tên nhà đầu tư."), field="investor")
    _check_visible_producer(actor, investment.investor, "investor")
    _check_dates(investment, "decision_date")
    _full_clean(investment, exclude=["province", "investor", "communes"])
    return _check_communes(actor, investment.province, communes)


def create_investment(*, actor, communes=(), **values) -> InvestmentProject:
    with transaction.atomic():
        investment = InvestmentProject(**values)
        investment.created_by = _user_or_none(actor)
        communes = _validate_investment(actor, investment, communes)
        investment.save()
        investment.communes.set(communes)
        audit.record(
            actor=actor,
            action="programme.investment.created",
            obj=investment,
            area=investment.province,
            after=_investment_snapshot(investment, communes),
        )
    return investment


def update_investment(*, actor, investment: InvestmentProject, communes=None, **values) -> InvestmentProject:
    with transaction.atomic():
        investment = InvestmentProject.objects.select_for_update().select_related("province").get(pk=investment.pk)
        _require_manager(actor, investment.province, _("Dự án này nằm ngoài tỉnh bạn được giao quản lý."))
        before = _investment_snapshot(investment)
        for name, value in values.items():
            setattr(investment, name, value)
        communes = list(investment.communes.all()) if communes is None else communes
        communes = _validate_investment(actor, investment, communes)
        investment.save()
        investment.communes.set(communes)
        audit.record(
            actor=actor,
            action="programme.investment.updated",
            obj=investment,
            area=investment.province,
            before=before,
            after=_investment_snapshot(investment, communes),
        )
    return investment


# --- raw-material areas ----------------------------------------------------------------------------------------------


def _raw_area_snapshot(raw_area, communes=None):
    data = audit.snapshot(raw_area, RAW_AREA_FIELDS)
    data["communes"] = _ids(raw_area.communes.all() if communes is None else communes)
    return data


def _validate_raw_area(actor, raw_area, communes):
    product = raw_area.product
    if product is None:
        raise DomainError(_("Hãy chọn sản phẩm."), field="product")
    _require_manager(actor, product.location, _("Sản phẩm này nằm ngoài địa bàn bạn được giao quản lý."))
    province = product.location.province or product.location
    raw_area.name = _squash(raw_area.name)
    raw_area.certificate_no = _squash(raw_area.certificate_no)
    if not raw_area.name:
        raise DomainError(_("Hãy ghi tên vùng nguyên liệu."), field="name")
    _check_dates(raw_area, "certified_until")
    allowed = _province_ids(province)
    for field in ("linkage_project", "investment_project"):
        project = getattr(raw_area, field)
        if project is not None and project.province_id not in allowed:
            raise DomainError(
                _("Dự án '%(d)s' không thuộc tỉnh của sản phẩm.") % {"d": project.name},
                field=field,
            )
    _full_clean(raw_area, exclude=["product", "communes", "linkage_project", "investment_project"])
    return _check_communes(actor, province, communes)


def create_raw_area(*, actor, communes=(), **values) -> RawMaterialArea:
    with transaction.atomic():
        raw_area = RawMaterialArea(**values)
        raw_area.created_by = _user_or_none(actor)
        communes = _validate_raw_area(actor, raw_area, communes)
        raw_area.save()
        raw_area.communes.set(communes)
        audit.record(
            actor=actor,
            action="programme.raw_area.created",
            obj=raw_area,
            area=raw_area.product.location,
            after=_raw_area_snapshot(raw_area, communes),
        )
    return raw_area


def update_raw_area(*, actor, raw_area: RawMaterialArea, communes=None, **values) -> RawMaterialArea:
    with transaction.atomic():
        raw_area = RawMaterialArea.objects.select_for_update().select_related("product__location").get(pk=raw_area.pk)
        _require_manager(actor, raw_area.product.location)
        before = _raw_area_snapshot(raw_area)
        for name, value in values.items():
            setattr(raw_area, name, value)
        communes = list(raw_area.communes.all()) if communes is None else communes
        communes = _validate_raw_area(actor, raw_area, communes)
        raw_area.save()
        raw_area.communes.set(communes)
        audit.record(
            actor=actor,
            action="programme.raw_area.updated",
            obj=raw_area,
            area=raw_area.product.location,
            before=before,
            after=_raw_area_snapshot(raw_area, communes),
        )
    return raw_area


def record_raw_area_year(*, actor, raw_area: RawMaterialArea, year, **values) -> RawMaterialAreaYear:
    """A raw-material area's figures for `year`: creates the year's row, or corrects it."""
    with transaction.atomic():
        raw_area = RawMaterialArea.objects.select_for_update().select_related("product__location").get(pk=raw_area.pk)
        _require_manager(actor, raw_area.product.location)
        year = _check_year(year)
        row = RawMaterialAreaYear.objects.select_for_update().filter(raw_area=raw_area, year=year).first()
        before = audit.snapshot(row, RAW_YEAR_FIELDS) if row else None
        if row is None:
            row = RawMaterialAreaYear(raw_area=raw_area, year=year)
        for name, value in values.items():
            setattr(row, name, value)
        row.recorded_by = _user_or_none(actor)
        row.recorded_at = timezone.now()
        _full_clean(row, exclude=["raw_area"])
        row.save()
        audit.record(
            actor=actor,
            action="programme.raw_area.year_recorded",
            obj=row,
            area=raw_area.product.location,
            before=before,
            after={"year": year, **audit.snapshot(row, RAW_YEAR_FIELDS)},
        )
    return row
