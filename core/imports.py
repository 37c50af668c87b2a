"""Spreadsheet imports that never half-happen (DESIGN.md rule 7).

Read the whole file (CSV UTF-8 with or without BOM, or the first sheet of an XLSX), match headers by key or Vietnamese
label ignoring case, diacritics and spaces, collect every error as (row, column, message), and only then write, in one
transaction. A dry run performs the same writes and rolls them back, so its summary is exactly what a real run would do.
"""

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from core.errors import DomainError
from core.text import fold


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return f"row {self.row}: {self.column}: {self.message}"


@dataclass
class Row:
    number: int  # the spreadsheet row number; the header is row 1
    values: dict

    def text(self, key: str) -> str:
        value = self.values.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return " ".join(str(value).split())


@dataclass(frozen=True)
class RowWarning:
    """Something odd in a row that is imported all the same (CONTRACT §5: `row N: COLUMN: warning: message`)."""

    row: int
    column: str
    message: str

    def __str__(self):
        return f"row {self.row}: {self.column}: warning: {self.message}"


class ImportErrors(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = sorted(errors, key=lambda e: (e.row, e.column))


class _DryRun(Exception):
    pass


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _read_raw(source, filename: str) -> list[list]:
    name = filename.lower()
    data = source.read_bytes() if isinstance(source, Path) else source.read()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several types for a damaged file
            raise ImportErrors([RowError(1, "file", f"không đọc được tệp XLSX ({exc.__class__.__name__}).")]) from exc
        sheet = workbook.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportErrors([RowError(1, "file", "tệp CSV phải mã hoá UTF-8.")]) from exc
        return [row for row in csv.reader(io.StringIO(text))]
    raise ImportErrors([RowError(1, "file", "chỉ nhận tệp .csv hoặc .xlsx.")])


def read_table(source, columns: list[Column], filename: str | None = None) -> Table:
    """Rows keyed by column key. Header problems are errors on row 1; blank rows are skipped."""
    filename = filename or str(source)
    raw = _read_raw(source, filename)
    table = Table()
    if not raw:
        table.errors.append(RowError(1, "file", "tệp không có dữ liệu."))
        return table
    by_name = {}
    for column in columns:
        by_name[fold(column.key)] = column.key
        by_name[fold(column.key.replace("_", " "))] = column.key
        by_name[fold(column.label)] = column.key
    positions: dict[str, int] = {}
    for index, header in enumerate(raw[0]):
        key = by_name.get(fold(str(header or "")))
        if key is None:
            continue
        if key in positions:
            table.errors.append(RowError(1, key, "cột bị lặp lại."))
        positions[key] = index
    for column in columns:
        if column.required and column.key not in positions:
            table.errors.append(
                RowError(1, column.key, f"thiếu cột bắt buộc (tiêu đề '{column.key}' hoặc '{column.label}').")
            )
    for number, cells in enumerate(raw[1:], start=2):
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        values = {key: (cells[i] if i < len(cells) else None) for key, i in positions.items()}
        table.rows.append(Row(number, values))
    if not table.rows and not table.errors:
        table.errors.append(RowError(1, "file", "tệp chỉ có dòng tiêu đề, không có dòng dữ liệu."))
    return table


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = " ".join(str(value or "").split())
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise DomainError(f"ngày '{text}' không hợp lệ: ghi dd/mm/yyyy hoặc yyyy-mm-dd.")


def parse_decimal(value) -> Decimal:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value))
    text = str(value or "").strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise DomainError(f"số '{value}' không hợp lệ.") from exc
    if not number.is_finite():
        raise DomainError(f"số '{value}' không hợp lệ.")
    return number


def run_import(write: Callable[[], object], *, dry_run: bool):
    """Run `write` in one transaction; roll it back when dry_run or when it raises ImportErrors."""
    result = None
    try:
        with transaction.atomic():
            result = write()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result
