"""CONTRACT §5: import_register and import_revocations, through the commands as a province would run them."""

import datetime

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from certification.models import Certificate, Decision
from certification.queries import holding_on
from core.models import AuditEntry
from producers.models import Producer
from products.models import Product

pytestmark = pytest.mark.django_db

EN = "product,producer,producer_type,province,district,commune,group,stars,score,decision_no,decision_date,valid_until"
VI = (
    "Tên sản phẩm,Chủ thể,Loại hình chủ thể,Tỉnh,Huyện,Xã,Nhóm sản phẩm,Số sao,Điểm,Số quyết định,"
    "Ngày quyết định,Hiệu lực đến"
)
ROWS = [
    "Chè Shan tuyết Tủa Chùa,Công ty TNHH MTV Hương Linh,Công ty TNHH,Tỉnh Điện Biên,Tủa Chùa,Mường Báng,"
    'Thực phẩm,3,"62,5",123/QĐ-UBND,31/12/2021,',
    "Gạo tám thơm,HTX Thanh Hưng,HTX,Điện Biên,Điện Biên,Xã Thanh Hưng,thuc-pham,3,55.25,124/QĐ-UBND,2022-03-01,",
    "Cà phê Mường Ảng,HTX Cà phê Mường Ảng,Hợp tác xã,Điện Biên,Mường Ảng,Ẳng Nưa,Đồ uống,3,,124/QĐ-UBND,2022-03-01,",
]


