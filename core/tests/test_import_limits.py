"""Issue 14: an import file cannot exhaust the machine. Crafted XLSX (zip bomb, a huge stated dimension, a million
tiny rows, entity expansion), damaged files and CSV with NUL bytes are refused quickly with one file-level error,
never an exception; and a workbook the system wrote (formula-like texts escaped) imports back unchanged."""

import io
import time
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from core import imports
from core.imports import ImportErrors, RowError, _read_raw, check_xlsx, read_table, write_error_workbook, xlsx_rows

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} {RELS_NS}>'
    '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def sheet_xml(rows="", dimension=""):
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>{dim}<sheetData>{rows}</sheetData></worksheet>'


HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>Tên</t></is></c></row>'


def xlsx(sheet=None, *, workbook=WORKBOOK, shared=None, extra=None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet if sheet is not None else sheet_xml(HEADER_ROW))
        if shared is not None:
            with archive.open("xl/sharedStrings.xml", "w") as part:
                for chunk in shared:
                    part.write(chunk)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def refused(data: bytes, name="tep.xlsx", seconds=10.0) -> str:
    """The single file-level message a file is refused with, within `seconds`."""
    started = time.monotonic()
    with pytest.raises(ImportErrors) as caught:
        _read_raw(io.BytesIO(data), name)
    assert time.monotonic() - started < seconds
    (error,) = caught.value.errors
    assert (error.row, error.column) == (1, "file")
    return error.message


def test_a_plain_crafted_workbook_is_read():
    assert _read_raw(io.BytesIO(xlsx()), "tep.xlsx") == [["Tên"]]


def test_a_zip_bomb_in_shared_strings_is_refused_before_it_is_inflated():
    chunk = b"<si><t>" + b"A" * (1024 * 1024 - 16) + b"</t></si>"
    shared = [f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>'.encode(), *([chunk] * 300), b"</sst>"]
    data = xlsx(shared=shared)
    assert len(data) < 2 * 1024 * 1024  # a small upload…
    message = refused(data, seconds=5)  # …that would be 300 MB of text
    assert "giải nén" in message or "nén bất thường" in message


def test_a_part_compressed_like_a_bomb_is_refused_even_under_the_total(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
    shared = [f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}><si><t>'.encode(), b"A" * (50 * 1024 * 1024)]
    shared.append(b"</t></si></sst>")
    assert "nén bất thường" in refused(xlsx(shared=shared), seconds=5)


def test_a_huge_stated_dimension_is_refused_before_rows_are_padded():
    data = xlsx(sheet_xml(HEADER_ROW, dimension="A1:XFD1048576"))
    message = refused(data, seconds=2)
    assert "A1:XFD1048576" in message and "1.048.576 dòng × 16.384 cột" in message


def test_the_openpyxl_fallback_is_protected_too(monkeypatch):
    def unusual(*args, **kwargs):
        raise ValueError("something the fast reader does not know")

    monkeypatch.setattr(imports, "xlsx_rows", unusual)
    assert "1.048.576 dòng" in refused(xlsx(sheet_xml(HEADER_ROW, dimension="A1:XFD1048576")), seconds=5)
    # and a file refused by the archive checks never reaches openpyxl
    assert "DOCTYPE" in refused(xlsx(sheet_xml(HEADER_ROW).replace("<worksheet", "<!DOCTYPE x><worksheet", 1)))


def test_a_million_tiny_rows_are_refused_at_the_row_limit():
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(1, 1_000_001))
    message = refused(xlsx(sheet_xml(rows)), seconds=60)  # ~2 s here; a loaded CI machine is slower
    assert "hơn 100.000 dòng" in message


def test_one_row_far_down_the_sheet_is_refused_without_padding(settings):
    settings.IMPORT_MAX_ROWS = 1000
    assert "hơn 1.000 dòng" in refused(xlsx(sheet_xml('<row r="1000000"><c r="A1000000"><v>1</v></c></row>')))


def test_entity_expansion_is_refused():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
        + f"]><sst {NS}><si><t>&lol9;</t></si></sst>"
    )
    message = refused(xlsx(shared=[laughs.encode()]), seconds=2)
    assert "DOCTYPE/ENTITY" in message and "xl/sharedStrings.xml" in message


