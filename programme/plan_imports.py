"""`import_plan_lines`: the products annual plans name, from the spreadsheets offices keep (one row per product).

Each row names its plan by area + year + number (or title), created when missing, and one product of it, matched
within the plan by its folded name: importing the same file again changes nothing. Every row is read and checked
first (core.imports), then everything is written through programme.plan_services in one transaction, or nothing.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from areas.choices import Level, Scheme
from areas.models import AdministrativeUnit
from areas.queries import CachedResolver, get_unit, scheme_on
from core.errors import DomainError
from core.import_checks import max_length, out_of_scope, too_long
from core.imports import Column, ImportRun, RowError, parse_year, run_import, split_address
from core.imports import ImportResult as BaseImportResult
from core.text import fold
from programme import plan_services as services
from programme.choices import FundingSource, SupporterLevel
from programme.models import MAX_YEAR, MIN_YEAR, AnnualPlan, LineAction, PlanLine

ACTION = "programme.manage_plans"
KIND = "plan-lines"
PLAN_COLUMNS = [
    Column("year", "Năm", True),
    Column("area", "Địa bàn", True),
    Column("plan_no", "Số kế hoạch"),
    Column("plan_title", "Tên kế hoạch"),
    Column("product", "Tên sản phẩm", True),
    Column("producer", "Chủ thể"),
    Column("commune", "Xã"),
    Column("action", "Nội dung", True),
    Column("stars", "Hạng sao"),
    Column("supported_by", "Cấp hỗ trợ"),
    Column("funding_source", "Nguồn kinh phí"),
    Column("amount", "Kinh phí"),
    Column("note", "Ghi chú"),
]
LABELS = {c.key: c.label for c in PLAN_COLUMNS}
REFORM_EVE = datetime.date(2025, 6, 30)  # the last day of districts and of the old communes

ACTION_WORDS = {
    LineAction.NEW_RECOGNITION: (
        "moi",
        "new",
        "cong nhan moi",
        "cong nhan",
        "danh gia moi",
        "danh gia cong nhan moi",
        "danh gia cong nhan",
        "xay dung moi",
        "phat trien moi",
        "san pham moi",
    ),
    LineAction.UPGRADE: ("nang hang", "nang sao", "nang hang sao", "upgrade", "nang cap", "nang hang san pham"),
    LineAction.RE_RECOGNITION: (
        "cong nhan lai",
        "danh gia lai",
        "danh gia cong nhan lai",
        "danh gia va cong nhan lai",
        "re recognition",
    ),
    LineAction.SUPPORT: ("ho tro", "ho tro phat trien", "support", "cung co", "duy tri"),
}
SUPPORTER_WORDS = {
    SupporterLevel.PROVINCE: ("tinh", "tinh ho tro", "cap tinh", "province"),
    SupporterLevel.DISTRICT: ("huyen", "huyen ho tro", "cap huyen", "district"),
    SupporterLevel.COMMUNE: ("xa", "xa ho tro", "cap xa", "commune"),
}
SOURCE_WORDS = {
    FundingSource.NTM: (
        "ntm",
        "nong thon moi",
        "ctmtqg ntm",
        "ctmtqg nong thon moi",
        "chuong trinh ntm",
        "chuong trinh nong thon moi",
        "chuong trinh mtqg ntm",
        "chuong trinh mtqg nong thon moi",
        "chuong trinh muc tieu quoc gia nong thon moi",
        "chuong trinh muc tieu quoc gia xay dung nong thon moi",
        "von ntm",
    ),
    FundingSource.PROVINCIAL: ("ngan sach tinh", "ns tinh", "nst", "von tinh", "tinh", "provincial"),
    FundingSource.CENTRAL: ("trung uong", "ngan sach trung uong", "ns trung uong", "nstw", "ns tw", "central"),
    FundingSource.LOCAL: (
        "dia phuong",
        "ngan sach dia phuong",
        "ngan sach huyen",
        "ns huyen",
        "ngan sach xa",
        "ns xa",
        "ngan sach huyen xa",
        "local",
    ),
    FundingSource.SOCIALISED: ("xa hoi hoa", "xhh", "nguon xa hoi hoa", "von xa hoi hoa", "socialised"),
    FundingSource.CREDIT: ("tin dung", "von tin dung", "von vay", "vay von", "credit"),
    FundingSource.INTEGRATED: (
        "long ghep",
        "von long ghep",
        "long ghep cac chuong trinh",
        "long ghep cac chuong trinh du an",
        "integrated",
    ),
}


def _lookup(words: dict) -> dict[str, str]:
    return {fold(word): str(value) for value, listed in words.items() for word in (value, *listed)}


ACTIONS, SUPPORTERS, SOURCES = _lookup(ACTION_WORDS), _lookup(SUPPORTER_WORDS), _lookup(SOURCE_WORDS)


def parse_choice(text: str, table: dict[str, str], examples: str) -> str:
    folded = fold(text)
    if folded in table:
        return table[folded]
    raise DomainError(_("'%(v)s' không hiểu được (ghi %(e)s).") % {"v": text, "e": examples})


_STARS = re.compile(r"^([345])(?: ?sao)?$")


def parse_stars(value) -> int | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    match = _STARS.match(fold(text))  # fold turns "3*" and "3★" into "3"
    if not match:
        raise DomainError(_("hạng sao '%(v)s' không hợp lệ (ghi 3, 4 hoặc 5; '3 sao', '3*' cũng được).") % {"v": text})
    return int(match.group(1))


_MULTIPLIERS = (("ty", 10**9), ("ti", 10**9), ("trieu", 10**6), ("tr", 10**6), ("nghin", 10**3), ("ngan", 10**3))
_AMOUNT = re.compile(r"^(?P<number>\d[\d.,]*(?: \d{3})*)\s*(?P<unit>[^\d\s].*)?$")


def _number(text: str, scaled: bool) -> Decimal:
    """'1.500.000' and '1,500,000' are thousands; '1,5' (and '1.5' before a unit such as tỷ) is a fraction."""
    if "." in text and "," in text:  # Vietnamese writing: dots group thousands, a comma starts the fraction
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = (
            text.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", text) and not scaled else text.replace(",", ".")
        )
    elif "." in text and re.fullmatch(r"\d{1,3}(\.\d{3})+", text) and not scaled or text.count(".") > 1:
        text = text.replace(".", "")
    return Decimal(text)


def parse_amount(value) -> Decimal | None:
    """An amount in đồng: 1500000, '1.500.000', '1.500.000 đồng', '200 triệu', '1,5 tỷ'."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, (int, float, Decimal)):
        amount = Decimal(str(value))
    else:
        text = " ".join(str(value or "").split())
        if not text:
            return None
        match = _AMOUNT.match(text)
        error = DomainError(
            _("kinh phí '%(v)s' không hợp lệ (ghi số đồng như 1.500.000, hoặc '200 triệu', '1,5 tỷ').") % {"v": text}
        )
        if not match:
            raise error
        unit_words = re.sub(r"(^| )(dong|d|vnd)$", "", fold(match.group("unit") or "")).strip()  # "triệu đồng"
        unit = dict(_MULTIPLIERS).get(unit_words, None if unit_words else 1)
        if unit is None:
            raise error
        try:
            amount = _number(match.group("number").replace(" ", ""), unit != 1) * unit
        except InvalidOperation as exc:
            raise error from exc
    if amount < 0 or amount > services.MAX_AMOUNT:
        raise DomainError(_("kinh phí phải từ 0 đến 10^15 đồng."))
    if amount != amount.to_integral_value():
        raise DomainError(_("kinh phí ghi bằng đồng, không có phần lẻ."))
    return amount.quantize(Decimal(1))


