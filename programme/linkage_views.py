"""Pages of linkage projects, investment projects and raw-material areas: lists, records, yearly figures, the report
and its Excel export, and the product page's section."""

import functools
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from core import audit
from core.errors import DomainError
from core.forms import add_domain_error
from core.htmx import page_or_partial
from core.scoping import get_in_scope_or_404
from core.spreadsheets import row_values
from products.queries import products_for
from programme import linkage_services as services
from programme.linkage_forms import (
    InvestmentFilter,
    InvestmentForm,
    LinkageFilter,
    LinkageReportFilter,
    PartnerForm,
    ProjectForm,
    RawAreaFilter,
    RawAreaForm,
    RawYearForm,
    ResultForm,
    StatusForm,
)
from programme.linkage_queries import (
    investments_for,
    linkage_report,
    linkage_rows,
    linkages_for,
    managed_investments,
    managed_linkages,
    managed_raw_areas,
    raw_area_trend,
    raw_areas_for,
)
from programme.models import LinkagePartner, LinkageProject, RawMaterialArea

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VIEW, MANAGE = "programme.view", "programme.manage_linkages"
PER_PAGE = 50


def _require(request, action):
    if not request.user.has_perm(action):
        raise PermissionDenied


def _values(form, names):
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


def _form_page(request, form, *, title, back, parent=None, parent_url=None):
    return render(
        request,
        "programme/linkages/form.html",
        {"form": form, "title": title, "back": back, "parent": parent, "parent_url": parent_url},
    )


def _manages(user, qs, pk) -> bool:
    return user.has_perm(MANAGE) and qs.filter(pk=pk).exists()


# --- linkage projects ------------------------------------------------------------------------------------------------


@login_required
def linkage_list(request):
    _require(request, VIEW)
    filters = LinkageFilter(request.GET or None)
    qs = linkage_rows(filters.apply(linkages_for(request.user)))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return page_or_partial(request, "programme/linkages/list.html", {"page": page, "filters": filters}, "results")


@login_required
def linkage_detail(request, pk):
    _require(request, VIEW)
    project = get_in_scope_or_404(linkages_for(request.user).select_related("province", "lead", "created_by"), pk=pk)
    manages = _manages(request.user, managed_linkages(request.user), pk)
    return render(
        request,
        "programme/linkages/detail.html",
        {
            "project": project,
            "manages": manages,
            "communes": project.communes.select_related("parent").order_by("name"),
            "products": project.products.select_related("producer").order_by("name"),
            "partners": project.partners.select_related("producer", "commune").order_by("name", "pk"),
            "results": project.results.order_by("-year"),
            "raw_areas": project.raw_material_areas.select_related("product").order_by("name"),
            "status_form": StatusForm(initial={"status": project.status}) if manages else None,
            "history": audit.history(project, request.user)[:50] if manages else [],
        },
    )


PROJECT_VALUES = [*services.PROJECT_FIELDS, "status", "communes", "products"]


@login_required
def linkage_create(request):
    _require(request, MANAGE)
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.create_project(actor=request.user, **_values(form, PROJECT_VALUES))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ghi dự án liên kết."))
            return redirect(project)
    return _form_page(request, form, title=_("Thêm dự án liên kết"), back="programme:linkage_list")


@login_required
def linkage_edit(request, pk):
    _require(request, MANAGE)
    project = get_in_scope_or_404(managed_linkages(request.user), pk=pk)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.update_project(actor=request.user, project=project, **_values(form, PROJECT_VALUES))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu dự án liên kết."))
            return redirect(project)
    return _form_page(
        request,
        form,
        title=_("Sửa dự án liên kết"),
        back="programme:linkage_list",
        parent=project,
        parent_url=project.get_absolute_url(),
    )


