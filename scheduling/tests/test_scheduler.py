import datetime
import logging
import threading
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus

from scheduling import engine
from scheduling.checks import periodic_jobs
from scheduling.models import JobRun, RunStatus
from scheduling.schedule import parse_job
from scheduling.tests import jobs as test_jobs

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
UTC = datetime.UTC
TEST_JOBS = {
    "daily-day": {"task": "scheduling.tests.jobs.remember_day", "daily": "06:15", "args": ["{slot_date}"]},
    "ten-minutes": {"task": "scheduling.tests.jobs.plain", "every": 600, "kwargs": {"label": "at {slot}"}},
}
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


@pytest.fixture
def test_jobs_only(settings):
    settings.PERIODIC_JOBS = TEST_JOBS
    test_jobs.CALLS.clear()
    yield
    test_jobs.CALLS.clear()


# ── slots ─────────────────────────────────────────────────────────────────────────────────────────────────────────


def test_a_daily_slot_is_the_latest_local_time_at_or_before_now():
    job = parse_job("d", {"task": "x.y", "daily": "06:15"})
    assert job.slot_at(at("2026-12-02T06:15:00+07:00")) == at("2026-12-02T06:15:00+07:00")
    assert job.slot_at(at("2026-12-02T23:59:00+07:00")) == at("2026-12-02T06:15:00+07:00")
    # 00:30 in Hà Nội is still the previous day's slot, although it is already 17:30 UTC of the day before
    assert job.slot_at(at("2026-12-03T00:30:00+07:00")) == at("2026-12-02T06:15:00+07:00")
    assert job.slot_at(at("2026-12-02T06:14:59+07:00")) == at("2026-12-01T06:15:00+07:00")
    assert job.next_slot_after(at("2026-12-02T06:15:00+07:00")) == at("2026-12-03T06:15:00+07:00")
    assert job.arguments(job.slot_at(at("2026-12-03T00:30:00+07:00"))) == ([], {})


def test_an_interval_slot_is_aligned_on_the_clock():
    job = parse_job("e", {"task": "x.y", "every": 600, "args": ["{slot_date}", "{{literal}}", 3]})
    assert job.slot_at(at("2026-12-02T06:29:59+07:00")) == at("2026-12-02T06:20:00+07:00")
    assert job.next_slot_after(at("2026-12-02T06:20:00+07:00")) == at("2026-12-02T06:30:00+07:00")
    assert job.arguments(at("2026-12-01T17:00:00+00:00")) == (["2026-12-02", "{literal}", 3], {})


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"task": "x.y"}, "exactly one of"),
        ({"task": "x.y", "every": 600, "daily": "06:00"}, "exactly one of"),
        ({"task": "x.y", "every": 5}, "≥ 60"),
        ({"task": "x.y", "daily": "6h"}, "HH:MM"),
        ({"task": "x.y", "daily": "24:00"}, "HH:MM"),
        ({"task": "x.y", "every": 600, "args": ["{day}"]}, "placeholder"),
        ({"task": "x.y", "every": 600, "when": 1}, "unknown keys"),
        ({"task": "scheduling.tests.jobs.nothing_here", "every": 600}, "nothing_here"),
    ],
)
def test_a_malformed_schedule_fails_the_system_check(settings, spec, message):
    settings.PERIODIC_JOBS = {"bad": spec}
    errors = periodic_jobs()
    assert len(errors) == 1 and message in errors[0].msg and errors[0].id == "scheduling.E001"


def test_the_shipped_schedule_passes_the_system_check():
    assert periodic_jobs() == []


# ── running with the immediate backend (the tests' backend) ─────────────────────────────────────────────────────


@pytest.mark.django_db
def test_run_scheduler_once_runs_each_due_job_once_per_slot(test_jobs_only, capsys):
    call_command("run_scheduler", "--once", "--now", "2026-12-02T06:20:00+07:00")
    assert sorted(test_jobs.CALLS) == [("plain", "at 2026-12-02T06:20:00+07:00"), ("remember_day", "2026-12-02")]
    runs = {run.job: run for run in JobRun.objects.all()}
    assert runs["daily-day"].status == RunStatus.SUCCESSFUL and runs["daily-day"].result == {"day": "2026-12-02"}
    assert runs["daily-day"].slot == at("2026-12-02T06:15:00+07:00") and runs["daily-day"].task_id
    assert runs["ten-minutes"].result == {"label": "at 2026-12-02T06:20:00+07:00"}
    assert runs["ten-minutes"].finished_at is not None
    out = capsys.readouterr().out
    assert "daily-day [2026-12-02 06:15]: successful" in out

    # later in the same slots: nothing more; the next ten-minute slot: only that job
    call_command("run_scheduler", "--once", "--now", "2026-12-02T06:29:59+07:00")
    assert len(test_jobs.CALLS) == 2
    call_command("run_scheduler", "--once", "--now", "2026-12-02T06:30:00+07:00")
    assert test_jobs.CALLS[-1] == ("plain", "at 2026-12-02T06:30:00+07:00") and len(test_jobs.CALLS) == 3
    assert JobRun.objects.count() == 3


