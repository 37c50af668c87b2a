"""`import_support`: the support ledger from the spreadsheets offices keep (one row per support line).

All or nothing (core.imports): the whole file is read and checked first, every problem reported as (row, column,
message); then the lines are written in one transaction through programme.funding_services (the same checks and
audit entries as the page). A row equal in every field to a line already recorded is left alone, so importing the
same file again changes nothing.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from areas.choices import Level
from areas.filters import with_counterparts, within
from areas.models import AdministrativeUnit
from areas.queries import CachedResolver
from core.errors import DomainError
from core.import_checks import max_length, too_long
from core.imports import (
    Column,
    ImportRun,
    RowError,
    RowWarning,
    YearOnly,
    parse_date,
    parse_year,
    run_import,
    split_decision,
)
from core.imports import ImportResult as BaseImportResult
from core.text import fold
from programme.choices import FundingSource, SupporterLevel, SupportPurpose
from programme.models import MAX_SUPPORT_AMOUNT, SupportLine

ACTION = "programme.manage_funding"
MIN_YEAR, MAX_YEAR = 2018, 2100

SUPPORT_COLUMNS = [
    Column("year", "Năm", True),
    Column("province", "Tỉnh"),
    Column("producer", "Chủ thể"),
    Column("product", "Sản phẩm"),
    Column("commune", "Xã"),
    Column("linkage_project", "Dự án liên kết"),
    Column("purpose", "Nội dung hỗ trợ", True),
    Column("source", "Nguồn vốn", True),
    Column("supporter", "Cấp hỗ trợ"),
    Column("amount_planned", "Kế hoạch (đồng)"),
    Column("amount_disbursed", "Đã giải ngân (đồng)"),
    Column("disbursed_on", "Ngày giải ngân"),
    Column("decision_no", "Số quyết định"),
    Column("decision_date", "Ngày quyết định"),
    Column("note", "Ghi chú"),
]

# Words officials write, folded (core.text.fold), longest first when matched inside a longer text.
PURPOSE_WORDS = {
    "bao bi": SupportPurpose.PACKAGING,
    "nhan mac": SupportPurpose.PACKAGING,
    "mau ma": SupportPurpose.PACKAGING,
    "tem nhan": SupportPurpose.PACKAGING,
    "may moc": SupportPurpose.EQUIPMENT,
    "thiet bi": SupportPurpose.EQUIPMENT,
    "vung nguyen lieu": SupportPurpose.RAW_MATERIAL,
    "xuc tien thuong mai": SupportPurpose.TRADE_PROMOTION,
    "xttm": SupportPurpose.TRADE_PROMOTION,
    "hoi cho": SupportPurpose.TRADE_PROMOTION,
    "tap huan": SupportPurpose.TRAINING,
    "dao tao": SupportPurpose.TRAINING,
    "chung nhan": SupportPurpose.CERTIFICATION,
    "vietgap": SupportPurpose.CERTIFICATION,
    "huu co": SupportPurpose.CERTIFICATION,
    "tu van": SupportPurpose.CONSULTING,
    "khac": SupportPurpose.OTHER,
}
SOURCE_WORDS = {
    "ntm": FundingSource.NTM,
    "ctmtqg ntm": FundingSource.NTM,
    "ctmtqg": FundingSource.NTM,
    "nong thon moi": FundingSource.NTM,
    "chuong trinh muc tieu quoc gia": FundingSource.NTM,
    "ns tinh": FundingSource.PROVINCIAL,
    "ngan sach tinh": FundingSource.PROVINCIAL,
    "nstw": FundingSource.CENTRAL,
    "ns trung uong": FundingSource.CENTRAL,
    "trung uong": FundingSource.CENTRAL,
    "ngan sach trung uong": FundingSource.CENTRAL,
    "long ghep": FundingSource.INTEGRATED,
    "tin dung": FundingSource.CREDIT,
    "von vay": FundingSource.CREDIT,
    "xhh": FundingSource.SOCIALISED,
    "xa hoi hoa": FundingSource.SOCIALISED,
    "huyen": FundingSource.LOCAL,
    "ns huyen": FundingSource.LOCAL,
    "ngan sach huyen": FundingSource.LOCAL,
    "xa": FundingSource.LOCAL,
    "ns xa": FundingSource.LOCAL,
    "ngan sach xa": FundingSource.LOCAL,
}
SUPPORTER_WORDS = {
    "tinh": SupporterLevel.PROVINCE,
    "tinh ho tro": SupporterLevel.PROVINCE,
    "cap tinh": SupporterLevel.PROVINCE,
    "huyen": SupporterLevel.DISTRICT,
    "huyen ho tro": SupporterLevel.DISTRICT,
    "cap huyen": SupporterLevel.DISTRICT,
    "xa": SupporterLevel.COMMUNE,
    "xa ho tro": SupporterLevel.COMMUNE,
    "cap xa": SupporterLevel.COMMUNE,
}


def _choice(text: str, choices, words: dict, what: str):
    """A choice from a cell: its key, its label, one of `words` as the whole cell, or the words found inside it (all
    naming the same choice). Raises DomainError naming what was not understood."""
    folded = fold(text)
    for value, label in choices:
        if folded in (fold(value), fold(str(label))):
            return value
    if folded in words:
        return words[folded]
    padded = f" {folded} "
    found = {words[w] for w in sorted(words, key=len, reverse=True) if f" {w} " in padded}
    if len(found) == 1:
        return found.pop()
    if len(found) > 1:
        raise DomainError(_("'%(v)s' ghi nhiều %(what)s khác nhau: tách thành nhiều dòng.") % {"v": text, "what": what})
    allowed = ", ".join(str(label) for _value, label in choices)
    raise DomainError(_("'%(v)s' không hiểu được; dùng: %(all)s.") % {"v": text, "all": allowed})


def parse_purpose(text: str) -> str:
    return _choice(text, SupportPurpose.choices, PURPOSE_WORDS, _("nội dung hỗ trợ"))


def parse_source(text: str) -> str:
    return _choice(text, FundingSource.choices, SOURCE_WORDS, _("nguồn vốn"))


def parse_supporter(text: str) -> str:
    if not text.strip():
        return ""
    return _choice(text, SupporterLevel.choices, SUPPORTER_WORDS, _("cấp hỗ trợ"))


_UNITS = [  # folded suffix → đồng
    ("ty dong", 10**9),
    ("trieu dong", 10**6),
    ("nghin dong", 10**3),
    ("ngan dong", 10**3),
    ("ty", 10**9),
    ("ti", 10**9),
    ("trieu", 10**6),
    ("tr", 10**6),
    ("nghin", 10**3),
    ("ngan", 10**3),
    ("vnd", 1),
    ("dong", 1),
    ("d", 1),
]
_AMOUNT = re.compile(r"^(\d[\d.,]*)\s*(\D*)$")  # the number, then its unit word (if any)
_GROUPED = re.compile(r"^\d{1,3}([.,])\d{3}(\1\d{3})*$")  # 1.500.000 or 1,500,000: thousands grouped


def parse_money(value) -> Decimal:
    """An amount in đồng as officials write it: a number cell, "1.500.000", "1,500,000", "1,5 tỷ", "200 triệu",
    "200tr", "1.500.000 đồng". Raises DomainError for anything else, a negative amount, a fraction of a đồng or more
    than MAX_SUPPORT_AMOUNT."""
    if isinstance(value, bool):
        raise DomainError(_("số tiền '%(v)s' không hợp lệ.") % {"v": value})
    if isinstance(value, (int, float, Decimal)):
        amount = Decimal(str(value))
    else:
        text = " ".join(str(value or "").split())
        match = _AMOUNT.match(text)
        units = dict((suffix.replace(" ", ""), factor) for suffix, factor in _UNITS)
        unit = fold(match.group(2)).replace(" ", "") if match else ""
        if not match or (unit and unit not in units):
            raise DomainError(
                _("số tiền '%(v)s' không hợp lệ: ghi 1.500.000, 1,5 tỷ, 200 triệu hoặc 200tr.") % {"v": text}
            )
        number, multiplier = match.group(1), units.get(unit, 1)
        if _GROUPED.match(number):
            number = number.replace(".", "").replace(",", "")
        elif multiplier > 1:
            number = number.replace(",", ".")  # "1,5 tỷ": a decimal part of the unit
        try:
            amount = Decimal(number) * multiplier
        except InvalidOperation as exc:
            raise DomainError(
                _("số tiền '%(v)s' không hợp lệ: ghi 1.500.000, 1,5 tỷ, 200 triệu hoặc 200tr.") % {"v": text}
            ) from exc
    if not amount.is_finite():
        raise DomainError(_("số tiền '%(v)s' không hợp lệ.") % {"v": value})
    if amount < 0:
        raise DomainError(_("số tiền không được âm."))
    if amount != amount.to_integral_value():
        raise DomainError(_("số tiền '%(v)s' có phần lẻ của đồng.") % {"v": value})
    if amount > MAX_SUPPORT_AMOUNT:
        raise DomainError(_("số tiền '%(v)s' quá lớn: hãy kiểm tra lại số chữ số.") % {"v": value})
    return amount.to_integral_value()


@dataclass
class RowOutcome:
    row: int
    year: int
    beneficiary: str
    purpose: str
    action: str


@dataclass
class ImportResult(BaseImportResult):
    @property
    def display(self) -> str:
        return _("Khoản hỗ trợ: %(created)s ghi mới, %(unchanged)s đã có (không thay đổi).") % {
            "created": self.counts["created"],
            "unchanged": self.counts["unchanged"],
        }


KEY_FIELDS = [
    "province_id",
    "year",
    "producer_id",
    "product_id",
    "linkage_project_id",
    "commune_id",
    "purpose",
    "source",
    "supporter",
    "amount_planned",
    "amount_disbursed",
    "disbursed_on",
    "decision_no",
    "decision_date",
    "note",
]


def _key(values: dict) -> tuple:
    return tuple(values.get(name) for name in KEY_FIELDS)


class _Lookup:
    """Products, producers, projects and communes found by folded name within a province, each asked once."""

    def __init__(self, actor):
        self.actor = actor
        self.resolver = CachedResolver()
        self.cache = {}

    def managed_provinces(self):
        if "provinces" not in self.cache:
            qs = AdministrativeUnit.objects.filter(level=Level.PROVINCE, valid_until__isnull=True)
            if self.actor is not None:
                qs = qs.for_user(self.actor, ACTION)
            self.cache["provinces"] = list(qs.order_by("name")[:2])
        return self.cache["provinces"]

    def province(self, text: str):
        key = ("province", fold(text))
        if key not in self.cache:
            try:
                unit, _notes = self.resolver.resolve(province=text, on_date=timezone.localdate())
                self.cache[key] = unit
            except DomainError as exc:
                self.cache[key] = exc
        found = self.cache[key]
        if isinstance(found, DomainError):
            raise found
        return found

    def commune(self, text: str, province):
        """A commune of the province by today's boundaries, else of one of its predecessor provinces before 07/2025."""
        key = ("commune", fold(text), province.pk)
        if key in self.cache:
            found = self.cache[key]
            if isinstance(found, DomainError):
                raise found
            return found
        try:
            unit, _notes = self.resolver.resolve(province=province.name, commune=text, on_date=timezone.localdate())
        except DomainError as exc:
            unit = None
            olds = AdministrativeUnit.objects.filter(pk__in=with_counterparts({province.pk}) - {province.pk})
            found = set()
            for old in olds:
                try:
                    found.add(
                        self.resolver.resolve(province=old.name, commune=text, on_date=datetime.date(2025, 6, 30))[0]
                    )
                except DomainError:
                    continue
            if len(found) == 1:
                unit = found.pop()
            else:
                self.cache[key] = exc
                raise
        self.cache[key] = unit
        return unit

    def _one(self, qs, text, what, describe):
        found = list(qs[:6])
        if not found:
            raise DomainError(_("không tìm thấy %(what)s '%(t)s' trong địa bàn của dòng.") % {"what": what, "t": text})
        if len(found) > 1:
            names = "; ".join(describe(x) for x in found[:5])
            raise DomainError(
                _("'%(t)s' trùng tên nhiều %(what)s: %(names)s. Hãy ghi thêm xã hoặc chủ thể.")
                % {"t": text, "what": what, "names": names}
            )
        return found[0]

    def producer(self, text, area):
        from producers.models import Producer

        qs = Producer.objects.filter(within(area, "location"), search_name=fold(text)).select_related("location")
        return self._one(qs, text, _("chủ thể"), lambda p: f"{p.name} ({p.location.name})")

    def product(self, text, area, producer=None):
        from products.models import Product

        qs = Product.objects.filter(within(area, "location"), search_name=fold(text))
        if producer is not None:
            qs = qs.filter(producer=producer)
        qs = qs.select_related("producer", "location")
        return self._one(qs, text, _("sản phẩm"), lambda p: f"{p.name} – {p.producer.name} ({p.location.name})")

    def linkage(self, text, province):
        from programme.models import LinkageProject

        key = ("linkages", province.pk)
        if key not in self.cache:
            projects = LinkageProject.objects.filter(within(province, "province"))
            self.cache[key] = [(fold(p.name), p) for p in projects]
        matches = [p for name, p in self.cache[key] if name == fold(text)]
        if not matches:
            raise DomainError(_("không tìm thấy dự án liên kết '%(t)s' của tỉnh.") % {"t": text})
        if len(matches) > 1:
            raise DomainError(
                _("'%(t)s' trùng tên nhiều dự án liên kết (mã %(ids)s).")
                % {"t": text, "ids": ", ".join(str(p.pk) for p in matches)}
            )
        return matches[0]


