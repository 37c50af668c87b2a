"""Criteria sets from YAML: the versioned files in evaluation/criteria/ (loaded by `load_reference_data`) or a file an
administrator loads with `import_criteria PATH.yaml`. Validated as a whole, then upserted in one transaction.

File shape (see evaluation/criteria/1048.yaml):

    code, system, title, decision, valid_from, valid_until (exclusive, or null), status
    parts:   - {code: A|B|C, name, points, sections: [{code, name}, ...]}
    scopes:  - "02"                                   # a group / sub-group the set covers, sheet not given here
             - code: "01"                              # a group / sub-group with its sheet
               criteria:
                 - {code, section, text, max (optional check), options: [{text, points, mandatory_for_stars: [3]}]}

Problems are reported as `FILE: path.field: message`, every one of them, and nothing is written.
"""

import datetime
from pathlib import Path

import yaml

from core.errors import DomainError
from evaluation import services
from evaluation.official import read_sheets
from evaluation.validation import (
    CriteriaErrors,
    CriterionSpec,
    OptionSpec,
    Origin,
    PartSpec,
    Problem,
    ScopeSpec,
    SectionSpec,
    SetSpec,
    to_points,
)

CRITERIA_DIR = Path(__file__).parent / "criteria"
REFERENCE_SOURCE = "evaluation/criteria/{name}"

SET_KEYS = {
    "code",
    "system",
    "title",
    "decision",
    "valid_from",
    "valid_until",
    "status",
    "parts",
    "scopes",
    "official_sheets",
}
OFFICIAL_KEYS = {"file", "glyph_fixes", "corrections", "over_max", "sections"}
PART_KEYS = {"code", "name", "points", "sections"}
SECTION_KEYS = {"code", "name"}
SCOPE_KEYS = {"code", "criteria"}
CRITERION_KEYS = {"code", "section", "text", "max", "options"}
OPTION_KEYS = {"text", "points", "mandatory_for_stars"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


class _Reader:
    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, origin, column, message):
        self.problems.append(Problem(origin, column, message))

    def mapping(self, value, origin, keys, what) -> dict:
        if not isinstance(value, dict):
            self.add(origin, "", f"{what} phải là một bảng khoá: giá trị.")
            return {}
        for key in value:
            if key not in keys:
                self.add(origin, str(key), f"khoá không dùng được ở đây (dùng: {', '.join(sorted(keys))}).")
        return value

    def items(self, value, origin, column) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(origin, column, "phải là một danh sách.")
            return []
        return value

    def date(self, value, origin, column):
        if value is None:
            return None
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.add(origin, column, f"ngày '{value}' không hợp lệ: ghi yyyy-mm-dd.")
            return None

    def points(self, value, origin, column):
        try:
            return to_points(value)
        except DomainError as exc:
            self.add(origin, column, exc.message)
            return None

    def stars(self, value, origin) -> tuple[int, ...]:
        if value is None:
            return ()
        values = value if isinstance(value, list) else [value]
        result = []
        for v in values:
            if isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 5:
                result.append(v)
            else:
                self.add(origin, "mandatory_for_stars", f"hạng sao '{v}' không hợp lệ (1 đến 5).")
        return tuple(result)


def parse_set(data, filename: str, directory: Path = CRITERIA_DIR) -> tuple[SetSpec | None, list[Problem]]:
    reader = _Reader()
    root = Origin(path=filename)
    data = reader.mapping(data, root, SET_KEYS, "tệp bộ tiêu chí")
    if not data:
        return None, reader.problems or [Problem(root, "", "tệp trống.")]
    code = _text(data.get("code"))
    valid_from = reader.date(data.get("valid_from"), root, "valid_from")
    spec = SetSpec(
        code=code,
        system=_text(data.get("system")),
        title=_text(data.get("title")),
        decision=_text(data.get("decision")),
        valid_from=valid_from,
        valid_until=reader.date(data.get("valid_until"), root, "valid_until"),
        status=_text(data.get("status")),
        origin=root,
        source=filename,
    )
    for n, raw in enumerate(reader.items(data.get("parts"), root, "parts")):
        po = root.child(f"parts[{n}]")
        raw = reader.mapping(raw, po, PART_KEYS, "phần")
        part_code = _text(raw.get("code"))
        if part_code:
            po = root.child(f"parts[{part_code}]")
        points = raw.get("points")
        spec.parts.append(PartSpec(part_code, _text(raw.get("name")), points, po))
        for m, section in enumerate(reader.items(raw.get("sections"), po, "sections")):
            so = po.child(f"sections[{m}]")
            section = reader.mapping(section, so, SECTION_KEYS, "mục")
            section_code = _text(section.get("code"))
            if section_code:
                so = po.child(f"sections[{section_code}]")
            spec.sections.append(SectionSpec(section_code, _text(section.get("name")), part_code, so))
    for n, raw in enumerate(reader.items(data.get("scopes"), root, "scopes")):
        if not isinstance(raw, dict):
            scope_code = _text(raw)
            spec.scopes.append(ScopeSpec(scope_code, None, root.child(f"scopes[{scope_code or n}]")))
            continue
        scope_code = _text(raw.get("code"))
        so = root.child(f"scopes[{scope_code or n}]")
        reader.mapping(raw, so, SCOPE_KEYS, "nhóm / bộ sản phẩm")
        criteria = None
        if "criteria" in raw:
            criteria = [
                _criterion(reader, c, so, m) for m, c in enumerate(reader.items(raw["criteria"], so, "criteria"))
            ]
        spec.scopes.append(ScopeSpec(scope_code, criteria, so))
    if data.get("official_sheets") is not None:
        _official(reader, spec, data["official_sheets"], root.child("official_sheets"), directory)
    return spec, reader.problems


