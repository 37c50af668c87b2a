"""NTM criteria sets as data (DESIGN.md rule 4): the versioned files in ntm/criteria/ (`load_reference_data`), or a
file an administrator loads with `manage.py import_ntm_criteria FILE [--dry-run]`.

A YAML file describes one whole set (see ntm/criteria/ntm-2021.yaml):

    code, title, decision, kind (commune|village), level (dat-chuan|nang-cao|kieu-mau|hien-dai),
    issuer (national|province), province (area id, for a province-issued set), valid_from, valid_until (exclusive),
    commune_groups (bool), groups ({1: name, 2: …}), report_below ([10, 15]),
    indicator_rule (indicators|manual: a criterion with indicators is met when they are, or when the officer ticks it),
    declared_criteria (how many criteria the official text has), missing_texts (which official texts are not loaded)
    criteria: - {code, name, min_indicators, indicators: [{code, name, unit, optional, thresholds}]}
    thresholds: {all: …} or per commune group {"1": …, "2": …, "3": …}
    min_indicators: the criterion is met when at least N of its indicators are (absent: every mandatory one)

A set whose official text is not loaded yet may have no criteria at all when it gives `declared_criteria` (a
count-only set: progress "14/16" can be recorded, criteria names are never invented).

A spreadsheet (CSV or XLSX, headers as in INDICATOR_COLUMNS) adds or replaces the indicators of criteria of sets
already loaded: all rows of one criterion replace that criterion's indicators.

Everything is validated first; every problem is reported as `FILE: where: message`; then all sets are written in one
transaction, or none. The shipped files never overwrite a set an administrator loaded from another file.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from core import audit
from core.errors import DomainError
from core.imports import Column, ImportErrors, read_table
from core.text import fold
from ntm.choices import IndicatorRule, Issuer, SetKind, SetLevel
from ntm.models import CriteriaSet, Criterion, CriterionResult, Indicator, IndicatorValue

CRITERIA_DIR = Path(__file__).parent / "criteria"
REFERENCE_SOURCE = "ntm/criteria/{name}"

SET_KEYS = {
    "code",
    "title",
    "decision",
    "kind",
    "level",
    "issuer",
    "province",
    "valid_from",
    "valid_until",
    "commune_groups",
    "groups",
    "report_below",
    "declared_criteria",
    "missing_texts",
    "indicator_rule",
    "criteria",
}
CRITERION_KEYS = {"code", "name", "min_indicators", "indicators"}
INDICATOR_KEYS = {"code", "name", "unit", "optional", "thresholds"}
THRESHOLD_KEYS = {"all", "1", "2", "3"}
SET_FIELDS = [
    "title",
    "decision",
    "kind",
    "level",
    "issuer",
    "province",
    "valid_from",
    "valid_until",
    "uses_commune_groups",
    "group_names",
    "report_below",
    "declared_criteria",
    "missing_texts",
    "indicator_rule",
]

INDICATOR_COLUMNS = [
    Column("criteria_set", "Bộ tiêu chí", True),
    Column("criterion", "Tiêu chí", True),
    Column("code", "Mã chỉ tiêu", True),
    Column("name", "Tên chỉ tiêu", True),
    Column("unit", "Đơn vị tính"),
    Column("optional", "Không bắt buộc"),
    Column("threshold", "Ngưỡng đạt"),
    Column("threshold_1", "Ngưỡng nhóm 1"),
    Column("threshold_2", "Ngưỡng nhóm 2"),
    Column("threshold_3", "Ngưỡng nhóm 3"),
]


class CriteriaErrors(DomainError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:5]))
        self.problems = problems


@dataclass
class LoadResult:
    counts: dict = field(default_factory=dict)

    def add(self, key, n=1):
        self.counts[key] = self.counts.get(key, 0) + n

    @property
    def summary(self) -> str:
        c = self.counts
        return (
            f"ntm criteria sets created={c.get('created', 0)} updated={c.get('updated', 0)} "
            f"unchanged={c.get('unchanged', 0)} kept={c.get('kept', 0)}"
        )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


class _Reader:
    def __init__(self, filename):
        self.filename = filename
        self.problems: list[str] = []

    def add(self, where, message):
        self.problems.append(f"{self.filename}: {where}: {message}")

    def mapping(self, value, where, keys) -> dict:
        if not isinstance(value, dict):
            self.add(where, "phải là một bảng khoá: giá trị.")
            return {}
        for key in value:
            if str(key) not in keys:
                self.add(f"{where}.{key}", f"khoá không dùng được ở đây (dùng: {', '.join(sorted(keys))}).")
        return value

    def date(self, value, where, required=False):
        if value is None:
            if required:
                self.add(where, "bắt buộc.")
            return None
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.add(where, f"ngày '{value}' không hợp lệ: ghi yyyy-mm-dd.")
            return None

    def choice(self, value, where, choices, default):
        text = _text(value) or default
        if text not in choices.values:
            self.add(where, f"'{text}' không hợp lệ (dùng: {', '.join(choices.values)}).")
        return text

    def positive(self, value, where):
        """A positive whole number, or None when absent."""
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.add(where, f"phải là số nguyên dương (đang ghi '{value}').")
            return None
        return value


def _long_text(value) -> str:
    """Text kept line by line (missing_texts is read on the page as written), spaces inside a line collapsed."""
    if value is None:
        return ""
    lines = [" ".join(line.split()) for line in str(value).strip().splitlines()]
    return "\n".join(line for line in lines if line)


def parse_set(data, filename: str) -> tuple[dict | None, list[str]]:
    from areas.queries import get_unit

    r = _Reader(filename)
    data = r.mapping(data, "", SET_KEYS)
    if not data:
        return None, r.problems or [f"{filename}: tệp trống."]
    spec = {
        "code": _text(data.get("code")),
        "title": _text(data.get("title")),
        "decision": _text(data.get("decision")),
        "kind": r.choice(data.get("kind"), "kind", SetKind, SetKind.COMMUNE),
        "level": r.choice(data.get("level"), "level", SetLevel, SetLevel.BASIC),
        "issuer": r.choice(data.get("issuer"), "issuer", Issuer, Issuer.NATIONAL),
        "province": None,
        "valid_from": r.date(data.get("valid_from"), "valid_from", required=True),
        "valid_until": r.date(data.get("valid_until"), "valid_until"),
        "uses_commune_groups": bool(data.get("commune_groups")),
        "group_names": {},
        "report_below": [],
        "declared_criteria": r.positive(data.get("declared_criteria"), "declared_criteria"),
        "missing_texts": _long_text(data.get("missing_texts")),
        "indicator_rule": r.choice(
            data.get("indicator_rule"), "indicator_rule", IndicatorRule, IndicatorRule.INDICATORS
        ),
        "criteria": [],
    }
    for key in ("code", "title"):
        if not spec[key]:
            r.add(key, "bắt buộc.")
    if spec["valid_from"] and spec["valid_until"] and spec["valid_until"] <= spec["valid_from"]:
        r.add("valid_until", "phải sau valid_from.")
    if spec["issuer"] == Issuer.PROVINCE:
        try:
            spec["province"] = get_unit(_text(data.get("province")))
            if spec["province"].level != "province":
                r.add("province", "phải là mã một tỉnh.")
        except DomainError as exc:
            r.add("province", exc.message)
    elif data.get("province"):
        r.add("province", "chỉ dùng khi issuer: province.")
    groups = data.get("groups") or {}
    if groups:
        groups = r.mapping(groups, "groups", {"1", "2", "3"})
        spec["group_names"] = {str(k): _text(v) for k, v in groups.items()}
        if not spec["uses_commune_groups"]:
            r.add("groups", "chỉ dùng khi commune_groups: true.")
    below = data.get("report_below") or []
    if not isinstance(below, list) or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in below):
        r.add("report_below", "phải là danh sách số nguyên dương, ví dụ [10, 15].")
    else:
        spec["report_below"] = sorted(set(below))
    criteria = data.get("criteria")
    if criteria is None and spec["declared_criteria"]:
        criteria = []  # a count-only set: the official text is not loaded yet
    elif not isinstance(criteria, list) or (not criteria and not spec["declared_criteria"]):
        r.add(
            "criteria", "phải là danh sách tiêu chí, ít nhất một (hoặc ghi declared_criteria cho bộ chưa có văn bản)."
        )
        criteria = []
    if criteria and spec["declared_criteria"] and len(criteria) != spec["declared_criteria"]:
        r.add(
            "declared_criteria",
            f"ghi {spec['declared_criteria']} tiêu chí nhưng tệp khai {len(criteria)} tiêu chí: sửa cho khớp.",
        )
    seen = set()
    for n, raw in enumerate(criteria, start=1):
        where = f"criteria[{n}]"
        raw = r.mapping(raw, where, CRITERION_KEYS)
        code, name = _text(raw.get("code")), _text(raw.get("name"))
        if code:
            where = f"criteria[{code}]"
        if not code or not name:
            r.add(where, "tiêu chí cần code và name.")
        if code in seen:
            r.add(where, f"mã tiêu chí {code} bị lặp.")
        seen.add(code)
        indicators = []
        raw_indicators = raw.get("indicators") or []
        if not isinstance(raw_indicators, list):
            r.add(f"{where}.indicators", "phải là một danh sách.")
            raw_indicators = []
        for m, item in enumerate(raw_indicators, start=1):
            iw = f"{where}.indicators[{m}]"
            item = r.mapping(item, iw, INDICATOR_KEYS)
            indicators.append(
                {
                    "code": _text(item.get("code")),
                    "name": _text(item.get("name")),
                    "unit": _text(item.get("unit")),
                    "optional": bool(item.get("optional")),
                    "thresholds": item.get("thresholds") or {},
                    "where": iw,
                }
            )
        spec["criteria"].append(
            {
                "code": code,
                "name": name,
                "min_indicators": r.positive(raw.get("min_indicators"), f"{where}.min_indicators"),
                "indicators": indicators,
                "where": where,
            }
        )
    return spec, r.problems


def _validate(spec: dict, filename: str) -> list[str]:
    r = _Reader(filename)
    for criterion in spec["criteria"]:
        seen = set()
        minimum = criterion.get("min_indicators")
        if minimum and criterion["indicators"] and minimum > len(criterion["indicators"]):
            r.add(
                f"{criterion['where']}.min_indicators",
                f"cần {minimum} chỉ tiêu đạt nhưng tiêu chí chỉ có {len(criterion['indicators'])} chỉ tiêu.",
            )
        for ind in criterion["indicators"]:
            where = ind["where"]
            if not ind["code"] or not ind["name"]:
                r.add(where, "chỉ tiêu cần code và name.")
            if ind["code"] in seen:
                r.add(where, f"mã chỉ tiêu {ind['code']} bị lặp trong tiêu chí {criterion['code']}.")
            seen.add(ind["code"])
            thresholds = ind["thresholds"]
            if not isinstance(thresholds, dict):
                r.add(f"{where}.thresholds", "phải là bảng {all: …} hoặc {'1': …, '2': …, '3': …}.")
                ind["thresholds"] = {}
                continue
            clean = {}
            for key, value in thresholds.items():
                key = str(key)
                if key not in THRESHOLD_KEYS:
                    r.add(f"{where}.thresholds.{key}", "chỉ dùng all, 1, 2, 3.")
                elif key != "all" and not spec["uses_commune_groups"]:
                    r.add(f"{where}.thresholds.{key}", "bộ tiêu chí này không chia ngưỡng theo nhóm xã.")
                elif _text(value):
                    clean[key] = _text(value)
            ind["thresholds"] = clean
    return r.problems


class _Loader(yaml.SafeLoader):
    """SafeLoader leaving dates as text, so a bad date is one reported problem among the others, not a crash."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, filename: str | None = None) -> tuple[dict | None, list[str]]:
    filename = filename or path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except UnicodeDecodeError:
        return None, [f"{filename}: tệp YAML phải mã hoá UTF-8."]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"dòng {mark.line + 1}" if mark is not None else "tệp"
        return None, [f"{filename}: {where}: không đọc được YAML ({exc.__class__.__name__})."]
    spec, problems = parse_set(data, filename)
    if spec is not None:
        problems += _validate(spec, filename)
    return spec, problems


