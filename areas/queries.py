"""Reads over administrative units shared by pages, the API and imports."""

import datetime
import difflib
from collections import defaultdict
from functools import lru_cache

from django.db.models import Count, Q
from django.utils import formats
from django.utils.translation import gettext_lazy

from areas.choices import REFORM_DATE, Level, Scheme, UnitType
from areas.identifiers import AreaId, CountryId, parse_report_area
from areas.models import AdministrativeUnit, Succession
from areas.names import parse_name
from core.errors import DomainError, NotFound
from core.scoping import area_scope
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


COUNTRY_LEVEL = CountryId.level


class Country:
    """The whole country as a report's area (CONTRACT §4, `vn`): the provinces of one scheme. It stands where reports
    take an AdministrativeUnit (scheme, level, code, name, area_id, parent), but is no row: `pk` is None."""

    level = COUNTRY_LEVEL
    code = ""
    pk = None
    parent = None
    parent_id = None
    province_id = None
    district_id = None
    name = gettext_lazy("Toàn quốc")

    def __init__(self, scheme: str, *, explicit: bool = False):
        self.scheme = scheme
        self.explicit = explicit  # `vn@<scheme>` rather than `vn`: the id given back names the scheme

    @property
    def area_id(self) -> CountryId:
        return CountryId(self.scheme if self.explicit else "")

    def get_scheme_display(self) -> str:
        return str(Scheme(self.scheme).label)

    def provinces(self):
        """Its children: the provinces of its scheme, by code."""
        return AdministrativeUnit.objects.filter(scheme=self.scheme, level=Level.PROVINCE).order_by("code")

    def __eq__(self, other):
        return isinstance(other, Country) and (other.scheme, other.explicit) == (self.scheme, self.explicit)

    def __hash__(self):
        return hash((Country, self.scheme, self.explicit))

    def __str__(self):
        return str(self.name)


def report_area(area_id, day: datetime.date, *, user=None, action: str | None = None):
    """The area a report is asked for: a unit (as get_unit), or the whole country for `vn` (the scheme valid on `day`)
    and `vn@<scheme>`. The country is only for a reader whose scope for `action` is nationwide: anyone else gets the
    404 of an unknown area, as for any object outside their scope."""
    parsed = area_id if isinstance(area_id, (AreaId, CountryId)) else parse_report_area(area_id)
    if isinstance(parsed, AreaId):
        return get_unit(parsed)
    if action is not None and not nationwide(user, action):
        raise NotFound(f"Không có đơn vị hành chính mang mã {parsed}.")
    return Country(parsed.scheme or scheme_on(day), explicit=bool(parsed.scheme))


