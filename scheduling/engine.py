"""Enqueue the periodic jobs that are due (settings.PERIODIC_JOBS, read by scheduling.schedule).

A run is claimed by inserting its `JobRun` (job, slot) row: a unique constraint lets exactly one scheduler win a slot,
however many run (one per app server, or cron). With the database task backend (django-tasks-db) the task row is
written in the same transaction as the claim, so a slot is either claimed and enqueued or neither. With a backend that
runs the task at once (the immediate backend of the tests) the claim commits first and the task runs after it.

A job whose previous run is still waiting in the queue (no worker is consuming it) is not enqueued again: its slot is
recorded as skipped, so a worker that comes back after a day runs each job once, not once per missed slot.
"""

import datetime
import logging
import os
import socket
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import Task, TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone
from django.utils.module_loading import import_string

from scheduling.models import JobRun, RunStatus
from scheduling.schedule import Job, jobs

logger = logging.getLogger("scheduling")

TRANSACTIONAL_BACKENDS = ("django_tasks_db.backend.DatabaseBackend",)


@dataclass(frozen=True)
class Outcome:
    job: str
    slot: datetime.datetime
    status: str  # a RunStatus value, "taken" (another scheduler claimed the slot) or "error"
    task_id: str = ""
    detail: str = ""

    def line(self) -> str:
        slot = timezone.localtime(self.slot).strftime("%Y-%m-%d %H:%M")
        text = f"{self.job} [{slot}]: {self.status}"
        if self.task_id:
            text += f" (task {self.task_id})"
        return text + (f": {self.detail}" if self.detail else "")


def scheduler_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def history_days() -> int:
    return int(getattr(settings, "PERIODIC_JOB_HISTORY_DAYS", 90))


def run_due(now: datetime.datetime | None = None) -> list[Outcome]:
    """Claim and enqueue every job whose current slot has no run yet. Returns what was done, one Outcome per job
    that was due (nothing for jobs already run in their slot)."""
    now = now or timezone.now()
    schedule = [(job, job.slot_at(now)) for job in jobs()]
    done = set(
        JobRun.objects.filter(job__in=[job.name for job, _ in schedule], slot__in={slot for _, slot in schedule})
        .values_list("job", "slot")
        .order_by()
    )
    outcomes = [_run(job, slot) for job, slot in schedule if (job.name, slot) not in done]
    if any(o.status not in ("taken", "error") for o in outcomes):
        JobRun.objects.filter(slot__lt=now - datetime.timedelta(days=history_days())).delete()
    return outcomes


def _target(job: Job) -> Task:
    """The task to enqueue: the job's own Task, or for a plain function the wrapper task that calls it."""
    target = import_string(job.task)
    if isinstance(target, Task):
        return target
    if not callable(target):
        raise TypeError(f"{job.task} is neither a task nor a function")
    from scheduling.tasks import run_periodic_function

    return run_periodic_function


def _enqueue(job: Job, slot: datetime.datetime, task: Task):
    from scheduling.tasks import run_periodic_function

    args, kwargs = job.arguments(slot)
    if task is run_periodic_function:
        return task.enqueue(job.name, job.task, args, kwargs)
    return task.enqueue(*args, **kwargs)


def _previous_still_waiting(job: Job, slot: datetime.datetime, task: Task) -> str:
    """The task id of the job's previous run if it is still waiting for a worker, else ""."""
    previous = (
        JobRun.objects.filter(job=job.name, slot__lt=slot).exclude(status=RunStatus.SKIPPED).order_by("-slot").first()
    )
    if previous is None or previous.status != RunStatus.ENQUEUED or not previous.task_id:
        return ""
    backend = task.get_backend()
    if not backend.supports_get_result:
        return ""
    try:
        status = backend.get_result(previous.task_id).status
    except TaskResultDoesNotExist:  # the task row was deleted: nothing is waiting
        return ""
    return previous.task_id if status == TaskResultStatus.READY else ""


