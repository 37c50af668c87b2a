"""`import_ntm` (CONTRACT §7, conventions of §5): one row per commune per year → approved assessments, recognitions."""

import bisect
from dataclasses import dataclass

from django.utils.translation import gettext as _

from areas.choices import Scheme
from areas.models import AdministrativeUnit
from areas.queries import CachedResolver, scheme_on
from core.errors import DomainError
from core.import_checks import max_length, place_out_of_scope, too_long
from core.imports import (
    Column,
    ImportRun,
    Row,
    RowError,
    RowWarning,
    YearOnly,
    missing_column,
    missing_place,
    parse_date,
    parse_year,
    place_names,
    run_import,
    split_decision,
)
from core.imports import ImportResult as BaseImportResult
from core.text import fold
from ntm.bulk import bulk_imported_assessments, bulk_imported_recognitions
from ntm.choices import COMMUNE_LEVELS, RecognitionKind, RecognitionLevel, year_end
from ntm.models import CriteriaSet, Recognition
from ntm.queries import MAX_YEAR, MIN_YEAR

BASE_COLUMNS = [
    Column("year", "Năm", True),
    Column("province", "Tỉnh", True, ("address",)),
    Column("district", "Huyện"),
    Column("commune", "Xã", True, ("address",)),
    Column("address", "Địa chỉ"),  # "xã Y, huyện Z, tỉnh T" in one cell: split into the three (core.imports)
    Column("criteria_set", "Bộ tiêu chí", True),
]
TAIL_COLUMNS = [
    Column("recognition", "Công nhận"),
    Column("decision_no", "Số quyết định"),
    Column("decision_date", "Ngày quyết định"),
    Column("decision_kind", "Loại quyết định"),
]
DECISION_NO = TAIL_COLUMNS[1]
MET = {"1", "x", "dat", "co", "yes", "true"}
NOT_MET = {"", "0", "chua dat", "khong dat", "khong", "no", "false", "-"}
RECOGNITION_WORDS = {
    "co ban dat chuan": "co-ban-dat-chuan",
    "co ban dat chuan ntm": "co-ban-dat-chuan",
    "co ban dat chuan nong thon moi": "co-ban-dat-chuan",
    "xa co ban dat chuan nong thon moi": "co-ban-dat-chuan",
    "dat chuan": "dat-chuan",
    "dat chuan ntm": "dat-chuan",
    "dat chuan nong thon moi": "dat-chuan",
    "nang cao": "nang-cao",
    "ntm nang cao": "nang-cao",
    "dat chuan nang cao": "nang-cao",
    "nong thon moi nang cao": "nang-cao",
    "kieu mau": "kieu-mau",
    "ntm kieu mau": "kieu-mau",
    "dat chuan kieu mau": "kieu-mau",
    "nong thon moi kieu mau": "kieu-mau",
}


def criterion_number(code: str) -> int:
    return int(code[2:]) if code.startswith("tc") and code[2:].isdigit() else 0


def columns(sets) -> list[Column]:
    codes = sorted({c.code for s in sets for c in s.criteria.all()}, key=lambda c: (criterion_number(c), c))
    return [*BASE_COLUMNS, *(Column(code, f"Tiêu chí {criterion_number(code)}") for code in codes), *TAIL_COLUMNS]


def parse_met(value: str) -> bool:
    folded = fold(value)
    if value.strip() and value.strip() != "-" and not folded:  # punctuation only, such as "?"
        folded = "?"
    if folded in MET:
        return True
    if folded in NOT_MET:
        return False
    raise DomainError(_("'%(v)s' không hiểu được: ghi 1/0, x/để trống, đạt/chưa đạt.") % {"v": value})


def parse_recognition(value: str) -> str:
    folded = fold(value)
    for level in COMMUNE_LEVELS:
        if folded == fold(level):
            return str(level)
    if folded in RECOGNITION_WORDS:
        return RECOGNITION_WORDS[folded]
    raise DomainError(
        _(
            "'%(v)s' không phải mức công nhận (co-ban-dat-chuan, dat-chuan, nang-cao, kieu-mau; hoặc Cơ bản đạt "
            "chuẩn, Đạt chuẩn, Nâng cao, Kiểu mẫu)."
        )
        % {"v": value}
    )


