"""Spreadsheet imports that never half-happen (DESIGN.md rule 7).

Read the whole file (CSV UTF-8 with or without BOM, or the first sheet of an XLSX), match headings by key, Vietnamese
label or the variants officials write (core/data/import_headings.yaml), ignoring case, diacritics and spaces, collect
every error as (row, column, message), and only then write, in one transaction. A dry run performs the same writes and
rolls them back, so its summary is exactly what a real run would do.

Real registers come with a title above the heading row, headings over two rows ("Quyết định công nhận" over "Số" and
"Ngày"), a row numbering the columns, and one "Địa chỉ" cell instead of commune/district/province columns: all are read
here, so every importer gets them. What was matched to what is kept in `Table.headings` (for a mapping step).
"""

import csv
import datetime
import difflib
import functools
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.db import OperationalError, transaction

from core.errors import DomainError
from core.spreadsheets import cell_value, unescape
from core.text import fold

HEADINGS_PATH = Path(__file__).parent / "data" / "import_headings.yaml"
IGNORE = ("-", "ignore")  # what --map writes for a heading that is read as nothing


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    alternatives: tuple[str, ...] = ()  # keys whose column can supply this one ("address" for "commune")


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
    texts: dict = field(default_factory=dict, repr=False, compare=False)  # text() of each key, once

    def text(self, key: str) -> str:
        if key not in self.texts:
            self.texts[key] = self._text(key)
        return self.texts[key]

    def _text(self, key: str) -> str:
        value = self.values.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime.datetime) and value.time() == datetime.time():
            value = value.date()
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
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
    """The file is refused: every error, and the warnings found on the way (shown too, so one run tells all)."""

    def __init__(self, errors: list[RowError], warnings: list[RowWarning] | None = None):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = sorted(errors, key=lambda e: (e.row, e.column))
        self.warnings = sorted(warnings or [], key=lambda w: (w.row, w.column))


class MappingError(DomainError):
    """A column mapping (`--map`) that names no column of the file or no key of the import."""


def chunks(items, size=900):
    """Keys in pieces small enough for one `IN (…)` on any database (SQLite limits a query's parameters)."""
    items = list(items)
    return (items[i : i + size] for i in range(0, len(items), size))


class _DryRun(Exception):
    pass


@dataclass(frozen=True)
class Heading:
    """One column of the file: what its heading says and what it was read as."""

    position: int  # 0-based
    text: str  # as written; a heading over two rows as "upper / lower"
    key: str | None  # the column key it supplies, None when unknown or ignored
    matched_by: str  # "name" (key, label or a listed variant), "map", "ignored", "unknown", "duplicate"


@dataclass
class ImportResult:
    """What an importer answers (every kind the same shape): counts by outcome, one outcome per row written, warnings,
    the rows skipped with their problem (skip_invalid). Each kind says its counts in words in `display`."""

    counts: Counter = field(default_factory=Counter)
    outcomes: list = field(default_factory=list)  # the kind's row outcomes
    warnings: list[RowWarning] = field(default_factory=list)
    summary: str = ""  # for commands, logs and the audit entry; `display` for people
    errors: list[RowError] = field(default_factory=list)  # the rows skipped (skip_invalid), each with its problem
    skipped: list[int] = field(default_factory=list)  # their row numbers
    rows_total: int = 0  # data rows read

    @property
    def display(self) -> str:
        raise NotImplementedError  # each kind's subclass says its counts


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    header_row: int = 1  # the heading row (the upper one of headings over two rows); data starts below
    missing: set[str] = field(default_factory=set)  # required columns reported missing: no row error repeats them
    raw: list[list] = field(default_factory=list)  # every row of the sheet as read (the error workbook copies them)
    heading_rows: tuple[int, ...] = ()  # the heading row numbers (two for headings over two rows)

    @property
    def column_of_key(self) -> dict[str, int]:
        """key → 0-based position of its column in the file."""
        return {h.key: h.position for h in self.headings if h.key and h.matched_by != "duplicate"}

    def is_file_level(self, problem) -> bool:
        """A problem of the file or its headings (not of one data row): `skip_invalid` cannot skip it."""
        return problem.column == "file" or problem.row <= max(self.heading_rows or (self.header_row,))

    @property
    def keys(self) -> set[str]:
        return {h.key for h in self.headings if h.key and h.matched_by != "duplicate"}

    @property
    def unknown(self) -> list[Heading]:
        return [h for h in self.headings if h.matched_by == "unknown"]


# --- headings ------------------------------------------------------------------------------------------------------


def _compact(text) -> str:
    return fold(str(text or "")).replace(" ", "")


@functools.cache
def _heading_data() -> dict:
    return yaml.safe_load(HEADINGS_PATH.read_text(encoding="utf-8")) or {}


def heading_names(kind: str | None) -> dict[str, list[str]]:
    """key → the headings listed for it (common first, then the kind's own)."""
    data = _heading_data()
    names: dict[str, list[str]] = {}
    for section in ("common", kind) if kind else ("common",):
        for key, listed in (data.get(section) or {}).items():
            names.setdefault(key, []).extend(listed)
    return names


def _heading_index(columns: list[Column], kind: str | None) -> dict[str, str]:
    listed = heading_names(kind) if kind else {}
    index: dict[str, str] = {}
    for column in columns:  # keys and labels before listed variants: a label always means its own column
        for name in (column.key, column.key.replace("_", " "), column.label):
            index.setdefault(_compact(name), column.key)
    for column in columns:
        for name in listed.get(column.key, ()):
            index.setdefault(_compact(name), column.key)
    return index


_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def _match(text: str, index: dict[str, str], ignored: set[str]):
    """(key, how) for one heading; tried as written, then without a note in brackets."""
    for candidate in (text, _BRACKETS.sub(" ", text)):
        compact = _compact(candidate)
        if not compact:
            continue
        if compact in index:
            return index[compact], "name"
        if compact in ignored:
            return None, "ignored"
    return None, "unknown"


def parse_mapping(text: str) -> dict[str, str]:
    """`"Hạng sao=stars,Tên HTX=producer,STT=-"` → {heading: key}; a heading may itself hold a comma."""
    mapping: dict[str, str] = {}
    pending = ""
    for piece in (text or "").split(","):
        pending = f"{pending},{piece}" if pending else piece
        if "=" not in pending:
            continue
        heading, _sep, key = pending.rpartition("=")
        if not heading.strip():
            raise MappingError(f"--map: '{pending.strip()}' thiếu tên cột của tệp (dạng 'Tên cột=khóa').")
        mapping[heading.strip()] = key.strip()
        pending = ""
    if pending.strip():
        raise MappingError(f"--map: '{pending.strip()}' thiếu khóa (dạng 'Tên cột=khóa', hoặc 'Tên cột=-' để bỏ qua).")
    return mapping


