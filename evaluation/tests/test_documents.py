"""The scoresheet and minutes PDFs and the results workbook, read back."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from evaluation import council, documents
from evaluation.council_models import Scoresheet
from evaluation.tests.scoring_setup import build_round, score, score_all

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def scored(province_officer, unit):
    rnd, (rice, tea), people = build_round(
        province_officer, unit, products=("Gạo tám thơm", "Chè Shan tuyết"), reported=True
    )
    council.declare_conflict(actor=people["tv3"], item=tea, reason="Người thân của chủ thể")
    score_all(rice, people, {"chu.tich": (2, 2, 1), "tv1": (2, 1, 2), "tv2": (1, 2, 2), "tv3": (1, 2, 2)})
    score(tea, people["chu.tich"], (2, 2, 2))  # tea is still being scored
    return rnd, rice, tea, people


def test_vn_number_uses_the_decimal_comma():
    assert documents.vn_number(82.5) == "82,50" and documents.vn_number(None) == "—"


def test_a_scoresheet_pdf_lists_parts_sections_choices_and_totals(scored):
    rnd, rice, tea, people = scored
    sheet = Scoresheet.objects.get(item=rice, member__user=people["chu.tich"])
    text = text_of(documents.render_scoresheet_pdf(sheet))
    for expected in [
        "chu.tich",
        "Gạo tám thơm",
        "HTX Thử",
        "Sản phẩm và sức mạnh cộng đồng",
        "Tổ chức sản xuất",
        "Khả năng tiếp thị",
        "Tiêu chí số 3",
        "Mức 20 điểm",
        "60,00",  # part A: 40 + 20
        "20,00",  # part B
        "80,00",  # total
        sheet.submitted_at.astimezone(documents.timezone.get_current_timezone()).strftime("%d/%m/%Y"),
    ]:
        assert expected in text, expected


def test_the_minutes_record_members_conflicts_and_each_products_result(scored):
    rnd, rice, tea, people = scored
    text = text_of(documents.render_minutes_pdf(rnd))
    for expected in [
        "Đợt 1/2026",
        "thu.ky",
        "tu.van",
        "Người thân của chủ thể",
        "Gạo tám thơm",
        "82,50",  # mean of 80, 90, 80, 80
        "Đạt",
        "4 sao",
        "Chè Shan tuyết",
        "Chưa khoá phiếu",
    ]:
        assert expected in text, expected
    assert "100,00" not in text  # the chair's sheet of the product still being scored stays private


def test_the_results_workbook_has_one_row_per_product_with_numbers(scored):
    rnd, rice, tea, people = scored
    ws = load_workbook(io.BytesIO(documents.results_workbook(rnd))).active
    header = [c.value for c in ws[3]]
    assert header[:4] == ["STT", "Tên sản phẩm", "Chủ thể", "Nhóm sản phẩm"]
    assert header[4:8] == ["chu.tich", "tv1", "tv2", "tv3"] and "tu.van" not in header
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert len(rows) == 2
    assert rows[0][1] == "Gạo tám thơm" and rows[0][4:8] == [80, 90, 80, 80]
    assert rows[0][8] == 82.5 and isinstance(rows[0][8], float) and rows[0][9] == 4
    assert rows[0][10] == "Đã phê duyệt kết quả"
    assert rows[1][1] == "Chè Shan tuyết" and rows[1][4:10] == [None] * 6 and rows[1][10] == "Đang chấm"