def _run(job: Job, slot: datetime.datetime) -> Outcome:
    try:
        task = _target(job)
        transactional = f"{type(task.get_backend()).__module__}.{type(task.get_backend()).__name__}" in (
            TRANSACTIONAL_BACKENDS
        )
    except Exception as exc:
        logger.exception("periodic job %s: cannot load its task %s", job.name, job.task)
        return Outcome(job.name, slot, "error", detail=str(exc))
    result = None
    try:
        with transaction.atomic():
            run = JobRun.objects.create(job=job.name, slot=slot, task_path=job.task, scheduler=scheduler_id())
            waiting = _previous_still_waiting(job, slot, task)
            if waiting:
                run.status = RunStatus.SKIPPED
                run.error = f"the run enqueued as task {waiting} is still waiting for a worker (manage.py db_worker)"
                run.save(update_fields=["status", "error"])
                logger.warning("periodic job %s [%s] skipped: %s", job.name, slot.isoformat(), run.error)
                return Outcome(job.name, slot, RunStatus.SKIPPED, detail=run.error)
            if transactional:
                result = _enqueue(job, slot, task)
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
    except IntegrityError:
        return Outcome(job.name, slot, "taken")
    except Exception as exc:  # enqueueing failed: the claim is rolled back, the next pass tries again
        logger.exception("periodic job %s [%s]: could not enqueue", job.name, slot.isoformat())
        return Outcome(job.name, slot, "error", detail=str(exc))
    if not transactional:
        try:
            result = _enqueue(job, slot, task)
        except Exception as exc:
            logger.exception("periodic job %s [%s]: could not enqueue", job.name, slot.isoformat())
            JobRun.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:10000]
            )
            return Outcome(job.name, slot, RunStatus.FAILED, detail=str(exc))
        run.task_id = str(result.id)
        JobRun.objects.filter(pk=run.pk).update(task_id=run.task_id)
    logger.info("periodic job %s [%s] enqueued as task %s", job.name, slot.isoformat(), run.task_id)
    if result.is_finished:  # a backend that ran it already
        record_outcome(run.task_id, result, started=result.started_at)
        run.refresh_from_db()
        return Outcome(job.name, slot, run.status, run.task_id, detail=run.error or _short(run.result))
    return Outcome(job.name, slot, RunStatus.ENQUEUED, run.task_id)


def _short(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 300 else text[:297] + "…"


def outcome_fields(task_result) -> dict:
    """The JobRun fields describing a finished task."""
    if task_result.status == TaskResultStatus.SUCCESSFUL:
        return {"status": RunStatus.SUCCESSFUL, "result": task_result.return_value, "error": ""}
    error = ""
    if task_result.errors:
        last = task_result.errors[-1]
        lines = last.traceback.strip().splitlines()
        error = (lines[-1] if lines else last.exception_class_path)[:10000]
    return {"status": RunStatus.FAILED, "result": None, "error": error or str(task_result.status)}


def record_outcome(task_id: str, task_result, *, started=None) -> int:
    """Store a finished task's outcome on its JobRun (if it is a periodic job's) and log it. Returns rows updated."""
    fields = outcome_fields(task_result)
    fields["finished_at"] = task_result.finished_at or timezone.now()
    if started is not None:
        fields["started_at"] = started
    updated = JobRun.objects.filter(task_id=task_id).update(**fields)
    if updated:
        if fields["status"] == RunStatus.SUCCESSFUL:
            logger.info("periodic task %s succeeded: %s", task_id, _short(fields["result"]))
        else:
            logger.error("periodic task %s failed: %s", task_id, fields["error"])
    return updated


def last_runs(names: list[str]) -> dict[str, JobRun]:
    """The latest run of each named job (one query per job: a handful of jobs)."""
    latest = {name: JobRun.objects.filter(job=name).order_by("-slot").first() for name in names}
    return {name: run for name, run in latest.items() if run is not None}
