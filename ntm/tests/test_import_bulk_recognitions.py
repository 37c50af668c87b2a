"""Issue 15: the NTM import writes its rows that carry a recognition in bulk (ntm.bulk.bulk_imported_recognitions):
the same decisions, warnings and audit entries as ntm.services.record_recognition called row by row in the order of
the decisions, in a number of queries that does not grow with the rows; a refused row anywhere writes nothing, and a
second run changes nothing."""

import datetime
from collections import Counter

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.imports import ImportErrors
from core.models import AuditEntry
from ntm import services
from ntm.choices import RecognitionKind, Source, year_end
from ntm.imports import import_ntm
from ntm.models import Assessment, CriteriaSet, CriterionResult, Recognition
from ntm.tests.helpers import HEADER_2021, TAIL, set_for, write_csv
from ntm.tests.test_import_bulk import _communes

pytestmark = pytest.mark.django_db

D = datetime.date
HEADER = [*HEADER_2021, *TAIL, "decision_kind"]

# (year, area id, criteria met, recognition, decision number, decision date, kind): the file's order is not the
# decisions' order. Xã Thanh Yên (2025:03349) follows from Pa Thơm, Thanh Yên and Noong Luống (old), all recognised
# by this file before 30/06/2025; Xã Thanh Nưa (2025:03328) follows from five old communes, four recognised by this
# file and Thanh Chăn, whose decision on record was revoked before 30/06/2025 (_on_record_before).
ROWS = [
    (2023, "pre2025:03340", 19, "nang-cao", "2/QĐ-UBND", "01/06/2023", ""),  # its đạt chuẩn is the next row's
    (2020, "pre2025:03340", 19, "dat-chuan", "1/QĐ-UBND", "10/12/2020", ""),  # already on record: found
    (2021, "pre2025:03346", 19, "dat-chuan", "3/QĐ-UBND", "", ""),  # no date: counts from 31/12/2021
    (2024, "pre2025:03349", 19, "kieu-mau", "4/QĐ-UBND", "01/06/2024", ""),  # no nâng cao on record: warned
    (2025, "2025:03349", 19, "dat-chuan", "5/QĐ-UBND", "01/10/2025", "thua-nhan"),  # follows from all three
    (2026, "2025:03349", 10, "nang-cao", "6/QĐ-UBND", "01/03/2026", ""),  # its thừa nhận is on record
    (2020, "pre2025:03319", 16, "co-ban-dat-chuan", "7/QĐ-UBND", "28/12/2020", ""),
    (2025, "2025:03328", 19, "nang-cao", "8/QĐ-UBND", "01/11/2025", ""),  # nothing inherited: warned
    (2021, "pre2025:03322", 19, "dat-chuan", "11/QĐ-UBND", "01/06/2021", ""),
    (2022, "pre2025:03323", 19, "dat-chuan", "12/QĐ-UBND", "01/06/2022", ""),
    (2022, "pre2025:03328", 19, "dat-chuan", "13/QĐ-UBND", "01/06/2022", ""),
    (2023, "pre2025:03331", 19, "dat-chuan", "14/QĐ-UBND", "01/06/2023", ""),
    (2021, "pre2025:03334", 12, "", "", "", ""),
    (2022, "pre2025:03343", 17, "", "", "", ""),
]


def _set_code(year):
    return "ntm-2026" if year >= 2026 else set_for(year)


def _cells(year, met):
    total = 10 if year >= 2026 else 19
    return ["1" if k < met else "0" if k < total else "" for k in range(19)]


def _csv_row(unit, year, area_id, met, recognition, number, day, kind):
    commune = unit(area_id)
    district = commune.parent.name if area_id.startswith("pre2025") else ""
    return [
        year,
        "Điện Biên",
        district,
        commune.name,
        _set_code(year),
        *_cells(year, met),
        recognition,
        number,
        day,
        kind,
    ]


def _write_file(path, unit, rows=ROWS):
    return write_csv(path, [_csv_row(unit, *row) for row in rows], header=HEADER)


