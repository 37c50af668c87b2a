"""The register import and the revocations import (CONTRACT §5)."""

import bisect
import datetime
import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from areas.choices import Scheme
from areas.queries import CachedResolver
from certification import services as certificates
from certification.choices import DecisionKind, IssuingLevel
from certification.rules import default_valid_until, recognising_level, revocation_issuer
from core.errors import BulkRefused, DomainError
from core.import_checks import max_length, out_of_scope, place_out_of_scope, too_long
from core.imports import (
    Column,
    ImportErrors,
    ImportRun,
    Places,
    Row,
    RowError,
    RowWarning,
    chunks,
    closest,
    missing_column,
    missing_place,
    parse_date,
    parse_decimal,
    parse_year,
    place_names,
    run_import,
    split_decision,
)
from core.imports import ImportResult as BaseImportResult
from core.text import fold
from producers import services as producers
from producers.choices import TYPE_CHOICES_TEXT, ProducerType, parse_producer_type, producer_type_from_name
from products import services as products
from products.choices import ProductStatus
from products.models import ProductCategory
from products.placement import new_province_of, new_provinces_of

REGISTER_COLUMNS = [
    Column("product", "Tên sản phẩm", True),
    Column("producer", "Chủ thể", True),
    Column("producer_type", "Loại hình chủ thể"),  # may be empty where the producer's name says it
    Column("province", "Tỉnh", True, ("address",)),
    Column("district", "Huyện"),
    Column("commune", "Xã", True, ("address",)),
    Column("group", "Nhóm sản phẩm", True, ("subgroup",)),
    Column("stars", "Số sao", True),
    Column("score", "Điểm"),
    Column("decision_no", "Số quyết định", True),
    Column("decision_date", "Ngày quyết định", True, ("decision_no",)),  # "Số 12/QĐ-UBND ngày 01/02/2022"
    Column("valid_until", "Hiệu lực đến"),
    # issue 13, after the contract's first twelve (files written in that order stay valid)
    Column("address", "Địa chỉ"),  # "Thôn X, xã Y, huyện Z, tỉnh T": commune, district, province
    Column("subgroup", "Phân nhóm"),
    Column("recognition_year", "Năm công nhận"),
]
REVOCATION_COLUMNS = [
    Column("product", "Tên sản phẩm", True),
    Column("producer", "Chủ thể", True),
    Column("province", "Tỉnh", True, ("address",)),
    Column("decision_no", "Số quyết định", True),
    Column("decision_date", "Ngày quyết định", True, ("decision_no",)),
    Column("reason", "Lý do"),
    Column("issuing_level", "Cấp ban hành"),
    Column("address", "Địa chỉ"),
]
COLUMNS_BY_KEY = {c.key: c for c in REGISTER_COLUMNS + REVOCATION_COLUMNS}
MANAGE = "certification.manage"  # what the import pages require; rows are checked against its scope

ACTION_LABELS = {
    "create": "tạo sản phẩm mới, công nhận",
    DecisionKind.RECOGNITION: "công nhận",
    DecisionKind.RE_RECOGNITION: "công nhận lại",
    DecisionKind.UPGRADE: "nâng hạng",
    "correct": "sửa giấy chứng nhận đã có",
    "unchanged": "không thay đổi",
    "revoke": "thu hồi",
}


@dataclass
class RowOutcome:
    row: int
    product: str
    producer: str
    action: str
    detail: str = ""


@dataclass
class ImportResult(BaseImportResult):
    kind: str = "register"

    @property
    def display(self) -> str:
        c = self.counts
        if self.kind == "revocations":
            return _("Giấy chứng nhận: %(revoked)s thu hồi, %(unchanged)s không thay đổi.") % {
                "revoked": c["revoked"],
                "unchanged": c["unchanged"],
            }
        return _(
            "Sản phẩm: %(created)s tạo mới, %(updated)s cập nhật, %(unchanged)s không thay đổi; chủ thể: %(producers)s "
            "tạo mới; giấy chứng nhận: %(certificates)s cấp mới."
        ) % {
            "created": c["products_created"],
            "updated": c["products_updated"],
            "unchanged": c["products_unchanged"],
            "producers": c["producers_created"],
            "certificates": c["certificates_created"],
        }


def _group_index():
    """Folded name → [(148 group, sub-group or None, list)], and folded name → the name shown: 148 groups and their
    codes, 1048 ngành and 26/2026 nhóm, and the sub-groups of both (1048 bộ sản phẩm, 26/2026 phân nhóm), which also
    fill the product's sub-group."""
    index, shown = {}, {}
    categories = ProductCategory.objects.select_related("maps_to").order_by("level", "system", "position")
    for category in categories:  # groups first
        target = category.group_148
        names = [category.name, *category.aliases.splitlines()]
        if category.system == "148":
            names.append(category.code)
        subgroup = category if category.level == "subgroup" else None
        for name in names:
            entries = index.setdefault(fold(name), [])
            shown.setdefault(fold(name), name)
            entry = (target, subgroup, category.system)
            if entry[:2] not in [e[:2] for e in entries]:  # a name of several lists ("Cà phê, ca cao"): see below
                entries.append(entry)
    return index, shown


# "1. Thực phẩm", "Nhóm thực phẩm", "Nhóm 2: Đồ uống", "I. Ngành đồ uống": the numbering and the word naming the
# level go; what is left must be a name the system stores.
_GROUP_LEAD = re.compile(
    r"^(?:(?:\d+|[ivx]+|[a-z])\s+|(?:nhom san pham|nhom|nganh hang|nganh|phan nhom|bo san pham)\s+)"
)
_GROUP_PARTS = re.compile(r"\s*[-–—/:>|()]\s*")


