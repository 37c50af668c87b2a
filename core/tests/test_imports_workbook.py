"""core.imports: the fast XLSX reader agrees with openpyxl, the generic error workbook, progress calls."""

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from core.imports import (
    ERROR_COLUMN,
    ERROR_FILL,
    WARNING_FILL,
    Progress,
    RowError,
    RowWarning,
    write_error_workbook,
    xlsx_rows,
)


def _openpyxl_rows(data: bytes):
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    for row in rows:
        while row and row[-1] is None:
            row.pop()
    return rows


def _trim(rows):
    rows = [list(r) for r in rows]
    for row in rows:
        while row and row[-1] is None:
            row.pop()
    return rows


@pytest.mark.parametrize("write_only", [False, True])
def test_fast_reader_reads_what_openpyxl_reads(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("Danh sách") if write_only else workbook.active
    if not write_only:
        workbook.create_sheet("Khác").append(["not the first sheet"])
    sheet.append(["Tiêu đề", None, "Đ"])
    sheet.append([])
    sheet.append([1, 2.5, "3", True, False, "", None, "x005F_y"])
    sheet.append([datetime.datetime(2021, 12, 31), datetime.date(2022, 3, 1), 44561, "=1+1", "#N/A"])
    sheet.append([None, None, None, None, "cột E"])
    if not write_only:
        sheet["A6"] = 45000.0
        sheet["A6"].number_format = "dd/mm/yyyy"
        sheet["B6"] = "in đậm"
        sheet["B6"].font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    assert _trim(xlsx_rows(data)) == _openpyxl_rows(data)


def test_fast_reader_refuses_what_it_does_not_know():
    with pytest.raises(Exception):  # noqa: B017 — any: the caller then falls back to openpyxl
        xlsx_rows(b"not a zip")


def _fill(cell):
    return cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None


def test_error_workbook_marks_cells_and_writes_problems_in_order():
    raw = [
        ["Bảng"],
        ["Tên", "Xã", "Sao"],
        ["A", "Xã X", 3],
        ["B", "Xã Y", 7],
        ["C", "Xã Z", 4],
    ]
    errors = [
        RowError(4, "stars", "chỉ nhận 3, 4 hoặc 5 sao."),
        RowError(4, "other", "không có cột riêng."),
        RowError(2, "group", "thiếu cột bắt buộc."),
    ]
    warnings = [RowWarning(4, "commune", "xã cũ."), RowWarning(5, "commune", "đoán.")]
    out = io.BytesIO()
    write_error_workbook(raw, (2,), {"product": 0, "commune": 1, "stars": 2}, errors, warnings, out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert [c.value for c in sheet[3]] == ["A", "Xã X", 3, None]
    assert sheet.cell(2, 4).value.splitlines() == [ERROR_COLUMN, "group: thiếu cột bắt buộc."]
    assert _fill(sheet.cell(2, 4)) == ERROR_FILL
    assert sheet.cell(4, 4).value.splitlines() == [
        "Sao: chỉ nhận 3, 4 hoặc 5 sao.",
        "other: không có cột riêng.",
        "Cảnh báo: Xã: xã cũ.",
    ]
    assert (_fill(sheet.cell(4, 1)), _fill(sheet.cell(4, 2)), _fill(sheet.cell(4, 3))) == (
        None,
        WARNING_FILL,
        ERROR_FILL,
    )
    assert _fill(sheet.cell(4, 4)) == ERROR_FILL  # "other" has no column: the problem cell is marked
    assert _fill(sheet.cell(5, 2)) == WARNING_FILL and _fill(sheet.cell(5, 4)) is None
    assert sheet.cell(5, 4).value == "Cảnh báo: Xã: đoán."


def test_progress_calls_at_start_end_and_every_500_rows():
    calls = []
    tick = Progress(lambda *a: calls.append(a))
    tick("read", 0, 1234, force=True)
    for done in range(1, 1234):
        tick("read", done, 1234)
    tick("read", 1234, 1234, force=True)
    assert calls == [("read", 0, 1234), ("read", 500, 1234), ("read", 1000, 1234), ("read", 1234, 1234)]
    Progress(None)("read", 0, 0, force=True)  # no callback: nothing to do