@dataclass
class RowOutcome:
    row: int
    year: int
    plan: str
    product: str
    action: str


@dataclass
class ImportResult(BaseImportResult):
    @property
    def display(self) -> str:
        c = self.counts
        return _(
            "Kế hoạch: %(p_created)s tạo mới, %(p_found)s đã có; sản phẩm trong kế hoạch: %(created)s thêm mới, "
            "%(updated)s cập nhật, %(unchanged)s không thay đổi."
        ) % {
            "p_created": c["plans_created"],
            "p_found": c["plans_found"],
            "created": c["lines_created"],
            "updated": c["lines_updated"],
            "unchanged": c["lines_unchanged"],
        }


@dataclass
class _Parsed:
    row: int
    year: int
    area: AdministrativeUnit
    plan_no: str
    plan_title: str
    values: dict


def _home_province_name(actor) -> str:
    """The province of the actor's plan memberships when there is exactly one (a bare commune name is read in it)."""
    from accounts.models import Membership
    from accounts.scope import roles_for

    if actor is None:
        return ""
    names = set()
    for membership in (
        Membership.objects.active()
        .filter(user=actor, role__in=roles_for(ACTION), area__isnull=False)
        .select_related("area__province")
    ):
        area = membership.area
        names.add(area.name if area.level == Level.PROVINCE else area.province.name if area.province_id else "")
    return names.pop() if len(names) == 1 else ""


