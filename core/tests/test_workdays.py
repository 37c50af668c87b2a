"""Working days in Vietnam (core.workdays): weekends, Tết by the lunar calendar, 30/4–1/5, 2/9, swaps, extra days."""

import ast
import datetime
from pathlib import Path

import pytest

from core import workdays
from core.workdays import WorkCalendar, add_working_days, is_working_day, working_days_between


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


# ── Weekends ───────────────────────────────────────────────────────────────────────────────────────────────────────


def test_saturday_and_sunday_are_not_working_days_and_monday_is():
    assert is_working_day(d("2026-12-04"))  # Friday
    assert not is_working_day(d("2026-12-05"))  # Saturday
    assert not is_working_day(d("2026-12-06"))  # Sunday
    assert is_working_day(d("2026-12-07"))  # Monday


def test_one_working_day_after_a_friday_is_the_monday():
    assert add_working_days(d("2026-12-04"), 1) == d("2026-12-07")


def test_the_start_day_does_not_count_even_on_a_weekend():
    # received on a Saturday: the first working day after it is Monday
    assert add_working_days(d("2026-12-05"), 1) == d("2026-12-07")
    assert add_working_days(d("2026-12-07"), 1) == d("2026-12-08")


def test_zero_working_days_is_the_start_day_and_negative_is_an_error():
    assert add_working_days(d("2026-12-05"), 0) == d("2026-12-05")
    with pytest.raises(ValueError):
        add_working_days(d("2026-12-05"), -1)


def test_fifteen_working_days_without_holidays_are_three_weeks():
    assert add_working_days(d("2026-10-05"), 15) == d("2026-10-26")  # Monday → Monday three weeks on
    assert add_working_days(d("2026-10-05"), 14) == d("2026-10-23")


# ── Public holidays ────────────────────────────────────────────────────────────────────────────────────────────────


def test_tet_2027_by_the_lunar_calendar():
    # Tết Nguyên Đán 2027 falls on Saturday 06/02/2027; offices close from Thursday 04/02 to Wednesday 10/02.
    assert is_working_day(d("2027-02-03"))
    for day in ("2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10"):
        assert not is_working_day(d(day)), day
    assert is_working_day(d("2027-02-11"))
    assert add_working_days(d("2027-02-03"), 1) == d("2027-02-11")
    assert add_working_days(d("2027-02-01"), 3) == d("2027-02-11")


def test_thirty_april_and_first_may():
    assert not is_working_day(d("2026-04-30"))  # Thursday
    assert not is_working_day(d("2026-05-01"))  # Friday
    assert add_working_days(d("2026-04-29"), 1) == d("2026-05-04")
    # 2027: 1/5 is a Saturday, so Monday 03/05 is the compensatory day off
    assert not is_working_day(d("2027-04-30"))
    assert not is_working_day(d("2027-05-03"))
    assert add_working_days(d("2027-04-29"), 1) == d("2027-05-04")


def test_national_day_two_september_and_the_2026_swap():
    assert not is_working_day(d("2026-09-01"))
    assert not is_working_day(d("2026-09-02"))
    # 2026: Monday 31/08 off in exchange for working Saturday 22/08
    assert not is_working_day(d("2026-08-31"))
    assert is_working_day(d("2026-08-22"))
    assert add_working_days(d("2026-08-28"), 1) == d("2026-09-03")
    assert add_working_days(d("2026-08-21"), 1) == d("2026-08-22")


def test_a_fifteen_working_day_deadline_spanning_hung_kings_day_and_30_4_1_5():
    # Received Monday 20/04/2026: Giỗ Tổ (Sunday 26/04) is taken on Monday 27/04, then 30/04 and 01/05 are off:
    # three working days fewer in the window, so the deadline moves from 11/05 to 14/05.
    assert not is_working_day(d("2026-04-27"))
    assert add_working_days(d("2026-04-20"), 15) == d("2026-05-14")
    assert add_working_days(d("2026-04-20"), 12) == d("2026-05-11")  # what 15 would give without the holidays


def test_a_deadline_across_the_new_year():
    assert add_working_days(d("2026-12-31"), 1) == d("2027-01-04")  # 01/01 Friday, then the weekend


def test_working_days_between_counts_after_the_start_up_to_the_end():
    assert working_days_between(d("2026-04-20"), d("2026-05-14")) == 15
    assert working_days_between(d("2026-04-20"), d("2026-04-20")) == 0
    assert working_days_between(d("2026-05-14"), d("2026-04-20")) == 0
    assert working_days_between(d("2026-12-04"), d("2026-12-06")) == 0  # Friday → Sunday


# ── Extra days from the data file ──────────────────────────────────────────────────────────────────────────────────


def test_extra_days_off_and_working_days_correct_the_package():
    calendar = WorkCalendar(days_off=[d("2026-12-08")], working_days=[d("2026-12-12"), d("2026-09-02")])
    assert not calendar.is_working_day(d("2026-12-08"))
    assert calendar.is_working_day(d("2026-12-12"))  # a Saturday worked
    assert calendar.is_working_day(d("2026-09-02"))
    assert calendar.add_working_days(d("2026-12-07"), 1) == d("2026-12-09")
    assert calendar.add_working_days(d("2026-12-11"), 1) == d("2026-12-12")


def test_the_data_file_is_read_and_checked(tmp_path):
    path = tmp_path / "extra.yaml"
    path.write_text(
        "days_off:\n  - {date: 2027-02-11, name: Nghỉ thêm, source: Thông báo}\n"
        "working_days:\n  - {date: 2027-02-20}\n",
        encoding="utf-8",
    )
    calendar = WorkCalendar.from_file(path)
    assert not calendar.is_working_day(d("2027-02-11"))
    assert calendar.is_working_day(d("2027-02-20"))
    assert calendar.add_working_days(d("2027-02-03"), 1) == d("2027-02-12")


@pytest.mark.parametrize(
    "text",
    [
        "days_off:\n  - {date: 11/02/2027}\n",
        "days_off:\n  - 2027-02-11\n",
        "holidays: []\n",
        "days_off:\n  - {date: 2027-02-11}\nworking_days:\n  - {date: 2027-02-11}\n",
    ],
    ids=["bad-date", "bare-date", "unknown-key", "both-lists"],
)
def test_a_malformed_data_file_is_refused(tmp_path, text):
    path = tmp_path / "extra.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError):
        WorkCalendar.from_file(path)


def test_the_shipped_data_file_loads():
    days_off, working = workdays.load_extra_days()
    assert isinstance(days_off, tuple) and isinstance(working, tuple)


def test_the_module_imports_no_domain_app():
    tree = ast.parse(Path(workdays.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= {"datetime", "functools", "dataclasses", "pathlib", "holidays", "yaml"}
