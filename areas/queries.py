"""Reads over administrative units shared by pages, the API and imports."""

import datetime
from functools import lru_cache

from django.db.models import Count, Q
from django.utils import formats

from areas.choices import REFORM_DATE, Level, Scheme
from areas.identifiers import AreaId
from areas.models import AdministrativeUnit
from areas.names import parse_name
from core.errors import DomainError, NotFound
from core.text import fold


class UnknownArea(DomainError):
    pass


class AmbiguousArea(DomainError):
    pass


def scheme_on(day: datetime.date) -> str:
    return Scheme.PRE2025 if day < REFORM_DATE else Scheme.S2025


def get_unit(area_id: str | AreaId) -> AdministrativeUnit:
    """The unit named by an area id; MalformedAreaId (400) or NotFound (404)."""
    parsed = area_id if isinstance(area_id, AreaId) else AreaId.parse(area_id)
    unit = AdministrativeUnit.objects.by_area_id(parsed).select_related("parent", "parent__parent").first()
    if unit is None:
        raise NotFound(f"Không có đơn vị hành chính mang mã {parsed}.")
    return unit


_LEVEL_WORD = {Level.PROVINCE: "tỉnh", Level.DISTRICT: "huyện", Level.COMMUNE: "xã"}


class _DatabaseUnits:
    """Candidates straight from the database: right for one lookup."""

    def __init__(self, scheme: str, day: datetime.date):
        self.units = AdministrativeUnit.objects.filter(scheme=scheme).valid_on(day)

    def find(self, level, keys, *, parent=None, province=None):
        qs = self.units.filter(level=level, search_name__in=keys)
        if parent is not None:
            qs = qs.filter(parent=parent)
        if province is not None:
            qs = qs.filter(province=province)
        return list(qs)


class _MemoryUnits:
    """All units of a scheme indexed in memory (one query): right for imports resolving thousands of rows."""

    def __init__(self, scheme: str):
        self.index: dict[tuple, list[AdministrativeUnit]] = {}
        for unit in AdministrativeUnit.objects.filter(scheme=scheme).only(
            "scheme",
            "code",
            "level",
            "unit_type",
            "name",
            "search_name",
            "parent_id",
            "province_id",
            "district_id",
            "valid_from",
            "valid_until",
        ):
            for holder in (("parent", unit.parent_id), ("province", unit.province_id)):
                self.index.setdefault((unit.level, *holder, unit.search_name), []).append(unit)

    def find(self, level, keys, *, parent=None, province=None, day=None):
        holder = ("parent", parent.pk if parent else None) if province is None else ("province", province.pk)
        found = {}
        for key in keys:
            for unit in self.index.get((level, *holder, key), []):
                found[unit.pk] = unit
        return list(found.values())


def _pick(units, day, text: str, level: str, field: str, where: str, **within):
    query = parse_name(text)
    if not query.folded:
        raise UnknownArea(f"Chưa ghi tên {_LEVEL_WORD[level]}.", field=field)
    candidates = [
        u
        for u in units.find(level, query.keys, **within)
        if query.matches(u.search_name, u.unit_type) and u.is_valid_on(day)
    ]
    on = formats.date_format(day, "SHORT_DATE_FORMAT")
    if not candidates:
        raise UnknownArea(
            f"Không tìm thấy {_LEVEL_WORD[level]} '{text}' {where} theo danh mục đơn vị hành chính "
            f"hiệu lực ngày {on} (đã so khớp tên chuẩn hoá '{query.folded}'"
            + (f" hoặc '{query.rest}'" if query.rest else "")
            + ").",
            field=field,
        )
    if len(candidates) > 1:
        names = "; ".join(f"{u.name} ({u.area_id})" for u in sorted(candidates, key=lambda u: u.code))
        raise AmbiguousArea(
            f"Tên {_LEVEL_WORD[level]} '{text}' {where} trùng với nhiều đơn vị: {names}. Hãy ghi rõ loại đơn vị "
            f"(ví dụ 'Huyện', 'Thị xã', 'Thành phố').",
            field=field,
        )
    return candidates[0]