def nationwide(user, action: str) -> bool:
    """Whether `user` may do `action` everywhere (a membership without an area, or a superuser)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return area_scope(user, action).everywhere


_LEVEL_WORD = {Level.PROVINCE: "tỉnh", Level.DISTRICT: "huyện", Level.COMMUNE: "xã"}


class _DatabaseUnits:
    """Candidates straight from the database: right for one lookup."""

    def __init__(self, scheme: str, day: datetime.date | None = None):
        self.scheme = scheme
        self.units = AdministrativeUnit.objects.filter(scheme=scheme)
        if day is not None:
            self.units = self.units.valid_on(day)

    def find(self, level, keys, *, parent=None, province=None):
        qs = self.units.filter(level=level, search_name__in=keys)
        if parent is not None:
            qs = qs.filter(parent=parent)
        if province is not None:
            qs = qs.filter(province=province)
        return list(qs)

    def siblings(self, level, *, parent=None, province=None):
        holder = {"province": province} if province is not None else {"parent": parent}
        return list(self.units.filter(level=level, **holder))

    def other(self):
        return _DatabaseUnits(Scheme.S2025 if self.scheme == Scheme.PRE2025 else Scheme.PRE2025)

    def get(self, pk):
        return AdministrativeUnit.objects.filter(pk=pk).first() if pk else None

    def successors(self, unit):
        return [s.successor for s in unit.successions.select_related("successor").order_by("successor__code")]

    def predecessors(self, unit):
        return [s.predecessor for s in unit.predecessions.select_related("predecessor").order_by("predecessor__code")]


def _loaded_units(queryset):
    """The units of `queryset`, whole, as saved instances built from plain rows: a scheme holds over ten thousand
    units and Model.__init__ costs several times the query; these units are read, never saved (the model has no
    init signals or field descriptors that need __init__)."""
    from django.db.models.base import ModelState

    attnames = [f.attname for f in AdministrativeUnit._meta.concrete_fields]
    alias = queryset.db
    for values in queryset.values_list(*attnames).iterator(chunk_size=5000):
        unit = AdministrativeUnit.__new__(AdministrativeUnit)
        unit.__dict__.update(zip(attnames, values, strict=True))
        state = unit._state = ModelState()
        state.adding, state.db = False, alias
        yield unit


class _MemoryUnits:
    """All units of a scheme indexed in memory (one query): right for imports resolving thousands of rows. The other
    scheme and the successions come from the same `atlas`, on first use."""

    def __init__(self, scheme: str, atlas: "_Atlas"):
        self.scheme = scheme
        self.atlas = atlas
        self.index: dict[tuple, list[AdministrativeUnit]] = {}
        self.by_holder: dict[tuple, list[AdministrativeUnit]] = {}
        self.by_pk: dict[int, AdministrativeUnit] = {}
        for unit in _loaded_units(AdministrativeUnit.objects.filter(scheme=scheme)):
            self.by_pk[unit.pk] = unit
            for holder in (("parent", unit.parent_id), ("province", unit.province_id)):
                self.index.setdefault((unit.level, *holder, unit.search_name), []).append(unit)
                self.by_holder.setdefault((unit.level, *holder), []).append(unit)

    @staticmethod
    def _holder(parent, province):
        return ("parent", parent.pk if parent else None) if province is None else ("province", province.pk)

    def find(self, level, keys, *, parent=None, province=None, day=None):
        holder = self._holder(parent, province)
        found = {}
        for key in keys:
            for unit in self.index.get((level, *holder, key), []):
                found[unit.pk] = unit
        return list(found.values())

    def siblings(self, level, *, parent=None, province=None):
        return self.by_holder.get((level, *self._holder(parent, province)), [])

    def other(self):
        return self.atlas.units(Scheme.S2025 if self.scheme == Scheme.PRE2025 else Scheme.PRE2025)

    def get(self, pk):
        return self.atlas.unit(pk) if pk else None

    def successors(self, unit):
        return self.atlas.linked(unit, forward=True)

    def predecessors(self, unit):
        return self.atlas.linked(unit, forward=False)


class _Atlas:
    """Both schemes' units and the successions between them for one import, each loaded on first use."""

    def __init__(self):
        self._schemes: dict[str, _MemoryUnits] = {}
        self._links: dict[tuple[bool, int], list[int]] | None = None

    def units(self, scheme) -> _MemoryUnits:
        if scheme not in self._schemes:
            self._schemes[scheme] = _MemoryUnits(scheme, self)
        return self._schemes[scheme]

    def unit(self, pk):
        for scheme in (Scheme.PRE2025, Scheme.S2025):
            found = self.units(scheme).by_pk.get(pk)
            if found is not None:
                return found
        return None

    def linked(self, unit, *, forward: bool):
        if self._links is None:
            self._links = {}
            for old, new in Succession.objects.values_list("predecessor_id", "successor_id").order_by("pk"):
                self._links.setdefault((True, old), []).append(new)
                self._links.setdefault((False, new), []).append(old)
        return sorted((self.unit(pk) for pk in self._links.get((forward, unit.pk), [])), key=lambda u: u.code)


