"""A criteria set with indicators, built in the tests with the loader from a YAML text (never shipped), and an
assessment of Xã Thanh Nưa (2025:03328, the commune_officer's) against it."""

from areas.queries import get_unit
from ntm.loader import load_files
from ntm.models import Assessment, CriteriaSet, CriterionResult, Indicator

GROUP_SET = """
code: test-chi-tieu
title: "Bộ tiêu chí kiểm thử có chỉ tiêu"
decision: "Văn bản kiểm thử"
kind: commune
level: nang-cao
issuer: national
valid_from: 2000-01-01
valid_until: 2001-01-01
commune_groups: true
indicator_rule: {rule}
criteria:
  - code: tc1
    name: "Tiêu chí có ngưỡng theo nhóm"
    indicators:
      - {{code: "1.1", name: "Tỷ lệ hộ dùng nước sạch", unit: "%", thresholds: {{"1": "≥ 95%", "3": "≥ 80%"}}}}
      - {{code: "1.2", name: "Có quy chế quản lý", optional: true, thresholds: {{all: "Có"}}}}
  - code: tc2
    name: "Tiêu chí đạt khi một trong hai chỉ tiêu đạt"
    min_indicators: 1
    indicators:
      - {{code: "2.1", name: "Số mô hình", unit: "mô hình", thresholds: {{all: ">= 2"}}}}
      - {{code: "2.2", name: "Tỷ lệ lao động qua đào tạo", unit: "%", thresholds: {{all: "≥ 70%"}}}}
  - code: tc3
    name: "Tiêu chí không có chỉ tiêu"
"""


def load_group_set(tmp_path, rule="indicators") -> CriteriaSet:
    path = tmp_path / f"test-chi-tieu-{rule}.yaml"
    path.write_text(GROUP_SET.format(rule=rule), encoding="utf-8")
    load_files([path])
    return CriteriaSet.objects.get(code="test-chi-tieu")


def assessment_for(criteria_set, *, year=2000, group=None, commune="2025:03328") -> Assessment:
    assessment = Assessment.objects.create(
        commune=get_unit(commune), year=year, criteria_set=criteria_set, commune_group=group
    )
    CriterionResult.objects.bulk_create(
        CriterionResult(assessment=assessment, criterion=c) for c in criteria_set.criteria.all()
    )
    return assessment


def ind(criteria_set, code) -> Indicator:
    return Indicator.objects.get(criterion__criteria_set=criteria_set, code=code)