def _date(errors, row, key):
    text = row.text(key)
    if not text:
        return None
    try:
        return parse_date(row.values.get(key))
    except (YearOnly, DomainError) as exc:
        errors.append(RowError(row.number, key, exc.message))
        return None


def _parse_row(row, lookup: _Lookup, errors: list, warnings: list):
    """The row's values for funding_services.create_support, or None when it has an error (appended)."""
    from accounts.scope import area_scope

    before = len(errors)
    values = {}
    try:
        values["year"] = parse_year(row.values.get("year"), low=MIN_YEAR, high=MAX_YEAR)
    except DomainError:
        errors.append(
            RowError(
                row.number,
                "year",
                _("năm '%(v)s' không hợp lệ: ghi bốn chữ số, từ 2018 đến 2100.") % {"v": row.text("year")},
            )
        )
    province = None
    if row.text("province"):
        try:
            province = lookup.province(row.text("province"))
            if province.level != Level.PROVINCE:
                raise DomainError(_("'%(t)s' không phải một tỉnh, thành phố.") % {"t": row.text("province")})
        except DomainError as exc:
            errors.append(RowError(row.number, "province", exc.message))
            province = None
    else:
        provinces = lookup.managed_provinces()
        if len(provinces) == 1:
            province = provinces[0]
        else:
            errors.append(
                RowError(row.number, "province", _("hãy ghi tỉnh (bạn quản lý nhiều tỉnh hoặc không tỉnh nào)."))
            )
    if province is not None and lookup.actor is not None and not area_scope(lookup.actor, ACTION).contains(province):
        # checked before any lookup there, so a dry run says nothing about another province's records
        errors.append(
            RowError(
                row.number,
                "province",
                _("%(area)s nằm ngoài địa bàn bạn được giao: không nhập được dòng này.") % {"area": province.name},
            )
        )
        return None
    values["province"] = province
    for key, parse in (("purpose", parse_purpose), ("source", parse_source), ("supporter", parse_supporter)):
        text = row.text(key)
        if not text and key != "supporter":
            errors.append(RowError(row.number, key, _("bắt buộc, đang để trống.")))
            continue
        try:
            values[key] = parse(text)
        except DomainError as exc:
            errors.append(RowError(row.number, key, exc.message))
    for key in ("amount_planned", "amount_disbursed"):
        values[key] = None
        if row.text(key):
            try:
                values[key] = parse_money(row.values.get(key))
            except DomainError as exc:
                errors.append(RowError(row.number, key, exc.message))
    planned, disbursed = values.get("amount_planned"), values.get("amount_disbursed")
    if planned is not None and disbursed is not None and disbursed > planned:
        warnings.append(RowWarning(row.number, "amount_disbursed", _("số đã giải ngân lớn hơn kế hoạch.")))
    values["disbursed_on"] = _date(errors, row, "disbursed_on")
    number, written_date = split_decision(row.text("decision_no"))
    values["decision_no"] = number
    too_long(errors, row, "decision_no", number, "Số quyết định", max_length(SupportLine, "decision_no"))
    values["decision_date"] = _date(errors, row, "decision_date")
    if values["decision_date"] is None and written_date and not row.text("decision_date"):
        try:
            values["decision_date"] = parse_date(written_date)
        except (YearOnly, DomainError) as exc:
            errors.append(RowError(row.number, "decision_no", exc.message))
    values["note"] = row.text("note")
    for key in ("producer", "product", "linkage_project", "commune"):
        values[key] = None
    if province is not None:
        area = province
        if row.text("commune"):
            try:
                values["commune"] = area = lookup.commune(row.text("commune"), province)
            except DomainError as exc:
                errors.append(RowError(row.number, "commune", exc.message))
        if row.text("producer"):
            try:
                values["producer"] = lookup.producer(row.text("producer"), area)
            except DomainError as exc:
                errors.append(RowError(row.number, "producer", exc.message))
        if row.text("product"):
            try:
                values["product"] = lookup.product(row.text("product"), area, values["producer"])
            except DomainError as exc:
                errors.append(RowError(row.number, "product", exc.message))
        if row.text("linkage_project"):
            try:
                values["linkage_project"] = lookup.linkage(row.text("linkage_project"), province)
            except DomainError as exc:
                errors.append(RowError(row.number, "linkage_project", exc.message))
        if values["product"] is not None or values["producer"] is not None:
            values["commune"] = None  # the commune only narrowed the search: the place is the product's/producer's
        if not any(row.text(k) for k in ("producer", "product", "linkage_project", "commune")):
            errors.append(
                RowError(
                    row.number,
                    "producer",
                    _("hãy ghi đối tượng được hỗ trợ: chủ thể, sản phẩm, dự án liên kết hoặc xã."),
                )
            )
    if values.get("product") is not None:
        values["producer"] = values["product"].producer
    return values if len(errors) == before else None


