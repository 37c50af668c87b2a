"""Issue 11 §2 and §11 in the OCOP report: potential 5★ products (proposed to the ministry, not yet decided there) and
recognition cohorts (first recognition beside the decision in force), in the API, the dashboard and its drill-down
lists, the Excel and PDF exports and the narrative."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from evaluation import process, proposals
from reports.dashboard import FORWARDING_PRACTICE, FORWARDING_SOURCE, build_dashboard, potential_help
from reports.queries import OcopReport

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/api/v1/reports/ocop"


def today(n=0):
    """Proposals are built through evaluation's services, which date the council's approval today."""
    return timezone.localdate() + datetime.timedelta(days=n)


def report(client, as_of, area):
    response = client.get(URL, {"as_of": str(as_of), "area": area})
    assert response.status_code == 200, response.content
    return response.json()


def child(body, area_id):
    return next(c for c in body["children"] if c["id"] == area_id)


def listed_count(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return int(re.search(r'data-testid="records-count">([\d.]+)<', response.content.decode()).group(1).replace(".", ""))


# ── §11: recognition cohorts ───────────────────────────────────────────────────────────────────────────────────────


def test_a_product_first_recognised_2019_and_re_recognised_2022_counts_under_2019_first_and_2022_in_force(
    client, certify
):
    first = certify("pre2025:03331", D(2019, 5, 2), stars=3)
    certify("pre2025:03331", D(2022, 4, 1), stars=3, product=first.product, kind="re-recognition")
    upgraded = certify("pre2025:03223", D(2020, 6, 3), stars=3)
    certify("pre2025:03223", D(2021, 9, 9), stars=4, product=upgraded.product, kind="upgrade")
    lapsed = certify("pre2025:03346", D(2015, 1, 6))  # expired in 2018 ...
    certify("pre2025:03346", D(2021, 2, 2), product=lapsed.product)  # ... and recognised again in 2021
    certify("pre2025:03346", D(2021, 3, 3))  # recognised once

    products = report(client, D(2022, 6, 30), "pre2025:11")["products"]
    assert products["total"] == 4
    assert products["by_first_recognition_year"] == {"2015": 1, "2019": 1, "2020": 1, "2021": 1}
    assert products["by_recognition_year"] == {"2021": 3, "2022": 1}
    # Before the re-recognition the 2019 product's certificate in force is its first one.
    before = report(client, D(2022, 3, 31), "pre2025:11")["products"]
    assert before["by_first_recognition_year"]["2019"] == 1 and before["by_recognition_year"]["2019"] == 1
    # Both breakdowns count each product once: they add up to the total.
    assert sum(products["by_first_recognition_year"].values()) == sum(products["by_recognition_year"].values()) == 4


def test_each_cohort_number_opens_the_list_of_as_many_products(client, certify):
    first = certify("pre2025:03331", D(2019, 5, 2))
    certify("pre2025:03331", D(2022, 4, 1), product=first.product, kind="re-recognition")
    certify("pre2025:03223", D(2022, 1, 10))
    query = {"as_of": "2022-06-30", "area": "pre2025:11"}
    html = client.get("/reports/ocop/", query).content.decode()
    assert "Năm được công nhận lần đầu" in html and "Năm của quyết định đang có hiệu lực" in html
    found = {
        testid: url.replace("&amp;", "&")
        for url, testid in re.findall(r'href="([^"]+)" data-testid="((?:first-)?year-\d+)">', html)
    }
    assert set(found) == {"first-year-2019", "first-year-2022", "year-2022"}
    assert listed_count(client, found["first-year-2019"]) == 1
    assert listed_count(client, found["first-year-2022"]) == 1
    assert listed_count(client, found["year-2022"]) == 2
    title = client.get(found["first-year-2019"]).content.decode()
    assert "được công nhận lần đầu năm 2019" in title


def test_the_figures_run_a_fixed_number_of_queries(certify, unit, propose, product_at, django_assert_num_queries):
    # The groups, one aggregate (totals, stars, groups, producer types), decision years, first years, potential 5★ by
    # child; with children, their counts and the units themselves.
    areas = {unit("pre2025:11"): 7, unit("2025:03328"): 5}
    certify("pre2025:03331", D(2021, 3, 31))
    for area, queries in areas.items():
        with django_assert_num_queries(queries):
            OcopReport(area, today(5)).figures()
    for i in range(6):
        cert = certify(["pre2025:03331", "2025:03328"][i % 2], D(2019 + i % 3, 5, 1), stars=3 + i % 2)
        certify(cert.product.location.area_id, D(2024, 5, 1), product=cert.product, kind="re-recognition")
    propose(product_at("pre2025:03331"), product_at("2025:03328"))
    for area, queries in areas.items():
        with django_assert_num_queries(queries):
            figures = OcopReport(area, today(5)).figures()
        assert figures["products"]["potential_5_star"] == 2
        assert sum(figures["products"]["by_first_recognition_year"].values()) == figures["products"]["total"] > 1


# ── §2: potential 5★ ───────────────────────────────────────────────────────────────────────────────────────────────


def test_a_proposed_product_is_potential_5_star_from_the_letter_until_the_ministry_decides(
    client, propose, product_at, province_officer
):
    tea = product_at("2025:03328", "Chè Shan tuyết")
    (proposal,) = propose(tea)  # letter dated today + 2
    potential = {n: report(client, today(n), "2025:11")["products"] for n in (1, 2, 30, 400)}
    assert {n: p["potential_5_star"] for n, p in potential.items()} == {1: 0, 2: 1, 30: 1, 400: 1}
    assert potential[2]["total"] == 0  # not certified: not in the total

    proposals.record_ministry_recognition(
        actor=province_officer, proposal=proposal, decision_no="9/QĐ-BNNMT", decision_date=today(30)
    )
    after = {n: report(client, today(n), "2025:11")["products"] for n in (29, 30)}
    assert (after[29]["potential_5_star"], after[29]["total"]) == (1, 0)  # decided later: still potential before
    assert (after[30]["potential_5_star"], after[30]["total"], after[30]["by_stars"]["5"]) == (0, 1, 1)


def test_a_central_score_under_90_ends_the_potential_on_the_notice_day(client, propose, product_at, province_officer):
    (proposal,) = propose(product_at("pre2025:03331"))
    proposals.record_central_result_below_90(
        actor=province_officer,
        proposal=proposal,
        notice_no="12/BNNMT-VPĐP",
        notice_date=today(40),
        central_score="88",
        central_stars=4,
    )
    assert report(client, today(39), "pre2025:11")["products"]["potential_5_star"] == 1
    assert report(client, today(40), "pre2025:11")["products"]["potential_5_star"] == 0


def test_a_certified_product_also_proposed_counts_in_the_total_and_as_potential(
    client, certify, propose, product_at, unit
):
    held = certify("2025:03328", D(2025, 9, 1), stars=4, producer_type="dn")
    only_proposed = product_at("2025:03328", producer_type="tht")
    propose(held.product, only_proposed)
    body = report(client, today(5), "2025:11")
    assert body["products"]["total"] == 1 and body["products"]["by_stars"]["4"] == 1
    assert body["products"]["potential_5_star"] == 2
    # Producers are those of the counted products: the producer of a product only proposed is not one of them.
    assert body["producers"] == {"total": 1, "by_type": {"htx": 0, "dn": 1, "ho": 0, "tht": 0}}
    board = build_dashboard(unit("2025:11"), today(5))
    assert (board.potential, board.potential_certified) == (2, 1)
    assert (
        "Có 2 sản phẩm tiềm năng 5 sao đã được đề nghị Bộ công nhận, đang chờ kết quả (trong đó 1 sản phẩm đang có "
        "giấy chứng nhận còn hiệu lực, đã tính ở trên)." in board.narrative()
    )


def test_potential_products_are_placed_like_certified_ones_in_both_schemes(client, propose, product_at):
    propose(
        product_at("pre2025:03331"),  # Xã Thanh Hưng (old) → Xã Thanh Nưa (2025:03328)
        product_at("2025:03151"),  # Phường Mường Lay: from Thị xã Mường Lay and Huyện Mường Chà
        product_at("pre2025:02644"),  # a commune of old Lào Cai (10), now in new Lào Cai (15)
    )
    day = today(5)
    new_province = report(client, day, "2025:11")
    assert new_province["products"]["potential_5_star"] == 2
    assert child(new_province, "2025:03328")["potential_5_star"] == 1
    assert child(new_province, "2025:03151")["potential_5_star"] == 1
    assert all("potential_5_star" in c for c in new_province["children"])

    old_province = report(client, day, "pre2025:11")
    assert old_province["products"]["potential_5_star"] == 2
    assert child(old_province, "pre2025:100")["potential_5_star"] == 1  # Huyện Điện Biên
    assert sum(c["potential_5_star"] for c in old_province["children"]) == 1  # Mường Lay: no single old district

    district = report(client, day, "pre2025:100")
    assert child(district, "pre2025:03331")["potential_5_star"] == 1
    assert report(client, day, "2025:03328")["products"]["potential_5_star"] == 1
    assert report(client, day, "pre2025:03331")["products"]["potential_5_star"] == 1

    assert report(client, day, "pre2025:10")["products"]["potential_5_star"] == 1
    assert report(client, day, "2025:15")["products"]["potential_5_star"] == 1
    assert report(client, day, "pre2025:15")["products"]["potential_5_star"] == 0  # old Yên Bái


def test_the_potential_number_opens_the_list_of_those_products(client, certify, propose, product_at):
    held = certify("pre2025:03331", D(2025, 6, 1), stars=4)
    propose(held.product, product_at("pre2025:03331", "Mật ong hoa ban"), product_at("2025:03151", "Gạo nếp"))
    query = {"as_of": today(5).isoformat(), "area": "pre2025:11"}
    html = client.get("/reports/ocop/", query).content.decode()
    number = re.search(r'href="([^"]+)" data-testid="potential-5-star">([\d.]+)<', html)
    assert number.group(2) == "3"
    assert 'data-testid="potential-certified"' in html
    assert "Điều 7 khoản 3 điểm e" in html.split('data-testid="potential-help"')[1][:800]
    url = number.group(1).replace("&amp;", "&")
    listing = client.get(url).content.decode()
    assert listed_count(client, url) == 3
    assert "Mật ong hoa ban" in listing and "Gạo nếp" in listing
    assert "45/UBND-KT" in listing and "120/QĐ-UBND" in listing and "97,50" in listing and "4★" in listing
    assert "tiềm năng 5 sao" in re.search(r'data-testid="records-title">([^<]+)<', listing).group(1)
    # Per child: Huyện Điện Biên holds two of them; Mường Lay's is not placed in an old district.
    per_child = dict(re.findall(r'href="([^"]+)" data-testid="child-potential-([\w:-]+)">', html))
    shown = {key: url.replace("&amp;", "&") for url, key in per_child.items()}
    assert listed_count(client, shown["pre2025:100"]) == 2
    assert listed_count(client, shown["not-placed"]) == 1


def test_the_help_names_the_text_the_rule_comes_from_for_each_period():
    current = potential_help(D(2026, 12, 1))
    assert "Căn cứ: Quyết định 26/2026/QĐ-TTg, Điều 7 khoản 3 điểm e." in current
    assert "từ 90 điểm" in current and "[thực tiễn]" not in current
    era_1048 = potential_help(D(2021, 6, 1))
    assert "1048/QĐ-TTg" in era_1048 and "cấp tỉnh đề nghị Bộ" in era_1048 and "[thực tiễn]" not in era_1048
    as_issued = potential_help(D(2024, 6, 1))
    assert "148/QĐ-TTg như ban hành" in as_issued and "[thực tiễn]" in as_issued
    assert "1489" in potential_help(D(2025, 10, 1))
    # The help is keyed by the rules file's period codes: a renamed period must be renamed here too.
    codes = {p.code for p in process.periods()}
    assert set(FORWARDING_SOURCE) <= codes and set(FORWARDING_PRACTICE) <= codes
    # Every period of the rules file has the province forwarding from 90 to the ministry (what the help says).
    for period in process.periods():
        forwarding = [s for s in period.steps if s.forwards_from is not None]
        assert forwarding[-1].forwards_from == 90, period.code


# ── Exports and narrative ──────────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def area_data(certify, propose, product_at):
    first = certify("pre2025:03331", D(2019, 5, 2), stars=3)
    certify("pre2025:03331", D(2024, 4, 1), stars=4, product=first.product, kind="upgrade")
    certify("pre2025:03223", D(2024, 8, 5), stars=3, producer_type="ho")
    propose(product_at("pre2025:03331"), product_at("pre2025:03223"))
    return {"as_of": today(5).isoformat(), "area": "pre2025:11"}


def test_the_excel_export_holds_the_potential_line_and_both_cohorts(client, area_data):
    body = client.get(URL, area_data).json()
    wb = load_workbook(io.BytesIO(client.get("/reports/ocop/export.xlsx", area_data).content))
    rows = list(wb.worksheets[0].iter_rows(min_row=6, values_only=True))
    summary = {(r[0], r[1]): r[2] for r in rows if len(r) > 2}
    assert summary[("Tiềm năng 5 sao", "Sản phẩm tiềm năng 5 sao (đã đề nghị Bộ, chưa có kết quả)")] == 2
    assert summary[("Tiềm năng 5 sao", "trong đó đang có giấy chứng nhận còn hiệu lực")] == 0
    assert (
        {y: n for (s, y), n in summary.items() if s == "Năm được công nhận lần đầu"}
        == body["products"]["by_first_recognition_year"]
        == {"2019": 1, "2024": 1}
    )
    assert (
        {y: n for (s, y), n in summary.items() if s == "Năm của quyết định đang có hiệu lực"}
        == body["products"]["by_recognition_year"]
        == {"2024": 2}
    )
    note = next(r for r in rows if r[0] == "Ghi chú")
    assert "Điều 7 khoản 3 điểm e" in note[1]
    units = {r[0]: (r[2], r[3]) for r in wb.worksheets[1].iter_rows(min_row=2, values_only=True) if r[0]}
    assert units == {c["id"]: (c["products"], c["potential_5_star"]) for c in body["children"]}
    assert units["pre2025:100"] == (1, 1) and units["pre2025:098"] == (1, 1)  # Huyện Điện Biên, Huyện Tủa Chùa
    total = next(r for r in wb.worksheets[1].iter_rows(values_only=True) if r[1] == "Tổng")
    assert (total[2], total[3]) == (2, 2)


def test_the_pdf_reads_back_with_the_potential_line_the_cohorts_and_the_rule(client, area_data):
    response = client.get("/reports/ocop/report.pdf", area_data)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Sản phẩm tiềm năng 5 sao (đã đề nghị Bộ, chưa có kết quả) 2" in text
    assert "Năm được công nhận lần đầu 2019 1" in text
    assert "Năm của quyết định đang có hiệu lực 2024 2" in text
    assert "Quyết định 26/2026/QĐ-TTg, Điều 7 khoản 3 điểm e" in text
    assert "Có 2 sản phẩm tiềm năng 5 sao đã được đề nghị Bộ công nhận, đang chờ kết quả." in text


def test_the_narrative_names_potential_products_only_when_there_are_some(client, certify, propose, product_at, unit):
    certify("pre2025:03331", D(2024, 4, 1))
    assert "tiềm năng" not in build_dashboard(unit("pre2025:11"), today(5)).narrative()
    propose(product_at("pre2025:03223"))
    text = build_dashboard(unit("pre2025:11"), today(5)).narrative()
    assert "có 1 sản phẩm OCOP còn hiệu lực" in text
    assert "; trong đó 1 sản phẩm 3 sao. " in text
    assert "Có 1 sản phẩm tiềm năng 5 sao đã được đề nghị Bộ công nhận, đang chờ kết quả. " in text
    # An area with no certified product but a proposed one.
    alone = build_dashboard(unit("pre2025:098"), today(5)).narrative()  # Huyện Tủa Chùa
    assert "chưa có sản phẩm OCOP còn hiệu lực. Có 1 sản phẩm tiềm năng 5 sao" in alone


def test_the_potential_list_runs_a_constant_number_of_queries(client, propose, product_at):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    propose(product_at("pre2025:03331"))
    query = {"as_of": today(5).isoformat(), "area": "pre2025:11", "metric": "potential_5_star"}
    with CaptureQueriesContext(connection) as few:
        assert client.get("/reports/ocop/records/", query).status_code == 200
    propose(*(product_at(commune) for commune in ("pre2025:03331", "pre2025:03223", "2025:03151", "2025:03328")))
    with CaptureQueriesContext(connection) as many:
        assert listed_count(client, "/reports/ocop/records/?" + "&".join(f"{k}={v}" for k, v in query.items())) == 5
    assert len(many) == len(few)
