"""The schedule as data: `settings.PERIODIC_JOBS` read into `Job`s, and the slot each job is due for at a moment.

PERIODIC_JOBS = {
    "<name>": {
        "task": "dotted.path",   # a django.tasks Task (enqueued as is) or a plain function (run through
                                 # scheduling.tasks.run_periodic_function); its return value must be JSON-serialisable
        "every": 600,            # seconds; slots are aligned on the epoch (every 600 s: hh:00, hh:10, …)
        # or
        "daily": "06:15",        # HH:MM local time (settings.TIME_ZONE, Asia/Ho_Chi_Minh)
        "args": ["{slot_date}"], # optional positional arguments; "kwargs": {...} optional keyword arguments
    },
}

In string arguments `{slot_date}` becomes the slot's local date (YYYY-MM-DD), `{slot}` the slot as an ISO date-time
with its offset; other strings are passed as written (`{{` and `}}` for literal braces).

A job is due when its current slot — the latest slot at or before now — has no run yet. Only the current slot counts:
after a day without a scheduler, each job runs once, not once per missed slot.
"""

import datetime
import re
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DAILY = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Job:
    name: str
    task: str
    every: int | None = None  # seconds
    daily: datetime.time | None = None  # local time of day
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def slot_at(self, now: datetime.datetime) -> datetime.datetime:
        """The latest slot at or before `now` (aware), in UTC."""
        now = now.astimezone(datetime.UTC)
        if self.every:
            elapsed = int((now - EPOCH).total_seconds())
            return EPOCH + datetime.timedelta(seconds=elapsed - elapsed % self.every)
        zone = local_zone()
        local = now.astimezone(zone)
        slot = datetime.datetime.combine(local.date(), self.daily, tzinfo=zone)
        if slot > local:
            slot = datetime.datetime.combine(local.date() - datetime.timedelta(days=1), self.daily, tzinfo=zone)
        return slot.astimezone(datetime.UTC)

    def next_slot_after(self, now: datetime.datetime) -> datetime.datetime:
        """The first slot strictly after `now`, in UTC."""
        if self.every:
            return self.slot_at(now) + datetime.timedelta(seconds=self.every)
        zone = local_zone()
        following = self.slot_at(now).astimezone(zone).date() + datetime.timedelta(days=1)
        return datetime.datetime.combine(following, self.daily, tzinfo=zone).astimezone(datetime.UTC)

    def arguments(self, slot: datetime.datetime) -> tuple[list, dict]:
        """args and kwargs for the run of `slot`, placeholders filled."""
        local = slot.astimezone(local_zone())
        values = {"slot_date": local.date().isoformat(), "slot": local.isoformat()}

        def fill(value):
            if isinstance(value, str):
                return value.format_map(values)
            if isinstance(value, list | tuple):
                return [fill(v) for v in value]
            if isinstance(value, dict):
                return {k: fill(v) for k, v in value.items()}
            return value

        return fill(list(self.args)), fill(dict(self.kwargs))

    def describe(self) -> str:
        if self.every:
            return f"every {self.every}s"
        return f"daily at {self.daily:%H:%M} {settings.TIME_ZONE}"


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def parse_job(name: str, spec: dict) -> Job:
    """One PERIODIC_JOBS entry → Job; ImproperlyConfigured with the reason when it is malformed."""
    if not isinstance(name, str) or not 0 < len(name) <= 100:
        raise ImproperlyConfigured(f"PERIODIC_JOBS: {name!r}: a job's name is 1 to 100 characters")
    if not isinstance(spec, dict):
        raise ImproperlyConfigured(f"PERIODIC_JOBS[{name!r}] must be a dict")
    unknown = set(spec) - {"task", "every", "daily", "args", "kwargs"}
    if unknown:
        raise ImproperlyConfigured(f"PERIODIC_JOBS[{name!r}]: unknown keys {sorted(unknown)}")
    if not isinstance(spec.get("task"), str) or not spec["task"]:
        raise ImproperlyConfigured(f"PERIODIC_JOBS[{name!r}]: 'task' must be a dotted path")
    if ("every" in spec) == ("daily" in spec):
        raise ImproperlyConfigured(
            f"PERIODIC_JOBS[{name!r}]: give exactly one of 'every' (seconds) and 'daily' (HH:MM)"
        )
    every = daily = None
    if "every" in spec:
        every = spec["every"]
        if isinstance(every, datetime.timedelta):
            every = int(every.total_seconds())
        if not isinstance(every, int) or isinstance(every, bool) or every < 60:
            raise ImproperlyConfigured(f"PERIODIC_JOBS[{name!r}]: 'every' must be a whole number of seconds ≥ 60")
    else:
        match = DAILY.match(str(spec["daily"]))
        if not match:
            raise ImproperlyConfigured(f"PERIODIC_JOBS[{name!r}]: 'daily' must be HH:MM (00:00–23:59)")
        daily = datetime.time(int(match[1]), int(match[2]))
    args, kwargs = spec.get("args", ()), spec.get("kwargs", {})
    if not isinstance(args, list | tuple) or not isinstance(kwargs, dict):
        raise ImproperlyConfigured(f"PERIODIC_JOBS[{name!r}]: 'args' must be a list and 'kwargs' a dict")
    job = Job(name=name, task=spec["task"], every=every, daily=daily, args=tuple(args), kwargs=dict(kwargs))
    try:
        job.arguments(EPOCH)
    except (KeyError, ValueError, IndexError) as exc:
        raise ImproperlyConfigured(f"PERIODIC_JOBS[{name!r}]: bad placeholder in the arguments ({exc})") from exc
    return job


def jobs() -> list[Job]:
    configured = getattr(settings, "PERIODIC_JOBS", {})
    return [parse_job(name, spec) for name, spec in configured.items()]
