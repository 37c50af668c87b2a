"""The mapping step: which file headings the importer did not know, the first rows to show, saved mappings."""

import csv
import io

from core.spreadsheets import unescape
from core.text import fold

PREVIEW_ROWS = 5


def compact(text: str) -> str:
    return fold(str(text or "")).replace(" ", "")


def heading_dicts(table) -> list[dict]:
    return [{"text": h.text, "key": h.key, "matched_by": h.matched_by, "position": h.position} for h in table.headings]


def needs_mapping(table) -> bool:
    """A heading the importer does not know, or a required column that no heading supplies."""
    return bool(table.unknown or table.missing)


def fits(saved: dict, headings: list[dict]) -> bool:
    """A saved mapping is reused only for a file that has every heading it names."""
    written = {compact(h["text"]) for h in headings} | {compact(h["text"].split(" / ")[-1]) for h in headings}
    return bool(saved) and all(compact(text) in written for text in saved)


def preview(data: bytes, filename: str, header_row: int, width: int) -> list[list[str]]:
    """The first non-empty rows under the heading row, as text, one cell per column position."""
    rows = []
    for cells in _raw_rows(data, filename, header_row + PREVIEW_ROWS + 3)[header_row:]:
        texts = [_text(cells[i]) if i < len(cells) else "" for i in range(width)]
        if any(texts):
            rows.append(texts)
        if len(rows) == PREVIEW_ROWS:
            break
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # As the importer will read it: a text the system's own export protected with an apostrophe shows without it.
    return " ".join(unescape(str(value)).split())[:80]


def _raw_rows(data: bytes, filename: str, limit: int) -> list[list]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [list(r) for r in workbook.worksheets[0].iter_rows(max_row=limit, values_only=True)]
        finally:
            workbook.close()
    text = data.decode("utf-8-sig", errors="replace")
    rows = []
    for row in csv.reader(io.StringIO(text)):
        rows.append(row)
        if len(rows) == limit:
            break
    return rows
