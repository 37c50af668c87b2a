"""Dates of a dossier's procedure under 26/2026/QĐ-TTg, from products/data/dossier_kinds.yaml
(docs/dossiers-26-2026.md).

Pure functions of dates and the data file (no queries), so the dossier page and the dossier list compute them for any
number of rows without touching the database:

- `rules_for(filed_on, kind, decided_on=None)`: which rules a dossier follows (Điều 12.2 transition) and its deadline;
- `commune_deadline(received_on)`: the last day of the commune's 15 working days (Điều 7.2);
- `deadline_status(deadline, today, done_on=None)`: "còn N ngày làm việc" / "quá hạn N ngày làm việc";
- `rerating_window(last_valid_day)`: the filing window of a re-rating dossier (Điều 7.6.a).
"""

import datetime
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from core import workdays
from products.choices import DossierKind

KINDS_PATH = Path(__file__).parent / "data" / "dossier_kinds.yaml"

RULES_26_2026 = "26-2026"
RULES_2021_2025 = "2021-2025"


@dataclass(frozen=True)
class KindRules:
    in_force_from: datetime.date
    articles: dict
    commune_working_days: int
    commune_article: str
    window_earliest: int
    window_latest: int
    window_article: str
    transition_days: dict
    transition_article: str
    transition_label: str
    current_label: str
    current_article: str


@functools.cache
def load_kind_rules(path: Path = KINDS_PATH) -> KindRules:
    """The data file, read and checked once per process; a malformed file is a deployment error (ValueError)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    articles = {str(k["code"]): str(k["article"]) for k in data["kinds"]}
    transition = data["transition"]
    days = {str(k): int(v) for k, v in transition["days"].items()}
    if set(articles) != set(DossierKind.values) or set(days) != set(DossierKind.values):
        raise ValueError(f"{path}: kinds must be exactly {sorted(DossierKind.values)}")
    window = data["rerating_window"]
    rules = KindRules(
        in_force_from=data["in_force_from"],
        articles=articles,
        commune_working_days=int(data["commune_check"]["working_days"]),
        commune_article=str(data["commune_check"]["article"]),
        window_earliest=int(window["earliest_days_before_expiry"]),
        window_latest=int(window["latest_days_before_expiry"]),
        window_article=str(window["article"]),
        transition_days=days,
        transition_article=str(transition["article"]),
        transition_label=str(transition["rules_label"]),
        current_label=str(data["current_rules_label"]),
        current_article=str(data["current_rules_article"]),
    )
    if not isinstance(rules.in_force_from, datetime.date) or rules.commune_working_days <= 0:
        raise ValueError(f"{path}: in_force_from must be a date and commune_check.working_days positive")
    if not rules.window_earliest > rules.window_latest >= 0:
        raise ValueError(f"{path}: rerating_window: earliest must be further from expiry than latest")
    return rules


# ── Which rules apply (Điều 12.2) ─────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class DossierRules:
    code: str  # RULES_26_2026 or RULES_2021_2025
    label: str
    article: str
    deadline: datetime.date | None  # the last day to finish the rating (transition only)

    @property
    def is_current(self) -> bool:
        return self.code == RULES_26_2026


def rules_for(filed_on: datetime.date | None, kind: str, decided_on: datetime.date | None = None) -> DossierRules:
    """Which rules a dossier follows, with the same meaning as evaluation.process.rules_for_dossier (being written):
    once that function lands, call it instead and remove this one.

    Điều 12.2: a dossier filed before 22/05/2026 and not rated by then continues under the 2021–2025 rules, and its
    rating must be finished within 60 days of 22/05/2026 (first rating, upgrade: 21/07/2026) or 30 days (re-rating:
    21/06/2026); the first day is not counted (Civil Code 2015 Art. 147). A dossier filed before and rated before
    22/05/2026 simply followed the old rules (no deadline). Any other dossier, including one not filed yet, follows
    26/2026. `decided_on` is the day of the rating decision, when there is one.
    """
    rules = load_kind_rules()
    if kind not in rules.transition_days:
        raise ValueError(f"kind must be one of {sorted(rules.transition_days)}, not {kind!r}")
    start = rules.in_force_from
    if filed_on is None or filed_on >= start:
        return DossierRules(RULES_26_2026, rules.current_label, rules.current_article, None)
    deadline = None
    if decided_on is None or decided_on >= start:
        deadline = start + datetime.timedelta(days=rules.transition_days[kind])
    return DossierRules(RULES_2021_2025, rules.transition_label, rules.transition_article, deadline)


# ── The commune's 15 working days (Điều 7.2) ──────────────────────────────────────────────────────────────────────


def commune_deadline(received_on: datetime.date) -> datetime.date:
    """The last day of the commune's check: the 15th working day after receipt (the receipt day does not count)."""
    return workdays.add_working_days(received_on, load_kind_rules().commune_working_days)


@dataclass(frozen=True)
class DeadlineStatus:
    deadline: datetime.date
    state: str  # "open" (still running), "due-today", "overdue", "met" (done in time), "late" (done after it)
    working_days: int  # left ("open"), or past the deadline ("overdue", "late"); 0 otherwise

    @property
    def text(self) -> str:
        n = self.working_days
        if self.state == "open":
            return _("còn %(n)s ngày làm việc") % {"n": n}
        if self.state == "due-today":
            return _("hôm nay là ngày cuối của thời hạn")
        if self.state == "met":
            return _("đã xong trong thời hạn")
        if self.state == "late":
            return _("xong sau thời hạn %(n)s ngày làm việc") % {"n": n}
        if n:
            return _("quá hạn %(n)s ngày làm việc") % {"n": n}
        return _("đã quá hạn")  # the days since the deadline are all days off

    @property
    def is_late(self) -> bool:
        return self.state in ("overdue", "late")


def deadline_status(deadline: datetime.date, today: datetime.date, done_on: datetime.date | None = None):
    """Where `today` (or the day the work was done) stands against a working-day deadline.

    Left: working days after today up to the deadline (on the deadline itself: "due today"). Overdue: working days
    after the deadline up to today (or up to `done_on`).
    """
    if done_on is not None:
        if done_on <= deadline:
            return DeadlineStatus(deadline, "met", 0)
        return DeadlineStatus(deadline, "late", workdays.working_days_between(deadline, done_on))
    if today < deadline:
        return DeadlineStatus(deadline, "open", workdays.working_days_between(today, deadline))
    if today == deadline:
        return DeadlineStatus(deadline, "due-today", 0)
    return DeadlineStatus(deadline, "overdue", workdays.working_days_between(deadline, today))


# ── Re-rating filing window (Điều 7.6.a) ──────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class FilingWindow:
    expires_on: datetime.date  # the certificate's last valid day
    opens_on: datetime.date
    closes_on: datetime.date
    article: str

    def contains(self, day: datetime.date) -> bool:
        return self.opens_on <= day <= self.closes_on


def rerating_window(last_valid_day: datetime.date) -> FilingWindow:
    """No earlier than 180 days and no later than 120 days, counted back to the day the certificate ends."""
    rules = load_kind_rules()
    return FilingWindow(
        expires_on=last_valid_day,
        opens_on=last_valid_day - datetime.timedelta(days=rules.window_earliest),
        closes_on=last_valid_day - datetime.timedelta(days=rules.window_latest),
        article=rules.window_article,
    )
