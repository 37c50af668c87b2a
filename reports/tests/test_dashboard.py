"""The dashboard, its drill-down lists, Excel and PDF exports and narrative hold exactly the API's numbers."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.dashboard import build_dashboard
from reports.queries import Period

pytestmark = pytest.mark.django_db
D = datetime.date
QUERY = {"as_of": "2022-03-31", "area": "pre2025:11"}


@pytest.fixture
def province_data(certify, unit):
    certify("pre2025:03331", D(2019, 5, 2), stars=3, producer_type="htx")
    certify("pre2025:03331", D(2020, 6, 3), stars=4, group="do-uong", producer_type="dn")
    certify("pre2025:03223", D(2021, 7, 4), stars=3, group="duoc-lieu", producer_type="ho")
    certify("pre2025:03346", D(2021, 8, 5), stars=5, producer_type="ho")
    certify("pre2025:03346", D(2018, 1, 6), stars=3, producer_type="tht")  # expired on 06/01/2021
    certify("pre2025:03346", D(2022, 1, 10), stars=3, producer_type="htx")  # new in the period
    return unit("pre2025:11")


def api(client, **query):
    return client.get("/api/v1/reports/ocop", {**QUERY, **query}).json()


def test_every_number_on_the_dashboard_equals_the_api_and_links_to_as_many_records(client, province_data):
    body = api(client)
    page = client.get("/reports/ocop/", QUERY)
    assert page.status_code == 200
    html = page.content.decode()

    def linked(testid):
        match = re.search(rf'href="([^"]+)" data-testid="{testid}">([\d.]+)<', html)
        assert match, testid
        return match.group(1).replace("&amp;", "&"), int(match.group(2).replace(".", ""))

    expected = {"total-products": body["products"]["total"]}
    expected.update({f"stars-{s}": n for s, n in body["products"]["by_stars"].items()})
    expected.update({f"group-{g}": n for g, n in body["products"]["by_group"].items()})
    expected.update({f"year-{y}": n for y, n in body["products"]["by_recognition_year"].items()})
    expected.update({f"first-year-{y}": n for y, n in body["products"]["by_first_recognition_year"].items()})
    expected["potential-5-star"] = body["products"]["potential_5_star"]
    expected.update({f"child-potential-{c['id']}": c["potential_5_star"] for c in body["children"]})
    expected.update({f"type-{t}": n for t, n in body["producers"]["by_type"].items()})
    expected.update({f"child-{c['id']}": c["products"] for c in body["children"]})
    for testid, number in expected.items():
        url, shown = linked(testid)
        assert shown == number, testid
        listing = client.get(url)
        assert listing.status_code == 200, (testid, url)
        count = re.search(r'data-testid="records-count">([\d.]+)<', listing.content.decode()).group(1)
        if testid.startswith("type-"):
            continue  # the type figures count producers; their list shows those producers' products
        assert int(count.replace(".", "")) == number, (testid, url)


def test_the_comparisons_count_what_their_lists_hold(client, province_data):
    html = client.get("/reports/ocop/", QUERY).content.decode()
    found = dict(re.findall(r'href="[^"]+" data-testid="watch-([\w]+)">([\d.]+)<', html))
    assert found == {
        "expiring_30": "0",
        "expiring_90": "1",
        "expired": "1",
        "revoked": "0",
        "recognized": "1",
        "renewed": "0",
    }
    link = re.search(r'href="([^"]+)" data-testid="watch-expired"', html).group(1).replace("&amp;", "&")
    listing = client.get(link).content.decode()
    assert "Chủ thể" in listing and 'data-testid="records-count">1<' in listing


def test_the_dashboard_runs_a_constant_number_of_queries(client, province_data, certify):
    with CaptureQueriesContext(connection) as few:
        client.get("/reports/ocop/", QUERY)
    for i in range(10):
        certify(["pre2025:03331", "pre2025:03223"][i % 2], D(2020, 2, 1 + i), stars=3 + i % 3)
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get("/reports/ocop/", QUERY)
    assert len(many) == len(few)


def test_the_records_list_runs_a_constant_number_of_queries(client, province_data, certify):
    with CaptureQueriesContext(connection) as few:
        client.get("/reports/ocop/records/", QUERY)
    for i in range(10):
        certify("pre2025:03331", D(2020, 2, 1 + i))
    with CaptureQueriesContext(connection) as many:
        client.get("/reports/ocop/records/", QUERY)
    assert len(many) == len(few)


def test_the_excel_export_holds_the_api_numbers(client, province_data):
    body = api(client)
    response = client.get("/reports/ocop/export.xlsx", QUERY)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    summary = {(row[0], row[1]): row[2] for row in wb.worksheets[0].iter_rows(min_row=6, values_only=True)}
    assert summary[("Tổng hợp", "Sản phẩm OCOP còn hiệu lực")] == body["products"]["total"] == 5
    assert summary[("Tổng hợp", "Chủ thể có sản phẩm còn hiệu lực")] == body["producers"]["total"]
    for s, n in body["products"]["by_stars"].items():
        assert summary[("Theo số sao", f"{s} sao")] == n
    for y, n in body["products"]["by_recognition_year"].items():
        assert summary[("Năm của quyết định đang có hiệu lực", y)] == n
    for y, n in body["products"]["by_first_recognition_year"].items():
        assert summary[("Năm được công nhận lần đầu", y)] == n
    assert sum(v for (section, _l), v in summary.items() if section == "Theo nhóm sản phẩm") == 5
    units = {row[0]: row[2] for row in wb.worksheets[1].iter_rows(min_row=2, values_only=True) if row[0]}
    assert units == {c["id"]: c["products"] for c in body["children"]}


def test_the_pdf_report_reads_back_with_the_narrative_and_the_figures(client, province_data):
    response = client.get("/reports/ocop/report.pdf", QUERY)
    assert response.content.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Tỉnh Điện Biên" in text
    assert "có 5 sản phẩm OCOP còn hiệu lực" in text
    assert "Huyện Tủa Chùa 1" in text


def test_the_narrative_holds_exactly_the_api_numbers(client, province_data, unit):
    body = api(client)
    board = build_dashboard(unit("pre2025:11"), D(2022, 3, 31))
    text = board.narrative()
    assert text.startswith("Tính đến ngày 31/03/2022, trên địa bàn Tỉnh Điện Biên có 5 sản phẩm OCOP còn hiệu lực")
    assert f"của {body['producers']['total']} chủ thể" in text
    with_products = sum(1 for c in body["children"] if c["products"])
    assert f"thuộc {with_products}/{len(body['children'])} đơn vị cấp huyện" in text
    assert "trong đó 3 sản phẩm 3 sao, 1 sản phẩm 4 sao và 1 sản phẩm 5 sao." in text
    assert "Theo loại hình chủ thể: 2 hợp tác xã, 1 doanh nghiệp và 2 hộ, cơ sở sản xuất." in text
    previous = api(client, as_of="2021-03-31")["products"]["total"]
    assert previous == 2
    assert f"(31/03/2021: {previous} sản phẩm), tăng {5 - previous} sản phẩm." in text


def test_the_narrative_is_written_in_english_too(province_data, unit):
    from django.utils import translation

    with translation.override("en"):
        text = build_dashboard(unit("pre2025:11"), D(2022, 3, 31)).narrative()
    assert text.startswith("As of 31/03/2022, there are 5 OCOP products in force in Tỉnh Điện Biên")
    assert "3 products at 3 stars, 1 product at 4 stars and 1 product at 5 stars" in text


def test_the_period_bounds_the_in_period_figures(province_data, unit):
    board = build_dashboard(unit("pre2025:11"), D(2022, 3, 31), Period(D(2021, 1, 1), D(2021, 12, 31)))
    assert board.watch["recognized"] == 2


def test_a_visitor_chooses_an_area_and_bad_input_is_explained(client):
    first = client.get("/reports/ocop/")
    assert (
        first.status_code == 200
        and "is-invalid" not in first.content.decode().split('data-testid="report-form"')[1][:2000]
    )
    bad = client.get("/reports/ocop/", {"as_of": "2022-13-01", "area": "2025:11"})
    assert bad.status_code == 400
    assert 'data-testid="form-error"' in bad.content.decode()
    assert client.get("/reports/ocop/records/", {**QUERY, "stars": "7"}).status_code == 400


def test_an_officer_lands_on_their_province(client, province_officer):
    client.force_login(province_officer)
    html = client.get("/reports/ocop/").content.decode()
    assert 'data-testid="area-name">Tỉnh Điện Biên<' in html
