"""The register import and the revocations import (CONTRACT §5)."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from areas.choices import REFORM_DATE, Scheme
from areas.queries import CachedResolver, current_province
from certification import services as certificates
from certification.choices import DecisionKind, IssuingLevel
from certification.rules import recognising_level, revocation_issuer
from core.errors import DomainError
from core.imports import Column, ImportErrors, Row, RowError, parse_date, parse_decimal, read_table, run_import
from core.text import fold
from producers import services as producers
from producers.choices import ProducerType, parse_producer_type
from products import services as products
from products.choices import ProductStatus
from products.models import ProductCategory

REGISTER_COLUMNS = [
    Column("product", "Tên sản phẩm", True),
    Column("producer", "Chủ thể", True),
    Column("producer_type", "Loại hình chủ thể", True),
    Column("province", "Tỉnh", True),
    Column("district", "Huyện"),
    Column("commune", "Xã", True),
    Column("group", "Nhóm sản phẩm", True),
    Column("stars", "Số sao", True),
    Column("score", "Điểm"),
    Column("decision_no", "Số quyết định", True),
    Column("decision_date", "Ngày quyết định", True),
    Column("valid_until", "Hiệu lực đến"),
]
REVOCATION_COLUMNS = [
    Column("product", "Tên sản phẩm", True),
    Column("producer", "Chủ thể", True),
    Column("province", "Tỉnh", True),
    Column("decision_no", "Số quyết định", True),
    Column("decision_date", "Ngày quyết định", True),
    Column("reason", "Lý do"),
    Column("issuing_level", "Cấp ban hành"),
]

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
    summary: str = ""


def _cell(errors, row: Row, key: str, parse):
    try:
        return parse(row.values.get(key))
    except DomainError as exc:
        errors.append(RowError(row.number, key, exc.message))
        return None


def _required(errors, row: Row, key: str) -> str:
    text = row.text(key)
    if not text:
        errors.append(RowError(row.number, key, "bắt buộc, đang để trống."))
    return text


def _group_index():
    """Folded name → (148 group, sub-group or None): 148 groups and their codes, 1048 ngành and 26/2026 nhóm, and the
    sub-groups of both (1048 bộ sản phẩm, 26/2026 phân nhóm), which also fill the product's sub-group."""
    index = {}
    categories = ProductCategory.objects.select_related("maps_to").order_by("level", "system", "position")
    for category in categories:  # groups first: a name shared with a sub-group stays a group
        target = category.group_148
        names = [category.name, *category.aliases.splitlines()]
        if category.system == "148":
            names.append(category.code)
        subgroup = category if category.level == "subgroup" else None
        for name in names:
            entries = index.setdefault(fold(name), [])
            if not entries or (subgroup is not None and entries[0][1] is not None):
                entries.append((target, subgroup))  # the same sub-group name in 1048 and 26/2026: date decides
    return index


# Which sub-group list a name shared by both means on a decision's date: 26/2026's phân nhóm from its entry into
# force; before it, 1048's bộ sản phẩm (148's own sub-groups are not at hand).
SUBGROUP_SYSTEM_BY_DATE = ((datetime.date(2026, 5, 22), "2026"), (datetime.date(2019, 8, 21), "1048"))


def _category_on(entries, day):
    if not entries:
        return None, None
    if len(entries) > 1 and day is not None:
        system = next((code for since, code in SUBGROUP_SYSTEM_BY_DATE if day >= since), None)
        chosen = next((e for e in entries if e[1] is not None and e[1].system == system), None)
        if chosen is not None:
            return chosen
    return entries[-1]


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


