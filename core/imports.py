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
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.db import transaction

from core.errors import DomainError
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

    def text(self, key: str) -> str:
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
class Table:
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    header_row: int = 1  # the heading row (the upper one of headings over two rows); data starts below
    missing: set[str] = field(default_factory=set)  # required columns reported missing: no row error repeats them

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
) -> Table:
    """Rows keyed by column key. `kind` adds the headings listed for that import kind; `mapping` (heading → key, or
    "-" to ignore) overrides them. Heading problems are errors on the heading row, one per column; blank rows are
    skipped. Raises MappingError for a mapping that names an unknown key or a heading the file does not have."""
    filename = filename or str(source)
    raw = _read_raw(source, filename)
    table = Table()
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


# --- writing -------------------------------------------------------------------------------------------------------


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
