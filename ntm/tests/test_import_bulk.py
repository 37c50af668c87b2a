"""Issue 15: the NTM import writes its assessments in bulk (ntm.bulk), exactly as the service does row by row, in a
number of queries that does not grow with the rows."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from areas.models import AdministrativeUnit
from core.models import AuditEntry
from ntm import services
from ntm.imports import import_ntm
from ntm.models import Assessment, CriteriaSet, CriterionResult
from ntm.tests.helpers import row_2021, write_csv

pytestmark = pytest.mark.django_db


def _communes(n):
    """n rural communes of Tỉnh Điện Biên (old scheme) whose name is unique in their district."""
    units = AdministrativeUnit.objects.filter(scheme="pre2025", level="commune", province__code="11")
    units = [u for u in units.select_related("district").order_by("code") if u.is_rural_commune]
    seen = Counter((u.district_id, u.search_name) for u in units)
    return [u for u in units if seen[(u.district_id, u.search_name)] == 1][:n]


def _rows(communes, years, shift=0):
    """One row per commune and year; the criteria met vary with the commune, the year and `shift`."""
    rows = []
    for year in years:
        for i, commune in enumerate(communes):
            cells = ["1" if (i + k + year + shift) % 4 else "0" for k in range(19)]
            row = row_2021(commune, 0, year=year, values=cells)
            row[2] = commune.district.name
            rows.append(row)
    return rows


def _state(since):
    assessments = sorted(
        Assessment.objects.values_list("commune_id", "year", "criteria_set__code", "status", "source", "criteria_met")
    )
    results = sorted(
        CriterionResult.objects.values_list("assessment__commune_id", "assessment__year", "criterion__code", "met")
    )
    entries = Counter(
        (e.action, e.object_type, e.object_label, e.area_id, repr(e.before), repr(e.after))
        for e in AuditEntry.objects.filter(pk__gt=since).exclude(action="ntm.import.imported")
    )
    return assessments, results, entries


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


def _by_service(rows):
    sets = {s.code: s for s in CriteriaSet.objects.prefetch_related("criteria")}
    units = {(u.district.name, u.name): u for u in _communes(200)}
    for row in rows:
        year, _p, district, commune, code, *cells = row
        met = {f"tc{k + 1}": cells[k] == "1" for k in range(19)}
        services.record_imported_assessment(
            actor=None, commune=units[(district, commune)], year=year, criteria_set=sets[code], met=met
        )


def test_bulk_assessments_are_the_services_assessments(tmp_path):
    communes = _communes(30)
    first, second = _rows(communes, (2020, 2021)), _rows(communes, (2021, 2022), shift=1)
    bulk_new = _in_rollback(lambda: import_ntm(write_csv(tmp_path / "a.csv", first), filename="a.csv"))
    service_new = _in_rollback(lambda: _by_service(first))
    assert bulk_new == service_new and sum(bulk_new[2].values()) == 60
    import_ntm(write_csv(tmp_path / "a.csv", first), filename="a.csv")
    # 2021 again with other values (updated), 2022 new (created)
    bulk_changed = _in_rollback(lambda: import_ntm(write_csv(tmp_path / "b.csv", second), filename="b.csv"))
    service_changed = _in_rollback(lambda: _by_service(second))
    assert bulk_changed == service_changed
    actions = Counter((action, before != "None") for action, _t, _l, _a, before, _af in bulk_changed[2].elements())
    assert actions == {("ntm.assessment.imported", True): 30, ("ntm.assessment.imported", False): 30}
    result = import_ntm(write_csv(tmp_path / "b.csv", second), filename="b.csv")
    assert result.summary == ("assessments created=30 updated=30 unchanged=0; recognitions created=0 unchanged=0")
    call_command("verify_audit", stdout=io.StringIO())


def _queries(tmp_path, communes, years):
    path = write_csv(tmp_path / f"q{len(communes)}.csv", _rows(communes, years))
    with CaptureQueriesContext(connection) as first:
        import_ntm(path, filename="q.csv")
    with CaptureQueriesContext(connection) as again:
        result = import_ntm(write_csv(path, _rows(communes, years, shift=2)), filename="q.csv")
    assert result.counts["assessments_updated"] == len(communes) * len(years)
    return len(first.captured_queries), len(again.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(tmp_path):
    communes, years = _communes(100), (2018, 2019, 2020, 2021)  # names are resolved once for each year's scheme
    assert _queries(tmp_path, communes[:10], years) == _queries(tmp_path, communes[10:], years)
