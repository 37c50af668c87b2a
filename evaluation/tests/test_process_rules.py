"""Process rules by date (domain.md §5, §7; 26/2026/QĐ-TTg Điều 4–9, 12): which levels score, which level recognises
which stars, and the dated deadlines — each on the day before, of and after its boundary. Expected dates are written
out, never computed the way the code computes them."""

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
        (D(2023, 2, 24), "148", "148", ["district", "province"], "district"),
        (D(2025, 6, 30), "148", "148", ["district", "province"], "district"),
        (D(2025, 7, 1), "148-1489", "148", ["province"], "province"),
        (D(2026, 1, 1), "148-1489", "148", ["province"], "province"),
        (D(2026, 5, 21), "148-1489", "148", ["province"], "province"),
        (D(2026, 5, 22), "26-2026", "26-2026", ["province"], "province"),
        (D(2026, 5, 23), "26-2026", "26-2026", ["province"], "province"),
        (D(2028, 2, 29), "26-2026", "26-2026", ["province"], "province"),
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
        (D(2025, 6, 30), {3: "district", 4: "province", 5: "ministry"}),
        (D(2025, 7, 1), {3: "province", 4: "province", 5: "ministry"}),
        (D(2026, 5, 22), {3: "province", 4: "province", 5: "ministry"}),
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
    assert issued.forwarding("district") == (70, "province") and "[thực tiễn]" in issued.step("district").practice
    assert issued.step("province").scores and issued.forwarding("province") == (90, "ministry")
    assert "dưới 70" in issued.step("province").practice  # the system's choice, labelled as practice
    amended = process.period_on(D(2025, 7, 1))
    assert amended.step("district") is None
    commune = amended.step("commune")
    assert commune.receives_dossier and commune.proposes and not commune.scores and len(commune.checks) == 3
    assert amended.step("ministry").authority == "Bộ Nông nghiệp và Môi trường"


def test_the_steps_of_26_2026():
    """Điều 4.1, 7.2, 7.3.e, 7.4: the commune checks within 15 working days and proposes; the province scores,
    recognises 3★/4★, approves ≥ 90 and proposes it; the ministry recognises 5★."""
    period = process.period_on(D(2026, 5, 22))
    assert [s.level for s in period.steps] == ["commune", "province", "ministry"]
    commune = period.step("commune")
    assert commune.receives_dossier and commune.proposes and not commune.scores
    assert commune.working_days == 15 and commune.article == "Điều 7 khoản 2"
    assert "Bản sắc, trí tuệ địa phương" in commune.checks and len(commune.checks) == 5
    province = period.step("province")
    assert province.scores and province.recognises == (3, 4) and province.forwards_from == 90
    assert province.approves_forwarded
    ministry = period.step("ministry")
    assert ministry.recognises == (5,) and ministry.authority == "Bộ Nông nghiệp và Môi trường"
    assert not process.period_on(D(2026, 5, 21)).step("province").approves_forwarded


@pytest.mark.parametrize("day", [D(2020, 1, 1), D(2024, 1, 1), D(2026, 5, 21), D(2026, 5, 22)])
def test_a_certificate_is_valid_36_months_in_every_period(day):
    assert process.validity_months(day) == 36


def test_only_three_to_five_stars_are_recognised():
    with pytest.raises(DomainError, match="3, 4 hoặc 5 sao"):
        process.recognising_level(2, D(2024, 1, 1))


# --- Điều 12: which rules a dossier follows --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filed", "kind", "decided", "period", "finish_by", "late"),
    [
        # filed the day before 26/2026, not yet rated: old rules, 60 days (Điều 12.2.a) or 30 (12.2.b) from 22/05/2026
        (D(2026, 5, 21), "first", None, "148-1489", D(2026, 7, 21), False),
        (D(2026, 5, 21), "upgrade", None, "148-1489", D(2026, 7, 21), False),
        (D(2026, 5, 21), "rerating", None, "148-1489", D(2026, 6, 21), False),
        # rated before 26/2026 took effect: no transitional deadline
        (D(2026, 5, 21), "first", D(2026, 5, 21), "148-1489", None, False),
        # rated on or after 22/05/2026: the transitional deadline, late after its last day
        (D(2026, 5, 21), "first", D(2026, 5, 22), "148-1489", D(2026, 7, 21), False),
        (D(2026, 5, 21), "first", D(2026, 7, 21), "148-1489", D(2026, 7, 21), False),
        (D(2026, 5, 21), "first", D(2026, 7, 22), "148-1489", D(2026, 7, 21), True),
        (D(2026, 5, 21), "rerating", D(2026, 6, 21), "148-1489", D(2026, 6, 21), False),
        (D(2026, 5, 21), "rerating", D(2026, 6, 22), "148-1489", D(2026, 6, 21), True),
        # filed on or after 22/05/2026: the new rules
        (D(2026, 5, 22), "first", None, "26-2026", None, False),
        (D(2026, 5, 23), "rerating", D(2026, 8, 1), "26-2026", None, False),
        # filed long before, still unrated in 2026: the rules in force just before 26/2026 (no district any more)
        (D(2024, 1, 10), "first", None, "148-1489", D(2026, 7, 21), False),
        (D(2024, 1, 10), "first", D(2024, 6, 1), "148", None, False),
        (D(2024, 1, 10), "first", D(2025, 9, 1), "148-1489", None, False),
    ],
)
def test_rules_for_dossier_follow_article_12(filed, kind, decided, period, finish_by, late):
    found = process.rules_for_dossier(filed, kind, decided)
    assert (found.period.code, found.finish_by, found.late) == (period, finish_by, late)
    if finish_by is not None:
        assert found.article == ("Điều 12 khoản 2 điểm b" if kind == "rerating" else "Điều 12 khoản 2 điểm a")


