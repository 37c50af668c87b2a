"""Scoring sheets from a spreadsheet: the template, a round trip, carried-down cells, errors by row and column."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from core.imports import ImportErrors
from core.models import AuditEntry
from evaluation import queries
from evaluation.loader import load_files
from evaluation.models import CriteriaSet, Criterion, MandatoryRule, Option, SheetScope
from evaluation.spreadsheet import COLUMNS, import_criteria, template_rows
from products.models import ProductCategory

pytestmark = pytest.mark.django_db

HEADER = [c.label for c in COLUMNS]
# A test sheet for the 148 structure (A40/B25/C35): made-up criteria, only their points matter here.
TEST_SHEET = [
    # set, group, part, part_points, section, code, text, max, option, points, mandatory
    ["148", "Thực phẩm", "A", 40, "A1", "T1", "Tiêu chí thử 1", 20, "Mức thấp", 0, ""],
    [None, None, None, None, None, None, None, None, "Mức giữa", 10, "3, 4"],
    [None, None, None, None, None, None, None, None, "Mức cao", 20, "5"],
    [None, None, "A", None, "Phát triển sản phẩm", "T2", "Tiêu chí thử 2", None, "Không", 0, ""],
    [None, None, None, None, None, None, None, None, "Có", 10, ""],
    [None, None, None, None, "A3", "T3", "Tiêu chí thử 3", None, "Có", 10, ""],
    [None, None, "B", 25, "B1", "T4", "Tiêu chí thử 4", None, "Có", 15, ""],
    [None, None, None, None, "B2", "T5", "Tiêu chí thử 5", None, "Có", 10, ""],
    [None, None, "C", 35, "C1", "T6", "Tiêu chí thử 6", None, "Có", "15", ""],
    [None, None, None, None, "C2", "T7", "Tiêu chí thử 7", None, "Có", "7,5", ""],
    [None, None, None, None, None, "T7", None, None, "Hơn", "10", ""],
    [None, None, None, None, "C3", "T8", "Tiêu chí thử 8", None, "Có", 10, ""],
]


SAMPLE = Path(__file__).parent / "data" / "sample-1048.yaml"


def load_sample(tmp_path, code="T1", status="draft"):
    """The fixture set (1048 structure, the full sheet of sub-group 01) under its own code."""
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    data.update(code=code, status=status)
    path = tmp_path / f"{code}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_files([path])
    return CriteriaSet.objects.get(code=code)


def xlsx(tmp_path, rows, name="phieu.xlsx", header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def run(*args):
    out = StringIO()
    try:
        call_command(*args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue().strip().splitlines()


def snapshot():
    return tuple(m.objects.count() for m in (CriteriaSet, SheetScope, Criterion, Option, MandatoryRule, AuditEntry))


def test_the_empty_template_explains_its_columns(tmp_path):
    path = tmp_path / "mau.xlsx"
    code, lines = run("export_criteria_template", str(path))
    assert code == 0 and lines == [f"{path}: template written, 0 option rows"]
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER and sheet.max_row == 1
    assert "Bắt buộc" in sheet["A1"].comment.text and "set" in sheet["A1"].comment.text
    guide = workbook["Hướng dẫn"]
    assert [c.value for c in guide[1]] == ["Cột", "Tên khác", "Bắt buộc", "Ý nghĩa"]
    assert {guide.cell(row=n, column=2).value for n in range(2, 2 + len(COLUMNS))} == {c.key for c in COLUMNS}


def test_a_sheet_is_loaded_into_the_148_structure_then_published(tmp_path):
    code, lines = run("import_criteria", str(xlsx(tmp_path, TEST_SHEET)))
    assert code == 0, lines
    assert lines == ["criteria sets created=0 updated=1 unchanged=0 kept=0 sheets created=1 replaced=0 unchanged=0"]
    cs = CriteriaSet.objects.get(code="148")
    assert cs.status == "draft"  # a sheet is loaded: no longer a bare structure, not yet published
    sheet = SheetScope.objects.get(criteria_set=cs, category__code="thuc-pham")
    assert sheet.source == "phieu.xlsx"
    criteria = list(sheet.criteria.select_related("section").prefetch_related("options"))
    assert [(c.code, c.section.code, str(c.max_points)) for c in criteria] == [
        ("T1", "A1", "20.00"),
        ("T2", "A2", "10.00"),
        ("T3", "A3", "10.00"),
        ("T4", "B1", "15.00"),
        ("T5", "B2", "10.00"),
        ("T6", "C1", "15.00"),
        ("T7", "C2", "10.00"),
        ("T8", "C3", "10.00"),
    ]
    assert [o.text for o in criteria[0].options.all()] == ["Mức thấp", "Mức giữa", "Mức cao"]
    assert [str(o.points) for o in criteria[6].options.all()] == ["7.50", "10.00"]
    rules = MandatoryRule.objects.filter(criterion__scope=sheet).order_by("stars")
    assert [(r.stars, str(r.min_points)) for r in rules] == [(3, "10.00"), (4, "10.00"), (5, "20.00")]
    assert AuditEntry.objects.filter(action="evaluation.sheet.created", object_id=str(sheet.id)).exists()
    with pytest.raises(Exception, match="chưa ban hành"):
        queries.sheet_for(cs, sheet.category)

    code, lines = run("import_criteria", str(xlsx(tmp_path, TEST_SHEET)), "--publish")
    assert code == 0 and "sheets created=0 replaced=0 unchanged=1" in lines[-1]
    cs.refresh_from_db()
    assert cs.status == "published"
    assert queries.sheet_for(cs, sheet.category) == sheet
    assert AuditEntry.objects.filter(action="evaluation.criteria_set.published", object_id=str(cs.id)).exists()


def test_round_trip_export_then_import_changes_nothing(tmp_path):
    import_criteria(xlsx(tmp_path, TEST_SHEET), filename="phieu.xlsx")
    load_sample(tmp_path)
    for set_code, suffix in (("148", ".xlsx"), ("T1", ".xlsx"), ("T1", ".csv")):
        path = tmp_path / f"xuat-{set_code}{suffix}"
        code, lines = run("export_criteria_template", str(path), "--set", set_code)
        assert code == 0
        before = snapshot()
        code, lines = run("import_criteria", str(path))
        assert code == 0, lines
        assert "updated=0" in lines[-1] and "sheets created=0 replaced=0 unchanged=1" in lines[-1]
        assert snapshot() == before
    rows = template_rows(CriteriaSet.objects.get(code="T1"))
    assert len(rows) == Option.objects.filter(criterion__scope__criteria_set__code="T1").count() > 0
    assert rows[0] == ["T1", "01", "A", 35, "A1", "A1.1", "Nguồn nguyên liệu từ địa phương (trong tỉnh)", 3,
                       "Dưới 50%", 1, ""]  # fmt: skip


def test_changing_one_option_replaces_that_sheet_only(tmp_path):
    import_criteria(xlsx(tmp_path, TEST_SHEET), filename="phieu.xlsx")
    load_sample(tmp_path)
    path = tmp_path / "xuat.xlsx"
    run("export_criteria_template", str(path), "--set", "T1")
    workbook = load_workbook(path)
    workbook.worksheets[0]["I2"] = "Dưới một nửa"
    workbook.save(path)
    code, lines = run("import_criteria", str(path))
    assert code == 0 and "sheets created=0 replaced=1 unchanged=0" in lines[-1]
    option = Option.objects.get(criterion__scope__criteria_set__code="T1", criterion__code="A1.1", position=1)
    assert option.text == "Dưới một nửa"
    assert option.criterion.scope.source == "xuat.xlsx"
    assert SheetScope.objects.get(criteria_set__code="148", category__code="thuc-pham").criteria.count() == 8


def test_every_problem_is_reported_by_row_and_column_and_nothing_is_written(tmp_path):
    rows = [list(r) for r in TEST_SHEET]
    rows[0][3] = 35  # part_points of A is 40
    rows[1][9] = "nhiều"  # not a number
    rows[2][6] = "Khác"  # another text on a row continuing T1 (blank code)
    rows[5][5] = "T1"  # duplicate code: T1 again after T2
    rows[6][4] = "B9"  # unknown section
    rows[8][10] = "6"  # no 6 stars
    rows.append(["999", "Thực phẩm", "A", 40, "A1", "X1", "x", None, "x", 1, ""])  # unknown set
    rows.append(["148", "Không có nhóm này", "A", 40, "A1", "X1", "x", None, "x", 1, ""])
    rows.append(["148", "do-uong", "A", 40, "A1", "X1", "x", None, "", 1, ""])  # no option text, sheet far from 100
    before = snapshot()
    code, lines = run("import_criteria", str(xlsx(tmp_path, rows)))
    assert code == 1
    assert lines == [
        "row 2: part_points: phần A của bộ tiêu chí 148 có 40 điểm, tệp ghi 35.",
        "row 3: points: điểm 'nhiều' không phải là số.",
        "row 4: criterion_text: khác với dòng đầu của tiêu chí T1 (dòng 2).",
        "row 7: criterion_code: mã tiêu chí T1 bị lặp lại trong phiếu thuc-pham (đã có ở dòng 2).",
        "row 8: section: mục 'B9' không có trong bộ tiêu chí 148.",
        "row 10: mandatory_for_stars: '6': ghi các hạng sao từ 1 đến 5, cách nhau bằng dấu phẩy (ví dụ 3, 4, 5).",
        "row 14: set: không có bộ tiêu chí mã '999': nạp khung bộ tiêu chí (tệp YAML) trước.",
        "row 15: group: không có nhóm / bộ sản phẩm 'Không có nhóm này' trong hệ thống 148.",
        "row 16: option_text: bắt buộc, đang để trống.",
    ]
    assert snapshot() == before


def test_sums_are_checked_by_row_once_rows_read_well(tmp_path):
    rows = [list(r) for r in TEST_SHEET]
    rows[2][9] = 19  # T1's best option: A reaches 39
    rows[2][7] = None
    rows[0][7] = None
    rows[9][2] = "A"  # C2 belongs to part C
    before = snapshot()
    code, lines = run("import_criteria", str(xlsx(tmp_path, rows)))
    assert code == 1
    assert lines == [
        "row 2: group: phiếu thuc-pham: tổng điểm tối đa là 99, phải bằng 100.",
        "row 2: part_points: phiếu thuc-pham: tổng điểm tối đa các tiêu chí phần A là 39, "
        "phải bằng điểm của phần (40).",
        "row 11: part: mục C2 thuộc phần C, không phải phần A.",
    ]
    assert snapshot() == before


def test_an_option_above_the_stated_maximum_is_refused(tmp_path):
    rows = [list(r) for r in TEST_SHEET]
    rows[2][9] = 25
    code, lines = run("import_criteria", str(xlsx(tmp_path, rows)))
    assert code == 1
    assert "row 4: points: mức 'Mức cao' có 25 điểm, vượt điểm tối đa 20 của tiêu chí T1." in lines


def test_a_published_sheet_cannot_be_changed_from_a_spreadsheet(tmp_path):
    import_criteria(xlsx(tmp_path, TEST_SHEET), filename="phieu.xlsx", publish=True)
    rows = [list(r) for r in TEST_SHEET]
    rows[0][8] = "Mức khác"
    code, lines = run("import_criteria", str(xlsx(tmp_path, rows)))
    assert code == 1
    assert lines == [
        "row 2: group: phiếu thuc-pham của bộ tiêu chí 148 (đã ban hành) đã có, không sửa được; hãy nạp phiên bản "
        "mới của bộ tiêu chí với mã mới."
    ]


def test_dry_run_reports_and_writes_nothing(tmp_path):
    before = snapshot()
    code, lines = run("import_criteria", str(xlsx(tmp_path, TEST_SHEET)), "--dry-run")
    assert code == 0
    assert lines == [
        "dry run: nothing was written",
        "criteria sets created=0 updated=1 unchanged=0 kept=0 sheets created=1 replaced=0 unchanged=0",
    ]
    assert snapshot() == before
    assert CriteriaSet.objects.get(code="148").status == "draft-structure"


def test_csv_with_keys_as_headers_and_a_missing_column(tmp_path):
    path = tmp_path / "phieu.csv"
    path.write_text("set,group,section,criterion_code,criterion_text,option_text\n148,thuc-pham,A1,T1,x,y\n")
    with pytest.raises(ImportErrors) as exc:
        import_criteria(path, filename="phieu.csv")
    assert [str(e) for e in exc.value.errors] == ["row 1: points: thiếu cột bắt buộc (tiêu đề 'points' hoặc 'Điểm')."]


def test_the_148_reference_reload_keeps_loaded_sheets(tmp_path):
    from evaluation.loader import load_criteria_sets

    import_criteria(xlsx(tmp_path, TEST_SHEET), filename="phieu.xlsx")
    result = load_criteria_sets()
    assert result.counts["sets_unchanged"] == 3  # 148 (its sheet kept), 1048 and 26-2026
    assert result.counts["sheets_replaced"] == 0
    cs = CriteriaSet.objects.get(code="148")
    assert cs.status == "draft"
    assert (
        SheetScope.objects.get(
            criteria_set=cs, category=ProductCategory.objects.get(system="148", code="thuc-pham")
        ).criteria.count()
        == 8
    )
