"""Process rules by date (domain.md §5, §7; 26/2026/QĐ-TTg): which levels score, which level recognises which stars,
and the dated deadlines of each period — rounds, the re-rating window, revocation, the transition between periods.

Data: evaluation/data/process_rules.yaml (four periods: the 1048 era, 148 as issued, 148 as amended by 1489,
26/2026). Dates before the first period follow the first period's rules (as certification has always inferred them).
Every number comes from the data; this module only counts. Counting follows the Civil Code 2015 Art. 147–148
(domain.md §7): "N days from day D" ends at the end of D + N; "no earlier than N days before day E" is E − N.
docs/process-26-2026.md states each rule with its article.

Functions others call (all pure, no database):
  period_on(day), scoring_levels(day), recognising_level(stars, day), criteria_set_code(day), validity_months(day)
  rules_for_dossier(filed_on, kind, decided_on=None, *, last_valid_day=None) -> DossierRules      (Điều 12)
  certificate_rules(last_valid_day) -> CertificateRules          (Điều 7.6.a, 12.3; before 26/2026: domain.md §7)
  rerating_window(last_valid_day) -> (opens, closes) | None      (Điều 7.6.a)
  rerating_decide_by(received_on) -> date | None                 (Điều 7.6.g)
  round_for_proposal(proposed_on, level="province") -> RoundAssignment | None   (Điều 5)
  revocation_authority(stars, day) -> "province" | "ministry" | None           (Điều 8.2)
  revocation_deadline(found_on, day=None) -> date | None                       (Điều 8.4)
  product_code(province_code, commune_code, sequence, year) -> "T-X-STT-năm"   (Phụ lục II, sheet header)
"""

import datetime
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from core.errors import DomainError
from evaluation.choices import ProcessLevel

RULES_PATH = Path(__file__).parent / "data" / "process_rules.yaml"
RECOGNISED_STARS = (3, 4, 5)  # only 3–5★ products are certified (domain.md §4; 26/2026 Điều 4.1.a)
STEP_KEYS = {
    "level",
    "scores",
    "recognises",
    "forwards_from",
    "approves_forwarded",
    "proposes",
    "receives_dossier",
    "checks",
    "working_days",
    "authority",
    "article",
    "practice",
}
PERIOD_KEYS = {
    "code",
    "name",
    "criteria_set",
    "valid_from",
    "valid_until",
    "steps",
    "validity_months",
    "expiry_notice_days",
    "rounds",
    "rerating",
    "revocation",
    "transition",
}
DOSSIER_KINDS = ("first", "upgrade", "rerating")  # 26/2026 Điều 6.1.a, b, c
ONE_DAY = datetime.timedelta(days=1)


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@dataclass(frozen=True)
class Step:
    level: str
    scores: bool = False
    recognises: tuple[int, ...] = ()
    forwards_from: int | None = None
    approves_forwarded: bool = False
    proposes: bool = False
    receives_dossier: bool = False
    checks: tuple[str, ...] = ()
    working_days: int | None = None
    authority: str = ""
    article: str = ""
    practice: str = ""  # what provinces do where the text at hand is silent, labelled [practice]


@dataclass(frozen=True)
class RoundRule:
    number: int
    proposed_before: tuple[int, int]  # (month, day): proposals made before this day of the year ...
    decided_before: tuple[int, int]  # ... are decided before this day of the same year


@dataclass(frozen=True)
class Rounds:
    level: str
    items: tuple[RoundRule, ...]
    article: str = ""
    may_add_rounds: bool = False


@dataclass(frozen=True)
class ReratingRule:
    file_from_days_before_end: int
    file_until_days_before_end: int
    decide_within_days: int | None = None
    written_opinions: bool = False
    article: str = ""


@dataclass(frozen=True)
class RevocationRule:
    within_days: int | None
    authority: dict  # stars -> level
    article: str = ""


@dataclass(frozen=True)
class TransitionRule:
    unfinished_dossier_days: dict  # kind -> days from the period's first day
    late_rerating_extension_days: int | None = None
    article: str = ""