def test_too_many_columns_and_too_long_cells_are_refused(settings):
    settings.IMPORT_MAX_COLUMNS = 50
    wide = '<row r="1">' + "".join(f'<c r="{imports._column_letters(i)}1"><v>{i}</v></c>' for i in range(60)) + "</row>"
    assert "60 cột" in refused(xlsx(sheet_xml(wide))) or "51 cột" in refused(xlsx(sheet_xml(wide)))
    far = '<row r="1"><c r="ZZ1"><v>1</v></c></row>'
    assert "vượt giới hạn 50 cột" in refused(xlsx(sheet_xml(far)))
    long = f'<row r="2"><c r="B2" t="inlineStr"><is><t>{"x" * 5001}</t></is></c></row>'
    assert "ô B2 dài 5.001 ký tự" in refused(xlsx(sheet_xml(HEADER_ROW + long)))


def test_only_formatted_cells_far_right_do_not_pad_rows():
    row = '<row r="1"><c r="A1"><v>1</v></c><c r="IV1" s="0"/></row>'
    assert xlsx_rows(xlsx(sheet_xml(row))) == [[1]]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"not a zip at all", "bị hỏng"),
        (b"PK\x03\x04" + b"\x00" * 100, "bị hỏng"),
        (xlsx(extra=None, workbook="<workbook/>").replace(b"xl/workbook.xml", b"xl/workbooq.xml"), "bị hỏng"),
        (xlsx(workbook=f'<?xml version="1.0"?><workbook {NS}><sheets/></workbook>'), "không có trang tính"),
        (xlsx(sheet_xml("<row><c>")), "không đọc được tệp XLSX"),
    ],
    ids=["not-a-zip", "broken-zip", "no-workbook", "sheetless", "broken-xml"],
)
def test_damaged_workbooks_give_a_file_error(data, expected):
    assert expected in refused(data)


def test_csv_with_nul_bytes_or_a_huge_field_gives_a_file_error(settings):
    assert "ký tự NUL" in refused(b"product,stars\nA\x00B,3\n", name="tep.csv")
    assert "sai định dạng" in refused(b'product\n"' + b"x" * 200_000 + b"\n", name="tep.csv")
    assert "ô A2 dài" in refused(b"product\n" + b"x" * 6000 + b"\n", name="tep.csv")
    settings.IMPORT_MAX_ROWS = 10
    assert "hơn 10 dòng" in refused(b"product\n" + b"x\n" * 20, name="tep.csv")


def test_a_file_over_the_import_upload_limit_is_refused(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    assert "tệp quá lớn" in refused(b"product\n" + b"x\n" * 1000, name="tep.csv")


def test_read_table_reports_the_refusal_as_a_file_error():
    with pytest.raises(ImportErrors) as caught:
        read_table(io.BytesIO(xlsx(sheet_xml(HEADER_ROW, dimension="A1:XFD1048576"))), [], "tep.xlsx")
    assert caught.value.errors[0].column == "file"


def test_check_xlsx_accepts_an_ordinary_workbook():
    workbook = Workbook()
    workbook.active.append(["Tên", "Sao"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "xl/workbook.xml" in check_xlsx(buffer.getvalue()).namelist()


# --- formulas (item 5) ----------------------------------------------------------------------------------------------

DANGEROUS = ['=HYPERLINK("http://x","bấm")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]


def test_the_error_workbook_escapes_formula_texts_and_imports_back_unchanged():
    raw = [["Tên", "Ghi chú"], *[[text, "ok"] for text in DANGEROUS], ["bình thường", -5]]
    out = io.BytesIO()
    write_error_workbook(raw, (1,), {"product": 0}, [RowError(2, "product", "=1+1 sai")], [], out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    cells = [[c for c in row] for row in sheet.iter_rows()]
    for cell in (row[0] for row in cells[1 : 1 + len(DANGEROUS)]):
        assert cell.data_type == "s" and cell.value.startswith("'")  # text, never a formula
    assert cells[1][2].value == "'=1+1 sai" or not str(cells[1][2].value).startswith("=")
    back = _read_raw(io.BytesIO(out.getvalue()), "loi.xlsx")
    assert [row[:2] for row in back] == raw  # the system's own workbook reads back as it was


def test_csv_and_openpyxl_reading_undo_the_escape_too(monkeypatch):
    rows = _read_raw(io.BytesIO("Tên\n'=1+1\n'bình thường\n".encode()), "tep.csv")
    assert rows == [["Tên"], ["=1+1"], ["'bình thường"]]
    workbook = Workbook()
    workbook.active.append(["Tên"])
    workbook.active.append(["'=1+1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    monkeypatch.setattr(imports, "xlsx_rows", lambda *a, **k: (_ for _ in ()).throw(ValueError("fallback")))
    assert _read_raw(io.BytesIO(buffer.getvalue()), "tep.xlsx") == [["Tên"], ["=1+1"]]