def _mapping_index(mapping: dict[str, str] | None, columns: list[Column]) -> dict[str, str | None]:
    keys = {c.key for c in columns}
    index: dict[str, str | None] = {}
    for heading, key in (mapping or {}).items():
        key = (key or "").strip()
        if key.lower() in IGNORE:
            index[_compact(heading)] = None
            continue
        if key not in keys:
            raise MappingError(
                f"--map: '{heading}={key}': không có khóa '{key}' (dùng: {', '.join(c.key for c in columns)}; "
                "hoặc '-' để bỏ qua cột)."
            )
        index[_compact(heading)] = key
    return index


def _cell_text(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _read_headings(cells, below, index, ignored, mapping):
    """Headings of one row, or of two when `below` holds the lower half of headings spanning two rows."""
    headings = []
    upper = ""
    width = max(len(cells), len(below or ()))
    for position in range(width):
        own = _cell_text(cells[position]) if position < len(cells) else ""
        upper = own or upper  # a heading merged over several columns is written in its first cell only
        lower = _cell_text(below[position]) if below and position < len(below) else ""
        if lower:  # joined first ("Quyết định công nhận" + "Số"), then the lower alone, then the upper of its own
            texts = [f"{upper} {lower}", lower, *([own] if own else [])] if upper else [lower]
            shown = f"{upper} / {lower}" if upper else lower
        else:
            texts, shown = ([own] if own else []), own
        if not texts:
            continue
        key, how = None, "unknown"
        for text in texts:
            compact = _compact(text)
            if compact in mapping:
                key, how = mapping[compact], ("map" if mapping[compact] else "ignored")
                break
            key, how = _match(text, index, ignored)
            if how != "unknown":
                break
        headings.append(Heading(position, shown, key, how))
    return headings


def _score(headings) -> int:
    return len({h.key for h in headings if h.key})


def _is_numbering(cells) -> bool:
    """The row under the headings that numbers the columns: (1) (2) (3)… or 1 2 3…"""
    numbers = []
    for cell in cells:
        text = _cell_text(cell).strip("()")
        if not text:
            continue
        if isinstance(cell, float) and cell.is_integer():
            text = str(int(cell))
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return len(numbers) >= 3 and numbers == sorted(set(numbers)) and numbers[0] in (0, 1)


HEADER_SEARCH_ROWS = 10  # a title and a subtitle above the headings are common; more is not a register


def read_table(
    source,
    columns: list[Column],
    filename: str | None = None,
    *,
    kind: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: Callable | None = None,
) -> Table:
    """Rows keyed by column key. `kind` adds the headings listed for that import kind; `mapping` (heading → key, or
    "-" to ignore) overrides them. Heading problems are errors on the heading row, one per column; blank rows are
    skipped. Raises MappingError for a mapping that names an unknown key or a heading the file does not have."""
    filename = filename or str(source)
    raw = _read_raw(source, filename, progress)
    table = Table(raw=raw)
    if not raw:
        table.errors.append(RowError(1, "file", "tệp không có dữ liệu."))
        return table
    index = _heading_index(columns, kind)
    ignored = {_compact(name) for name in _heading_data().get("ignore", [])}
    mapped = _mapping_index(mapping, columns)
    # The heading row is the first of the top rows that names the most columns (a title may stand above it).
    best, best_score = 0, -1
    for number, cells in enumerate(raw[:HEADER_SEARCH_ROWS]):
        score = _score(_read_headings(cells, None, index, ignored, mapped))
        if score > best_score:
            best, best_score = number, score
    headings = _read_headings(raw[best], None, index, ignored, mapped)
    first_data = best + 1
    if first_data < len(raw) and not _is_numbering(raw[first_data]):
        two_rows = _read_headings(raw[best], raw[first_data], index, ignored, mapped)
        if _score(two_rows) > _score(headings):
            headings, first_data = two_rows, first_data + 1
    if first_data < len(raw) and _is_numbering(raw[first_data]):
        first_data += 1
    table.header_row = header_row = best + 1
    table.heading_rows = tuple(range(header_row, first_data + 1))  # with the numbering row, if any
    written = {_compact(h.text.split(" / ")[-1]) for h in headings} | {_compact(h.text) for h in headings}
    for heading in mapping or {}:
        if _compact(heading) not in written:
            raise MappingError(
                f"--map: tệp không có cột '{heading}' (các cột: {', '.join(h.text for h in headings) or 'không có'})."
            )
    positions: dict[str, int] = {}
    for i, heading in enumerate(headings):
        if heading.key is None:
            continue
        if heading.key in positions:
            first = next(h for h in headings if h.position == positions[heading.key])
            headings[i] = Heading(heading.position, heading.text, heading.key, "duplicate")
            table.errors.append(
                RowError(
                    header_row,
                    heading.key,
                    f"cột bị lặp lại: '{first.text}' và '{heading.text}' cùng là {heading.key} "
                    f'(bỏ một cột bằng --map "{heading.text}=-").',
                )
            )
            continue
        positions[heading.key] = heading.position
    table.headings = headings
    for column in columns:
        if not column.required or column.key in positions or any(a in positions for a in column.alternatives):
            continue
        also = "".join(
            f" hoặc '{c.label}'" for c in columns if c.key in column.alternatives
        )  # e.g. the commune may come from the address
        table.errors.append(
            RowError(
                header_row, column.key, f"thiếu cột bắt buộc (tiêu đề '{column.key}' hoặc '{column.label}'{also})."
            )
        )
        table.missing.add(column.key)
    for number, cells in enumerate(raw[first_data:], start=first_data + 1):
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        values = {key: (cells[i] if i < len(cells) else None) for key, i in positions.items()}
        table.rows.append(Row(number, values))
    if not table.rows and not table.errors:
        table.errors.append(RowError(header_row, "file", "tệp chỉ có dòng tiêu đề, không có dòng dữ liệu."))
    return table


def _read_raw(source, filename: str, progress=None) -> list[list]:
    """Every row of the file, within the import limits (`import_limits`): a file over them, damaged, or crafted to
    exhaust memory is refused with one file-level error, before or while it is read, never half-read."""
    name = filename.lower()
    data = source.read_bytes() if isinstance(source, Path) else source.read()
    limits = import_limits()
    if len(data) > limits.upload_bytes:
        raise _file_error(
            "tệp quá lớn (%s); tối đa %s." % (_size(len(data)), _size(limits.upload_bytes))  # noqa: UP031
        )
    tick = Progress(progress)
    tick("read", 0, 0, force=True)
    if name.endswith(".xlsx"):
        archive = check_xlsx(data, limits)  # before any XML is parsed, by us or by openpyxl
        try:
            rows = xlsx_rows(data, tick, archive=archive, limits=limits)
        except ImportErrors:
            raise
        except Exception:  # anything unusual: openpyxl reads it, or says why it cannot
            rows = None
        if rows is None:
            rows = _openpyxl_rows(data, tick, limits)
    elif name.endswith(".csv"):
        rows = _csv_rows(data, limits)
    else:
        raise ImportErrors([RowError(1, "file", "chỉ nhận tệp .csv hoặc .xlsx.")])
    tick("read", len(rows), len(rows), force=True)
    return rows


def _openpyxl_rows(data: bytes, tick, limits) -> list[list]:
    """The fallback reader, given only a file that passed `check_xlsx`; the sheet's stated size is checked before
    openpyxl pads every row to it."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise _file_error(f"không đọc được tệp XLSX ({exc.__class__.__name__}).") from exc
    try:
        if not workbook.worksheets:
            raise _file_error("tệp XLSX không có trang tính nào.")
        sheet = workbook.worksheets[0]
        try:
            total, width = sheet.max_row or 0, sheet.max_column or 0  # from the sheet's stated dimension
        except Exception as exc:
            raise _file_error(f"không đọc được tệp XLSX ({exc.__class__.__name__}).") from exc
        _check_dimension(total, width, limits)
        rows = []
        try:
            for row in sheet.iter_rows(values_only=True):
                cells = [unescape(v) for v in row]
                while cells and cells[-1] is None:
                    cells.pop()
                rows.append(cells)
                _check_row(len(rows), len(cells), limits)
                for position, value in enumerate(cells):
                    if isinstance(value, str) and len(value) > limits.cell_chars:
                        raise _long_cell(len(rows), position, len(value), limits)
                tick("read", len(rows), max(total, len(rows)))
        except ImportErrors:
            raise
        except Exception as exc:
            raise _file_error(f"không đọc được tệp XLSX ({exc.__class__.__name__}).") from exc
    finally:
        workbook.close()
    return rows


def _csv_rows(data: bytes, limits) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_error("tệp CSV phải mã hoá UTF-8.") from exc
    if "\x00" in text:
        raise _file_error(
            "tệp CSV chứa ký tự NUL (tệp nhị phân, không phải văn bản CSV); hãy xuất lại tệp dạng CSV UTF-8."
        )
    rows = []
    try:
        for cells in csv.reader(io.StringIO(text)):
            rows.append([unescape(c) for c in cells])
            _check_row(len(rows), len(cells), limits)
            for position, value in enumerate(cells):
                if len(value) > limits.cell_chars:
                    raise _long_cell(len(rows), position, len(value), limits)
    except csv.Error as exc:
        raise _file_error(f"tệp CSV sai định dạng ở dòng {len(rows) + 1} ({exc}).") from exc
    return rows


# --- limits: a crafted file is refused quickly, not read until the machine runs out of memory (issue 14) ----------

MB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    upload_bytes: int  # the file as uploaded
    uncompressed_bytes: int  # an XLSX's parts once unzipped, all together
    compression_ratio: int  # uncompressed / compressed, for a part bigger than RATIO_FLOOR (zip bombs)
    zip_entries: int
    rows: int
    columns: int
    cell_chars: int


RATIO_FLOOR = MB  # small parts may compress very well (a sheet of empty rows): the ratio matters only above this
XML_PARTS = (".xml", ".rels", ".vml")  # the parts a reader parses as XML
FORBIDDEN_XML = (b"<!DOCTYPE", b"<!ENTITY")  # no spreadsheet needs a DTD; entities are how "billion laughs" works
ELEMENTS_WITHOUT_ROW = 100_000  # XML elements read with no row ending: more is not a worksheet
CHUNK = MB


def import_limits() -> ImportLimits:
    from django.conf import settings

    def get(name, default):
        return int(getattr(settings, name, default))

    return ImportLimits(
        upload_bytes=get("IMPORT_MAX_UPLOAD_BYTES", 20 * MB),
        uncompressed_bytes=get("IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * MB),
        compression_ratio=get("IMPORT_MAX_COMPRESSION_RATIO", 100),
        zip_entries=get("IMPORT_MAX_ZIP_ENTRIES", 1000),
        rows=get("IMPORT_MAX_ROWS", 100_000),
        columns=get("IMPORT_MAX_COLUMNS", 300),
        cell_chars=get("IMPORT_MAX_CELL_CHARS", 5000),
    )


def _size(n: int) -> str:
    return f"{n / MB:.1f} MB".replace(".", ",") if n >= MB else f"{n // 1024} KB"


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _file_error(message: str) -> ImportErrors:
    return ImportErrors([RowError(1, "file", message)])


def _column_letters(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _check_row(number: int, width: int, limits: ImportLimits) -> None:
    if number > limits.rows:
        raise _file_error(
            f"tệp có hơn {_number(limits.rows)} dòng, vượt giới hạn của một lần nhập; hãy chia thành nhiều tệp."
        )
    if width > limits.columns:
        raise _file_error(
            f"dòng {number} có {_number(width)} cột, vượt giới hạn {_number(limits.columns)} cột; "
            "hãy xoá các cột thừa ở bên phải bảng."
        )


def _long_cell(row: int, position: int, length: int, limits: ImportLimits) -> ImportErrors:
    return _file_error(
        f"ô {_column_letters(position)}{row} dài {_number(length)} ký tự, vượt giới hạn "
        f"{_number(limits.cell_chars)} ký tự một ô."
    )


def _check_dimension(rows: int, columns: int, limits: ImportLimits, ref: str = "") -> None:
    if rows > limits.rows or columns > limits.columns:
        stated = f" {ref}" if ref else ""
        raise _file_error(
            f"trang tính khai báo vùng dữ liệu{stated} gồm {_number(rows)} dòng × {_number(columns)} cột, vượt giới "
            f"hạn {_number(limits.rows)} dòng × {_number(limits.columns)} cột; hãy chép phần dữ liệu sang một tệp mới."
        )


def check_xlsx(data: bytes, limits: ImportLimits | None = None):
    """The archive, once it is known to be a workbook that is safe to parse: few enough parts, small enough once
    unzipped (as declared and as actually inflated: a declared size may lie), not compressed like a zip bomb, and no
    XML part with a DTD or entity declarations. Raises ImportErrors (a file-level error) otherwise."""
    import zipfile
    import zlib

    limits = limits or import_limits()
    damaged = "không đọc được tệp XLSX: tệp bị hỏng hoặc không phải bảng tính Excel; hãy mở bằng Excel và lưu lại."
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _file_error(damaged) from exc
    if len(entries) > limits.zip_entries:
        raise _file_error(
            f"tệp XLSX gồm {_number(len(entries))} phần, vượt giới hạn {_number(limits.zip_entries)}; "
            "đây không phải một bảng tính thông thường."
        )
    declared = sum(info.file_size for info in entries)
    too_big = (
        f"khi giải nén, tệp XLSX lớn hơn {_size(limits.uncompressed_bytes)} (giới hạn của một lần nhập); "
        "hãy chia thành nhiều tệp."
    )
    if declared > limits.uncompressed_bytes:
        raise _file_error(too_big)
    for info in entries:
        if info.file_size > RATIO_FLOOR and info.file_size > limits.compression_ratio * max(info.compress_size, 1):
            raise _file_error(
                f"phần '{info.filename[:80]}' của tệp XLSX nén bất thường ({_size(info.file_size)} từ "
                f"{_size(info.compress_size)}); tệp bị từ chối."
            )
    if "xl/workbook.xml" not in archive.namelist():
        raise _file_error(damaged)
    inflated = 0
    try:
        for info in entries:
            if info.is_dir():
                continue
            xml = info.filename.lower().endswith(XML_PARTS)
            part_bytes, tail = 0, b""
            with archive.open(info) as part:
                while chunk := part.read(CHUNK):
                    part_bytes += len(chunk)
                    inflated += len(chunk)
                    if part_bytes > info.file_size or inflated > limits.uncompressed_bytes:
                        raise _file_error(too_big)
                    if not xml:
                        continue
                    if part_bytes == len(chunk) and b"\x00" in chunk[:4]:
                        raise _file_error(
                            f"phần '{info.filename[:80]}' của tệp XLSX không mã hoá UTF-8; tệp bị từ chối."
                        )
                    window = tail + chunk
                    if any(marker in window for marker in FORBIDDEN_XML):
                        raise _file_error(
                            f"phần '{info.filename[:80]}' của tệp XLSX khai báo DOCTYPE/ENTITY (có thể là tệp "
                            "được tạo để làm treo hệ thống); tệp bị từ chối."
                        )
                    tail = window[-16:]
    except ImportErrors:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise _file_error(damaged) from exc
    return archive


_X = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_COLUMN = re.compile(r"^([A-Z]+)")


def _column_index(ref: str) -> int:
    index = 0
    for letter in _COLUMN.match(ref).group(1):
        index = index * 26 + ord(letter) - 64
    return index - 1


def _dimension(ref: str) -> tuple[int, int]:
    """(rows, columns) of a sheet's stated dimension: 'A1:XFD1048576' → (1048576, 16384); 'A1' → (1, 1)."""
    last = ref.split(":")[-1].replace("$", "").upper()
    match = re.match(r"^([A-Z]+)(\d+)$", last)
    if not match:
        return 0, 0
    return int(match.group(2)), _column_index(match.group(1)) + 1


def xlsx_rows(
    data: bytes, tick=lambda *a, **k: None, *, archive=None, limits: ImportLimits | None = None
) -> list[list]:
    """The first sheet's cell values, as openpyxl's read-only `values_only` gives them (shared and inline strings,
    int or float numbers, dates from date-formatted cells, booleans, error texts, cached formula results), read with
    the C XML parser: several times faster than openpyxl on a 20,000-row register. Rows may be shorter than the
    widest; missing rows are empty lists; a text the system escaped as a formula (core.spreadsheets) is read back
    as written. Within the import limits: a file over them raises ImportErrors (`archive` is one `check_xlsx`
    passed; without it the check runs here). Raises anything else on what it does not know (the caller then uses
    openpyxl)."""
    import xml.etree.ElementTree as ET

    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    limits = limits or import_limits()
    if archive is None:
        archive = check_xlsx(data, limits)
    workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    first = workbook.find(f"{_X}sheets/{_X}sheet")
    if first is None:
        raise _file_error("tệp XLSX không có trang tính nào.")
    properties = workbook.find(f"{_X}workbookPr")
    epoch = CALENDAR_WINDOWS_1900
    if properties is not None and properties.get("date1904", "0").lower() in ("1", "true"):
        epoch = CALENDAR_MAC_1904
    relations = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in relations}
    target = targets[first.get(f"{_R}id")]
    sheet_path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    names = set(archive.namelist())
    if sheet_path not in names:
        raise _file_error("tệp XLSX bị hỏng: không có trang tính đầu tiên mà tệp khai báo.")
    shared = []
    if "xl/sharedStrings.xml" in names:
        for _event, item in ET.iterparse(archive.open("xl/sharedStrings.xml")):
            if item.tag == f"{_X}si":  # the item's own text, or its runs' (not phonetic hints)
                runs = [item.find(f"{_X}t")] if item.find(f"{_X}t") is not None else item.findall(f"{_X}r/{_X}t")
                shared.append(unescape("".join(t.text or "" for t in runs).replace("x005F_", "")))  # as openpyxl does
                item.clear()
    kinds = []  # per cell style: None, "date" or "timedelta"
    if "xl/styles.xml" in names:
        styles = ET.fromstring(archive.read("xl/styles.xml"))
        formats = dict(BUILTIN_FORMATS)
        for fmt in styles.iterfind(f"{_X}numFmts/{_X}numFmt"):
            formats[int(fmt.get("numFmtId"))] = fmt.get("formatCode")
        for xf in styles.iterfind(f"{_X}cellXfs/{_X}xf"):
            code = formats.get(int(xf.get("numFmtId", 0)), "General")
            kinds.append("timedelta" if is_timedelta_format(code) else "date" if is_date_format(code) else None)
    rows: list[list] = []
    row_tag, cell_tag, dimension_tag = f"{_X}row", f"{_X}c", f"{_X}dimension"
    pending = cells_in_row = 0  # elements since the last row ended, cells of the row being read
    for _event, element in ET.iterparse(archive.open(sheet_path)):
        tag = element.tag
        if tag != row_tag:
            pending += 1
            if tag == cell_tag:
                cells_in_row += 1
                if cells_in_row > limits.columns:
                    _check_row(len(rows) + 1, cells_in_row, limits)
            elif tag == dimension_tag:
                ref = element.get("ref", "")
                _check_dimension(*_dimension(ref), limits, ref)
            if pending > ELEMENTS_WITHOUT_ROW:
                raise _file_error(
                    "trang tính có cấu trúc bất thường (quá nhiều phần tử ngoài các dòng); tệp bị từ chối."
                )
            continue
        number = int(element.get("r", len(rows) + 1))
        _check_row(number, 0, limits)
        if number <= len(rows):  # rows out of order: openpyxl knows what to do
            raise ValueError(f"row {number} after row {len(rows)}")
        while len(rows) < number - 1:
            rows.append([])
        cells: list = []
        for cell in element.iterfind(cell_tag):
            ref = cell.get("r")
            position = _column_index(ref) if ref else len(cells)
            kind = cell.get("t", "n")
            raw = cell.findtext(f"{_X}v") or None  # as openpyxl: an empty value (an uncalculated formula) is None
            if kind == "s":
                value = shared[int(raw)] if raw is not None else None
            elif kind == "inlineStr":
                inline = cell.find(f"{_X}is")
                value = None if inline is None else unescape("".join(t.text or "" for t in inline.iter(f"{_X}t")))
            elif kind in ("str", "e"):
                value = unescape(raw)
            elif kind == "b":
                value = None if raw is None else raw not in ("0", "false")
            elif kind == "d":
                value = datetime.datetime.fromisoformat(raw) if raw else None
            elif kind == "n":
                value = None
                if raw is not None:
                    value = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
                    style = int(cell.get("s", 0))
                    if style < len(kinds) and kinds[style]:
                        value = from_excel(value, epoch, timedelta=kinds[style] == "timedelta")
            else:
                raise ValueError(f"cell type {kind}")
            if value is None:
                continue  # an empty (perhaps only formatted) cell: rows are not padded to it
            if isinstance(value, str) and len(value) > limits.cell_chars:
                raise _long_cell(number, position, len(value), limits)
            if position >= len(cells):
                _check_row(number, position + 1, limits)
                cells.extend([None] * (position - len(cells) + 1))
            cells[position] = value
        rows.append(cells)
        element.clear()
        pending = cells_in_row = 0
        tick("read", len(rows), len(rows))
    return rows


