"""Writes to the yearly monitoring reports (one transaction, permission and area checked here, audited).

Who: the producer linked to the product, or an officer holding programme.report_monitoring where the product lies,
writes and submits a report; the province (programme.approve_monitoring) returns it with a reason, approves it, or
reopens an approved one with a reason. Only a product certified during the year may have a report for it, and the
year may not be in the future. The province's officers are told of a submission, the reporter of the decision.
"""

import decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.roles import Role
from accounts.scope import area_scope
from core import audit
from core.concurrency import check_version, refuse_duplicate
from core.errors import DomainError, PermissionRefused
from notifications.services import Message, notify, notify_many
from programme.models import MAX_REPORT_YEAR, MIN_REPORT_YEAR, MonitoringReport, ReportStatus
from programme.models.monitoring import MAX_AREA_HA, MAX_MONEY, MAX_PEOPLE, MAX_QUANTITY
from programme.monitoring_queries import APPROVE, is_certified_in_year, may_approve, may_report

FIGURE_FIELDS = [
    "output_quantity",
    "output_unit",
    "revenue",
    "average_price",
    "employees",
    "employees_ethnic_minority",
    "employees_women",
    "raw_material_area_ha",
    "households_linked",
    "markets",
    "channels",
    "problems",
]
REQUIRED_FIELDS = {"output_quantity", "output_unit", "revenue"}
COUNT_FIELDS = ["employees", "employees_ethnic_minority", "employees_women", "households_linked"]
TEXT_LIMITS = {"output_unit": 30, "markets": 2000, "channels": 2000, "problems": 5000}
AUDIT_FIELDS = ["year", "status", *FIGURE_FIELDS]
KIND_SUBMITTED = "programme.monitoring.submitted"
KIND_DECIDED = "programme.monitoring.decided"


def _today():
    return timezone.localdate()


def _require_reporter(actor, product):
    if not may_report(actor, product):
        raise PermissionRefused(
            _("Bạn không được lập báo cáo cho sản phẩm này: chỉ chủ thể của sản phẩm, cán bộ xã, tỉnh nơi có sản phẩm.")
        )


def _require_approver(actor, product):
    if not may_approve(actor, product):
        raise PermissionRefused(_("Chỉ cán bộ tỉnh nơi có sản phẩm được duyệt, trả lại hoặc mở lại báo cáo."))


def _check_year(product, year, today):
    if not isinstance(year, int) or not MIN_REPORT_YEAR <= year <= MAX_REPORT_YEAR:
        raise DomainError(
            _("Năm báo cáo phải trong khoảng %(a)s–%(b)s.") % {"a": MIN_REPORT_YEAR, "b": MAX_REPORT_YEAR},
            field="year",
        )
    if year > today.year:
        raise DomainError(_("Chưa thể báo cáo cho năm %(y)s: năm này chưa đến.") % {"y": year}, field="year")
    if not is_certified_in_year(product, year):
        raise DomainError(
            _(
                "Sản phẩm '%(p)s' không có giấy chứng nhận OCOP còn hiệu lực trong năm %(y)s nên không lập báo cáo "
                "sau công nhận cho năm này."
            )
            % {"p": product.name, "y": year},
            field="year",
        )


def _number(value, field, *, label, high, integral=False):
    if value is None or value == "":
        return None
    try:
        number = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        raise DomainError(_("%(f)s: '%(v)s' không phải là số.") % {"f": label, "v": value}, field=field) from None
    if not number.is_finite():
        raise DomainError(_("%(f)s: '%(v)s' không phải là số.") % {"f": label, "v": value}, field=field)
    if number < 0:
        raise DomainError(_("%(f)s không được âm.") % {"f": label}, field=field)
    if number > high:
        raise DomainError(_("%(f)s quá lớn: hãy kiểm tra lại số chữ số.") % {"f": label}, field=field)
    if integral and number != number.to_integral_value():
        raise DomainError(_("%(f)s ghi số nguyên, không có phần lẻ.") % {"f": label}, field=field)
    return number


