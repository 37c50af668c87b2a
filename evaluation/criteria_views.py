"""OCOP criteria sets in the browser (issue 12): a system administrator creates and edits draft sets (parts, sections,
sheets per product group or 26/2026 phân nhóm, criteria, options with points, star minimums), validates them with
every error placed by sheet, row and field, previews a sheet as the scoring screen shows it, publishes, and moves
sheets in and out through the spreadsheet template. Province offices and councils read the published sets; official
sets (26/2026, 1048) are read-only with their findings.

Every write goes through `evaluation.services`; these views only read, call and place the refusals.
"""

import re
import tempfile
import uuid
from pathlib import Path
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import add_domain_error
from core.imports import ImportErrors, RowError, parse_date, read_table, run_import
from core.uploads import check_upload, max_upload_bytes
from evaluation import criteria_forms as f
from evaluation import services
from evaluation.choices import SetStatus
from evaluation.models import CriteriaSet, Criterion, Option, Part, Section, SheetScope
from evaluation.spreadsheet import COLUMNS, parse_sheets, write_template
from evaluation.validation import CriteriaErrors
from products.models import ProductCategory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_SESSION = "criteria-upload"


# ── Who may do what ──────────────────────────────────────────────────────────────────────────────────────────────


def is_admin(user) -> bool:
    return services.may_administer_criteria(user)


def _require_viewer(user) -> None:
    if not (is_admin(user) or user.has_perm("evaluation.manage") or user.has_perm("evaluation.score")):
        raise PermissionDenied


def _visible_sets(user):
    sets = CriteriaSet.objects.all()
    return sets if is_admin(user) else sets.filter(status=SetStatus.PUBLISHED)


def _readable_set(request, pk) -> CriteriaSet:
    """A set the user may read: any for the administrator, a published one for the others (404 otherwise)."""
    _require_viewer(request.user)
    return get_object_or_404(_visible_sets(request.user), pk=pk)


def _admin_set(request, pk) -> CriteriaSet:
    if not is_admin(request.user):
        _require_viewer(request.user)
        raise PermissionDenied
    return get_object_or_404(CriteriaSet, pk=pk)


def _refuse_published(request, criteria_set):
    """A published set is never edited: say so where the person is looking and change nothing."""
    if criteria_set.status == SetStatus.PUBLISHED:
        messages.error(
            request,
            _("Bộ tiêu chí %(code)s đã ban hành nên không sửa được; hãy tạo phiên bản mới (chép từ bộ này).")
            % {"code": criteria_set.code},
        )
        return redirect("criteria:detail", criteria_set.pk)
    return None


# ── Lists ────────────────────────────────────────────────────────────────────────────────────────────────────────


@login_required
def set_list(request):
    _require_viewer(request.user)
    sets = (
        _visible_sets(request.user)
        .annotate(
            n_scopes=Count("scopes", distinct=True),
            n_sheets=Count("scopes", filter=Q(scopes__criteria__isnull=False), distinct=True),
        )
        .order_by("-valid_from", "code")
    )
    return TemplateResponse(request, "evaluation/criteria/list.html", {"sets": sets, "admin": is_admin(request.user)})