# --- values --------------------------------------------------------------------------------------------------------


class YearOnly(DomainError):
    """A date cell that names only a year ("2021", "năm 2021"): an error unless the column allows a year."""

    def __init__(self, year: int, text: str):
        super().__init__(
            f"'{text}' chỉ ghi năm {year}: ghi đủ ngày, tháng, năm (dd/mm/yyyy); hệ thống không tự chọn ngày."
        )
        self.year = year


_DMY = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]00:00(?::00)?)?$")
_WORDS = re.compile(r"^ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})$")
_YEAR = re.compile(r"^(?:nam )?(\d{4})$")
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug included)
EXCEL_SERIALS = range(20000, 80000)  # 1954–2119: a number in a date column outside this is not a date
DATE_FORMS = "dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, dd/mm/yy hoặc yyyy-mm-dd"


def parse_date(value) -> datetime.date:
    """A date as officials write it: a spreadsheet date cell, an Excel day number in a date column, dd/mm/yyyy,
    d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, dd/mm/yy (20yy), yyyy-mm-dd, "ngày 5 tháng 3 năm 2021". A bare year raises
    YearOnly; anything else DomainError. Day first always: 03/12/2021 is 3 December."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and int(value) in EXCEL_SERIALS:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        value = int(value) if float(value).is_integer() else value
    text = " ".join(str(value or "").split())
    compact = re.sub(r"\s*([/.-])\s*", r"\1", text.lower())
    folded = fold(text)
    year_only = _YEAR.match(folded)
    if year_only:
        raise YearOnly(int(year_only.group(1)), text)
    day = month = year = None
    if match := _DMY.match(compact):
        day, month, year = int(match.group(1)), int(match.group(3)), match.group(4)
        year = int(year) + (2000 if len(year) == 2 else 0)
    elif match := _YMD.match(compact):
        year, month, day = (int(g) for g in match.groups())
    elif match := _WORDS.match(folded):
        day, month, year = (int(g) for g in match.groups())
    if day is not None:
        try:
            return datetime.date(year, month, day)
        except ValueError:
            pass
    raise DomainError(f"ngày '{text}' không hợp lệ: ghi {DATE_FORMS} (ngày trước tháng).")


def parse_year(value, *, low: int = 1900, high: int = 2100) -> int:
    """A year column: 2021, "2021", "Năm 2021"."""
    text = _cell_text(int(value) if isinstance(value, float) and value.is_integer() else value)
    match = _YEAR.match(fold(text))
    if not match or not low <= int(match.group(1)) <= high:
        raise DomainError(f"năm '{text}' không hợp lệ: ghi bốn chữ số, ví dụ 2021.")
    return int(match.group(1))


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


_DECISION_WITH_DATE = re.compile(
    r"^(?P<no>.+?)\s*[,;]?\s*(?:(?:ký\s+)?ngày\s+(?P<words>.+)|\((?P<bracket>[\d/.\-\s]+)\))$", re.IGNORECASE
)
_NUMBER_WORD = re.compile(r"^(?:(?:quyết định|qđ)\s+)?(?:số\s*:?\s*)", re.IGNORECASE)


def split_decision(text: str) -> tuple[str, str]:
    """'Số 1234/QĐ-UBND ngày 12/10/2021' → ('1234/QĐ-UBND', '12/10/2021'); a number alone → (number, '')."""
    text = " ".join((text or "").split())
    date = ""
    match = _DECISION_WITH_DATE.match(text)
    if match and re.search(r"\d", match.group("no")):
        text, date = match.group("no"), (match.group("words") or match.group("bracket") or "").strip()
    return _NUMBER_WORD.sub("", text).strip(" ,;"), date


def closest(text: str, names: dict[str, str], n: int = 3) -> list[str]:
    """The shown names whose folded form is closest to `text` (difflib); names: folded → shown."""
    return [names[k] for k in difflib.get_close_matches(fold(text), list(names), n=n, cutoff=0.75)]


# --- places --------------------------------------------------------------------------------------------------------

# Type words starting a part of an address, folded, longest first: (words, role, the long form shown).
# Roles: commune, district, province; "city" is a Thành phố that is a province or a district by what surrounds it;
# "place" is anything below the commune (thôn, bản, tổ…), not used.
_PLACE_WORDS = [
    ("to dan pho", "place", ""),
    ("thanh pho", "city", "Thành phố"),
    ("thi tran", "commune", "Thị trấn"),
    ("thi xa", "district", "Thị xã"),
    ("dac khu", "commune", "Đặc khu"),
    ("khu pho", "place", ""),
    ("phuong", "commune", "Phường"),
    ("huyen", "district", "Huyện"),
    ("quan", "district", "Quận"),
    ("tinh", "province", "Tỉnh"),
    ("thon", "place", ""),
    ("xom", "place", ""),
    ("ban", "place", ""),
    ("buon", "place", ""),
    ("lang", "place", ""),
    ("khoi", "place", ""),
    ("khu", "place", ""),
    ("duong", "place", ""),
    ("pho", "place", ""),
    ("so", "place", ""),
    ("ap", "place", ""),
    ("to", "place", ""),
    ("tdp", "place", ""),
    ("kp", "place", ""),
    ("xa", "commune", "Xã"),
    ("tp", "city", "Thành phố"),
    ("tx", "district", "Thị xã"),
    ("tt", "commune", "Thị trấn"),
    ("h", "district", "Huyện"),
    ("q", "district", "Quận"),
    ("x", "commune", "Xã"),
    ("p", "commune", "Phường"),
    ("t", "province", "Tỉnh"),
]
_PART_SPLIT = re.compile(r"\s*[,;]\s*|\s+[-–—]\s+")
PLACE_KEYS = ("province", "district", "commune")


def _place_part(text: str) -> tuple[str | None, str, str]:
    """'X. Mường Phăng' → ('commune', 'Xã', 'Mường Phăng'); 'Thôn 3' → ('place', '', 'Thôn 3');
    'Điện Biên' → (None, '', 'Điện Biên')."""
    text = text.strip(" .")
    folded = fold(text)
    for words, role, long_form in _PLACE_WORDS:
        if role == "place" and (folded == words or folded.startswith(words + " ")):
            return role, "", text
        if folded.startswith(words + " "):
            return role, long_form, _after_type_word(text, len(words.replace(" ", "")))
    return None, "", text


def _after_type_word(text: str, letters: int) -> str:
    """The written name after a type word of so many letters: 'TP.Điện Biên Phủ' → 'Điện Biên Phủ'."""
    i = 0
    while i < len(text) and letters > 0:
        letters -= len(fold(text[i]).replace(" ", ""))
        i += 1
    return text[i:].strip(" .")


def split_address(text: str) -> dict[str, str]:
    """'Thôn X, xã Y, huyện Z, tỉnh T' → {'commune': 'Xã Y', 'district': 'Huyện Z', 'province': 'Tỉnh T'} by the
    type words of its parts (long or short: X., H., P., TT., TX., TP., T.). A last part without a type word is the
    province (addresses end with it); a Thành phố is a province or a district by what surrounds it ("city" when only
    the other columns can tell)."""
    parts = [p for p in _PART_SPLIT.split(text or "") if p.strip(" .")]
    found: dict[str, str] = {}
    for i, part in enumerate(parts):
        role, long_form, name = _place_part(part)
        if role is None and i == len(parts) - 1 and i > 0 and "province" not in found:
            role = "province"
        if role in (None, "place"):
            continue
        if role == "city":
            if "province" in found or "district" in found:
                role = "province"  # "Quận 1, Thành phố Hồ Chí Minh"
            elif any(_place_part(p)[0] in ("province", None) for p in parts[i + 1 :]):
                role = "district"  # "TP. Điện Biên Phủ, tỉnh Điện Biên"
        found.setdefault(role, f"{long_form} {name}".strip())
    return found


def name_key(text: str) -> str:
    """A place name without its type word, folded: 'TP. Điện Biên Phủ' and 'Điện Biên Phủ' agree."""
    role, _long_form, name = _place_part(text)
    return fold(name)


@dataclass
class Places:
    """Province, district and commune names of a row, and the column each came from (for messages)."""

    names: dict[str, str]
    source: dict[str, str]
    warnings: list[RowWarning]

    def get(self, key: str) -> str:
        return self.names.get(key, "")


def place_names(row: Row, keys=PLACE_KEYS) -> Places:
    """The row's place columns, completed from its "Địa chỉ" (address) cell. An explicit column wins over the
    address; where both are written and disagree, a warning says which was used."""
    names = {key: row.text(key) for key in keys if row.text(key)}
    source = {key: key for key in names}
    warnings = []
    address = row.text("address")
    if address:
        parts = split_address(address)
        city = parts.pop("city", "")
        if city:
            province = names.get("province") or parts.get("province")
            if province and name_key(province) == name_key(city):
                pass  # "…, Thành phố Hà Nội" beside a province column naming Hà Nội
            elif province or "district" in parts:
                parts.setdefault("district" if province else "province", city)
            else:
                parts["province"] = city
        for key in keys:
            part = parts.get(key)
            if not part:
                continue
            if key not in names:
                names[key], source[key] = part, "address"
            elif name_key(names[key]) != name_key(part):
                warnings.append(
                    RowWarning(
                        row.number, "address", f"địa chỉ ghi '{part}', cột {key} ghi '{names[key]}': dùng cột {key}."
                    )
                )
    return Places(names, source, warnings)


_PLACE_WORD = {"province": "tỉnh", "district": "huyện", "commune": "xã"}


def missing_place(row: Row, places: Places, key: str) -> RowError | None:
    """The error for a place the row does not name: its column is empty, or the address it was read from lacks it."""
    if places.get(key):
        return None
    address = row.text("address")
    if address and not row.text(key):
        return RowError(
            row.number,
            "address" if key not in row.values else key,
            f"địa chỉ '{address}' không ghi {_PLACE_WORD[key]} (ghi '{_PLACE_WORD[key]} …' trong địa chỉ, "
            f"hoặc thêm cột {key}).",
        )
    return RowError(row.number, key, "bắt buộc, đang để trống.")


def missing_column(table: Table, column: Column, supplies: Callable[[Row], bool]) -> bool:
    """Whether a required column is missing. One that another column may supply (Column.alternatives, e.g. the
    commune from the address) is missing when its own column is absent and no row's other column supplies it: then
    the one missing-column error is added here (not one per row)."""
    if column.key in table.missing:
        return True
    if column.key in table.keys or not table.rows or any(supplies(row) for row in table.rows):
        return False
    table.missing.add(column.key)
    table.errors.append(
        RowError(
            table.header_row,
            column.key,
            f"thiếu cột bắt buộc (tiêu đề '{column.key}' hoặc '{column.label}'); "
            f"cột {', '.join(column.alternatives)} của tệp không ghi giá trị này.",
        )
    )
    return True


# --- writing ----------------------------------------------------------------------------------------------------------


def bulk_insert(model, objects: list, batch_size: int = 1000) -> None:
    """bulk_create for imports: on PostgreSQL (psycopg 3) the rows are streamed with COPY after their ids are taken
    from the table's sequence in one query — several times faster than INSERT … UNNEST for tens of thousands of
    rows; on SQLite one prepared INSERT run for every row (executemany) with ids taken after the highest — several
    times faster than bulk_create, whose SQL building costs more than SQLite's work; elsewhere bulk_create. Either
    way the objects come back saved, with their pk."""
    from django.db import connections, router

    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    pk = meta.pk
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if (
            connection.vendor == "sqlite"
            and connection.in_atomic_block  # the ids read and the rows written under one lock
            and pk.get_internal_type().endswith("AutoField")
        ):
            _sqlite_insert(connection, cursor, model, objects)
        elif (
            connection.vendor != "postgresql"
            or not hasattr(raw, "copy")
            or not pk.get_internal_type().endswith("AutoField")
        ):
            model.objects.bulk_create(objects, batch_size=batch_size)
            return
        else:
            _postgresql_copy(connection, cursor, model, objects)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


def _postgresql_copy(connection, cursor, model, objects: list) -> None:
    """bulk_insert on PostgreSQL (psycopg 3): ids from the table's sequence in one query, then COPY."""
    meta = model._meta
    pk = meta.pk
    raw = cursor.cursor
    _prepare_related_fields(model, objects)
    table = connection.ops.quote_name(meta.db_table)
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [meta.db_table, pk.column, len(objects)],
    )
    for obj, (new_id,) in zip(objects, cursor.fetchall(), strict=True):
        setattr(obj, pk.attname, new_id)
    fields = meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = _row_values(fields, connection)
    with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objects:
            copy.write_row(values(obj))


