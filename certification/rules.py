"""Rule data for certificates: who recognises which stars when, validity length, the expiry warning window.

Who recognises which stars, by period, is one of the process rules of evaluation/data/process_rules.yaml
(`evaluation.process`), read from there so it is written once.
"""

import calendar
import datetime

from evaluation import process

VALIDITY_MONTHS = 36  # domain.md §7: a 3–5★ recognition is valid 36 months from the decision


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Calendar months later; the 29–31st falls back to the month's last day (29/02/2024 + 36 months = 28/02/2027)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_valid_until(decision_date: datetime.date) -> datetime.date:
    return add_months(decision_date, VALIDITY_MONTHS)


def recognising_level(stars: int, on: datetime.date) -> str:
    """The level that recognises `stars` on a date; dates before the first period use the first period's rule."""
    return process.recognising_level(stars, on)
