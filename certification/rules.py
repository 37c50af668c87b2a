"""Rule data for certificates: who recognises which stars when, validity length, the grounds of revocation.

Who recognises which stars, how long a certificate is valid, who revokes it and how fast, by period, are process rules
of evaluation/data/process_rules.yaml (`evaluation.process`), read from there so they are written once.
"""

import calendar
import datetime

from django.utils import translation

from certification.choices import GROUND_POINTS, GROUND_SHORT_NAMES, RevocationGround
from core.text import fold
from evaluation import process


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Calendar months later; the 29–31st falls back to the month's last day (29/02/2024 + 36 months = 28/02/2027)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_valid_until(decision_date: datetime.date) -> datetime.date:
    """The last valid day of a certificate decided on `decision_date`: the period's validity (36 months, 26/2026
    Điều 4.3) counted as the Civil Code 2015 Art. 147–148 counts a period in months: it ends at the end of the same
    day of the last month, or that month's last day (31/12/2021 → 31/12/2024; 29/02/2024 → 28/02/2027)."""
    return add_months(decision_date, process.validity_months(decision_date))


def recognising_level(stars: int, on: datetime.date) -> str:
    """The level that recognises `stars` on a date; dates before the first period use the first period's rule."""
    return process.recognising_level(stars, on)


def _point(text: str) -> str:
    text = text.strip().lower().strip(".)")
    for prefix in ("điểm ", "diem "):
        if text.startswith(prefix):
            text = text[len(prefix) :].strip()
    return text


def ground_from_text(text: str) -> str:
    """The Điều 8.1 ground a written reason names: its code, its point ("a"…"e", "điểm đ"), the article's words or a
    short name (GROUND_SHORT_NAMES), compared ignoring case, diacritics and punctuation (the point keeps đ apart from
    d); anything else is OTHER, the text being kept by the caller."""
    text = (text or "").strip()
    if not text:
        return RevocationGround.OTHER
    point = _point(text)
    for ground, letter in GROUND_POINTS.items():
        if point == letter:
            return ground
    folded = fold(text)
    with translation.override(None):  # the article's words, whatever the user's language
        for ground in RevocationGround:
            if ground == RevocationGround.OTHER:
                continue
            names = (ground.value, str(ground.label), *GROUND_SHORT_NAMES.get(ground, ()))
            if folded in {fold(name) for name in names}:
                return ground
    return RevocationGround.OTHER


def revocation_issuer(issuing_level: str, day: datetime.date) -> str:
    """The name of the body issuing a decision of `issuing_level` on `day`, as the process rules name it (the
    ministry: "Bộ Nông nghiệp và Môi trường" from 1489/26/2026); "" when the rules name none."""
    step = process.period_on(day).step(issuing_level)
    return step.authority if step is not None and issuing_level == "ministry" else ""