def _parse_register(table, resolver) -> tuple[list[_RegisterRow], list[RowError]]:
    errors = list(table.errors)
    groups = _group_index()
    parsed = []
    for row in table.rows:
        before = len(errors)
        product = _required(errors, row, "product")
        producer = _required(errors, row, "producer")
        type_text = _required(errors, row, "producer_type")
        producer_type = parse_producer_type(type_text) if type_text else None
        if type_text and producer_type is None:
            errors.append(
                RowError(
                    row.number,
                    "producer_type",
                    f"'{type_text}' không phải loại hình chủ thể "
                    f"({', '.join(ProducerType.values)}, Hợp tác xã, Doanh nghiệp, Hộ kinh doanh, "
                    "Tổ hợp tác…).",
                )
            )
        group_text = _required(errors, row, "group")
        group_entries = groups.get(fold(group_text), []) if group_text else []
        group, subgroup = _category_on(group_entries, None)
        if group_text and group is None:
            errors.append(
                RowError(
                    row.number,
                    "group",
                    f"'{group_text}' không phải nhóm sản phẩm 148, ngành hay bộ sản phẩm 1048, nhóm hay phân nhóm "
                    "26/2026, hay mã nhóm (thuc-pham, do-uong, duoc-lieu, thu-cong-my-nghe, sinh-vat-canh, "
                    "du-lich).",
                )
            )
        stars = None
        stars_text = _required(errors, row, "stars")
        if stars_text:
            try:
                stars = int(parse_decimal(stars_text))
                if stars not in (3, 4, 5) or parse_decimal(stars_text) != stars:
                    raise DomainError("")
            except DomainError:
                errors.append(RowError(row.number, "stars", f"'{stars_text}': chỉ nhận 3, 4 hoặc 5 sao."))
                stars = None
        score = None
        if row.text("score"):
            score = _cell(errors, row, "score", parse_decimal)
            if score is not None and not (0 <= score <= 100):
                errors.append(RowError(row.number, "score", f"điểm {row.text('score')} phải từ 0 đến 100."))
        decision_no = _required(errors, row, "decision_no")
        decision_date = (
            _cell(errors, row, "decision_date", parse_date) if _required(errors, row, "decision_date") else None
        )
        valid_until = _cell(errors, row, "valid_until", parse_date) if row.text("valid_until") else None
        if decision_date and valid_until and valid_until <= decision_date:
            errors.append(RowError(row.number, "valid_until", "phải sau ngày quyết định."))
        province = commune = None
        province_text = _required(errors, row, "province")
        commune_text = _required(errors, row, "commune")
        if decision_date and province_text and commune_text:
            district_text = row.text("district")
            if decision_date < REFORM_DATE and not district_text:
                errors.append(RowError(row.number, "district", "bắt buộc với quyết định trước 01/07/2025."))
            else:
                try:
                    province = resolver(province=province_text, on_date=decision_date)
                    commune = resolver(
                        province=province_text, district=district_text, commune=commune_text, on_date=decision_date
                    )
                except DomainError as exc:
                    errors.append(RowError(row.number, exc.field or "commune", exc.message))
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
                )
            )
    return parsed, errors


def _write_register(rows: list[_RegisterRow], actor, resolver) -> ImportResult:
    result = ImportResult()
    errors = []
    for r in sorted(rows, key=lambda r: (r.decision_date, r.row)):
        try:
            action = _write_register_row(r, actor, result, resolver)
        except DomainError as exc:
            errors.append(RowError(r.row, exc.field or "product", exc.message))
            continue
        result.outcomes.append(RowOutcome(r.row, r.product, r.producer, action))
    if errors:
        raise ImportErrors(errors)
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
    elif producer.producer_type != r.producer_type:
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


def import_register(source, *, actor=None, dry_run=False, filename=None) -> ImportResult:
    """Validate everything, then write in one transaction (or roll back for a dry run). Raises ImportErrors."""
    table = read_table(source, REGISTER_COLUMNS, filename)
    resolver = CachedResolver()
    rows, errors = _parse_register(table, resolver)
    if errors:
        raise ImportErrors(errors)

    def write():
        result = _write_register(rows, actor, resolver)
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


def import_revocations(source, *, actor=None, dry_run=False, filename=None) -> ImportResult:
    """One row per product revoked. The reason text is kept and mapped onto a ground of 26/2026 Điều 8.1 when it
    names one (certification.rules.ground_from_text), else "other". "Cấp ban hành" (optional; empty = the province)
    records a ministry decision entered by the province office; Điều 8.2 decides who may revoke which stars."""
    table = read_table(source, REVOCATION_COLUMNS, filename)
    errors = list(table.errors)
    resolver = CachedResolver()
    parsed = []
    for row in table.rows:
        before = len(errors)
        values = {k: _required(errors, row, k) for k in ("product", "producer", "province", "decision_no")}
        date = _cell(errors, row, "decision_date", parse_date) if _required(errors, row, "decision_date") else None
        level = parse_issuing_level(row.text("issuing_level"))
        if level is None:
            errors.append(
                RowError(row.number, "issuing_level", f"'{row.text('issuing_level')}': chỉ nhận Tỉnh hoặc Bộ.")
            )
        province = product = None
        if date and values["province"]:
            try:
                province = resolver(province=values["province"], on_date=date)
            except DomainError as exc:
                errors.append(RowError(row.number, "province", exc.message))
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
            parsed.append((row, product, province, values["decision_no"], date, row.text("reason"), level))
    if errors:
        raise ImportErrors(errors)

    def write():
        result = ImportResult()
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
            raise ImportErrors(row_errors)
        result.summary = f"certificates revoked={result.counts['revoked']} unchanged={result.counts['unchanged']}"
        _record_import(actor, "certification.revocations.imported", filename, result)
        return result

    return run_import(write, dry_run=dry_run)