def resolve_unit(
    *, province: str, district: str | None = None, commune: str | None = None, on_date: datetime.date, _units=None
):
    """(province, district, commune, date) → the deepest unit named, matched by exact normalised name in its parent.

    The scheme is the one in force on `on_date`; districts are only read before the 2025 reform. Unknown or
    ambiguous names raise with what was tried; nothing is guessed.
    """
    scheme = scheme_on(on_date)
    units = _units or _DatabaseUnits(scheme, on_date)
    unit = _pick(units, on_date, province, Level.PROVINCE, "province", "")
    parent = unit
    if scheme == Scheme.PRE2025 and district and district.strip():
        unit = _pick(units, on_date, district, Level.DISTRICT, "district", f"thuộc {parent.name}", parent=parent)
        parent = unit
    if commune and commune.strip():
        within = {"parent": parent} if parent.level == Level.DISTRICT else {"province": parent}
        unit = _pick(units, on_date, commune, Level.COMMUNE, "commune", f"thuộc {parent.name}", **within)
    return unit


class CachedResolver:
    """resolve_unit for imports: the scheme's units held in memory, each distinct name resolved once."""

    def __init__(self):
        self._schemes: dict[str, _MemoryUnits] = {}
        self._homes: dict[int, AdministrativeUnit] = {}
        self._resolve = lru_cache(maxsize=20000)(self._uncached)

    def _uncached(self, province, district, commune, day):
        scheme = scheme_on(day)
        if scheme not in self._schemes:
            self._schemes[scheme] = _MemoryUnits(scheme)
        try:
            unit = resolve_unit(
                province=province, district=district, commune=commune, on_date=day, _units=self._schemes[scheme]
            )
            return unit, None
        except DomainError as exc:
            return None, exc

    def __call__(self, *, province, district=None, commune=None, on_date):
        unit, error = self._resolve(province or "", district or "", commune or "", on_date)
        if error:
            raise error
        return unit

    def home_province(self, unit):
        """current_province, remembered per province for the life of the import."""
        key = unit.pk if unit.level == Level.PROVINCE else unit.province_id
        if key not in self._homes:
            self._homes[key] = current_province(unit)
        return self._homes[key]


def children_of(unit: AdministrativeUnit):
    """Units one level down in the same scheme, with how many units each holds in turn."""
    return (
        AdministrativeUnit.objects.filter(parent=unit)
        .annotate(child_count=Count("children"))
        .order_by("unit_type", "search_name")
    )


def provinces(scheme: str):
    return (
        AdministrativeUnit.objects.filter(scheme=scheme, level=Level.PROVINCE)
        .annotate(child_count=Count("children"))
        .order_by("code")
    )


def search_units(text: str, *, scheme: str | None = None, level: str | None = None):
    """Accent-insensitive search: every word of the query must appear in the unit's folded short name."""
    query = parse_name(text)
    words = (query.rest or query.folded).split()
    if not words:
        return AdministrativeUnit.objects.none()
    qs = AdministrativeUnit.objects.select_related("parent", "parent__parent")
    for word in words:
        qs = qs.filter(search_name__contains=word)
    if query.types:
        qs = qs.filter(Q(unit_type__in=query.types) | Q(search_name__contains=fold(text)))
    if scheme:
        qs = qs.filter(scheme=scheme)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("level", "search_name", "scheme", "code")


def predecessors_of(unit):
    return unit.predecessions.select_related("predecessor", "predecessor__parent").order_by("predecessor__code")


def successors_of(unit):
    return unit.successions.select_related("successor", "successor__parent").order_by("successor__code")


def current_province(unit: AdministrativeUnit) -> AdministrativeUnit:
    """The 2025-scheme province a unit of either scheme belongs to: identity keys survive the reform through it."""
    province = unit if unit.level == Level.PROVINCE else unit.province
    if province.scheme == Scheme.S2025:
        return province
    succession = province.successions.select_related("successor").first()
    if succession is None:
        raise DomainError(f"{province.name} chưa có tỉnh kế thừa trong danh mục.")
    return succession.successor
