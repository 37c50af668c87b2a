"""NTM criteria sets as data: the shipped files, an administrator's YAML or spreadsheet, validation, no overwrite."""

import pytest
from django.core.management import call_command

from core.models import AuditEntry
from ntm.loader import CriteriaErrors, load_files, load_ntm_criteria_sets
from ntm.models import CriteriaSet, Indicator

pytestmark = pytest.mark.django_db

ADVANCED = """
code: tinh-11-thon-2022
title: "Bộ tiêu chí thôn nông thôn mới kiểu mẫu tỉnh Điện Biên"
kind: village
level: kieu-mau
issuer: province
province: "2025:11"
valid_from: 2022-01-01
criteria:
  - code: tc1
    name: "Tiêu chí một"
    indicators:
      - {code: "1.1", name: "Chỉ tiêu một", unit: "%", thresholds: {all: "≥ 90"}}
"""


def test_shipped_sets_are_loaded_with_their_criteria():
    old, new = CriteriaSet.objects.get(code="ntm-2021"), CriteriaSet.objects.get(code="ntm-2026")
    assert old.criteria.count() == 19 and new.criteria.count() == 10
    assert list(old.criteria.values_list("code", flat=True)[:3]) == ["tc1", "tc2", "tc3"]
    assert old.criteria.get(code="tc13").name == "Tổ chức sản xuất và phát triển kinh tế nông thôn"
    assert new.criteria.get(code="tc7").name == "Khoa học, công nghệ và chuyển đổi số"
    assert new.uses_commune_groups and not old.uses_commune_groups
    assert str(new.valid_from) == "2026-02-15" and str(old.valid_until) == "2026-02-15"
    assert str(old.valid_from) == "2022-03-08"  # 318/QĐ-TTg took effect on 08/03/2022
    assert load_ntm_criteria_sets().summary == "ntm criteria sets created=0 updated=0 unchanged=3 kept=0"


def test_a_province_village_set_loads_from_yaml(tmp_path):
    path = tmp_path / "village.yaml"
    path.write_text(ADVANCED, encoding="utf-8")
    call_command("import_ntm_criteria", str(path), "--dry-run")
    assert not CriteriaSet.objects.filter(code="tinh-11-thon-2022").exists()
    call_command("import_ntm_criteria", str(path))
    village = CriteriaSet.objects.get(code="tinh-11-thon-2022")
    assert (village.kind, village.level, village.issuer, village.province.code) == (
        "village",
        "kieu-mau",
        "province",
        "11",
    )
    assert Indicator.objects.get(criterion__criteria_set=village).threshold_for(None) == "≥ 90"
    assert AuditEntry.objects.filter(action="ntm.criteria_set.created", object_id=str(village.pk)).exists()


def test_indicators_with_group_thresholds_load_from_a_spreadsheet(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "Bộ tiêu chí",
            "Tiêu chí",
            "Mã chỉ tiêu",
            "Tên chỉ tiêu",
            "Đơn vị tính",
            "Ngưỡng nhóm 1",
            "Ngưỡng nhóm 2",
            "Ngưỡng nhóm 3",
        ]
    )
    ws.append(["ntm-2026", "tc3", "3.1", "Chỉ tiêu thử", "%", "a", "b", "c"])
    ws.append(["ntm-2026", "tc3", "3.2", "Chỉ tiêu thử hai", "", "", "", ""])
    wb.save(tmp_path / "i.xlsx")
    result = load_files([tmp_path / "i.xlsx"])
    assert result.counts == {"updated": 1}
    indicator = Indicator.objects.get(criterion__criteria_set__code="ntm-2026", code="3.1")
    assert [indicator.threshold_for(g) for g in (1, 2, 3)] == ["a", "b", "c"]
    # the shipped file no longer overwrites the administrator's version
    assert "kept=1" in load_ntm_criteria_sets().summary
    assert Indicator.objects.filter(criterion__criteria_set__code="ntm-2026").count() == 2


def test_invalid_files_report_every_problem_and_write_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "code: x\nkind: town\nvalid_from: 2022-13-01\ncriteria:\n  - {code: tc1, name: A}\n  - {code: tc1, name: B}\n"
        "  - code: tc2\n    name: C\n    indicators:\n      - {code: '2.1', name: D, thresholds: {'1': e}}\n",
        encoding="utf-8",
    )
    with pytest.raises(CriteriaErrors) as caught:
        load_files([bad])
    text = "\n".join(caught.value.problems)
    assert "bad.yaml: kind:" in text
    assert "bad.yaml: valid_from:" in text
    assert "bad.yaml: title:" in text
    assert "criteria[tc1]" in text and "lặp" in text
    assert "thresholds.1" in text
    assert not CriteriaSet.objects.filter(code="x").exists()


def test_criteria_used_by_assessments_cannot_disappear(tmp_path):
    from ntm.imports import import_ntm
    from ntm.tests.helpers import dien_bien_communes, row_2021, write_csv

    import_ntm(write_csv(tmp_path / "a.csv", [row_2021(dien_bien_communes()[0], 19, year=2022)]), filename="a.csv")
    short = tmp_path / "short.yaml"
    short.write_text(
        'code: ntm-2021\ntitle: "t"\nvalid_from: 2022-03-08\ncriteria:\n  - {code: tc1, name: "Quy hoạch"}\n',
        encoding="utf-8",
    )
    with pytest.raises(CriteriaErrors) as caught:
        load_files([short])
    assert "criteria[tc2]" in "\n".join(caught.value.problems)
    assert CriteriaSet.objects.get(code="ntm-2021").criteria.count() == 19