# A register repeats its producers' and groups' names on many rows: fold and read each once per process.
_fold = functools.lru_cache(maxsize=65536)(fold)
_type_from_name = functools.lru_cache(maxsize=65536)(producer_type_from_name)


@functools.lru_cache(maxsize=4096)
def _group_key(text: str) -> str:
    folded = fold(text)
    while (stripped := _GROUP_LEAD.sub("", folded, count=1)) != folded:
        folded = stripped
    return folded


def _group_entries(text: str, index) -> list:
    """The categories a group cell names: the whole cell, without its numbering or level word, or, for
    "Đồ uống - Rượu trắng", its parts (the most specific one, when they agree on the 148 group)."""
    for key in (_fold(text), _group_key(text)):
        if key in index:
            return index[key]
    parts = [index[_group_key(p)] for p in _GROUP_PARTS.split(text) if _group_key(p) in index]
    if not parts or len({entries[0][0].pk for entries in parts}) > 1:
        return []
    return next((entries for entries in parts if entries[-1][1] is not None), parts[0])


# Which sub-group list a name shared by both means on a decision's date: 26/2026's phân nhóm from its entry into
# force; before it, 1048's bộ sản phẩm (148's own sub-groups are not at hand).
SUBGROUP_SYSTEM_BY_DATE = ((datetime.date(2026, 5, 22), "2026"), (datetime.date(2019, 8, 21), "1048"))


def _category_on(entries, day):
    """(148 group, sub-group) for a decision's date. A 148 group's name means that group; another name that is a
    sub-group of the list in force that day means that sub-group ("Cà phê, ca cao" is a 26/2026 nhóm and a
    sub-group of both lists); else the group it names, or the sub-group of the other list."""
    if not entries:
        return None, None
    system = next((code for since, code in SUBGROUP_SYSTEM_BY_DATE if day >= since), None) if day else None
    chosen = (
        next((e for e in entries if e[2] == "148"), None)
        or next((e for e in entries if e[1] is not None and e[1].system == system), None)
        or next((e for e in entries if e[1] is None), entries[-1])
    )
    return chosen[:2]


GROUP_CHOICES_TEXT = (
    "nhóm sản phẩm 148, ngành hay bộ sản phẩm 1048, nhóm hay phân nhóm 26/2026, hay mã nhóm (thuc-pham, do-uong, "
    "duoc-lieu, thu-cong-my-nghe, sinh-vat-canh, du-lich)"
)


def _unknown_group(text: str, shown) -> str:
    hint = closest(_group_key(text), shown)
    return f"'{text}' không phải {GROUP_CHOICES_TEXT}." + (f" Có phải: {', '.join(hint)}?" if hint else "")


_STAR_GLYPHS = re.compile(r"^[★*☆\s]+$")
_STARS = re.compile(r"^(\d+)(?:[.,]0+)?\s*(?:sao|\*|★)?(?:\s+ocop)?$")
_STAR_WORDS = {"ba sao": 3, "bon sao": 4, "nam sao": 5}


def parse_stars(value) -> int:
    """3, "3 sao", "3*", "★★★", "3.0", "4 sao (tiềm năng 5 sao)" (a note in brackets is not read) → 3, 3, 3, 3, 3, 4."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value if value is not None else "").split())
    main = re.sub(r"\([^)]*\)", " ", text).strip()
    stars = None
    if main and _STAR_GLYPHS.match(main):
        stars = main.count("★") + main.count("*")
    elif match := _STARS.match(main.lower()):
        stars = int(match.group(1))
    else:
        stars = _STAR_WORDS.get(fold(main))
    if stars not in (3, 4, 5):
        raise DomainError(f"'{text}': chỉ nhận 3, 4 hoặc 5 sao (ví dụ 3, '3 sao', '3*', '★★★').")
    return stars


@dataclass
class _RegisterRow:
    row: int
    product: str
    producer: str
    producer_type: str
    province: object
    commune: object
    group: object
    stars: int
    score: Decimal | None
    decision_no: str
    decision_date: datetime.date
    valid_until: datetime.date | None
    subgroup: object = None  # a 1048 bộ sản phẩm or 26/2026 phân nhóm named in the group column
    type_inferred: bool = False  # read from the producer's name: a producer already on record keeps its own type


def _column_limits() -> dict[str, int]:
    """Column key → the length of the model field its text is stored in (or looked up against)."""
    from certification.models import Decision
    from producers.models import Producer
    from products.models import Product

    fields = {"product": (Product, "name"), "producer": (Producer, "name"), "decision_no": (Decision, "number")}
    return {key: max_length(model, name) for key, (model, name) in fields.items()}


def _check_lengths(errors, row: Row, limits: dict[str, int], texts: dict[str, str]) -> None:
    for key, text in texts.items():
        too_long(errors, row, key, text, COLUMNS_BY_KEY[key].label, limits[key])


def _cell(errors, row: Row, key: str, parse):
    try:
        return parse(row.values.get(key))
    except DomainError as exc:
        errors.append(RowError(row.number, key, exc.message))
        return None


def _required(errors, row: Row, key: str, missing=frozenset()) -> str:
    """The cell's text; empty is an error, unless the whole column is missing (reported once, on the heading row)."""
    text = row.text(key)
    if not text and key not in missing:
        errors.append(RowError(row.number, key, "bắt buộc, đang để trống."))
    return text