def _on_record_before(unit):
    """What the database holds before the import: the đạt chuẩn of row 3 (found, not duplicated), and a decision of
    one of Thanh Nưa's predecessors revoked before 30/06/2025 (it does not count for the inheritance)."""
    services.record_recognition(
        actor=None,
        commune=unit("pre2025:03340"),
        level="dat-chuan",
        decision_no="1/QĐ-UBND",
        decision_date=D(2020, 12, 10),
    )
    revoked, _created = services.record_recognition(
        actor=None, commune=unit("pre2025:03337"), level="dat-chuan", decision_no="9/QĐ", decision_date=D(2019, 5, 1)
    )
    services.revoke_recognition(actor=None, recognition=revoked, revoked_on=D(2025, 5, 15), reason="Không duy trì")


def _by_services(unit, rows=ROWS):
    """The import as it was written before issue 15: the assessments, then the rows with a recognition one by one
    through the services, earlier decisions first."""
    sets = {s.code: s for s in CriteriaSet.objects.prefetch_related("criteria")}

    def parsed(row):
        year, area_id, met, recognition, number, day, kind = row
        date = datetime.datetime.strptime(day, "%d/%m/%Y").date() if day else None
        cells = _cells(year, met)
        return (
            year,
            unit(area_id),
            sets[_set_code(year)],
            {f"tc{k + 1}": c == "1" for k, c in enumerate(cells)},
            (
                recognition,
                number,
                date,
                kind or RecognitionKind.CONG_NHAN,
            ),
        )

    items = [parsed(row) for row in rows]
    for year, commune, criteria_set, met, decision in items:
        if not decision[0]:
            services.record_imported_assessment(
                actor=None, commune=commune, year=year, criteria_set=criteria_set, met=met
            )
    recognised = [(i, item) for i, item in enumerate(items) if item[4][0]]
    for _i, (year, commune, criteria_set, met, (level, number, date, kind)) in sorted(
        recognised, key=lambda pair: (pair[1][4][2] or year_end(pair[1][0]), pair[0])
    ):
        services.record_imported_assessment(actor=None, commune=commune, year=year, criteria_set=criteria_set, met=met)
        services.record_recognition(
            actor=None,
            commune=commune,
            level=level,
            decision_no=number,
            decision_date=date,
            year=year,
            source=Source.IMPORT,
            kind=kind,
        )


def _state(since):
    assessments = sorted(
        Assessment.objects.values_list("commune_id", "year", "criteria_set__code", "status", "source", "criteria_met")
    )
    results = sorted(
        CriterionResult.objects.values_list("assessment__commune_id", "assessment__year", "criterion__code", "met")
    )
    recognitions = sorted(
        (
            r.commune_id,
            r.level,
            r.kind,
            r.rank,
            r.decision_no,
            r.decision_date,
            r.effective_date,
            r.source,
            r.warning,
            r.revoked_on,
            tuple(sorted(u.pk for u in r.follows_from.all())),
        )
        for r in Recognition.objects.prefetch_related("follows_from")
    )
    entries = Counter(
        (e.action, e.object_type, e.object_label, e.area_id, repr(e.before), repr(e.after))
        for e in AuditEntry.objects.filter(pk__gt=since).exclude(action="ntm.import.imported")
    )
    return assessments, results, recognitions, entries


class _Rollback(Exception):
    pass


def _in_rollback(write):
    since = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    found = None
    try:
        with transaction.atomic():
            write()
            found = _state(since)
            raise _Rollback
    except _Rollback:
        pass
    return found


def test_recognition_rows_in_bulk_make_the_same_decisions_warnings_and_audit_entries(tmp_path, unit):
    _on_record_before(unit)
    path = _write_file(tmp_path / "r.csv", unit)
    bulk = _in_rollback(lambda: import_ntm(path, filename="r.csv"))
    one_by_one = _in_rollback(lambda: _by_services(unit))
    assert bulk == one_by_one
    recognitions, entries = bulk[2], bulk[3]
    assert len(recognitions) == 2 + 11  # two on record, eleven new (the đạt chuẩn of 2020 found again)
    warned = {(r[1], r[4]) for r in recognitions if r[8]}
    assert warned == {("kieu-mau", "4/QĐ-UBND"), ("nang-cao", "8/QĐ-UBND")}
    acknowledged = next(r for r in recognitions if r[2] == "thua-nhan")
    assert len(acknowledged[10]) == 3 and acknowledged[8] == ""
    actions = Counter(action for action, *_rest in entries.elements())
    assert actions == {"ntm.assessment.imported": 14, "ntm.recognition.recorded": 10, "ntm.recognition.acknowledged": 1}

    result = import_ntm(path, filename="r.csv")
    assert result.summary == "assessments created=14 updated=0 unchanged=0; recognitions created=11 unchanged=1"
    assert [(w.row, w.column) for w in result.warnings] == [
        (4, "decision_date"),
        (5, "recognition"),
        (9, "recognition"),
    ]