@dataclass(frozen=True)
class Period:
    code: str
    name: str
    criteria_set: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    steps: tuple[Step, ...]
    validity_months: int | None = None
    expiry_notice_days: int | None = None
    rounds: dict = field(default_factory=dict)  # level -> Rounds
    rerating: ReratingRule | None = None
    revocation: RevocationRule | None = None
    transition: TransitionRule | None = None

    def __hash__(self):
        return hash(self.code)

    def __repr__(self):
        return f"<Period {self.code}>"

    def contains(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)

    @property
    def scoring_levels(self) -> list[str]:
        return [s.level for s in self.steps if s.scores]

    def recognising_level(self, stars: int) -> str:
        for step in self.steps:
            if stars in step.recognises:
                return step.level
        raise DomainError(f"chỉ sản phẩm 3, 4 hoặc 5 sao được công nhận (không phải {stars} sao).", field="stars")

    def step(self, level: str) -> Step | None:
        return next((s for s in self.steps if s.level == level), None)

    def forwarding(self, level: str) -> tuple[int, str] | None:
        """(threshold, next level) when `level` forwards products at or above a score to the next level."""
        step = self.step(level)
        if step is None or step.forwards_from is None:
            return None
        index = self.steps.index(step)
        if index + 1 >= len(self.steps):
            return None
        return step.forwards_from, self.steps[index + 1].level


# --- reading the data ------------------------------------------------------------------------------------------------


def _month_day(text, where: str, problems: list) -> tuple[int, int] | None:
    try:
        month, day = (int(part) for part in str(text).split("-"))
        datetime.date(2001, month, day)  # a day every year has (no 29/02)
        return month, day
    except (TypeError, ValueError):
        problems.append(f"{where}: '{text}' không phải ngày dạng MM-DD.")
        return None


def _positive(value, where: str, problems: list, allow_none: bool = False):
    if value is None and allow_none:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        problems.append(f"{where}: phải là số nguyên dương (không phải {value!r}).")
        return None
    return value


def _parse_rounds(raw, where: str, problems: list) -> dict:
    rounds = {}
    for level, spec in (raw or {}).items():
        if level not in ProcessLevel.values or not isinstance(spec, dict):
            problems.append(f"{where}.rounds: cấp '{level}' không hợp lệ.")
            continue
        items = []
        for item in spec.get("items") or []:
            proposed = _month_day(item.get("proposed_before"), f"{where}.rounds.{level}", problems)
            decided = _month_day(item.get("decided_before"), f"{where}.rounds.{level}", problems)
            if proposed and decided:
                if decided <= proposed:
                    problems.append(f"{where}.rounds.{level}: đợt {item.get('round')} phải quyết định sau hạn đề nghị.")
                items.append(RoundRule(int(item.get("round") or len(items) + 1), proposed, decided))
        if not items:
            problems.append(f"{where}.rounds.{level}: không có đợt nào.")
            continue
        rounds[level] = Rounds(
            level=level,
            items=tuple(sorted(items, key=lambda r: r.proposed_before)),
            article=spec.get("article", ""),
            may_add_rounds=bool(spec.get("may_add_rounds", False)),
        )
    return rounds


def _parse_rerating(raw, where: str, problems: list) -> ReratingRule | None:
    if not raw:
        return None
    opens = _positive(raw.get("file_from_days_before_end"), f"{where}.rerating.file_from_days_before_end", problems)
    closes = _positive(raw.get("file_until_days_before_end"), f"{where}.rerating.file_until_days_before_end", problems)
    decide = _positive(raw.get("decide_within_days"), f"{where}.rerating.decide_within_days", problems, True)
    if opens is None or closes is None:
        return None
    if closes > opens:
        problems.append(f"{where}.rerating: cửa sổ nộp hồ sơ phải mở trước khi đóng.")
    return ReratingRule(opens, closes, decide, bool(raw.get("written_opinions", False)), raw.get("article", ""))


def _parse_revocation(raw, where: str, problems: list) -> RevocationRule | None:
    if not raw:
        return None
    within = _positive(raw.get("within_days"), f"{where}.revocation.within_days", problems, True)
    authority = {int(stars): level for stars, level in (raw.get("authority") or {}).items()}
    if sorted(authority) != list(RECOGNISED_STARS) or not set(authority.values()) <= set(ProcessLevel.values):
        problems.append(f"{where}.revocation: thẩm quyền thu hồi phải nêu cấp cho mỗi hạng 3, 4, 5 sao.")
    return RevocationRule(within, authority, raw.get("article", ""))