KIND_WORDS = {"cong nhan": RecognitionKind.CONG_NHAN, "thua nhan": RecognitionKind.THUA_NHAN}


def parse_kind(value: str) -> str:
    """Empty: a recognition (công nhận); `thua-nhan`: the acknowledgement for a commune formed by merging."""
    folded = fold(value).replace("-", " ")
    if not folded:
        return RecognitionKind.CONG_NHAN
    if folded in KIND_WORDS:
        return str(KIND_WORDS[folded])
    raise DomainError(
        _("'%(v)s' không phải loại quyết định (cong-nhan, thua-nhan; hoặc Công nhận, Thừa nhận).") % {"v": value}
    )


@dataclass
class RowOutcome:
    row: int
    year: int
    commune: str
    criteria_set: str
    criteria_met: int
    action: str
    recognition: str = ""

    @property
    def recognition_label(self) -> str:
        """The recognition as a person reads it ("Thừa nhận (xã sau sắp xếp): Xã đạt chuẩn nông thôn mới")."""
        kind, _sep, level = self.recognition.rpartition(": ")
        label = RecognitionLevel(level).label if level in RecognitionLevel.values else level
        return f"{RecognitionKind(kind).label}: {label}" if kind in RecognitionKind.values else str(label)


@dataclass
class ImportResult(BaseImportResult):
    @property
    def display(self) -> str:
        c = self.counts
        return _(
            "Kết quả đánh giá: %(created)s tạo mới, %(updated)s cập nhật, %(unchanged)s không thay đổi; quyết định "
            "công nhận: %(r_created)s ghi mới, %(r_unchanged)s đã có."
        ) % {
            "created": c["assessments_created"],
            "updated": c["assessments_updated"],
            "unchanged": c["assessments_unchanged"],
            "r_created": c["recognitions_created"],
            "r_unchanged": c["recognitions_unchanged"],
        }


class _EpochResolver:
    """CachedResolver remembers a name for one day, and an NTM file names each commune again for every year. Units
    change only on the days some unit begins or ends: between two such days the units valid, hence the answer for a
    name, are the same, so a name is resolved once for each such period. Only a plain answer is shared: a note or
    an error may quote the day, so those are asked for each day (CachedResolver still remembers them)."""

    def __init__(self, resolver: CachedResolver):
        self.resolver = resolver
        self.changes: dict[str, list] = {}  # scheme → the days on which some unit begins or ends, in order
        self.answers: dict[tuple, AdministrativeUnit] = {}

    def _period(self, day) -> tuple[str, int]:
        scheme = scheme_on(day)
        if scheme not in self.changes:
            days = AdministrativeUnit.objects.filter(scheme=scheme).values_list("valid_from", "valid_until")
            self.changes[scheme] = sorted({d for pair in days.distinct() for d in pair if d is not None})
        # AdministrativeUnit.is_valid_on: from valid_from, before valid_until; so a change counts from its own day
        return scheme, bisect.bisect_right(self.changes[scheme], day)

    def resolve(self, *, province, district=None, commune=None, on_date):
        key = (province or "", district or "", commune or "", *self._period(on_date))
        unit = self.answers.get(key)
        if unit is not None:
            return unit, ()
        unit, notes = self.resolver.resolve(province=province, district=district, commune=commune, on_date=on_date)
        if not notes:
            self.answers[key] = unit
        return unit, notes


@dataclass
class _Parsed:
    row: int
    year: int
    commune: object
    criteria_set: CriteriaSet
    met: dict
    recognition: str
    decision_no: str
    decision_date: object
    kind: str = RecognitionKind.CONG_NHAN


