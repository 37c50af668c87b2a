"""Pages of the support ledger: the list with its totals, one line (create, edit, remove), the totals report and
its Excel, support against results, the spreadsheet upload, and the product page's slot."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scope import acts_only_as_producer
from core import audit
from core.errors import DomainError
from core.forms import add_domain_error
from core.htmx import page_or_partial
from core.scoping import get_in_scope_or_404
from products.models import Product
from programme import funding_exports, funding_services
from programme.funding_forms import SupportFilterForm, SupportImportForm, SupportLineForm
from programme.funding_queries import (
    AGGREGATES,
    TotalRow,
    filtered_lines,
    lines_for,
    managed_lines,
    monitoring_available,
    product_support,
    results_for,
    support_totals,
    supported_products,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINE_RELATIONS = ("province", "producer", "product__producer", "linkage_project", "commune")


def _require(request, action):
    if not request.user.has_perm(action):
        raise PermissionDenied


def _filters(request):
    form = SupportFilterForm(request.GET or None)
    return form, form.filters()


@login_required
def support_list(request):
    _require(request, "programme.view")
    form, filters = _filters(request)
    qs = filtered_lines(request.user, filters)
    total = TotalRow.of(None, _("Tổng cộng"), qs.aggregate(**AGGREGATES))
    page = Paginator(qs.select_related(*LINE_RELATIONS).order_by("-year", "-id"), 50).get_page(request.GET.get("page"))
    return page_or_partial(
        request,
        "programme/funding/list.html",
        {"filters": form, "page": page, "total": total},
        "results",
    )


@login_required
def support_detail(request, pk):
    _require(request, "programme.view")
    line = get_in_scope_or_404(lines_for(request.user).select_related(*LINE_RELATIONS, "plan_line__plan"), pk=pk)
    manages = managed_lines(request.user).filter(pk=pk).exists()
    return render(
        request,
        "programme/funding/detail.html",
        {"line": line, "manages": manages, "history": audit.history(line, request.user)[:50] if manages else []},
    )


def _save(request, form, line=None):
    try:
        if line is None:
            line = funding_services.create_support(actor=request.user, **form.values())
        else:
            line = funding_services.update_support(actor=request.user, line=line, **form.values())
    except DomainError as exc:
        add_domain_error(form, exc)
        return None
    messages.success(request, _("Đã ghi khoản hỗ trợ."))
    if form.overrun:
        messages.warning(
            request, _("Lưu ý: số đã giải ngân lớn hơn kinh phí kế hoạch. Hãy kiểm tra lại nếu không phải bổ sung.")
        )
    return redirect(line)


@login_required
def support_create(request):
    _require(request, "programme.manage_funding")
    form = SupportLineForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _save(request, form)
        if response is not None:
            return response
    return render(request, "programme/funding/form.html", {"form": form})


@login_required
def support_edit(request, pk):
    _require(request, "programme.manage_funding")
    line = get_in_scope_or_404(managed_lines(request.user).select_related(*LINE_RELATIONS), pk=pk)
    form = SupportLineForm(request.POST or None, instance=line, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, line)
        if response is not None:
            return response
    return render(request, "programme/funding/form.html", {"form": form, "line": line})


@login_required
@require_POST
def support_delete(request, pk):
    _require(request, "programme.manage_funding")
    line = get_in_scope_or_404(managed_lines(request.user), pk=pk)
    try:
        funding_services.remove_support(actor=request.user, line=line)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(line)
    messages.success(request, _("Đã xóa khoản hỗ trợ."))
    return redirect("programme:support_list")


def _sections(totals):
    """(key, title, rows) of each grouping shown; by area only when the area has units one level down."""
    titles = funding_exports.grouping_titles()
    return [(key, titles[key], rows) for key, rows in totals.groupings if rows or key != "area"]


@login_required
def funding_report(request):
    _require(request, "programme.view")
    form, filters = _filters(request)
    qs = filtered_lines(request.user, filters)
    totals = support_totals(qs, area=filters.area)
    if request.GET.get("format") == "xlsx":
        content = funding_exports.report_workbook(
            totals, filters, qs.select_related(*LINE_RELATIONS).order_by("year", "id")
        )
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="kinh-phi-ho-tro-ocop.xlsx"'
        return response
    return page_or_partial(
        request,
        "programme/funding/report.html",
        {"filters": form, "totals": totals, "sections": _sections(totals), "query": request.GET},
        "results",
    )


@login_required
def support_results(request):
    _require(request, "programme.view")
    form, filters = _filters(request)
    qs = filtered_lines(request.user, filters)
    page = Paginator(supported_products(qs), 20).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return page_or_partial(
        request,
        "programme/funding/results.html",
        {
            "filters": form,
            "page": page,
            "results": results_for(page.object_list, qs, today=today),
            "monitoring": monitoring_available(),
        },
        "results",
    )


@login_required
def funding_import(request):
    """Upload → a background dry run (imports app: progress, mapping step, errors, then the write on request)."""
    from programme.funding_imports import SUPPORT_COLUMNS

    _require(request, "programme.manage_funding")
    form = SupportImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from imports import services as imports_services
        from imports.views import upload_redirect

        job = imports_services.start_import(actor=request.user, kind_key="funding", upload=form.cleaned_data["file"])
        return upload_redirect(request, job)
    return render(request, "programme/funding/import.html", {"form": form, "columns": SUPPORT_COLUMNS})


def _products_for(user):
    products = Product.objects.for_user(user, "programme.view")
    return products.filter(producer__accounts=user) if acts_only_as_producer(user) else products


@login_required
def product_funding(request, product_id):
    _require(request, "programme.view")
    product = get_in_scope_or_404(_products_for(request.user), pk=product_id)
    lines = lines_for(request.user).filter(product=product)
    return render(
        request,
        "programme/funding/product.html",
        {"product": product, "rows": product_support(lines), "total": lines.aggregate(**AGGREGATES)},
    )