class _Areas:
    """The plan's area from what a row writes: an area id ('2025:11'), a code ('11', '094', '03328') or names
    ('Tỉnh Điện Biên', 'Huyện Điện Biên', 'Xã Thanh Nưa, Điện Biên'), in the scheme of the plan's year."""

    def __init__(self, actor):
        self.resolver = CachedResolver()
        self.home = _home_province_name(actor)
        self.memo = {}

    def area(self, text: str, year: int):
        key = (text, year)
        if key not in self.memo:
            try:
                self.memo[key] = (self._area(text, year), None)
            except DomainError as exc:
                self.memo[key] = (None, exc)
        unit, error = self.memo[key]
        if error:
            raise error
        return unit

    def _area(self, text: str, year: int):
        if ":" in text:
            return get_unit(text.strip())
        if text.isdigit():
            scheme = Scheme.PRE2025 if len(text) == 3 or year < 2025 else scheme_on(datetime.date(year, 12, 31))
            unit = AdministrativeUnit.objects.filter(scheme=scheme, code=text).first()
            if unit is None:
                raise DomainError(_("không có đơn vị hành chính mã %(c)s.") % {"c": text})
            return unit
        parts = split_address(text)
        city = parts.pop("city", "")
        if city:
            parts.setdefault("district" if parts.get("province") else "province", city)
        if not parts:
            parts = {"province": text}
        if "province" not in parts:
            if not self.home:
                raise DomainError(_("'%(t)s': hãy ghi thêm tên tỉnh (ví dụ 'Xã Thanh Nưa, Điện Biên').") % {"t": text})
            parts["province"] = self.home
        return self.resolver(
            province=parts["province"],
            district=parts.get("district"),
            commune=parts.get("commune"),
            on_date=self.day(year, bool(parts.get("district"))),
        )

    @staticmethod
    def day(year: int, district: bool) -> datetime.date:
        end = datetime.date(year, 12, 31)
        return min(end, REFORM_EVE) if district else end

    def commune(self, text: str, area, year: int):
        """A commune of the plan's area, named as written ('Xã Thanh Nưa', 'Thanh Nưa')."""
        province = area if area.level == Level.PROVINCE else area.province
        district = area if area.level == Level.DISTRICT else area.district if area.district_id else None
        day = datetime.date(year, 12, 31)
        if district is not None or area.scheme == Scheme.PRE2025:
            day = min(day, REFORM_EVE)
        return self.resolver(
            province=province.name, district=district.name if district else None, commune=text, on_date=day
        )


def _year(errors, row):
    if not row.text("year"):
        errors.append(RowError(row.number, "year", _("bắt buộc, đang để trống.")))
        return None
    try:
        return parse_year(row.values.get("year"), low=MIN_YEAR, high=MAX_YEAR)
    except DomainError:
        errors.append(
            RowError(
                row.number,
                "year",
                _("năm '%(v)s' không hợp lệ: ghi bốn chữ số từ %(a)s đến %(b)s.")
                % {"v": row.text("year"), "a": MIN_YEAR, "b": MAX_YEAR},
            )
        )
        return None