def _set_context(request, criteria_set, bound=None):
    """The set page: its details, parts, sections and sheets, each row with its edit form (the bound one on error)."""
    bound = bound or {}
    editable = is_admin(request.user) and criteria_set.status != SetStatus.PUBLISHED
    parts = list(criteria_set.parts.order_by("position"))
    sections = list(criteria_set.sections.select_related("part").order_by("position"))
    scopes = list(
        criteria_set.scopes.select_related("category")
        .annotate(n_criteria=Count("criteria"), total=Sum("criteria__max_points"))
        .order_by("position", "id")
    )
    context = {
        "set": criteria_set,
        "admin": is_admin(request.user),
        "editable": editable,
        "parts": parts,
        "sections": sections,
        "scopes": scopes,
        "open_new": {kind for kind, key in bound if key is None},
    }
    if editable:
        categories = list(ProductCategory.objects.filter(system=criteria_set.system).order_by("position", "code"))
        context["set_form"] = bound.get(("set", None)) or f.SetForm(
            initial={k: getattr(criteria_set, k) for k in services.EDITABLE_SET_FIELDS}, auto_id="set_%s"
        )
        for part in parts:
            part.is_open = ("part", part.pk) in bound
            part.form = bound.get(("part", part.pk)) or f.PartForm(
                initial={"code": part.code, "name": part.name, "points": part.points}, auto_id=f"part{part.pk}_%s"
            )
        for section in sections:
            section.is_open = ("section", section.pk) in bound
            section.form = bound.get(("section", section.pk)) or f.SectionForm(
                initial={
                    "code": section.code,
                    "name": section.name,
                    "part": section.part_id,
                    "notes": "\n".join(section.notes),
                },
                parts=parts,
                auto_id=f"section{section.pk}_%s",
            )
        context["part_form"] = bound.get(("part", None)) or f.PartForm(auto_id="newpart_%s")
        context["section_form"] = bound.get(("section", None)) or f.SectionForm(parts=parts, auto_id="newsection_%s")
        context["scope_form"] = bound.get(("scope", None)) or f.ScopeForm(categories=categories, auto_id="newsheet_%s")
        context["upload_form"] = bound.get(("upload", None)) or f.UploadForm(auto_id="upload_%s")
    return context


def _set_page(request, criteria_set, bound=None, status=200):
    return TemplateResponse(
        request, "evaluation/criteria/detail.html", _set_context(request, criteria_set, bound), status=status
    )


@login_required
def set_detail(request, pk):
    return _set_page(request, _readable_set(request, pk))