def spec_from_db(criteria_set: CriteriaSet) -> dict:
    spec = {f: getattr(criteria_set, f) for f in SET_FIELDS}
    spec["code"] = criteria_set.code
    spec["criteria"] = [
        {
            "code": c.code,
            "name": c.name,
            "min_indicators": c.min_indicators,
            "where": f"criteria[{c.code}]",
            "indicators": [
                {
                    "code": i.code,
                    "name": i.name,
                    "unit": i.unit,
                    "optional": i.optional,
                    "thresholds": dict(i.thresholds),
                    "where": f"criteria[{c.code}].indicators[{i.code}]",
                }
                for i in c.indicators.all()
            ],
        }
        for c in criteria_set.criteria.prefetch_related("indicators")
    ]
    return spec


def _comparable(spec: dict) -> dict:
    return {
        **{f: spec[f] for f in SET_FIELDS},
        "criteria": [
            (
                c["code"],
                c["name"],
                c.get("min_indicators"),
                [(i["code"], i["name"], i["unit"], i["optional"], i["thresholds"]) for i in c["indicators"]],
            )
            for c in spec["criteria"]
        ],
    }


def _check_in_use(spec: dict, existing: CriteriaSet, filename: str) -> list[str]:
    """Criteria or indicators that assessments already used cannot disappear from a set (history stays readable)."""
    problems = []
    keep = {c["code"] for c in spec["criteria"]}
    used = set(
        CriterionResult.objects.filter(criterion__criteria_set=existing).values_list("criterion__code", flat=True)
    )
    for code in sorted(used - keep):
        problems.append(f"{filename}: criteria[{code}]: tiêu chí đã được dùng trong đánh giá, không xoá được.")
    keep_ind = {(c["code"], i["code"]) for c in spec["criteria"] for i in c["indicators"]}
    used_ind = set(
        IndicatorValue.objects.filter(indicator__criterion__criteria_set=existing).values_list(
            "indicator__criterion__code", "indicator__code"
        )
    )
    for crit, code in sorted(used_ind - keep_ind):
        problems.append(f"{filename}: criteria[{crit}].indicators[{code}]: chỉ tiêu đã có số liệu, không xoá được.")
    return problems


