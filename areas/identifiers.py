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
