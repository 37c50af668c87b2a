"""The register import and the revocations import (CONTRACT §5)."""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from areas.choices import Scheme
from areas.queries import CachedResolver, current_province
from certification import services as certificates
from certification.choices import DecisionKind, IssuingLevel
from certification.rules import recognising_level, revocation_issuer
from core.errors import DomainError
from core.imports import (
    Column,
    ImportErrors,
    Places,
    Row,
    RowError,
    RowWarning,
    closest,
    missing_column,
    missing_place,
    parse_date,
    parse_decimal,
    parse_year,
    place_names,
    read_table,
    run_import,
    split_decision,
)
from core.text import fold
from producers import services as producers
from producers.choices import TYPE_CHOICES_TEXT, ProducerType, parse_producer_type, producer_type_from_name
from products import services as products
from products.choices import ProductStatus
from products.models import ProductCategory

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
class ImportResult:
    counts: Counter = field(default_factory=Counter)
    outcomes: list[RowOutcome] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    summary: str = ""  # the stable line of CONTRACT §5 (commands, logs, the audit entry); `display` for people
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


def _group_key(text: str) -> str:
    folded = fold(text)
    while (stripped := _GROUP_LEAD.sub("", folded, count=1)) != folded:
        folded = stripped
    return folded


def _group_entries(text: str, index) -> list:
    """The categories a group cell names: the whole cell, without its numbering or level word, or, for
    "Đồ uống - Rượu trắng", its parts (the most specific one, when they agree on the 148 group)."""
    for key in (fold(text), _group_key(text)):
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
    named = producer_type_from_name(producer) if producer else None
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


def _groups(errors, row: Row, groups, shown):
    """(148 group, sub-group entries) from the group column and the optional sub-group column, which must agree."""
    found = []
    for key in ("group", "subgroup"):
        text = row.text(key)
        if not text:
            continue
        entries = _group_entries(text, groups)
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


def _parse_register(table, resolver) -> tuple[list[_RegisterRow], list[RowError], list[RowWarning]]:
    missing = _register_columns_missing(table)
    errors, warnings = list(table.errors), list(table.warnings)
    groups, shown = _group_index()
    parsed = []
    for row in table.rows:
        before = len(errors)
        product = _required(errors, row, "product", missing)
        producer = _required(errors, row, "producer", missing)
        producer_type, inferred = _producer_type(errors, warnings, row, producer)
        group_entries = _groups(errors, row, groups, shown) if "group" not in missing else None
        stars = _cell(errors, row, "stars", parse_stars) if _required(errors, row, "stars", missing) else None
        score = None
        if row.text("score"):
            score = _cell(errors, row, "score", parse_decimal)
            if score is not None and not (0 <= score <= 100):
                errors.append(RowError(row.number, "score", f"điểm {row.text('score')} phải từ 0 đến 100."))
        decision_no, decision_date = _decision(errors, row, missing)
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
    return parsed, errors, warnings


def _write_register(rows: list[_RegisterRow], actor, resolver, warnings) -> ImportResult:
    result = ImportResult(warnings=warnings)
    errors = []
    for r in sorted(rows, key=lambda r: (r.decision_date, r.row)):
        try:
            action = _write_register_row(r, actor, result, resolver)
        except DomainError as exc:
            errors.append(RowError(r.row, exc.field or "product", exc.message))
            continue
        result.outcomes.append(RowOutcome(r.row, r.product, r.producer, action))
    if errors:
        raise ImportErrors(errors, warnings)
    result.outcomes.sort(key=lambda o: o.row)
    c = result.counts
    result.summary = (
        f"products created={c['products_created']} updated={c['products_updated']} "
        f"unchanged={c['products_unchanged']}; producers created={c['producers_created']}; "
        f"certificates created={c['certificates_created']}"
    )
    return result


