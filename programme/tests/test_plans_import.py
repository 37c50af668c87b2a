"""The plan-lines import: real XLSX files, headings in any order, the offices' abbreviations, all or nothing."""

import decimal
import io

import pytest
from openpyxl import Workbook

from core.imports import ImportErrors
from core.models import AuditEntry
from programme.models import AnnualPlan, PlanLine
from programme.plan_imports import import_plan_lines

pytestmark = pytest.mark.django_db

HEADINGS = [
    "STT",
    "Tên sản phẩm",
    "Nội dung",
    "Năm",
    "Số kế hoạch",
    "Địa bàn",
    "Chủ thể",
    "Xã",
    "Hạng sao",
    "Cấp hỗ trợ",
    "Nguồn kinh phí",
    "Kinh phí (đồng)",
    "Ghi chú",
]
ROWS = [
    [1, "Cà phê Thuận Châu", "công nhận mới", 2026, "45/KH-UBND", "Tỉnh Điện Biên", "HTX Cà phê", "Thanh Nưa", "3 sao",
     "tỉnh", "CTMTQG NTM", "1,5 tỷ", ""],
    [2, "Gạo tám", "nâng sao", "2026", "45/KH-UBND", "11", "HTX Gạo", "", "4★", "huyện", "NS tỉnh", "200 triệu", "x"],
    [3, "Mật ong", "hỗ trợ", 2026, "45/KH-UBND", "2025:11", "", "", "", "xã", "XHH", "1.500.000", ""],
    [4, "Chè Shan", "đánh giá lại", 2026, "", "Xã Thanh Nưa", "", "", "3*", "", "lồng ghép", 300000, ""],
]  # fmt: skip


def workbook(rows, headings=HEADINGS) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["KẾ HOẠCH PHÁT TRIỂN SẢN PHẨM OCOP NĂM 2026"])  # a title above the headings, as offices write
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def run(rows, actor, headings=HEADINGS, **kwargs):
    return import_plan_lines(workbook(rows, headings), actor=actor, filename="kh.xlsx", **kwargs)


def test_import_creates_plans_and_lines_with_the_offices_words(province_officer, unit):
    result = run(ROWS[:3], province_officer)
    assert result.counts["plans_created"] == 1 and result.counts["lines_created"] == 3
    plan = AnnualPlan.objects.get()
    assert (plan.area, plan.year, plan.decision_no) == (unit("2025:11"), 2026, "45/KH-UBND")
    lines = {line.name: line for line in PlanLine.objects.all()}
    coffee = lines["Cà phê Thuận Châu"]
    assert (coffee.action, coffee.target_stars, coffee.supported_by, coffee.funding_source) == (
        "new",
        3,
        "province",
        "ntm",
    )
    assert coffee.planned_amount == decimal.Decimal(1_500_000_000)
    assert coffee.commune == unit("2025:03328")
    assert coffee.producer_name == "HTX Cà phê"
    rice = lines["Gạo tám"]
    assert (rice.action, rice.target_stars, rice.supported_by, rice.funding_source, rice.planned_amount) == (
        "upgrade",
        4,
        "district",
        "provincial",
        200_000_000,
    )
    honey = lines["Mật ong"]
    assert (honey.action, honey.supported_by, honey.funding_source, honey.planned_amount) == (
        "support",
        "commune",
        "socialised",
        1_500_000,
    )
    assert AuditEntry.objects.filter(action="programme.plan.line_added").count() == 3
    assert AuditEntry.objects.filter(action="programme.plan.imported").count() == 1


def test_commune_named_alone_is_read_in_the_officers_province(province_officer, unit):
    row = ROWS[3][:]
    headings = [*HEADINGS]  # a plan named by its title instead of a number
    headings[4] = "Tên kế hoạch"
    row[4] = "Kế hoạch OCOP xã Thanh Nưa 2026"
    result = run([row], province_officer, headings=headings)
    assert result.counts["lines_created"] == 1
    plan = AnnualPlan.objects.get()
    assert (plan.area, plan.title) == (unit("2025:03328"), "Kế hoạch OCOP xã Thanh Nưa 2026")
    line = plan.lines.get()
    assert (line.action, line.target_stars, line.funding_source, line.planned_amount) == (
        "re-recognition",
        3,
        "integrated",
        300000,
    )


def test_reimporting_the_same_file_changes_nothing(province_officer):
    run(ROWS[:3], province_officer)
    entries = AuditEntry.objects.count()
    result = run(ROWS[:3], province_officer)
    assert result.counts["lines_unchanged"] == 3 and result.counts["lines_created"] == 0
    assert result.counts["plans_created"] == 0
    assert AuditEntry.objects.count() == entries
    assert PlanLine.objects.count() == 3


def test_a_changed_row_updates_its_line(province_officer):
    run(ROWS[:1], province_officer)
    changed = ROWS[0][:]
    changed[11] = "2 tỷ"
    result = run([changed], province_officer)
    assert result.counts["lines_updated"] == 1
    assert PlanLine.objects.get().planned_amount == 2_000_000_000


def test_a_bad_row_writes_nothing_and_says_where(province_officer):
    bad = ROWS[1][:]
    bad[2] = "mở rộng"  # not a plan action
    bad[8] = "6 sao"
    bad[11] = "nhiều tiền"
    with pytest.raises(ImportErrors) as refused:
        run([ROWS[0], bad], province_officer)
    problems = {(e.row, e.column) for e in refused.value.errors}
    assert problems == {(4, "action"), (4, "stars"), (4, "amount")}
    assert not AnnualPlan.objects.exists() and not PlanLine.objects.exists()


def test_rows_of_another_province_are_errors(province_officer):
    foreign = ROWS[0][:]
    foreign[5] = "Tỉnh Sơn La"
    with pytest.raises(ImportErrors) as refused:
        run([foreign], province_officer)
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "area")]
    assert "ngoài địa bàn" in refused.value.errors[0].message
    assert not AnnualPlan.objects.exists()


def test_a_district_for_2026_and_a_missing_plan_name_are_errors(province_officer):
    district = ROWS[0][:]
    district[5] = "Huyện Điện Biên, Điện Biên"
    unnamed = ROWS[1][:]
    unnamed[4] = ""
    with pytest.raises(ImportErrors) as refused:
        run([district, unnamed], province_officer)
    assert {(e.row, e.column) for e in refused.value.errors} == {(3, "area"), (4, "plan_no")}


def test_a_district_plan_of_2024_is_read_in_the_old_scheme(province_officer, unit):
    row = ROWS[0][:]
    row[3], row[5], row[7] = 2024, "Huyện Điện Biên, Tỉnh Điện Biên", ""
    run([row], province_officer)
    assert AnnualPlan.objects.get().area == unit("pre2025:100")


def test_dry_run_writes_nothing(province_officer):
    result = run(ROWS[:3], province_officer, dry_run=True)
    assert result.counts["lines_created"] == 3
    assert not AnnualPlan.objects.exists()


def test_skip_invalid_writes_the_valid_rows(province_officer):
    bad = ROWS[1][:]
    bad[2] = "mở rộng"
    result = run([ROWS[0], bad], province_officer, skip_invalid=True)
    assert result.skipped == [4]
    assert list(PlanLine.objects.values_list("name", flat=True)) == ["Cà phê Thuận Châu"]


def test_a_producer_account_can_write_nothing(producer):
    with pytest.raises(ImportErrors):
        run(ROWS[:1], producer)
    assert not AnnualPlan.objects.exists()
