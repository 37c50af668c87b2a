"""Issue 13 for import_ntm: official headings, the commune from an "Địa chỉ" cell, "Năm 2021", a decision with its date
in one cell, and a warning whenever a recognition's date is not written (it counts from 31 December of the year)."""

import datetime

import pytest
from openpyxl import Workbook

from core.imports import ImportErrors
from ntm.imports import import_ntm
from ntm.models import Assessment, Recognition

pytestmark = pytest.mark.django_db

HEADINGS = [
    "STT",
    "Năm đánh giá",
    "Địa chỉ",
    "Bộ tiêu chí",
    *[f"TC {i}" for i in range(1, 20)],
    "Mức công nhận",
    "Số QĐ",
    "Ngày QĐ",
]


def xlsx(tmp_path, rows):
    workbook = Workbook()
    workbook.active.append(["KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI"])
    workbook.active.append(HEADINGS)
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "ntm.xlsx"
    workbook.save(path)
    return path


def row(n, address, *, year="Năm 2021", met=19, level="", number="", date=None):
    return [n, year, address, "ntm-2016", *(["x"] * met + [None] * (19 - met)), level, number, date]


def test_addresses_official_headings_and_the_warnings_of_dates_left_to_the_year_end(tmp_path):
    path = xlsx(
        tmp_path,
        [
            row(
                1,
                "xã Thanh Xương, huyện Điện Biên, tỉnh Điện Biên",
                level="Đạt chuẩn",
                number="Số 100/QĐ-UBND ngày 20/12/2021",
            ),  # fmt: skip
            row(2, "X. Thanh Hưng, H. Điện Biên, T. Điện Biên", level="Đạt chuẩn", number="101/QĐ-UBND"),
            row(
                3,
                "X. Thanh Luông, H. Điện Biên, T. Điện Biên",
                level="Đạt chuẩn",
                number="102/QĐ-UBND",
                date="năm 2021",
            ),  # fmt: skip
            row(4, "X. Thanh Nưa, H. Điện Biên, T. Điện Biên", met=15),
        ],
    )
    result = import_ntm(path, filename=path.name)
    assert result.summary.startswith("assessments created=4 updated=0 unchanged=0; recognitions created=3")
    assert [str(w) for w in result.warnings] == [
        "row 4: decision_date: warning: chưa có ngày quyết định: công nhận tính từ 31/12/2021.",
        "row 5: decision_date: warning: chưa có ngày quyết định: công nhận tính từ 31/12/2021.",
    ]
    dated = Recognition.objects.get(commune__name="Xã Thanh Xương")
    assert (dated.decision_no, dated.decision_date) == ("100/QĐ-UBND", datetime.date(2021, 12, 20))
    assert Recognition.objects.get(commune__name="Xã Thanh Hưng").effective_date == datetime.date(2021, 12, 31)
    assert Assessment.objects.get(commune__name="Xã Thanh Nưa").criteria_met == 15


def test_a_year_for_another_year_and_an_address_without_its_district_are_errors(tmp_path):
    path = xlsx(
        tmp_path,
        [
            row(1, "X. Thanh Hưng, H. Điện Biên, T. Điện Biên", level="Đạt chuẩn", number="1/QĐ", date="năm 2020"),
            row(2, "Thôn 3, xã Thanh Xương, tỉnh Điện Biên"),
        ],
    )
    with pytest.raises(ImportErrors) as caught:
        import_ntm(path, filename=path.name)
    errors = {(e.row, e.column): e.message for e in caught.value.errors}
    assert "chỉ ghi năm 2020" in errors[(3, "decision_date")]  # the title is row 1, the headings row 2
    assert errors[(4, "address")] == (
        "địa chỉ 'Thôn 3, xã Thanh Xương, tỉnh Điện Biên' không ghi huyện: bắt buộc với năm trước 2025."
    )
    assert not Assessment.objects.exists()
