"""The loader's keys of issue 18: count-only sets (declared_criteria, no criteria), missing_texts, indicator_rule,
min_indicators; validated with messages saying where, written all or nothing, reloads report "unchanged"."""

import pytest

from core.models import AuditEntry
from ntm.loader import CriteriaErrors, load_files, load_ntm_criteria_sets
from ntm.models import CriteriaSet, Criterion

pytestmark = pytest.mark.django_db

COUNT_ONLY = """
code: tinh-nang-cao-thu
title: "Bộ tiêu chí xã nông thôn mới nâng cao (kiểm thử)"
level: nang-cao
issuer: province
province: "pre2025:11"
valid_from: 2020-01-01
valid_until: 2021-01-01
declared_criteria: 16
missing_texts: |
  Quyết định ban hành bộ tiêu chí nâng cao của tỉnh.
  Văn bản hướng dẫn   chấm điểm.
"""

WITH_RULES = """
code: thu-chi-tieu
title: "Bộ kiểm thử"
valid_from: 2000-01-01
valid_until: 2001-01-01
indicator_rule: {rule}
declared_criteria: 2
criteria:
  - code: tc1
    name: "Một"
    min_indicators: {minimum}
    indicators:
      - {{code: "1.1", name: "A", thresholds: {{all: "≥ 1"}}}}
      - {{code: "1.2", name: "B", thresholds: {{all: "Có"}}}}
  - {{code: tc2, name: "Hai"}}
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(paths) -> str:
    with pytest.raises(CriteriaErrors) as caught:
        load_files(paths)
    return "\n".join(caught.value.problems)


def test_a_count_only_set_loads_without_criteria_and_reloads_unchanged(tmp_path):
    path = _write(tmp_path, "nang-cao.yaml", COUNT_ONLY)
    assert load_files([path]).counts == {"created": 1}
    s = CriteriaSet.objects.get(code="tinh-nang-cao-thu")
    assert (s.declared_criteria, s.criteria.count(), s.level) == (16, 0, "nang-cao")
    assert s.missing_texts == "Quyết định ban hành bộ tiêu chí nâng cao của tỉnh.\nVăn bản hướng dẫn chấm điểm."
    assert s.indicator_rule == "indicators"  # the default
    assert load_files([path]).counts == {"unchanged": 1}
    entry = AuditEntry.objects.get(action="ntm.criteria_set.created", object_id=str(s.pk))
    assert entry.after["declared_criteria"] == 16 and "nâng cao" in entry.after["missing_texts"]


def test_without_criteria_a_set_must_declare_how_many(tmp_path):
    text = COUNT_ONLY.replace("declared_criteria: 16\n", "")
    problems = _problems([_write(tmp_path, "a.yaml", text)])
    assert "a.yaml: criteria: phải là danh sách tiêu chí" in problems and "declared_criteria" in problems
    assert not CriteriaSet.objects.filter(code="tinh-nang-cao-thu").exists()


@pytest.mark.parametrize("bad", ["0", "-3", "'mười sáu'", "2.5", "true"])
def test_declared_criteria_must_be_a_positive_whole_number(tmp_path, bad):
    text = COUNT_ONLY.replace("declared_criteria: 16", f"declared_criteria: {bad}")
    problems = _problems([_write(tmp_path, "a.yaml", text)])
    assert "a.yaml: declared_criteria: phải là số nguyên dương" in problems


def test_declared_criteria_must_match_the_criteria_given(tmp_path):
    text = WITH_RULES.format(rule="indicators", minimum=1).replace("declared_criteria: 2", "declared_criteria: 3")
    problems = _problems([_write(tmp_path, "a.yaml", text)])
    assert "a.yaml: declared_criteria: ghi 3 tiêu chí nhưng tệp khai 2 tiêu chí" in problems


def test_rule_and_min_indicators_load_and_a_change_is_an_update(tmp_path):
    path = _write(tmp_path, "a.yaml", WITH_RULES.format(rule="manual", minimum=1))
    assert load_files([path]).counts == {"created": 1}
    s = CriteriaSet.objects.get(code="thu-chi-tieu")
    assert s.indicator_rule == "manual"
    assert dict(Criterion.objects.filter(criteria_set=s).values_list("code", "min_indicators")) == {
        "tc1": 1,
        "tc2": None,
    }
    assert load_files([path]).counts == {"unchanged": 1}
    path.write_text(WITH_RULES.format(rule="manual", minimum=2), encoding="utf-8")
    assert load_files([path]).counts == {"updated": 1}
    assert Criterion.objects.get(criteria_set=s, code="tc1").min_indicators == 2
    entry = AuditEntry.objects.filter(action="ntm.criteria_set.updated", object_id=str(s.pk)).latest("pk")
    assert entry.before["criteria"][0][2] == 1 and entry.after["criteria"][0][2] == 2


@pytest.mark.parametrize(
    ("rule", "minimum", "message"),
    [
        ("sometimes", 1, "indicator_rule: 'sometimes' không hợp lệ (dùng: indicators, manual)"),
        ("indicators", 3, "criteria[tc1].min_indicators: cần 3 chỉ tiêu đạt nhưng tiêu chí chỉ có 2 chỉ tiêu"),
        ("indicators", 0, "criteria[tc1].min_indicators: phải là số nguyên dương"),
        ("indicators", "'hai'", "criteria[tc1].min_indicators: phải là số nguyên dương"),
    ],
)
def test_bad_rules_are_reported_where_they_are(tmp_path, rule, minimum, message):
    problems = _problems([_write(tmp_path, "a.yaml", WITH_RULES.format(rule=rule, minimum=minimum))])
    assert f"a.yaml: {message}" in problems
    assert not CriteriaSet.objects.filter(code="thu-chi-tieu").exists()


def test_one_bad_file_writes_nothing_of_the_others(tmp_path):
    good = _write(tmp_path, "good.yaml", COUNT_ONLY)
    bad = _write(tmp_path, "bad.yaml", WITH_RULES.format(rule="indicators", minimum=5))
    problems = _problems([good, bad])
    assert "bad.yaml:" in problems and "good.yaml" not in problems
    assert not CriteriaSet.objects.filter(code__in=["tinh-nang-cao-thu", "thu-chi-tieu"]).exists()


def test_the_indicator_spreadsheet_keeps_min_indicators_and_is_checked_against_it(tmp_path):
    from openpyxl import Workbook

    load_files([_write(tmp_path, "a.yaml", WITH_RULES.format(rule="indicators", minimum=2))])

    def sheet(rows):
        wb = Workbook()
        ws = wb.active
        ws.append(["Bộ tiêu chí", "Tiêu chí", "Mã chỉ tiêu", "Tên chỉ tiêu", "Ngưỡng đạt"])
        for row in rows:
            ws.append(row)
        path = tmp_path / "i.xlsx"
        wb.save(path)
        return path

    path = sheet([["thu-chi-tieu", "tc1", "1.1", "A", "≥ 2"], ["thu-chi-tieu", "tc1", "1.3", "C", "Đạt"]])
    assert load_files([path]).counts == {"updated": 1}
    criterion = Criterion.objects.get(criteria_set__code="thu-chi-tieu", code="tc1")
    assert criterion.min_indicators == 2
    assert list(criterion.indicators.values_list("code", "thresholds")) == [
        ("1.1", {"all": "≥ 2"}),
        ("1.3", {"all": "Đạt"}),
    ]
    assert load_files([path]).counts == {"unchanged": 1}
    # one indicator left while two must be met: refused, nothing changes
    problems = _problems([sheet([["thu-chi-tieu", "tc1", "1.1", "A", "≥ 3"]])])
    assert "cần 2 chỉ tiêu đạt nhưng tiêu chí chỉ có 1 chỉ tiêu" in problems
    assert criterion.indicators.count() == 2


def test_the_shipped_sets_say_which_texts_are_missing_and_ship_no_indicator():
    texts = dict(
        CriteriaSet.objects.filter(code__in=["ntm-2016", "ntm-2021", "ntm-2026"]).values_list("code", "missing_texts")
    )
    assert "51/2025/QĐ-TTg" in texts["ntm-2026"] and "47 chỉ tiêu" in texts["ntm-2026"]
    assert "318/QĐ-TTg" in texts["ntm-2021"] and "1980/QĐ-TTg" in texts["ntm-2016"]
    assert not Criterion.objects.filter(criteria_set__code__in=texts, indicators__isnull=False).exists()
    assert load_ntm_criteria_sets().summary == "ntm criteria sets created=0 updated=0 unchanged=3 kept=0"