def save_specs(specs: list[tuple[dict, str]], *, actor=None, reference=False) -> LoadResult:
    """Write validated specs [(spec, source)] in one transaction, or raise CriteriaErrors and write nothing."""
    result = LoadResult()
    with transaction.atomic():
        problems, plans, seen = [], [], set()
        for spec, source in specs:
            if spec["code"] in seen:
                problems.append(f"{source}: code: bộ tiêu chí {spec['code']} được khai báo hai lần.")
                continue
            seen.add(spec["code"])
            existing = CriteriaSet.objects.filter(code=spec["code"]).first()
            if reference and existing is not None and existing.source != source:
                result.add("kept")  # an administrator's version stays until they load another
                continue
            if existing is not None:
                problems += _check_in_use(spec, existing, source)
            plans.append((spec, source, existing))
        if problems:
            raise CriteriaErrors(problems)
        for spec, source, existing in plans:
            _apply(spec, source, existing, actor=actor, result=result)
    return result


def _apply(spec, source, existing, *, actor, result):
    values = {f: spec[f] for f in SET_FIELDS}
    if existing is not None:
        before = _comparable(spec_from_db(existing))
        if before == _comparable(spec) and existing.source == source:
            result.add("unchanged")
            return
        for name, value in values.items():
            setattr(existing, name, value)
        existing.source = source
        existing.save()
        criteria_set, action = existing, "ntm.criteria_set.updated"
        result.add("updated")
    else:
        before = None
        criteria_set = CriteriaSet.objects.create(code=spec["code"], source=source, **values)
        action = "ntm.criteria_set.created"
        result.add("created")
    stored = {c.code: c for c in criteria_set.criteria.all()}
    wanted = {c["code"] for c in spec["criteria"]}
    Criterion.objects.filter(criteria_set=criteria_set).exclude(code__in=wanted).delete()
    for number, c in enumerate(spec["criteria"], start=1):
        criterion = stored.get(c["code"])
        minimum = c.get("min_indicators")
        if criterion is None:
            criterion = Criterion.objects.create(
                criteria_set=criteria_set, code=c["code"], number=number, name=c["name"], min_indicators=minimum
            )
        elif (criterion.number, criterion.name, criterion.min_indicators) != (number, c["name"], minimum):
            criterion.number, criterion.name, criterion.min_indicators = number, c["name"], minimum
            criterion.save(update_fields=["number", "name", "min_indicators"])
        indicators = {i.code: i for i in criterion.indicators.all()}
        Indicator.objects.filter(criterion=criterion).exclude(code__in=[i["code"] for i in c["indicators"]]).delete()
        for position, i in enumerate(c["indicators"], start=1):
            fields = {
                "position": position,
                "name": i["name"],
                "unit": i["unit"],
                "optional": i["optional"],
                "thresholds": i["thresholds"],
            }
            indicator = indicators.get(i["code"])
            if indicator is None:
                Indicator.objects.create(criterion=criterion, code=i["code"], **fields)
            elif any(getattr(indicator, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(indicator, k, v)
                indicator.save()
    after = _comparable(spec)
    audit.record(
        actor=actor,
        action=action,
        obj=criteria_set,
        before=_jsonable(before),
        after={**_jsonable(after), "source": source},
    )


def _jsonable(data):
    if data is None:
        return None
    out = {}
    for key, value in data.items():
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif hasattr(value, "area_id") and hasattr(value, "pk"):
            value = str(value.area_id)
        out[key] = value
    return out


def _indicator_specs(source, filename: str) -> tuple[list[tuple[dict, str]], list[str]]:
    """Rows of an indicator spreadsheet applied onto the stored sets they name."""
    try:
        table = read_table(source, INDICATOR_COLUMNS, filename)
    except ImportErrors as exc:
        return [], [f"{filename}: {e}" for e in exc.errors]
    problems = [f"{filename}: {e}" for e in table.errors]
    specs: dict[str, dict] = {}
    replaced: set[tuple[str, str]] = set()
    for row in table.rows:
        set_code, crit_code = row.text("criteria_set"), row.text("criterion")
        if set_code not in specs:
            stored = CriteriaSet.objects.filter(code=set_code).first()
            if stored is None:
                problems.append(f"{filename}: row {row.number}: criteria_set: không có bộ tiêu chí '{set_code}'.")
                continue
            specs[set_code] = spec_from_db(stored)
        spec = specs[set_code]
        criterion = next((c for c in spec["criteria"] if fold(c["code"]) == fold(crit_code)), None)
        if criterion is None:
            problems.append(
                f"{filename}: row {row.number}: criterion: bộ {set_code} không có tiêu chí '{crit_code}' "
                f"(dùng mã: {', '.join(c['code'] for c in spec['criteria'])})."
            )
            continue
        if (set_code, criterion["code"]) not in replaced:
            replaced.add((set_code, criterion["code"]))
            criterion["indicators"] = []
        thresholds = {}
        for key, column in (("all", "threshold"), ("1", "threshold_1"), ("2", "threshold_2"), ("3", "threshold_3")):
            if row.text(column):
                thresholds[key] = row.text(column)
        criterion["indicators"].append(
            {
                "code": row.text("code"),
                "name": row.text("name"),
                "unit": row.text("unit"),
                "optional": fold(row.text("optional")) in {"1", "x", "co", "yes", "true"},
                "thresholds": thresholds,
                "where": f"row {row.number}",
            }
        )
    out = []
    for spec in specs.values():
        problems += _validate(spec, filename)
        out.append((spec, filename))
    return out, problems


def load_files(paths, *, actor=None, reference=False, dry_run=False) -> LoadResult:
    """YAML sets and/or indicator spreadsheets, all validated, then written together (or rolled back: dry run)."""
    specs, problems = [], []
    for path in paths:
        path = Path(path)
        if path.suffix.lower() in (".yaml", ".yml"):
            spec, found = read_yaml(path)
            problems += found
            if spec is not None:
                specs.append((spec, REFERENCE_SOURCE.format(name=path.name) if reference else path.name))
        elif path.suffix.lower() in (".csv", ".xlsx"):
            found_specs, found = _indicator_specs(path, path.name)
            specs += found_specs
            problems += found
        else:
            problems.append(f"{path.name}: chỉ nhận tệp .yaml, .csv hoặc .xlsx.")
    if problems:
        raise CriteriaErrors(problems)
    from core.imports import run_import

    return run_import(lambda: save_specs(specs, actor=actor, reference=reference), dry_run=dry_run)


def load_ntm_criteria_sets(directory: Path = CRITERIA_DIR, *, actor=None) -> LoadResult:
    """The versioned sets shipped with the code (`load_reference_data`)."""
    return load_files(sorted(directory.glob("*.yaml")), actor=actor, reference=True)


def reference_lines(*, actor=None) -> list[str]:
    """`load_reference_data` step (settings.REFERENCE_DATA_STEPS)."""
    return [load_ntm_criteria_sets(actor=actor).summary]