def test_rules_for_dossier_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        process.rules_for_dossier(D(2026, 6, 1), "renewal")


@pytest.mark.parametrize(
    ("filed", "in_window"),
    [(D(2026, 12, 31), False), (D(2027, 1, 1), True), (D(2027, 3, 2), True), (D(2027, 3, 3), False)],
)
def test_a_rerating_dossier_is_checked_against_its_window(filed, in_window):
    found = process.rules_for_dossier(filed, "rerating", last_valid_day=D(2027, 6, 30))
    assert found.window == (D(2027, 1, 1), D(2027, 3, 2))
    assert found.in_window is in_window and found.certificate_extended_until is None


def test_a_rerating_that_could_not_meet_the_window_keeps_its_certificate_180_days():
    """Điều 12.3: valid on 22/05/2026 but its window had closed: valid until decided, at most 180 days after."""
    found = process.rules_for_dossier(D(2026, 6, 1), "rerating", last_valid_day=D(2026, 9, 18))
    assert found.period.code == "26-2026" and found.window is None and found.in_window is None
    assert found.certificate_extended_until == D(2027, 3, 17)


# --- the end of a certificate: Điều 7.6.a, 12.3; before 26/2026, 30 days' notice -------------------------------------


@pytest.mark.parametrize(
    ("last_day", "window"),
    [
        (D(2027, 6, 30), (D(2027, 1, 1), D(2027, 3, 2))),
        (D(2028, 2, 29), (D(2027, 9, 2), D(2027, 11, 1))),  # the last day is 29/02
        (D(2028, 8, 27), (D(2028, 2, 29), D(2028, 4, 29))),  # the window opens on 29/02
        (D(2028, 6, 28), (D(2027, 12, 31), D(2028, 2, 29))),  # the window closes on 29/02
        # the first certificate 26/2026's window governs: it closes on 22/05/2026, the day 26/2026 took effect
        (D(2026, 9, 19), (D(2026, 3, 23), D(2026, 5, 22))),
        (D(2026, 9, 20), (D(2026, 3, 24), D(2026, 5, 23))),
    ],
)
def test_the_rerating_window_is_180_to_120_days_before_the_last_day(last_day, window):
    assert process.rerating_window(last_day) == window
    rules = process.certificate_rules(last_day)
    assert rules.period.code == "26-2026" and rules.expiry_notice_days is None and rules.extended_until is None
    assert rules.rerating.decide_within_days == 45 and rules.rerating.written_opinions


@pytest.mark.parametrize(
    ("last_day", "extended_until", "notice_period"),
    [
        (D(2026, 9, 18), D(2027, 3, 17), "26-2026"),  # window closed 21/05/2026: Điều 12.3
        (D(2026, 5, 22), D(2026, 11, 18), "26-2026"),  # valid on the first day of 26/2026: Điều 12.3
        (D(2026, 5, 21), None, "148-1489"),  # ended before 26/2026: the earlier rules, no extension
        (D(2024, 2, 29), None, "148"),
        (D(2021, 6, 30), None, "1048"),
    ],
)
def test_certificates_without_a_window(last_day, extended_until, notice_period):
    rules = process.certificate_rules(last_day)
    assert process.rerating_window(last_day) is None
    assert rules.window is None and rules.rerating is None
    assert rules.extended_until == extended_until
    assert rules.expiry_notice_days == 30  # domain.md §7: before 26/2026, at least 30 days' notice
    assert rules.period.code == notice_period


