import datetime
import signal
import threading

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from scheduling.engine import last_runs, run_due
from scheduling.schedule import jobs


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs of settings.PERIODIC_JOBS at their times into the task backend, for the worker "
        "(manage.py db_worker) to run. Runs until stopped; --once runs what is due now and exits (the cron form: "
        "`* * * * * cd /srv/ocop && .venv/bin/python manage.py run_scheduler --once`). Several schedulers (one per app "
        "server, or cron) may run side by side: each job runs once per slot. Missed slots run once, not once each."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="enqueue what is due now, then exit")
        parser.add_argument(
            "--list",
            action="store_true",
            dest="show_list",
            help="print the schedule and each job's last run, then exit",
        )
        parser.add_argument(
            "--now", help="ISO date-time to act as if it were (implies --once), e.g. 2026-12-02T06:20+07:00"
        )
        parser.add_argument(
            "--interval", type=float, default=30.0, help="seconds between two looks at the schedule (default 30)"
        )

    def handle(self, *args, once=False, show_list=False, now=None, interval=30.0, **options):
        try:
            schedule = jobs()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if show_list:
            return self._list(schedule)
        if now:
            try:
                moment = datetime.datetime.fromisoformat(now)
            except ValueError as exc:
                raise CommandError(f"--now {now}: not an ISO date-time (YYYY-MM-DDTHH:MM[+07:00])") from exc
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            self._pass(moment)
            return
        if once:
            self._pass(None)
            return
        if interval <= 0:
            raise CommandError("--interval must be positive")
        self._loop(schedule, interval)

    def _pass(self, moment):
        for outcome in run_due(moment):
            self.stdout.write(outcome.line())

    def _loop(self, schedule, interval):
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        names = ", ".join(f"{job.name} ({job.describe()})" for job in schedule) or "none"
        self.stdout.write(f"run_scheduler: {len(schedule)} periodic job(s): {names}")
        while not stop.is_set():
            close_old_connections()
            try:
                self._pass(None)
            except Exception as exc:  # the database may be briefly away: log and look again later
                self.stderr.write(f"run_scheduler: {type(exc).__name__}: {exc}")
            now = timezone.now()
            upcoming = min((job.next_slot_after(now) for job in schedule), default=None)
            wait = interval if upcoming is None else min(interval, max((upcoming - now).total_seconds(), 0) + 0.5)
            stop.wait(wait)
        close_old_connections()
        self.stdout.write("run_scheduler: stopped")

    def _list(self, schedule):
        runs = last_runs([job.name for job in schedule])
        now = timezone.now()
        for job in schedule:
            run = runs.get(job.name)
            last = "never run"
            if run:
                last = f"last {timezone.localtime(run.slot):%Y-%m-%d %H:%M}: {run.status}"
                if run.error:
                    last += f" ({run.error})"
            following = timezone.localtime(job.next_slot_after(now))
            self.stdout.write(f"{job.name}: {job.task}, {job.describe()}; next {following:%Y-%m-%d %H:%M}; {last}")