def clean_figures(values: dict) -> dict:
    """The report's figures checked and normalised, or DomainError on the first field that is wrong."""
    labels = {name: str(MonitoringReport._meta.get_field(name).verbose_name).capitalize() for name in FIGURE_FIELDS}
    data = {}
    for name in REQUIRED_FIELDS:
        value = values.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise DomainError(_("%(f)s: bắt buộc, đang để trống.") % {"f": labels[name]}, field=name)
    data["output_quantity"] = _number(
        values.get("output_quantity"), "output_quantity", label=labels["output_quantity"], high=MAX_QUANTITY
    ).quantize(decimal.Decimal("0.001"), rounding=decimal.ROUND_HALF_UP)
    for name in ("revenue", "average_price"):
        data[name] = _number(values.get(name), name, label=labels[name], high=MAX_MONEY, integral=True)
    area = _number(
        values.get("raw_material_area_ha"),
        "raw_material_area_ha",
        label=labels["raw_material_area_ha"],
        high=MAX_AREA_HA,
    )
    data["raw_material_area_ha"] = (
        area.quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP) if area is not None else None
    )
    for name in COUNT_FIELDS:
        number = _number(values.get(name), name, label=labels[name], high=MAX_PEOPLE, integral=True)
        data[name] = int(number) if number is not None else 0
    for part in ("employees_ethnic_minority", "employees_women"):
        if data[part] > data["employees"]:
            raise DomainError(
                _("%(f)s (%(n)s) không được lớn hơn tổng số lao động (%(t)s).")
                % {"f": labels[part], "n": data[part], "t": data["employees"]},
                field=part,
            )
    for name, limit in TEXT_LIMITS.items():
        text = " ".join(str(values.get(name) or "").split()) if name == "output_unit" else str(values.get(name) or "")
        text = text.strip()
        if len(text) > limit:
            raise DomainError(_("%(f)s dài quá %(n)s ký tự.") % {"f": labels[name], "n": limit}, field=name)
        data[name] = text
    return data


def _area(report):
    return report.product.location


def _locked(report):
    return (
        MonitoringReport.objects.select_for_update()
        .select_related("product__location", "product__producer")
        .get(pk=report.pk)
    )


def save_report(*, actor, product, year: int, values: dict, version=None, today=None) -> MonitoringReport:
    """Create the product's draft for `year`, or update its draft or returned report with `values` (the figures)."""
    today = today or _today()
    with transaction.atomic():
        _require_reporter(actor, product)
        _check_year(product, year, today)
        figures = clean_figures(values)
        existing = MonitoringReport.objects.select_for_update().filter(product=product, year=year).first()
        if existing is None:
            report = MonitoringReport(product=product, year=year, created_by=audit.acting_user(actor), **figures)
            with refuse_duplicate(
                _("Sản phẩm này đã có báo cáo năm %(y)s (vừa được người khác lập).") % {"y": year}, field="year"
            ):
                report.save()
            audit.record(
                actor=actor,
                action="programme.monitoring.created",
                obj=report,
                area=product.location,
                after=audit.snapshot(report, AUDIT_FIELDS),
            )
            return report
        report = existing
        if not report.is_editable:
            raise DomainError(
                _("Báo cáo năm %(y)s đang ở tình trạng “%(s)s”, không sửa được.")
                % {"y": year, "s": report.get_status_display()}
            )
        check_version(report, version)
        before = audit.snapshot(report, AUDIT_FIELDS)
        for name, value in figures.items():
            setattr(report, name, value)
        report.updated_at = timezone.now()
        report.version += 1
        report.save()
        audit.record(
            actor=actor,
            action="programme.monitoring.updated",
            obj=report,
            area=product.location,
            before=before,
            after=audit.snapshot(report, AUDIT_FIELDS),
        )
    return report