def _sqlite_insert(connection, cursor, model, objects: list) -> None:
    """bulk_insert on SQLite: ids taken after the highest ever given (the table's AUTOINCREMENT counter, so an id of
    a deleted row is never given again), then one prepared INSERT run for all rows (executemany, stepped in C).
    Safe against another writer: the transaction holds SQLite's one write lock from its first write on, and if
    another writer committed after our read, that first write fails as "database is locked" and the import's
    transaction is run again from the start (run_import)."""
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    pk = meta.pk
    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
    counter = cursor.fetchone()
    cursor.execute(f"SELECT MAX({quote(pk.column)}) FROM {table}")
    highest = max((counter[0] if counter else 0) or 0, cursor.fetchone()[0] or 0)
    _prepare_related_fields(model, objects)
    for offset, obj in enumerate(objects, start=1):
        setattr(obj, pk.attname, highest + offset)
    fields = meta.concrete_fields
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        table, ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )
    # One statement however many rows: the driver steps it row by row (no limit on parameters to batch around).
    values = _row_values(fields, connection)
    cursor.executemany(sql, (values(obj) for obj in objects))


def _prepare_related_fields(model, objects: list) -> None:
    """Model._prepare_related_fields_for_save for many objects, its checks and effects unchanged (an unsaved related
    object refuses; a related object saved after it was assigned gives its id) but looking only at the relation
    fields: Django's walks every field of every object, which costs more than the COPY of the rows."""
    meta = model._meta
    if any(f.is_relation for f in meta.private_fields):  # generic relations: Django's own walk
        for obj in objects:
            obj._prepare_related_fields_for_save(operation_name="bulk_insert")
        return
    relations = [f for f in meta.concrete_fields if f.is_relation]
    for obj in objects:
        for rel_field in relations:
            if not rel_field.is_cached(obj):
                continue
            related = rel_field.get_cached_value(obj)
            if not related:
                continue
            if not related._is_pk_set():
                obj._prepare_related_fields_for_save(operation_name="bulk_insert")  # raises Django's error
            elif getattr(obj, rel_field.attname) in rel_field.empty_values:
                setattr(obj, rel_field.name, related)
            if getattr(related, rel_field.target_field.attname) != getattr(obj, rel_field.attname):
                rel_field.delete_cached_value(obj)


