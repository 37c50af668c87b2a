"""Pages of the village registry: the list (per commune, district or province), create, edit, move, close, merge,
split, the detail with its history, the spreadsheet upload and the placement after the 2025 merger."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scope import area_scope
from areas.choices import REFORM_DATE
from core.errors import DomainError
from core.forms import add_domain_error
from core.htmx import page_or_partial
from core.imports import ImportErrors
from core.scoping import get_in_scope_or_404
from core.text import fold
from ntm import village_services
from ntm.models import Village
from ntm.village_forms import (
    VillageCloseForm,
    VillageCreateForm,
    VillageFilter,
    VillageForm,
    VillageImportForm,
    VillageMergeForm,
    VillageMoveForm,
    VillageSplitForm,
)
from ntm.village_imports import VILLAGE_COLUMNS, import_villages
from ntm.village_queries import village_history, villages_in

REGISTRY_ACTIONS = ("ntm.manage", "ntm.assess")


def _need(request, *actions):
    if not any(request.user.has_perm(a) for a in actions):
        raise PermissionDenied


def _may(user, action, unit) -> bool:
    return user.has_perm(action) and area_scope(user, action).contains(unit)


def _village(request, pk, action="ntm.view"):
    return get_in_scope_or_404(Village.objects.for_user(request.user, action).select_related("commune"), pk=pk)


@login_required
def village_list(request):
    _need(request, "ntm.view")
    form = VillageFilter(request.GET or None)
    qs = Village.objects.for_user(request.user, "ntm.view")
    area, day = None, datetime.date.today()
    if form.is_valid():
        area = form.cleaned_data["area"]
        day = form.cleaned_data["day"] or day
        if area is not None:
            qs = qs.filter(pk__in=villages_in(area, day).values("pk"))
        if form.cleaned_data["q"]:
            qs = qs.filter(search_name__contains=fold(form.cleaned_data["q"]))
    elif form.is_bound:
        qs = qs.none()
    qs = qs.select_related("commune", "commune__district", "commune__province").order_by(
        "commune__search_name", "search_name", "pk"
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    can_add = any(request.user.has_perm(a) for a in REGISTRY_ACTIONS)
    return page_or_partial(
        request,
        "ntm/villages/list.html",
        {
            "page": page,
            "form": form,
            "area": area,
            "day": day,
            "can_add": can_add,
            "can_manage": request.user.has_perm("ntm.manage"),
        },
        "results",
    )


@login_required
def village_create(request):
    _need(request, *REGISTRY_ACTIONS)
    initial = {}
    if request.method == "GET" and request.GET.get("commune"):
        initial["commune"] = request.GET["commune"]
    form = VillageCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            village = village_services.create_village(
                actor=request.user,
                commune=data["commune"],
                name=data["name"],
                kind=data["kind"],
                code=data["code"],
                valid_from=data["valid_from"],
                note=data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã thêm %(v)s.") % {"v": village})
            return redirect("ntm:village_detail", pk=village.pk)
    return render(request, "ntm/villages/form.html", {"form": form, "title": _("Thêm thôn, bản")})


@login_required
def village_detail(request, pk: int):
    _need(request, "ntm.view")
    village = _village(request, pk)
    placements, predecessors, successors, recognitions = village_history(village)
    return render(
        request,
        "ntm/villages/detail.html",
        {
            "village": village,
            "placements": placements,
            "predecessors": predecessors,
            "successors": successors,
            "recognitions": recognitions,
            "can_edit": any(_may(request.user, a, village.commune) for a in REGISTRY_ACTIONS),
            "can_manage": _may(request.user, "ntm.manage", village.commune),
            **_village_assessments_context(request, village),
        },
    )


def _village_assessments_context(request, village) -> dict:
    """The village's assessments by year, and the start button (with the sets of this year) for its commune's
    officer; where no village set applies this year, the page says so (ntm.village_assessment_services)."""
    from ntm.village_assessment_forms import StartForm
    from ntm.village_assessment_services import village_sets_for

    year = datetime.date.today().year
    sets = village_sets_for(village, year)
    can_assess = _may(request.user, "ntm.assess", village.commune)
    return {
        "village_assessments": list(village.assessments.select_related("criteria_set", "commune").order_by("-year")),
        "assessment_year": year,
        "assessment_sets": sets,
        "can_assess": can_assess,
        "start_form": StartForm(initial={"year": year}, sets=sets) if can_assess else None,
    }


@login_required
def village_edit(request, pk: int):
    _need(request, *REGISTRY_ACTIONS)
    village = _village(request, pk)
    if not any(_may(request.user, a, village.commune) for a in REGISTRY_ACTIONS):
        raise PermissionDenied
    initial = {"name": village.name, "kind": village.kind, "code": village.code, "note": village.note}
    form = VillageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            village_services.update_village(actor=request.user, village=village, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("ntm:village_detail", pk=village.pk)
    return render(request, "ntm/villages/form.html", {"form": form, "village": village, "title": _("Sửa thôn, bản")})


def _manage_form(request, pk, form_class, call, success, title):
    """A province-only step on one village (move, close, split): the form, the service, the detail page."""
    _need(request, "ntm.manage")
    village = _village(request, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = call(village, form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, success)
            target = result if isinstance(result, Village) else village
            return redirect("ntm:village_detail", pk=target.pk)
    return render(request, "ntm/villages/form.html", {"form": form, "village": village, "title": title})


@login_required
def village_move(request, pk: int):
    return _manage_form(
        request,
        pk,
        VillageMoveForm,
        lambda village, data: village_services.move_village(actor=request.user, village=village, **data),
        _("Đã chuyển thôn, bản sang xã mới."),
        _("Chuyển thôn, bản sang xã khác"),
    )


@login_required
def village_close(request, pk: int):
    return _manage_form(
        request,
        pk,
        VillageCloseForm,
        lambda village, data: village_services.close_village(actor=request.user, village=village, **data),
        _("Đã ghi thôn, bản chấm dứt."),
        _("Chấm dứt thôn, bản"),
    )


@login_required
def village_merge(request, pk: int):
    def candidates(village):
        others = (
            Village.objects.for_user(request.user, "ntm.manage")
            .filter(commune=village.commune, valid_to__isnull=True)
            .exclude(pk=village.pk)
            .order_by("search_name")
        )
        return {"candidates": others}

    def call(village, data):
        if data["name"]:
            return village_services.merge_villages(
                actor=request.user,
                villages=[village, *data["others"]],
                day=data["day"],
                decision=data["decision"],
                name=data["name"],
                kind=data["kind"] or village.kind,
            )
        return village_services.merge_villages(
            actor=request.user, villages=list(data["others"]), into=village, day=data["day"], decision=data["decision"]
        )

    return _merge(request, pk, candidates, call)


def _merge(request, pk, candidates, call):
    _need(request, "ntm.manage")
    village = _village(request, pk)
    form = VillageMergeForm(request.POST or None, **candidates(village))
    if request.method == "POST" and form.is_valid():
        try:
            result = call(village, form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ghi sáp nhập thôn, bản."))
            return redirect("ntm:village_detail", pk=result.pk)
    return render(
        request, "ntm/villages/form.html", {"form": form, "village": village, "title": _("Sáp nhập thôn, bản")}
    )


@login_required
def village_split(request, pk: int):
    def call(village, data):
        village_services.split_village(
            actor=request.user,
            village=village,
            parts=[(name, data["kind"]) for name in data["names"]],
            day=data["day"],
            decision=data["decision"],
        )
        return village

    return _manage_form(request, pk, VillageSplitForm, call, _("Đã ghi chia tách thôn, bản."), _("Chia tách thôn, bản"))


@login_required
@require_POST
def village_place_after_merger(request):
    """The province's button: move its villages to the communes that succeeded theirs on 01/07/2025."""
    _need(request, "ntm.manage")
    form = VillageFilter(request.POST)
    area = form.cleaned_data["area"] if form.is_valid() else None
    if area is None:
        messages.error(request, _("Chọn tỉnh hoặc xã cần xếp thôn, bản theo đơn vị hành chính mới."))
        return redirect("ntm:village_list")
    try:
        moved, choices = village_services.place_villages_after_merger(actor=request.user, day=REFORM_DATE, area=area)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xếp %(n)s thôn, bản vào xã mới.") % {"n": len(moved)})
        if choices:
            names = "; ".join(f"{v} ({v.commune.name})" for v, _c in choices[:20])
            messages.warning(
                request,
                _("%(n)s thôn, bản thuộc xã được chia cho nhiều xã mới, cần chọn xã bằng nút “Chuyển xã”: %(v)s")
                % {"n": len(choices), "v": names},
            )
    return redirect(f"{reverse('ntm:village_list')}?{urlencode({'area': str(area.area_id)})}")


@login_required
def village_import(request):
    """Upload → the imports app's background dry run when the `villages` kind is configured; otherwise the file is
    checked and written here at once (all or nothing: any refused row writes nothing)."""
    _need(request, "ntm.manage")
    form = VillageImportForm(request.POST or None, request.FILES or None)
    errors, result = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if "villages" in getattr(settings, "IMPORT_KINDS", {}):
            from imports import services as imports_services
            from imports.views import upload_redirect

            job = imports_services.start_import(actor=request.user, kind_key="villages", upload=upload)
            return upload_redirect(request, job)
        try:
            result = import_villages(upload, actor=request.user, filename=upload.name)
        except ImportErrors as exc:
            errors = [str(e) for e in exc.errors]
        except DomainError as exc:
            errors = [exc.message]
        else:
            messages.success(request, result.display)
    return render(
        request,
        "ntm/villages/import.html",
        {"form": form, "columns": VILLAGE_COLUMNS, "errors": errors, "result": result},
        status=400 if errors else 200,
    )