def _decision(errors, row: Row, missing) -> tuple[str, datetime.date | None]:
    """The decision's number and date: from their columns, or both from a cell such as "Số 12/QĐ-UBND ngày
    01/02/2022". A date written in both places must agree."""
    number, written = split_decision(_required(errors, row, "decision_no", missing))
    date_text = row.text("decision_date")
    dates = {}
    for column, value in (
        ("decision_date", row.values.get("decision_date") if date_text else None),
        ("decision_no", written),
    ):
        if value:
            try:
                dates[column] = parse_date(value)
            except DomainError as exc:
                errors.append(RowError(row.number, column, exc.message))
                return number, None
    if len(set(dates.values())) > 1:
        errors.append(RowError(row.number, "decision_no", f"số quyết định ghi ngày {written}, khác ngày {date_text}."))
        return number, None
    if not dates:
        _required(errors, row, "decision_date", missing)
    return number, next(iter(dates.values()), None)


def _resolve(errors, warnings, row: Row, places: Places, resolver, day, *, commune: bool = True):
    """The row's commune (or only its province) on `day`; each note of the resolver is a warning on the column the
    name was read from (its own column or the address). Before the reform the district may be left out where the
    commune's name is unique in the province (the resolver says when it is also a new commune's name)."""
    keys = ("province", "commune") if commune else ("province",)
    missing = [e for e in (missing_place(row, places, k) for k in keys) if e]
    if missing:
        errors.extend(missing)
        return None
    try:
        unit, notes = resolver.resolve(
            province=places.get("province"),
            district=places.get("district") if commune else "",
            commune=places.get("commune") if commune else "",
            on_date=day,
        )
    except DomainError as exc:
        key = exc.field or "commune"
        errors.append(RowError(row.number, places.source.get(key, key), exc.message))
        return None
    warnings.extend(RowWarning(row.number, places.source.get(key, key), message) for key, message in notes)
    return unit


def _producer_type(errors, warnings, row: Row, producer: str) -> tuple[str | None, bool]:
    """(type, inferred): the type column, or, when it is empty, what the producer's name says (with a warning)."""
    text = row.text("producer_type")
    named = _type_from_name(producer) if producer else None
    if text:
        value = parse_producer_type(text)
        if value is None:
            errors.append(
                RowError(row.number, "producer_type", f"'{text}' không phải loại hình chủ thể ({TYPE_CHOICES_TEXT}).")
            )
        elif named and named != value:
            warnings.append(
                RowWarning(
                    row.number,
                    "producer_type",
                    f"tên '{producer}' cho thấy {ProducerType(named).label}, cột ghi {ProducerType(value).label}: "
                    "dùng cột loại hình.",
                )
            )
        return value, False
    if named is None:
        if producer:
            errors.append(
                RowError(
                    row.number,
                    "producer_type",
                    f"chưa ghi loại hình và tên '{producer}' không cho biết loại hình: ghi {TYPE_CHOICES_TEXT}.",
                )
            )
        return None, False
    warnings.append(
        RowWarning(
            row.number,
            "producer_type",
            f"chưa ghi loại hình: theo tên chủ thể là {ProducerType(named).label} ({named}).",
        )
    )
    return named, True


def _groups(errors, row: Row, groups, shown, memo=None):
    """(148 group, sub-group entries) from the group column and the optional sub-group column, which must agree."""
    found = []
    for key in ("group", "subgroup"):
        text = row.text(key)
        if not text:
            continue
        entries = memo.get(text) if memo is not None else None
        if entries is None:
            entries = _group_entries(text, groups)
            if memo is not None:
                memo[text] = entries
        if not entries:
            errors.append(RowError(row.number, key, _unknown_group(text, shown)))
            return None
        found.append((key, text, entries))
    if not found:
        errors.append(RowError(row.number, "group", "bắt buộc, đang để trống."))
        return None
    if len(found) == 2 and found[0][2][0][0].pk != found[1][2][0][0].pk:
        errors.append(
            RowError(
                row.number,
                "subgroup",
                f"'{found[1][1]}' thuộc nhóm {found[1][2][0][0].name}, không thuộc '{found[0][1]}'.",
            )
        )
        return None
    return found[-1][2]


def _register_columns_missing(table) -> set[str]:
    """Required columns another column may stand in for, checked once for the file (one error, not one per row)."""
    missing_column(table, COLUMNS_BY_KEY["decision_date"], lambda r: bool(split_decision(r.text("decision_no"))[1]))
    for key in ("province", "commune"):
        missing_column(table, COLUMNS_BY_KEY[key], lambda r, key=key: bool(place_names(r).get(key)))
    return table.missing


