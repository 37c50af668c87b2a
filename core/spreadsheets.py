"""Cells of the workbooks the system writes.

A text that begins with `=`, `+`, `-` or `@` (or a tab or carriage return) is read by a spreadsheet program as a
formula when the file is opened or the cell edited (OWASP "CSV injection"); openpyxl even stores a text that begins
with `=` as a formula. Every writer passes its values through `cell_value`, which puts an apostrophe before such a
text, as the programs do themselves for text typed that way; the importers take it off again (`unescape`), so a
workbook the system wrote can be imported back unchanged.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_value(value):
    """The value to write into a cell: a text that would be read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row_values(values) -> list:
    return [cell_value(v) for v in values]


def unescape(text: str) -> str:
    """The text as it was before `cell_value` protected it."""
    if isinstance(text, str) and text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
