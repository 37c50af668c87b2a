"""Importing the support ledger from a spreadsheet: words officials write, all or nothing, scope, re-import."""

import io

import pytest
from openpyxl import Workbook

from core.imports import ImportErrors
from core.models import AuditEntry
from products.models import ProductCategory
from products.services import create_product
from programme.funding_imports import import_support, parse_money, parse_purpose, parse_source
from programme.models import SupportLine
from programme.tests import test_funding as base

pytestmark = pytest.mark.django_db
world = base.world  # the fixture

HEADINGS = [
    "Năm",
    "Tỉnh",
    "Chủ thể",
    "Sản phẩm",
    "Xã",
    "Dự án liên kết",
    "Nội dung hỗ trợ",
    "Nguồn vốn",
    "Cấp hỗ trợ",
    "Kế hoạch (đồng)",
    "Đã giải ngân (đồng)",
    "Ngày giải ngân",
    "Số quyết định",
    "Ngày quyết định",
    "Ghi chú",
]


def workbook(*rows, headings=HEADINGS) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["Danh sách hỗ trợ sản phẩm OCOP"])  # a title above the headings, as offices write
    ws.append(headings)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def row(**cells):
    data = dict.fromkeys(HEADINGS, None)
    data.update({"Năm": 2024, "Nội dung hỗ trợ": "bao bì, nhãn mác", "Nguồn vốn": "CTMTQG NTM"})
    data.update(cells)
    return [data[h] for h in HEADINGS]


@pytest.mark.parametrize(
    ("text", "amount"),
    [("1.500.000", 1_500_000), ("1,5 tỷ", 1_500_000_000), ("200 triệu", 200_000_000), ("200tr", 200_000_000)],
)
def test_amounts_as_officials_write_them(text, amount):
    assert parse_money(text) == amount


@pytest.mark.parametrize("text", ["1,5", "abc", "-200", "1.5", "10 tấn"])
def test_amounts_not_understood_are_errors(text):
    from core.errors import DomainError

    with pytest.raises(DomainError):
        parse_money(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("XTTM", "trade-promotion"), ("tập huấn", "training"), ("VietGAP", "certification"), ("máy móc", "equipment")],
)
def test_purpose_words(text, value):
    assert parse_purpose(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("NS tỉnh", "provincial"),
        ("xã hội hóa", "socialised"),
        ("XHH", "socialised"),
        ("xã", "local"),
        ("NSTW", "central"),
        ("lồng ghép", "integrated"),
        ("nông thôn mới", "ntm"),
    ],
)
def test_source_words(text, value):
    assert parse_source(text) == value


def test_import_writes_lines_with_audit_and_a_reimport_changes_nothing(province_officer, world):
    rows = [
        row(**{"Sản phẩm": "gao dien bien", "Kế hoạch (đồng)": "50 triệu", "Đã giải ngân (đồng)": "45.000.000"}),
        row(**{"Chủ thể": "HTX Mường Thanh", "Nguồn vốn": "NS tỉnh", "Cấp hỗ trợ": "Tỉnh"}),
        row(**{"Xã": "Xã Thanh Hưng", "Năm": 2021, "Nội dung hỗ trợ": "XTTM", "Nguồn vốn": "huyện"}),
        row(**{"Xã": "Thanh Nưa", "Số quyết định": "Số 12/QĐ-UBND ngày 05/03/2024", "Ghi chú": "đợt 1"}),
    ]
    result = import_support(workbook(*rows), actor=province_officer, filename="ho-tro.xlsx")
    assert result.counts["created"] == 4
    lines = {line.year: line for line in SupportLine.objects.all()}
    assert SupportLine.objects.get(product=world["rice"]).amount_planned == 50_000_000
    assert lines[2021].commune == world["old_commune"]  # an old commune of the province, before 07/2025
    assert lines[2021].new_province == world["province"]
    decided = SupportLine.objects.get(note="đợt 1")
    assert decided.decision_no == "12/QĐ-UBND" and decided.decision_date.isoformat() == "2024-03-05"
    assert AuditEntry.objects.filter(action="programme.support.created").count() == 4
    again = import_support(workbook(*rows), actor=province_officer, filename="ho-tro.xlsx")
    assert again.counts == {"unchanged": 4}
    assert SupportLine.objects.count() == 4
    assert AuditEntry.objects.filter(action="programme.support.created").count() == 4


