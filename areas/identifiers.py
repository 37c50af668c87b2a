"""Area identifiers `<scheme>:<code>` (CONTRACT §4), parsed and formatted only here."""

from dataclasses import dataclass

from areas.choices import CODE_WIDTH, Level, Scheme
from core.errors import DomainError

_WIDTH_LEVEL = {width: level for level, width in CODE_WIDTH.items()}


class MalformedAreaId(DomainError):
    pass


@dataclass(frozen=True)
class AreaId:
    scheme: str
    code: str

    @property
    def level(self) -> str:
        return _WIDTH_LEVEL[len(self.code)]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.code}"

    @classmethod
    def parse(cls, text: str) -> "AreaId":
        scheme, sep, code = (text or "").strip().partition(":")
        if not sep or scheme not in Scheme.values:
            raise MalformedAreaId(
                f"Mã địa bàn '{text}' không hợp lệ: cần dạng <scheme>:<mã>, scheme là "
                f"{' hoặc '.join(Scheme.values)} (ví dụ 2025:11)."
            )
        if not (code.isascii() and code.isdigit()) or len(code) not in _WIDTH_LEVEL:
            raise MalformedAreaId(
                f"Mã địa bàn '{text}' không hợp lệ: mã phải gồm 2 (tỉnh), 3 (huyện) hoặc 5 (xã) chữ số."
            )
        if scheme == Scheme.S2025 and len(code) == CODE_WIDTH[Level.DISTRICT]:
            raise MalformedAreaId(f"Mã địa bàn '{text}' không hợp lệ: từ 01/07/2025 không còn cấp huyện.")
        return cls(scheme, code)

    @classmethod
    def of(cls, scheme: str, level: str, code: int | str) -> "AreaId":
        return cls(scheme, str(int(code)).zfill(CODE_WIDTH[level]))


COUNTRY = "vn"  # CONTRACT §4 (issue "national scale"): the whole country, for reports


@dataclass(frozen=True)
class CountryId:
    """`vn` (the scheme valid on the report's date) or `vn@pre2025` / `vn@2025` (a scheme chosen explicitly)."""

    scheme: str = ""  # "" until the report's date decides

    level = "country"
    code = ""

    def __str__(self) -> str:
        return f"{COUNTRY}@{self.scheme}" if self.scheme else COUNTRY


def parse_report_area(text: str) -> "AreaId | CountryId":
    """An area id as reports take it: every `<scheme>:<code>` of AreaId.parse, and the whole country."""
    cleaned = (text or "").strip()
    name, sep, scheme = cleaned.partition("@")
    if name.lower() != COUNTRY:
        return AreaId.parse(cleaned)
    if not sep:
        return CountryId()
    if scheme not in Scheme.values:
        raise MalformedAreaId(
            f"Mã địa bàn '{text}' không hợp lệ: cả nước là {COUNTRY}, hoặc "
            f"{' / '.join(f'{COUNTRY}@{s}' for s in Scheme.values)} để chọn hệ thống đơn vị hành chính."
        )
    return CountryId(scheme)
