"""Pages of training courses, communication campaigns, the yearly report and the province's honours."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scope import acts_only_as_producer
from core import audit
from core.errors import DomainError
from core.forms import add_domain_error
from core.htmx import page_or_partial
from core.scoping import get_in_scope_or_404
from products.models import Product
from programme import training_exports, training_services
from programme.training_forms import (
    CampaignForm,
    CancelForm,
    CourseForm,
    HonourFilter,
    HonourForm,
    YearAreaFilter,
    report_year,
)
from programme.training_queries import (
    campaign_area_q,
    campaigns_for,
    course_area_q,
    courses_for,
    honours_for,
    managed_campaigns,
    managed_courses,
    managed_honours,
    product_honours,
    training_report,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
VIEW, MANAGE, HONOUR = "programme.view", "programme.manage_training", "programme.approve_monitoring"


def _require(request, action):
    if not request.user.has_perm(action):
        raise PermissionDenied


def _year_area(qs, filters, area_q):
    year, area = filters.year_value(), filters.area_value()
    if year:
        qs = qs.filter(start_date__year=year)
    if area is not None:
        qs = qs.model.objects.filter(pk__in=qs.filter(area_q(area)).values("pk"))
    return qs


def _form_page(request, form, title, section, record=None, **extra):
    """The shared form page; `section` ("training", "campaign", "honour") names the list in the breadcrumbs."""
    sections = {
        "training": ("programme:training_list", _("Tập huấn, hội nghị về OCOP")),
        "campaign": ("programme:campaign_list", _("Hoạt động truyền thông về OCOP")),
        "honour": ("programme:honour_list", _("Tôn vinh chủ thể, sản phẩm OCOP")),
    }
    url_name, label = sections[section]
    context = {"form": form, "title": title, "record": record, "section_url": url_name, "section_label": label}
    return render(request, "programme/training/form.html", {**context, **extra})


def _reason_error(form) -> str:
    if form.data.get("reason", "").strip() and form.errors.get("reason"):
        return form.errors["reason"][0]
    return _("Hãy ghi lý do hủy.")


# --- training courses ------------------------------------------------------------------------------------------------


@login_required
def training_list(request):
    _require(request, VIEW)
    filters = YearAreaFilter(request.GET or None)
    qs = _year_area(courses_for(request.user), filters, course_area_q)
    qs = qs.select_related("province", "area").annotate(commune_count=Count("communes")).order_by("-start_date", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return page_or_partial(request, "programme/training/list.html", {"filters": filters, "page": page}, "results")


@login_required
def training_detail(request, pk):
    _require(request, VIEW)
    course = get_in_scope_or_404(courses_for(request.user).select_related("province", "area"), pk=pk)
    manages = managed_courses(request.user).filter(pk=pk).exists()
    return render(
        request,
        "programme/training/detail.html",
        {
            "course": course,
            "communes": course.communes.order_by("name"),
            "manages": manages,
            "cancel_form": CancelForm(),
            "history": audit.history(course, request.user)[:50] if manages else [],
        },
    )


@login_required
def training_create(request):
    _require(request, MANAGE)
    form = CourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            course = training_services.create_course(actor=request.user, **form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ghi lớp tập huấn."))
            return redirect(course)
    return _form_page(request, form, _("Thêm lớp tập huấn, hội nghị"), "training")


@login_required
def training_edit(request, pk):
    _require(request, MANAGE)
    course = get_in_scope_or_404(managed_courses(request.user).select_related("province", "area"), pk=pk)
    form = CourseForm(request.POST or None, instance=course, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            course = training_services.update_course(actor=request.user, course=course, **form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu lớp tập huấn."))
            return redirect(course)
    return _form_page(request, form, _("Sửa lớp tập huấn, hội nghị"), "training", course)


@login_required
@require_POST
def training_cancel(request, pk):
    _require(request, MANAGE)
    course = get_in_scope_or_404(managed_courses(request.user), pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _reason_error(form))
        return redirect(course)
    try:
        training_services.cancel_course(actor=request.user, course=course, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã hủy lớp tập huấn."))
    return redirect(course)


# --- communication campaigns -----------------------------------------------------------------------------------------


@login_required
def campaign_list(request):
    _require(request, VIEW)
    filters = YearAreaFilter(request.GET or None)
    qs = _year_area(campaigns_for(request.user), filters, campaign_area_q)
    qs = qs.select_related("province", "area").order_by("-start_date", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return page_or_partial(
        request, "programme/training/campaign_list.html", {"filters": filters, "page": page}, "results"
    )


@login_required
def campaign_detail(request, pk):
    _require(request, VIEW)
    campaign = get_in_scope_or_404(campaigns_for(request.user).select_related("province", "area"), pk=pk)
    manages = managed_campaigns(request.user).filter(pk=pk).exists()
    return render(
        request,
        "programme/training/campaign_detail.html",
        {
            "campaign": campaign,
            "manages": manages,
            "cancel_form": CancelForm(),
            "history": audit.history(campaign, request.user)[:50] if manages else [],
        },
    )


@login_required
def campaign_create(request):
    _require(request, MANAGE)
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = training_services.create_campaign(actor=request.user, **form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ghi hoạt động truyền thông."))
            return redirect(campaign)
    return _form_page(request, form, _("Thêm hoạt động truyền thông"), "campaign")


@login_required
def campaign_edit(request, pk):
    _require(request, MANAGE)
    campaign = get_in_scope_or_404(managed_campaigns(request.user).select_related("province", "area"), pk=pk)
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = training_services.update_campaign(actor=request.user, campaign=campaign, **form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu hoạt động truyền thông."))
            return redirect(campaign)
    return _form_page(request, form, _("Sửa hoạt động truyền thông"), "campaign", campaign)


@login_required
@require_POST
def campaign_cancel(request, pk):
    _require(request, MANAGE)
    campaign = get_in_scope_or_404(managed_campaigns(request.user), pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _reason_error(form))
        return redirect(campaign)
    try:
        training_services.cancel_campaign(actor=request.user, campaign=campaign, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã hủy hoạt động truyền thông."))
    return redirect(campaign)


# --- the report ------------------------------------------------------------------------------------------------------


@login_required
def training_report_view(request):
    _require(request, VIEW)
    # The report always covers one year: show that year in the filter instead of an empty box.
    data = request.GET.copy()
    if not data.get("year"):
        data["year"] = str(report_year(YearAreaFilter()))
    filters = YearAreaFilter(data)
    report = training_report(request.user, year=report_year(filters), area=filters.area_value())
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(training_exports.report_workbook(report), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="tap-huan-truyen-thong-{report.year}.xlsx"'
        return response
    return page_or_partial(request, "programme/training/report.html", {"filters": filters, "report": report}, "results")


# --- honours ---------------------------------------------------------------------------------------------------------


@login_required
def honour_list(request):
    _require(request, VIEW)
    filters = HonourFilter(request.GET or None)
    qs = honours_for(request.user)
    year = filters.year_value()
    if year:
        qs = qs.filter(year=year)
    qs = qs.select_related("province", "producer", "product__producer").order_by("-year", "kind", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    editable = set()
    if request.user.has_perm(HONOUR):
        editable = set(managed_honours(request.user).filter(pk__in=[h.pk for h in page]).values_list("pk", flat=True))
    return page_or_partial(
        request,
        "programme/training/honour_list.html",
        {"filters": filters, "page": page, "editable": editable},
        "results",
    )


@login_required
def honour_create(request):
    _require(request, HONOUR)
    form = HonourForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            training_services.create_honour(actor=request.user, **form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ghi tôn vinh."))
            return redirect("programme:honour_list")
    return _form_page(request, form, _("Ghi tôn vinh"), "honour")


@login_required
def honour_edit(request, pk):
    _require(request, HONOUR)
    honour = get_in_scope_or_404(managed_honours(request.user).select_related("province"), pk=pk)
    form = HonourForm(request.POST or None, instance=honour, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            training_services.update_honour(actor=request.user, honour=honour, **form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu tôn vinh."))
            return redirect("programme:honour_list")
    return _form_page(request, form, _("Sửa tôn vinh"), "honour", honour, delete_url="programme:honour_delete")


@login_required
@require_POST
def honour_delete(request, pk):
    _require(request, HONOUR)
    honour = get_in_scope_or_404(managed_honours(request.user), pk=pk)
    try:
        training_services.delete_honour(actor=request.user, honour=honour)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xóa tôn vinh."))
    return redirect("programme:honour_list")


@login_required
def product_honours_view(request, product_id):
    """The product page's slot: the product's honours and its producer's (a partial, loaded by htmx)."""
    _require(request, VIEW)
    products = Product.objects.for_user(request.user, VIEW)
    if acts_only_as_producer(request.user):
        products = products.filter(producer__accounts=request.user)
    product = get_in_scope_or_404(products, pk=product_id)
    return TemplateResponse(
        request, "programme/training/product_honours.html", {"product": product, "honours": product_honours(product)}
    )