@pytest.mark.django_db
def test_missed_slots_run_once_on_restart_not_once_each(test_jobs_only):
    engine.run_due(at("2026-12-02T06:20:00+07:00"))
    # the server was down for three days: 432 ten-minute slots and 3 daily ones passed
    outcomes = engine.run_due(at("2026-12-05T09:03:00+07:00"))
    assert sorted((o.job, o.status) for o in outcomes) == [("daily-day", "successful"), ("ten-minutes", "successful")]
    assert test_jobs.CALLS[-2:] == [("remember_day", "2026-12-05"), ("plain", "at 2026-12-05T09:00:00+07:00")]
    assert JobRun.objects.count() == 4


@pytest.mark.django_db
def test_a_slot_claimed_by_another_scheduler_is_not_run_again(test_jobs_only):
    job = parse_job("daily-day", TEST_JOBS["daily-day"])
    slot = job.slot_at(at("2026-12-02T07:00:00+07:00"))
    assert engine._run(job, slot).status == RunStatus.SUCCESSFUL
    # a second scheduler that looked before the first committed reaches the unique (job, slot) row
    assert engine._run(job, slot).status == "taken"
    assert test_jobs.CALLS == [("remember_day", "2026-12-02")] and JobRun.objects.count() == 1


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_logged_and_the_others_still_run(settings, caplog):
    settings.PERIODIC_JOBS = {
        "broken": {"task": "scheduling.tests.jobs.boom", "every": 3600},
        "fine": {"task": "scheduling.tests.jobs.plain", "every": 3600},
    }
    with caplog.at_level(logging.INFO, logger="scheduling"):
        outcomes = engine.run_due(at("2026-12-02T06:20:00+07:00"))
    assert {o.job: o.status for o in outcomes} == {"broken": RunStatus.FAILED, "fine": RunStatus.SUCCESSFUL}
    broken = JobRun.objects.get(job="broken")
    assert broken.status == RunStatus.FAILED and "RuntimeError: the job broke" in broken.error
    assert any(r.levelno == logging.ERROR and "the job broke" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_the_wrapper_task_runs_only_the_function_the_schedule_names(test_jobs_only):
    from scheduling.tasks import run_periodic_function

    result = run_periodic_function.enqueue("ten-minutes", "scheduling.tests.jobs.boom", [], {})
    assert result.status == TaskResultStatus.FAILED
    assert "is not the task of the periodic job" in result.errors[-1].traceback
    assert run_periodic_function.enqueue("ten-minutes", "scheduling.tests.jobs.plain", ["x"], {}).return_value == {
        "label": "x"
    }


@pytest.mark.django_db
def test_the_shipped_jobs_run(capsys):
    """settings.PERIODIC_JOBS as shipped: the expiry reminders of the slot's day, the import purge and the reminders of
    yearly monitoring reports (issue 17; the 06:30 slot of the day before is the latest due at 06:20)."""
    call_command("run_scheduler", "--once", "--now", "2026-12-02T06:20:00+07:00")
    runs = {run.job: run for run in JobRun.objects.all()}
    assert set(runs) == {"expiry-reminders", "purge-imports", "monitoring-reminders"}
    assert all(run.status == RunStatus.SUCCESSFUL for run in runs.values()), [r.error for r in runs.values()]
    assert runs["expiry-reminders"].result["date"] == "2026-12-02"
    assert set(runs["purge-imports"].result) == {"expired", "worker_lost", "files_purged"}
    assert runs["monitoring-reminders"].result is not None
    call_command("run_scheduler", "--list")
    assert "expiry-reminders: certification.tasks.send_expiry_reminders, daily at 06:15" in capsys.readouterr().out


# ── the database backend: what production runs ────────────────────────────────────────────────────────────────


@pytest.mark.django_db(transaction=True)  # the worker closes the connection
def test_the_worker_records_the_outcome_of_an_enqueued_run(test_jobs_only, settings):
    settings.TASKS = DB_BACKEND
    from django_tasks_db.models import DBTaskResult

    outcomes = engine.run_due(at("2026-12-02T06:20:00+07:00"))
    assert {o.status for o in outcomes} == {RunStatus.ENQUEUED} and test_jobs.CALLS == []
    assert set(JobRun.objects.values_list("task_id", flat=True)) == {
        str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)
    }
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    runs = {run.job: run for run in JobRun.objects.all()}
    assert runs["daily-day"].status == RunStatus.SUCCESSFUL and runs["daily-day"].result == {"day": "2026-12-02"}
    assert runs["daily-day"].started_at is not None and runs["daily-day"].finished_at is not None
    assert runs["ten-minutes"].status == RunStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=True)  # the worker closes the connection
