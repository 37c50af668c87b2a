"""Issue 13: registers as provinces and districts publish them go in (or say exactly why not): official headings over
two rows under a title, "Địa chỉ" cells, types in producers' names, "3 sao" and ★, dotted and Excel dates, sub-group
names, a district on a decision after the reform, and warnings for what is read but should be checked."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from certification.imports import import_register, parse_stars
from certification.models import Certificate, Decision
from core.errors import DomainError
from core.imports import ImportErrors
from producers.models import Producer
from products.models import Product

pytestmark = pytest.mark.django_db


def xlsx(tmp_path, rows, name="so.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def run(command, path, *args):
    out = StringIO()
    try:
        call_command(command, str(path), *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue().strip().splitlines()


def snapshot():
    return Producer.objects.count(), Product.objects.count(), Certificate.objects.count(), Decision.objects.count()


# A district's list as published: a title, headings over two rows ("Quyết định công nhận" over "Số QĐ" and "Ngày
# ký"), the row numbering the columns, no type column, addresses in one cell with abbreviations.
DISTRICT_LIST = [
    ["DANH SÁCH SẢN PHẨM OCOP HUYỆN ĐIỆN BIÊN"],
    ["(Kèm theo Báo cáo số 12/BC-UBND ngày 05/01/2024 của UBND huyện)"],
    [
        "STT",
        "Tên sản phẩm OCOP",
        "Chủ thể sản xuất",
        "Địa chỉ",
        "Phân loại/Nhóm sản phẩm",
        "Hạng sao",
        "Quyết định công nhận",
        None,
        "Ghi chú",
    ],  # fmt: skip
    [None, None, None, None, None, None, "Số QĐ", "Ngày ký", None],
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"],
    [
        1,
        "Gạo séng cù Thanh Xương",
        "HTX Nông nghiệp Thanh Xương",
        "Bản Ten, X. Thanh Xương, H. Điện Biên, T. Điện Biên",
        "1. Thực phẩm",
        "3 sao",
        "123/QĐ-UBND",
        "31.12.2021",
        None,
    ],  # fmt: skip
    [
        2,
        "Rượu nếp Thanh Hưng",
        "Hộ kinh doanh Lò Văn Minh",
        "Thôn 1, xã Thanh Hưng, huyện Điện Biên, tỉnh Điện Biên",
        "Rượu trắng",
        "★★★★",
        "124/QĐ-UBND",
        datetime.datetime(2022, 3, 1),
        None,
    ],  # fmt: skip
    [
        3,
        "Cà phê Mường Ảng",
        "Cty TNHH Cà phê Mường Ảng",
        "TT. Mường Ảng, H. Mường Ảng, Điện Biên",
        "Cà phê, ca cao",
        "4 sao (tiềm năng 5 sao)",
        "125/QĐ-UBND",
        44621,
        "Excel day number",
    ],  # fmt: skip
    [
        4,
        "Chè Shan tuyết Tủa Chùa",
        "Tổ hợp tác chè Mường Báng",
        "xã Mường Báng - huyện Tủa Chùa - tỉnh Điện Biên",
        "Nhóm thực phẩm",
        "3*",
        "Số 126/QĐ-UBND ngày 15/6/2022",
        None,
        None,
    ],  # fmt: skip
    [
        5,
        "Nước mơ Him Lam",
        "Cơ sở sản xuất Hoa Ban",
        "Tổ 3, P.Him Lam, TP.Điện Biên Phủ, tỉnh Điện Biên",
        "Đồ uống - Đồ uống không cồn",
        3.0,
        "127/QĐ-UBND",
        "01/09/22",
        None,
    ],  # fmt: skip
]


def test_a_district_list_as_published_goes_in_with_a_warning_for_each_inferred_type(tmp_path):
    code, lines = run("import_register", xlsx(tmp_path, DISTRICT_LIST))
    assert code == 0, lines
    assert lines[-1] == "products created=5 updated=0 unchanged=0; producers created=5; certificates created=5"
    assert lines[:-1] == [
        f"row {n}: producer_type: warning: chưa ghi loại hình: theo tên chủ thể là {label}."
        for n, label in [
            (6, "Hợp tác xã (htx)"),
            (7, "Hộ / cơ sở sản xuất kinh doanh có đăng ký (ho)"),
            (8, "Doanh nghiệp (dn)"),
            (9, "Tổ hợp tác (tht)"),
            (10, "Hộ / cơ sở sản xuất kinh doanh có đăng ký (ho)"),
        ]
    ]
    got = {
        p.name: (
            p.producer.producer_type,
            str(p.location.area_id),
            p.group.code,
            p.subgroup and (p.subgroup.system, p.subgroup.name),
            p.certificates.get().stars,
            p.certificates.get().decision.number,
            p.certificates.get().valid_from,
        )
        for p in Product.objects.select_related("producer", "location", "group", "subgroup")
    }
    assert got == {
        "Gạo séng cù Thanh Xương": (
            "htx", "pre2025:03334", "thuc-pham", None, 3, "123/QĐ-UBND", datetime.date(2021, 12, 31)),
        "Rượu nếp Thanh Hưng": (
            "ho", "pre2025:03331", "do-uong", ("1048", "Rượu trắng"), 4, "124/QĐ-UBND", datetime.date(2022, 3, 1)),
        "Cà phê Mường Ảng": (
            "dn", "pre2025:03256", "thuc-pham", ("1048", "Cà phê, ca cao"), 4, "125/QĐ-UBND",
            datetime.date(2022, 3, 1)),
        "Chè Shan tuyết Tủa Chùa": (
            "tht", "pre2025:03250", "thuc-pham", None, 3, "126/QĐ-UBND", datetime.date(2022, 6, 15)),
        "Nước mơ Him Lam": (
            "ho", "pre2025:03127", "do-uong", ("1048", "Đồ uống không cồn"), 3, "127/QĐ-UBND",
            datetime.date(2022, 9, 1)),
    }  # fmt: skip
    code, lines = run("import_register", xlsx(tmp_path, DISTRICT_LIST))
    assert lines[-1] == "products created=0 updated=0 unchanged=5; producers created=0; certificates created=0"


# A provincial list across the reform: the usual flat headings, a type column, new-scheme names.
PROVINCE_HEADINGS = [
    "TT", "Tên sản phẩm", "Tên chủ thể", "Loại hình", "Xã/Phường/Thị trấn", "Huyện/Thị xã/Thành phố",
    "Tỉnh/Thành phố", "Nhóm", "Xếp hạng", "Số quyết định công nhận", "Ngày QĐ", "Năm công nhận",
]  # fmt: skip


def test_a_provincial_list_across_the_reform_warns_of_what_it_ignores_or_reads_for_a_person_to_check(tmp_path):
    path = xlsx(
        tmp_path,
        [
            PROVINCE_HEADINGS,
            # after the reform: the district is ignored, and said so
            [
                1,
                "Mận hậu",
                "HTX Mường Phăng",
                "HTX",
                "Xã Mường Phăng",
                "Huyện Điện Biên",
                "Tỉnh Điện Biên",
                "Thực phẩm",
                "4",
                "88/QĐ-UBND",
                "15/08/2025",
                2025,
            ],  # fmt: skip
            # before the reform, no district: the new commune's name read as the old commune of that name
            [
                2,
                "Gạo tám",
                "HTX Thanh Nưa",
                "Hợp tác xã",
                "Thanh Nưa",
                None,
                "Điện Biên",
                "Thực phẩm",
                "3",
                "12/QĐ-UBND",
                "01/03/2023",
                2022,
            ],  # fmt: skip
            # a unit whose type changed: "thị xã Gia Nghĩa" is Thành phố Gia Nghĩa in the reference data
            [
                3,
                "Bơ sáp",
                "Công ty CP Nông sản Gia Nghĩa",
                "dn",
                "Nghĩa Đức",
                "thị xã Gia Nghĩa",
                "Đắk Nông",
                "Thực phẩm",
                "3",
                "5/QĐ-UBND",
                "10/10/2021",
                2021,
            ],  # fmt: skip
        ],
    )
    code, lines = run("import_register", path)
    assert code == 0, lines
    assert lines[-1] == "products created=3 updated=0 unchanged=0; producers created=3; certificates created=3"
    warnings = lines[:-1]
    assert warnings[0] == (
        "row 2: district: warning: bỏ qua 'Huyện Điện Biên': từ 01/07/2025 không còn cấp huyện (ngày 15/08/2025)."
    )
    assert warnings[1].startswith("row 3: commune: warning: 'Thanh Nưa' được hiểu là Xã Thanh Nưa (Huyện Điện Biên)")
    assert "cũng có Xã Thanh Nưa (gồm Xã Thanh Nưa, Xã Hua Thanh" in warnings[1]
    assert warnings[2] == (
        "row 3: recognition_year: warning: năm công nhận 2022 khác năm của ngày quyết định 01/03/2023: dùng ngày "
        "quyết định."
    )
    assert warnings[3] == (
        "row 4: district: warning: 'thị xã Gia Nghĩa' được hiểu là Thành phố Gia Nghĩa: danh mục đơn vị hành chính "
        "hiệu lực ngày 10/10/2021 ghi đơn vị này với loại khác."
    )
    assert len(warnings) == 4
    assert str(Product.objects.get(name="Mận hậu").location.area_id) == "2025:03325"
    assert str(Product.objects.get(name="Gạo tám").location.area_id) == "pre2025:03322"
    assert Product.objects.get(name="Bơ sáp").location.parent.name == "Thành phố Gia Nghĩa"


def test_errors_that_help_and_nothing_written(tmp_path):
    path = xlsx(
        tmp_path,
        [
            PROVINCE_HEADINGS,
            # row 2: Mường Phăng belonged to Thành phố Điện Biên Phủ, not to Huyện Điện Biên
            [1, "A", "HTX A", "htx", "Mường Phăng", "Điện Biên", "Điện Biên", "Thực phẩm", 3, "1/QĐ", "01/03/2022"],
            # row 3: a typo in the commune
            [2, "B", "HTX B", "htx", "Thanh Hưg", "Điện Biên", "Điện Biên", "Thực phẩm", 3, "1/QĐ", "01/03/2022"],
            # row 4: a province merged at the reform, on a decision after it
            [3, "C", "HTX C", "htx", "Phan Thiết", None, "Bình Thuận", "Thực phẩm", 3, "2/QĐ", "01/09/2025"],
            # row 5: an old commune on a decision after the reform
            [4, "D", "HTX D", "htx", "Thanh Hưng", None, "Điện Biên", "Thực phẩm", 3, "2/QĐ", "01/09/2025"],
            # row 6: no type and a name that says nothing; a bare year; six stars; a group close to a stored one
            [
                5,
                "E",
                "Nguyễn Văn E",
                None,
                "Thanh Xương",
                "Điện Biên",
                "Điện Biên",
                "Rượu trắg",
                "6 sao",
                "3/QĐ",
                "năm 2021",
            ],  # fmt: skip
            # row 7: the number's cell gives another date than the date's cell
            [
                6,
                "G",
                "HTX G",
                "htx",
                "Thanh Xương",
                "Điện Biên",
                "Điện Biên",
                "Thực phẩm",
                3,
                "Số 4/QĐ ngày 01/03/2022",
                "02/03/2022",
            ],  # fmt: skip
        ],
    )
    before = snapshot()
    code, lines = run("import_register", path)
    assert code == 1 and snapshot() == before
    by_cell = {tuple(line.split(": ", 2)[:2]): line.split(": ", 2)[2] for line in lines}
    assert by_cell[("row 2", "commune")].endswith("Trong tỉnh có Xã Mường Phăng (Thành phố Điện Biên Phủ).")
    assert "Có phải: Xã Thanh Hưng" in by_cell[("row 3", "commune")]
    assert by_cell[("row 4", "province")].endswith("Tỉnh Bình Thuận nhập vào Tỉnh Lâm Đồng từ 01/07/2025.")
    assert by_cell[("row 5", "commune")].endswith(
        "Xã Thanh Hưng (Huyện Điện Biên) nhập vào Xã Thanh Nưa từ 01/07/2025."
    )
    assert by_cell[("row 6", "producer_type")] == (
        "chưa ghi loại hình và tên 'Nguyễn Văn E' không cho biết loại hình: ghi htx, dn, ho, tht; Hợp tác xã, "
        "Doanh nghiệp, Hộ kinh doanh, Tổ hợp tác…."
    )
    assert "chỉ ghi năm 2021" in by_cell[("row 6", "decision_date")]
    assert by_cell[("row 6", "stars")].startswith("'6 sao': chỉ nhận 3, 4 hoặc 5 sao")
    assert by_cell[("row 6", "group")].endswith("Có phải: Rượu trắng?")
    assert by_cell[("row 7", "decision_no")] == "số quyết định ghi ngày 01/03/2022, khác ngày 02/03/2022."


def test_the_map_option_reads_unknown_headings_and_refuses_unknown_keys(tmp_path):
    path = xlsx(
        tmp_path,
        [
            ["Sản phẩm", "Tên HTX", "Sao đạt", "Tỉnh", "Huyện", "Xã", "Phân loại", "QĐ", "Ngày", "Người ký"],
            [
                "Gạo",
                "HTX Thanh Xương",
                "3 sao",
                "Điện Biên",
                "Điện Biên",
                "Thanh Xương",
                "thuc-pham",
                "1/QĐ",
                "01/03/2022",
                "Ông A",
            ],  # fmt: skip
        ],
    )
    code, lines = run("import_register", path)
    assert code == 1 and {line.split(": ")[1] for line in lines} >= {"producer", "stars", "decision_no"}
    mapping = "Tên HTX=producer,Sao đạt=stars,QĐ=decision_no,Ngày=decision_date,Người ký=-"
    code, lines = run("import_register", path, "--map", mapping)
    assert code == 0, lines
    assert lines[-1] == "products created=1 updated=0 unchanged=0; producers created=1; certificates created=1"
    with pytest.raises(CommandError, match="không có khóa 'hang_sao'"):
        call_command("import_register", str(path), "--map", "Sao đạt=hang_sao", stdout=StringIO())


def test_revocations_read_official_headings_an_address_and_a_decision_with_its_date(tmp_path):
    run("import_register", xlsx(tmp_path, DISTRICT_LIST))
    path = xlsx(
        tmp_path,
        [
            ["STT", "Tên sản phẩm OCOP", "Tên chủ thể", "Địa chỉ", "Quyết định thu hồi", "Lý do thu hồi"],
            [
                1,
                "Gạo séng cù Thanh Xương",
                "HTX Nông nghiệp Thanh Xương",
                "X. Thanh Xương, H. Điện Biên, T. Điện Biên",
                "Số 500/QĐ-UBND ngày 15/9/2023",
                "Ngừng sản xuất",
            ],  # fmt: skip
        ],
        name="thu-hoi.xlsx",
    )
    code, lines = run("import_revocations", path)
    assert code == 0, lines
    assert lines[-1] == "certificates revoked=1 unchanged=0"
    certificate = Product.objects.get(name="Gạo séng cù Thanh Xương").certificates.get()
    assert certificate.ended_on == datetime.date(2023, 9, 15)
    assert certificate.revocation.number == "500/QĐ-UBND"


@pytest.mark.parametrize(
    ("text", "stars"), [("3", 3), (3.0, 3), ("3 sao", 3), ("3*", 3), ("★★★", 3), ("4 sao (tiềm năng 5 sao)", 4),
                        ("Năm sao", 5), ("5 Sao OCOP", 5)]
)  # fmt: skip
def test_stars_as_written(text, stars):
    assert parse_stars(text) == stars


@pytest.mark.parametrize("text", ["2", "6 sao", "3.5", "★★", "ba"])
def test_other_stars_are_refused(text):
    with pytest.raises(DomainError):
        parse_stars(text)


def test_checking_a_file_takes_the_same_queries_for_3_rows_or_60(tmp_path):
    """Resolving places, groups and names is cached: the checks before writing do not grow with the file."""

    def queries_for(count):
        rows = [
            [i, f"Sản phẩm {i}", f"HTX số {i}", "Thôn 1, xã Thanh Hưng, huyện Điện Biên, tỉnh Điện Biên",
             "Rượu trắng", "3 sao", f"{i}/QĐ-UBND", "01/03/2022"]
            for i in range(count)
        ]  # fmt: skip
        rows.append([99, "Lỗi", "HTX Lỗi", "xã Không Có, huyện Điện Biên, tỉnh Điện Biên", "Thực phẩm", 3, "9", ""])
        path = xlsx(tmp_path, [DISTRICT_LIST[2][:6] + ["Số QĐ", "Ngày QĐ"], *rows], name=f"q{count}.xlsx")
        with CaptureQueriesContext(connection) as captured, pytest.raises(ImportErrors):
            import_register(path, filename=path.name)
        return len(captured)

    assert queries_for(3) == queries_for(60)
