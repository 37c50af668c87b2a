"""`import_reports`: the yearly monitoring reports from a spreadsheet (import kind "monitoring", core.imports).

One row per product and year. The product is found by its name and its producer's (case, diacritics and spacing
ignored), among the products the importing account may report on (programme.report_monitoring; a producer account:
its linked producers' products); "Xã" tells apart two products of the same name and producer name. Every row is
checked first (the year, the product certified during it, not in the future, figures within bounds, employees parts
not above the total, one row per product and year); then all rows are written in one transaction or none. An
imported report is "submitted": the province approves it. An approved report is never overwritten (row error).

Money is in đồng and may be written "1,5 tỷ", "200 triệu", "35 nghìn", "1.500.000" or "1500000"; other numbers use
the Vietnamese marks too ("12,5"; "1.234,5"). A number whose only dot is followed by three digits ("1.500") is read
as thousands, as Vietnamese offices write it.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.errors import DomainError
from core.imports import Column, ImportRun, Row, RowError, parse_year, run_import
from core.imports import ImportResult as BaseImportResult
from core.text import fold
from products.models import Product
from programme.models import MonitoringReport, ReportStatus
from programme.monitoring_queries import certified_in_year_q, reportable_products
from programme.monitoring_services import AUDIT_FIELDS, FIGURE_FIELDS, clean_figures

REPORT_COLUMNS = [
    Column("year", "Năm", True),
    Column("product", "Sản phẩm", True),
    Column("producer", "Chủ thể", True),
    Column("commune", "Xã"),
    Column("output_quantity", "Sản lượng", True),
    Column("output_unit", "Đơn vị", True),
    Column("revenue", "Doanh thu", True),
    Column("average_price", "Giá bán bình quân"),
    Column("employees", "Lao động"),
    Column("employees_ethnic_minority", "Lao động DTTS"),
    Column("employees_women", "Lao động nữ"),
    Column("raw_material_area_ha", "Diện tích vùng nguyên liệu"),
    Column("households_linked", "Số hộ liên kết"),
    Column("markets", "Thị trường"),
    Column("channels", "Kênh bán"),
    Column("problems", "Khó khăn"),
]
MONEY_KEYS = {"revenue", "average_price"}
NUMBER_KEYS = {
    "output_quantity",
    "raw_material_area_ha",
    "employees",
    "employees_ethnic_minority",
    "employees_women",
    "households_linked",
}
MULTIPLIERS = {"ty": 10**9, "trieu": 10**6, "nghin": 10**3, "ngan": 10**3}
CURRENCY = re.compile(r"(?:vnđ|vnd|đồng|dong|đ)\.?$")
THOUSANDS_DOT = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
THOUSANDS_COMMA = re.compile(r"^\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?$")
DECIMAL_COMMA = re.compile(r"^\d+,\d+$")
PLAIN = re.compile(r"^\d+(?:\.\d+)?$")


def parse_number(value, *, money: bool = False) -> Decimal:
    """A number as written in Vietnamese registers (see the module docstring); DomainError when it is not one."""
    if isinstance(value, bool):
        raise DomainError(_("'%(v)s' không phải là số.") % {"v": value})
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = " ".join(str(value or "").split()).lower()
    original = text
    multiplier = 1
    if money:
        text = CURRENCY.sub("", text).strip()
        words = text.split(" ")
        if len(words) > 1 and fold(words[-1]) in MULTIPLIERS:
            multiplier = MULTIPLIERS[fold(words[-1])]
            text = " ".join(words[:-1])
    text = text.replace(" ", "")
    if THOUSANDS_DOT.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif THOUSANDS_COMMA.match(text):
        text = text.replace(",", "")
    elif DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    elif not PLAIN.match(text):
        raise DomainError(_("'%(v)s' không phải là số.") % {"v": original})
    try:
        return Decimal(text) * multiplier
    except InvalidOperation:
        raise DomainError(_("'%(v)s' không phải là số.") % {"v": original}) from None


@dataclass
class RowOutcome:
    row: int
    year: int
    product: str
    producer: str
    action: str


@dataclass
class ImportResult(BaseImportResult):
    @property
    def display(self) -> str:
        return _("Báo cáo sau công nhận: %(c)s lập mới, %(u)s cập nhật (đều ở tình trạng chờ tỉnh duyệt).") % {
            "c": self.counts["created"],
            "u": self.counts["updated"],
        }


@dataclass
class _Parsed:
    row: int
    year: int
    product: Product
    figures: dict


def _candidates(actor):
    """folded product name → [(folded producer name, product)] among what `actor` may report on (one query)."""
    qs = reportable_products(actor) if actor is not None else Product.objects.all()
    found: dict[str, list] = {}
    for product in qs.select_related("producer", "location"):
        found.setdefault(product.search_name or fold(product.name), []).append(product)
    return found


def _commune_matches(product, text: str) -> bool:
    from core.imports import name_key

    wanted = name_key(text)
    location = product.location
    return wanted in (location.search_name, fold(location.name), fold(location.short_name or ""))


def _find_product(errors, row: Row, candidates) -> Product | None:
    name, producer, commune = row.text("product"), row.text("producer"), row.text("commune")
    for key, text in (("product", name), ("producer", producer)):
        if not text:
            errors.append(RowError(row.number, key, _("bắt buộc, đang để trống.")))
    if not name or not producer:
        return None
    found = [p for p in candidates.get(fold(name), []) if fold(p.producer.name) == fold(producer)]
    if commune:
        found = [p for p in found if _commune_matches(p, commune)]
    if not found:
        errors.append(
            RowError(
                row.number,
                "product",
                _("không tìm thấy sản phẩm '%(p)s' của chủ thể '%(c)s'%(x)s trong các sản phẩm bạn được lập báo cáo.")
                % {"p": name, "c": producer, "x": (" " + _("ở %(x)s") % {"x": commune}) if commune else ""},
            )
        )
        return None
    if len(found) > 1:
        errors.append(
            RowError(
                row.number,
                "commune",
                _("có nhiều sản phẩm '%(p)s' của '%(c)s': ghi thêm cột Xã.") % {"p": name, "c": producer},
            )
        )
        return None
    return found[0]


def _figures(errors, row: Row) -> dict | None:
    values, before = {}, len(errors)
    for column in REPORT_COLUMNS:
        key = column.key
        if key in ("year", "product", "producer", "commune"):
            continue
        text = row.text(key)
        if key in MONEY_KEYS or key in NUMBER_KEYS:
            if not text:
                values[key] = None
                continue
            try:
                values[key] = parse_number(row.values.get(key), money=key in MONEY_KEYS)
            except DomainError as exc:
                errors.append(RowError(row.number, key, exc.message))
        else:
            values[key] = text
    if len(errors) > before:
        return None
    try:
        return clean_figures(values)
    except DomainError as exc:
        errors.append(RowError(row.number, exc.field or "file", exc.message))
        return None


def _parse(table, actor, tick):
    errors, warnings = list(table.errors), list(table.warnings)
    candidates = _candidates(actor)
    today = timezone.localdate()
    parsed, seen = [], {}
    tick("validate", 0, len(table.rows), force=True)
    for done, row in enumerate(table.rows):
        tick("validate", done, len(table.rows))
        before = len(errors)
        year = None
        if not row.text("year"):
            errors.append(RowError(row.number, "year", _("bắt buộc, đang để trống.")))
        else:
            try:
                year = parse_year(row.values.get("year"), low=2018, high=2100)
            except DomainError:
                errors.append(
                    RowError(
                        row.number,
                        "year",
                        _("năm '%(v)s' không hợp lệ: ghi bốn chữ số từ 2018.") % {"v": row.text("year")},
                    )
                )
        if year is not None and year > today.year:
            errors.append(RowError(row.number, "year", _("năm %(y)s chưa đến.") % {"y": year}))
            year = None
        product = _find_product(errors, row, candidates)
        figures = _figures(errors, row)
        if product is not None and year is not None:
            key = (product.pk, year)
            if key in seen:
                errors.append(
                    RowError(
                        row.number, "product", _("trùng với dòng %(n)s (cùng sản phẩm, cùng năm).") % {"n": seen[key]}
                    )
                )
            seen.setdefault(key, row.number)
        if len(errors) == before:
            parsed.append(_Parsed(row.number, year, product, figures))
    _check_records(errors, parsed)
    tick("validate", len(table.rows), len(table.rows), force=True)
    failed = {e.row for e in errors}
    return [p for p in parsed if p.row not in failed], errors, warnings


def _check_records(errors, parsed):
    """What the database says about the rows: certified during the year, not approved yet (two queries)."""
    if not parsed:
        return
    from certification.models import Certificate

    years = {p.year for p in parsed}
    ids = {p.product.pk for p in parsed}
    certified = set()
    for year in years:
        certified |= {
            (pk, year)
            for pk in Certificate.objects.filter(certified_in_year_q(year), product_id__in=ids).values_list(
                "product_id", flat=True
            )
        }
    approved = set(
        MonitoringReport.objects.filter(product_id__in=ids, year__in=years, status=ReportStatus.APPROVED).values_list(
            "product_id", "year"
        )
    )
    for p in parsed:
        if (p.product.pk, p.year) not in certified:
            errors.append(
                RowError(
                    p.row,
                    "year",
                    _("sản phẩm '%(p)s' không có giấy chứng nhận còn hiệu lực trong năm %(y)s.")
                    % {"p": p.product.name, "y": p.year},
                )
            )
        elif (p.product.pk, p.year) in approved:
            errors.append(
                RowError(
                    p.row,
                    "product",
                    _("báo cáo năm %(y)s của '%(p)s' đã được duyệt: không ghi đè (nhờ tỉnh mở lại nếu cần sửa).")
                    % {"p": p.product.name, "y": p.year},
                )
            )


def _write(rows: list[_Parsed], actor, tick) -> tuple[ImportResult, list[RowError]]:
    """Every row, each audited; returns the result and the rows refused on the way (reports approved meanwhile)."""
    result = ImportResult()
    late = []
    user = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    existing = {
        (r.product_id, r.year): r
        for r in MonitoringReport.objects.select_for_update().filter(
            product_id__in={p.product.pk for p in rows}, year__in={p.year for p in rows}
        )
    }
    labels = {"created": _("lập mới"), "updated": _("cập nhật")}
    tick("write", 0, len(rows), force=True)
    for done, p in enumerate(rows):
        tick("write", done, len(rows))
        report = existing.get((p.product.pk, p.year))
        before = None
        if report is None:
            report = MonitoringReport(product=p.product, year=p.year, created_by=user)
            outcome = "created"
        else:
            if report.status == ReportStatus.APPROVED:  # approved since the check: the file is refused
                late.append(
                    RowError(
                        p.row,
                        "product",
                        _("báo cáo năm %(y)s của '%(p)s' vừa được duyệt.") % {"y": p.year, "p": p.product.name},
                    )
                )
                continue
            before = audit.snapshot(report, AUDIT_FIELDS)
            report.version += 1
            outcome = "updated"
        for name in FIGURE_FIELDS:
            setattr(report, name, p.figures[name])
        report.status = ReportStatus.SUBMITTED
        report.submitted_by, report.submitted_at, report.updated_at = user, now, now
        report.return_reason = ""
        report.save()
        audit.record(
            actor=actor,
            action="programme.monitoring.imported",
            obj=report,
            area=p.product.location,
            before=before,
            after=audit.snapshot(report, AUDIT_FIELDS),
        )
        result.counts[outcome] += 1
        result.outcomes.append(RowOutcome(p.row, p.year, p.product.name, p.product.producer.name, labels[outcome]))
    tick("write", len(rows), len(rows), force=True)
    result.summary = f"created={result.counts['created']} updated={result.counts['updated']}"
    return result, late


def import_reports(
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
    """Validate the whole file, then write every valid row in one transaction (rolled back for a dry run). Raises
    core.imports.ImportErrors (nothing written) unless every error is a data row's and `skip_invalid`."""
    run = ImportRun(skip_invalid=skip_invalid, progress=progress, errors_to=errors_to)
    table = run.read(source, REPORT_COLUMNS, filename, kind="monitoring", mapping=mapping)
    rows, errors, warnings = _parse(table, actor, run.progress)
    run.check(errors, warnings)

    def write():
        result, late = _write(rows, actor, run.progress)
        if late:  # all or nothing: raising rolls the transaction back
            run.refuse(errors + late, warnings)
        result.warnings = list(warnings)
        return result

    result = run_import(write, dry_run=dry_run)
    return run.finish(result, errors, warnings)