def test_one_bad_row_refuses_the_whole_file(province_officer, world):
    rows = [
        row(**{"Sản phẩm": "Gạo Điện Biên"}),
        row(**{"Sản phẩm": "Không có sản phẩm này"}),
        row(**{"Chủ thể": "HTX Thanh Nưa", "Nguồn vốn": "vàng"}),
        row(**{"Chủ thể": "HTX Thanh Nưa", "Kế hoạch (đồng)": "1,5"}),
    ]
    with pytest.raises(ImportErrors) as exc:
        import_support(workbook(*rows), actor=province_officer, filename="x.xlsx")
    found = {(e.row, e.column) for e in exc.value.errors}
    assert found == {(4, "product"), (5, "source"), (6, "amount_planned")}
    assert not SupportLine.objects.exists()
    assert not AuditEntry.objects.filter(action="programme.support.created").exists()


def test_an_ambiguous_name_lists_the_candidates(province_officer, world, unit):
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    for producer in (world["own"], world["other"]):
        create_product(actor=None, name="Mật ong", producer=producer, location=producer.location, group=group)
    with pytest.raises(ImportErrors) as exc:
        import_support(workbook(row(**{"Sản phẩm": "mat ong"})), actor=province_officer, filename="x.xlsx")
    message = exc.value.errors[0].message
    assert "HTX Thanh Nưa" in message and "HTX Mường Thanh" in message
    result = import_support(
        workbook(row(**{"Sản phẩm": "mat ong", "Chủ thể": "HTX Mường Thanh"})),
        actor=province_officer,
        filename="x.xlsx",
    )
    assert SupportLine.objects.get().product.producer == world["other"] and result.counts["created"] == 1


def test_rows_of_another_province_are_errors(province_officer, other_province_officer, world):
    sl_row = row(**{"Tỉnh": "Sơn La", "Sản phẩm": "Cà phê Sơn La"})
    with pytest.raises(ImportErrors) as exc:
        import_support(workbook(sl_row), actor=province_officer, filename="x.xlsx")
    assert [(e.row, e.column) for e in exc.value.errors] == [(3, "province")]
    # Sơn La's officer imports it; Điện Biên's product in their file is not found in Sơn La
    result = import_support(workbook(sl_row), actor=other_province_officer, filename="x.xlsx")
    assert result.counts["created"] == 1
    with pytest.raises(ImportErrors):
        import_support(workbook(row(**{"Sản phẩm": "Gạo Điện Biên"})), actor=other_province_officer, filename="x.xlsx")


def test_a_dry_run_writes_nothing(province_officer, world):
    result = import_support(
        workbook(row(**{"Sản phẩm": "Gạo Điện Biên"})), actor=province_officer, filename="x.xlsx", dry_run=True
    )
    assert result.counts["created"] == 1
    assert not SupportLine.objects.exists()


def test_the_upload_page_starts_an_import_job(client, province_officer, commune_officer, world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from imports.models import ImportJob

    client.force_login(commune_officer)
    assert client.get(reverse("programme:funding_import")).status_code == 403
    client.force_login(province_officer)
    page = client.get(reverse("programme:funding_import"))
    assert "Nguồn vốn" in page.content.decode()
    upload = SimpleUploadedFile("ho-tro.xlsx", workbook(row(**{"Sản phẩm": "Gạo Điện Biên"})).getvalue())
    response = client.post(reverse("programme:funding_import"), {"file": upload})
    assert response.status_code == 302
    assert ImportJob.objects.get().kind == "funding"
