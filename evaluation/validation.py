"""Criteria sets as plain specs, and their validation: every problem found, each with where it is.

A spec comes from a YAML file (`evaluation.loader`), a spreadsheet (`evaluation.spreadsheet`) or the database
(`spec_from_db`, for comparisons and exports). `validate_set` checks one whole set, sheets included:
parts A, B and C present once each and summing to 100; section and criterion codes unique; every criterion in a known
section with at least one option; no option above the criterion's stated maximum or its part's points; and, for every
scope whose sheet is loaded, each part's criteria (their best options) reaching exactly the part's points.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from core.errors import DomainError
from core.imports import RowError
from evaluation.choices import PART_CODES, SET_TOTAL, SetStatus
from products.choices import CategorySystem

MAX_POINTS = Decimal("999.99")  # the DecimalField(max_digits=5, decimal_places=2) of options


@dataclass(frozen=True)
class Origin:
    """Where an element was read: a spreadsheet row, or a path in a YAML file ("148.yaml: parts[A]")."""

    row: int | None = None
    path: str = ""

    def child(self, name: str) -> "Origin":
        if self.row is not None:
            return self
        return Origin(path=f"{self.path}.{name}" if self.path else name)


@dataclass(frozen=True)
class Problem:
    origin: Origin
    column: str
    message: str

    def __str__(self):
        if self.origin.row is not None:
            return str(self.as_row_error())
        where = ".".join(p for p in (self.origin.path, self.column) if p)
        return f"{where}: {self.message}"

    def as_row_error(self) -> RowError:
        if self.origin.row is not None:
            return RowError(self.origin.row, self.column, self.message)
        return RowError(1, ".".join(p for p in (self.origin.path, self.column) if p), self.message)


class CriteriaErrors(DomainError):
    """A criteria set (or sheet) was refused; `problems` lists every problem, nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems), code="CriteriaErrors")


@dataclass
class OptionSpec:
    text: str
    points: Decimal | None
    mandatory_for_stars: tuple[int, ...] = ()
    origin: Origin = field(default_factory=Origin)
    printed_points: Decimal | None = None  # as printed, when the scoring points differ (a recorded misprint)
    case_label: str = ""  # the printed "trường hợp" the option belongs to


@dataclass
class CriterionSpec:
    code: str
    section: str
    text: str
    options: list[OptionSpec] = field(default_factory=list)
    max_points: Decimal | None = None  # the stated maximum, checked against the best option when given
    part: str = ""  # the part as written in a spreadsheet row, checked against the section's part when given
    origin: Origin = field(default_factory=Origin)
    heading: str = ""  # a sub-criterion's parent ("6.1 Ngoại hình")
    notes: tuple[str, ...] = ()

    @property
    def best(self) -> Decimal:
        points = [o.points for o in self.options if o.points is not None]
        return max(points) if points else Decimal(0)


@dataclass
class ScopeSpec:
    code: str  # the ProductCategory code within the set's system
    criteria: list[CriterionSpec] | None = None  # None: this source says nothing about the sheet
    origin: Origin = field(default_factory=Origin)
    category: object = None  # resolved by validate_set
    incoming: bool = True  # False for a sheet already stored and only re-checked
    source: str = ""  # where a stored sheet was loaded from
    number: int | None = None
    title: str = ""
    classification: str = ""
    eliminated_when: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass
class PartSpec:
    code: str
    name: str
    points: int | None
    origin: Origin = field(default_factory=Origin)


@dataclass
class SectionSpec:
    code: str
    name: str
    part: str
    origin: Origin = field(default_factory=Origin)
    notes: tuple[str, ...] = ()


@dataclass
class SetSpec:
    code: str
    system: str
    title: str
    decision: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    status: str
    parts: list[PartSpec] = field(default_factory=list)
    sections: list[SectionSpec] = field(default_factory=list)
    scopes: list[ScopeSpec] = field(default_factory=list)
    origin: Origin = field(default_factory=Origin)
    source: str = ""
    # An official text loaded as printed: sums and maxima that the text itself gets wrong are findings shown to the
    # administrator (kept in `findings`), not refusals; everything else is validated as for any set.
    official: bool = False
    findings: list[str] = field(default_factory=list)
    reading_findings: list[str] = field(default_factory=list)  # what the reader changed or supplied, said once


