"""Pages of the yearly monitoring reports: list, form, detail and decisions, the due page, the watch list, the
upload of the spreadsheet import, and the product page's section.

Thin views: they find the object in the user's scope (404 outside), call programme.monitoring_services and put a
refusal on the field it names (or in a message for the buttons).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import audit
from core.errors import DomainError
from core.forms import add_domain_error
from core.htmx import page_or_partial
from core.scoping import get_in_scope_or_404
from programme import monitoring_exports, monitoring_services
from programme.channel_queries import public_channels
from programme.models import MonitoringReport, ReportStatus
from programme.monitoring_flags import flags_for
from programme.monitoring_forms import (
    DueFilter,
    MonitoringImportForm,
    ReasonForm,
    ReportFilter,
    ReportForm,
    WatchFilter,
)
from programme.monitoring_imports import REPORT_COLUMNS
from programme.monitoring_queries import (
    APPROVE,
    MISSING,
    REPORT,
    VIEW,
    due_counts,
    due_date,
    due_products,
    filter_reports,
    is_certified_in_year,
    may_approve,
    may_report,
    product_reports,
    reportable_products,
    reports_for,
    viewable_products,
    watch_products,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def _require(request, action):
    if not request.user.has_perm(action):
        raise PermissionDenied


def _related(qs):
    return qs.select_related("product__producer", "product__location", "submitted_by", "approved_by")


@login_required
def monitoring_list(request):
    _require(request, VIEW)
    filters = ReportFilter(request.GET or None)
    qs = filter_reports(
        _related(reports_for(request.user)),
        year=filters.value("year"),
        area=filters.value("area"),
        status=filters.value("status"),
    ).order_by("-year", "product__search_name", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return page_or_partial(
        request,
        "programme/monitoring/list.html",
        {"filters": filters, "page": page, "can_report": request.user.has_perm(REPORT)},
        "results",
    )


def _year_param(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _channels(product):
    return public_channels([product.pk])[product.pk]


@login_required
def monitoring_create(request):
    """New report for ?product=<id>&year=<y>; an existing one for that year opens instead."""
    _require(request, REPORT)
    year = _year_param(request.GET.get("year")) or timezone.localdate().year - 1
    if not request.GET.get("product"):  # no product named yet: choose one of those still to report for the year
        choices = due_products(request.user, year=year, state=MISSING)[:500]
        return render(request, "programme/monitoring/choose.html", {"year": year, "products": choices})
    product = get_in_scope_or_404(
        reportable_products(request.user).select_related("producer", "location"),
        pk=_year_param(request.GET.get("product")),
    )
    existing = MonitoringReport.objects.filter(product=product, year=year).first()
    if existing is not None:
        return redirect(
            "programme:monitoring_edit" if existing.is_editable else "programme:monitoring_detail", existing.pk
        )
    problem = ""
    if not is_certified_in_year(product, year):
        problem = _("Sản phẩm '%(p)s' không có giấy chứng nhận OCOP còn hiệu lực trong năm %(y)s.") % {
            "p": product.name,
            "y": year,
        }
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = monitoring_services.save_report(
                actor=request.user, product=product, year=year, values=form.values()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu báo cáo năm %(y)s (chưa gửi tỉnh).") % {"y": year})
            return redirect(report)
    return render(
        request,
        "programme/monitoring/form.html",
        {"form": form, "product": product, "year": year, "problem": problem, "channels": _channels(product)},
    )


def _reporters_report(request, pk):
    _require(request, REPORT)
    qs = MonitoringReport.objects.filter(product__in=reportable_products(request.user).values("pk"))
    return get_in_scope_or_404(_related(qs), pk=pk)


@login_required
def monitoring_detail(request, pk):
    _require(request, VIEW)
    report = get_in_scope_or_404(_related(reports_for(request.user)), pk=pk)
    reporter = may_report(request.user, report.product)
    approver = may_approve(request.user, report.product)
    return render(
        request,
        "programme/monitoring/detail.html",
        {
            "report": report,
            "product": report.product,
            "due": due_date(report.year),
            "can_edit": reporter and report.is_editable,
            "can_decide": approver and report.status == ReportStatus.SUBMITTED,
            "can_reopen": approver and report.status == ReportStatus.APPROVED,
            "reason_form": ReasonForm(),
            "channels": _channels(report.product),
            "flags": flags_for([report.product_id], timezone.localdate()).get(report.product_id, []),
            "history": audit.history(report, request.user)[:50] if reporter or approver else [],
        },
    )


@login_required
def monitoring_edit(request, pk):
    report = _reporters_report(request, pk)
    if not report.is_editable:
        messages.error(request, _("Báo cáo này đã gửi hoặc đã duyệt, không sửa được."))
        return redirect(report)
    initial = {name: getattr(report, name) for name in monitoring_services.FIGURE_FIELDS}
    initial["version"] = report.version
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = monitoring_services.save_report(
                actor=request.user,
                product=report.product,
                year=report.year,
                values=form.values(),
                version=form.cleaned_data.get("version"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu báo cáo."))
            return redirect(report)
    return render(
        request,
        "programme/monitoring/form.html",
        {
            "form": form,
            "report": report,
            "product": report.product,
            "year": report.year,
            "channels": _channels(report.product),
        },
    )


def _act(request, report, call, done: str):
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(report)


@login_required
@require_POST
def monitoring_submit(request, pk):
    report = _reporters_report(request, pk)
    return _act(
        request,
        report,
        lambda: monitoring_services.submit_report(actor=request.user, report=report),
        _("Đã gửi báo cáo cho tỉnh duyệt."),
    )


def _approvers_report(request, pk):
    _require(request, APPROVE)
    return get_in_scope_or_404(_related(MonitoringReport.objects.for_user(request.user, APPROVE)), pk=pk)


def _reason(request, report):
    form = ReasonForm(request.POST)
    if form.is_valid():
        return form.cleaned_data["reason"]
    if request.POST.get("reason", "").strip() and form.errors.get("reason"):
        messages.error(request, form.errors["reason"][0])
    else:
        messages.error(request, _("Hãy ghi lý do để người lập báo cáo biết cần sửa gì."))
    return None


@login_required
@require_POST
def monitoring_return(request, pk):
    report = _approvers_report(request, pk)
    reason = _reason(request, report)
    if reason is None:
        return redirect(report)
    return _act(
        request,
        report,
        lambda: monitoring_services.return_report(actor=request.user, report=report, reason=reason),
        _("Đã trả lại báo cáo."),
    )


@login_required
@require_POST
def monitoring_approve(request, pk):
    report = _approvers_report(request, pk)
    return _act(
        request,
        report,
        lambda: monitoring_services.approve_report(actor=request.user, report=report),
        _("Đã duyệt báo cáo."),
    )


@login_required
@require_POST
def monitoring_reopen(request, pk):
    report = _approvers_report(request, pk)
    reason = _reason(request, report)
    if reason is None:
        return redirect(report)
    return _act(
        request,
        report,
        lambda: monitoring_services.reopen_report(actor=request.user, report=report, reason=reason),
        _("Đã mở lại báo cáo để sửa."),
    )


@login_required
def monitoring_due(request):
    _require(request, REPORT)
    # The page always covers one year: show that year in the filter instead of an empty box.
    data = request.GET.copy()
    if not data.get("year"):
        data["year"] = str(DueFilter().year_value())
    filters = DueFilter(data)
    year, area = filters.year_value(), filters.value("area")
    qs = due_products(request.user, year=year, area=area, state=filters.value("state") or "")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return page_or_partial(
        request,
        "programme/monitoring/due.html",
        {
            "filters": filters,
            "page": page,
            "year": year,
            "due": due_date(year),
            "overdue": today > due_date(year),
            "counts": due_counts(request.user, year=year, area=area),
        },
        "results",
    )


@login_required
def watch_list(request):
    _require(request, VIEW)
    filters = WatchFilter(request.GET or None)
    today = timezone.localdate()
    qs = watch_products(request.user, day=today, area=filters.value("area"))
    wanted = filters.value("flag") or ""
    flags = None
    if wanted:  # the flags are computed, not stored: keep the products showing the flag, then paginate
        flags = flags_for(qs, today)
        ids = [pk for pk, found in flags.items() if wanted == "any" or any(f.code == wanted for f in found)]
        qs = qs.filter(pk__in=ids)
    if request.GET.get("format") == "xlsx":
        products = list(qs)
        flags = flags if flags is not None else flags_for(qs, today)
        title = _("Sản phẩm OCOP cần theo dõi sau công nhận (đến %(d)s)") % {"d": today.strftime("%d/%m/%Y")}
        content = monitoring_exports.watch_workbook([(p, flags.get(p.pk, [])) for p in products], title=title)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="theo-doi-sau-cong-nhan.xlsx"'
        return response
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page_flags = flags if flags is not None else flags_for(list(page.object_list), today)
    rows = [(p, page_flags.get(p.pk, [])) for p in page.object_list]
    return page_or_partial(
        request,
        "programme/monitoring/watch.html",
        {"filters": filters, "page": page, "rows": rows, "today": today},
        "results",
    )


@login_required
def monitoring_import(request):
    """Upload → a background dry run (imports app: progress, mapping step, errors, then the write on request)."""
    _require(request, REPORT)
    form = MonitoringImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from imports import services as imports_services
        from imports.views import upload_redirect

        try:
            job = imports_services.start_import(
                actor=request.user, kind_key="monitoring", upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return upload_redirect(request, job)
    return render(request, "programme/monitoring/import.html", {"form": form, "columns": REPORT_COLUMNS})


@login_required
def product_monitoring(request, product_id: int):
    """The product page's section: flags, the yearly reports, and a button to write the last year's report."""
    _require(request, VIEW)
    product = get_in_scope_or_404(viewable_products(request.user).select_related("producer", "location"), pk=product_id)
    today = timezone.localdate()
    reports = product_reports(product)
    last_year = today.year - 1
    can_create = (
        request.user.has_perm(REPORT)
        and may_report(request.user, product)
        and all(r.year != last_year for r in reports)
        and is_certified_in_year(product, last_year)
    )
    return page_or_partial(
        request,
        "programme/monitoring/section.html",
        {
            "product": product,
            "flags": flags_for([product.pk], today).get(product.pk, []),
            "reports": reports,
            "can_create": can_create,
            "create_year": last_year,
        },
        "section",
    )