def _row_values(fields, connection):
    """obj → [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields], the values
    bulk_create would write, without the field methods where the answer is the value itself (text in a text
    field, an int in an integer field or a key to an integer id, a bool in a boolean field, or None in any of them):
    those methods are most of the Python time of a bulk insert. Anything else takes the methods."""
    from django.db import models

    plain = {
        **dict.fromkeys((models.CharField, models.TextField, models.EmailField, models.SlugField), str),
        **dict.fromkeys(
            (
                models.IntegerField,
                models.SmallIntegerField,
                models.BigIntegerField,
                models.PositiveIntegerField,
                models.PositiveSmallIntegerField,
                models.PositiveBigIntegerField,
                models.AutoField,
                models.BigAutoField,
                models.SmallAutoField,
            ),
            int,
        ),
        models.BooleanField: bool,
    }

    def plain_type(field):
        if type(field).pre_save is not models.Field.pre_save:
            return None  # dates and times that fill themselves (auto_now), files, …
        if type(field) is models.ForeignKey:
            return int if plain.get(type(field.target_field)) is int else None
        return plain.get(type(field))

    spec = [(field, field.attname, plain_type(field)) for field in fields]

    def values(obj):
        row = []
        for model_field, attname, kind in spec:
            if kind is not None:
                value = getattr(obj, attname)
                if value is None or type(value) is kind:
                    row.append(value)
                    continue
                row.append(model_field.get_db_prep_save(value, connection))
            else:
                row.append(model_field.get_db_prep_save(model_field.pre_save(obj, True), connection))
        return row

    return values


