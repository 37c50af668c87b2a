"""Pages of the recognition procedure (issue 18): the board per year, the list, the registration, a request's page
(dossier, documents, criteria with verdicts and answers, action buttons, history) and its POST-only steps.

Every step calls one service of ntm.procedure_services; a refusal comes back as the service's message on the
request's page, and the service's transaction leaves nothing half-done.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scope import area_scope
from core.errors import DomainError
from core.forms import add_domain_error
from core.htmx import page_or_partial
from core.scoping import get_in_scope_or_404
from ntm import procedure_queries, procedure_services
from ntm.models import RecognitionRequest, RequestDocument
from ntm.procedure_forms import (
    AppraiseForm,
    BoardFilter,
    DecideForm,
    DocumentForm,
    DossierForm,
    ListFilter,
    ReasonForm,
    RegisterForm,
    RequiredReasonForm,
    RespondForm,
)


def waiting_labels() -> dict:
    return {
        "commune": _("Chờ xã"),
        "district": _("Chờ huyện"),
        "province": _("Chờ tỉnh"),
    }


def _need(request, action):
    if not request.user.has_perm(action):
        raise PermissionDenied


def _request(request, pk, action="ntm.view"):
    """The request in the user's reach for `action`; outside it (another commune, another province) 404."""
    return get_in_scope_or_404(
        RecognitionRequest.objects.for_user(request.user, action).select_related(
            "commune", "commune__district", "commune__province", "district", "criteria_set", "recognition"
        ),
        pk=pk,
    )


def _criteria(obj) -> dict:
    """The criteria of the request's set, by id (the appraisals name them)."""
    return {a.criterion_id: a.criterion for a in obj.appraisals.select_related("criterion")}