def _parse_register(table, resolver, tick, actor=None) -> tuple[list[_RegisterRow], list[RowError], list[RowWarning]]:
    missing = _register_columns_missing(table)
    limits = _column_limits()
    errors, warnings = list(table.errors), list(table.warnings)
    groups, shown = _group_index()
    memo = {}  # group cell text → its entries
    parsed = []
    tick("validate", 0, len(table.rows), force=True)
    for done, row in enumerate(table.rows):
        tick("validate", done, len(table.rows))
        before = len(errors)
        product = _required(errors, row, "product", missing)
        producer = _required(errors, row, "producer", missing)
        producer_type, inferred = _producer_type(errors, warnings, row, producer)
        group_entries = _groups(errors, row, groups, shown, memo) if "group" not in missing else None
        stars = _cell(errors, row, "stars", parse_stars) if _required(errors, row, "stars", missing) else None
        score = None
        if row.text("score"):
            score = _cell(errors, row, "score", parse_decimal)
            if score is not None and not (0 <= score <= 100):
                errors.append(RowError(row.number, "score", f"điểm {row.text('score')} phải từ 0 đến 100."))
        decision_no, decision_date = _decision(errors, row, missing)
        _check_lengths(errors, row, limits, {"product": product, "producer": producer, "decision_no": decision_no})
        if decision_date and row.text("recognition_year"):
            year = _cell(errors, row, "recognition_year", parse_year)
            if year and year != decision_date.year:
                warnings.append(
                    RowWarning(
                        row.number,
                        "recognition_year",
                        f"năm công nhận {year} khác năm của ngày quyết định {decision_date.strftime('%d/%m/%Y')}: "
                        "dùng ngày quyết định.",
                    )
                )
        valid_until = _cell(errors, row, "valid_until", parse_date) if row.text("valid_until") else None
        if decision_date and valid_until and valid_until <= decision_date:
            errors.append(RowError(row.number, "valid_until", "phải sau ngày quyết định."))
        places = place_names(row)
        warnings.extend(places.warnings)
        province = commune = None
        if decision_date and not missing & {"province", "commune"}:
            commune = _resolve(errors, warnings, row, places, resolver, decision_date)
            if commune is not None and place_out_of_scope(errors, row, places, commune, actor, MANAGE):
                commune = None
            if commune is not None:
                province, _notes = resolver.resolve(province=places.get("province"), on_date=decision_date)
        if len(errors) == before:
            group, subgroup = _category_on(group_entries, decision_date)
            parsed.append(
                _RegisterRow(
                    row.number,
                    product,
                    producer,
                    producer_type,
                    province,
                    commune,
                    group,
                    stars,
                    score.quantize(Decimal("0.01")) if score is not None else None,
                    decision_no,
                    decision_date,
                    valid_until,
                    subgroup,
                    inferred,
                )
            )
    tick("validate", len(table.rows), len(table.rows), force=True)
    return parsed, errors, warnings


class _PeriodResolver:
    """CachedResolver shared across days on which nothing changes: a register carries hundreds of decision dates,
    and between two dates on which some unit starts or ends (or the reform) every name resolves alike. Only a clean
    answer (no note) is shared; a note or an error names its day, so those are resolved for that day."""

    def __init__(self):
        from areas.choices import REFORM_DATE
        from areas.models import AdministrativeUnit

        self.resolver = CachedResolver()
        bounds = {REFORM_DATE}
        for field_name in ("valid_from", "valid_until"):
            bounds.update(AdministrativeUnit.objects.exclude(**{field_name: None}).values_list(field_name, flat=True))
        self.bounds = sorted(bounds)
        self.cache: dict[tuple, tuple] = {}
        self.homes: dict[int, object] = {}  # unit pk → its 2025 province (products.placement.new_province_of)

    def resolve(self, *, province, district=None, commune=None, on_date):
        key = (province, district or "", commune or "", bisect.bisect_right(self.bounds, on_date))
        found = self.cache.get(key)
        if found is None:
            found = self.resolver.resolve(province=province, district=district, commune=commune, on_date=on_date)
            if not found[1]:
                self.cache[key] = found
        return found

    def home_province(self, unit):
        """The province of the producers' identity: where the unit lies now, as placement decides it (the commune's
        successors first, not its old province's first successor)."""
        if unit.pk not in self.homes:
            self.homes[unit.pk] = new_province_of(unit)
        return self.homes[unit.pk]

    def read_homes(self, units) -> None:
        """home_province of many units at once (a few queries, not a few per commune)."""
        wanted = {u for u in units if u.pk not in self.homes}
        if wanted:
            self.homes.update(new_provinces_of(wanted))