@login_required
def set_create(request):
    if not is_admin(request.user):
        _require_viewer(request.user)
        raise PermissionDenied
    form = f.NewSetForm(request.POST or None, initial=_copy_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            criteria_set = services.create_set(
                actor=request.user,
                code=data["code"],
                system=data["system"],
                title=data["title"],
                decision=data["decision"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                copy_from=data["copy_from"],
                copy_sheets=data["copy_sheets"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã tạo bộ tiêu chí %(code)s (dự thảo).") % {"code": criteria_set.code})
            return redirect("criteria:detail", criteria_set.pk)
    return TemplateResponse(request, "evaluation/criteria/new.html", {"form": form})


def _copy_initial(request):
    source = CriteriaSet.objects.filter(pk=request.GET.get("from") or 0).first()
    if source is None:
        return {}
    return {"copy_from": source.pk, "system": source.system, "copy_sheets": True}


def _submit(request, form, call, *, success, then, on_error):
    """Validate `form`, run the service `call(data)`; on refusal put the message on the form and show it again."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, success)
            return then
    return on_error(form)


@login_required
@require_POST
def set_edit(request, pk):
    criteria_set = _admin_set(request, pk)
    if refused := _refuse_published(request, criteria_set):
        return refused
    form = f.SetForm(request.POST, auto_id="set_%s")
    return _submit(
        request,
        form,
        lambda d: services.update_set(actor=request.user, criteria_set=criteria_set, **d),
        success=_("Đã lưu thông tin bộ tiêu chí."),
        then=redirect("criteria:detail", pk),
        on_error=lambda form: _set_page(request, criteria_set, {("set", None): form}),
    )


@login_required
@require_POST
def set_delete(request, pk):
    criteria_set = _admin_set(request, pk)
    if refused := _refuse_published(request, criteria_set):
        return refused
    try:
        services.delete_set(actor=request.user, criteria_set=criteria_set)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("criteria:detail", pk)
    messages.success(request, _("Đã xoá bộ tiêu chí dự thảo %(code)s.") % {"code": criteria_set.code})
    return redirect("criteria:list")


def _delete(request, pk, call, success, then=None):
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return then or redirect("criteria:detail", pk)


# ── Parts and sections ───────────────────────────────────────────────────────────────────────────────────────────


@login_required
@require_POST
def part_save(request, pk, item=None):
    criteria_set = _admin_set(request, pk)
    if refused := _refuse_published(request, criteria_set):
        return refused
    part = get_object_or_404(Part, pk=item, criteria_set=criteria_set) if item else None
    form = f.PartForm(request.POST, auto_id=f"part{item}_%s" if item else "newpart_%s")
    return _submit(
        request,
        form,
        lambda d: services.save_part(actor=request.user, criteria_set=criteria_set, part=part, **d),
        success=_("Đã lưu phần %(code)s.") % {"code": request.POST.get("code", "")},
        then=redirect("criteria:detail", pk),
        on_error=lambda form: _set_page(request, criteria_set, {("part", item): form}),
    )


@login_required
@require_POST
def part_delete(request, pk, item):
    criteria_set = _admin_set(request, pk)
    part = get_object_or_404(Part, pk=item, criteria_set=criteria_set)
    return _delete(
        request,
        pk,
        lambda: services.delete_part(actor=request.user, part=part),
        _("Đã xoá phần %(code)s.") % {"code": part.code},
    )


@login_required
@require_POST
def section_save(request, pk, item=None):
    criteria_set = _admin_set(request, pk)
    if refused := _refuse_published(request, criteria_set):
        return refused
    section = get_object_or_404(Section, pk=item, criteria_set=criteria_set) if item else None
    parts = {p.pk: p for p in criteria_set.parts.order_by("position")}
    form = f.SectionForm(request.POST, parts=parts.values(), auto_id=f"section{item}_%s" if item else "newsection_%s")

    def call(d):
        services.save_section(
            actor=request.user,
            criteria_set=criteria_set,
            section=section,
            code=d["code"],
            name=d["name"],
            part=parts.get(d["part"]),
            notes=d["notes"],
        )

    return _submit(
        request,
        form,
        call,
        success=_("Đã lưu mục %(code)s.") % {"code": request.POST.get("code", "")},
        then=redirect("criteria:detail", pk),
        on_error=lambda form: _set_page(request, criteria_set, {("section", item): form}),
    )


@login_required
@require_POST
def section_delete(request, pk, item):
    criteria_set = _admin_set(request, pk)
    section = get_object_or_404(Section, pk=item, criteria_set=criteria_set)
    return _delete(
        request,
        pk,
        lambda: services.delete_section(actor=request.user, section=section),
        _("Đã xoá mục %(code)s.") % {"code": section.code},
    )


# ── Sheets ───────────────────────────────────────────────────────────────────────────────────────────────────────


def _scope(criteria_set, item) -> SheetScope:
    return get_object_or_404(SheetScope.objects.select_related("category"), pk=item, criteria_set=criteria_set)


@login_required
@require_POST
def scope_save(request, pk, item=None):
    criteria_set = _admin_set(request, pk)
    if refused := _refuse_published(request, criteria_set):
        return refused
    scope = _scope(criteria_set, item) if item else None
    categories = {c.pk: c for c in ProductCategory.objects.filter(system=criteria_set.system).order_by("position")}
    form = f.ScopeForm(request.POST, categories=categories.values(), auto_id="sheet_%s" if item else "newsheet_%s")
    saved = {}

    def call(d):
        saved["scope"] = services.save_scope(
            actor=request.user,
            criteria_set=criteria_set,
            scope=scope,
            category=categories.get(d["category"]),
            number=d["number"],
            title=d["title"],
            classification=d["classification"],
            eliminated_when=d["eliminated_when"],
            notes=d["notes"],
        )

    def on_error(form):
        if scope is None:
            return _set_page(request, criteria_set, {("scope", None): form})
        return _sheet_page(request, criteria_set, scope, {("scope", scope.pk): form})

    response = _submit(request, form, call, success=_("Đã lưu phiếu chấm."), then=None, on_error=on_error)
    if response is not None:
        return response
    return redirect("criteria:sheet", pk, saved["scope"].pk)


@login_required
@require_POST
def scope_delete(request, pk, item):
    criteria_set = _admin_set(request, pk)
    scope = _scope(criteria_set, item)
    return _delete(
        request,
        pk,
        lambda: services.delete_scope(actor=request.user, scope=scope),
        _("Đã xoá phiếu chấm %(code)s.") % {"code": scope.category.code},
    )


def _sheet_criteria(scope):
    return list(
        Criterion.objects.filter(scope=scope)
        .select_related("section__part")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position", "id")), "mandatory_rules")
        .order_by("section__part__position", "section__position", "position", "id")
    )


def _sheet_page(request, criteria_set, scope, bound=None):
    bound = bound or {}
    editable = is_admin(request.user) and criteria_set.status != SetStatus.PUBLISHED
    criteria = _sheet_criteria(scope)
    for criterion in criteria:
        criterion.anchor = _anchor(criterion.code)
    context = {
        "set": criteria_set,
        "scope": scope,
        "criteria": criteria,
        "editable": editable,
        "admin": is_admin(request.user),
        "open_new": {kind for kind, key in bound if key is None},
        "total": sum((c.max_points for c in criteria), 0),
    }
    if editable:
        sections = list(criteria_set.sections.order_by("position"))
        categories = list(ProductCategory.objects.filter(system=criteria_set.system).order_by("position", "code"))
        context["scope_form"] = bound.get(("scope", scope.pk)) or f.ScopeForm(
            initial={
                "category": scope.category_id,
                "number": scope.number,
                "title": scope.title,
                "classification": scope.classification,
                "eliminated_when": "\n".join(scope.eliminated_when),
                "notes": "\n".join(scope.notes),
            },
            categories=categories,
            auto_id="sheet_%s",
        )
        context["criterion_form"] = bound.get(("criterion", None)) or f.CriterionForm(
            sections=sections, auto_id="newcriterion_%s"
        )
        context["scope_open"] = ("scope", scope.pk) in bound
        for criterion in criteria:
            criterion.is_open = ("criterion", criterion.pk) in bound
            criterion.new_option_open = ("new-option", criterion.pk) in bound
            criterion.form = bound.get(("criterion", criterion.pk)) or f.CriterionForm(
                initial={
                    "code": criterion.code,
                    "text": criterion.text,
                    "section": criterion.section_id,
                    "heading": criterion.heading,
                    "notes": "\n".join(criterion.notes),
                },
                sections=sections,
                auto_id=f"criterion{criterion.pk}_%s",
            )
            criterion.option_form = bound.get(("new-option", criterion.pk)) or f.OptionForm(
                auto_id=f"newoption{criterion.pk}_%s"
            )
            marks = services._marks(criterion)
            for option in criterion.options.all():
                option.stars = sorted(marks.get(option.pk, ()))
                option.is_open = ("option", option.pk) in bound
                option.form = bound.get(("option", option.pk)) or f.OptionForm(
                    initial={
                        "text": option.text,
                        "points": option.points,
                        "mandatory_for_stars": option.stars,
                        "case_label": option.case_label,
                    },
                    auto_id=f"option{option.pk}_%s",
                )
    else:
        for criterion in criteria:
            marks = services._marks(criterion)
            for option in criterion.options.all():
                option.stars = sorted(marks.get(option.pk, ()))
    return TemplateResponse(request, "evaluation/criteria/sheet.html", context)


@login_required
def sheet_detail(request, pk, item):
    criteria_set = _readable_set(request, pk)
    return _sheet_page(request, criteria_set, _scope(criteria_set, item))


@login_required
def sheet_preview(request, pk, item):
    """The sheet as the scoring screen shows it to a council member, read-only."""
    from evaluation.views import _sheet_layout

    criteria_set = _readable_set(request, pk)
    scope = _scope(criteria_set, item)
    parts, totals = _sheet_layout(SimpleNamespace(sheet_id=scope.pk), None)
    return TemplateResponse(
        request,
        "evaluation/criteria/preview.html",
        {
            "set": criteria_set,
            "scope": scope,
            "parts": parts,
            "totals": totals,
            "stars_legend": any(
                o.min_star for p in parts for s in p["sections"] for c in s["criteria"] for o in c.option_list
            ),
        },
    )


@login_required
@require_POST
def criterion_save(request, pk, item=None, scope=None):
    criteria_set = _admin_set(request, pk)
    if refused := _refuse_published(request, criteria_set):
        return refused
    criterion = None
    if item:
        criterion = get_object_or_404(Criterion, pk=item, scope__criteria_set=criteria_set)
        sheet = _scope(criteria_set, criterion.scope_id)
    else:
        sheet = _scope(criteria_set, scope)
    sections = {s.pk: s for s in criteria_set.sections.order_by("position")}
    form = f.CriterionForm(
        request.POST, sections=sections.values(), auto_id=f"criterion{item}_%s" if item else "newcriterion_%s"
    )

    def call(d):
        services.save_criterion(
            actor=request.user,
            scope=sheet,
            criterion=criterion,
            code=d["code"],
            text=d["text"],
            section=sections.get(d["section"]),
            heading=d["heading"],
            notes=d["notes"],
        )

    return _submit(
        request,
        form,
        call,
        success=_("Đã lưu tiêu chí %(code)s.") % {"code": request.POST.get("code", "")},
        then=redirect(_sheet_url(pk, sheet.pk, form.data.get("code"))),
        on_error=lambda form: _sheet_page(request, criteria_set, sheet, {("criterion", item): form}),
    )


def _sheet_url(pk, scope_pk, code=None):
    from django.urls import reverse

    url = reverse("criteria:sheet", args=[pk, scope_pk])
    return f"{url}#criterion-{_anchor(code)}" if code else url


def _anchor(code) -> str:
    return re.sub(r"[^\w-]", "-", str(code or ""))


@login_required
@require_POST
def criterion_delete(request, pk, item):
    criteria_set = _admin_set(request, pk)
    criterion = get_object_or_404(
        Criterion.objects.select_related("scope__category"), pk=item, scope__criteria_set=criteria_set
    )
    return _delete(
        request,
        pk,
        lambda: services.delete_criterion(actor=request.user, criterion=criterion),
        _("Đã xoá tiêu chí %(code)s.") % {"code": criterion.code},
        then=redirect("criteria:sheet", pk, criterion.scope_id),
    )


@login_required
@require_POST
def option_save(request, pk, item=None, criterion=None):
    criteria_set = _admin_set(request, pk)
    if refused := _refuse_published(request, criteria_set):
        return refused
    option = None
    if item:
        option = get_object_or_404(Option, pk=item, criterion__scope__criteria_set=criteria_set)
        criterion = option.criterion_id
    owner = get_object_or_404(
        Criterion.objects.select_related("scope__category"), pk=criterion, scope__criteria_set=criteria_set
    )
    form = f.OptionForm(request.POST, auto_id=f"option{item}_%s" if item else f"newoption{owner.pk}_%s")

    def call(d):
        services.save_option(
            actor=request.user,
            criterion=owner,
            option=option,
            text=d["text"],
            points=d["points"],
            mandatory_for_stars=d["mandatory_for_stars"],
            case_label=d["case_label"],
        )

    return _submit(
        request,
        form,
        call,
        success=_("Đã lưu mức đánh giá của tiêu chí %(code)s.") % {"code": owner.code},
        then=redirect(_sheet_url(pk, owner.scope_id, owner.code)),
        on_error=lambda form: _sheet_page(
            request, criteria_set, owner.scope, {("option", item) if item else ("new-option", owner.pk): form}
        ),
    )


@login_required
@require_POST
def option_delete(request, pk, item):
    criteria_set = _admin_set(request, pk)
    option = get_object_or_404(
        Option.objects.select_related("criterion"), pk=item, criterion__scope__criteria_set=criteria_set
    )
    return _delete(
        request,
        pk,
        lambda: services.delete_option(actor=request.user, option=option),
        _("Đã xoá mức đánh giá."),
        then=redirect(_sheet_url(pk, option.criterion.scope_id, option.criterion.code)),
    )


# ── Validation and publication ───────────────────────────────────────────────────────────────────────────────────

FIELD_LABELS = {
    # the template's columns (evaluation.spreadsheet.COLUMNS) and the set's fields, as a person reads them
    "set": gettext_lazy("Bộ tiêu chí"),
    "group": gettext_lazy("Nhóm / bộ sản phẩm"),
    "part": gettext_lazy("Phần"),
    "part_points": gettext_lazy("Điểm của phần"),
    "section": gettext_lazy("Mục"),
    "criterion_code": gettext_lazy("Mã tiêu chí"),
    "criterion_text": gettext_lazy("Nội dung tiêu chí"),
    "criterion_max": gettext_lazy("Điểm tối đa của tiêu chí"),
    "option_text": gettext_lazy("Mức đánh giá"),
    "points": gettext_lazy("Điểm"),
    "mandatory_for_stars": gettext_lazy("Bắt buộc cho hạng sao"),
    "code": gettext_lazy("Mã"),
    "system": gettext_lazy("Hệ thống nhóm sản phẩm"),
    "title": gettext_lazy("Tên bộ tiêu chí"),
    "decision": gettext_lazy("Căn cứ (quyết định)"),
    "valid_from": gettext_lazy("Áp dụng từ ngày"),
    "valid_until": gettext_lazy("Áp dụng đến trước ngày"),
    "status": gettext_lazy("Trạng thái"),
    "parts": gettext_lazy("Các phần"),
    "name": gettext_lazy("Tên"),
    "file": gettext_lazy("Tệp"),
}


def _field_label(column: str) -> str:
    if column in FIELD_LABELS:
        return str(FIELD_LABELS[column])
    if column.startswith("part "):
        return _("Phần %(code)s") % {"code": column.split()[-1]}
    return column


_PATH = {
    "scope": re.compile(r"scopes\[([^\]]+)\]"),
    "criterion": re.compile(r"criteria\[([^\]]+)\]"),
    "option": re.compile(r"options\[(\d+)\]"),
    "part": re.compile(r"parts\[([^\]]+)\]"),
    "section": re.compile(r"sections\[([^\]]+)\]"),
}


def _placed(problems, scopes: dict) -> list[dict]:
    """Each problem with its sheet (linked), criterion, option number and field, in the order of the sheets."""
    rows = []
    for problem in problems:
        path = problem.origin.path
        found = {key: (m.group(1) if (m := rx.search(path)) else "") for key, rx in _PATH.items()}
        column = problem.column
        if column.startswith("part ") and not found["part"]:
            found["part"] = column.split()[-1]
        scope = scopes.get(found["scope"])
        rows.append(
            {
                "sheet": found["scope"],
                "scope": scope,
                "criterion": found["criterion"],
                "anchor": _anchor(found["criterion"]),
                "option": found["option"],
                "part": found["part"],
                "section": found["section"],
                "field": _field_label(column),
                "message": problem.message,
            }
        )
    return rows


def _validation_page(request, criteria_set, problems=None, refused=False):
    scopes = {s.category.code: s for s in criteria_set.scopes.select_related("category")}
    if problems is None:
        problems = services.set_problems(criteria_set)
    return TemplateResponse(
        request,
        "evaluation/criteria/validate.html",
        {
            "set": criteria_set,
            "problems": _placed(problems, scopes),
            "refused": refused,
            "admin": is_admin(request.user),
            "can_publish": is_admin(request.user) and criteria_set.status != SetStatus.PUBLISHED,
        },
    )


@login_required
def set_validate(request, pk):
    return _validation_page(request, _readable_set(request, pk))


@login_required
@require_POST
def set_publish(request, pk):
    criteria_set = _admin_set(request, pk)
    if refused := _refuse_published(request, criteria_set):
        return refused
    try:
        services.publish_draft(actor=request.user, criteria_set=criteria_set)
    except CriteriaErrors as exc:
        return _validation_page(request, criteria_set, exc.problems, refused=True)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("criteria:detail", pk)
    messages.success(
        request,
        _("Đã ban hành bộ tiêu chí %(code)s: các tỉnh dùng được cho đợt đánh giá trong thời gian áp dụng.")
        % {"code": criteria_set.code},
    )
    return redirect("criteria:detail", pk)


# ── The spreadsheet template ─────────────────────────────────────────────────────────────────────────────────────


def _template_response(criteria_set, filename):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.xlsx"
        write_template(path, criteria_set)
        data = path.read_bytes()
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def blank_template(request):
    _require_viewer(request.user)
    return _template_response(None, "mau-phieu-cham.xlsx")


@login_required
def set_template(request, pk):
    criteria_set = _readable_set(request, pk)
    safe = re.sub(r"[^\w.-]", "-", criteria_set.code)
    return _template_response(criteria_set, f"phieu-cham-{safe}.xlsx")


def _import_sheets(criteria_set, source, filename, *, actor, dry_run):
    """The file's sheets into this set only; ImportErrors with every row error, and nothing written, on refusal."""
    table = read_table(source, COLUMNS, filename)
    if table.errors:
        raise ImportErrors(table.errors)
    specs, errors = parse_sheets(table)
    for spec in specs:
        if spec.code != criteria_set.code:
            errors.append(
                RowError(
                    spec.origin.row or 2,
                    "set",
                    _("tệp ghi bộ tiêu chí %(other)s; ở đây chỉ nạp phiếu chấm cho bộ %(code)s.")
                    % {"other": spec.code, "code": criteria_set.code},
                )
            )
    if errors:
        raise ImportErrors(errors)
    try:
        saved = run_import(lambda: services.save_sets(specs, actor=actor, source=Path(filename).name), dry_run=dry_run)
    except CriteriaErrors as exc:
        raise ImportErrors([p.as_row_error() for p in exc.problems]) from exc
    return saved.counts


def _summary(counts) -> str:
    return _("Phiếu chấm tạo mới: %(c)s, thay thế: %(r)s, không đổi: %(u)s.") % {
        "c": counts.get("sheets_created", 0),
        "r": counts.get("sheets_replaced", 0),
        "u": counts.get("sheets_unchanged", 0),
    }


def _check_file(uploaded):
    name = Path(uploaded.name or "").name
    if name.lower().endswith(".csv"):
        if not uploaded.size:
            raise DomainError(_("Tệp '%(name)s' rỗng.") % {"name": name}, field="file")
        if uploaded.size > max_upload_bytes():
            raise DomainError(_("Tệp '%(name)s' quá lớn.") % {"name": name}, field="file")
        return name
    if not name.lower().endswith(".xlsx"):
        raise DomainError(
            _("Tệp '%(name)s' không đúng loại: chỉ nhận tệp mẫu phiếu chấm .xlsx hoặc .csv.") % {"name": name},
            field="file",
        )
    check_upload(uploaded, ["xlsx"])
    return name


def _upload_page(request, criteria_set, *, errors=(), summary="", token="", filename=""):
    return TemplateResponse(
        request,
        "evaluation/criteria/upload.html",
        {
            "set": criteria_set,
            "errors": [
                {"row": e.row, "field": _field_label(e.column), "column": e.column, "message": e.message}
                for e in errors
            ],
            "summary": summary,
            "token": token,
            "filename": filename,
        },
    )


@login_required
@require_POST
def upload_check(request, pk):
    """Dry run: read and validate the whole file, report every error by row and field; keep the file to save it."""
    criteria_set = _admin_set(request, pk)
    if refused := _refuse_published(request, criteria_set):
        return refused
    form = f.UploadForm(request.POST, request.FILES, auto_id="upload_%s")
    if not form.is_valid():
        return _set_page(request, criteria_set, {("upload", None): form})
    uploaded = form.cleaned_data["file"]
    try:
        name = _check_file(uploaded)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _set_page(request, criteria_set, {("upload", None): form})
    data = uploaded.read()
    try:
        counts = _import_sheets(criteria_set, ContentFile(data), name, actor=request.user, dry_run=True)
    except ImportErrors as exc:
        return _upload_page(request, criteria_set, errors=exc.errors, filename=name)
    token = uuid.uuid4().hex
    stored = default_storage.save(f"criteria-uploads/{token}{Path(name).suffix.lower()}", ContentFile(data))
    request.session[f"{UPLOAD_SESSION}:{token}"] = {"set": criteria_set.pk, "path": stored, "name": name}
    return _upload_page(request, criteria_set, summary=_summary(counts), token=token, filename=name)


@login_required
@require_POST
def upload_save(request, pk):
    criteria_set = _admin_set(request, pk)
    if refused := _refuse_published(request, criteria_set):
        return refused
    token = re.sub(r"[^0-9a-f]", "", request.POST.get("token", ""))
    kept = request.session.get(f"{UPLOAD_SESSION}:{token}")
    if not kept or kept.get("set") != criteria_set.pk or not default_storage.exists(kept["path"]):
        messages.error(request, _("Không còn tệp đã kiểm tra; hãy tải tệp lên và kiểm tra lại."))
        return redirect("criteria:detail", pk)
    with default_storage.open(kept["path"], "rb") as handle:
        data = handle.read()
    try:
        counts = _import_sheets(criteria_set, ContentFile(data), kept["name"], actor=request.user, dry_run=False)
    except ImportErrors as exc:
        return _upload_page(request, criteria_set, errors=exc.errors, filename=kept["name"])
    default_storage.delete(kept["path"])
    del request.session[f"{UPLOAD_SESSION}:{token}"]
    messages.success(
        request, _("Đã nạp tệp %(name)s. %(summary)s") % {"name": kept["name"], "summary": _summary(counts)}
    )
    return redirect("criteria:detail", pk)


# ── The round form's helper: the set in force on a day, and its sheets ───────────────────────────────────────────


@login_required
def in_force(request):
    """A fragment for the round form: the published set in force on the start date and the sheets it lacks."""
    if not (request.user.has_perm("evaluation.manage") or is_admin(request.user)):
        raise Http404
    text = request.GET.get("starts_on", "")
    context = {"admin": is_admin(request.user)}
    try:
        day = parse_date(text) if text.strip() else None
    except DomainError:
        day = None
    context["day"] = day
    if day is not None:
        found = CriteriaSet.objects.in_force(day).filter(status=SetStatus.PUBLISHED).order_by("-valid_from").first()
        context["found"] = found
        if found is not None:
            context["missing"] = list(
                found.scopes.filter(criteria__isnull=True).select_related("category").order_by("position", "id")
            )
            context["n_sheets"] = found.scopes.filter(criteria__isnull=False).distinct().count()
            context["uncovered"] = list(
                ProductCategory.objects.filter(system=found.system, parent__isnull=False)
                .exclude(id__in=found.scopes.filter(criteria__isnull=False).values("category"))
                .exclude(parent__in=found.scopes.filter(criteria__isnull=False).values("category"))
                .order_by("position")
            )
    return TemplateResponse(request, "evaluation/criteria/partials/in_force.html", context)
