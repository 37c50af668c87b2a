"""Issue 13: valid rows only (skip_invalid), progress and cancel, the error workbook, bounded queries — for the
register and revocations importers and their commands."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from certification.imports import import_register, import_revocations
from certification.models import Certificate, Decision
from certification.tests.test_register_import import VI, run, snapshot, write
from core.imports import ERROR_COLUMN, ERROR_FILL, WARNING_FILL, ImportErrors
from core.models import AuditEntry
from products.models import Product

pytestmark = pytest.mark.django_db

GOOD = [
    "Chè Shan tuyết,Công ty TNHH Hương Linh,dn,Điện Biên,Tủa Chùa,Mường Báng,Thực phẩm,3,62,123/QĐ-UBND,31/12/2021,",
    "Gạo tám thơm,HTX Thanh Hưng,htx,Điện Biên,Điện Biên,Thanh Hưng,thuc-pham,4,70,124/QĐ-UBND,01/03/2022,",
]
BAD = "Cà phê Ảng,HTX Cà phê Mường Ảng,htx,Điện Biên,Mường Ảng,Ẳng Nưaa,Đồ uống,3,,124/QĐ-UBND,01/03/2022,"
FIXED = BAD.replace("Ẳng Nưaa", "Ẳng Nưa")
INFERRED = "Mật ong,HTX Mật ong Tuần Giáo,,Điện Biên,Tuần Giáo,Quài Cang,Thực phẩm,3,,124/QĐ-UBND,01/03/2022,"


def csv_file(tmp_path, rows, name="register.csv"):
    return write(tmp_path, name, "\n".join([VI, *rows]) + "\n")


def test_skip_invalid_writes_the_valid_rows_and_lists_the_skipped(tmp_path):
    path = csv_file(tmp_path, [GOOD[0], BAD, GOOD[1]])
    result = import_register(path, filename=path.name, skip_invalid=True)
    assert result.skipped == [3]
    assert [(e.row, e.column) for e in result.errors] == [(3, "commune")]
    assert result.rows_total == 3
    assert result.counts["products_created"] == 2
    assert set(Product.objects.values_list("name", flat=True)) == {"Chè Shan tuyết", "Gạo tám thơm"}


def test_without_skip_invalid_any_invalid_row_refuses_the_file(tmp_path):
    path = csv_file(tmp_path, [GOOD[0], BAD, GOOD[1]])
    before = snapshot()
    with pytest.raises(ImportErrors) as caught:
        import_register(path, filename=path.name)
    assert [e.row for e in caught.value.errors] == [3]
    assert snapshot() == before


def test_importing_the_corrected_file_completes_the_register_without_duplicates(tmp_path):
    import_register(csv_file(tmp_path, [GOOD[0], BAD, GOOD[1]]), filename="register.csv", skip_invalid=True)
    fixed = csv_file(tmp_path, [GOOD[0], FIXED, GOOD[1]], name="fixed.csv")
    result = import_register(fixed, filename=fixed.name, skip_invalid=True)
    assert result.skipped == [] and result.errors == []
    c = result.counts
    assert (c["products_created"], c["products_unchanged"], c["certificates_created"]) == (1, 2, 1)
    assert Product.objects.count() == 3 and Certificate.objects.count() == 3
    assert Decision.objects.count() == 2
    assert Product.objects.get(name="Cà phê Ảng").location.name == "Xã Ẳng Nưa"


def test_a_missing_column_is_not_skipped_even_with_skip_invalid(tmp_path):
    header = VI.replace(",Số sao", "")
    rows = [r.replace(",3,62,", ",62,").replace(",4,70,", ",70,") for r in GOOD]
    path = write(tmp_path, "register.csv", "\n".join([header, *rows]) + "\n")
    before = snapshot()
    with pytest.raises(ImportErrors) as caught:
        import_register(path, filename=path.name, skip_invalid=True)
    assert [(e.row, e.column) for e in caught.value.errors] == [(1, "stars")]
    assert snapshot() == before


def test_progress_reports_every_stage_from_start_to_end(tmp_path):
    calls = []
    import_register(csv_file(tmp_path, GOOD), filename="register.csv", progress=lambda *a: calls.append(a))
    stages = [c[0] for c in calls]
    assert stages == sorted(stages, key=["read", "validate", "write"].index)  # in order, each stage once through
    for stage in ("read", "validate", "write"):
        mine = [c for c in calls if c[0] == stage]
        assert mine[0][1] == 0 and mine[-1][1] == mine[-1][2] > 0, (stage, mine)


def test_progress_is_called_at_least_every_500_rows(tmp_path):
    rows = [
        f"Sản phẩm {i},HTX Số {i % 7},htx,Điện Biên,Tủa Chùa,Mường Báng,Thực phẩm,3,,123/QĐ-UBND,31/12/2021,"
        for i in range(1200)
    ]
    calls = []
    import_register(csv_file(tmp_path, rows), filename="register.csv", progress=lambda *a: calls.append(a))
    validate = [done for stage, done, _total in calls if stage == "validate"]
    assert max(b - a for a, b in zip(validate, validate[1:], strict=False)) <= 500
    assert validate[-1] == 1200


class Cancelled(Exception):
    pass


@pytest.mark.parametrize("stage", ["read", "validate", "write"])
def test_an_exception_from_progress_stops_the_import_and_nothing_is_written(tmp_path, stage):
    def progress(current, done, total):
        if current == stage and done == total:  # the end of the stage: for "write", everything written by then
            raise Cancelled

    before = snapshot()
    with pytest.raises(Cancelled):
        import_register(csv_file(tmp_path, GOOD), filename="register.csv", progress=progress)
    assert snapshot() == before


def _fill(cell):
    return cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None


def test_error_workbook_of_a_csv_marks_the_bad_cells_and_lists_every_problem(tmp_path):
    path = csv_file(tmp_path, [GOOD[0], BAD, INFERRED])
    out = io.BytesIO()
    with pytest.raises(ImportErrors):
        import_register(path, filename=path.name, errors_to=out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    headings = [c.value for c in sheet[1]]
    assert headings[:-1] == VI.split(",") and headings[-1] == ERROR_COLUMN
    last = len(headings)
    assert [c.value for c in sheet[2]][:-1] == GOOD[0].split(",")[:-1] + [None]  # as written (CSV text)
    assert sheet.cell(2, last).value is None
    commune = VI.split(",").index("Xã") + 1
    assert _fill(sheet.cell(3, commune)) == ERROR_FILL
    assert sheet.cell(3, last).value.startswith("Xã: ") and "Ẳng Nưaa" in sheet.cell(3, last).value
    assert _fill(sheet.cell(3, 1)) is None
    kind = VI.split(",").index("Loại hình chủ thể") + 1
    assert _fill(sheet.cell(4, kind)) == WARNING_FILL
    assert sheet.cell(4, last).value.startswith("Cảnh báo: Loại hình chủ thể: chưa ghi loại hình")


def test_error_workbook_is_written_with_skip_invalid_too_and_keeps_xlsx_values(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH SẢN PHẨM OCOP"])
    ws.append(VI.split(","))
    for text in (GOOD[0], BAD):
        cells = text.split(",")
        cells[7] = int(cells[7])
        cells[10] = datetime.datetime.strptime(cells[10], "%d/%m/%Y")
        ws.append(cells)
    path = tmp_path / "register.xlsx"
    wb.save(path)
    out = io.BytesIO()
    result = import_register(path, filename=path.name, skip_invalid=True, errors_to=out)
    assert result.skipped == [4]
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet.cell(1, 1).value == "DANH SÁCH SẢN PHẨM OCOP"
    assert sheet.cell(2, 13).value == ERROR_COLUMN
    assert sheet.cell(3, 8).value == 3 and sheet.cell(3, 11).value == datetime.datetime(2021, 12, 31)
    assert sheet.cell(3, 13).value is None
    assert "Ẳng Nưaa" in sheet.cell(4, 13).value and _fill(sheet.cell(4, 6)) == ERROR_FILL


def test_error_workbook_puts_a_missing_column_on_the_heading_row(tmp_path):
    header = VI.replace(",Số sao", "")
    rows = [r.replace(",3,62,", ",62,").replace(",4,70,", ",70,") for r in GOOD]
    path = write(tmp_path, "register.csv", "\n".join([header, *rows]) + "\n")
    out = io.BytesIO()
    with pytest.raises(ImportErrors):
        import_register(path, filename=path.name, errors_to=out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    cell = sheet.cell(1, len(header.split(",")) + 1)
    assert cell.value.splitlines()[0] == ERROR_COLUMN
    assert "stars: thiếu cột bắt buộc" in cell.value
    assert _fill(cell) == ERROR_FILL
    assert all(_fill(c) is None for c in sheet[1][:-1])


def test_error_workbook_of_an_unreadable_file_says_why(tmp_path):
    path = tmp_path / "register.xlsx"
    path.write_bytes(b"not a workbook")
    out = io.BytesIO()
    with pytest.raises(ImportErrors):
        import_register(path, filename=path.name, errors_to=out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert "không đọc được tệp XLSX" in sheet.cell(1, 1).value


def test_no_error_workbook_when_there_is_no_problem(tmp_path):
    out = io.BytesIO()
    import_register(csv_file(tmp_path, GOOD), filename="register.csv", errors_to=out)
    assert out.getvalue() == b""


def _rows(n):
    communes = [("Tủa Chùa", "Mường Báng"), ("Điện Biên", "Thanh Hưng"), ("Mường Ảng", "Ẳng Nưa")]
    return [
        f"Sản phẩm {i},HTX Số {i % 5},htx,Điện Biên,{communes[i % 3][0]},{communes[i % 3][1]},Thực phẩm,3,,"
        f"{100 + i % 4}/QĐ-UBND,{1 + i % 20:02d}/03/2022,"
        for i in range(n)
    ]


@pytest.mark.parametrize("dry_run", [True, False])
def test_query_count_does_not_grow_with_the_rows(tmp_path, dry_run):
    counts = []
    for n in (3, 60):
        path = csv_file(tmp_path, _rows(n), name=f"r{n}.csv")
        with CaptureQueriesContext(connection) as queries:
            import_register(path, filename=path.name, dry_run=dry_run)
        counts.append(len(queries))
        Certificate.objects.all().delete()
        Decision.objects.all().delete()
        Product.objects.all().delete()
    assert counts[1] - counts[0] <= 2, counts


def test_re_import_query_count_does_not_grow_with_the_rows(tmp_path):
    counts = []
    for n in (3, 60):
        path = csv_file(tmp_path, _rows(n), name=f"r{n}.csv")
        import_register(path, filename=path.name)
        with CaptureQueriesContext(connection) as queries:
            result = import_register(path, filename=path.name)
        assert result.counts["products_unchanged"] == n
        counts.append(len(queries))
    assert counts[1] - counts[0] <= 2, counts


def test_bulk_import_keeps_the_audit_entries_and_chains(tmp_path):
    later = GOOD[1].replace(",4,70,124/QĐ-UBND,01/03/2022,", ",5,80,200/QĐ-UBND,01/03/2025,")
    import_register(csv_file(tmp_path, [GOOD[1], later, GOOD[0]]), filename="register.csv")
    rice = Product.objects.get(name="Gạo tám thơm")
    first, second = rice.certificates.order_by("valid_from")
    assert (first.ended_on, first.end_reason) == (datetime.date(2025, 3, 1), "superseded")
    assert second.kind == "upgrade" and second.ended_on is None
    actions = sorted(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("products.product.created") == 2 and actions.count("producers.producer.created") == 2
    assert actions.count("certification.decision.created") == 3
    assert actions.count("certification.certificate.recognition") == 2
    assert actions.count("certification.certificate.upgrade") == 1
    entry = AuditEntry.objects.get(action="certification.certificate.upgrade")
    assert entry.object_id == str(second.pk) and entry.after["stars"] == 5
    entry = AuditEntry.objects.get(action="products.product.created", object_id=str(rice.pk))
    assert entry.after["name"] == "Gạo tám thơm" and entry.area_id == rice.location_id


def test_command_skip_invalid_exits_3_and_prints_the_skipped_rows(tmp_path):
    path = csv_file(tmp_path, [GOOD[0], BAD, GOOD[1]])
    errors_to = tmp_path / "loi.xlsx"
    code, lines = run("import_register", path, "--skip-invalid", "--errors-to", str(errors_to))
    assert code == 3, lines
    assert any(line.startswith("row 3: commune: ") for line in lines)
    assert f"errors written to {errors_to}" in lines
    assert lines[-1].startswith("products created=2 ")
    assert load_workbook(errors_to).active.cell(3, 13).value


def test_command_skip_invalid_exits_0_when_nothing_is_skipped(tmp_path):
    errors_to = tmp_path / "loi.xlsx"
    code, lines = run("import_register", csv_file(tmp_path, GOOD), "--skip-invalid", "--errors-to", str(errors_to))
    assert code == 0, lines
    assert not errors_to.exists()


def test_command_without_skip_invalid_exits_1_and_writes_the_workbook(tmp_path):
    errors_to = tmp_path / "loi.xlsx"
    code, lines = run("import_register", csv_file(tmp_path, [GOOD[0], BAD]), "--errors-to", str(errors_to))
    assert code == 1
    assert errors_to.exists() and Product.objects.count() == 0


def test_revocations_skip_invalid(tmp_path):
    import_register(csv_file(tmp_path, GOOD), filename="register.csv")
    text = "\n".join(
        [
            "Tên sản phẩm,Chủ thể,Tỉnh,Số quyết định,Ngày quyết định,Lý do",
            "Chè Shan tuyết,Công ty TNHH Hương Linh,Điện Biên,9/QĐ-UBND,01/06/2023,Ngừng sản xuất",
            "Không có,HTX Thanh Hưng,Điện Biên,9/QĐ-UBND,01/06/2023,",
        ]
    )
    path = write(tmp_path, "revocations.csv", text + "\n")
    out = io.BytesIO()
    result = import_revocations(path, filename=path.name, skip_invalid=True, errors_to=out)
    assert result.counts["revoked"] == 1 and result.skipped == [3]
    assert Certificate.objects.get(product__name="Chè Shan tuyết").revocation_id is not None
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert "Không có" in sheet.cell(3, 7).value and _fill(sheet.cell(3, 1)) == ERROR_FILL
