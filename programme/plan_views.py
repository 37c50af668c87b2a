"""Pages of programme documents and annual plans: lists, forms, the plan with its targets and the products it names,
links to what they became, the product page's slot and the upload of the plan-lines import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import audit
from core.errors import DomainError
from core.forms import add_domain_error
from core.htmx import page_or_partial
from core.scoping import get_in_scope_or_404
from core.text import is_id
from products.models import Product
from programme import plan_queries as queries
from programme import plan_services as services
from programme.models import PlanTarget
from programme.plan_forms import (
    DocumentFilter,
    DocumentForm,
    LineForm,
    LinkForm,
    PlanFilter,
    PlanForm,
    PlanImportForm,
    TargetForm,
)
from programme.plan_queries import VIEW, managed_documents, managed_plans

MANAGE = "programme.manage_plans"
PROGRESS_TEMPLATE = "programme/actuals/_line_progress.html"


def _require(request, action):
    if not request.user.has_perm(action):
        raise PermissionDenied


def _document_url(document) -> str:
    return reverse("programme:document_detail", args=[document.pk])


def _progress(lines, as_of):
    """Each line's progress from the plan-vs-actual rules (programme.plan_actuals), when that module is present."""
    try:
        from programme.plan_actuals import line_progress
    except ImportError:
        return {}, None
    try:
        get_template(PROGRESS_TEMPLATE)
    except TemplateDoesNotExist:
        return line_progress(lines, as_of), None
    return line_progress(lines, as_of), PROGRESS_TEMPLATE


# --- plans --------------------------------------------------------------------------------------------------------


@login_required
def plan_list(request):
    _require(request, VIEW)
    filters = PlanFilter(request.GET or None)
    page = Paginator(queries.plan_list(request.user, **filters.values()), 50).get_page(request.GET.get("page"))
    return page_or_partial(
        request,
        "programme/plans/list.html",
        {"filters": filters, "page": page, "can_manage": request.user.has_perm(MANAGE)},
        "results",
    )


@login_required
def plan_detail(request, pk):
    _require(request, VIEW)
    plan = get_in_scope_or_404(queries.plans_for(request.user).select_related("area", "document", "created_by"), pk=pk)
    manages = managed_plans(request.user).filter(pk=pk).exists()
    lines = list(queries.visible_lines(request.user, plan))
    as_of = timezone.localdate()
    progress, progress_template = _progress(lines, as_of)
    suggestions = queries.name_suggestions(request.user, plan, lines) if manages else {}
    for line in lines:
        line.progress = progress.get(line.pk)
        line.suggestions = suggestions.get(line.pk)
    return render(
        request,
        "programme/plans/detail.html",
        {
            "plan": plan,
            "manages": manages,
            "lines": lines,
            "targets": queries.plan_targets(plan),
            "progress_template": progress_template,
            "history": audit.history(plan, request.user)[:50] if manages else [],
        },
    )