def _existing_keys(rows: list) -> set:
    """The keys of the lines already recorded in the provinces and years of the file: one query."""
    provinces = {r["province"].pk for _n, r in rows}
    years = {r["year"] for _n, r in rows}
    if not rows:
        return set()
    existing = SupportLine.objects.filter(province_id__in=provinces, year__in=years).values(*KEY_FIELDS)
    return {_key(values) for values in existing}


def _row_key(values: dict) -> tuple:
    data = {
        "province_id": values["province"].pk,
        "year": values["year"],
        "producer_id": values["producer"].pk if values["producer"] else None,
        "product_id": values["product"].pk if values["product"] else None,
        "linkage_project_id": values["linkage_project"].pk if values["linkage_project"] else None,
        "commune_id": values["commune"].pk if values["commune"] else None,
        "purpose": values["purpose"],
        "source": values["source"],
        "supporter": values["supporter"],
        "amount_planned": values["amount_planned"],
        "amount_disbursed": values["amount_disbursed"],
        "disbursed_on": values["disbursed_on"],
        "decision_no": values["decision_no"],
        "decision_date": values["decision_date"],
        "note": values["note"],
    }
    return _key(data)


def _label(values) -> str:
    for key in ("product", "producer", "linkage_project", "commune"):
        if values.get(key) is not None:
            return str(values[key])
    return ""