_LEVEL_OF_TYPE = {
    UnitType.TINH: Level.PROVINCE,
    UnitType.THANH_PHO_TW: Level.PROVINCE,
    UnitType.HUYEN: Level.DISTRICT,
    UnitType.QUAN: Level.DISTRICT,
    UnitType.THI_XA: Level.DISTRICT,
    UnitType.THANH_PHO: Level.DISTRICT,
}


def _level_of_type(unit_type) -> str:
    return _LEVEL_OF_TYPE.get(unit_type, Level.COMMUNE)


def _names(units, limit=4) -> str:
    shown = ", ".join(u.name for u in units[:limit])
    return shown + ("…" if len(units) > limit else "")


def _with_parent(units, unit) -> str:
    """'Xã Thanh Hưng (Huyện Điện Biên)': the district tells apart namesakes of the old scheme."""
    holder = units.get(unit.district_id) if unit.level == Level.COMMUNE else None
    return f"{unit.name} ({holder.name})" if holder else unit.name


def _explain_unknown(units, day, query, level, within) -> str:
    """Why a name was not found, when the reference data can tell: close names in the parent, the same name elsewhere
    in the province, or the name of the other scheme (a unit merged at the reform, or one that exists only after it)."""
    reform = formats.date_format(REFORM_DATE, "SHORT_DATE_FORMAT")
    hints = []
    siblings = {u.search_name: u.name for u in units.siblings(level, **within) if u.is_valid_on(day)}
    close = [siblings[k] for k in difflib.get_close_matches(query.rest or query.folded, list(siblings), 3, 0.75)]
    if query.rest and not close:
        close = [siblings[k] for k in difflib.get_close_matches(query.folded, list(siblings), 3, 0.75)]
    if close:
        hints.append(f"Có phải: {', '.join(close)}?")
    holder = within.get("parent") or within.get("province")
    if level == Level.COMMUNE and holder is not None and holder.level == Level.DISTRICT:
        elsewhere = [
            u
            for u in units.find(level, query.keys, province=units.get(holder.province_id))
            if query.matches(u.search_name, u.unit_type) and u.is_valid_on(day)
        ]
        if elsewhere:  # the name is right, the district is not: that is all there is to say
            hints.append("Trong tỉnh có " + ", ".join(_with_parent(units, u) for u in elsewhere[:3]) + ".")
            return " " + " ".join(hints)
    other = units.other()
    if units.scheme == Scheme.S2025:
        if level == Level.PROVINCE:
            holders = [{"parent": None}]
        else:
            province = within.get("province") or within.get("parent")
            holders = [{"province": p} for p in units.predecessors(province)]
        for old_within in holders:
            for old in other.find(level, query.keys, **old_within):
                if not query.matches(old.search_name, old.unit_type):
                    continue
                new = units.successors(old)
                verb = "được chia vào" if len(new) > 1 else "nhập vào"
                if new:
                    hints.append(f"{_with_parent(other, old)} {verb} {_names(new)} từ {reform}.")
                else:
                    hints.append(f"{_with_parent(other, old)} là đơn vị trước {reform}, chưa có đơn vị kế thừa.")
    else:
        if level == Level.PROVINCE:
            holders = [{"parent": None}]
        elif level == Level.COMMUNE and holder is not None:
            province = holder if holder.level == Level.PROVINCE else units.get(holder.province_id)
            holders = [{"province": p} for p in units.successors(province)]
        else:
            holders = []
        for new_within in holders:
            for new in other.find(level, query.keys, **new_within):
                if query.matches(new.search_name, new.unit_type):
                    hints.append(
                        f"{new.name} là đơn vị từ {reform} (gồm {_names(units.predecessors(new))}); quyết định "
                        "trước ngày đó ghi tên đơn vị cũ."
                    )
    return (" " + " ".join(hints[:4])) if hints else ""