def test_a_second_run_changes_nothing_and_says_the_warnings_again(tmp_path, unit):
    _on_record_before(unit)
    path = _write_file(tmp_path / "r.csv", unit)
    first = import_ntm(path, filename="r.csv")
    entries = AuditEntry.objects.count()
    decisions = sorted(Recognition.objects.values_list("pk", "warning", "effective_date"))
    again = import_ntm(path, filename="r.csv")
    assert again.summary == "assessments created=0 updated=0 unchanged=14; recognitions created=0 unchanged=12"
    assert AuditEntry.objects.count() == entries
    assert sorted(Recognition.objects.values_list("pk", "warning", "effective_date")) == decisions
    assert [str(w) for w in again.warnings] == [str(w) for w in first.warnings]


def test_a_decision_refused_anywhere_in_the_file_writes_nothing(tmp_path, unit):
    _on_record_before(unit)
    before = (Assessment.objects.count(), Recognition.objects.count(), AuditEntry.objects.count())
    # last row: an old commune's decision dated after the reform, when that commune no longer exists
    rows = [*ROWS, (2024, "pre2025:03328", 19, "dat-chuan", "10/QĐ-UBND", "01/09/2025", "")]
    path = _write_file(tmp_path / "bad.csv", unit, rows)
    with pytest.raises(ImportErrors) as caught:
        import_ntm(path, filename="bad.csv")
    assert [(e.row, e.column) for e in caught.value.errors] == [(len(rows) + 1, "commune")]
    assert "Xã Thanh Luông không có hiệu lực ngày 01/09/2025" in caught.value.errors[0].message
    assert (Assessment.objects.count(), Recognition.objects.count(), AuditEntry.objects.count()) == before


def test_skipping_a_refused_decision_skips_its_assessment_too(tmp_path, unit):
    rows = [*ROWS[:3], (2024, "pre2025:03328", 19, "dat-chuan", "10/QĐ-UBND", "01/09/2025", "")]
    path = _write_file(tmp_path / "skip.csv", unit, rows)
    result = import_ntm(path, filename="skip.csv", skip_invalid=True)
    assert result.skipped == [5]
    assert result.summary == "assessments created=3 updated=0 unchanged=0; recognitions created=3 unchanged=0"
    assert not Assessment.objects.filter(commune=unit("pre2025:03328")).exists()
    assert not Recognition.objects.filter(commune=unit("pre2025:03328")).exists()


def _recognition_rows(communes):
    """Each commune: đạt chuẩn in 2019, nâng cao in 2020 (dated), kiểu mẫu in 2021 (no date)."""
    rows = []
    for i, commune in enumerate(communes):
        for year, level, day in (
            (2019, "dat-chuan", "15/06/2019"),
            (2020, "nang-cao", "20/11/2020"),
            (2021, "kieu-mau", ""),
        ):
            rows.append(
                [
                    year,
                    "Điện Biên",
                    commune.district.name,
                    commune.name,
                    set_for(year),
                    *["1"] * 19,
                    level,
                    f"{i}-{year}/QĐ",
                    day,
                    "",
                ]
            )
    return rows


def _queries(tmp_path, communes):
    path = write_csv(tmp_path / f"q{len(communes)}.csv", _recognition_rows(communes), header=HEADER)
    with CaptureQueriesContext(connection) as first:
        result = import_ntm(path, filename="q.csv")
    assert result.counts["recognitions_created"] == 3 * len(communes)
    with CaptureQueriesContext(connection) as again:
        result = import_ntm(path, filename="q.csv")
    assert result.counts["recognitions_unchanged"] == 3 * len(communes)
    return len(first.captured_queries), len(again.captured_queries)


def test_the_number_of_queries_of_recognition_rows_does_not_grow_with_the_rows(tmp_path):
    communes = _communes(60)
    assert _queries(tmp_path, communes[:20]) == _queries(tmp_path, communes[20:])