def import_support(
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
    """Validate the whole file, then write in one transaction (rolled back for a dry run). Raises ImportErrors, or
    MappingError for a `mapping` (heading → key) that does not fit the file."""
    from programme import funding_services

    run = ImportRun(skip_invalid=skip_invalid, progress=progress, errors_to=errors_to)
    table = run.read(source, SUPPORT_COLUMNS, filename, kind="funding", mapping=mapping)
    errors, warnings = list(table.errors), list(table.warnings)
    lookup = _Lookup(actor)
    parsed = []
    seen = {}
    run.progress("validate", 0, len(table.rows), force=True)
    for done, row in enumerate(table.rows):
        run.progress("validate", done, len(table.rows))
        values = _parse_row(row, lookup, errors, warnings)
        if values is None:
            continue
        key = _row_key(values)
        if key in seen:
            errors.append(
                RowError(row.number, "producer", _("trùng với dòng %(n)s (mọi cột như nhau).") % {"n": seen[key]})
            )
            continue
        seen[key] = row.number
        parsed.append((row.number, values))
    run.progress("validate", len(table.rows), len(table.rows), force=True)
    run.check(errors, warnings)

    def write():
        result = ImportResult(warnings=list(warnings))
        row_errors = []
        existing = _existing_keys(parsed)
        labels = {"created": _("ghi mới"), "unchanged": _("đã có, không thay đổi")}
        run.progress("write", 0, len(parsed), force=True)
        for done, (number, values) in enumerate(parsed):
            run.progress("write", done, len(parsed))
            outcome = "unchanged"
            if _row_key(values) not in existing:
                try:
                    funding_services.create_support(actor=actor, **values)
                except DomainError as exc:
                    row_errors.append(RowError(number, exc.field or "producer", exc.message))
                    continue
                outcome = "created"
            result.counts[outcome] += 1
            result.outcomes.append(
                RowOutcome(
                    number, values["year"], _label(values), SupportPurpose(values["purpose"]).label, labels[outcome]
                )
            )
        run.progress("write", len(parsed), len(parsed), force=True)
        run.check(errors + row_errors, result.warnings)
        result.summary = f"support lines created={result.counts['created']} unchanged={result.counts['unchanged']}"
        result.errors = row_errors
        return result

    result = run_import(write, dry_run=dry_run)
    return run.finish(result, errors + result.errors, result.warnings)