def _refused(request, obj, form) -> None:
    """A form that did not validate: its first problem as the page's message (field label: error)."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = errors[0]
        messages.error(request, f"{label}: {text}" if label else text)
        return


# ── Lists ───────────────────────────────────────────────────────────────────────────────────────────────────────────


@login_required
def request_board(request):
    """The requests of a year in columns by status, who each waits on and for how many days."""
    _need(request, "ntm.view")
    form = BoardFilter(request.GET or None)
    year = form.year_or_default()
    area = form.cleaned_data.get("area") if form.is_bound and form.is_valid() else None
    data = procedure_queries.board(user=request.user, year=year, area=area)
    labels = waiting_labels()
    for column in data["columns"]:
        column["waiting_label"] = labels.get(column.get("waiting_on"), "")
    query = urlencode({"year": year, **({"area": str(area.area_id)} if area is not None else {})})
    return page_or_partial(
        request,
        "ntm/procedure/board.html",
        {
            "form": form,
            "year": year,
            "area": area,
            "board": data,
            "query": query,
            "waiting": labels,
            "can_register": request.user.has_perm("ntm.request"),
        },
        "board",
    )


@login_required
def request_list(request):
    _need(request, "ntm.view")
    form = ListFilter(request.GET or None)
    filters = {}
    if form.is_bound:
        if form.is_valid():
            filters = {
                "year": form.cleaned_data["year"],
                "area": form.cleaned_data["area"],
                "status": form.cleaned_data["status"] or None,
            }
        else:
            filters = None
    if filters is None:
        qs = RecognitionRequest.objects.none()
    else:
        qs = procedure_queries.requests_for(user=request.user, **filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    labels = waiting_labels()
    rows = [{"request": r, "waiting": labels.get(procedure_services.waiting_on(r), "")} for r in page]
    return page_or_partial(
        request,
        "ntm/procedure/list.html",
        {"form": form, "page": page, "rows": rows, "can_register": request.user.has_perm("ntm.request")},
        "results",
    )


def commune_requests_context(request, unit) -> dict:
    """What the commune page's block (ntm/procedure/_commune_block.html) needs: the commune's requests still open
    (and the last closed ones) and whether this user may register a new one."""
    user = request.user
    requests = list(
        RecognitionRequest.objects.for_user(user, "ntm.view")
        .filter(commune=unit)
        .select_related("commune", "recognition")
        .order_by("-year", "-registered_at")[:10]
    )
    labels = waiting_labels()
    rows = [{"request": r, "waiting": labels.get(procedure_services.waiting_on(r), "")} for r in requests]
    return {
        "procedure_unit": unit,
        "procedure_rows": rows,
        "procedure_can_register": bool(
            unit.is_rural_commune and user.has_perm("ntm.request") and area_scope(user, "ntm.request").contains(unit)
        ),
    }


# ── Registration and the request's page ─────────────────────────────────────────────────────────────────────────────


@login_required
def request_register(request):
    _need(request, "ntm.request")
    initial = {"year": _this_year()}
    if request.method == "GET" and request.GET.get("commune"):
        initial["commune"] = request.GET["commune"][:60]
    if request.method == "GET" and request.GET.get("level"):
        initial["target_level"] = request.GET["level"][:20]
    form = RegisterForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            obj = procedure_services.register(
                actor=request.user, commune=data["commune"], year=data["year"], target_level=data["target_level"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã đăng ký: %(r)s.") % {"r": obj})
            return redirect("ntm:request_detail", pk=obj.pk)
    return render(request, "ntm/procedure/register.html", {"form": form})


def _this_year() -> int:
    return timezone.localdate().year


@login_required
def request_detail(request, pk: int):
    _need(request, "ntm.view")
    obj = _request(request, pk)
    detail = procedure_queries.request_detail(obj)
    allowed = procedure_services.allowed_actions(request.user, obj)
    criteria = [row["criterion"] for row in detail["criteria"]]
    names = {c.code: f"{c.number}. {c.name}" for c in criteria}  # the history names criteria, not their codes
    for entry in detail["history"]:
        entry["criterion_name"] = names.get(entry.get("criterion"), "")
    labels = waiting_labels()
    return render(
        request,
        "ntm/procedure/detail.html",
        {
            "obj": obj,
            "detail": detail,
            "allowed": allowed,
            "waiting": labels.get(procedure_services.waiting_on(obj), ""),
            "stage": procedure_services.stage(obj),
            "dossier_form": DossierForm(initial={"self_assessment": obj.self_assessment, "version": obj.version}),
            "document_form": DocumentForm(criteria=criteria),
            "decide_form": DecideForm(),
            "reason_form": ReasonForm(),
            "required_reason_form": RequiredReasonForm(),
            "verdicts": AppraiseForm.base_fields["verdict"].choices,
        },
    )


# ── The steps (POST only) ───────────────────────────────────────────────────────────────────────────────────────────


def _step(request, pk, action, form_class, call, success, *, with_criteria=False, files=False):
    """One POSTed step: the user's reach (404 outside it), the form, the service; then back to the request's page
    with the success or the refusal as its message."""
    _need(request, action)
    obj = _request(request, pk, action)
    kwargs = {}
    if with_criteria:
        kwargs["criteria"] = _criteria(obj)
    form = form_class(request.POST, request.FILES if files else None, **kwargs) if form_class else None
    if form is not None and not form.is_valid():
        _refused(request, obj, form)
        return redirect(obj)
    try:
        call(obj, form.cleaned_data if form is not None else {})
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(obj)


@login_required
@require_POST
def request_save(request, pk: int):
    return _step(
        request,
        pk,
        "ntm.request",
        DossierForm,
        lambda obj, data: procedure_services.save_dossier(
            actor=request.user,
            request=obj,
            self_assessment=data["self_assessment"],
            expected_version=data.get("version"),
        ),
        _("Đã lưu báo cáo tự đánh giá."),
    )


class _DocumentForm(DocumentForm):
    """The upload form with the request's criteria (passed as `criteria` by _step)."""

    def __init__(self, *args, criteria=None, **kwargs):
        super().__init__(*args, criteria=list((criteria or {}).values()), **kwargs)


