"""Scoring sheets from a spreadsheet (XLSX or CSV), one row per option; and the template to fill in.

The set must already exist (its parts and sections come from its YAML file): a spreadsheet adds or replaces sheets,
one per (set, group / sub-group). Columns are described in COLUMNS and in docs/criteria-template.md. A blank `set`,
`group` or `section` cell repeats the row above; a blank `criterion_code` continues the criterion above (its next
option), so merged cells work. Every problem is reported with its row and column, and nothing is written unless the
whole file is valid (core.imports conventions).
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import DomainError
from core.imports import Column, ImportErrors, RowError, read_table, run_import
from core.spreadsheets import row_values, unescape
from core.text import fold
from evaluation import loader, services
from evaluation.models import CriteriaSet
from evaluation.validation import (
    CriteriaErrors,
    CriterionSpec,
    OptionSpec,
    Origin,
    Problem,
    ScopeSpec,
    SetSpec,
    fmt,
    spec_from_db,
    to_points,
)
from products.models import ProductCategory

COLUMNS = [
    Column("set", "Bộ tiêu chí", True),
    Column("group", "Nhóm / bộ sản phẩm", True),
    Column("part", "Phần"),
    Column("part_points", "Điểm của phần"),
    Column("section", "Mục", True),
    Column("criterion_code", "Mã tiêu chí", True),
    Column("criterion_text", "Nội dung tiêu chí", True),
    Column("criterion_max", "Điểm tối đa của tiêu chí"),
    Column("option_text", "Mức đánh giá", True),
    Column("points", "Điểm", True),
    Column("mandatory_for_stars", "Bắt buộc cho hạng sao"),
]

HELP = {
    "set": "Mã bộ tiêu chí đã có trong hệ thống (ví dụ 148, 1048). Bỏ trống: như dòng trên.",
    "group": "Mã hoặc tên nhóm / bộ sản phẩm mà phiếu chấm áp dụng (ví dụ thuc-pham hoặc Thực phẩm; 01). "
    "Bỏ trống: như dòng trên.",
    "part": "Phần A, B hoặc C (không bắt buộc; nếu ghi, phải đúng phần của mục).",
    "part_points": "Điểm của phần (không bắt buộc; nếu ghi, phải bằng điểm của phần trong bộ tiêu chí).",
    "section": "Mã hoặc tên mục của bộ tiêu chí (ví dụ A1 hoặc Tổ chức sản xuất). Bỏ trống: như dòng trên.",
    "criterion_code": "Mã tiêu chí, không trùng trong một phiếu. Bỏ trống: mức tiếp theo của tiêu chí ở dòng trên.",
    "criterion_text": "Nội dung tiêu chí (ghi ở dòng đầu của tiêu chí).",
    "criterion_max": "Điểm tối đa của tiêu chí (không bắt buộc; nếu ghi, mức cao nhất phải bằng đúng điểm này).",
    "option_text": "Nội dung mức đánh giá: mỗi mức một dòng.",
    "points": "Điểm của mức (số không âm, tối đa hai chữ số thập phân, ví dụ 3 hoặc 1,5).",
    "mandatory_for_stars": "Hạng sao mà mức này là mức tối thiểu bắt buộc (ví dụ 3 hoặc 3, 4, 5). Bỏ trống nếu không.",
}

CARRIED = ("set", "group", "section")


@dataclass
class CriteriaImportResult:
    counts: dict = field(default_factory=dict)
    summary: str = ""


def _category_index(system: str):
    by_code, by_name = {}, {}
    for category in ProductCategory.objects.filter(system=system):
        by_code[category.code] = category
        for name in [category.name, *category.aliases.splitlines()]:
            by_name.setdefault(fold(name), []).append(category)
    return by_code, by_name


def _find_category(text: str, index) -> tuple[object, str]:
    by_code, by_name, system = index
    if text in by_code:
        return by_code[text], ""
    if text.isdigit() and f"{int(text):02d}" in by_code:  # Excel turned "01" into 1
        return by_code[f"{int(text):02d}"], ""
    found = by_name.get(fold(text), [])
    if len(found) == 1:
        return found[0], ""
    if len(found) > 1:
        codes = ", ".join(c.code for c in found)
        return None, f"tên '{text}' trùng nhiều nhóm / bộ sản phẩm ({codes}); hãy ghi mã."
    return None, f"không có nhóm / bộ sản phẩm '{text}' trong hệ thống {system}."


def _stars(text: str) -> tuple[tuple[int, ...], str]:
    if not text:
        return (), ""
    values = []
    for piece in re.split(r"[,;\s]+", text.replace("★", " ").replace("sao", " ")):
        if not piece:
            continue
        if not piece.isdigit() or not 1 <= int(piece) <= 5:
            return (), f"'{text}': ghi các hạng sao từ 1 đến 5, cách nhau bằng dấu phẩy (ví dụ 3, 4, 5)."
        values.append(int(piece))
    return tuple(sorted(set(values))), ""


@dataclass
class _SetRows:
    criteria_set: CriteriaSet
    stored: SetSpec
    origin: Origin
    scopes: dict = field(default_factory=dict)  # category code → ScopeSpec


def parse_sheets(table) -> tuple[list[SetSpec], list[RowError]]:
    """The sets named in the file, each with its stored structure and the sheets of the file; every row error."""
    errors: list[RowError] = list(table.errors)
    sets: dict[str, _SetRows] = {}
    unknown_sets: set[str] = set()
    indexes: dict[str, tuple] = {}
    carried = dict.fromkeys(CARRIED, "")
    current = None  # (set code, scope code, CriterionSpec)
    seen: dict[tuple, int] = {}
    for row in table.rows:
        n = row.number
        # The template writer protects texts that look like formulas with an apostrophe: take it off (idempotent,
        # so harmless if the reader already did).
        row.values = {key: unescape(value) for key, value in row.values.items()}
        row.texts.clear()

        def err(column, message, n=n):
            errors.append(RowError(n, column, message))

        values = {key: row.text(key) or carried[key] for key in CARRIED}
        if (values["set"], values["group"]) != (carried["set"], carried["group"]):
            values["section"] = row.text("section")  # a new sheet names its first section
        for key in CARRIED:
            if not values[key]:
                err(key, "bắt buộc, đang để trống.")
        carried.update(values)
        set_code = values["set"]
        entry = sets.get(set_code)
        if entry is None and set_code and set_code not in unknown_sets:
            criteria_set = CriteriaSet.objects.filter(code=set_code).first()
            if criteria_set is None:
                unknown_sets.add(set_code)
            else:
                stored = spec_from_db(criteria_set)
                entry = sets[set_code] = _SetRows(criteria_set, stored, Origin(row=n))
        if set_code in unknown_sets:
            err("set", f"không có bộ tiêu chí mã '{set_code}': nạp khung bộ tiêu chí (tệp YAML) trước.")
            continue
        if entry is None:
            continue
        system = entry.criteria_set.system
        if system not in indexes:
            indexes[system] = (*_category_index(system), system)
        category = None
        if values["group"]:
            category, message = _find_category(values["group"], indexes[system])
            if message:
                err("group", message)
        sections = {s.code: s for s in entry.stored.sections}
        section_names = {fold(s.name): s for s in entry.stored.sections}
        section = sections.get(values["section"]) or section_names.get(fold(values["section"]))
        if values["section"] and section is None:
            err("section", f"mục '{values['section']}' không có trong bộ tiêu chí {set_code}.")
        parts = {p.code: p for p in entry.stored.parts}
        part_text = row.text("part").upper()
        if part_text and part_text not in parts:
            err("part", f"phần '{row.text('part')}' không có trong bộ tiêu chí {set_code} (A, B, C).")
        part_code = part_text or (section.part if section else "")
        if row.text("part_points") and part_code in parts:
            try:
                part_points = to_points(row.values.get("part_points"))
                if part_points != parts[part_code].points:
                    err(
                        "part_points",
                        f"phần {part_code} của bộ tiêu chí {set_code} có {parts[part_code].points} điểm, "
                        f"tệp ghi {fmt(part_points)}.",
                    )
            except DomainError as exc:
                err("part_points", exc.message)
        if category is None:
            continue
        scope = entry.scopes.get(category.code)
        if scope is None:
            scope = entry.scopes[category.code] = ScopeSpec(category.code, [], Origin(row=n), category)
        code = row.text("criterion_code")
        key = (set_code, category.code, code)
        continues = current is not None and current[:2] == (set_code, category.code) and code in ("", current[2].code)
        if continues:
            criterion = current[2]
            for column, value in (("criterion_text", criterion.text), ("section", criterion.section)):
                given = row.text(column) if column != "section" else (section.code if section else "")
                if row.text(column) and given != value:
                    err(
                        column,
                        f"khác với dòng đầu của tiêu chí {criterion.code} (dòng {seen[key[:2] + (criterion.code,)]}).",
                    )
        else:
            if not code:
                err("criterion_code", "bắt buộc ở dòng đầu của mỗi tiêu chí, đang để trống.")
                current = None
                continue
            if key in seen:
                err(
                    "criterion_code",
                    f"mã tiêu chí {code} bị lặp lại trong phiếu {category.code} (đã có ở dòng {seen[key]}).",
                )
                current = None
                continue
            seen[key] = n
            criterion = CriterionSpec(
                code=code,
                section=section.code if section else values["section"],
                text=row.text("criterion_text"),
                part=part_text,
                origin=Origin(row=n),
            )
            if not criterion.text:
                err("criterion_text", "bắt buộc ở dòng đầu của mỗi tiêu chí, đang để trống.")
                criterion.text = "?"
            scope.criteria.append(criterion)
            current = (set_code, category.code, criterion)
        if row.text("criterion_max"):
            try:
                maximum = to_points(row.values.get("criterion_max"))
                if criterion.max_points is not None and maximum != criterion.max_points:
                    err("criterion_max", f"khác với điểm tối đa {fmt(criterion.max_points)} đã ghi cho tiêu chí.")
                criterion.max_points = maximum
            except DomainError as exc:
                err("criterion_max", exc.message)
        option_text = row.text("option_text")
        if not option_text:
            err("option_text", "bắt buộc, đang để trống.")
        points = None
        if row.text("points"):
            try:
                points = to_points(row.values.get("points"))
            except DomainError as exc:
                err("points", exc.message)
        else:
            err("points", "bắt buộc, đang để trống.")
        stars, message = _stars(row.text("mandatory_for_stars"))
        if message:
            err("mandatory_for_stars", message)
        criterion.options.append(OptionSpec(option_text, points, stars, Origin(row=n)))
    specs = []
    for entry in sets.values():
        spec = SetSpec(**{**entry.stored.__dict__, "scopes": list(entry.scopes.values()), "origin": entry.origin})
        specs.append(spec)
    return specs, errors


def _row_errors(exc: CriteriaErrors) -> ImportErrors:
    return ImportErrors([p.as_row_error() for p in exc.problems])


def import_criteria(source, *, actor=None, dry_run=False, filename=None, publish=False) -> CriteriaImportResult:
    """A spreadsheet (.xlsx/.csv) of sheets, or a YAML file of whole sets. ImportErrors / CriteriaErrors on refusal."""
    filename = filename or str(source)
    result = CriteriaImportResult()
    if filename.lower().endswith((".yaml", ".yml")):
        data = source.read_bytes() if isinstance(source, Path) else source.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CriteriaErrors(
                [Problem(Origin(path=Path(filename).name), "", "tệp YAML phải mã hoá UTF-8.")]
            ) from exc
        spec, problems = loader.read_set_text(text, Path(filename).name)
        if spec is None:
            raise CriteriaErrors(problems)
        saved = run_import(
            lambda: services.save_sets([spec], actor=actor, publish=publish, problems=problems), dry_run=dry_run
        )
    else:
        table = read_table(source, COLUMNS, filename)
        if table.errors:
            raise ImportErrors(table.errors)
        specs, errors = parse_sheets(table)
        if errors:
            raise ImportErrors(errors)
        try:
            saved = run_import(
                lambda: services.save_sets(specs, actor=actor, source=Path(filename).name, publish=publish),
                dry_run=dry_run,
            )
        except CriteriaErrors as exc:
            raise _row_errors(exc) from exc
    result.counts = dict(saved.counts)
    result.summary = saved.summary
    return result


def template_rows(criteria_set: CriteriaSet | None) -> list[list]:
    """The rows of a set's loaded sheets, one per option, every cell written (what `import_criteria` reads back)."""
    if criteria_set is None:
        return []
    spec = spec_from_db(criteria_set)
    parts = {p.code: p for p in spec.parts}
    sections = {s.code: s for s in spec.sections}
    rows = []
    for scope in spec.scopes:
        for criterion in scope.criteria or []:
            part = parts[sections[criterion.section].part]
            for option in criterion.options:
                rows.append(
                    [
                        spec.code,
                        scope.code,
                        part.code,
                        part.points,
                        criterion.section,
                        criterion.code,
                        criterion.text,
                        _number(criterion.max_points),
                        option.text,
                        _number(option.points),
                        ", ".join(str(s) for s in option.mandatory_for_stars),
                    ]
                )
    return rows


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def write_template(path: Path, criteria_set: CriteriaSet | None = None) -> int:
    """The template (header with explanations), with the rows of `criteria_set`'s sheets if given. Returns rows."""
    # Criterion and option texts are people's input: written as text, never as formulas (parse_sheets unescapes).
    rows = [row_values(row) for row in template_rows(criteria_set)]
    header = [c.label for c in COLUMNS]
    if path.suffix.lower() == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
        return len(rows)
    if path.suffix.lower() != ".xlsx":
        raise DomainError("chỉ ghi được tệp .xlsx hoặc .csv.")
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phiếu chấm"
    sheet.append(header)
    for cell, column in zip(sheet[1], COLUMNS, strict=True):
        cell.font = Font(bold=True)
        required = "Bắt buộc. " if column.required else ""
        cell.comment = Comment(f"{required}{HELP[column.key]}\n(tên cột khác được nhận: {column.key})", "OCOP")
    for row in rows:
        sheet.append(row)
    for letter, width in zip("ABCDEFGHIJK", (10, 16, 7, 8, 8, 10, 60, 10, 50, 7, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Tên khác", "Bắt buộc", "Ý nghĩa"])
    for column in COLUMNS:
        guide.append([column.label, column.key, "có" if column.required else "", HELP[column.key]])
    guide.append([])
    for line in (
        "Mỗi dòng là một mức đánh giá của một tiêu chí. Hệ thống chỉ đọc trang tính đầu tiên.",
        "Bộ tiêu chí (phần, điểm của phần, mục) phải có sẵn trong hệ thống; tệp này nạp phiếu chấm cho từng nhóm / "
        "bộ sản phẩm. Với mỗi phiếu, tổng điểm mức cao nhất của các tiêu chí trong mỗi phần phải bằng đúng điểm "
        "của phần, và cả phiếu bằng 100.",
        "Lệnh: manage.py import_criteria TỆP [--dry-run] [--publish]. Mọi lỗi được báo theo dòng và cột; "
        "có lỗi thì không ghi gì.",
    ):
        guide.append([line])
    for letter, width in zip("ABCD", (26, 20, 9, 100), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    workbook.save(path)
    return len(rows)
