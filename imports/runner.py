"""Running one phase of an import job in the worker: the dry run (with the mapping step) or the write.

The importers (settings.IMPORT_KINDS) do the work; this records what they say on the job. Every audit entry the
write produces carries the job's tag as its request id, which is how undo later finds what the job created."""

import dataclasses
import io
import logging
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.imports import ImportErrors, read_table
from core.middleware import current_request_id
from imports import kinds, mapping, progress
from imports.models import ImportJob, Mode, SavedMapping, Status

logger = logging.getLogger(__name__)
OUTCOMES_KEPT = 1000  # what each row does (will do) shown on the page; counts and the workbook cover the rest


class Cancelled(Exception):
    """Raised from the progress callback: the importer rolls everything back."""


def problems(items) -> list[dict]:
    return [{"row": p.row, "column": p.column, "message": p.message} for p in items]


def outcome(o) -> dict:
    """One row's outcome, whatever the importer: its row, what it names, and what is done to it."""
    data = dataclasses.asdict(o)
    if hasattr(o, "recognition_label"):
        data["recognition"] = str(o.recognition_label)
    row, action, detail = data.pop("row"), str(data.pop("action")), data.pop("detail", "")
    what = " · ".join(str(v) for v in data.values() if v not in ("", None))
    return {"row": row, "what": what, "action": f"{action} ({detail})" if detail else action}


def run_job(job_id: int) -> str:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != Status.QUEUED:  # cancelled while it waited
        return job.status
    if progress.cancel_requested(job.pk):
        return _cancelled(job)
    job.status, job.started_at, job.finished_at = Status.RUNNING, timezone.now(), None
    job.stage, job.done, job.total, job.reason = "read", 0, 0, ""
    job.save(update_fields=["status", "started_at", "finished_at", "stage", "done", "total", "reason"])
    kind = kinds.get(job.kind)
    token = current_request_id.set(job.audit_tag)
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        if job.mode == Mode.DRY_RUN and _stop_for_mapping(job, kind, data):
            return job.status
        _run(job, kind, data)
    except Cancelled:
        _cancelled(job)
    except ImportErrors as exc:
        job.errors, job.warnings = problems(exc.errors), problems(exc.warnings)
        if job.mode == Mode.DRY_RUN:  # the file cannot be read as it is: the page lists why
            job.rows_total = job.invalid_rows = 0
            _finish(job, Status.VALIDATED)
        else:
            _finish(job, Status.FAILED, _("Dữ liệu đã thay đổi từ lúc kiểm tra tệp; không có gì được ghi."))
    except DomainError as exc:
        _finish(job, Status.FAILED, exc.message)
    except Exception as exc:  # the job must end with a reason, whatever happened
        logger.exception("import job %s failed", job.pk)
        _finish(
            job,
            Status.FAILED,
            _("Lỗi hệ thống khi xử lý tệp (%(e)s); không có gì được ghi.") % {"e": exc.__class__.__name__},
        )
    finally:
        current_request_id.reset(token)
        progress.clear(job.pk)
    return job.status


def _stop_for_mapping(job, kind, data: bytes) -> bool:
    """Read the headings; reuse the province's saved mapping when it fits; stop for the person when headings are
    unknown or a required column is missing (once: after they map, the dry run goes on whatever remains)."""
    columns = kind.columns()
    table = read_table(io.BytesIO(data), columns, job.original_name, kind=kind.key, mapping=job.mapping or None)
    headings = mapping.heading_dicts(table)
    if not job.mapping and not job.mapping_confirmed:
        saved = next(
            (s for s in SavedMapping.objects.filter(kind=job.kind, area=job.area) if mapping.fits(s.mapping, headings)),
            None,
        )
        if saved is not None:
            job.mapping, job.saved_mapping = saved.mapping, saved
            table = read_table(io.BytesIO(data), columns, job.original_name, kind=kind.key, mapping=saved.mapping)
            headings = mapping.heading_dicts(table)
    job.headings, job.missing = headings, sorted(table.missing)
    width = 1 + max((h.position for h in table.headings), default=-1)
    job.preview = mapping.preview(data, job.original_name, table.header_row, width)
    job.save(update_fields=["mapping", "saved_mapping", "headings", "missing", "preview"])
    if job.mapping_confirmed or not mapping.needs_mapping(table):
        return False
    _finish(job, Status.NEEDS_MAPPING)
    return True


def _run(job, kind, data: bytes) -> None:
    dry_run = job.mode == Mode.DRY_RUN
    errors_to = io.BytesIO()

    def report(stage, done, total):
        progress.write(job.pk, stage, done, total)
        if progress.cancel_requested(job.pk):
            raise Cancelled

    try:
        result = kind.run(
            io.BytesIO(data),
            actor=job.created_by,
            dry_run=dry_run,
            filename=job.original_name,
            mapping=job.mapping or None,
            skip_invalid=dry_run or job.skip_invalid,  # the dry run counts the valid rows whatever the choice
            progress=report,
            errors_to=errors_to,
        )
    finally:
        _keep_error_file(job, errors_to)
    job.rows_total = result.rows_total
    job.invalid_rows = len(result.skipped)
    job.errors, job.warnings = problems(result.errors), problems(result.warnings)
    job.counts = {k: v for k, v in result.counts.items()}
    job.outcomes = [outcome(o) for o in result.outcomes[:OUTCOMES_KEPT]]
    job.summary = str(result.display)
    job.stage, job.done, job.total = "write" if not dry_run else "validate", result.rows_total, result.rows_total
    _finish(job, Status.VALIDATED if dry_run else Status.DONE)


def _keep_error_file(job, errors_to: io.BytesIO) -> None:
    content = errors_to.getvalue()
    if not content:
        return
    stem = PurePath(job.original_name).stem[:80] or "tep"
    job.error_file.save(f"{stem}-loi.xlsx", ContentFile(content), save=False)


def _cancelled(job) -> str:
    reason = (
        _("Đã hủy khi đang ghi: mọi thay đổi đã được hoàn lại, không có gì được ghi.")
        if job.mode == Mode.WRITE
        else _("Đã hủy khi đang kiểm tra tệp; không có gì được ghi.")
    )
    _finish(job, Status.CANCELLED, reason)
    return job.status


def _finish(job, status, reason: str = "") -> None:
    job.status, job.finished_at = status, timezone.now()
    if reason:
        job.reason = reason
    job.save()