def _parse(table, actor, tick):
    errors, warnings = list(table.errors), list(table.warnings)
    areas = _Areas(actor)
    limits = {
        "plan_no": max_length(AnnualPlan, "decision_no"),
        "plan_title": max_length(AnnualPlan, "title"),
        "product": max_length(PlanLine, "name"),
        "producer": max_length(PlanLine, "producer_name"),
        "note": max_length(PlanLine, "note"),
    }
    parsed, seen = [], {}
    tick("validate", 0, len(table.rows), force=True)
    for done, row in enumerate(table.rows):
        tick("validate", done, len(table.rows))
        before = len(errors)
        year = _year(errors, row)
        for key, limit in limits.items():
            too_long(errors, row, key, row.text(key), LABELS[key], limit)
        for key in ("area", "product", "action"):
            if not row.text(key) and key not in table.missing:
                errors.append(RowError(row.number, key, _("bắt buộc, đang để trống.")))
        if not row.text("plan_no") and not row.text("plan_title"):
            errors.append(
                RowError(row.number, "plan_no", _("ghi số kế hoạch hoặc tên kế hoạch để biết dòng thuộc kế hoạch nào."))
            )
        values = {"name": row.text("product"), "producer_name": row.text("producer"), "note": row.text("note")}
        for key, target, table_, examples in (
            ("action", "action", ACTIONS, _("mới, nâng hạng, công nhận lại, hỗ trợ")),
            ("supported_by", "supported_by", SUPPORTERS, _("tỉnh, huyện, xã")),
            ("funding_source", "funding_source", SOURCES, _("NTM, ngân sách tỉnh, trung ương, xã hội hóa, …")),
        ):
            values[target] = ""
            if row.text(key):
                try:
                    values[target] = parse_choice(row.text(key), table_, examples)
                except DomainError as exc:
                    errors.append(RowError(row.number, key, exc.message))
        for key, target, parse in (("stars", "target_stars", parse_stars), ("amount", "planned_amount", parse_amount)):
            try:
                values[target] = parse(row.values.get(key))
            except DomainError as exc:
                errors.append(RowError(row.number, key, exc.message))
        area = None
        if year and row.text("area"):
            try:
                area = areas.area(row.text("area"), year)
            except DomainError as exc:
                errors.append(RowError(row.number, "area", exc.message))
            else:
                if out_of_scope(errors, row, "area", area, actor, ACTION):
                    area = None  # nothing more is said about another province's records
                else:
                    try:
                        services.check_area(area, year)
                    except DomainError as exc:
                        errors.append(RowError(row.number, "area", exc.message))
                        area = None
        values["commune"] = None
        if area is not None and row.text("commune"):
            try:
                commune = areas.commune(row.text("commune"), area, year)
            except DomainError as exc:
                errors.append(RowError(row.number, "commune", exc.message))
            else:
                if commune.level != Level.COMMUNE or not services.lies_in(commune, area):
                    errors.append(
                        RowError(
                            row.number, "commune", _("%(c)s không thuộc %(a)s.") % {"c": commune.name, "a": area.name}
                        )
                    )
                else:
                    values["commune"] = commune
        if area is not None and values["name"]:
            key = (area.pk, year, fold(row.text("plan_no")), fold(row.text("plan_title")), fold(values["name"]))
            if key in seen:
                errors.append(
                    RowError(
                        row.number,
                        "product",
                        _("trùng với dòng %(n)s (cùng kế hoạch và tên sản phẩm).") % {"n": seen[key]},
                    )
                )
            seen.setdefault(key, row.number)
        if len(errors) == before:
            parsed.append(_Parsed(row.number, year, area, row.text("plan_no"), row.text("plan_title"), values))
    tick("validate", len(table.rows), len(table.rows), force=True)
    return parsed, errors, warnings


