"""Process rules by date (domain.md §5): which levels score, which level recognises which stars.

Data: evaluation/data/process_rules.yaml (three periods: the 1048 era, 148 as issued, 148 as amended by 1489).
Dates before the first period follow the first period's rules (as certification has always inferred them).
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from core.errors import DomainError
from evaluation.choices import ProcessLevel

RULES_PATH = Path(__file__).parent / "data" / "process_rules.yaml"
RECOGNISED_STARS = (3, 4, 5)  # only 3–5★ products are certified (domain.md §4)
STEP_KEYS = {"level", "scores", "recognises", "forwards_from", "proposes", "receives_dossier", "checks", "authority"}


@dataclass(frozen=True)
class Step:
    level: str
    scores: bool = False
    recognises: tuple[int, ...] = ()
    forwards_from: int | None = None
    proposes: bool = False
    receives_dossier: bool = False
    checks: tuple[str, ...] = ()
    authority: str = ""


@dataclass(frozen=True)
class Period:
    code: str
    name: str
    criteria_set: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    steps: tuple[Step, ...]

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


def parse_periods(data) -> tuple[Period, ...]:
    """Periods from the YAML data, checked: contiguous, each star 3–5 recognised by exactly one known level."""
    problems = []
    periods = []
    for n, raw in enumerate(data.get("periods") or [], start=1):
        steps = []
        for raw_step in raw.get("steps") or []:
            unknown = set(raw_step) - STEP_KEYS
            if unknown or raw_step.get("level") not in ProcessLevel.values:
                problems.append(f"periods[{n}]: bước {raw_step} không hợp lệ.")
                continue
            steps.append(
                Step(
                    level=raw_step["level"],
                    scores=bool(raw_step.get("scores", False)),
                    recognises=tuple(raw_step.get("recognises") or ()),
                    forwards_from=raw_step.get("forwards_from"),
                    proposes=bool(raw_step.get("proposes", False)),
                    receives_dossier=bool(raw_step.get("receives_dossier", False)),
                    checks=tuple(raw_step.get("checks") or ()),
                    authority=raw_step.get("authority", ""),
                )
            )
        period = Period(
            code=str(raw["code"]),
            name=raw["name"],
            criteria_set=str(raw["criteria_set"]),
            valid_from=raw["valid_from"],
            valid_until=raw.get("valid_until"),
            steps=tuple(steps),
        )
        recognised = sorted(s for step in steps for s in step.recognises)
        if recognised != list(RECOGNISED_STARS):
            problems.append(f"periods[{n}] {period.code}: mỗi hạng 3, 4, 5 sao phải do đúng một cấp công nhận.")
        if not period.scoring_levels:
            problems.append(f"periods[{n}] {period.code}: không có cấp nào chấm điểm.")
        if periods and periods[-1].valid_until != period.valid_from:
            problems.append(f"periods[{n}] {period.code}: phải bắt đầu đúng ngày giai đoạn trước kết thúc.")
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


def scoring_levels(day: datetime.date) -> list[str]:
    """The levels whose councils score, in the order a dossier reaches them (1048 era: district, then province)."""
    return period_on(day).scoring_levels


def recognising_level(stars: int, day: datetime.date) -> str:
    """The level that recognises `stars` on `day`."""
    return period_on(day).recognising_level(stars)


def criteria_set_code(day: datetime.date) -> str:
    """The code of the criteria set products are scored with on `day`."""
    return period_on(day).criteria_set