@login_required
@require_POST
def linkage_status(request, pk):
    _require(request, MANAGE)
    project = get_in_scope_or_404(managed_linkages(request.user), pk=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn tình trạng mới của dự án."))
        return redirect(project)
    try:
        services.change_status(
            actor=request.user, project=project, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã cập nhật tình trạng dự án."))
    return redirect(project)


@login_required
def linkage_partner_add(request, pk):
    _require(request, MANAGE)
    project = get_in_scope_or_404(managed_linkages(request.user), pk=pk)
    form = PartnerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_partner(actor=request.user, project=project, **_values(form, services.PARTNER_FIELDS))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã thêm bên tham gia liên kết."))
            return redirect(project)
    return _form_page(
        request,
        form,
        title=_("Thêm bên tham gia liên kết"),
        back="programme:linkage_list",
        parent=project,
        parent_url=project.get_absolute_url(),
    )


def _managed_partner(request, pk):
    _require(request, MANAGE)
    qs = LinkagePartner.objects.for_user(request.user, MANAGE).select_related("project")
    return get_in_scope_or_404(qs, pk=pk)


@login_required
def linkage_partner_edit(request, pk):
    partner = _managed_partner(request, pk)
    form = PartnerForm(request.POST or None, instance=partner, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_partner(actor=request.user, partner=partner, **_values(form, services.PARTNER_FIELDS))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu bên tham gia liên kết."))
            return redirect(partner.project)
    return _form_page(
        request,
        form,
        title=_("Sửa bên tham gia liên kết"),
        back="programme:linkage_list",
        parent=partner.project,
        parent_url=partner.project.get_absolute_url(),
    )


@login_required
@require_POST
def linkage_partner_delete(request, pk):
    partner = _managed_partner(request, pk)
    project = partner.project
    try:
        services.remove_partner(actor=request.user, partner=partner)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã bỏ bên tham gia '%(n)s'.") % {"n": partner.name})
    return redirect(project)


def _yearly_figures(request, owner, rows, fields, form_class, record, *, saved, title, back):
    """Record (or correct) one year's figures of `owner`: the year's row (`rows`, one per year) is created or
    replaced; `?year=` loads a recorded year into the form for correction."""
    initial = {}
    year = request.GET.get("year", "")
    existing = rows.filter(year=int(year)).first() if year.isdigit() and len(year) == 4 else None
    if existing is not None:
        initial = {"year": existing.year, **{f: getattr(existing, f) for f in fields}}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            record(actor=request.user, **values)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, saved % {"y": values["year"]})
            return redirect(owner)
    return _form_page(request, form, title=title, back=back, parent=owner, parent_url=owner.get_absolute_url())


@login_required
def linkage_result(request, pk):
    """Record (or correct) one year's results of a project."""
    _require(request, MANAGE)
    project = get_in_scope_or_404(managed_linkages(request.user), pk=pk)
    return _yearly_figures(
        request,
        project,
        project.results,
        services.RESULT_FIELDS,
        ResultForm,
        functools.partial(services.record_result, project=project),
        saved=_("Đã ghi kết quả năm %(y)s."),
        title=_("Kết quả liên kết theo năm"),
        back="programme:linkage_list",
    )


# --- report ----------------------------------------------------------------------------------------------------------


def report_rows(report):
    """The report's lines as (label, value) pairs: the page's summary table and the Excel sheet are the same list."""
    rows = [
        (_("Dự án bắt đầu trong năm"), report.started),
        (_("Kinh phí hỗ trợ được duyệt của dự án bắt đầu trong năm (đồng)"), report.support_started),
        (_("Dự án đang thực hiện trong năm"), report.running),
        (_("Diện tích liên kết (ha)"), report.running_area_ha),
        (_("Số hộ tham gia"), report.running_households),
        (_("Giá trị hợp đồng liên kết (đồng)"), report.running_contract_value),
        (_("Dự án có kết quả trong năm"), report.results_projects),
        (_("Diện tích thực hiện theo kết quả (ha)"), report.results_area_ha),
        (_("Số hộ tham gia theo kết quả"), report.results_households),
        (_("Giá trị tiêu thụ qua liên kết (đồng)"), report.results_value),
    ]
    rows += [(_("Sản lượng tiêu thụ (%(u)s)") % {"u": unit or "—"}, total) for unit, total in report.outputs]
    return rows


def _report_workbook(report) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Liên kết sản xuất")[:31]
    title = _("Liên kết sản xuất, vùng nguyên liệu năm %(y)s") % {"y": report.year}
    if report.area is not None:
        title += " — " + report.area.name
    ws.append(row_values([title]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(row_values([_("Chỉ tiêu"), _("Số liệu")]))
    for label, value in report_rows(report):
        ws.append(row_values([str(label), value]))
    ws.append([])
    ws.append(
        row_values([_("Tình trạng"), _("Số dự án"), _("Diện tích (ha)"), _("Số hộ"), _("Giá trị hợp đồng (đồng)")])
    )
    for row in report.by_status:
        ws.append(row_values([str(row.label), row.projects, row.area_ha, row.households, row.contract_value]))
    ws.append([])
    ws.append(
        row_values([_("Giai đoạn dự án đầu tư"), _("Số dự án"), _("Diện tích theo dự án (ha)"), _("Đã trồng (ha)")])
    )
    for row in report.investments:
        ws.append(row_values([str(row["label"]), row["n"], row["planned"] or 0, row["planted"] or 0]))
    ws.append([])
    ws.append(
        row_values(
            [_("Chứng nhận vùng nguyên liệu"), _("Số vùng"), _("Diện tích (ha)"), _("Sản lượng (tấn)"), _("Số hộ")]
        )
    )
    for row in report.raw_areas:
        ws.append(
            row_values([str(row["label"]), row["n"], row["area"] or 0, row["output"] or 0, row["households"] or 0])
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@login_required
def linkage_report_view(request):
    _require(request, VIEW)
    # The report always covers one year: show that year in the filter instead of an empty box.
    data = request.GET.copy()
    if not data.get("year"):
        data["year"] = str(LinkageReportFilter().year_value())
    filters = LinkageReportFilter(data)
    report = linkage_report(request.user, year=filters.year_value(), area=filters.value("area"))
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(_report_workbook(report), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="lien-ket-san-xuat-{report.year}.xlsx"'
        return response
    return page_or_partial(
        request,
        "programme/linkages/report.html",
        {"filters": filters, "report": report, "rows": report_rows(report)},
        "results",
    )


# --- investment projects ---------------------------------------------------------------------------------------------


INVESTMENT_VALUES = [*services.INVESTMENT_FIELDS, "communes"]


@login_required
def investment_list(request):
    _require(request, VIEW)
    filters = InvestmentFilter(request.GET or None)
    qs = (
        filters.apply(investments_for(request.user))
        .select_related("province", "investor")
        .annotate(raw_area_count=Count("raw_material_areas", distinct=True))
        .order_by("name", "pk")
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return page_or_partial(
        request, "programme/linkages/investment_list.html", {"page": page, "filters": filters}, "results"
    )


@login_required
def investment_detail(request, pk):
    _require(request, VIEW)
    investment = get_in_scope_or_404(investments_for(request.user).select_related("province", "investor"), pk=pk)
    manages = _manages(request.user, managed_investments(request.user), pk)
    return render(
        request,
        "programme/linkages/investment_detail.html",
        {
            "investment": investment,
            "manages": manages,
            "communes": investment.communes.select_related("parent").order_by("name"),
            "raw_areas": investment.raw_material_areas.select_related("product").order_by("name"),
            "history": audit.history(investment, request.user)[:50] if manages else [],
        },
    )


@login_required
def investment_create(request):
    _require(request, MANAGE)
    form = InvestmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            investment = services.create_investment(actor=request.user, **_values(form, INVESTMENT_VALUES))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ghi dự án đầu tư."))
            return redirect(investment)
    return _form_page(request, form, title=_("Thêm dự án đầu tư vùng nguyên liệu"), back="programme:investment_list")


@login_required
def investment_edit(request, pk):
    _require(request, MANAGE)
    investment = get_in_scope_or_404(managed_investments(request.user), pk=pk)
    form = InvestmentForm(request.POST or None, instance=investment, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            investment = services.update_investment(
                actor=request.user, investment=investment, **_values(form, INVESTMENT_VALUES)
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu dự án đầu tư."))
            return redirect(investment)
    return _form_page(
        request,
        form,
        title=_("Sửa dự án đầu tư"),
        back="programme:investment_list",
        parent=investment,
        parent_url=investment.get_absolute_url(),
    )


# --- raw-material areas ----------------------------------------------------------------------------------------------


RAW_AREA_VALUES = [*services.RAW_AREA_FIELDS, "communes"]


@login_required
def raw_area_list(request):
    _require(request, VIEW)
    filters = RawAreaFilter(request.GET or None)
    qs = (
        filters.apply(raw_areas_for(request.user))
        .select_related("product__producer", "product__location")
        .annotate(commune_count=Count("communes", distinct=True))
        .order_by("product__name", "name", "pk")
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return page_or_partial(
        request, "programme/linkages/raw_area_list.html", {"page": page, "filters": filters}, "results"
    )


@login_required
def raw_area_detail(request, pk):
    _require(request, VIEW)
    raw_area = get_in_scope_or_404(
        raw_areas_for(request.user).select_related(
            "product__producer", "product__location", "linkage_project", "investment_project"
        ),
        pk=pk,
    )
    manages = _manages(request.user, managed_raw_areas(request.user), pk)
    return render(
        request,
        "programme/linkages/raw_area_detail.html",
        {
            "raw_area": raw_area,
            "manages": manages,
            "communes": raw_area.communes.select_related("parent").order_by("name"),
            "years": raw_area.years.order_by("-year"),
            "history": audit.history(raw_area, request.user)[:50] if manages else [],
        },
    )


@login_required
def raw_area_create(request):
    _require(request, MANAGE)
    initial = {}
    product = request.GET.get("product", "")
    if product.isdigit() and len(product) < 12:
        initial["product"] = int(product)
    form = RawAreaForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            raw_area = services.create_raw_area(actor=request.user, **_values(form, RAW_AREA_VALUES))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ghi vùng nguyên liệu."))
            return redirect(raw_area)
    return _form_page(request, form, title=_("Thêm vùng nguyên liệu"), back="programme:raw_area_list")


@login_required
def raw_area_edit(request, pk):
    _require(request, MANAGE)
    raw_area = get_in_scope_or_404(managed_raw_areas(request.user).select_related("product__location"), pk=pk)
    form = RawAreaForm(request.POST or None, instance=raw_area, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = _values(form, RAW_AREA_VALUES)
        values.pop("product", None)  # an area stays with its product
        try:
            raw_area = services.update_raw_area(actor=request.user, raw_area=raw_area, **values)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu vùng nguyên liệu."))
            return redirect(raw_area)
    return _form_page(
        request,
        form,
        title=_("Sửa vùng nguyên liệu"),
        back="programme:raw_area_list",
        parent=raw_area,
        parent_url=raw_area.get_absolute_url(),
    )


@login_required
def raw_area_year(request, pk):
    """Record (or correct) one year's figures of a raw-material area."""
    _require(request, MANAGE)
    raw_area = get_in_scope_or_404(managed_raw_areas(request.user), pk=pk)
    return _yearly_figures(
        request,
        raw_area,
        raw_area.years,
        services.RAW_YEAR_FIELDS,
        RawYearForm,
        functools.partial(services.record_raw_area_year, raw_area=raw_area),
        saved=_("Đã ghi số liệu năm %(y)s."),
        title=_("Số liệu vùng nguyên liệu theo năm"),
        back="programme:raw_area_list",
    )


# --- the product page's section --------------------------------------------------------------------------------------


@login_required
def product_linkages(request, product_id):
    """The product page's "Liên kết, vùng nguyên liệu" section: its linkage projects, its raw-material areas with their
    certification, and the yearly trend of their figures."""
    _require(request, VIEW)
    product = get_in_scope_or_404(products_for(request.user, VIEW).select_related("producer"), pk=product_id)
    projects = (
        linkages_for(request.user)
        .filter(pk__in=LinkageProject.objects.filter(products=product).values("pk"))
        .select_related("lead")
        .order_by("-contract_start", "-id")
    )
    raw_areas = (
        RawMaterialArea.objects.filter(product=product)
        .prefetch_related(Prefetch("communes", to_attr="commune_list"))
        .order_by("name", "pk")
    )
    return page_or_partial(
        request,
        "programme/linkages/product_section.html",
        {
            "product": product,
            "projects": projects,
            "raw_areas": raw_areas,
            "trend": raw_area_trend(product),
            "manages": request.user.has_perm(MANAGE)
            and products_for(request.user, MANAGE).filter(pk=product.pk).exists(),
        },
        "section",
    )
