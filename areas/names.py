"""Name normalisation for administrative units: what a spreadsheet writes vs. what the statistics office names."""

from dataclasses import dataclass

from areas.choices import TYPE_PREFIX, UnitType
from core.text import fold

# Folded type words (and common abbreviations) → the unit types they may denote. Longest first when matching.
TYPE_WORDS: dict[str, set[str]] = {
    "thanh pho": {UnitType.THANH_PHO_TW, UnitType.THANH_PHO},
    "tp": {UnitType.THANH_PHO_TW, UnitType.THANH_PHO},
    "thi tran": {UnitType.THI_TRAN},
    "tt": {UnitType.THI_TRAN},
    "thi xa": {UnitType.THI_XA},
    "tx": {UnitType.THI_XA},
    "dac khu": {UnitType.DAC_KHU},
    "tinh": {UnitType.TINH},
    "huyen": {UnitType.HUYEN},
    "quan": {UnitType.QUAN},
    "xa": {UnitType.XA},
    "phuong": {UnitType.PHUONG},
    # one-letter abbreviations ("H. Điện Biên", "X.Thanh Hưng"); a name that itself starts with such a letter
    # ("Xã H Bông", "Thị trấn P Rao") still matches as written, the whole name being tried first
    "t": {UnitType.TINH},
    "h": {UnitType.HUYEN},
    "q": {UnitType.QUAN},
    "x": {UnitType.XA},
    "p": {UnitType.PHUONG},
}
_ORDERED = sorted(TYPE_WORDS, key=len, reverse=True)


def short_name(name: str, unit_type: str) -> str:
    """'Huyện Điện Biên' → 'Điện Biên'; 'Phường 14' → '14'."""
    prefix = TYPE_PREFIX[UnitType(unit_type)]
    if name.startswith(prefix + " "):
        return name[len(prefix) + 1 :].strip()
    return name


def search_name(name: str, unit_type: str) -> str:
    return fold(short_name(name, unit_type))


@dataclass(frozen=True)
class NameQuery:
    """A name as someone wrote it: the folded whole, and, if it began with a type word, that type and the rest."""

    text: str
    folded: str
    types: frozenset[str] | None
    rest: str | None

    def matches(self, unit_search_name: str, unit_type: str) -> bool:
        if unit_search_name == self.folded:
            return True
        return self.rest is not None and unit_search_name == self.rest and unit_type in self.types

    @property
    def keys(self) -> set[str]:
        return {k for k in (self.folded, self.rest) if k}


def parse_name(text: str) -> NameQuery:
    folded = fold(text)
    for word in _ORDERED:
        if folded.startswith(word + " "):
            return NameQuery(text, folded, frozenset(TYPE_WORDS[word]), folded[len(word) + 1 :])
    return NameQuery(text, folded, None, None)