def to_points(value) -> Decimal:
    """A number of points: int, float, Decimal or text ("2", "1,5"); DomainError otherwise."""
    if isinstance(value, bool) or value is None:
        raise DomainError("thiếu điểm hoặc điểm không phải là số.")
    if isinstance(value, str):
        text = value.strip().replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        value = text
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise DomainError(f"điểm '{value}' không phải là số.") from exc
    if not number.is_finite():
        raise DomainError(f"điểm '{value}' không phải là số.")
    if number < 0:
        raise DomainError(f"điểm {fmt(number)} âm.")
    if number > MAX_POINTS or number != number.quantize(Decimal("0.01")):
        raise DomainError(f"điểm {value} không hợp lệ (tối đa 999,99 và hai chữ số thập phân).")
    return number.normalize() if number == number.to_integral_value() else number


def fmt(number) -> str:
    """Points as Vietnamese write them: 35, 1,5."""
    if number is None:
        return "?"
    number = Decimal(number)
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f").replace(".", ",")


def _key_points(number) -> str:
    return fmt(number)


def structure_key(spec: SetSpec) -> tuple:
    return (
        spec.system,
        spec.title,
        spec.decision,
        spec.valid_from,
        tuple((p.code, p.name, p.points) for p in spec.parts),
        tuple((s.code, s.name, s.part, tuple(s.notes)) for s in spec.sections),
    )


def sheet_key(criteria: list[CriterionSpec] | None) -> tuple:
    """Everything that makes two sheets the same sheet: codes, texts, order, options, points, mandatory flags."""
    return tuple(
        (
            c.code,
            c.section,
            c.text,
            c.heading,
            tuple(c.notes),
            _key_points(c.best),
            tuple(
                (
                    o.text,
                    _key_points(o.points),
                    tuple(sorted(o.mandatory_for_stars)),
                    None if o.printed_points is None else _key_points(o.printed_points),
                    o.case_label,
                )
                for o in c.options
            ),
        )
        for c in criteria or []
    )


def sheet_meta_key(scope: ScopeSpec) -> tuple:
    return (scope.number, scope.title, scope.classification, tuple(scope.eliminated_when), tuple(scope.notes))


def has_sheet(scope: ScopeSpec) -> bool:
    return bool(scope.criteria)


def validate_set(spec: SetSpec, categories: dict) -> list[Problem]:
    """All problems of one set. `categories` maps (system, code) → ProductCategory; resolved scopes get `.category`."""
    problems: list[Problem] = []

    def add(origin, column, message):
        problems.append(Problem(origin, column, message))

    o = spec.origin
    if not spec.code:
        add(o, "code", "thiếu mã bộ tiêu chí.")
    elif len(spec.code) > 40:
        add(o, "code", "mã bộ tiêu chí dài quá 40 ký tự.")
    if spec.system not in CategorySystem.values:
        add(
            o,
            "system",
            f"'{spec.system}' không phải hệ thống nhóm sản phẩm đã biết ({', '.join(CategorySystem.values)}).",
        )
    if not spec.title:
        add(o, "title", "thiếu tên bộ tiêu chí.")
    if not spec.decision:
        add(o, "decision", "thiếu căn cứ (số quyết định).")
    if not isinstance(spec.valid_from, datetime.date):
        add(o, "valid_from", "thiếu ngày bắt đầu áp dụng (yyyy-mm-dd).")
    if spec.valid_until is not None and (
        not isinstance(spec.valid_until, datetime.date)
        or (isinstance(spec.valid_from, datetime.date) and spec.valid_until <= spec.valid_from)
    ):
        add(o, "valid_until", "ngày hết áp dụng phải là một ngày (yyyy-mm-dd) sau ngày bắt đầu áp dụng.")
    if spec.status not in SetStatus.values:
        add(o, "status", f"trạng thái '{spec.status}' không hợp lệ ({', '.join(SetStatus.values)}).")

    parts: dict[str, PartSpec] = {}
    for part in spec.parts:
        if part.code not in PART_CODES:
            add(part.origin, "code", f"phần '{part.code}' không hợp lệ: chỉ có phần A, B, C.")
            continue
        if part.code in parts:
            add(part.origin, "code", f"phần {part.code} bị lặp lại.")
            continue
        parts[part.code] = part
        if not part.name:
            add(part.origin, "name", f"thiếu tên phần {part.code}.")
        if not isinstance(part.points, int) or isinstance(part.points, bool) or part.points <= 0:
            add(part.origin, "points", f"điểm phần {part.code} phải là số nguyên dương.")
    for code in PART_CODES:
        if code not in parts:
            add(o, "parts", f"thiếu phần {code}.")
    point_values = [p.points for p in parts.values() if isinstance(p.points, int)]
    if len(point_values) == len(PART_CODES) and sum(point_values) != SET_TOTAL:
        detail = " + ".join(f"{c} {parts[c].points}" for c in PART_CODES)
        add(o, "parts", f"tổng điểm các phần là {sum(point_values)} ({detail}), phải bằng {SET_TOTAL}.")

    sections: dict[str, SectionSpec] = {}
    for section in spec.sections:
        if not section.code:
            add(section.origin, "code", "thiếu mã mục.")
            continue
        if section.code in sections:
            add(section.origin, "code", f"mã mục {section.code} bị lặp lại.")
            continue
        sections[section.code] = section
        if not section.name:
            add(section.origin, "name", f"thiếu tên mục {section.code}.")
        if section.part not in parts:
            add(section.origin, "part", f"mục {section.code} thuộc phần '{section.part}' không có trong bộ tiêu chí.")

    seen_scopes: dict[str, ScopeSpec] = {}
    for scope in spec.scopes:
        category = categories.get((spec.system, scope.code))
        if category is None:
            add(scope.origin, "group", f"không có nhóm / bộ sản phẩm mã '{scope.code}' trong hệ thống {spec.system}.")
        scope.category = category
        if scope.code in seen_scopes:
            add(scope.origin, "group", f"nhóm / bộ sản phẩm '{scope.code}' bị lặp lại trong bộ tiêu chí {spec.code}.")
            continue
        seen_scopes[scope.code] = scope
        if has_sheet(scope):
            problems.extend(validate_sheet(spec, scope, parts, sections))

    if spec.status == SetStatus.PUBLISHED and not any(has_sheet(s) for s in spec.scopes):
        add(o, "status", "bộ tiêu chí chưa có phiếu chấm nào nên chưa ban hành được.")
    return problems