def _official(reader: _Reader, spec: SetSpec, raw, origin: Origin, directory: Path) -> None:
    raw = reader.mapping(raw, origin, OFFICIAL_KEYS, "official_sheets")
    path = directory / _text(raw.get("file"))
    if not raw.get("file") or not path.is_file():
        reader.add(origin, "file", f"không có tệp phiếu chấm '{raw.get('file')}' cạnh tệp bộ tiêu chí.")
        return
    try:
        read_sheets(
            spec,
            path,
            glyph_fixes=raw.get("glyph_fixes"),
            corrections=raw.get("corrections"),
            over_max=raw.get("over_max", "cap"),
            sections=raw.get("sections"),
        )
    except (KeyError, TypeError, ValueError, DomainError) as exc:
        reader.add(origin, "file", f"tệp {path.name} không đúng cấu trúc phiếu chấm ({exc}).")


def _criterion(reader: _Reader, raw, scope_origin: Origin, n: int) -> CriterionSpec:
    co = scope_origin.child(f"criteria[{n}]")
    raw = reader.mapping(raw, co, CRITERION_KEYS, "tiêu chí")
    code = _text(raw.get("code"))
    if code:
        co = scope_origin.child(f"criteria[{code}]")
    criterion = CriterionSpec(
        code=code,
        section=_text(raw.get("section")),
        text=_text(raw.get("text")),
        max_points=reader.points(raw["max"], co, "max") if raw.get("max") is not None else None,
        origin=co,
    )
    for m, option in enumerate(reader.items(raw.get("options"), co, "options"), start=1):
        oo = co.child(f"options[{m}]")
        option = reader.mapping(option, oo, OPTION_KEYS, "mức đánh giá")
        criterion.options.append(
            OptionSpec(
                text=_text(option.get("text")),
                points=reader.points(option.get("points"), oo, "points"),
                mandatory_for_stars=reader.stars(option.get("mandatory_for_stars"), oo),
                origin=oo,
            )
        )
    return criterion


def read_set_text(text: str, filename: str, directory: Path = CRITERIA_DIR) -> tuple[SetSpec | None, list[Problem]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" dòng {mark.line + 1}" if mark is not None else ""
        return None, [Problem(Origin(path=filename), "", f"không đọc được YAML{where} ({exc.__class__.__name__}).")]
    return parse_set(data, filename, directory)


def read_set_file(path: Path) -> tuple[SetSpec | None, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(Origin(path=path.name), "", "tệp YAML phải mã hoá UTF-8.")]
    return read_set_text(text, path.name, path.parent)


def load_files(paths, *, actor=None, publish=False, reference=False) -> services.SaveResult:
    """Read, validate and save the sets of several files together: all of them, or none.

    `reference`: the files shipped in evaluation/criteria/; their source is recorded as `evaluation/criteria/NAME`,
    and what an administrator loaded from elsewhere is kept (see `services.save_sets`).
    """
    specs, problems = [], []
    for path in paths:
        path = Path(path)
        spec, found = read_set_file(path)
        problems.extend(found)
        if spec is not None:
            if reference:
                spec.source = REFERENCE_SOURCE.format(name=path.name)
            specs.append(spec)
    if problems and not specs:
        raise CriteriaErrors(problems)
    return services.save_sets(specs, actor=actor, publish=publish, problems=problems, reference=reference)


def load_criteria_sets(directory: Path = CRITERIA_DIR, *, actor=None) -> services.SaveResult:
    """The versioned sets shipped with the code (`load_reference_data`)."""
    return load_files(sorted(directory.glob("*.yaml")), actor=actor, reference=True)


def reference_lines(*, actor=None) -> list[str]:
    """`load_reference_data` step (settings.REFERENCE_DATA_STEPS)."""
    return [load_criteria_sets(actor=actor).summary]