def bulk_set(model, objects: list, fields: list[str]) -> int:
    """Write `fields` of saved objects as they are in memory: one prepared UPDATE … WHERE pk = %s run for all of
    them (executemany: SQLite steps it in C, psycopg 3 pipelines it). Django's bulk_update builds a CASE WHEN per
    object and field, which costs seconds of Python for a few thousand rows; this costs what the rows do.
    No signals, no save(): the caller has done what save() would (the products' places, for one)."""
    from django.db import connections, router

    if not objects:
        return 0
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    concrete = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table), ", ".join(f"{quote(f.column)} = %s" for f in concrete), quote(meta.pk.column)
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            ([*(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in concrete), obj.pk] for obj in objects),
        )
    return len(objects)


SQLITE_ATTEMPTS = 2  # a deferred try, then one that holds the write lock from its start (at most twice the work)


def run_import(write: Callable[[], object], *, dry_run: bool):
    """Run `write` in one transaction; roll it back when dry_run or when it raises ImportErrors.

    On SQLite (one writer at a time, `transaction_mode` IMMEDIATE) a transaction holds the write lock from BEGIN, so
    an import that spends minutes reading and planning its rows would make every other write (a login) wait and fail
    after the busy timeout (issue 14). The import's transaction therefore begins DEFERRED: it reads without the lock
    and takes it at its first write. If someone else committed meanwhile, SQLite refuses that first write ("database
    is locked"): the whole transaction has rolled back, so `write` runs again on fresh data, this time beginning
    IMMEDIATE as everything else does (holding the lock throughout: with steady write traffic the gain is lost, see
    bench/import_concurrency.py). All or nothing either way."""
    connection = transaction.get_connection()
    deferred = connection.vendor == "sqlite" and not connection.in_atomic_block
    attempts = SQLITE_ATTEMPTS if deferred else 1
    for attempt in range(1, attempts + 1):
        try:
            return _run_once(write, dry_run=dry_run, deferred=deferred and attempt < attempts)
        except OperationalError as exc:
            if attempt == attempts or "locked" not in str(exc):
                raise
    raise AssertionError("unreachable")