def validate_sheet(spec: SetSpec, scope: ScopeSpec, parts: dict, sections: dict) -> list[Problem]:
    problems: list[Problem] = []

    def add(origin, column, message):
        problems.append(Problem(origin, column, message))

    def text_finding(origin, column, message):
        """What an official text itself gets wrong is kept as printed and shown, not refused."""
        if spec.official:
            spec.findings.append(f"{label}: {message}" if not message.startswith(label) else message)
        else:
            add(origin, column, message)

    label = f"phiếu {scope.code}"
    codes: dict[str, CriterionSpec] = {}
    sums: dict[str, Decimal] = {code: Decimal(0) for code in parts}
    first_origin: dict[str, Origin] = {}
    for criterion in scope.criteria:
        co = criterion.origin
        if not criterion.code:
            add(co, "criterion_code", "thiếu mã tiêu chí.")
        elif len(criterion.code) > 20:
            add(co, "criterion_code", "mã tiêu chí dài quá 20 ký tự.")
        elif criterion.code in codes:
            add(co, "criterion_code", f"mã tiêu chí {criterion.code} bị lặp lại trong {label}.")
        else:
            codes[criterion.code] = criterion
        if not criterion.text:
            add(co, "criterion_text", f"thiếu nội dung tiêu chí {criterion.code}.")
        section = sections.get(criterion.section)
        if section is None:
            add(co, "section", f"mục '{criterion.section}' không có trong bộ tiêu chí {spec.code}.")
            part = None
        else:
            part = parts.get(section.part)
            if criterion.part and criterion.part != section.part:
                add(co, "part", f"mục {section.code} thuộc phần {section.part}, không phải phần {criterion.part}.")
        if not criterion.options:
            add(co, "option_text", f"tiêu chí {criterion.code} chưa có mức đánh giá nào.")
        texts: set[str] = set()
        starred: dict[int, OptionSpec] = {}
        for option in criterion.options:
            oo = option.origin
            if not option.text:
                add(oo, "option_text", f"thiếu nội dung mức đánh giá của tiêu chí {criterion.code}.")
            elif (option.case_label, option.text) in texts:
                add(oo, "option_text", f"mức '{option.text}' bị lặp lại trong tiêu chí {criterion.code}.")
            texts.add((option.case_label, option.text))
            if option.points is None:
                continue  # already reported where it was read
            if criterion.max_points is not None and option.points > criterion.max_points:
                add(
                    oo,
                    "points",
                    f"mức '{option.text}' có {fmt(option.points)} điểm, vượt điểm tối đa "
                    f"{fmt(criterion.max_points)} của tiêu chí {criterion.code}.",
                )
            if part is not None and isinstance(part.points, int) and option.points > part.points:
                add(
                    oo,
                    "points",
                    f"mức '{option.text}' có {fmt(option.points)} điểm, vượt điểm của phần {part.code} "
                    f"({part.points}).",
                )
            for stars in option.mandatory_for_stars:
                if stars not in range(1, 6):
                    add(oo, "mandatory_for_stars", f"hạng sao {stars} không hợp lệ (1 đến 5).")
                elif stars in starred and not option.case_label:
                    add(
                        oo,
                        "mandatory_for_stars",
                        f"tiêu chí {criterion.code} đã có mức bắt buộc cho hạng {stars} sao "
                        f"('{starred[stars].text}'); mỗi hạng sao chỉ một mức.",
                    )
                else:
                    starred[stars] = option
        if criterion.options and criterion.max_points is not None and criterion.best < criterion.max_points:
            text_finding(
                co,
                "criterion_max",
                f"mức cao nhất của tiêu chí {criterion.code} là {fmt(criterion.best)} điểm, "
                f"chưa đạt điểm tối đa {fmt(criterion.max_points)}.",
            )
        if part is not None:
            sums[part.code] += criterion.best
            first_origin.setdefault(part.code, co)
    total = Decimal(0)
    for code, part in parts.items():
        total += sums[code]
        if isinstance(part.points, int) and sums[code] != part.points:
            origin = first_origin.get(code, scope.origin)  # a spreadsheet: the part's first row
            if origin.row is None:
                origin = scope.origin
            column = "part_points" if origin.row is not None else f"part {code}"
            text_finding(
                origin,
                column,
                f"{label}: tổng điểm tối đa các tiêu chí phần {code} là {fmt(sums[code])}, "
                f"phải bằng điểm của phần ({part.points}).",
            )
    if len(parts) == len(PART_CODES) and total != SET_TOTAL:
        text_finding(scope.origin, "group", f"{label}: tổng điểm tối đa là {fmt(total)}, phải bằng {SET_TOTAL}.")
    return problems