def write(tmp_path, name, text, bom=False):
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def run(command, path, *args):
    from io import StringIO

    out = StringIO()
    try:
        call_command(command, str(path), *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue().strip().splitlines()


def snapshot():
    return (
        Producer.objects.count(),
        Product.objects.count(),
        Certificate.objects.count(),
        Decision.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize(
    ("header", "bom"), [(EN, False), (VI, True), (VI.upper(), False), (EN.replace(",", " , "), True)]
)
def test_english_or_vietnamese_headers_with_or_without_bom(tmp_path, header, bom):
    path = write(tmp_path, "register.csv", "\n".join([header, *ROWS]) + "\n", bom=bom)
    code, lines = run("import_register", path)
    assert code == 0, lines
    assert lines[-1] == "products created=3 updated=0 unchanged=0; producers created=3; certificates created=3"
    tea = Product.objects.get(name="Chè Shan tuyết Tủa Chùa")
    cert = tea.certificates.get()
    assert str(cert.score) == "62.50" and cert.valid_from == datetime.date(2021, 12, 31)
    assert cert.valid_until == datetime.date(2024, 12, 31)
    assert tea.producer.producer_type == "dn" and tea.location.name == "Xã Mường Báng"
    assert Product.objects.get(name="Cà phê Mường Ảng").group.code == "do-uong"
    assert Decision.objects.get(number="124/QĐ-UBND").certificates.count() == 2


def test_xlsx_first_sheet_with_real_dates_and_numbers(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(VI.split(","))
    ws.append(
        [
            "Gạo séng cù",
            "HTX Nông nghiệp Điện Biên",
            "HTX",
            "Điện Biên",
            "Điện Biên",
            "Thanh Xương",
            "Thực phẩm",
            4,
            72.5,
            "9/QĐ-UBND",
            datetime.datetime(2022, 3, 31),
            None,
        ]
    )
    ws.append(
        [
            "Gạo tám thơm",
            "HTX Nông nghiệp Điện Biên",
            "HTX",
            "Điện Biên",
            "Điện Biên",
            "Thanh Xương",
            "thuc-pham",
            "3",
            "",
            "9/QĐ-UBND",
            "31/03/2022",
            "2025-12-31",
        ]
    )
    wb.create_sheet("ghi chú").append(["ignored"])
    path = tmp_path / "register.xlsx"
    wb.save(path)
    code, lines = run("import_register", path)
    assert code == 0, lines
    assert lines[-1] == "products created=2 updated=0 unchanged=0; producers created=1; certificates created=2"
    assert Product.objects.get(name="Gạo séng cù").certificates.get().stars == 4
    assert Product.objects.get(name="Gạo tám thơm").certificates.get().valid_until == datetime.date(2025, 12, 31)


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = write(tmp_path, "r.csv", "\n".join([EN, *ROWS]))
    run("import_register", path)
    before = snapshot()
    code, lines = run("import_register", path)
    assert code == 0
    assert lines[-1] == "products created=0 updated=0 unchanged=3; producers created=0; certificates created=0"
    assert snapshot() == before


def test_dry_run_prints_the_same_summary_and_writes_nothing(tmp_path):
    path = write(tmp_path, "r.csv", "\n".join([EN, *ROWS]))
    before = snapshot()
    code, lines = run("import_register", path, "--dry-run")
    assert code == 0
    assert lines[-1] == "products created=3 updated=0 unchanged=0; producers created=3; certificates created=3"
    assert snapshot() == before


def test_re_recognition_and_upgrade_supersede_from_their_decision_date(tmp_path):
    rows = ROWS[1:2] + [
        # re-recognised after the reform, in the new scheme (no district), in the successor commune
        "Gạo tám thơm,HTX Thanh Hưng,htx,Điện Biên,,Thanh Nưa,thuc-pham,3,,55/QĐ-UBND,01/03/2025,",
        "Gạo tám thơm,HTX Thanh Hưng,htx,Điện Biên,,Thanh Nưa,thuc-pham,4,78,60/QĐ-UBND,01/08/2025,",
    ]
    rows[1] = rows[1].replace(",,Thanh Nưa", ",Điện Biên,Thanh Hưng")  # 01/03/2025 is still the old scheme
    code, lines = run("import_register", write(tmp_path, "r.csv", "\n".join([EN, *rows])))
    assert code == 0, lines
    assert lines[-1] == "products created=1 updated=2 unchanged=0; producers created=1; certificates created=3"
    product = Product.objects.get()
    kinds = list(product.certificates.order_by("valid_from").values_list("kind", "ended_on"))
    assert kinds == [
        ("recognition", datetime.date(2025, 3, 1)),
        ("re-recognition", datetime.date(2025, 8, 1)),
        ("upgrade", None),
    ]
    assert holding_on(product, datetime.date(2025, 7, 31)).certificate.stars == 3
    assert holding_on(product, datetime.date(2025, 8, 1)).certificate.stars == 4
    assert product.current_location.name == "Xã Thanh Nưa" and product.location.name == "Xã Thanh Hưng"


def test_revocations_end_the_current_certificate(tmp_path):
    run("import_register", write(tmp_path, "r.csv", "\n".join([EN, *ROWS])))
    revocations = write(
        tmp_path,
        "rev.csv",
        "\n".join(
            [
                "Tên sản phẩm,Chủ thể,Tỉnh,Số quyết định,Ngày quyết định,Lý do",
                "Gạo tám thơm,HTX Thanh Hưng,Điện Biên,500/QĐ-UBND,15/09/2023,Ngừng sản xuất",
                "cà phê mường ảng,HTX CÀ PHÊ MƯỜNG ẢNG,Tỉnh Điện Biên,500/QĐ-UBND,2023-09-15,Không duy trì chất lượng",
            ]
        ),
    )
    code, lines = run("import_revocations", revocations, "--dry-run")
    assert code == 0 and lines[-1] == "certificates revoked=2 unchanged=0"
    assert not Certificate.objects.filter(revocation__isnull=False).exists()
    code, lines = run("import_revocations", revocations)
    assert lines[-1] == "certificates revoked=2 unchanged=0"
    cert = Product.objects.get(name="Gạo tám thơm").certificates.get()
    assert cert.ended_on == datetime.date(2023, 9, 15) and cert.revocation_reason == "Ngừng sản xuất"
    assert Decision.objects.get(number="500/QĐ-UBND").kind == "revocation"
    code, lines = run("import_revocations", revocations)
    assert code == 0 and lines[-1] == "certificates revoked=0 unchanged=2"


def test_every_error_is_reported_on_its_own_line_and_nothing_is_written(tmp_path):
    rows = [
        ROWS[0],
        "Trà X,HTX A,hội,Điện Biên,Điện Biên,Na Tông,rau,6,abc,1/QĐ,32/13/2021,",  # row 3: many errors
        "Trà Y,HTX A,htx,Điện Biên,,Na Tông,thuc-pham,3,,1/QĐ,01/01/2022,",  # row 4: two Na Tông: district needed
        "Trà Z,HTX A,htx,Điện Biên,Điện Biên,Không Có,thuc-pham,3,,1/QĐ,01/01/2022,",  # row 5: unknown commune
        "Trà W,HTX A,htx,Điện Biên,Điện,Na Tông,thuc-pham,3,,1/QĐ,01/01/2022,",  # row 6: unknown district
        "Trà V,HTX A,htx,Lâm Đồng,Đạ Huoai,Đạ M'ri,thuc-pham,3,,1/QĐ,01/01/2022,",  # row 7: ambiguous commune
        ",,htx,Điện Biên,Điện Biên,Na Tông,thuc-pham,3,,,01/01/2022,",  # row 8: blanks
    ]
    before = snapshot()
    code, lines = run("import_register", write(tmp_path, "r.csv", "\n".join([EN, *rows])))
    assert code == 1
    assert snapshot() == before
    assert all(line.startswith("row ") for line in lines)
    cells = {tuple(line.split(": ", 2)[:2]) for line in lines}
    assert {
        ("row 3", "producer_type"),
        ("row 3", "group"),
        ("row 3", "stars"),
        ("row 3", "score"),
        ("row 3", "decision_date"),
        ("row 4", "commune"),
        ("row 5", "commune"),
        ("row 6", "district"),
        ("row 7", "commune"),
        ("row 8", "product"),
        ("row 8", "producer"),
        ("row 8", "decision_no"),
    } <= cells
    assert not any(line.startswith("row 2:") for line in lines)
    ambiguous = next(line for line in lines if line.startswith("row 7"))
    assert "Thị trấn Đạ M'ri" in ambiguous and "Xã Đạ M'ri" in ambiguous
    two_districts = next(line for line in lines if line.startswith("row 4"))
    assert "(Huyện Điện Biên)" in two_districts and two_districts.endswith("Hãy ghi huyện.")


def test_a_missing_required_column_is_one_error_on_row_1_not_one_per_row(tmp_path):
    path = write(tmp_path, "r.csv", "product,producer\nA,HTX B\nC,HTX D\nE,HTX F\n")
    code, lines = run("import_register", path)
    assert code == 1
    assert lines == [
        "row 1: commune: thiếu cột bắt buộc (tiêu đề 'commune' hoặc 'Xã' hoặc 'Địa chỉ').",
        "row 1: decision_date: thiếu cột bắt buộc (tiêu đề 'decision_date' hoặc 'Ngày quyết định' hoặc "
        "'Số quyết định').",
        "row 1: decision_no: thiếu cột bắt buộc (tiêu đề 'decision_no' hoặc 'Số quyết định').",
        "row 1: group: thiếu cột bắt buộc (tiêu đề 'group' hoặc 'Nhóm sản phẩm' hoặc 'Phân nhóm').",
        "row 1: province: thiếu cột bắt buộc (tiêu đề 'province' hoặc 'Tỉnh' hoặc 'Địa chỉ').",
        "row 1: stars: thiếu cột bắt buộc (tiêu đề 'stars' hoặc 'Số sao').",
        # not an error: the producer's name says its type
        "row 2: producer_type: warning: chưa ghi loại hình: theo tên chủ thể là Hợp tác xã (htx).",
        "row 3: producer_type: warning: chưa ghi loại hình: theo tên chủ thể là Hợp tác xã (htx).",
        "row 4: producer_type: warning: chưa ghi loại hình: theo tên chủ thể là Hợp tác xã (htx).",
    ]


def test_a_conflict_found_while_writing_rolls_everything_back(tmp_path):
    rows = [ROWS[1], ROWS[1].replace("HTX,", "Doanh nghiệp,").replace("Gạo tám thơm", "Gạo nếp")]
    before = snapshot()
    code, lines = run("import_register", write(tmp_path, "r.csv", "\n".join([EN, *rows])))
    assert code == 1 and lines == [
        "row 3: producer_type: chủ thể 'HTX Thanh Hưng' đã được ghi là Hợp tác xã.",
        "row 3: producer_type: warning: tên 'HTX Thanh Hưng' cho thấy Hợp tác xã, cột ghi Doanh nghiệp: dùng cột "
        "loại hình.",
    ]
    assert snapshot() == before


def test_files_that_are_not_csv_or_utf8_are_refused(tmp_path):
    code, lines = run("import_register", write(tmp_path, "r.txt", EN))
    assert code == 1 and lines[0].startswith("row 1: file:")
    latin = tmp_path / "r.csv"
    latin.write_bytes(
        (EN + "\nTrà,Hương Linh,dn,Điện Biên,Tủa Chùa,Mường Báng,thuc-pham,3,,1,01/01/2022,").encode(
            "cp1258", errors="replace"
        )
    )
    code, lines = run("import_register", latin)
    assert code == 1 and lines == ["row 1: file: tệp CSV phải mã hoá UTF-8."]


@pytest.mark.parametrize(
    ("group", "system", "code", "group_148"),
    [
        ("Mật ong, mật khác và nông sản thực phẩm khác", "2026", "04", "thuc-pham"),  # 26/2026 phân nhóm
        ("Chè tươi, chè chế biến", "2026", "11", "thuc-pham"),  # the sheet's own title (an alias)
        ("Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", "148", None, "du-lich"),  # a 148 group
        ("Rượu trắng", "2026", "14", "do-uong"),  # also 1048's sub-group 15: the decision's date chooses 26/2026
    ],
)
def test_the_group_column_takes_26_2026_sub_groups_and_fills_the_sub_group(tmp_path, group, system, code, group_148):
    row = f'Sản phẩm thử,HTX Thử nghiệm,HTX,Điện Biên,,Thanh Nưa,"{group}",3,,901/QĐ-UBND,01/12/2026,'
    status, lines = run("import_register", write(tmp_path, "r.csv", f"{EN}\n{row}\n"))
    assert status == 0, lines
    product = Product.objects.select_related("group", "subgroup").get(name="Sản phẩm thử")
    assert product.group.code == group_148
    if code is None:
        assert product.subgroup is None
    else:
        assert (product.subgroup.system, product.subgroup.code) == (system, code)


def test_a_sub_group_name_of_both_systems_follows_the_decision_date(tmp_path):
    row = "Rượu ngô bản Phiêng,HTX Rượu ngô,HTX,Điện Biên,Điện Biên,Thanh Nưa,Rượu trắng,3,,77/QĐ-UBND,15/06/2021,"
    status, lines = run("import_register", write(tmp_path, "r.csv", f"{EN}\n{row}\n"))
    assert status == 0, lines
    product = Product.objects.select_related("subgroup").get(name="Rượu ngô bản Phiêng")
    assert (product.subgroup.system, product.subgroup.code) == ("1048", "15")
