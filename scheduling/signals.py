"""The worker (manage.py db_worker) tells us when a periodic job's task starts and ends: its JobRun shows it."""

import logging

from django.dispatch import receiver
from django.tasks.signals import task_finished, task_started
from django.utils import timezone

logger = logging.getLogger("scheduling")


@receiver(task_started, dispatch_uid="scheduling.task_started")
def periodic_task_started(sender, task_result, **kwargs):
    from scheduling.models import JobRun, RunStatus

    try:
        JobRun.objects.filter(task_id=str(task_result.id), status=RunStatus.ENQUEUED).update(
            status=RunStatus.RUNNING, started_at=task_result.started_at or timezone.now()
        )
    except Exception:  # never fail the task because its record could not be updated
        logger.exception("could not mark task %s as running", task_result.id)


@receiver(task_finished, dispatch_uid="scheduling.task_finished")
def periodic_task_finished(sender, task_result, **kwargs):
    from scheduling.engine import record_outcome

    try:
        record_outcome(str(task_result.id), task_result)
    except Exception:
        logger.exception("could not record the outcome of task %s", task_result.id)
