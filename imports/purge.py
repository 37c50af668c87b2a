"""Import jobs that nobody finishes, and files nobody needs, do not stay forever (issue 14).

`purge()` does three things, each audited (one entry per job, `actor=None`, the system):

- a job left waiting (queued, waiting for its mapping, or checked and waiting for "Ghi") longer than
  settings.IMPORT_ABANDON_AFTER is cancelled and its uploaded file and error workbook deleted
  (`imports.job.expired`);
- a job "running" whose worker has shown no progress for settings.IMPORT_STALE_AFTER (the worker was killed or the
  machine restarted) is marked failed: its transaction died with the worker, so nothing was written
  (`imports.job.worker_lost`). Should its write have committed just before the worker died (its audit entries
  exist), it is marked done instead;
- the uploaded file and error workbook of a job that ended more than settings.IMPORT_FILE_RETENTION ago are deleted;
  the job, its counters, errors and audit entries stay, so history and undo still work (`imports.job.files_purged`).

`manage.py purge_imports` runs it (from cron, e.g. hourly); the worker also runs it before a job, at most once every
PURGE_EVERY (`maybe_purge`)."""

import contextlib
import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.models import AuditEntry
from imports import progress
from imports.models import ImportJob, Mode, Status

logger = logging.getLogger(__name__)

WAITING = (Status.QUEUED, Status.NEEDS_MAPPING, Status.VALIDATED)
ENDED = (Status.DONE, Status.FAILED, Status.CANCELLED, Status.UNDONE)
PURGE_EVERY = 600  # seconds between two purges run by the worker
PURGE_KEY = "imports:last-purge"


def _setting(name: str, default: datetime.timedelta) -> datetime.timedelta:
    value = getattr(settings, name, default)
    return value if isinstance(value, datetime.timedelta) else datetime.timedelta(seconds=int(value))


def abandon_after() -> datetime.timedelta:
    return _setting("IMPORT_ABANDON_AFTER", datetime.timedelta(hours=24))


def stale_after() -> datetime.timedelta:
    return _setting("IMPORT_STALE_AFTER", datetime.timedelta(minutes=30))


def file_retention() -> datetime.timedelta:
    return _setting("IMPORT_FILE_RETENTION", datetime.timedelta(days=30))


def _last_progress(job) -> datetime.datetime:
    """When the worker last said something about the job: its start, or its progress file's last write."""
    moments = [job.started_at or job.created_at]
    path = Path(settings.VAR_DIR) / "imports" / "jobs" / f"{job.pk}.json"
    with contextlib.suppress(OSError):  # no progress file: the job never reported any
        moments.append(datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC))
    return max(moments)


def _files(job) -> list[str]:
    return [f.name for f in (job.file, job.error_file) if f]


def _delete_files(job) -> None:
    for field in (job.file, job.error_file):
        if field:
            try:
                field.delete(save=False)
            except OSError:  # already gone: the row must still forget it
                logger.warning("import job %s: could not delete %s", job.pk, field.name)
                field.name = ""


def _entry(job, action: str, after: dict):
    audit.record(actor=None, action=action, obj=job, area=job.area, label=job.original_name, after=after)


def purge(*, now: datetime.datetime | None = None) -> dict:
    """Cancel abandoned jobs, fail those whose worker died, delete old files. Returns the counts."""
    now = now or timezone.now()
    counts = {"expired": 0, "worker_lost": 0, "files_purged": 0}

    waiting_since = now - abandon_after()
    for pk in ImportJob.objects.filter(status__in=WAITING, created_at__lt=waiting_since).values_list("pk", flat=True):
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().filter(pk=pk, status__in=WAITING).first()
            # the last time someone acted on it: the upload, or the end of its last run
            if job is None or max(filter(None, (job.created_at, job.finished_at))) >= waiting_since:
                continue
            files = _files(job)
            before = job.status
            _delete_files(job)
            job.status, job.finished_at = Status.CANCELLED, now
            job.reason = _(
                "Đã hủy tự động: lần nhập bị bỏ dở quá %(h)s giờ; tệp đã tải lên đã được xóa, không có gì được ghi. "
                "Muốn nhập thì hãy tải tệp lên lại."
            ) % {"h": int(abandon_after().total_seconds() // 3600)}
            job.save(update_fields=["status", "finished_at", "reason", "file", "error_file"])
            _entry(job, "imports.job.expired", {"status": before, "deleted": files})
        progress.clear(job.pk)
        counts["expired"] += 1

    silent_since = now - stale_after()
    for job in ImportJob.objects.filter(status=Status.RUNNING, started_at__lt=silent_since):
        if _last_progress(job) >= silent_since:
            continue
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().filter(pk=job.pk, status=Status.RUNNING).first()
            if job is None:
                continue
            committed = job.mode == Mode.WRITE and AuditEntry.objects.filter(request_id=job.audit_tag).exists()
            if committed:
                job.status = Status.DONE
                job.reason = _(
                    "Dữ liệu đã được ghi, nhưng tiến trình xử lý dừng trước khi lưu kết quả chi tiết của lần nhập."
                )
            else:
                job.status = Status.FAILED
                job.reason = _(
                    "Tiến trình xử lý tệp đã dừng giữa chừng (máy chủ khởi động lại hoặc bị tắt); không có gì được "
                    "ghi. Hãy tải tệp lên lại."
                )
            job.finished_at = now
            job.save(update_fields=["status", "finished_at", "reason"])
            _entry(job, "imports.job.worker_lost", {"status": job.status, "mode": job.mode})
        progress.clear(job.pk)
        counts["worker_lost"] += 1

    ended_before = now - file_retention()
    old = ImportJob.objects.filter(status__in=ENDED, finished_at__lt=ended_before).exclude(file="", error_file="")
    for job in old:
        files = _files(job)
        if not files:
            continue
        with transaction.atomic():
            _delete_files(job)
            ImportJob.objects.filter(pk=job.pk).update(file=job.file.name or "", error_file=job.error_file.name or "")
            _entry(job, "imports.job.files_purged", {"deleted": files})
        counts["files_purged"] += 1
    return counts


def maybe_purge() -> dict | None:
    """The worker's periodic step: purge at most once every PURGE_EVERY seconds (per cache), never failing the job
    it runs before."""
    if not cache.add(PURGE_KEY, True, PURGE_EVERY):
        return None
    try:
        return purge()
    except Exception:
        logger.exception("purging import jobs failed")
        return None