def _find_plan(plans_cache, actor, r: _Parsed, result):
    """The row's plan: same area and year, and same number (or, without one, same title); created when missing."""
    key = (r.area.pk, r.year)
    if key not in plans_cache:
        plans_cache[key] = list(AnnualPlan.objects.filter(area=r.area, year=r.year).select_related("area"))
    for plan in plans_cache[key]:
        if r.plan_no and fold(plan.decision_no) == fold(r.plan_no):
            return plan
        if not r.plan_no and fold(plan.title) == fold(r.plan_title):
            return plan
    title = r.plan_title or _("Kế hoạch OCOP năm %(y)s – %(a)s") % {"y": r.year, "a": r.area.name}
    plan = services.create_plan(actor=actor, area=r.area, year=r.year, title=title, decision_no=r.plan_no)
    plans_cache[key].append(plan)
    result.counts["plans_created"] += 1
    return plan


def _same(line, values) -> bool:
    return all(
        (getattr(line, f"{k}_id") if k == "commune" else getattr(line, k)) == (v.pk if k == "commune" and v else v)
        for k, v in values.items()
    )


def _write(rows: list[_Parsed], actor, warnings, tick):
    result = ImportResult(warnings=list(warnings))
    errors = []
    plans_cache, lines_cache, found_plans = {}, {}, set()
    labels = {"created": _("thêm mới"), "updated": _("cập nhật"), "unchanged": _("không thay đổi")}
    tick("write", 0, len(rows), force=True)
    for done, r in enumerate(rows):
        tick("write", done, len(rows))
        try:
            created_before = result.counts["plans_created"]
            plan = _find_plan(plans_cache, actor, r, result)
            if result.counts["plans_created"] == created_before and plan.pk not in found_plans:
                found_plans.add(plan.pk)
                result.counts["plans_found"] += 1
            if plan.pk not in lines_cache:
                lines_cache[plan.pk] = {fold(line.name): line for line in plan.lines.all()}
            line = lines_cache[plan.pk].get(fold(r.values["name"]))
            if line is None:
                line = services.add_line(actor=actor, plan=plan, **r.values)
                lines_cache[plan.pk][fold(line.name)] = line
                outcome = "created"
            elif _same(line, r.values):
                outcome = "unchanged"
            else:
                line = services.update_line(actor=actor, line=line, **r.values)
                lines_cache[plan.pk][fold(line.name)] = line
                outcome = "updated"
        except DomainError as exc:
            errors.append(RowError(r.row, exc.field if exc.field in LABELS else "area", exc.message))
            continue
        result.counts[f"lines_{outcome}"] += 1
        result.outcomes.append(RowOutcome(r.row, r.year, plan.title, r.values["name"], labels[outcome]))
    tick("write", len(rows), len(rows), force=True)
    c = result.counts
    result.summary = (
        f"plans created={c['plans_created']} found={c['plans_found']}; lines created={c['lines_created']} "
        f"updated={c['lines_updated']} unchanged={c['lines_unchanged']}"
    )
    return result, errors


def import_plan_lines(
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
    run = ImportRun(skip_invalid=skip_invalid, progress=progress, errors_to=errors_to)
    table = run.read(source, PLAN_COLUMNS, filename, kind=KIND, mapping=mapping)
    rows, errors, warnings = _parse(table, actor, run.progress)
    skipped = run.check(errors, warnings)
    rows = [r for r in rows if r.row not in skipped]

    def write():
        result, row_errors = _write(rows, actor, warnings, run.progress)
        run.check(errors + row_errors, result.warnings)
        if any(v for k, v in result.counts.items() if k in ("plans_created", "lines_created", "lines_updated")):
            from core import audit

            audit.record(
                actor=actor,
                action="programme.plan.imported",
                object_type_label="programme.plan-import",
                label=str(filename or ""),
                after={"summary": result.summary},
            )
        result.errors = row_errors
        return result

    result = run_import(write, dry_run=dry_run)
    return run.finish(result, errors + result.errors, result.warnings)