def spec_from_db(criteria_set) -> SetSpec:
    """The stored set as a spec (scopes and sheets included), for comparison, re-validation and export."""
    from django.db.models import Prefetch

    from evaluation.models import Criterion

    base = Origin(path=f"{criteria_set.code} (đã nạp)")
    spec = SetSpec(
        code=criteria_set.code,
        system=criteria_set.system,
        title=criteria_set.title,
        decision=criteria_set.decision,
        valid_from=criteria_set.valid_from,
        valid_until=criteria_set.valid_until,
        status=criteria_set.status,
        origin=base,
        source=criteria_set.source,
        official=criteria_set.official,
        reading_findings=list(criteria_set.findings),
    )
    spec.parts = [
        PartSpec(p.code, p.name, p.points, base.child(f"parts[{p.code}]"))
        for p in criteria_set.parts.order_by("position")
    ]
    spec.sections = [
        SectionSpec(s.code, s.name, s.part.code, base.child(f"sections[{s.code}]"), tuple(s.notes))
        for s in criteria_set.sections.select_related("part").order_by("position")
    ]
    criteria = Criterion.objects.select_related("section").prefetch_related("options", "mandatory_rules")
    scopes = criteria_set.scopes.select_related("category").prefetch_related(
        Prefetch("criteria", queryset=criteria.order_by("position"))
    )
    for scope in scopes.order_by("position", "id"):
        so = base.child(f"scopes[{scope.category.code}]")
        items = []
        for criterion in scope.criteria.all():
            stars_by_option: dict[int, list[int]] = {}
            for rule in criterion.mandatory_rules.all():
                option_id = rule.option_id
                if option_id is None:  # a minimum without a named option: attach it to the option with those points
                    option_id = next((x.id for x in criterion.options.all() if x.points == rule.min_points), None)
                stars_by_option.setdefault(option_id, []).append(rule.stars)
            co = so.child(f"criteria[{criterion.code}]")
            items.append(
                CriterionSpec(
                    code=criterion.code,
                    section=criterion.section.code,
                    text=criterion.text,
                    options=[
                        OptionSpec(
                            x.text,
                            to_points(x.points),
                            tuple(sorted({*stars_by_option.get(x.id, []), *([x.min_star] if x.min_star else [])})),
                            co.child(f"options[{n}]"),
                            None if x.printed_points is None else to_points(x.printed_points),
                            x.case_label,
                        )
                        for n, x in enumerate(sorted(criterion.options.all(), key=lambda x: x.position), start=1)
                    ],
                    max_points=to_points(criterion.max_points),
                    origin=co,
                    heading=criterion.heading,
                    notes=tuple(criterion.notes),
                )
            )
        spec.scopes.append(
            ScopeSpec(
                scope.category.code,
                items or None,
                so,
                scope.category,
                incoming=False,
                source=scope.source,
                number=scope.number,
                title=scope.title,
                classification=scope.classification,
                eliminated_when=tuple(scope.eliminated_when),
                notes=tuple(scope.notes),
            )
        )
    return spec