def _parse(table, sets: dict, resolver, tick, actor=None) -> tuple[list[_Parsed], list[RowError], list[RowWarning]]:
    for column in BASE_COLUMNS:  # the commune and province may come from an address: one error if it has none
        if column.alternatives:
            missing_column(table, column, lambda r, key=column.key: bool(place_names(r).get(key)))
    errors, warnings = list(table.errors), list(table.warnings)
    present = set(table.rows[0].values) if table.rows else set()
    number_limit = max_length(Recognition, "decision_no")
    missing_reported = set()
    parsed, seen = [], {}
    set_by_text = {}  # the criteria_set cell as written → the set (folded once per distinct text)
    # A file writes a handful of distinct criterion cells ("1", "0", "x", blank) tens of thousands of times: each is
    # read once (met, or the DomainError that says why not). Keyed with its type: 1, 1.0 and True are equal keys.
    met_of = {}
    # each set's criterion codes in order, and the file's criterion columns it does not have
    codes_of = {s.pk: sorted({c.code for c in s.criteria.all()}, key=criterion_number) for s in sets.values()}
    extra_of = {pk: sorted(k for k in present - set(codes) if criterion_number(k)) for pk, codes in codes_of.items()}
    tick("validate", 0, len(table.rows), force=True)
    for done, row in enumerate(table.rows):
        tick("validate", done, len(table.rows))
        before = len(errors)
        year = _year(errors, row)
        set_text = row.text("criteria_set")
        if set_text not in set_by_text:
            set_by_text[set_text] = sets.get(fold(set_text).replace(" ", "-")) if set_text else None
        criteria_set = set_by_text[set_text]
        if not set_text:
            errors.append(RowError(row.number, "criteria_set", _("bắt buộc, đang để trống.")))
        elif criteria_set is None:
            errors.append(
                RowError(
                    row.number,
                    "criteria_set",
                    _("không có bộ tiêu chí '%(s)s' (dùng: %(all)s).")
                    % {"s": set_text, "all": ", ".join(sorted(sets))},
                )
            )
        elif year and not (
            criteria_set.valid_from <= year_end(year)
            and (criteria_set.valid_until is None or year_end(year) < criteria_set.valid_until)
        ):
            errors.append(
                RowError(
                    row.number,
                    "criteria_set",
                    _("bộ %(s)s không áp dụng cho năm %(y)s (tính theo ngày 31/12).")
                    % {"s": criteria_set.code, "y": year},
                )
            )
        met = {}
        if criteria_set is not None:
            codes = codes_of[criteria_set.pk]
            for code in codes:
                if code not in present:
                    if (criteria_set.code, code) not in missing_reported:
                        missing_reported.add((criteria_set.code, code))
                        errors.append(RowError(1, code, _("thiếu cột của tiêu chí %(c)s.") % {"c": code}))
                    continue
                cell = row.values.get(code)
                answer = met_of.get((type(cell), cell), met_of)
                if answer is met_of:
                    try:
                        answer = parse_met(row.text(code))
                    except DomainError as exc:
                        answer = exc
                    met_of[(type(cell), cell)] = answer
                if isinstance(answer, DomainError):
                    errors.append(RowError(row.number, code, answer.message))
                else:
                    met[code] = answer
            for key in extra_of[criteria_set.pk]:
                if row.text(key):
                    errors.append(
                        RowError(
                            row.number,
                            key,
                            _("bộ %(s)s chỉ có %(n)s tiêu chí: để trống cột này.")
                            % {"s": criteria_set.code, "n": len(codes)},
                        )
                    )
        recognition = ""
        if row.text("recognition"):
            try:
                recognition = parse_recognition(row.text("recognition"))
            except DomainError as exc:
                errors.append(RowError(row.number, "recognition", exc.message))
        elif row.text("decision_no") or row.text("decision_date") or row.text("decision_kind"):
            errors.append(RowError(row.number, "recognition", _("có quyết định nhưng chưa ghi mức công nhận.")))
        kind = RecognitionKind.CONG_NHAN
        try:
            kind = parse_kind(row.text("decision_kind"))
        except DomainError as exc:
            errors.append(RowError(row.number, "decision_kind", exc.message))
        decision_no, decision_date = _decision(errors, warnings, row, year, recognition)
        too_long(errors, row, "decision_no", decision_no, DECISION_NO.label, number_limit)
        commune = None
        places = place_names(row)
        warnings.extend(places.warnings)
        if table.missing & {"province", "commune"}:
            pass  # reported once, on the heading row
        elif problems := [e for e in (missing_place(row, places, k) for k in ("province", "commune")) if e]:
            errors.extend(problems)
        elif year and scheme_on(year_end(year)) == Scheme.PRE2025 and not places.get("district"):
            if row.text("address") and "district" not in row.values:
                errors.append(
                    RowError(
                        row.number,
                        "address",
                        _("địa chỉ '%(a)s' không ghi huyện: bắt buộc với năm trước 2025.") % {"a": row.text("address")},
                    )
                )
            else:
                errors.append(RowError(row.number, "district", _("bắt buộc với năm trước 2025.")))
        elif year:
            day = year_end(year)
            try:
                commune, notes = resolver.resolve(
                    province=places.get("province"),
                    district=places.get("district"),
                    commune=places.get("commune"),
                    on_date=day,
                )
            except DomainError as exc:
                key = exc.field or "commune"
                errors.append(RowError(row.number, places.source.get(key, key), exc.message))
            else:
                warnings.extend(RowWarning(row.number, places.source.get(k, k), m) for k, m in notes)
                if place_out_of_scope(errors, row, places, commune, actor, "ntm.manage"):
                    commune = None  # another province's commune: nothing more is said about it
                elif not commune.is_rural_commune:
                    errors.append(
                        RowError(
                            row.number,
                            "commune",
                            _("%(c)s không phải xã: phường, thị trấn không đánh giá nông thôn mới.")
                            % {"c": commune.name},
                        )
                    )
        if commune is not None and criteria_set is not None and year:
            key = (commune.pk, year, criteria_set.pk)
            if key in seen:
                errors.append(
                    RowError(
                        row.number, "commune", _("trùng với dòng %(n)s (cùng xã, năm, bộ tiêu chí).") % {"n": seen[key]}
                    )
                )
            seen.setdefault(key, row.number)
        if len(errors) == before:
            parsed.append(
                _Parsed(
                    row.number,
                    year,
                    commune,
                    criteria_set,
                    met,
                    recognition,
                    decision_no,
                    decision_date,
                    kind,
                )
            )
    tick("validate", len(table.rows), len(table.rows), force=True)
    return parsed, errors, warnings