@login_required
def plan_create(request):
    _require(request, MANAGE)
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(actor=request.user, **form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã tạo kế hoạch."))
            return redirect(plan)
    return render(request, "programme/plans/form.html", {"form": form, "title": _("Lập kế hoạch OCOP năm")})


@login_required
def plan_edit(request, pk):
    _require(request, MANAGE)
    plan = get_in_scope_or_404(managed_plans(request.user).select_related("area"), pk=pk)
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.update_plan(actor=request.user, plan=plan, **form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu kế hoạch."))
            return redirect(plan)
    return render(request, "programme/plans/form.html", {"form": form, "plan": plan, "title": _("Sửa kế hoạch")})


def _target_form_page(request, *, plan=None, document=None):
    owner = plan or document
    target = None
    if is_id(request.GET.get("target", "")):
        target = get_in_scope_or_404(owner.targets.all(), pk=int(request.GET["target"]))
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            if target is None:
                services.add_target(actor=request.user, plan=plan, document=document, **form.values())
            else:
                services.update_target(actor=request.user, target=target, **form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ghi chỉ tiêu."))
            return redirect(plan.get_absolute_url() if plan else _document_url(document))
    return render(
        request,
        "programme/plans/target_form.html",
        {"form": form, "plan": plan, "document": document, "target": target},
    )


@login_required
def plan_targets(request, pk):
    _require(request, MANAGE)
    plan = get_in_scope_or_404(managed_plans(request.user).select_related("area"), pk=pk)
    return _target_form_page(request, plan=plan)


@login_required
def document_targets(request, pk):
    _require(request, MANAGE)
    document = get_in_scope_or_404(managed_documents(request.user).select_related("area"), pk=pk)
    return _target_form_page(request, document=document)


@login_required
@require_POST
def plan_target_delete(request, pk):
    _require(request, MANAGE)
    qs = PlanTarget.objects.filter(
        Q(plan__in=managed_plans(request.user)) | Q(document__in=managed_documents(request.user))
    )
    target = get_in_scope_or_404(qs, pk=pk)
    back = target.plan.get_absolute_url() if target.plan_id else _document_url(target.document)
    try:
        services.remove_target(actor=request.user, target=target)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xóa chỉ tiêu."))
    return redirect(back)


# --- lines --------------------------------------------------------------------------------------------------------


def _managed_line(request, pk):
    from programme.models import PlanLine

    _require(request, MANAGE)
    qs = PlanLine.objects.filter(plan__in=managed_plans(request.user)).select_related("plan__area", "commune")
    return get_in_scope_or_404(qs, pk=pk)


@login_required
def plan_line_add(request, pk):
    _require(request, MANAGE)
    plan = get_in_scope_or_404(managed_plans(request.user).select_related("area"), pk=pk)
    form = LineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_line(actor=request.user, plan=plan, **form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã thêm sản phẩm vào kế hoạch."))
            return redirect(plan)
    return render(request, "programme/plans/line_form.html", {"form": form, "plan": plan, "title": _("Thêm sản phẩm")})


@login_required
def plan_line_edit(request, pk):
    line = _managed_line(request, pk)
    form = LineForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_line(actor=request.user, line=line, **form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu sản phẩm trong kế hoạch."))
            return redirect(line.plan)
    return render(
        request,
        "programme/plans/line_form.html",
        {"form": form, "plan": line.plan, "line": line, "title": _("Sửa sản phẩm trong kế hoạch")},
    )


@login_required
@require_POST
def plan_line_delete(request, pk):
    line = _managed_line(request, pk)
    plan = line.plan
    try:
        services.remove_line(actor=request.user, line=line)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xóa '%(n)s' khỏi kế hoạch.") % {"n": line.name})
    return redirect(plan)


@login_required
def plan_line_link(request, pk):
    line = _managed_line(request, pk)
    form = LinkForm(request.POST or None, user=request.user, plan=line.plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_line(
                actor=request.user,
                line=line,
                idea=form.cleaned_data.get("idea"),
                product=form.cleaned_data.get("product"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã liên kết '%(n)s'.") % {"n": line.name})
            return redirect(line.plan)
    return render(request, "programme/plans/link_form.html", {"form": form, "plan": line.plan, "line": line})


@login_required
@require_POST
def plan_refresh_links(request, pk):
    _require(request, MANAGE)
    plan = get_in_scope_or_404(managed_plans(request.user), pk=pk)
    try:
        changed = services.refresh_links(actor=request.user, plan=plan)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if changed:
            messages.success(request, _("Đã cập nhật liên kết của %(n)s sản phẩm.") % {"n": len(changed)})
        else:
            messages.info(request, _("Không có liên kết mới."))
    return redirect(plan)


@login_required
def plan_import(request):
    """Upload → a background dry run (imports app: progress, mapping step, errors, then the write on request)."""
    _require(request, MANAGE)
    form = PlanImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from imports import services as imports_services
        from imports.views import upload_redirect

        job = imports_services.start_import(actor=request.user, kind_key="plan-lines", upload=form.cleaned_data["file"])
        return upload_redirect(request, job)
    from programme.plan_imports import PLAN_COLUMNS

    return render(request, "programme/plans/import.html", {"form": form, "columns": PLAN_COLUMNS})


# --- documents ----------------------------------------------------------------------------------------------------


@login_required
def document_list_view(request):
    _require(request, VIEW)
    filters = DocumentFilter(request.GET or None)
    page = Paginator(queries.document_list(request.user, area=filters.area_value()), 50).get_page(
        request.GET.get("page")
    )
    return page_or_partial(
        request,
        "programme/plans/document_list.html",
        {"filters": filters, "page": page, "can_manage": request.user.has_perm(MANAGE)},
        "results",
    )


@login_required
def document_detail(request, pk):
    _require(request, VIEW)
    document = get_in_scope_or_404(queries.documents_for(request.user).select_related("area"), pk=pk)
    manages = managed_documents(request.user).filter(pk=pk).exists()
    return render(
        request,
        "programme/plans/document_detail.html",
        {
            "document": document,
            "manages": manages,
            "targets": document.targets.select_related("group", "sub_area").order_by("metric", "stars", "id"),
            "plans": queries.plans_for(request.user).filter(document=document).select_related("area").order_by("-year"),
            "history": audit.history(document, request.user)[:50] if manages else [],
        },
    )


@login_required
def document_create(request):
    _require(request, MANAGE)
    form = DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.create_document(actor=request.user, **form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ghi đề án."))
            return redirect(_document_url(document))
    return render(request, "programme/plans/document_form.html", {"form": form, "title": _("Thêm đề án")})


@login_required
def document_edit(request, pk):
    _require(request, MANAGE)
    document = get_in_scope_or_404(managed_documents(request.user).select_related("area"), pk=pk)
    form = DocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.update_document(actor=request.user, document=document, **form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu đề án."))
            return redirect(_document_url(document))
    return render(
        request,
        "programme/plans/document_form.html",
        {"form": form, "document": document, "title": _("Sửa đề án")},
    )


# --- the product page's slot --------------------------------------------------------------------------------------


@login_required
def product_plans(request, product_id):
    """Partial for the product page: the plan lines naming this product (scoped; another province's product: 404)."""
    _require(request, VIEW)
    product = get_in_scope_or_404(Product.objects.for_user(request.user, VIEW), pk=product_id)
    lines = queries.product_plan_lines(request.user, product)
    return render(request, "programme/plans/_product_plans.html", {"product": product, "lines": lines})