def _parse_transition(raw, where: str, problems: list) -> TransitionRule | None:
    if not raw:
        return None
    days = {}
    for kind, value in (raw.get("unfinished_dossier_days") or {}).items():
        if kind not in DOSSIER_KINDS:
            problems.append(f"{where}.transition: loại hồ sơ '{kind}' không hợp lệ.")
            continue
        days[kind] = _positive(value, f"{where}.transition.unfinished_dossier_days.{kind}", problems)
    extension = _positive(
        raw.get("late_rerating_extension_days"), f"{where}.transition.late_rerating_extension_days", problems, True
    )
    return TransitionRule(days, extension, raw.get("article", ""))


def parse_periods(data) -> tuple[Period, ...]:
    """Periods from the YAML data, checked: contiguous, each star 3–5 recognised by exactly one known level, every
    count a positive integer."""
    problems = []
    periods = []
    for n, raw in enumerate(data.get("periods") or [], start=1):
        where = f"periods[{n}]"
        unknown_keys = set(raw) - PERIOD_KEYS
        if unknown_keys:
            problems.append(f"{where}: khoá không hợp lệ {sorted(unknown_keys)}.")
        steps = []
        for raw_step in raw.get("steps") or []:
            unknown = set(raw_step) - STEP_KEYS
            if unknown or raw_step.get("level") not in ProcessLevel.values:
                problems.append(f"{where}: bước {raw_step} không hợp lệ.")
                continue
            steps.append(
                Step(
                    level=raw_step["level"],
                    scores=bool(raw_step.get("scores", False)),
                    recognises=tuple(raw_step.get("recognises") or ()),
                    forwards_from=raw_step.get("forwards_from"),
                    approves_forwarded=bool(raw_step.get("approves_forwarded", False)),
                    proposes=bool(raw_step.get("proposes", False)),
                    receives_dossier=bool(raw_step.get("receives_dossier", False)),
                    checks=tuple(raw_step.get("checks") or ()),
                    working_days=_positive(raw_step.get("working_days"), f"{where}.working_days", problems, True),
                    authority=raw_step.get("authority", ""),
                    article=raw_step.get("article", ""),
                    practice=raw_step.get("practice", ""),
                )
            )
        period = Period(
            code=str(raw["code"]),
            name=raw["name"],
            criteria_set=str(raw["criteria_set"]),
            valid_from=raw["valid_from"],
            valid_until=raw.get("valid_until"),
            steps=tuple(steps),
            validity_months=_positive(raw.get("validity_months"), f"{where}.validity_months", problems, True),
            expiry_notice_days=_positive(raw.get("expiry_notice_days"), f"{where}.expiry_notice_days", problems, True),
            rounds=_parse_rounds(raw.get("rounds"), where, problems),
            rerating=_parse_rerating(raw.get("rerating"), where, problems),
            revocation=_parse_revocation(raw.get("revocation"), where, problems),
            transition=_parse_transition(raw.get("transition"), where, problems),
        )
        recognised = sorted(s for step in steps for s in step.recognises)
        if recognised != list(RECOGNISED_STARS):
            problems.append(f"{where} {period.code}: mỗi hạng 3, 4, 5 sao phải do đúng một cấp công nhận.")
        if not period.scoring_levels:
            problems.append(f"{where} {period.code}: không có cấp nào chấm điểm.")
        if periods and periods[-1].valid_until != period.valid_from:
            problems.append(f"{where} {period.code}: phải bắt đầu đúng ngày giai đoạn trước kết thúc.")
        if period.transition is not None and not periods:
            problems.append(f"{where} {period.code}: quy định chuyển tiếp cần một giai đoạn trước.")
        periods.append(period)
    if not periods:
        problems.append("không có giai đoạn nào.")
    elif periods[-1].valid_until is not None:
        problems.append("giai đoạn cuối phải còn hiệu lực (valid_until: null).")
    if problems:
        raise DomainError("evaluation/data/process_rules.yaml: " + " ".join(problems))
    return tuple(periods)


@lru_cache(maxsize=1)
def periods() -> tuple[Period, ...]:
    return parse_periods(yaml.safe_load(RULES_PATH.read_text(encoding="utf-8")))


def period_on(day: datetime.date) -> Period:
    all_periods = periods()
    return next((p for p in all_periods if p.contains(day)), all_periods[0])


def period_by_code(code: str) -> Period:
    return next(p for p in periods() if p.code == code)


def previous_period(period: Period) -> Period | None:
    all_periods = periods()
    index = all_periods.index(period)
    return all_periods[index - 1] if index else None


