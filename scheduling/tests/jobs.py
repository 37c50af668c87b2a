"""Jobs for the scheduler's tests (named by dotted path in the tests' PERIODIC_JOBS)."""

from django.tasks import task

CALLS = []


@task()
def remember_day(day: str) -> dict:
    CALLS.append(("remember_day", day))
    return {"day": day}


def plain(label: str = "plain") -> dict:
    CALLS.append(("plain", label))
    return {"label": label}


def boom() -> None:
    raise RuntimeError("the job broke")
