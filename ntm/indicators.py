"""Indicators (chỉ tiêu) of NTM criteria: reading thresholds and values as officials write them, and judging them.

A threshold is the text of the set's data (ntm.Indicator.thresholds, per commune group): "≥ 95%", ">=95", "≤ 5",
"< 3", "= 100%", "từ 95% trở lên", "tối đa 5", or a yes/no requirement ("Đạt", "Có"). A value is what the commune
entered: "96,5" (Vietnamese decimal comma), "96.5 %", "1.234" (a dot followed by exactly three digits groups
thousands), "đạt", "không đạt".

`judge(threshold, value)` answers True / False, or None when the pair cannot be read by a machine (a bare number
such as "100%" says nothing about the direction; a text requirement; a value missing or of the other kind): the
officer's tick on the criterion then decides. `criterion_met(criterion, results, rule)` turns the indicators' results
into the criterion's, per the set's `indicator_rule` and the criterion's `min_indicators`. Nothing here writes.
"""

import operator
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.text import fold
from ntm.choices import IndicatorRule

OPERATORS = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
}
# the ways a comparison is written, longest first so "≥" is not read as ">"
_SYMBOLS = [
    ("≥", ">="),
    ("⩾", ">="),
    (">=", ">="),
    ("=>", ">="),
    ("≤", "<="),
    ("⩽", "<="),
    ("<=", "<="),
    ("=<", "<="),
    (">", ">"),
    ("<", "<"),
    ("=", "="),
]
# the same in words (folded: no diacritics, lower case): leading phrases and trailing ones
_LEADING_WORDS = [
    ("toi thieu", ">="),
    ("it nhat", ">="),
    ("khong duoi", ">="),
    ("khong it hon", ">="),
    ("toi da", "<="),
    ("khong qua", "<="),
    ("khong vuot qua", "<="),
    ("khong lon hon", "<="),
    ("duoi", "<"),
    ("nho hon", "<"),
    ("tren", ">"),
    ("lon hon", ">"),
    ("bang", "="),
]
_TRAILING_WORDS = [("tro len", ">="), ("tro xuong", "<=")]

YES_WORDS = {"dat", "co", "x", "yes", "true", "1", "dat chuan", "hoan thanh", "da hoan thanh", "da co", "co dat"}
NO_WORDS = {
    "khong dat",
    "chua dat",
    "khong",
    "chua",
    "chua co",
    "khong co",
    "no",
    "false",
    "0",
    "chua hoan thanh",
    "khong hoan thanh",
}
# a yes/no requirement as a threshold
REQUIREMENT_WORDS = {"dat", "co", "dat chuan", "hoan thanh", "dat yeu cau"}

_NUMBER = re.compile(r"^[+-]?\d[\d.,]*$")


@dataclass(frozen=True)
class Threshold:
    """A machine-readable threshold: a comparison with a number, or a yes/no requirement (`op` "yes")."""

    op: str
    number: Decimal | None = None

    def accepts(self, value: "Decimal | bool") -> bool:
        if self.op == "yes":
            return value is True
        return OPERATORS[self.op](value, self.number)


def _clean(text) -> str:
    return " ".join(str(text or "").replace("\u00a0", " ").split())


def parse_number(text) -> Decimal | None:
    """'96,5' → 96.5; '96.5 %' → 96.5; '1.234' → 1234; '1.234,5' → 1234.5; '0.5' → 0.5; anything else → None.

    A unit without digits may follow the number ("12 km", "95%"); a number in words or a fraction ("3/5") is None."""
    text = _clean(text)
    match = re.match(r"^([+-]?\s?\d[\d.,\s]*?)\s*([^\d.,\s][^\d]*)?$", text)
    if not match:
        return None
    raw = re.sub(r"\s", "", match.group(1))
    if not _NUMBER.match(raw) or raw[-1] in ".,":
        return None
    sign = ""
    if raw[0] in "+-":
        sign, raw = raw[0].replace("+", ""), raw[1:]
    if "," in raw and "." in raw:
        decimal_sep = "," if raw.rfind(",") > raw.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        whole, _sep, fraction = raw.rpartition(decimal_sep)
        if group_sep in fraction or not _grouped(whole, group_sep):
            return None
        digits = whole.replace(group_sep, "") + "." + fraction
    elif "," in raw:
        parts = raw.split(",")
        if len(parts) == 2:  # the Vietnamese decimal comma
            digits = parts[0] + "." + parts[1]
        elif _grouped(raw, ","):  # 1,234,567 written the English way
            digits = raw.replace(",", "")
        else:
            return None
    elif "." in raw:
        parts = raw.split(".")
        if len(parts) == 2 and not _grouped(raw, "."):
            digits = raw  # 96.5, 0.123
        elif _grouped(raw, "."):  # 1.234 and 1.234.567: dots group thousands
            digits = raw.replace(".", "")
        else:
            return None
    else:
        digits = raw
    try:
        return Decimal(sign + digits)
    except InvalidOperation:
        return None


