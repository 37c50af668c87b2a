"""Issue 14, item 1: the NTM import refuses another province's communes as row errors before anything is looked
up or written (the same error whether or not the commune has records), and over-long cells are row errors."""

import pytest

from core.imports import ImportErrors
from core.models import AuditEntry
from ntm.imports import import_ntm
from ntm.models import Assessment, Recognition
from ntm.tests.helpers import dien_bien_communes, row_2021, write_csv

pytestmark = pytest.mark.django_db
OUT_OF_SCOPE = "nằm ngoài địa bàn bạn được giao"


def son_la_row(commune_name, **kwargs):
    row = row_2021(dien_bien_communes()[0], 19, **kwargs)
    row[1:4] = ["Sơn La", "Thành phố Sơn La", commune_name]
    return row


def test_another_provinces_commune_is_a_row_error_and_nothing_is_written(tmp_path, province_officer):
    # Xã Chiềng Cọ has a record (loaded by the system), Xã Chiềng Đen none: the officer is told the same of both.
    import_ntm(write_csv(tmp_path / "sl.csv", [son_la_row("Xã Chiềng Cọ")]), filename="sl.csv")
    assessments, entries = Assessment.objects.count(), AuditEntry.objects.count()
    rows = [son_la_row("Xã Chiềng Cọ", recognition="dat-chuan", decision_no="5/QĐ-UBND"), son_la_row("Xã Chiềng Đen")]
    path = write_csv(tmp_path / "a.csv", rows)
    with pytest.raises(ImportErrors) as refused:
        import_ntm(path, actor=province_officer, filename="a.csv")
    errors = refused.value.errors
    assert [(e.row, e.column) for e in errors] == [(2, "province"), (3, "province")]  # CONTRACT §5
    assert OUT_OF_SCOPE in errors[0].message and OUT_OF_SCOPE in errors[1].message
    dry = import_ntm(path, actor=province_officer, filename="a.csv", dry_run=True, skip_invalid=True)
    assert [e.row for e in dry.errors] == [2, 3] and not dry.outcomes
    assert (Assessment.objects.count(), AuditEntry.objects.count()) == (assessments, entries)
    assert not Recognition.objects.exists()


def test_the_officers_own_communes_still_import(tmp_path, province_officer):
    own = dien_bien_communes()[0]
    rows = [row_2021(own, 19, recognition="dat-chuan", decision_no="6/QĐ-UBND"), son_la_row("Xã Chiềng Cọ")]
    result = import_ntm(
        write_csv(tmp_path / "b.csv", rows), actor=province_officer, filename="b.csv", skip_invalid=True
    )
    assert result.skipped == [3]
    assert Assessment.objects.get().commune == own and Recognition.objects.get().commune == own
    assert AuditEntry.objects.filter(action="ntm.import.imported").latest("pk").actor == province_officer


def test_an_over_long_decision_number_is_a_row_error(tmp_path, province_officer):
    own = dien_bien_communes()[0]
    path = write_csv(tmp_path / "c.csv", [row_2021(own, 19, recognition="dat-chuan", decision_no="7" * 61)])
    with pytest.raises(ImportErrors) as refused:
        import_ntm(path, actor=province_officer, filename="c.csv")
    (error,) = refused.value.errors
    assert (error.row, error.column) == (2, "decision_no") and "60" in error.message
    assert not Recognition.objects.exists()