def _province_officers(product):
    """Active accounts that may approve this product's reports (province officers of its province)."""
    memberships = (
        Membership.objects.active()
        .filter(role=Role.PROVINCE_OFFICER, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    users = {m.user_id: m.user for m in memberships}
    return [u for u in users.values() if area_scope(u, APPROVE).contains(product.location)]


def submit_report(*, actor, report: MonitoringReport, today=None) -> MonitoringReport:
    today = today or _today()
    with transaction.atomic():
        report = _locked(report)
        _require_reporter(actor, report.product)
        if not report.is_editable:
            raise DomainError(
                _("Chỉ gửi được báo cáo đang lập hoặc bị trả lại (báo cáo này: “%(s)s”).")
                % {"s": report.get_status_display()}
            )
        _check_year(report.product, report.year, today)
        clean_figures({name: getattr(report, name) for name in FIGURE_FIELDS})
        report.status = ReportStatus.SUBMITTED
        report.submitted_by = audit.acting_user(actor)
        report.submitted_at = timezone.now()
        report.version += 1
        report.save(update_fields=["status", "submitted_by", "submitted_at", "version"])
        audit.record(
            actor=actor,
            action="programme.monitoring.submitted",
            obj=report,
            area=_area(report),
            after={"status": report.status},
        )
        url = report.get_absolute_url()
        with translation.override(settings.LANGUAGE_CODE):
            facts = {"p": report.product.name, "c": report.product.producer.name, "y": report.year}
            title = _("Báo cáo sau công nhận năm %(y)s chờ duyệt: %(p)s") % facts
            body = _("%(c)s đã gửi báo cáo sản xuất, kinh doanh năm %(y)s của sản phẩm %(p)s.") % facts
        key = f"{KIND_SUBMITTED}:{report.pk}:{report.version}"
        notify_many([Message(u, KIND_SUBMITTED, title, body, url, key) for u in _province_officers(report.product)])
    return report


def _tell_reporter(report, title, body):
    if report.submitted_by is None:
        return
    notify(
        user=report.submitted_by,
        kind=KIND_DECIDED,
        title=title,
        body=body,
        url=report.get_absolute_url(),
        dedupe_key=f"{KIND_DECIDED}:{report.pk}:{report.version}",
    )


def _reason(reason, field="reason"):
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Hãy ghi lý do để người lập báo cáo biết cần sửa gì."), field=field)
    if len(reason) > 2000:
        raise DomainError(_("Lý do dài quá 2000 ký tự."), field=field)
    return reason


def return_report(*, actor, report: MonitoringReport, reason: str) -> MonitoringReport:
    with transaction.atomic():
        report = _locked(report)
        _require_approver(actor, report.product)
        if report.status != ReportStatus.SUBMITTED:
            raise DomainError(_("Chỉ trả lại được báo cáo đang chờ duyệt."))
        reason = _reason(reason)
        report.status = ReportStatus.RETURNED
        report.return_reason = reason
        report.version += 1
        report.save(update_fields=["status", "return_reason", "version"])
        audit.record(
            actor=actor,
            action="programme.monitoring.returned",
            obj=report,
            area=_area(report),
            after={"status": report.status, "return_reason": reason},
        )
        with translation.override(settings.LANGUAGE_CODE):
            facts = {"p": report.product.name, "y": report.year, "r": reason}
            title = _("Báo cáo năm %(y)s của %(p)s bị trả lại") % facts
            body = _("Tỉnh trả lại báo cáo năm %(y)s của sản phẩm %(p)s. Lý do: %(r)s") % facts
        _tell_reporter(report, title, body)
    return report


def approve_report(*, actor, report: MonitoringReport) -> MonitoringReport:
    with transaction.atomic():
        report = _locked(report)
        _require_approver(actor, report.product)
        if report.status != ReportStatus.SUBMITTED:
            raise DomainError(_("Chỉ duyệt được báo cáo đang chờ duyệt."))
        report.status = ReportStatus.APPROVED
        report.approved_by = audit.acting_user(actor)
        report.approved_at = timezone.now()
        report.return_reason = ""
        report.version += 1
        report.save(update_fields=["status", "approved_by", "approved_at", "return_reason", "version"])
        audit.record(
            actor=actor,
            action="programme.monitoring.approved",
            obj=report,
            area=_area(report),
            after={"status": report.status},
        )
        with translation.override(settings.LANGUAGE_CODE):
            facts = {"p": report.product.name, "y": report.year}
            title = _("Báo cáo năm %(y)s của %(p)s đã được duyệt") % facts
            body = _("Tỉnh đã duyệt báo cáo sản xuất, kinh doanh năm %(y)s của sản phẩm %(p)s.") % facts
        _tell_reporter(report, title, body)
    return report


def reopen_report(*, actor, report: MonitoringReport, reason: str) -> MonitoringReport:
    """An approved report goes back to its reporter (status returned, with the reason) to be corrected."""
    with transaction.atomic():
        report = _locked(report)
        _require_approver(actor, report.product)
        if report.status != ReportStatus.APPROVED:
            raise DomainError(_("Chỉ mở lại được báo cáo đã duyệt."))
        reason = _reason(reason)
        report.status = ReportStatus.RETURNED
        report.return_reason = reason
        report.approved_by, report.approved_at = None, None
        report.version += 1
        report.save(update_fields=["status", "return_reason", "approved_by", "approved_at", "version"])
        audit.record(
            actor=actor,
            action="programme.monitoring.reopened",
            obj=report,
            area=_area(report),
            after={"status": report.status, "return_reason": reason},
        )
        with translation.override(settings.LANGUAGE_CODE):
            facts = {"p": report.product.name, "y": report.year, "r": reason}
            title = _("Báo cáo năm %(y)s của %(p)s được mở lại để sửa") % facts
            body = _("Tỉnh mở lại báo cáo năm %(y)s của sản phẩm %(p)s để sửa. Lý do: %(r)s") % facts
        _tell_reporter(report, title, body)
    return report