def _decision(errors, warnings, row: Row, year, recognition) -> tuple[str, object]:
    """The recognition's decision number and date ("Số 12/QĐ-UBND ngày 01/02/2022" in one cell too). Without a date
    the recognition counts from 31 December of the row's year (services.record_recognition), and a warning says so;
    a date written as the row's year alone ("năm 2021") means the same."""
    number, written = split_decision(row.text("decision_no"))
    text = row.text("decision_date") or written
    column = "decision_date" if row.text("decision_date") else "decision_no"
    date = None
    try:
        date = parse_date(row.values.get("decision_date") if row.text("decision_date") else written) if text else None
    except YearOnly as exc:
        if exc.year != year:
            errors.append(RowError(row.number, column, exc.message))
            return number, None
    except DomainError as exc:
        errors.append(RowError(row.number, column, exc.message))
        return number, None
    if recognition and date is None and year:
        warnings.append(
            RowWarning(
                row.number,
                "decision_date",
                _("chưa có ngày quyết định: công nhận tính từ 31/12/%(y)s.") % {"y": year},
            )
        )
    return number, date


def _year(errors, row: Row):
    text = row.text("year")
    if not text:
        errors.append(RowError(row.number, "year", _("bắt buộc, đang để trống.")))
        return None
    try:
        return parse_year(row.values.get("year"), low=MIN_YEAR, high=MAX_YEAR)  # 2021, "2021", "Năm 2021"
    except DomainError:
        errors.append(
            RowError(row.number, "year", _("năm '%(v)s' không hợp lệ: ghi bốn chữ số, ví dụ 2021.") % {"v": text})
        )
        return None


ACTIONS = {"created": "tạo mới", "updated": "cập nhật", "unchanged": "không thay đổi"}


def _count(result: ImportResult, r: _Parsed, outcome: str, labels: dict) -> None:
    result.counts[f"assessments_{outcome}"] += 1
    result.outcomes.append(
        RowOutcome(
            r.row,
            r.year,
            r.commune.name,
            r.criteria_set.code,
            sum(1 for v in r.met.values() if v),
            labels[outcome],
            f"{r.kind}: {r.recognition}" if r.kind == RecognitionKind.THUA_NHAN else r.recognition,
        )
    )