def _run_once(write, *, dry_run: bool, deferred: bool):
    connection = transaction.get_connection()
    mode = connection.transaction_mode if deferred else None
    result = None
    try:
        if deferred:
            connection.transaction_mode = None  # a plain BEGIN: the lock waits for the first write
        with transaction.atomic():
            if deferred:
                connection.transaction_mode = mode  # only this BEGIN; savepoints and later transactions as usual
            result = write()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    finally:
        if deferred:
            connection.transaction_mode = mode
    return result


# --- progress, valid rows only, the error workbook (issue 13) ----------------------------------------------------

PROGRESS_EVERY = 500  # rows between two progress calls within a stage
STAGES = ("read", "validate", "write")


class Progress:
    """Calls `progress(stage, done, total)` at a stage's start and end (force=True) and at least every
    PROGRESS_EVERY rows. Whatever the callback raises propagates: that is how a background job cancels an import
    (the transaction then rolls back, nothing is written)."""

    def __init__(self, callback: Callable | None):
        self.callback = callback
        self.last: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int, *, force: bool = False):
        if self.callback is None:
            return
        if force or done - self.last.get(stage, 0) >= PROGRESS_EVERY:
            self.last[stage] = done
            self.callback(stage, done, total)


ERROR_COLUMN = "Lỗi / Cảnh báo"
ERROR_FILL = "FFFFC7CE"  # light red: the cell of an error
WARNING_FILL = "FFFFEB9C"  # light yellow: the cell of a warning