def _pick(units, day, text: str, level: str, field: str, where: str, notes=None, **within):
    query = parse_name(text)
    if not query.folded:
        raise UnknownArea(f"Chưa ghi tên {_LEVEL_WORD[level]}.", field=field)
    found = [u for u in units.find(level, query.keys, **within) if u.is_valid_on(day)]
    candidates = [u for u in found if query.matches(u.search_name, u.unit_type)]
    if len(candidates) == 1:  # the usual answer: nothing to explain, so no date to format (imports resolve thousands)
        return candidates[0]
    on = formats.date_format(day, "SHORT_DATE_FORMAT")
    if not candidates and notes is not None and query.rest:
        # The type word disagrees with the reference data ("thị xã Gia Nghĩa" for Thành phố Gia Nghĩa, a unit that
        # changed type): one unit of that name and level in the parent is read as meant, and said so.
        same_name = [u for u in found if u.search_name == query.rest]
        if len(same_name) == 1 and any(_level_of_type(t) == level for t in query.types):
            candidates = same_name
            notes.append(
                (
                    field,
                    f"'{text}' được hiểu là {same_name[0].name}: danh mục đơn vị hành chính hiệu lực ngày {on} ghi "
                    "đơn vị này với loại khác.",
                )
            )
    if not candidates:
        raise UnknownArea(
            f"Không tìm thấy {_LEVEL_WORD[level]} '{text}'{' ' + where if where else ''} theo danh mục đơn vị "
            f"hành chính hiệu lực ngày {on} (đã so khớp tên chuẩn hoá '{query.folded}'"
            + (f" hoặc '{query.rest}'" if query.rest else "")
            + ")."
            + _explain_unknown(units, day, query, level, within),
            field=field,
        )
    if len(candidates) > 1:
        by_district = level == Level.COMMUNE and "province" in within and units.scheme == Scheme.PRE2025
        names = "; ".join(
            f"{_with_parent(units, u) if by_district else u.name} ({u.area_id})"
            for u in sorted(candidates, key=lambda u: u.code)
        )
        raise AmbiguousArea(
            f"Tên {_LEVEL_WORD[level]} '{text}' {where} trùng với nhiều đơn vị: {names}. "
            + (
                "Hãy ghi huyện."
                if by_district and len({u.district_id for u in candidates}) > 1
                else "Hãy ghi rõ loại đơn vị (ví dụ 'Huyện', 'Thị xã', 'Thành phố')."
            ),
            field=field,
        )
    return candidates[0]


def _namesake_note(units, unit, text: str):
    """On a decision before the reform, an old commune found by its name alone (no district) whose name is also a
    new commune's, one that is more than this commune: the file may have written the new name; say which was used."""
    other = units.other()
    province = units.get(unit.province_id)
    for new_province in units.successors(province) if province else []:
        for new in other.find(Level.COMMUNE, {unit.search_name}, province=new_province):
            predecessors = other.predecessors(new)
            if [p.pk for p in predecessors] == [unit.pk]:
                continue
            reform = formats.date_format(REFORM_DATE, "SHORT_DATE_FORMAT")
            return (
                f"'{text}' được hiểu là {_with_parent(units, unit)} theo danh mục trước {reform}; từ {reform} cũng có "
                f"{new.name} (gồm {_names(predecessors)}): nếu tệp ghi tên xã mới, hãy ghi tên xã cũ."
            )
    return None


