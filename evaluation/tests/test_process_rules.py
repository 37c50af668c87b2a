"""Process rules by date (domain.md §5): which levels score and which level recognises which stars."""

import datetime

import pytest

from certification import rules as certification_rules
from core.errors import DomainError
from evaluation import process

D = datetime.date


@pytest.mark.parametrize(
    ("day", "period", "criteria_set", "scoring", "three_stars"),
    [
        (D(2019, 8, 21), "1048", "1048", ["district", "province"], "province"),
        (D(2023, 2, 23), "1048", "1048", ["district", "province"], "province"),
        (D(2023, 2, 24), "148", "148", ["district"], "district"),
        (D(2025, 7, 5), "148", "148", ["district"], "district"),
        (D(2025, 7, 6), "148-1489", "148", ["province"], "province"),
        (D(2026, 1, 1), "148-1489", "148", ["province"], "province"),
    ],
)
def test_rules_on_boundary_dates(day, period, criteria_set, scoring, three_stars):
    assert process.period_on(day).code == period
    assert process.criteria_set_code(day) == criteria_set
    assert process.scoring_levels(day) == scoring
    assert process.recognising_level(3, day) == three_stars
    assert process.recognising_level(4, day) == "province"
    assert process.recognising_level(5, day) == "ministry"


@pytest.mark.parametrize(
    ("day", "levels"),
    [
        (D(2018, 1, 1), {3: "province", 4: "province", 5: "ministry"}),  # before 1048: its rules, as before
        (D(2023, 2, 23), {3: "province", 4: "province", 5: "ministry"}),
        (D(2023, 2, 24), {3: "district", 4: "province", 5: "ministry"}),
        (D(2025, 7, 5), {3: "district", 4: "province", 5: "ministry"}),
        (D(2025, 7, 6), {3: "province", 4: "province", 5: "ministry"}),
    ],
)
def test_certification_reads_the_same_rules(day, levels):
    for stars, level in levels.items():
        assert certification_rules.recognising_level(stars, day) == level


def test_forwarding_and_the_commune_step():
    era_1048 = process.period_on(D(2020, 1, 1))
    assert era_1048.step("district").forwards_from == 50
    assert era_1048.step("province").forwards_from == 90
    issued = process.period_on(D(2024, 1, 1))
    assert issued.step("province").forwards_from == 90 and not issued.step("province").scores
    amended = process.period_on(D(2025, 7, 6))
    assert amended.step("district") is None
    commune = amended.step("commune")
    assert commune.receives_dossier and commune.proposes and not commune.scores and len(commune.checks) == 3
    assert amended.step("ministry").authority == "Bộ Nông nghiệp và Môi trường"


def test_only_three_to_five_stars_are_recognised():
    with pytest.raises(DomainError, match="3, 4 hoặc 5 sao"):
        process.recognising_level(2, D(2024, 1, 1))


def test_broken_rules_are_refused():
    good = {
        "code": "a",
        "name": "a",
        "criteria_set": "x",
        "valid_from": D(2020, 1, 1),
        "valid_until": D(2021, 1, 1),
        "steps": [{"level": "province", "scores": True, "recognises": [3, 4, 5]}],
    }
    gap = {**good, "code": "b", "valid_from": D(2021, 1, 2), "valid_until": None}
    with pytest.raises(DomainError, match="phải bắt đầu đúng ngày giai đoạn trước kết thúc"):
        process.parse_periods({"periods": [good, gap]})
    twice = {**good, "valid_until": None, "steps": [*good["steps"], {"level": "ministry", "recognises": [5]}]}
    with pytest.raises(DomainError, match="đúng một cấp công nhận"):
        process.parse_periods({"periods": [twice]})
    with pytest.raises(DomainError, match="không hợp lệ"):
        process.parse_periods({"periods": [{**good, "valid_until": None, "steps": [{"level": "village"}]}]})