# --- who does what ----------------------------------------------------------------------------------------------------


def scoring_levels(day: datetime.date) -> list[str]:
    """The levels whose councils score, in the order a dossier reaches them (1048 era: district, then province)."""
    return period_on(day).scoring_levels


def recognising_level(stars: int, day: datetime.date) -> str:
    """The level that recognises `stars` on `day`."""
    return period_on(day).recognising_level(stars)


def criteria_set_code(day: datetime.date) -> str:
    """The code of the criteria set products are scored with on `day`."""
    return period_on(day).criteria_set


def validity_months(day: datetime.date) -> int | None:
    """How many months a certificate decided on `day` is valid (36: domain.md §7; 26/2026 Điều 4.3)."""
    return period_on(day).validity_months


# --- Điều 12: which rules a dossier follows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierRules:
    """The rules a dossier follows. `period` is the period whose process applies; `finish_by` is set for a dossier
    filed before a period that has transitional rules began and not rated by then (Điều 12.2): it must be rated by
    that day, under `period` (the previous rules). `late` says whether `decided_on` came after `finish_by`.
    `certificate_extended_until` (re-rating, with the certificate's last day): Điều 12.3."""

    period: Period
    kind: str
    finish_by: datetime.date | None = None
    late: bool = False
    article: str = ""
    certificate_extended_until: datetime.date | None = None
    window: tuple[datetime.date, datetime.date] | None = None
    in_window: bool | None = None


def rules_for_dossier(
    filed_on: datetime.date,
    kind: str,
    decided_on: datetime.date | None = None,
    *,
    last_valid_day: datetime.date | None = None,
) -> DossierRules:
    """The period whose rules a dossier follows (26/2026 Điều 12).

    `kind`: "first" (first rating), "upgrade", "rerating" (Điều 6.1.a–c). `decided_on`: when it was rated, or None if
    not yet. A dossier filed before a period with transitional rules began, and not rated before that day, continues
    under the previous period's rules but must be rated within that period's `unfinished_dossier_days` of its first
    day (Điều 12.2.a: 60 days for a first rating or upgrade; 12.2.b: 30 days for a re-rating). A dossier rated before
    the new period began followed the period in force when it was rated (for earlier changes of rules, such as 1489,
    whose transitional text is not at hand, the system keeps inferring by date as it always did). Otherwise the
    period in force on the filing day applies.

    For a re-rating with `last_valid_day` (the certificate's last day of validity): the Điều 7.6.a window and whether
    `filed_on` falls in it, and the Điều 12.3 extension when the certificate could not meet the window.
    """
    if kind not in DOSSIER_KINDS:
        raise ValueError(f"kind must be one of {DOSSIER_KINDS}, not {kind!r}")
    filed_period = period_on(filed_on)
    result = DossierRules(period=filed_period, kind=kind)
    for later in periods()[periods().index(filed_period) + 1 :]:
        if decided_on is not None and decided_on < later.valid_from:
            result = DossierRules(period=period_on(decided_on), kind=kind)
            break
        transition = later.transition
        if transition is not None and kind in transition.unfinished_dossier_days:
            finish_by = later.valid_from + _days(transition.unfinished_dossier_days[kind])
            point = "a" if kind in ("first", "upgrade") else "b"
            result = DossierRules(
                period=previous_period(later),
                kind=kind,
                finish_by=finish_by,
                late=decided_on is not None and decided_on > finish_by,
                article=f"{transition.article} khoản 2 điểm {point}".strip(),
            )
            break
        result = DossierRules(period=later, kind=kind)  # a change of rules without transitional data: by date
    if kind == "rerating" and last_valid_day is not None:
        rules = certificate_rules(last_valid_day)
        in_window = None
        if rules.window is not None:
            in_window = rules.window[0] <= filed_on <= rules.window[1]
        result = DossierRules(
            period=result.period,
            kind=kind,
            finish_by=result.finish_by,
            late=result.late,
            article=result.article,
            certificate_extended_until=rules.extended_until,
            window=rules.window,
            in_window=in_window,
        )
    return result


# --- the end of a certificate: Điều 7.6.a, 12.3; before 26/2026 the 30-day notice -------------------------------------


