"""core.imports reads real registers: official headings (as data), titles above them, headings over two rows, the row
numbering the columns, --map, the usual ways of writing dates, and "Địa chỉ" cells split into their places."""

import datetime

import pytest
from openpyxl import Workbook

from core.imports import (
    Column,
    MappingError,
    Row,
    YearOnly,
    heading_names,
    parse_date,
    parse_mapping,
    parse_year,
    place_names,
    read_table,
    split_address,
    split_decision,
)
from core.text import fold

COLUMNS = [
    Column("product", "Tên sản phẩm", True),
    Column("producer", "Chủ thể", True),
    Column("province", "Tỉnh", True, ("address",)),
    Column("district", "Huyện"),
    Column("commune", "Xã", True, ("address",)),
    Column("address", "Địa chỉ"),
    Column("stars", "Số sao", True),
    Column("decision_no", "Số quyết định", True),
    Column("decision_date", "Ngày quyết định", True),
]


def xlsx(tmp_path, rows, name="r.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def csv(tmp_path, text, name="r.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_official_headings_match_their_columns_and_stt_is_ignored(tmp_path):
    path = csv(
        tmp_path,
        "STT,Tên sản phẩm OCOP,Chủ thể sản xuất,Xã/Phường/Thị trấn,Huyện/Thị xã/Thành phố,Tỉnh/Thành phố,"
        "Hạng sao (3-5 sao),Số QĐ,Ngày QĐ,Cột lạ\n"
        "1,Gạo,HTX A,Thanh Hưng,Điện Biên,Điện Biên,3,1/QĐ,01/01/2022,x\n",
    )
    table = read_table(path, COLUMNS, kind="register")
    assert table.errors == []
    assert table.rows[0].values == {
        "product": "Gạo",
        "producer": "HTX A",
        "commune": "Thanh Hưng",
        "district": "Điện Biên",
        "province": "Điện Biên",
        "stars": "3",
        "decision_no": "1/QĐ",
        "decision_date": "01/01/2022",
    }
    how = {h.text: h.matched_by for h in table.headings}
    assert how["STT"] == "ignored" and how["Cột lạ"] == "unknown" and how["Hạng sao (3-5 sao)"] == "name"
    assert [h.text for h in table.unknown] == ["Cột lạ"]  # what a mapping step would ask about


def test_without_the_import_kind_only_keys_and_labels_match(tmp_path):
    path = csv(tmp_path, "Tên sản phẩm,Chủ thể sản xuất\nGạo,HTX A\n")
    table = read_table(path, COLUMNS[:2])
    assert [str(e) for e in table.errors] == [
        "row 1: producer: thiếu cột bắt buộc (tiêu đề 'producer' hoặc 'Chủ thể')."
    ]


def test_a_missing_column_is_one_error_however_many_rows(tmp_path):
    rows = "\n".join(f"Gạo {i},HTX {i},Điện Biên,Điện Biên,Thanh Hưng,3,1/QĐ" for i in range(30))
    path = csv(tmp_path, "product,producer,province,district,commune,stars,decision_no\n" + rows)
    table = read_table(path, COLUMNS)
    assert [str(e) for e in table.errors] == [
        "row 1: decision_date: thiếu cột bắt buộc (tiêu đề 'decision_date' hoặc 'Ngày quyết định')."
    ]
    assert table.missing == {"decision_date"} and len(table.rows) == 30


def test_an_address_column_stands_in_for_commune_and_province(tmp_path):
    path = csv(tmp_path, "product,producer,Địa chỉ,stars,decision_no,decision_date\nGạo,HTX A,x,3,1,01/01/2022\n")
    assert read_table(path, COLUMNS).errors == []


def test_a_title_above_the_headings_two_heading_rows_and_the_numbering_row(tmp_path):
    path = xlsx(
        tmp_path,
        [
            ["DANH SÁCH SẢN PHẨM OCOP ĐƯỢC CÔNG NHẬN"],
            ["(Kèm theo Báo cáo số 12/BC-UBND)"],
            ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", None, None, "Hạng sao", "Quyết định công nhận", None],
            [None, None, None, "Xã", "Huyện", "Tỉnh", None, "Số", "Ngày"],
            ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"],
            [1, "Gạo", "HTX A", "Thanh Hưng", "Điện Biên", "Điện Biên", 3, "1/QĐ-UBND", datetime.datetime(2022, 1, 1)],
        ],
    )
    table = read_table(path, COLUMNS, kind="register")
    assert table.errors == [] and table.header_row == 3
    assert [(r.number, r.values["commune"], r.values["decision_no"]) for r in table.rows] == [
        (6, "Thanh Hưng", "1/QĐ-UBND")
    ]
    assert {h.text: h.key for h in table.headings}["Quyết định công nhận / Ngày"] == "decision_date"


def test_map_reads_a_heading_as_a_key_or_ignores_it(tmp_path):
    path = csv(tmp_path, "Tên SP,Tên HTX,Sao đạt,Tỉnh,Xã,Huyện,Số QĐ,Ngày QĐ\nGạo,A,3,Điện Biên,X,Y,1,01/01/2022\n")
    mapping = parse_mapping("Tên HTX=producer,Sao đạt=stars,Huyện=-")
    table = read_table(path, COLUMNS, kind="register", mapping=mapping)
    assert table.errors == []
    assert table.rows[0].values["producer"] == "A" and "district" not in table.rows[0].values
    assert {h.text: h.matched_by for h in table.headings}["Huyện"] == "ignored"
    with pytest.raises(MappingError) as unknown_key:
        read_table(path, COLUMNS, kind="register", mapping={"Sao đạt": "hang_sao"})
    assert "không có khóa 'hang_sao'" in unknown_key.value.message and "stars" in unknown_key.value.message
    with pytest.raises(MappingError) as unknown_heading:
        read_table(path, COLUMNS, kind="register", mapping={"Hạng sao": "stars"})
    assert "tệp không có cột 'Hạng sao'" in unknown_heading.value.message


def test_a_map_heading_may_hold_a_comma_and_a_pair_needs_its_key():
    assert parse_mapping("Xã, phường=commune,STT=ignore") == {"Xã, phường": "commune", "STT": "ignore"}
    with pytest.raises(MappingError):
        parse_mapping("Hạng sao")


def test_two_headings_for_one_column_are_one_error_naming_both(tmp_path):
    path = csv(tmp_path, "Tên sản phẩm,Sản phẩm OCOP,Chủ thể\nA,B,C\n")
    errors = [str(e) for e in read_table(path, COLUMNS[:2], kind="register").errors]
    assert errors == [
        "row 1: product: cột bị lặp lại: 'Tên sản phẩm' và 'Sản phẩm OCOP' cùng là product "
        '(bỏ một cột bằng --map "Sản phẩm OCOP=-").'
    ]


def test_no_listed_heading_means_two_columns_of_one_import_kind():
    for kind in ("register", "revocations", "ntm"):
        seen = {}
        for key, names in heading_names(kind).items():
            for name in names:
                folded = fold(name).replace(" ", "")
                assert seen.setdefault(folded, key) == key, (kind, name, key, seen[folded])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31/12/2021", datetime.date(2021, 12, 31)),
        ("1/2/2022", datetime.date(2022, 2, 1)),
        ("01-02-2022", datetime.date(2022, 2, 1)),
        ("01.02.2022", datetime.date(2022, 2, 1)),
        ("01/02/22", datetime.date(2022, 2, 1)),
        ("2022-02-01", datetime.date(2022, 2, 1)),
        ("ngày 5 tháng 3 năm 2021", datetime.date(2021, 3, 5)),
        (datetime.datetime(2022, 2, 1, 0, 0), datetime.date(2022, 2, 1)),
        (44561, datetime.date(2021, 12, 31)),  # an Excel day number in a date column
        (44561.0, datetime.date(2021, 12, 31)),
    ],
)
def test_dates_as_officials_write_them(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2021", "12/31/2021", "2021/12/31", "hôm qua", 123, 2021.5])
def test_other_dates_are_refused_with_the_forms_accepted(value):
    with pytest.raises(Exception) as info:
        parse_date(value)
    assert "dd/mm/yyyy" in info.value.message


@pytest.mark.parametrize("value", ["năm 2021", "Năm 2021", "2021", 2021])
def test_a_bare_year_is_never_made_into_a_day(value):
    with pytest.raises(YearOnly) as info:
        parse_date(value)
    assert info.value.year == 2021 and "không tự chọn ngày" in info.value.message


def test_years():
    assert [parse_year(v) for v in ("2021", 2021, 2021.0, "Năm 2021")] == [2021] * 4
    with pytest.raises(Exception):  # noqa: B017 - DomainError
        parse_year("21")


def test_a_decision_cell_may_carry_its_date():
    assert split_decision("Số 1234/QĐ-UBND ngày 12/10/2021") == ("1234/QĐ-UBND", "12/10/2021")
    assert split_decision("QĐ số 12/QĐ-UBND, ngày 1/2/2022") == ("12/QĐ-UBND", "1/2/2022")
    assert split_decision("12/QĐ-UBND (01/02/2022)") == ("12/QĐ-UBND", "01/02/2022")
    assert split_decision("1234/QĐ-UBND") == ("1234/QĐ-UBND", "")


@pytest.mark.parametrize(
    ("address", "parts"),
    [
        (
            "Thôn Na Hai, xã Thanh Hưng, huyện Điện Biên, tỉnh Điện Biên",
            {"commune": "Xã Thanh Hưng", "district": "Huyện Điện Biên", "province": "Tỉnh Điện Biên"},
        ),
        (
            "Bản Pá Khoang, X. Mường Phăng, H. Điện Biên, T. Điện Biên",
            {"commune": "Xã Mường Phăng", "district": "Huyện Điện Biên", "province": "Tỉnh Điện Biên"},
        ),
        (
            "Tổ 5, P.Him Lam, TP.Điện Biên Phủ, Điện Biên",
            {"commune": "Phường Him Lam", "district": "Thành phố Điện Biên Phủ", "province": "Điện Biên"},
        ),
        ("P. Him Lam, TP. Điện Biên Phủ", {"commune": "Phường Him Lam", "city": "Thành phố Điện Biên Phủ"}),
        ("Số 10, Quận 1, Tp. Hồ Chí Minh", {"district": "Quận 1", "province": "Thành phố Hồ Chí Minh"}),
        ("TT.Tuần Giáo - H.Tuần Giáo", {"commune": "Thị trấn Tuần Giáo", "district": "Huyện Tuần Giáo"}),
    ],
)
def test_an_address_is_split_by_its_type_words(address, parts):
    assert split_address(address) == parts


def test_place_columns_win_over_the_address_and_a_disagreement_is_a_warning():
    row = Row(5, {"commune": "Thanh Xương", "address": "Bản Ten, P. Him Lam, TP. Điện Biên Phủ, tỉnh Điện Biên"})
    places = place_names(row)
    assert places.names == {
        "commune": "Thanh Xương",
        "district": "Thành phố Điện Biên Phủ",
        "province": "Tỉnh Điện Biên",
    }
    assert places.source == {"commune": "commune", "district": "address", "province": "address"}
    assert [str(w) for w in places.warnings] == [
        "row 5: address: warning: địa chỉ ghi 'Phường Him Lam', cột commune ghi 'Thanh Xương': dùng cột commune."
    ]
    same = place_names(Row(6, {"province": "Điện Biên", "address": "P. Him Lam, TP. Điện Biên Phủ"}))
    assert same.names["district"] == "Thành phố Điện Biên Phủ" and same.warnings == []  # a city beside a province