def test_the_regimes_say_which_last_days_each_window_governs():
    (regime,) = process.rerating_regimes()
    assert (regime.period.code, regime.first_last_day, regime.end_last_day) == ("26-2026", D(2026, 9, 19), None)


@pytest.mark.parametrize(
    ("received", "decide_by"),
    [
        (D(2026, 5, 21), None),
        (D(2026, 5, 22), D(2026, 7, 6)),
        (D(2026, 6, 1), D(2026, 7, 16)),
        (D(2028, 1, 20), D(2028, 3, 5)),
    ],
)
def test_a_rerating_is_decided_within_45_days(received, decide_by):
    assert process.rerating_decide_by(received) == decide_by


# --- Điều 5: rounds --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proposed", "round_no", "decide_by", "decide_before", "missed"),
    [
        (D(2027, 4, 29), 1, D(2027, 6, 29), D(2027, 6, 30), None),
        (D(2027, 4, 30), 2, D(2027, 12, 29), D(2027, 12, 30), "đợt 1 năm 2027"),  # "trước ngày 30 tháng 4"
        (D(2027, 5, 1), 2, D(2027, 12, 29), D(2027, 12, 30), "đợt 1 năm 2027"),
        (D(2027, 6, 29), 2, D(2027, 12, 29), D(2027, 12, 30), "đợt 1 năm 2027"),
        (D(2027, 6, 30), 2, D(2027, 12, 29), D(2027, 12, 30), None),  # round 1 is over: no warning
        (D(2027, 10, 29), 2, D(2027, 12, 29), D(2027, 12, 30), None),
        (D(2027, 10, 30), 1, D(2028, 6, 29), D(2028, 6, 30), "đợt 2 năm 2027"),
        (D(2027, 12, 29), 1, D(2028, 6, 29), D(2028, 6, 30), "đợt 2 năm 2027"),
        (D(2027, 12, 30), 1, D(2028, 6, 29), D(2028, 6, 30), None),
        (D(2027, 12, 31), 1, D(2028, 6, 29), D(2028, 6, 30), None),
        (D(2028, 2, 29), 1, D(2028, 6, 29), D(2028, 6, 30), None),
        (D(2026, 5, 22), 2, D(2026, 12, 29), D(2026, 12, 30), "đợt 1 năm 2026"),
    ],
)
def test_provincial_rounds(proposed, round_no, decide_by, decide_before, missed):
    found = process.round_for_proposal(proposed)
    number, last_day = found  # unpacks as (round_no, decide_by)
    assert (number, last_day, found.decide_before) == (round_no, decide_by, decide_before)
    assert found.article == "Điều 5 khoản 1"
    if missed is None:
        assert found.warning == ""
    else:
        assert missed in found.warning and f"đợt {round_no}" in found.warning and "Điều 5 khoản 1" in found.warning


@pytest.mark.parametrize(
    ("proposed", "round_no", "decide_before", "missed"),
    [
        (D(2027, 1, 29), 2, D(2027, 3, 30), None),
        (D(2027, 1, 30), 1, D(2027, 9, 30), "đợt 2 năm 2027"),
        (D(2027, 3, 29), 1, D(2027, 9, 30), "đợt 2 năm 2027"),
        (D(2027, 3, 30), 1, D(2027, 9, 30), None),
        (D(2027, 7, 29), 1, D(2027, 9, 30), None),
        (D(2027, 7, 30), 2, D(2028, 3, 30), "đợt 1 năm 2027"),
        (D(2027, 9, 29), 2, D(2028, 3, 30), "đợt 1 năm 2027"),
        (D(2027, 9, 30), 2, D(2028, 3, 30), None),
        (D(2028, 2, 29), 1, D(2028, 9, 30), "đợt 2 năm 2028"),
    ],
)
def test_ministry_rounds(proposed, round_no, decide_before, missed):
    found = process.round_for_proposal(proposed, level="ministry")
    assert (found.round_no, found.decide_before, found.article) == (round_no, decide_before, "Điều 5 khoản 2")
    assert (missed in found.warning) if missed else found.warning == ""


def test_no_rounds_are_known_before_26_2026():
    assert process.round_for_proposal(D(2026, 5, 21)) is None
    assert process.round_for_proposal(D(2024, 3, 1), level="ministry") is None


# --- Điều 8: revocation -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "authority"),
    [
        (D(2026, 5, 21), {3: None, 4: None, 5: None}),  # before 26/2026: not known (domain.md: gap)
        (D(2026, 5, 22), {3: "province", 4: "province", 5: "ministry"}),
        (D(2028, 2, 29), {3: "province", 4: "province", 5: "ministry"}),
    ],
)
def test_who_revokes_which_stars(day, authority):
    assert {stars: process.revocation_authority(stars, day) for stars in (3, 4, 5)} == authority