@dataclass(frozen=True)
class CertificateRules:
    """What the rules say about the end of a certificate whose last day of validity is known.

    `window` (Điều 7.6.a): the first and last day a re-rating dossier may be filed, both inclusive, when a period with
    a re-rating window governs the certificate (at least the window's last day falls in that period).
    `extended_until` (Điều 12.3): the certificate was still valid when that period began but its window had already
    closed: it stays valid until the authority decides, at most until this day.
    `expiry_notice_days`: for certificates without a window, the notice before expiry of the latest period that has
    one (before 26/2026: at least 30 days, domain.md §7).
    """

    period: Period
    window: tuple[datetime.date, datetime.date] | None = None
    expiry_notice_days: int | None = None
    extended_until: datetime.date | None = None

    @property
    def rerating(self) -> ReratingRule | None:
        return self.period.rerating if self.window is not None else None


@dataclass(frozen=True)
class ReratingRegime:
    """A period's window governs certificates whose last day lies in [first_last_day, end_last_day)."""

    period: Period
    rule: ReratingRule
    first_last_day: datetime.date
    end_last_day: datetime.date | None


def rerating_regimes() -> list[ReratingRegime]:
    """The periods with a re-rating window and the last days of validity each governs (its window closes on or after
    the period's first day, and before the next window period takes over)."""
    found = []
    window_periods = [p for p in periods() if p.rerating is not None]
    for period, following in zip(window_periods, window_periods[1:] + [None], strict=True):
        first = period.valid_from + _days(period.rerating.file_until_days_before_end)
        end = None
        if following is not None:
            end = following.valid_from + _days(following.rerating.file_until_days_before_end)
        found.append(ReratingRegime(period, period.rerating, first, end))
    return found


def _notice_period(day: datetime.date) -> Period:
    """The latest period, in force on `day` or before, that has an expiry notice."""
    candidates = [p for p in periods() if p.expiry_notice_days and p.valid_from <= day]
    return candidates[-1] if candidates else period_on(day)


def certificate_rules(last_valid_day: datetime.date) -> CertificateRules:
    """The rules for the end of a certificate whose last day of validity is `last_valid_day` (the day its 36 months
    end; see CertificateRules)."""
    for regime in reversed(rerating_regimes()):
        if last_valid_day >= regime.first_last_day and (
            regime.end_last_day is None or last_valid_day < regime.end_last_day
        ):
            rule = regime.rule
            opens = last_valid_day - _days(rule.file_from_days_before_end)
            closes = last_valid_day - _days(rule.file_until_days_before_end)
            return CertificateRules(period=regime.period, window=(opens, closes))
        transition = regime.period.transition
        if (
            transition is not None
            and transition.late_rerating_extension_days
            and regime.period.valid_from <= last_valid_day < regime.first_last_day
        ):
            before = previous_period(regime.period)
            return CertificateRules(
                period=regime.period,
                expiry_notice_days=before.expiry_notice_days if before else None,
                extended_until=last_valid_day + _days(transition.late_rerating_extension_days),
            )
    notice = _notice_period(last_valid_day)
    return CertificateRules(period=notice, expiry_notice_days=notice.expiry_notice_days)


