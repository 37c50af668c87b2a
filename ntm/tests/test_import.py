"""import_ntm: every error with its row and column, nothing written, dry run, idempotency, the command's shape."""

import pytest
from django.core.management import call_command

from core.imports import ImportErrors
from core.models import AuditEntry
from ntm.imports import import_ntm
from ntm.models import Assessment, Recognition
from ntm.tests.helpers import dien_bien_2021_rows, dien_bien_communes, row_2021, write_csv

pytestmark = pytest.mark.django_db


def test_errors_have_row_and_column_and_nothing_is_written(tmp_path):
    a, b, c = dien_bien_communes()[:3]
    good = row_2021(a, 19)
    bad_value = row_2021(b, 19)
    bad_value[7] = "có lẽ"  # tc3
    unknown = row_2021(c, 19)
    unknown[3] = "Xã Không Có"
    no_district = row_2021(c, 19)
    no_district[2] = ""
    bad_year = row_2021(c, 19)
    bad_year[0] = "hai nghìn"
    bad_recognition = row_2021(c, 19, recognition="xuất sắc")
    bad_date = row_2021(c, 19, recognition="dat-chuan", decision_date="31/02/2021")
    path = write_csv(tmp_path / "e.csv", [good, bad_value, unknown, no_district, bad_year, bad_recognition, bad_date])
    with pytest.raises(ImportErrors) as caught:
        import_ntm(path, filename="e.csv")
    messages = [str(e) for e in caught.value.errors]
    assert any(m.startswith("row 3: tc3: ") for m in messages)
    assert any(m.startswith("row 4: commune: ") and "Không Có" in m for m in messages)
    assert any(m.startswith("row 5: district: ") for m in messages)
    assert any(m.startswith("row 6: year: ") for m in messages)
    assert any(m.startswith("row 7: recognition: ") for m in messages)
    assert any(m.startswith("row 8: decision_date: ") for m in messages)
    assert not Assessment.objects.exists()
    assert not Recognition.objects.exists()


def test_duplicate_rows_and_missing_columns_are_errors(tmp_path):
    a = dien_bien_communes()[0]
    path = write_csv(tmp_path / "d.csv", [row_2021(a, 19), row_2021(a, 18)])
    with pytest.raises(ImportErrors) as caught:
        import_ntm(path, filename="d.csv")
    assert [str(e).split(":")[0:2] for e in caught.value.errors] == [["row 3", " commune"]]
    header = ["year", "province", "district", "commune", "criteria_set", *[f"tc{i}" for i in range(1, 19)]]
    path = write_csv(tmp_path / "m.csv", [row_2021(a, 19)[:23]], header=header)
    with pytest.raises(ImportErrors) as caught:
        import_ntm(path, filename="m.csv")
    assert str(caught.value.errors[0]).startswith("row 1: tc19: ")


def test_dry_run_writes_nothing_and_reports_the_same_summary(tmp_path):
    path = write_csv(tmp_path / "a.csv", dien_bien_2021_rows())
    entries = AuditEntry.objects.count()
    dry = import_ntm(path, dry_run=True, filename="a.csv")
    assert not Assessment.objects.exists()
    assert AuditEntry.objects.count() == entries
    real = import_ntm(path, filename="a.csv")
    assert dry.summary == real.summary
    assert real.summary == "assessments created=21 updated=0 unchanged=0; recognitions created=13 unchanged=0"


def test_importing_again_changes_nothing(tmp_path):
    path = write_csv(tmp_path / "a.csv", dien_bien_2021_rows())
    import_ntm(path, filename="a.csv")
    entries = AuditEntry.objects.count()
    again = import_ntm(path, filename="a.csv")
    assert again.summary == "assessments created=0 updated=0 unchanged=21; recognitions created=0 unchanged=13"
    assert AuditEntry.objects.count() == entries
    assert Assessment.objects.count() == 21
    assert Recognition.objects.count() == 13


def test_a_changed_row_updates_the_assessment(tmp_path):
    a = dien_bien_communes()[0]
    import_ntm(write_csv(tmp_path / "a.csv", [row_2021(a, 19)]), filename="a.csv")
    result = import_ntm(write_csv(tmp_path / "b.csv", [row_2021(a, 17)]), filename="b.csv")
    assert result.counts["assessments_updated"] == 1
    assessment = Assessment.objects.get()
    assert assessment.criteria_met == 17
    assert assessment.status == "approved" and assessment.source == "import"
    assert AuditEntry.objects.filter(action="ntm.assessment.imported", object_id=str(assessment.pk)).count() == 2


def test_command_prints_errors_and_exits_1(tmp_path, capsys):
    a = dien_bien_communes()[0]
    bad = row_2021(a, 19)
    bad[5] = "có"  # "có" means met; make tc2 wrong instead
    bad[6] = "?"
    path = write_csv(tmp_path / "c.csv", [bad])
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_ntm", str(path))
    assert exit_info.value.code == 1
    assert "row 2: tc2: " in capsys.readouterr().out
    good = write_csv(tmp_path / "g.csv", [row_2021(a, 19)])
    call_command("import_ntm", str(good), "--dry-run")
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "assessments created=1 updated=0 unchanged=0; recognitions created=0 unchanged=0"
    assert not Assessment.objects.exists()
    call_command("import_ntm", str(good))
    assert Assessment.objects.count() == 1