@login_required
@require_POST
def request_document_add(request, pk: int):
    return _step(
        request,
        pk,
        "ntm.request",
        _DocumentForm,
        lambda obj, data: procedure_services.add_document(
            actor=request.user, request=obj, upload=data["file"], title=data["title"], criterion=data["criterion"]
        ),
        _("Đã tải tài liệu lên hồ sơ."),
        with_criteria=True,
        files=True,
    )


def _document(request, pk, action):
    return get_in_scope_or_404(
        RequestDocument.objects.filter(
            request__in=RecognitionRequest.objects.for_user(request.user, action)
        ).select_related("request"),
        pk=pk,
    )


@login_required
@require_POST
def request_document_remove(request, pk: int):
    _need(request, "ntm.request")
    document = _document(request, pk, "ntm.request")
    try:
        procedure_services.remove_document(actor=request.user, document=document)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xóa tài liệu “%(t)s”.") % {"t": document.title})
    return redirect(document.request)


@login_required
def request_document_download(request, pk: int):
    """The only way to a stored document: in the reader's scope, as an attachment with the checked content type."""
    _need(request, "ntm.view")
    document = _document(request, pk, "ntm.view")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=document.original_name, content_type=document.content_type)


@login_required
@require_POST
def request_respond(request, pk: int):
    return _step(
        request,
        pk,
        "ntm.request",
        RespondForm,
        lambda obj, data: procedure_services.respond(
            actor=request.user, request=obj, criterion=data["criterion"], response=data["response"]
        ),
        _("Đã ghi giải trình của xã."),
        with_criteria=True,
    )


@login_required
@require_POST
def request_submit(request, pk: int):
    return _step(
        request,
        pk,
        "ntm.request",
        None,
        lambda obj, data: procedure_services.submit(actor=request.user, request=obj),
        _("Đã nộp hồ sơ đề nghị thẩm định."),
    )


@login_required
@require_POST
def request_withdraw(request, pk: int):
    return _step(
        request,
        pk,
        "ntm.request",
        RequiredReasonForm,
        lambda obj, data: procedure_services.withdraw(actor=request.user, request=obj, reason=data["reason"]),
        _("Xã đã rút đăng ký."),
    )


@login_required
@require_POST
def request_appraise(request, pk: int):
    return _step(
        request,
        pk,
        "ntm.appraise",
        AppraiseForm,
        lambda obj, data: procedure_services.appraise_criterion(
            actor=request.user,
            request=obj,
            criterion=data["criterion"],
            verdict=data["verdict"],
            reason=data["reason"],
        ),
        _("Đã ghi kết quả thẩm định tiêu chí."),
        with_criteria=True,
    )


@login_required
@require_POST
def request_return(request, pk: int):
    return _step(
        request,
        pk,
        "ntm.appraise",
        ReasonForm,
        lambda obj, data: procedure_services.return_request(actor=request.user, request=obj, reason=data["reason"]),
        _("Đã trả hồ sơ cho xã hoàn thiện."),
    )


@login_required
@require_POST
def request_propose(request, pk: int):
    return _step(
        request,
        pk,
        "ntm.appraise",
        None,
        lambda obj, data: procedure_services.propose(actor=request.user, request=obj),
        _("Đã đề nghị công nhận."),
    )


@login_required
@require_POST
def request_decide(request, pk: int):
    return _step(
        request,
        pk,
        "ntm.manage",
        DecideForm,
        lambda obj, data: procedure_services.decide(
            actor=request.user, request=obj, decision_no=data["decision_no"], decision_date=data["decision_date"]
        ),
        _("Đã ghi quyết định công nhận."),
    )


@login_required
@require_POST
def request_refuse(request, pk: int):
    return _step(
        request,
        pk,
        "ntm.manage",
        RequiredReasonForm,
        lambda obj, data: procedure_services.refuse(actor=request.user, request=obj, reason=data["reason"]),
        _("Đã ghi không công nhận."),
    )
