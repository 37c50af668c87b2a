"""Issue 13 for import_ntm: valid rows only, progress and cancel, the error workbook, the command's exit status."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from core.imports import ERROR_COLUMN, ERROR_FILL, ImportErrors
from ntm.imports import import_ntm
from ntm.models import Assessment, Recognition
from ntm.tests.helpers import HEADER_2021, TAIL, dien_bien_communes, row_2021, write_csv

pytestmark = pytest.mark.django_db


def _file(tmp_path):
    a, b, c = dien_bien_communes()[:3]
    bad = row_2021(b, 19)
    bad[7] = "có lẽ"  # tc3
    rows = [row_2021(a, 19, recognition="dat-chuan", decision_no="1/QĐ-UBND", decision_date="15/06/2021"), bad]
    rows.append(row_2021(c, 12))
    return write_csv(tmp_path / "ntm.csv", rows), (a, b, c)


def test_skip_invalid_writes_the_valid_rows_and_a_corrected_file_completes_them(tmp_path):
    path, (a, b, c) = _file(tmp_path)
    result = import_ntm(path, filename=path.name, skip_invalid=True)
    assert result.skipped == [3] and [(e.row, e.column) for e in result.errors] == [(3, "tc3")]
    assert result.rows_total == 3
    assert set(Assessment.objects.values_list("commune__name", flat=True)) == {a.name, c.name}
    assert Recognition.objects.count() == 1
    fixed = write_csv(tmp_path / "fixed.csv", [row_2021(b, 19)])
    result = import_ntm(fixed, filename=fixed.name, skip_invalid=True)
    assert result.counts["assessments_created"] == 1 and result.skipped == []
    path.write_text(path.read_text(encoding="utf-8").replace("có lẽ", "1"), encoding="utf-8")
    result = import_ntm(path, filename=path.name)
    assert result.counts["assessments_unchanged"] == 3 and result.counts["recognitions_unchanged"] == 1


def test_without_skip_invalid_nothing_is_written_and_the_workbook_says_why(tmp_path):
    path, _communes = _file(tmp_path)
    out = io.BytesIO()
    with pytest.raises(ImportErrors):
        import_ntm(path, filename=path.name, errors_to=out)
    assert not Assessment.objects.exists()
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    width = len(HEADER_2021) + len(TAIL)
    assert sheet.cell(1, width + 1).value == ERROR_COLUMN
    tc3 = HEADER_2021.index("tc3") + 1
    assert sheet.cell(3, tc3).value == "có lẽ" and sheet.cell(3, tc3).fill.fgColor.rgb == ERROR_FILL
    assert sheet.cell(3, width + 1).value.startswith("tc3: ")
    assert sheet.cell(2, width + 1).value is None


def test_an_exception_from_progress_rolls_the_import_back(tmp_path):
    path, _communes = _file(tmp_path)

    def progress(stage, done, total):
        if stage == "write" and done == total:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_ntm(path, filename=path.name, skip_invalid=True, progress=progress)
    assert not Assessment.objects.exists() and not Recognition.objects.exists()


def test_command_exit_status_3_when_rows_were_skipped(tmp_path):
    path, _communes = _file(tmp_path)
    out = io.StringIO()
    with pytest.raises(SystemExit) as caught:
        call_command("import_ntm", str(path), "--skip-invalid", stdout=out)
    assert caught.value.code == 3
    lines = out.getvalue().splitlines()
    assert any(line.startswith("row 3: tc3: ") for line in lines)
    assert lines[-1].startswith("assessments created=2 ")