class _RegisterWrites:
    """The writes of a register import worked out in memory from what is on record (read in a few queries per 900
    keys, not per row), then done in bulk through the services' bulk functions: the same checks and the same audit
    entries as row by row, and the certificate chains rebuilt for the products touched only."""

    def __init__(self, rows: list[_RegisterRow], actor, resolver):
        self.actor = actor
        self.resolver = resolver
        self.producers: dict[tuple, object] = {}  # (home province id, folded name) → producer, on record or new
        self.products: dict[tuple, object] = {}  # (producer's key above, folded name) → product
        self.decisions: dict[tuple, object] = {}  # (province id, number, date) → decision
        self.certificates: dict[int, list] = {}  # id(product) → its certificates, on record and new
        self.new_producers, self.new_products, self.new_decisions, self.new_certificates = [], [], [], []
        self.updates: dict[int, tuple] = {}  # id(product) → (product, changes), for products on record
        self.corrections = []  # (certificate on record, stars, score, valid_until)
        self.touched: dict[int, object] = {}  # id(product) → product that gets a new certificate
        self.scope_checked: set[int] = set()
        self.certification_checked: set[int] = set()
        self.planned: dict[tuple, object] = {}  # (id(product), id(decision)) → the new certificate
        self.successors: dict[int, set] = {}  # old commune id → its successors' ids
        self.valid_until: dict = {}  # decision date → the default last valid day
        self._read(rows)

    def _read(self, rows):
        from certification.models import Certificate, Decision
        from producers.models import Producer
        from products.models import Product

        names = {}
        self.resolver.read_homes({r.commune for r in rows})
        for r in rows:
            names.setdefault(self.resolver.home_province(r.commune).pk, set()).add(_fold(r.producer))
        # By name across the provinces, kept where the province matches: a national register names every province,
        # and a query per province and chunk would cost more than the few namesakes read in vain.
        for chunk in chunks(set().union(*names.values())):
            for producer in Producer.objects.filter(search_name__in=chunk, home_province_id__in=list(names)):
                if producer.search_name in names[producer.home_province_id]:
                    self.producers[(producer.home_province_id, producer.search_name)] = producer
        key_of = {p.pk: key for key, p in self.producers.items()}
        by_pk = {}
        for chunk in chunks(list(key_of)):  # the products of these producers, then their certificates
            for product in Product.objects.filter(producer_id__in=chunk).select_related("location"):
                product.producer = self.producers[key_of[product.producer_id]]
                self.products[(key_of[product.producer_id], product.search_name)] = product
                self.certificates[id(product)] = []
                by_pk[product.pk] = product
            certificates = Certificate.objects.filter(product__producer_id__in=chunk).select_related("revocation")
            for certificate in certificates:
                certificate.product = by_pk[certificate.product_id]
                self.certificates[id(certificate.product)].append(certificate)
        # Products on record and those this file creates from a row before the reform may be moved by a later row
        # to a new commune: their old communes' successors are read here, not one query per such row.
        old_communes = {p.location_id for p in by_pk.values() if p.location.scheme == Scheme.PRE2025}
        old_communes.update(r.commune.pk for r in rows if r.commune.scheme == Scheme.PRE2025)
        self._read_successors(old_communes - set(self.successors))
        self.group_of = dict(ProductCategory.objects.values_list("pk", "maps_to_id"))  # sub-group → its group
        numbers = {}
        for r in rows:
            numbers.setdefault(r.province.pk, set()).add(" ".join(r.decision_no.split()))
        for chunk in chunks(set().union(*numbers.values())):
            for decision in Decision.objects.filter(number__in=chunk, province_id__in=list(numbers)):
                if decision.number in numbers[decision.province_id]:
                    self.decisions[(decision.province_id, decision.number, decision.date)] = decision

    def _default_valid_until(self, day):
        """default_valid_until, once per decision date (a register has far fewer dates than rows)."""
        if day not in self.valid_until:
            self.valid_until[day] = default_valid_until(day)
        return self.valid_until[day]

    def _check_scope(self, product):
        """update_product's scope check, made before anything is written (so a refusal is a row error)."""
        from accounts.scope import require

        if product.location_id not in self.scope_checked:
            require(self.actor, "products.change", product.location, "Địa bàn này nằm ngoài phạm vi bạn được giao.")
            self.scope_checked.add(product.location_id)

    def _check_certification_scope(self, product):
        """bulk_record_certificates' and record_certificate's check on a product on record, made when planning: the
        row names a commune in scope, but the product of that name may lie elsewhere (its own commune decides)."""
        if product.location_id not in self.certification_checked:
            certificates.check_product_scope(self.actor, product)
            self.certification_checked.add(product.location_id)

    def plan(self, r: _RegisterRow, result: ImportResult) -> str:
        """One row's writes, checked; nothing is kept when it raises DomainError (the row is then an error)."""
        from certification.models import Certificate, Decision

        actor = self.actor
        home = self.resolver.home_province(r.commune)
        producer_key = (home.pk, _fold(r.producer))
        producer = self.producers.get(producer_key)
        new_producer = None
        if producer is None:
            producer = new_producer = producers.prepare_producer(
                actor=actor, name=r.producer, producer_type=r.producer_type, location=r.commune, home_province=home
            )
        elif producer.producer_type != r.producer_type and not r.type_inferred:
            raise DomainError(
                f"chủ thể '{producer.name}' đã được ghi là {producer.get_producer_type_display()}.",
                field="producer_type",
            )
        product_key = (producer_key, _fold(r.product))
        product = self.products.get(product_key)
        new_product = None
        changes = {}
        if product is None:
            product = new_product = products.prepare_product(
                actor=actor,
                name=r.product,
                producer=producer,
                group=r.group,
                subgroup=r.subgroup,
                location=r.commune,
                status=ProductStatus.PRODUCING,  # a registered product is on the market, as one recognised
            )
        else:
            if product.pk is not None:
                self._check_certification_scope(product)
            if product.group_id != r.group.id:
                changes["group"] = r.group
            if r.subgroup is not None and product.subgroup_id != r.subgroup.id:
                changes["subgroup"] = r.subgroup
            if (
                r.commune.scheme == Scheme.S2025
                and product.location.scheme == Scheme.PRE2025
                and product.current_location_id != r.commune.id
                and r.commune.id in self._successors(product.location_id)
            ):
                changes["current_location"] = r.commune  # a decision after the reform names the current commune
            subgroup_id = changes["subgroup"].pk if "subgroup" in changes else product.subgroup_id
            group = changes.get("group", r.group)
            if subgroup_id and self.group_of.get(subgroup_id) != group.pk:  # update_product's check, done now
                raise DomainError(
                    f"sản phẩm đã có bộ sản phẩm thuộc nhóm khác: nhóm '{group.name}' không nhận bộ sản phẩm đó "
                    "(ghi cả phân nhóm, hoặc sửa sản phẩm trước).",
                    field="group",
                )
            if changes and product.pk is not None:
                self._check_scope(product)
        number = " ".join(r.decision_no.split())
        decision_key = (r.province.pk, number, r.decision_date)
        decision = self.decisions.get(decision_key)
        new_decision = None
        if decision is None:
            decision = new_decision = Decision(
                number=number,
                date=r.decision_date,
                kind=DecisionKind.RECOGNITION,
                issuing_level=recognising_level(r.stars, r.decision_date),
                province=r.province,
            )
        elif decision.kind == DecisionKind.REVOCATION:
            raise DomainError(
                _("Quyết định %(n)s ngày %(d)s đã được ghi là quyết định %(k)s.")
                % {"n": number, "d": r.decision_date.strftime("%d/%m/%Y"), "k": decision.get_kind_display().lower()},
                field="decision_no",
            )
        valid_until = r.valid_until or self._default_valid_until(r.decision_date)
        if valid_until <= r.decision_date:
            raise DomainError(_("Ngày hết hiệu lực phải sau ngày quyết định."), field="valid_until")
        certificates = self.certificates.get(id(product), [])
        same = None
        if decision.pk is not None:
            same = next((c for c in certificates if c.decision_id == decision.pk), None)
        same = same or self.planned.get((id(product), id(decision)))
        wanted = {"stars": r.stars, "score": r.score, "valid_until": valid_until}
        outcome = "unchanged"
        certificate = same
        if same is None:
            earlier = max(
                (c for c in certificates if c.valid_from < r.decision_date),
                key=lambda c: (c.valid_from, c.pk is None, c.pk or 0),
                default=None,
            )
            kind = DecisionKind.RECOGNITION
            if earlier is not None:
                kind = DecisionKind.UPGRADE if r.stars > earlier.stars else DecisionKind.RE_RECOGNITION
            certificate = Certificate(
                product=product, decision=decision, kind=kind, valid_from=r.decision_date, **wanted
            )
            outcome = "created"
        elif any(getattr(same, f) != v for f, v in wanted.items()):
            outcome = "updated"
        # Every check has passed: keep this row's writes.
        if new_producer is not None:
            self.producers[producer_key] = new_producer
            self.new_producers.append(new_producer)
            result.counts["producers_created"] += 1
        if new_product is not None:
            self.products[product_key] = new_product
            self.new_products.append(new_product)
            self.certificates[id(new_product)] = []
        elif changes:
            if product.pk is None:  # new in this file: it is created with the later row's values
                for f, v in changes.items():
                    setattr(product, f, v)
            else:
                self.updates.setdefault(id(product), (r.row, product, {}))[2].update(changes)
        if new_decision is not None:
            self.decisions[decision_key] = new_decision
            self.new_decisions.append(new_decision)
        if outcome == "created":
            self.certificates[id(product)].append(certificate)
            self.planned[(id(product), id(decision))] = certificate
            self.new_certificates.append(certificate)
            self.touched[id(product)] = product
            result.counts["certificates_created"] += 1
            if product.pk is not None and product.status == ProductStatus.DEVELOPING:
                self._check_scope(product)  # now in production (record_certificate does the same)
                self.updates.setdefault(id(product), (r.row, product, {}))[2]["status"] = ProductStatus.PRODUCING
        elif outcome == "updated":
            if certificate.pk is None:
                for f, v in wanted.items():
                    setattr(certificate, f, v)
            else:
                self.corrections.append((r.row, certificate, wanted))
        if new_product is not None:
            result.counts["products_created"] += 1
            return ACTION_LABELS["create"]
        if outcome != "unchanged" or changes:
            result.counts["products_updated"] += 1
            return ACTION_LABELS[certificate.kind] if outcome == "created" else ACTION_LABELS["correct"]
        result.counts["products_unchanged"] += 1
        return ACTION_LABELS["unchanged"]

    def write(self, tick, rows: int):
        """The bulk writes; progress goes on from the planning (rows .. 2 × rows)."""
        actor = self.actor
        steps = [
            lambda: producers.bulk_create_producers(actor=actor, producers=self.new_producers),
            lambda: products.bulk_create_products(actor=actor, products=self.new_products),
            lambda: certificates.bulk_create_decisions(actor=actor, decisions=self.new_decisions),
            lambda: certificates.bulk_record_certificates(
                actor=actor, certificates=self.new_certificates, chains=[self.certificates[k] for k in self.touched]
            ),
            self._write_updates,
            self._write_corrections,
        ]
        for i, step in enumerate(steps):
            step()
            tick("write", rows + rows * (i + 1) // len(steps), 2 * rows, force=True)

    def _successors(self, commune_id) -> set[int]:
        """The new communes that succeed an old one (read for all products on record at once, else once each)."""
        if commune_id not in self.successors:
            self._read_successors([commune_id])
        return self.successors[commune_id]

    def _read_successors(self, commune_ids) -> None:
        from areas.models import Succession

        for chunk in chunks(commune_ids):
            for commune_id in chunk:
                self.successors[commune_id] = set()
            pairs = Succession.objects.filter(predecessor_id__in=chunk).values_list("predecessor_id", "successor_id")
            for old, new in pairs:
                self.successors[old].add(new)

    def _write_updates(self):
        """The changes of products on record (group, sub-group, current commune, in production), in bulk with
        update_product's checks and audit entries; a refusal refuses the file, on the row that asked for it."""
        items = list(self.updates.values())
        try:
            products.bulk_update_products(actor=self.actor, updates=[(p, kw) for _row, p, kw in items])
        except BulkRefused as exc:
            raise ImportErrors([RowError(items[exc.index][0], exc.field or "product", exc.message)]) from exc

    def _write_corrections(self):
        """Certificates on record that the register gives other stars, score or last day: in bulk, with
        record_certificate's checks and audit entries."""
        from certification.bulk import bulk_correct_certificates

        items = self.corrections
        try:
            bulk_correct_certificates(actor=self.actor, corrections=[(c, wanted) for _row, c, wanted in items])
        except BulkRefused as exc:
            raise ImportErrors([RowError(items[exc.index][0], exc.field or "product", exc.message)]) from exc


def _write_register(rows: list[_RegisterRow], actor, resolver, run: ImportRun) -> tuple[ImportResult, list]:
    """Plan every row (a row that fails a service's check is an error, its writes dropped), then, if the run may go
    on, write in bulk. Returns the result and the rows' errors."""
    result = ImportResult()
    errors = []
    ordered = sorted(rows, key=lambda r: (r.decision_date, r.row))
    writes = _RegisterWrites(ordered, actor, resolver)
    run.progress("write", 0, 2 * len(ordered), force=True)
    for done, r in enumerate(ordered):
        run.progress("write", done, 2 * len(ordered))
        try:
            action = writes.plan(r, result)
        except DomainError as exc:
            errors.append(RowError(r.row, exc.field or "product", exc.message))
            continue
        result.outcomes.append(RowOutcome(r.row, r.product, r.producer, action))
    return result, errors, writes


def _register_summary(result: ImportResult) -> str:
    c = result.counts
    return (
        f"products created={c['products_created']} updated={c['products_updated']} "
        f"unchanged={c['products_unchanged']}; producers created={c['producers_created']}; "
        f"certificates created={c['certificates_created']}"
    )


def import_register(
    source,
    *,
    actor=None,
    dry_run=False,
    filename=None,
    mapping=None,
    skip_invalid=False,
    progress=None,
    errors_to=None,
) -> ImportResult:
    """Validate everything, then write in one transaction (or roll back for a dry run). Raises ImportErrors, or
    MappingError for a `mapping` (heading → key) that does not fit the file. With `skip_invalid` the valid rows are
    written and the invalid ones listed in the result (a file or heading error still raises); `progress(stage,
    done, total)` is told of each stage and may raise to stop; `errors_to` (a binary file) receives the error
    workbook when there is any problem (core.imports.write_error_workbook)."""
    run = ImportRun(skip_invalid=skip_invalid, progress=progress, errors_to=errors_to)
    table = run.read(source, REGISTER_COLUMNS, filename, kind="register", mapping=mapping)
    resolver = _PeriodResolver()
    rows, errors, warnings = _parse_register(table, resolver, run.progress, actor)
    run.check(errors, warnings)  # raises unless the errors are rows' and may be skipped

    def write():
        result, row_errors, writes = _write_register(rows, actor, resolver, run)
        run.check(errors + row_errors, warnings)
        writes.write(run.progress, len(rows))
        result.outcomes.sort(key=lambda o: o.row)
        result.summary = _register_summary(result)
        _record_import(actor, "certification.register.imported", filename, result)
        result.errors = row_errors
        return result

    result = run_import(write, dry_run=dry_run)
    return run.finish(result, errors + result.errors, warnings)


def _record_import(actor, action, filename, result):
    """One entry for the whole file, only when it changed something (a re-import leaves no trace, as promised)."""
    from core import audit

    changed = {k: v for k, v in result.counts.items() if v and "unchanged" not in k}
    if not changed:
        return
    audit.record(
        actor=actor,
        action=action,
        object_type_label="certification.import",
        label=str(filename or ""),
        after={"summary": result.summary},
    )


ISSUING_LEVEL_NAMES = {
    IssuingLevel.PROVINCE: ("province", "tinh", "ubnd tinh", "ubnd cap tinh", "chu tich ubnd tinh"),
    IssuingLevel.MINISTRY: ("ministry", "bo", "bo nong nghiep va moi truong", "bo nong nghiep", "trung uong"),
}


def parse_issuing_level(text: str) -> str | None:
    """The revoking level a spreadsheet names (empty: the province, as before); None when it names no level."""
    folded = fold(text)
    if not folded:
        return IssuingLevel.PROVINCE
    return next((level for level, names in ISSUING_LEVEL_NAMES.items() if folded in names), None)


def _find_revoked_products(wanted):
    """(row, product or RowError, province, number, date, level, clean) for each (row, names, province, …) of
    `wanted`: the producer of that name in the province of its identity, then its product of that name, as
    producers.find_producer and products.find_product find them, in a few queries for all rows."""
    from producers.models import Producer
    from products.models import Product

    homes = {}  # province pk → home province, or the refusal of new_province_of
    for _row, _values, province, *_rest in wanted:
        if province.pk not in homes:
            try:
                homes[province.pk] = new_province_of(province)
            except DomainError as exc:
                homes[province.pk] = exc
    names = {
        (homes[p.pk].pk, _fold(v["producer"]))
        for _r, v, p, *_rest in wanted
        if not isinstance(homes[p.pk], DomainError)
    }
    found_producers = {}
    for chunk in chunks({name for _home, name in names}):
        for producer in Producer.objects.filter(search_name__in=chunk, home_province_id__in={h for h, _n in names}):
            found_producers[(producer.home_province_id, producer.search_name)] = producer
    found_products = {}
    for chunk in chunks({p.pk for p in found_producers.values()}):
        # the producer's accounts are those the revocation notice goes to (certification.notices.holders)
        products = Product.objects.filter(producer_id__in=chunk).select_related("location", "producer")
        for product in products.prefetch_related("producer__accounts"):
            found_products[(product.producer_id, product.search_name)] = product
    for row, values, province, number, date, level, clean in wanted:
        home = homes[province.pk]
        if isinstance(home, DomainError):
            yield row, RowError(row.number, "province", home.message), province, number, date, level, clean
            continue
        producer = found_producers.get((home.pk, _fold(values["producer"])))
        if producer is None:
            message = f"không có chủ thể '{values['producer']}' tại {home.name}."
            yield row, RowError(row.number, "producer", message), province, number, date, level, clean
            continue
        product = found_products.get((producer.pk, _fold(values["product"])))
        if product is None:
            message = f"chủ thể '{producer.name}' không có sản phẩm '{values['product']}'."
            yield row, RowError(row.number, "product", message), province, number, date, level, clean
            continue
        yield row, product, province, number, date, level, clean


def import_revocations(
    source,
    *,
    actor=None,
    dry_run=False,
    filename=None,
    mapping=None,
    skip_invalid=False,
    progress=None,
    errors_to=None,
) -> ImportResult:
    """One row per product revoked. The reason text is kept and mapped onto a ground of 26/2026 Điều 8.1 when it
    names one (certification.rules.ground_from_text), else "other". "Cấp ban hành" (optional; empty = the province)
    records a ministry decision entered by the province office; Điều 8.2 decides who may revoke which stars."""
    run = ImportRun(skip_invalid=skip_invalid, progress=progress, errors_to=errors_to)
    table = run.read(source, REVOCATION_COLUMNS, filename, kind="revocations", mapping=mapping)
    missing_column(table, COLUMNS_BY_KEY["decision_date"], lambda r: bool(split_decision(r.text("decision_no"))[1]))
    missing_column(table, COLUMNS_BY_KEY["province"], lambda r: bool(place_names(r, ("province",)).get("province")))
    missing = table.missing
    errors, warnings = list(table.errors), list(table.warnings)
    resolver = CachedResolver()
    limits = _column_limits()
    parsed, wanted = [], []
    run.progress("validate", 0, len(table.rows), force=True)
    for done, row in enumerate(table.rows):
        run.progress("validate", done, len(table.rows))
        before = len(errors)
        values = {k: _required(errors, row, k, missing) for k in ("product", "producer")}
        number, date = _decision(errors, row, missing)
        checked = len(errors)
        _check_lengths(errors, row, limits, values)
        names_fit = len(errors) == checked  # an over-long name is not looked up (it cannot be on record)
        _check_lengths(errors, row, limits, {"decision_no": number})
        level = parse_issuing_level(row.text("issuing_level"))
        if level is None:
            errors.append(
                RowError(row.number, "issuing_level", f"'{row.text('issuing_level')}': chỉ nhận Tỉnh hoặc Bộ.")
            )
        places = place_names(row, ("province",))
        warnings.extend(places.warnings)
        province = product = None
        if date and "province" not in missing:
            province = _resolve(errors, warnings, row, places, resolver, date, commune=False)
            column = places.source.get("province", "province")
            if province is not None and out_of_scope(errors, row, column, province, actor, MANAGE):
                province = None  # nothing is looked up there
        if province and values["producer"] and values["product"] and names_fit:
            wanted.append((row, values, province, number, date, level, len(errors) == before))
        elif len(errors) == before:
            parsed.append((row, product, province, number, date, row.text("reason"), level))
    # The products named, read for all rows at once (a few queries per 900 names, not two per row).
    for row, values, province, number, date, level, clean in _find_revoked_products(wanted):
        if isinstance(values, RowError):
            errors.append(values)
        elif clean:
            parsed.append((row, values, province, number, date, row.text("reason"), level))
    run.progress("validate", len(table.rows), len(table.rows), force=True)
    run.check(errors, warnings)

    def write():
        from certification.bulk import bulk_revoke

        result = ImportResult(kind="revocations")
        row_errors = []
        run.progress("write", 0, len(parsed), force=True)
        ordered = sorted(parsed, key=lambda p: (p[4], p[0].number))
        outcomes = bulk_revoke(
            actor=actor,
            revocations=[
                {
                    "product": product,
                    "number": number,
                    "date": date,
                    "reason": reason,
                    "issuing_level": level,
                    "province": province,
                    "issuer": revocation_issuer(level, date),
                }
                for (_row, product, province, number, date, reason, level) in ordered
            ],
        )
        for (row, product, *_rest), outcome in zip(ordered, outcomes, strict=True):
            if isinstance(outcome, DomainError):
                row_errors.append(RowError(row.number, outcome.field or "product", outcome.message))
                continue
            result.counts["revoked" if outcome == "revoked" else "unchanged"] += 1
            result.outcomes.append(
                RowOutcome(
                    row.number,
                    product.name,
                    product.producer.name,
                    ACTION_LABELS["revoke" if outcome == "revoked" else "unchanged"],
                )
            )
        run.check(errors + row_errors, warnings)
        run.progress("write", len(parsed), len(parsed), force=True)
        result.summary = f"certificates revoked={result.counts['revoked']} unchanged={result.counts['unchanged']}"
        _record_import(actor, "certification.revocations.imported", filename, result)
        result.errors = row_errors
        return result

    result = run_import(write, dry_run=dry_run)
    return run.finish(result, errors + result.errors, warnings)