def test_only_certificates_of_three_to_five_stars_are_revoked():
    with pytest.raises(DomainError, match="3, 4 hoặc 5 sao"):
        process.revocation_authority(2, D(2026, 6, 1))


@pytest.mark.parametrize(
    ("found_on", "day", "deadline"),
    [
        (D(2026, 5, 21), None, None),
        (D(2026, 5, 22), None, D(2026, 6, 6)),
        (D(2026, 5, 23), None, D(2026, 6, 7)),
        (D(2026, 5, 21), D(2026, 5, 22), D(2026, 6, 5)),  # found the day before, decided under 26/2026
        (D(2028, 2, 14), None, D(2028, 2, 29)),
        (D(2028, 2, 20), None, D(2028, 3, 6)),
    ],
)
def test_a_revocation_is_decided_within_15_days_of_the_finding(found_on, day, deadline):
    assert process.revocation_deadline(found_on, day) == deadline


# --- the product code (Phụ lục II, the head of every sheet) ----------------------------------------------------------


def test_the_product_code_is_province_commune_number_year():
    assert process.product_code("11", "03328", 7, 2026) == "11-03328-7-2026"
    assert process.product_code(" 01 ", "00004", 120, 2027) == "01-00004-120-2027"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", "03328", 1, 2026), "mã tỉnh"),
        (("11", "03a28", 1, 2026), "mã xã"),
        (("11", "03328", 0, 2026), "số thứ tự"),
        (("11", "03328", True, 2026), "số thứ tự"),
        (("11", "03328", 1, 26), "năm đánh giá"),
        (("11", "03328", 1, 2100), "năm đánh giá"),
    ],
)
def test_a_bad_product_code_part_is_refused(args, message):
    with pytest.raises(DomainError, match=message):
        process.product_code(*args)


# --- the data is checked ----------------------------------------------------------------------------------------------


GOOD = {
    "code": "a",
    "name": "a",
    "criteria_set": "x",
    "valid_from": D(2020, 1, 1),
    "valid_until": D(2021, 1, 1),
    "steps": [{"level": "province", "scores": True, "recognises": [3, 4, 5]}],
}


def test_broken_rules_are_refused():
    gap = {**GOOD, "code": "b", "valid_from": D(2021, 1, 2), "valid_until": None}
    with pytest.raises(DomainError, match="phải bắt đầu đúng ngày giai đoạn trước kết thúc"):
        process.parse_periods({"periods": [GOOD, gap]})
    twice = {**GOOD, "valid_until": None, "steps": [*GOOD["steps"], {"level": "ministry", "recognises": [5]}]}
    with pytest.raises(DomainError, match="đúng một cấp công nhận"):
        process.parse_periods({"periods": [twice]})
    with pytest.raises(DomainError, match="không hợp lệ"):
        process.parse_periods({"periods": [{**GOOD, "valid_until": None, "steps": [{"level": "village"}]}]})


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"rounds": {"province": {"items": [{"round": 1, "proposed_before": "02-30", "decided_before": "06-30"}]}}},
            "MM-DD",
        ),
        (
            {"rounds": {"province": {"items": [{"round": 1, "proposed_before": "06-30", "decided_before": "04-30"}]}}},
            "quyết định sau",
        ),
        ({"rounds": {"village": {"items": []}}}, "cấp 'village'"),
        ({"rerating": {"file_from_days_before_end": 120, "file_until_days_before_end": 180}}, "mở trước khi đóng"),
        ({"rerating": {"file_from_days_before_end": -1, "file_until_days_before_end": 120}}, "số nguyên dương"),
        ({"revocation": {"within_days": 15, "authority": {3: "province", 4: "province"}}}, "thẩm quyền thu hồi"),
        ({"transition": {"unfinished_dossier_days": {"first": 60}}}, "cần một giai đoạn trước"),
        ({"transition": {"unfinished_dossier_days": {"renewal": 60}}}, "loại hồ sơ"),
        ({"expiry_notice_days": 0}, "số nguyên dương"),
        ({"deadline": 3}, "khoá không hợp lệ"),
    ],
)
def test_broken_dated_rules_are_refused(extra, message):
    with pytest.raises(DomainError, match=message):
        process.parse_periods({"periods": [{**GOOD, "valid_until": None, **extra}]})


def test_the_shipped_rules_load():
    process.periods.cache_clear()
    assert [p.code for p in process.periods()] == ["1048", "148", "148-1489", "26-2026"]
