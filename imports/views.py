from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actions import perform
from core.htmx import page_or_partial
from core.scoping import get_in_scope_or_404
from imports import kinds, progress, services
from imports.models import Mode, Status

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 500  # the table on the page; the error workbook has every one


def _job(request, pk):
    return get_in_scope_or_404(services.jobs_for(request.user).select_related("created_by", "area"), pk=pk)


@login_required
def history(request):
    if not any(request.user.has_perm(k.action) for k in kinds.all_kinds()):
        raise PermissionDenied
    jobs = services.jobs_for(request.user).select_related("created_by", "area")
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    labels = {k.key: k.label for k in kinds.all_kinds()}
    for job in page:
        job.kind_label = labels.get(job.kind, job.kind)
    return page_or_partial(request, "imports/history.html", {"page": page}, "results")


@login_required
def job_detail(request, pk: int):
    job = _job(request, pk)
    kind = kinds.get(job.kind)
    if job.is_active and (live := progress.read(job.pk)):
        job.stage, job.done, job.total = live["stage"], live["done"], live["total"]
    context = {
        "job": job,
        "kind": kind,
        "Status": Status,
        "Mode": Mode,
        "errors_shown": job.errors[:ERRORS_SHOWN],
        "undo_refusal": services.undo_refusal(job) if job.status == Status.DONE else None,
    }
    if job.status in (Status.NEEDS_MAPPING, Status.VALIDATED) and job.mode == Mode.DRY_RUN and job.headings:
        context["fields"] = [(c.key, c.label) for c in kind.columns()]
        context["mapping_rows"] = [
            (i, h, [row[h.get("position", i)] if h.get("position", i) < len(row) else "" for row in job.preview])
            for i, h in enumerate(job.headings)
        ]
    return page_or_partial(request, "imports/job.html", context, "body")


@login_required
@require_POST
def job_mapping(request, pk: int):
    job = _job(request, pk)
    choices = {h["text"]: request.POST.get(f"map-{i}", "") for i, h in enumerate(job.headings)}
    return perform(
        request,
        lambda: services.apply_mapping(
            actor=request.user, job=job, choices=choices, save=bool(request.POST.get("save"))
        ),
        success=_("Đã ghép cột; tệp đang được kiểm tra lại."),
        then="imports:job",
        pk=job.pk,
    )


@login_required
@require_POST
def job_write(request, pk: int):
    job = _job(request, pk)
    return perform(
        request,
        lambda: services.request_write(
            actor=request.user, job=job, skip_invalid=bool(request.POST.get("skip_invalid"))
        ),
        success=_("Đã bắt đầu ghi vào hệ thống."),
        then="imports:job",
        pk=job.pk,
    )


@login_required
@require_POST
def job_cancel(request, pk: int):
    job = _job(request, pk)
    return perform(
        request,
        lambda: services.cancel(actor=request.user, job=job),
        success=_("Đã yêu cầu hủy; việc đang làm được hoàn lại."),
        then="imports:job",
        pk=job.pk,
    )


@login_required
@require_POST
def job_undo(request, pk: int):
    job = _job(request, pk)
    return perform(
        request,
        lambda: services.undo(actor=request.user, job=job),
        success=_("Đã hoàn tác lần nhập: mọi mục nó tạo đã được xóa."),
        then="imports:job",
        pk=job.pk,
    )


@login_required
def job_error_file(request, pk: int):
    job = _job(request, pk)
    if not job.error_file:
        raise Http404
    name = job.error_file.name.rsplit("/", 1)[-1]
    return FileResponse(job.error_file.open("rb"), as_attachment=True, filename=name, content_type=XLSX)


def upload_redirect(request, job):
    """After an upload page stored the file: go to the job's page (its dry run is queued or, inline, done)."""
    messages.info(request, _("Đã nhận tệp %(f)s; đang kiểm tra.") % {"f": job.original_name})
    return redirect("imports:job", pk=job.pk)