def rerating_window(last_valid_day: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """(opens, closes): the first and last day a re-rating dossier may be filed for a certificate whose last day of
    validity is `last_valid_day` (Điều 7.6.a: no earlier than 180 and no later than 120 days before that day), or None
    when no window governs it (certificates ending before 26/2026, and those of Điều 12.3)."""
    return certificate_rules(last_valid_day).window


def rerating_decide_by(received_on: datetime.date) -> datetime.date | None:
    """The last day to decide a re-rating whose complete dossier (from the commune or the province) arrived on
    `received_on` (Điều 7.6.g: no more than 45 days), or None when the period has no such rule."""
    rule = period_on(received_on).rerating
    if rule is None or rule.decide_within_days is None:
        return None
    return received_on + _days(rule.decide_within_days)


# --- Điều 5: rounds ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundAssignment:
    """The statutory round a proposal goes to. Unpacks as (round_no, decide_by).

    `decide_before` is the text's date ("trước ngày 30 tháng 6"); `decide_by` the last day a decision may be made
    (the day before). `warning` is set when the proposal missed a round that had not yet been held: it was made on
    or after that round's cut-off but before the round's own deadline.
    """

    level: str
    round_no: int
    year: int
    proposed_before: datetime.date
    decide_before: datetime.date
    warning: str = ""
    article: str = ""

    @property
    def decide_by(self) -> datetime.date:
        return self.decide_before - ONE_DAY

    def __iter__(self):
        yield self.round_no
        yield self.decide_by


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _round_dates(rule: RoundRule, year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, *rule.proposed_before), datetime.date(year, *rule.decided_before)


def round_for_proposal(proposed_on: datetime.date, level: str = "province") -> RoundAssignment | None:
    """The round that decides a dossier proposed on `proposed_on` to `level` ("province": proposed by the commune,
    Điều 5.1; "ministry": proposed by the province, Điều 5.2): the first round whose cut-off ("trước ngày …") is
    after that day. None when the period in force has no rounds for the level (before 26/2026: not known)."""
    rounds = period_on(proposed_on).rounds.get(level)
    if rounds is None:
        return None
    years = (proposed_on.year, proposed_on.year + 1)
    candidates = sorted(
        (_round_dates(rule, year) + (rule,) for year in years for rule in rounds.items), key=lambda c: c[0]
    )
    cutoff, decide_before, rule = next(c for c in candidates if proposed_on < c[0])
    warning = ""
    for year in (proposed_on.year - 1, proposed_on.year):
        for missed in rounds.items:
            missed_cutoff, missed_decide = _round_dates(missed, year)
            if missed_cutoff <= proposed_on < missed_decide:
                extra = (
                    " Cơ quan có thẩm quyền có thể tổ chức thêm đợt đánh giá theo quy chế của Hội đồng."
                    if rounds.may_add_rounds
                    else ""
                )
                warning = (
                    f"Hồ sơ đề nghị ngày {_fmt(proposed_on)} không kịp đợt {missed.number} năm {year} (chỉ xét hồ sơ "
                    f"đề nghị trước ngày {_fmt(missed_cutoff)}, {rounds.article}); hồ sơ được xét ở đợt "
                    f"{rule.number} năm {decide_before.year}, quyết định trước ngày {_fmt(decide_before)}.{extra}"
                )
    return RoundAssignment(
        level=level,
        round_no=rule.number,
        year=decide_before.year,
        proposed_before=cutoff,
        decide_before=decide_before,
        warning=warning,
        article=rounds.article,
    )


# --- Điều 8: revocation -----------------------------------------------------------------------------------------------


def revocation_authority(stars: int, day: datetime.date) -> str | None:
    """The level that revokes a certificate of `stars` on `day` (Điều 8.2: province 3★/4★, ministry 5★), or None
    when the period in force has no such rule (before 26/2026: not known)."""
    if stars not in RECOGNISED_STARS:
        raise DomainError(f"chỉ giấy chứng nhận 3, 4 hoặc 5 sao (không phải {stars} sao).", field="stars")
    rule = period_on(day).revocation
    if rule is None:
        return None
    return rule.authority[stars]


def revocation_deadline(found_on: datetime.date, day: datetime.date | None = None) -> datetime.date | None:
    """The last day to decide a revocation whose ground was established on `found_on` (the competent body's
    conclusion, or the commune's confirmation that production stopped): Điều 8.4, 15 days from that day. `day`
    picks the period (default: `found_on`); None when that period has no such rule."""
    rule = period_on(day or found_on).revocation
    if rule is None or rule.within_days is None:
        return None
    return found_on + _days(rule.within_days)


# --- the product code on the scoring sheet ----------------------------------------------------------------------------


def product_code(province_code: str, commune_code: str, sequence: int, year: int) -> str:
    """ "Mã số sản phẩm (T)-(X)-(STT)-20…" printed at the head of every 26/2026 scoring sheet (Phụ lục II): T the
    province code, X the commune code (administrative unit codes of 19/2025/QĐ-TTg, i.e. the 2025 scheme), STT the
    product's number in the commune's list, and the year of the evaluation. Codes keep their leading zeros."""
    codes = []
    for name, code in (("tỉnh", province_code), ("xã", commune_code)):
        code = str(code or "").strip()
        if not code.isdigit():
            raise DomainError(f"mã {name} phải là dãy chữ số (không phải '{code}').", field="code")
        codes.append(code)
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1:
        raise DomainError(f"số thứ tự phải là số nguyên dương (không phải {sequence!r}).", field="sequence")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2099:
        raise DomainError(f"năm đánh giá phải có dạng 20… (không phải {year!r}).", field="year")
    return f"{codes[0]}-{codes[1]}-{sequence}-{year}"
