"""Indicators: thresholds and values as officials write them, the result by commune group, the criterion's result
by the set's rule (issue 18). Sets are built in the tests (ntm/tests/indicator_helpers.py), never shipped."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.errors import PermissionRefused
from core.models import AuditEntry
from ntm import services
from ntm.indicators import criterion_met, judge, parse_number, parse_threshold, thresholds_text
from ntm.models import CommuneGroupAssignment, IndicatorValue
from ntm.tests.indicator_helpers import assessment_for, ind, load_group_set


@pytest.mark.parametrize(
    ("threshold", "value", "expected"),
    [
        ("≥ 95%", "94,9", False),
        ("≥ 95%", "95", True),
        ("≥ 95%", "95,0", True),
        ("≥ 95%", "95.0 %", True),
        (">=95", "96.5 %", True),
        ("=>95", "94", False),
        ("≤ 5", "5", True),
        ("≤ 5", "5,01", False),
        ("< 3", "3", False),
        ("< 3", "2,9", True),
        ("= 100%", "100", True),
        ("= 100%", "99,99", False),
        ("từ 95% trở lên", "95", True),
        ("tối đa 5", "6", False),
        ("≥ 1.000", "1.234", True),  # a dot before three digits groups thousands
        ("≥ 1.000", "999", False),
        ("Đạt", "đạt", True),
        ("Đạt", "Không đạt", False),
        ("Có", "x", True),
        ("Có", "chưa", False),
        ("Có", "96", None),
        # not machine-judgeable: the officer's tick decides
        ("100%", "100", None),  # a bare number does not say whether more or less is better
        ("95", "96", None),
        ("≥ 95%", "đạt", None),
        ("≥ 95%", "", None),
        ("", "96", None),
        ("≥ 95% và ≥ 2 mô hình", "99", None),
        ("tối đa 5 trở lên", "1", None),
        ("≥ 95%", "3/5", None),
    ],
)
def test_judge_reads_thresholds_and_values_as_officials_write_them(threshold, value, expected):
    assert judge(threshold, value) is expected


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("96,5", "96.5"),
        ("96.5 %", "96.5"),
        ("1.234", "1234"),
        ("1.234.567", "1234567"),
        ("1.234,5", "1234.5"),
        ("0.123", "0.123"),
        ("12 km", "12"),
        ("-2", "-2"),
    ],
)
def test_numbers_in_vietnamese_and_english_writing(text, number):
    assert parse_number(text) == Decimal(number)


@pytest.mark.parametrize("text", ["", "abc", "3/5", "96,", "1.23.4", "1,2,3"])
def test_what_is_not_a_number(text):
    assert parse_number(text) is None


def test_a_bare_number_threshold_is_not_machine_readable():
    assert parse_threshold("100%") is None and parse_threshold("≥ 100%") is not None


class _Indicator:
    def __init__(self, optional):
        self.optional = optional


def _i(optional=False):
    return _Indicator(optional)


def _c(min_indicators=None):
    return SimpleNamespace(min_indicators=min_indicators)


def test_criterion_met_needs_every_mandatory_indicator():
    a, b, opt = _i(), _i(), _i(optional=True)
    assert criterion_met(_c(), [(a, True), (b, True), (opt, False)], "indicators") is True  # optional ignored
    assert criterion_met(_c(), [(a, True), (b, False), (opt, True)], "indicators") is False
    assert criterion_met(_c(), [(a, True), (b, None)], "indicators") is None  # not judged: the tick decides
    assert criterion_met(_c(), [(a, False), (b, None)], "indicators") is False  # already lost
    assert criterion_met(_c(), [(opt, True)], "indicators") is None  # no mandatory indicator: the tick decides
    assert criterion_met(_c(), [], "indicators") is None


def test_criterion_met_with_min_indicators():
    a, b, c = _i(), _i(), _i(optional=True)
    assert criterion_met(_c(2), [(a, True), (b, False), (c, True)], "indicators") is True  # optional ones count
    assert criterion_met(_c(2), [(a, True), (b, False), (c, False)], "indicators") is False
    assert criterion_met(_c(2), [(a, True), (b, None), (c, False)], "indicators") is None
    assert criterion_met(_c(2), {a: False, b: None, c: None}, "indicators") is None


def test_manual_rule_leaves_the_criterion_to_the_officer():
    assert criterion_met(_c(), [(_i(), True)], "manual") is None
    assert criterion_met(_c(), [(_i(), False)], "manual") is None


# ---- through the service ------------------------------------------------------------------------------------------


def _save(officer, assessment, ticks, values, **kwargs):
    return services.save_assessment(
        actor=officer,
        assessment=assessment,
        results={code: (met, "") for code, met in ticks.items()},
        indicator_values=values,
        **kwargs,
    )


@pytest.mark.django_db
def test_the_same_value_meets_group_3_and_not_group_1(tmp_path, commune_officer):
    s = load_group_set(tmp_path)
    one = assessment_for(s, year=2000, group=1)
    three = assessment_for(s, year=2001, group=3)
    values = {ind(s, "1.1").pk: ("85", "Số liệu của trạm cấp nước"), ind(s, "2.1").pk: "2"}
    # the officer ticks tc1 in group 1 and leaves it in group 3: the indicators decide both
    one = _save(commune_officer, one, {"tc1": True, "tc2": False, "tc3": True}, values)
    three = _save(commune_officer, three, {"tc1": False, "tc2": False, "tc3": False}, values)
    v1 = IndicatorValue.objects.get(assessment=one, indicator=ind(s, "1.1"))
    v3 = IndicatorValue.objects.get(assessment=three, indicator=ind(s, "1.1"))
    assert (v1.met, v3.met) == (False, True)
    assert (v1.note, v1.value, v1.updated_by) == ("Số liệu của trạm cấp nước", "85", commune_officer)
    met1 = dict(one.results.values_list("criterion__code", "met"))
    met3 = dict(three.results.values_list("criterion__code", "met"))
    # tc1: group 1 not met although ticked; group 3 met although not ticked (optional 1.2 not entered)
    # tc2: one of two indicators is enough (min_indicators 1); tc3 has no indicators: the tick
    assert met1 == {"tc1": False, "tc2": True, "tc3": True}
    assert met3 == {"tc1": True, "tc2": True, "tc3": False}
    assert (one.criteria_met, three.criteria_met) == (2, 2)
    entry = AuditEntry.objects.filter(action="ntm.assessment.saved", object_id=str(one.pk)).latest("pk")
    assert entry.after["indicator_values"]["tc1/1.1"] == ["85", "Số liệu của trạm cấp nước", False, ""]


@pytest.mark.django_db
def test_an_unjudgeable_value_keeps_the_officers_tick(tmp_path, commune_officer):
    s = load_group_set(tmp_path)
    a = assessment_for(s, group=1)
    a = _save(commune_officer, a, {"tc1": True}, {ind(s, "1.1").pk: "khoảng chín mươi"})
    assert IndicatorValue.objects.get(assessment=a, indicator=ind(s, "1.1")).met is None
    assert a.results.get(criterion__code="tc1").met is True
    a = _save(commune_officer, a, {"tc1": False}, {ind(s, "1.1").pk: "khoảng chín mươi"})
    assert a.results.get(criterion__code="tc1").met is False


@pytest.mark.django_db
def test_an_optional_indicator_not_met_does_not_fail_the_criterion(tmp_path, commune_officer):
    s = load_group_set(tmp_path)
    a = assessment_for(s, group=1)
    a = _save(commune_officer, a, {"tc1": False}, {ind(s, "1.1").pk: "96", ind(s, "1.2").pk: "không"})
    assert IndicatorValue.objects.get(assessment=a, indicator=ind(s, "1.2")).met is False
    assert a.results.get(criterion__code="tc1").met is True


@pytest.mark.django_db
def test_min_indicators_fails_when_none_can_reach_it(tmp_path, commune_officer):
    s = load_group_set(tmp_path)
    a = assessment_for(s, group=2)
    a = _save(commune_officer, a, {"tc2": True}, {ind(s, "2.1").pk: "1", ind(s, "2.2").pk: "69,9"})
    assert a.results.get(criterion__code="tc2").met is False


@pytest.mark.django_db
def test_manual_rule_judges_indicators_but_the_tick_decides(tmp_path, commune_officer):
    s = load_group_set(tmp_path, rule="manual")
    a = assessment_for(s, group=1)
    a = _save(commune_officer, a, {"tc1": True}, {ind(s, "1.1").pk: "10"})
    assert IndicatorValue.objects.get(assessment=a, indicator=ind(s, "1.1")).met is False
    assert a.results.get(criterion__code="tc1").met is True and a.criteria_met == 1


@pytest.mark.django_db
def test_without_a_group_per_group_thresholds_are_not_judged_until_the_province_sets_one(
    tmp_path, commune_officer, province_officer, unit
):
    s = load_group_set(tmp_path)
    a = assessment_for(s, group=None)
    assert thresholds_text(ind(s, "1.1"), None) == "Nhóm 1: ≥ 95% · Nhóm 3: ≥ 80%"
    assert thresholds_text(ind(s, "1.2"), None) == "Có"  # the same for every group
    a = _save(commune_officer, a, {"tc1": True}, {ind(s, "1.1").pk: "85", ind(s, "1.2").pk: "có"})
    assert IndicatorValue.objects.get(assessment=a, indicator=ind(s, "1.1")).met is None
    assert IndicatorValue.objects.get(assessment=a, indicator=ind(s, "1.2")).met is True
    assert a.commune_group is None and a.results.get(criterion__code="tc1").met is True  # the tick
    # the province puts the commune in group 1: the next save judges with group 1's threshold
    import datetime

    services.set_commune_group(
        actor=province_officer,
        commune=unit("2025:03328"),
        group=1,
        valid_from=datetime.date(2000, 1, 1),
        decided_by="1/QĐ-UBND",
    )
    a = _save(commune_officer, a, {"tc1": True}, {ind(s, "1.1").pk: "85"})
    assert a.commune_group == 1
    assert IndicatorValue.objects.get(assessment=a, indicator=ind(s, "1.1")).met is False
    assert a.results.get(criterion__code="tc1").met is False
    assert CommuneGroupAssignment.objects.count() == 1


@pytest.mark.django_db
def test_values_of_another_commune_or_province_are_refused_and_nothing_changes(
    tmp_path, other_commune_officer, other_province_officer, province_officer
):
    s = load_group_set(tmp_path)
    a = assessment_for(s, group=1)
    for officer in (other_commune_officer, other_province_officer, province_officer):
        with pytest.raises(PermissionRefused):
            _save(officer, a, {"tc1": True}, {ind(s, "1.1").pk: "99"})
    assert not IndicatorValue.objects.exists()
    a.refresh_from_db()
    assert a.version == 1 and not a.results.filter(met=True).exists()


@pytest.mark.django_db
def test_a_value_too_long_or_of_another_set_is_refused_and_nothing_changes(tmp_path, commune_officer):
    from core.errors import DomainError
    from ntm.models import Criterion, Indicator

    s = load_group_set(tmp_path)
    a = assessment_for(s, group=1)
    with pytest.raises(DomainError, match="1.1"):
        _save(commune_officer, a, {"tc1": True}, {ind(s, "2.1").pk: "3", ind(s, "1.1").pk: "9" * 101})
    other = Criterion.objects.get(criteria_set__code="ntm-2026", code="tc1")
    foreign = Indicator.objects.create(criterion=other, code="x", name="Chỉ tiêu của bộ khác")
    with pytest.raises(DomainError, match="không thuộc bộ tiêu chí"):
        _save(commune_officer, a, {"tc1": True}, {foreign.pk: "3"})
    assert not IndicatorValue.objects.exists() and not a.results.filter(met=True).exists()