def _problem_text(problem, names: dict[str, str]) -> str:
    column = names.get(problem.column, problem.column)
    text = f"{column}: {problem.message}" if column and column != "file" else problem.message
    return f"Cảnh báo: {text}" if isinstance(problem, RowWarning) else text


def write_error_workbook(raw_rows, heading_rows, column_of_key: dict, errors, warnings, out) -> None:
    """The file's first sheet as it came (values kept; CSV cells as text), with a last column "Lỗi / Cảnh báo" that
    lists every problem of the row (errors first, then "Cảnh báo: …"), the cell of each problem's column filled red
    (error) or yellow (warning). A problem whose key has no column of its own (a missing column, the file) marks
    the problem cell only. Heading problems stand on the (first) heading row, after the column's title."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill

    fills = {"error": PatternFill("solid", fgColor=ERROR_FILL), "warning": PatternFill("solid", fgColor=WARNING_FILL)}
    heading_rows = tuple(heading_rows) or (1,)
    first_heading = heading_rows[0]
    width = max((len(r) for r in raw_rows), default=0)
    names = {}  # key → the heading as the file writes it, for the problem texts
    for key, position in column_of_key.items():
        for number in reversed(heading_rows):
            if number - 1 < len(raw_rows) and position < len(raw_rows[number - 1]):
                text = _cell_text(raw_rows[number - 1][position])
                if text and not text.strip("()").isdigit():
                    names[key] = text
                    break
    by_row: dict[int, list] = {}
    for problem in [*errors, *warnings]:  # errors first within a row
        by_row.setdefault(max(problem.row, 1), []).append(problem)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Lỗi")
    last_row = max([len(raw_rows), *by_row, first_heading])
    for number in range(1, last_row + 1):
        values = list(raw_rows[number - 1]) if number <= len(raw_rows) else []
        values += [None] * (width - len(values))
        # as every workbook the system writes: a text read as a formula is escaped (the import reading undoes it)
        values = [cell_value(ILLEGAL_CHARACTERS_RE.sub("", v)) if isinstance(v, str) else v for v in values]
        problems = by_row.get(number, [])
        texts = [_problem_text(p, names) for p in problems]
        if number == first_heading:
            texts.insert(0, ERROR_COLUMN)
        if not problems and number != first_heading:
            sheet.append(values)
            continue
        cells = [WriteOnlyCell(sheet, value=v) for v in values]
        marked: dict[int, str] = {}
        for problem in problems:
            kind = "warning" if isinstance(problem, RowWarning) else "error"
            position = column_of_key.get(problem.column)
            if position is not None and position < width and marked.get(position) != "error":
                marked[position] = kind
        for position, kind in marked.items():
            cells[position].fill = fills[kind]
        last = WriteOnlyCell(sheet, value=cell_value(ILLEGAL_CHARACTERS_RE.sub("", "\n".join(texts))))
        last.alignment = Alignment(wrap_text=True, vertical="top")
        if number == first_heading:
            last.font = Font(bold=True)
        if problems:
            unplaced = [p for p in problems if column_of_key.get(p.column) is None]
            if unplaced or not marked:
                last.fill = fills["warning" if all(isinstance(p, RowWarning) for p in problems) else "error"]
        sheet.append([*cells, last])
    workbook.save(out)


class ImportRun:
    """What every importer does around its own reading and writing: progress calls, the choice between refusing
    the file and skipping its invalid rows, and the error workbook (written before ImportErrors is raised)."""

    def __init__(self, *, skip_invalid=False, progress=None, errors_to=None):
        self.skip_invalid = skip_invalid
        self.progress = Progress(progress)
        self.errors_to = errors_to
        self.table: Table | None = None

    def read(self, source, columns, filename, **kwargs) -> Table:
        try:
            self.table = read_table(source, columns, filename, progress=self.progress.callback, **kwargs)
        except ImportErrors as exc:  # an unreadable file: the workbook says why, on its first row
            self.write_workbook(exc.errors, exc.warnings)
            raise
        return self.table

    def write_workbook(self, errors, warnings) -> None:
        if self.errors_to is None or not (errors or warnings):
            return
        table = self.table or Table()
        write_error_workbook(
            table.raw, table.heading_rows or (table.header_row,), table.column_of_key, errors, warnings, self.errors_to
        )

    def refuse(self, errors, warnings):
        exc = ImportErrors(errors, warnings)
        self.write_workbook(exc.errors, exc.warnings)
        raise exc

    def check(self, errors, warnings) -> set[int]:
        """After validation: raise ImportErrors unless every error is a data row's and skip_invalid; returns the
        row numbers to skip."""
        if not errors:
            return set()
        table = self.table or Table()
        if not self.skip_invalid or any(table.is_file_level(e) for e in errors):
            self.refuse(errors, warnings)
        return {e.row for e in errors}

    def finish(self, result, errors, warnings):
        """Fill the result's errors, warnings, skipped rows and row count, and write the workbook if any problem."""
        result.errors = sorted(errors, key=lambda e: (e.row, e.column))
        result.warnings = sorted(warnings, key=lambda w: (w.row, w.column))
        result.skipped = sorted({e.row for e in errors})
        result.rows_total = len(self.table.rows) if self.table else 0
        self.write_workbook(result.errors, result.warnings)
        return result