def _write_register_row(r: _RegisterRow, actor, result: ImportResult, resolver) -> str:
    producer = producers.find_producer(name=r.producer, home_province=resolver.home_province(r.commune))
    if producer is None:
        producer = producers.create_producer(
            actor=actor, name=r.producer, producer_type=r.producer_type, location=r.commune
        )
        result.counts["producers_created"] += 1
    elif producer.producer_type != r.producer_type and not r.type_inferred:
        raise DomainError(
            f"chủ thể '{producer.name}' đã được ghi là {producer.get_producer_type_display()}.", field="producer_type"
        )
    product = products.find_product(producer=producer, name=r.product)
    product_created = product is None
    product_changed = False
    if product_created:
        product = products.create_product(
            actor=actor,
            name=r.product,
            producer=producer,
            group=r.group,
            subgroup=r.subgroup,
            location=r.commune,
            status=ProductStatus.PRODUCING,  # a registered product is on the market, as one the council recognised
        )
    else:
        changes = {}
        if product.group_id != r.group.id:
            changes["group"] = r.group
        if r.subgroup is not None and product.subgroup_id != r.subgroup.id:
            changes["subgroup"] = r.subgroup
        if (
            r.commune.scheme == Scheme.S2025
            and product.location.scheme == Scheme.PRE2025
            and product.location.successions.filter(successor=r.commune).exists()
            and product.current_location_id != r.commune.id
        ):
            changes["current_location"] = r.commune  # a decision after the reform names the current commune
        if changes:
            _product, product_changed = products.update_product(actor=actor, product=product, **changes)
    level = recognising_level(r.stars, r.decision_date)
    decision, _ = certificates.get_or_create_decision(
        actor=actor,
        number=r.decision_no,
        date=r.decision_date,
        kind=DecisionKind.RECOGNITION,
        issuing_level=level,
        province=r.province,
    )
    certificate, outcome = certificates.record_certificate(
        actor=actor, product=product, decision=decision, stars=r.stars, score=r.score, valid_until=r.valid_until
    )
    if outcome == "created":
        result.counts["certificates_created"] += 1
    if product_created:
        result.counts["products_created"] += 1
        return ACTION_LABELS["create"]
    if outcome != "unchanged" or product_changed:
        result.counts["products_updated"] += 1
        return ACTION_LABELS[certificate.kind] if outcome == "created" else ACTION_LABELS["correct"]
    result.counts["products_unchanged"] += 1
    return ACTION_LABELS["unchanged"]


def import_register(source, *, actor=None, dry_run=False, filename=None, mapping=None) -> ImportResult:
    """Validate everything, then write in one transaction (or roll back for a dry run). Raises ImportErrors, or
    MappingError for a `mapping` (heading → key) that does not fit the file."""
    table = read_table(source, REGISTER_COLUMNS, filename, kind="register", mapping=mapping)
    resolver = CachedResolver()
    rows, errors, warnings = _parse_register(table, resolver)
    if errors:
        raise ImportErrors(errors, warnings)

    def write():
        result = _write_register(rows, actor, resolver, sorted(warnings, key=lambda w: (w.row, w.column)))
        _record_import(actor, "certification.register.imported", filename, result)
        return result

    return run_import(write, dry_run=dry_run)


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


def import_revocations(source, *, actor=None, dry_run=False, filename=None, mapping=None) -> ImportResult:
    """One row per product revoked. The reason text is kept and mapped onto a ground of 26/2026 Điều 8.1 when it
    names one (certification.rules.ground_from_text), else "other". "Cấp ban hành" (optional; empty = the province)
    records a ministry decision entered by the province office; Điều 8.2 decides who may revoke which stars."""
    table = read_table(source, REVOCATION_COLUMNS, filename, kind="revocations", mapping=mapping)
    missing_column(table, COLUMNS_BY_KEY["decision_date"], lambda r: bool(split_decision(r.text("decision_no"))[1]))
    missing_column(table, COLUMNS_BY_KEY["province"], lambda r: bool(place_names(r, ("province",)).get("province")))
    missing = table.missing
    errors, warnings = list(table.errors), list(table.warnings)
    resolver = CachedResolver()
    parsed = []
    for row in table.rows:
        before = len(errors)
        values = {k: _required(errors, row, k, missing) for k in ("product", "producer")}
        number, date = _decision(errors, row, missing)
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
        if province and values["producer"] and values["product"]:
            producer = producers.find_producer(name=values["producer"], unit=province)
            if producer is None:
                errors.append(
                    RowError(
                        row.number,
                        "producer",
                        f"không có chủ thể '{values['producer']}' tại {current_province(province).name}.",
                    )
                )
            else:
                product = products.find_product(producer=producer, name=values["product"])
                if product is None:
                    errors.append(
                        RowError(
                            row.number, "product", f"chủ thể '{producer.name}' không có sản phẩm '{values['product']}'."
                        )
                    )
        if len(errors) == before:
            parsed.append((row, product, province, number, date, row.text("reason"), level))
    warnings.sort(key=lambda w: (w.row, w.column))
    if errors:
        raise ImportErrors(errors, warnings)

    def write():
        result = ImportResult(warnings=warnings, kind="revocations")
        row_errors = []
        for row, product, province, number, date, reason, level in sorted(parsed, key=lambda p: (p[4], p[0].number)):
            try:
                decision, _ = certificates.get_or_create_decision(
                    actor=actor,
                    number=number,
                    date=date,
                    kind=DecisionKind.REVOCATION,
                    issuing_level=level,
                    province=province,
                    issuer=revocation_issuer(level, date),
                )
                _cert, outcome = certificates.revoke(actor=actor, product=product, decision=decision, reason=reason)
            except DomainError as exc:
                row_errors.append(RowError(row.number, exc.field or "product", exc.message))
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
        if row_errors:
            raise ImportErrors(row_errors, warnings)
        result.summary = f"certificates revoked={result.counts['revoked']} unchanged={result.counts['unchanged']}"
        _record_import(actor, "certification.revocations.imported", filename, result)
        return result

    return run_import(write, dry_run=dry_run)