def _write(
    rows: list[_Parsed], actor, warnings=(), tick=lambda *a, **k: None, savepoints=False
) -> tuple[ImportResult, list]:
    """Every row in bulk (ntm.bulk), with the services' checks, records and audit entries; returns the result and
    the errors of the rows refused there. A refused row writes nothing (neither its decision nor its assessment):
    with `savepoints` (skip_invalid) the others are written; without, the caller refuses the file and its
    transaction rolls everything back."""
    result = ImportResult(warnings=list(warnings))
    errors = []
    tick("write", 0, len(rows), force=True)
    # The decisions first, earlier ones first whatever the file's order, so a nâng cao row finds the đạt chuẩn row of
    # an earlier year on record (the nesting warning) and a thừa nhận finds its predecessors' decisions. They depend
    # on no assessment; a row whose decision is refused writes no assessment either (as its savepoint did).
    recognised = sorted((r for r in rows if r.recognition), key=lambda r: (r.decision_date or year_end(r.year), r.row))
    decisions, refused = bulk_imported_recognitions(
        actor=actor,
        rows=[(r.commune, r.recognition, r.decision_no, r.decision_date, r.year, r.kind) for r in recognised],
    )
    failed = set()
    for index, exc in refused.items():
        errors.append(RowError(recognised[index].row, exc.field or "commune", exc.message))
        failed.add(recognised[index].row)
    for r, decision in zip(recognised, decisions, strict=True):
        if decision is None:
            continue
        recognition, created = decision
        result.counts["recognitions_created" if created else "recognitions_unchanged"] += 1
        if recognition.warning:  # kept on the decision, so a re-import says it again
            result.warnings.append(RowWarning(r.row, "recognition", recognition.warning))
    tick("write", len(recognised), len(rows), force=True)
    written = [r for r in rows if r.row not in failed]
    outcomes, refused = bulk_imported_assessments(
        actor=actor, rows=[(r.commune, r.year, r.criteria_set, r.met) for r in written]
    )
    for index, exc in sorted(refused.items()):  # nothing written for them; without skip_invalid the file is refused
        errors.append(RowError(written[index].row, exc.field or "commune", exc.message))
    labels = {outcome: _(text) for outcome, text in ACTIONS.items()}  # translated once, not for every row
    for r, outcome in zip(written, outcomes, strict=True):
        if outcome is not None:
            _count(result, r, outcome, labels)
    tick("write", len(rows), len(rows), force=True)
    result.outcomes.sort(key=lambda o: o.row)
    result.warnings.sort(key=lambda w: w.row)
    c = result.counts
    result.summary = (
        f"assessments created={c['assessments_created']} updated={c['assessments_updated']} "
        f"unchanged={c['assessments_unchanged']}; recognitions created={c['recognitions_created']} "
        f"unchanged={c['recognitions_unchanged']}"
    )
    return result, errors


def import_ntm(
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
    MappingError for a `mapping` (heading → key) that does not fit the file. `skip_invalid`, `progress` and
    `errors_to` as for certification.imports.import_register."""
    run = ImportRun(skip_invalid=skip_invalid, progress=progress, errors_to=errors_to)
    sets = {s.code: s for s in CriteriaSet.objects.prefetch_related("criteria")}
    table = run.read(source, columns(sets.values()), filename, kind="ntm", mapping=mapping)
    rows, errors, warnings = _parse(table, sets, _EpochResolver(CachedResolver()), run.progress, actor)
    run.check(errors, warnings)

    def write():
        result, row_errors = _write(rows, actor, warnings, run.progress, savepoints=skip_invalid)
        run.check(errors + row_errors, result.warnings)
        changed = {k: v for k, v in result.counts.items() if v and "unchanged" not in k}
        if changed:
            from core import audit

            audit.record(
                actor=actor,
                action="ntm.import.imported",
                object_type_label="ntm.import",
                label=str(filename or ""),
                after={"summary": result.summary},
            )
        result.errors = row_errors
        return result

    result = run_import(write, dry_run=dry_run)
    return run.finish(result, errors + result.errors, result.warnings)