def _grouped(text: str, sep: str) -> bool:
    """'1.234.567' with sep '.': a first group of 1–3 digits not starting with 0, then groups of exactly 3."""
    parts = text.split(sep)
    if len(parts) < 2:
        return False
    head, rest = parts[0], parts[1:]
    return (
        1 <= len(head) <= 3
        and head.isdigit()
        and (head != "0" and not head.startswith("0"))
        and all(len(p) == 3 and p.isdigit() for p in rest)
    )


def parse_yes_no(text) -> bool | None:
    """'đạt', 'Có', 'x' → True; 'không đạt', 'chưa' → False; anything else → None."""
    folded = fold(_clean(text))
    if folded in NO_WORDS:
        return False
    if folded in YES_WORDS:
        return True
    return None


def parse_threshold(text) -> Threshold | None:
    """The threshold as a comparison or a yes/no requirement; None when a machine cannot read it.

    A bare number ("100%", "95") is None: the text does not say whether more or less is better."""
    text = _clean(text)
    if not text:
        return None
    if fold(text) in REQUIREMENT_WORDS:
        return Threshold("yes")
    for symbol, op in _SYMBOLS:
        if text.startswith(symbol):
            number = parse_number(text[len(symbol) :])
            return Threshold(op, number) if number is not None else None
    folded_words = fold(text.replace(",", " ").replace(".", " "))  # for the words only; the number is read from text
    op = None
    body = text
    for phrase, candidate in _LEADING_WORDS:
        if folded_words.startswith(phrase + " "):
            op = candidate
            body = _strip_words(text, len(phrase.split()))
            break
    for phrase, candidate in _TRAILING_WORDS:
        if folded_words.endswith(" " + phrase):
            if op is not None and op != candidate:
                return None  # "tối đa 5 trở lên": contradictory
            op = candidate
            body = _strip_words(body, len(phrase.split()), from_end=True)
            if fold(body.split(" ", 1)[0]) == "tu":  # "từ 95% trở lên"
                body = body.split(" ", 1)[1] if " " in body else ""
            break
    if op is None:
        return None
    number = parse_number(body)
    return Threshold(op, number) if number is not None else None


def _strip_words(text: str, count: int, *, from_end: bool = False) -> str:
    words = text.split(" ")
    return " ".join(words[:-count] if from_end else words[count:])


def judge(threshold, value) -> bool | None:
    """Whether `value` meets `threshold` (both texts); None when it cannot be judged."""
    parsed = parse_threshold(threshold)
    if parsed is None or not _clean(value):
        return None
    if parsed.op == "yes":
        answer = parse_yes_no(value)
        return None if answer is None else parsed.accepts(answer)
    number = parse_number(value)
    if number is None:
        return None
    return parsed.accepts(number)


def thresholds_text(indicator, group) -> str:
    """The threshold shown for a commune's group: its own, the common one, or — group unknown in a set whose
    thresholds differ by group — every group's ("Nhóm 1: ≥ 95% · Nhóm 3: ≥ 80%")."""
    own = indicator.threshold_for(group) if group else indicator.thresholds.get("all", "")
    if own:
        return own
    from django.utils.translation import gettext as _

    return " · ".join(
        _("Nhóm %(g)s: %(t)s") % {"g": key, "t": value}
        for key, value in sorted(indicator.thresholds.items())
        if key != "all" and value
    )


def judge_indicator(indicator, group, value) -> bool | None:
    """The indicator's result for a commune of `group` (None: no group and only per-group thresholds)."""
    threshold = indicator.threshold_for(group) if group else indicator.thresholds.get("all", "")
    return judge(threshold, value)


def criterion_met(criterion, results, rule) -> bool | None:
    """The criterion's result from its indicators' results, or None when the officer's tick decides.

    `results`: {indicator: True/False/None} or pairs (indicator, result), covering the criterion's indicators (an
    indicator missing counts as None). Rule "manual" → None. With `criterion.min_indicators` N: True when at least N
    indicators are met, False when N can no longer be reached, else None. Without it: False when a mandatory
    (non-optional) indicator is not met, True when all are met, else None; a criterion with no mandatory indicator
    is None."""
    if str(rule) != IndicatorRule.INDICATORS:
        return None
    pairs = list(results.items()) if isinstance(results, dict) else list(results)
    if not pairs:
        return None
    if criterion.min_indicators:
        met = sum(1 for _indicator, result in pairs if result is True)
        open_ = sum(1 for _indicator, result in pairs if result is None)
        if met >= criterion.min_indicators:
            return True
        if met + open_ < criterion.min_indicators:
            return False
        return None
    mandatory = [result for indicator, result in pairs if not indicator.optional]
    if not mandatory:
        return None
    if any(result is False for result in mandatory):
        return False
    if all(result is True for result in mandatory):
        return True
    return None
