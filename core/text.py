"""Folding Vietnamese text for search and name matching: case, diacritics, đ/Đ, apostrophes and spaces."""

import re
import unicodedata

_APOSTROPHES = "'’‘ʼ`´"
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """'Xã Đạ M’ri' → 'xa da mri'. Used for stored search names and for every query, so both sides agree."""
    text = unicodedata.normalize("NFD", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D").lower()
    for ch in _APOSTROPHES:
        text = text.replace(ch, "")
    text = re.sub(r"[^\w\s]", " ", text)
    return _SPACES.sub(" ", text).strip()


def normalise_apostrophes(text: str) -> str:
    """Official names mix ’ and '; store one form so that exact comparisons hold."""
    for ch in _APOSTROPHES:
        text = text.replace(ch, "'")
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def is_id(text) -> bool:
    """`text` names a database id: ASCII digits only ("²".isdigit() is true and int() refuses it) and short enough for
    a 64-bit integer (a longer number overflows SQLite's and PostgreSQL's integers: a 500 instead of 'not found')."""
    text = str(text)
    return text.isascii() and text.isdigit() and len(text) < 19