def resolve_unit(
    *,
    province: str,
    district: str | None = None,
    commune: str | None = None,
    on_date: datetime.date,
    _units=None,
    notes: list | None = None,
):
    """(province, district, commune, date) → the deepest unit named, matched by exact normalised name in its parent.

    The scheme is the one in force on `on_date`; districts are only read before the 2025 reform. Unknown or
    ambiguous names raise with what was tried, the closest names and what the other scheme knows of the name.
    With a `notes` list (imports), readings that a person should check are allowed and appended as (field, message):
    a type word the reference data disagrees with, a district ignored after the reform, an old commune whose name
    is also a new commune's. Nothing is guessed silently.
    """
    scheme = scheme_on(on_date)
    units = _units or _DatabaseUnits(scheme, on_date)
    unit = _pick(units, on_date, province, Level.PROVINCE, "province", "", notes)
    parent = unit
    if scheme == Scheme.PRE2025 and district and district.strip():
        unit = _pick(units, on_date, district, Level.DISTRICT, "district", f"thuộc {parent.name}", notes, parent=parent)
        parent = unit
    elif district and district.strip() and notes is not None:
        on, reform = (formats.date_format(d, "SHORT_DATE_FORMAT") for d in (on_date, REFORM_DATE))
        notes.append(("district", f"bỏ qua '{district}': từ {reform} không còn cấp huyện (ngày {on})."))
    if commune and commune.strip():
        within = {"parent": parent} if parent.level == Level.DISTRICT else {"province": parent}
        unit = _pick(units, on_date, commune, Level.COMMUNE, "commune", f"thuộc {parent.name}", notes, **within)
        if notes is not None and parent.level == Level.PROVINCE and scheme == Scheme.PRE2025:
            # no district to say the name is an old one: it may be the new commune's (a list made after the reform)
            note = _namesake_note(units, unit, commune)
            if note:
                notes.append(("commune", note))
    return unit


class CachedResolver:
    """resolve_unit for imports: both schemes' units held in memory, each distinct name resolved once."""

    def __init__(self):
        self._atlas = _Atlas()
        self._homes: dict[int, AdministrativeUnit] = {}
        self._resolve = lru_cache(maxsize=20000)(self._uncached)

    def _uncached(self, province, district, commune, day, lenient):
        notes = [] if lenient else None
        try:
            unit = resolve_unit(
                province=province,
                district=district,
                commune=commune,
                on_date=day,
                _units=self._atlas.units(scheme_on(day)),
                notes=notes,
            )
            return unit, tuple(notes or ()), None
        except DomainError as exc:
            return None, (), exc

    def __call__(self, *, province, district=None, commune=None, on_date):
        unit, _notes, error = self._resolve(province or "", district or "", commune or "", on_date, False)
        if error:
            raise error
        return unit

    def resolve(self, *, province, district=None, commune=None, on_date) -> tuple[AdministrativeUnit, tuple]:
        """The unit and the notes ((field, message), …) an import turns into warnings; see resolve_unit."""
        unit, notes, error = self._resolve(province or "", district or "", commune or "", on_date, True)
        if error:
            raise error
        return unit, notes

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
    successor = main_successors({province.pk}).get(province.pk)
    if successor is None:
        raise DomainError(f"{province.name} chưa có tỉnh kế thừa trong danh mục.")
    return AdministrativeUnit.objects.get(pk=successor)


def main_successors(old_provinces, succession_model=Succession) -> dict:
    """{old province id: the successor province that received most of its communes (ties: the lower code)}.

    A province has one successor except where the reference data gives two: Tỉnh Tiền Giang has Tây Ninh and Đồng
    Tháp, and all its communes went to Đồng Tháp ("the first successor" got that wrong)."""
    successors = defaultdict(list)
    rows = succession_model.objects.filter(predecessor_id__in=old_provinces).values_list(
        "predecessor_id", "successor_id", "successor__code"
    )
    for pred, succ, code in rows:
        successors[pred].append((code, succ))
    main = {pred: min(found)[1] for pred, found in successors.items() if len(found) == 1}
    divided = [pred for pred, found in successors.items() if len(found) > 1]
    if divided:
        counts = defaultdict(int)
        received = (
            succession_model.objects.filter(predecessor__province_id__in=divided, predecessor__level=Level.COMMUNE)
            .values_list("predecessor__province_id", "successor__province_id")
            .annotate(n=Count("pk"))
        )
        for pred, province_id, n in received:
            counts[(pred, province_id)] += n
        for pred in divided:
            main[pred] = min(successors[pred], key=lambda cs, pred=pred: (-counts[(pred, cs[1])], cs[0]))[1]
    return main
