"""Importing the village registry from a real XLSX file: kinds inside names, all or nothing, scope, re-import."""

import io

import pytest
from openpyxl import Workbook

from core.imports import ImportErrors
from ntm.models import Village, VillagePlacement
from ntm.village_imports import import_villages, split_kind

pytestmark = pytest.mark.django_db

HEADER = ["Tỉnh", "Huyện", "Xã", "Tên thôn/bản", "Loại", "Mã", "Từ ngày"]


def xlsx(rows, header=HEADER) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH THÔN, BẢN"])  # a title above the heading row, as real files have
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


ROWS = [
    ["Điện Biên", "Huyện Mường Chà", "Xã Nậm Nèn", "Bản Phiêng Đất B", "", "", ""],
    ["Điện Biên", "Huyện Mường Chà", "Xã Pa Ham", "Mường Anh 1", "bản", "MA1", ""],
    ["Điện Biên", "", "Xã Thanh Nưa", "Tổ dân phố 3", "", "", "01/07/2025"],
    ["Điện Biên", "", "Xã Thanh Nưa", "Noong Bua", "TDP", "", ""],
    ["Điện Biên", "", "Xã Thanh Nưa", "Thôn Bản Phủ", "thôn", "", ""],
    ["Điện Biên", "", "Xã Thanh Nưa", "Ấp Mới", "", "", ""],
]


def test_split_kind():
    assert split_kind("Bản Phiêng Đất B") == ("ban-lang", "Phiêng Đất B")
    assert split_kind("TDP số 5") == ("to-dan-pho", "số 5")
    assert split_kind("Bản Phủ", "thon") == ("thon", "Bản Phủ")  # a thôn named "Bản Phủ" keeps its name
    assert split_kind("Thôn Bản Phủ", "thon") == ("thon", "Bản Phủ")
    assert split_kind("Co Muông") == (None, "Co Muông")


def test_import_reads_kinds_in_names_and_a_second_import_changes_nothing(unit, province_officer):
    result = import_villages(xlsx(ROWS), actor=province_officer, filename="thon.xlsx")
    assert result.counts["villages_created"] == 6, result.errors
    found = {(v.commune.area_id.__str__(), v.name, v.kind, v.code) for v in Village.objects.select_related("commune")}
    assert found == {
        ("pre2025:03194", "Phiêng Đất B", "ban-lang", ""),
        ("pre2025:03193", "Mường Anh 1", "ban-lang", "MA1"),
        ("2025:03328", "3", "to-dan-pho", ""),
        ("2025:03328", "Noong Bua", "to-dan-pho", ""),
        ("2025:03328", "Bản Phủ", "thon", ""),
        ("2025:03328", "Mới", "ap", ""),
    }
    # a district written and no date: read on 30/06/2025 (old scheme)
    assert VillagePlacement.objects.filter(commune__scheme="pre2025").count() == 2
    again = import_villages(xlsx(ROWS), actor=province_officer, filename="thon.xlsx")
    assert again.counts["villages_created"] == 0 and again.counts["villages_unchanged"] == 6
    assert Village.objects.count() == 6


def test_a_bad_row_writes_nothing(unit, province_officer):
    rows = [
        *ROWS,
        ["Điện Biên", "", "Xã Không Có", "Thôn X", "", "", ""],
        ["Điện Biên", "", "Xã Thanh Nưa", "Y", "làng", "", ""],
    ]
    with pytest.raises(ImportErrors) as exc:
        import_villages(xlsx(rows), actor=province_officer, filename="thon.xlsx")
    columns = {(e.row, e.column) for e in exc.value.errors}
    assert (9, "commune") in columns and (10, "village_kind") in columns
    assert not Village.objects.exists()


def test_duplicates_in_the_file_are_refused(unit, province_officer):
    rows = [ROWS[3], ["Điện Biên", "", "Xã Thanh Nưa", "TDP Noong Bua", "", "", ""]]
    with pytest.raises(ImportErrors) as exc:
        import_villages(xlsx(rows), actor=province_officer, filename="t.xlsx")
    assert [e.column for e in exc.value.errors] == ["village"]
    assert not Village.objects.exists()


def test_another_provinces_rows_are_refused(unit, other_province_officer):
    with pytest.raises(ImportErrors) as exc:
        import_villages(xlsx(ROWS[2:3]), actor=other_province_officer, filename="t.xlsx")
    assert exc.value.errors[0].column == "province"
    assert not Village.objects.exists()


def test_dry_run_writes_nothing(unit, province_officer):
    result = import_villages(xlsx(ROWS), actor=province_officer, dry_run=True, filename="t.xlsx")
    assert result.counts["villages_created"] == 6
    assert not Village.objects.exists()


def test_upload_page(client, unit, province_officer, commune_officer):
    client.force_login(commune_officer)
    assert client.get("/ntm/villages/import/").status_code == 403
    client.force_login(province_officer)
    assert client.get("/ntm/villages/import/").status_code == 200
    upload = xlsx(ROWS)
    upload.name = "thon.xlsx"
    response = client.post("/ntm/villages/import/", {"file": upload})
    if response.status_code == 302:  # the imports app's job flow (the `villages` kind configured)
        return
    assert response.status_code == 200
    assert Village.objects.count() == 6
    bad = xlsx([["Điện Biên", "", "Xã Không Có", "Thôn X", "", "", ""]])
    bad.name = "bad.xlsx"
    response = client.post("/ntm/villages/import/", {"file": bad})
    assert response.status_code == 400 and "Xã Không Có" in response.content.decode()
    assert Village.objects.count() == 6