def test_a_job_still_waiting_for_a_worker_is_not_queued_again(test_jobs_only, settings):
    settings.TASKS = DB_BACKEND
    settings.PERIODIC_JOBS = {"ten-minutes": TEST_JOBS["ten-minutes"]}
    from django_tasks_db.models import DBTaskResult

    assert engine.run_due(at("2026-12-02T06:20:00+07:00"))[0].status == RunStatus.ENQUEUED
    # no worker for an hour: the six next slots are recorded as skipped, nothing piles up in the queue
    for minute in range(30, 90, 10):
        moment = at("2026-12-02T06:00:00+07:00") + datetime.timedelta(minutes=minute)
        assert engine.run_due(moment)[0].status == RunStatus.SKIPPED
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert test_jobs.CALLS == [("plain", "at 2026-12-02T06:20:00+07:00")]
    # the worker is back: the next slot is queued again
    assert engine.run_due(at("2026-12-02T07:30:00+07:00"))[0].status == RunStatus.ENQUEUED
    assert DBTaskResult.objects.count() == 2
    assert JobRun.objects.filter(status=RunStatus.SKIPPED).count() == 6


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_moment_enqueue_each_job_once(test_jobs_only, settings):
    settings.TASKS = DB_BACKEND
    from django_tasks_db.models import DBTaskResult

    moment = at("2026-12-02T06:20:00+07:00")
    start = threading.Barrier(2)
    outcomes, failures = [], []

    def scheduler():
        try:
            start.wait(timeout=10)
            outcomes.extend(engine.run_due(moment))
        except Exception as exc:  # surfaced below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert JobRun.objects.count() == 2 and DBTaskResult.objects.count() == 2
    enqueued = sorted(o.job for o in outcomes if o.status == RunStatus.ENQUEUED)
    assert enqueued == ["daily-day", "ten-minutes"]
    assert {o.status for o in outcomes} <= {RunStatus.ENQUEUED, "taken"}


@pytest.mark.django_db
def test_old_runs_are_pruned_after_the_history_period(test_jobs_only, settings):
    settings.PERIODIC_JOB_HISTORY_DAYS = 30
    engine.run_due(at("2026-10-01T06:20:00+07:00"))
    engine.run_due(at("2026-10-20T06:20:00+07:00"))
    assert JobRun.objects.count() == 4
    engine.run_due(at("2026-11-05T06:20:00+07:00"))
    days = {run.slot.astimezone(HCM).date().isoformat() for run in JobRun.objects.all()}
    assert JobRun.objects.count() == 4 and days == {"2026-10-20", "2026-11-05"}


@pytest.mark.django_db
def test_a_system_administrator_sees_the_runs_in_the_admin(test_jobs_only, client, django_user_model):
    engine.run_due(at("2026-12-02T06:20:00+07:00"))
    admin = django_user_model.objects.create_superuser("quantri", password="pw-quantri")
    client.force_login(admin)
    page = client.get("/admin/scheduling/jobrun/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "daily-day" in text and "ten-minutes" in text and "{&#x27;day&#x27;: &#x27;2026-12-02&#x27;}" in text
    run = JobRun.objects.get(job="daily-day")
    assert client.get(f"/admin/scheduling/jobrun/{run.pk}/change/").status_code == 200
    assert client.get("/admin/scheduling/jobrun/add/").status_code == 403
