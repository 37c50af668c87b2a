"""Working days in Vietnam, for deadlines written in working days ("trong thời hạn 15 ngày làm việc").

A working day is a Monday–Friday that is not a public holiday or a compensatory day off, or a weekend day that state
offices work in exchange for a day off (ngày làm bù). The holidays, Tết by the lunar calendar and the swaps come from
the `holidays` package (country "VN"); core/data/extra_days_off.yaml adds what the package does not know yet (a day
off or a working weekend day announced later), so an administrator can correct the calendar without a new release.

Counting: a period of N working days "from" a day does not count that day (Civil Code 2015 Art. 147: a period in days
starts on the next day); the period ends at the end of its N-th working day. See `add_working_days`.

Shared mechanism only: no domain app is imported here.
"""

import datetime
import functools
from dataclasses import dataclass
from pathlib import Path

import holidays
import yaml

EXTRA_DAYS_PATH = Path(__file__).parent / "data" / "extra_days_off.yaml"
WEEKEND = frozenset({5, 6})  # Saturday, Sunday
COUNTRY = "VN"

__all__ = [
    "WorkCalendar",
    "add_working_days",
    "calendar",
    "is_working_day",
    "working_days_between",
]


@dataclass(frozen=True)
class ExtraDay:
    date: datetime.date
    name: str = ""
    source: str = ""


def _parse_days(path: Path, key: str, raw) -> tuple[ExtraDay, ...]:
    days = []
    for n, item in enumerate(raw or [], start=1):
        if not isinstance(item, dict) or not isinstance(item.get("date"), datetime.date):
            raise ValueError(f"{path}: {key}[{n}] needs a date written yyyy-mm-dd")
        days.append(ExtraDay(date=item["date"], name=str(item.get("name") or ""), source=str(item.get("source") or "")))
    return tuple(days)


def load_extra_days(path: Path = EXTRA_DAYS_PATH) -> tuple[tuple[ExtraDay, ...], tuple[ExtraDay, ...]]:
    """(days_off, working_days) from the data file; a malformed file is a deployment error (ValueError)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = set(data) - {"days_off", "working_days"}
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
    days_off = _parse_days(path, "days_off", data.get("days_off"))
    working = _parse_days(path, "working_days", data.get("working_days"))
    both = {d.date for d in days_off} & {d.date for d in working}
    if both:
        raise ValueError(f"{path}: {sorted(both)} listed both as a day off and as a working day")
    return days_off, working


class WorkCalendar:
    """Vietnam's working days: the `holidays` package's calendar, corrected by extra days off and working days."""

    def __init__(self, days_off=(), working_days=()):
        self.days_off = frozenset(d.date if isinstance(d, ExtraDay) else d for d in days_off)
        self.working_days = frozenset(d.date if isinstance(d, ExtraDay) else d for d in working_days)
        if self.days_off & self.working_days:
            raise ValueError("a date cannot be both a day off and a working day")

    @classmethod
    def from_file(cls, path: Path = EXTRA_DAYS_PATH) -> "WorkCalendar":
        days_off, working = load_extra_days(path)
        return cls(days_off=days_off, working_days=working)

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def _package_year(year: int):
        # One immutable instance per year (built once, then only read: safe across threads). The next year is loaded
        # too, because a swap announced for one year may move a working day into the year before (e.g. 27/12/2014).
        return holidays.country_holidays(COUNTRY, years=(year, year + 1), expand=False)

    def holiday_name(self, day: datetime.date) -> str | None:
        """The package's name for a public holiday or day off (None on other days)."""
        return self._package_year(day.year).get(day)

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        official = self._package_year(day.year)
        if day.weekday() in WEEKEND:
            return day in official.weekend_workdays
        return day not in official

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The day on which the n-th working day after `start` ends. `start` itself does not count, working day or not.

        "Within 15 working days from receipt" (received on `start`) ends at the end of add_working_days(start, 15).
        n = 0 answers `start`. A negative n is an error.
        """
        if n < 0:
            raise ValueError("n must be zero or more")
        day = start
        while n:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """How many working days lie after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


@functools.cache
def calendar() -> WorkCalendar:
    """The calendar with the extra days of core/data/extra_days_off.yaml, read once per process."""
    return WorkCalendar.from_file()


def is_working_day(day: datetime.date) -> bool:
    """Whether state offices work on `day` (Monday–Friday that is not a holiday, or a working weekend day)."""
    return calendar().is_working_day(day)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The day on which the n-th working day after `start` ends; `start` does not count (see WorkCalendar)."""
    return calendar().add_working_days(start, n)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    return calendar().working_days_between(start, end)
