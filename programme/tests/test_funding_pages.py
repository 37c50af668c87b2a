"""The support ledger's pages, Excel and API: scope, totals equal to the drill-down list, forms that say what is wrong,
constant query counts, the product page's slot, support against results."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEntry
from programme import funding_services as services
from programme.models import SupportLine
from programme.tests import test_funding as base

pytestmark = pytest.mark.django_db
world = base.world  # the fixture
values = base.values


@pytest.fixture
def ledger(province_officer, world):
    specs = [
        values(world),
        values(world, year=2023, source="provincial", purpose="equipment", amount_disbursed=None),
        values(world, product=world["tea"], source="central", supporter="", amount_planned=Decimal(7)),
        values(world, product=None, commune=world["old_commune"], year=2021, supporter="district"),
        values(world, product=None, producer=world["other"], amount_planned=None, amount_disbursed=None),
    ]
    return [services.create_support(actor=province_officer, **spec) for spec in specs]


def _total_row(response):
    return response.context["total"]


def test_list_totals_equal_the_report_and_the_sum_of_the_lines(client, province_officer, ledger):
    client.force_login(province_officer)
    query = {"area": "pre2025:11", "year_from": 2021, "year_to": 2024}
    listed = client.get(reverse("programme:support_list"), query)
    report = client.get(reverse("programme:funding_report"), query)
    assert listed.status_code == report.status_code == 200
    total = _total_row(listed)
    assert total.lines == len(ledger) == report.context["totals"].total.lines
    assert total.planned == sum(int(x.amount_planned or 0) for x in ledger) == report.context["totals"].total.planned
    assert total.disbursed == sum(int(x.amount_disbursed or 0) for x in ledger)
    assert "1 khoản chưa xác định kinh phí" in listed.content.decode()


def test_filters_narrow_list_and_report_alike(client, province_officer, ledger):
    client.force_login(province_officer)
    for query in ({"source": "central"}, {"purpose": "equipment"}, {"supporter": "district"}, {"year": 2021}):
        listed = client.get(reverse("programme:support_list"), query)
        report = client.get(reverse("programme:funding_report"), query)
        assert _total_row(listed).lines == report.context["totals"].total.lines == 1, query


def test_an_invalid_filter_is_shown(client, province_officer, ledger):
    client.force_login(province_officer)
    response = client.get(reverse("programme:support_list"), {"year_from": 2024, "year_to": 2020})
    assert "Năm kết thúc không được trước năm bắt đầu." in response.content.decode()


def test_list_takes_a_constant_number_of_queries(
    client,
    province_officer,
    world,
    django_assert_max_num_queries,
):
    client.force_login(province_officer)
    services.create_support(actor=province_officer, **values(world))
    url = reverse("programme:support_list")
    client.get(url)
    with django_assert_max_num_queries(30) as one:
        assert client.get(url).status_code == 200
    for year in range(2018, 2024):
        services.create_support(actor=province_officer, **values(world, year=year, product=world["tea"]))
        services.create_support(
            actor=province_officer, **values(world, year=year, product=None, commune=world["commune"])
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert _total_row(response).lines == 13


def test_report_excel_reads_back_with_the_pages_totals(client, province_officer, ledger):
    client.force_login(province_officer)
    response = client.get(reverse("programme:funding_report"), {"area": "2025:11", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sources = [list(r) for r in book["Nguồn vốn"].iter_rows(values_only=True)]
    assert sources[0][0] == "Kinh phí hỗ trợ OCOP — Tỉnh Điện Biên"
    assert sources[1][:4] == ["Nguồn vốn", "Số khoản", "Kế hoạch (đồng)", "Đã giải ngân (đồng)"]
    total = sources[-1]
    assert total[0] == "Tổng cộng"
    assert total[1:] == [5, sum(int(x.amount_planned or 0) for x in ledger), 90_000_000 + 45_000_000, 1]
    assert sum(r[2] for r in sources[2:-1]) == total[2]
    areas = [list(r) for r in book["Địa bàn"].iter_rows(values_only=True)]
    assert sum(r[1] for r in areas[2:-1]) == 5
    lines = list(book["Các khoản"].iter_rows(values_only=True))
    assert len(lines) == 2 + 5


def test_officer_creates_edits_and_deletes_through_the_pages(client, province_officer, world):
    client.force_login(province_officer)
    data = {
        "province": world["province"].pk,
        "year": 2024,
        "product": world["rice"].pk,
        "purpose": "packaging",
        "source": "ntm",
        "supporter": "province",
        "amount_planned": "100",
        "amount_disbursed": "150",
    }
    response = client.post(reverse("programme:support_create"), data, follow=True)
    line = SupportLine.objects.get()
    assert response.redirect_chain[-1][0] == line.get_absolute_url()
    assert "vượt kế hoạch" in response.content.decode()  # a warning, not a refusal
    response = client.post(reverse("programme:support_edit", args=[line.pk]), {**data, "amount_planned": "200"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.amount_planned == 200
    assert client.post(reverse("programme:support_delete", args=[line.pk])).status_code == 302
    assert not SupportLine.objects.exists()
    assert AuditEntry.objects.filter(action="programme.support.removed").count() == 1


def test_the_form_says_what_is_wrong_and_writes_nothing(client, province_officer, world):
    client.force_login(province_officer)
    base = {"province": world["province"].pk, "year": 2024, "purpose": "packaging", "source": "ntm"}
    response = client.post(reverse("programme:support_create"), base)
    assert "Hãy chọn đối tượng được hỗ trợ" in response.content.decode()
    response = client.post(
        reverse("programme:support_create"), {**base, "product": world["rice"].pk, "amount_planned": "-5"}
    )
    assert response.status_code == 200 and response.context["form"].errors["amount_planned"]
    assert not SupportLine.objects.exists()


def test_scope_of_the_pages(client, province_officer, other_province_officer, producer, commune_officer, ledger):
    rice_line, _b, tea_line, *_rest = ledger
    client.force_login(other_province_officer)
    assert client.get(reverse("programme:support_detail", args=[rice_line.pk])).status_code == 404
    assert client.get(reverse("programme:support_edit", args=[rice_line.pk])).status_code == 404
    assert client.get(reverse("programme:support_list")).context["total"].lines == 0
    client.force_login(producer)
    assert client.get(reverse("programme:support_detail", args=[rice_line.pk])).status_code == 200
    assert client.get(reverse("programme:support_detail", args=[tea_line.pk])).status_code == 404
    assert client.post(reverse("programme:support_delete", args=[rice_line.pk])).status_code == 403
    client.force_login(commune_officer)
    assert client.get(reverse("programme:support_edit", args=[rice_line.pk])).status_code == 403
    assert SupportLine.objects.count() == len(ledger)


def test_product_slot_shows_support_by_year_and_source(client, province_officer, other_province_officer, ledger, world):
    client.force_login(province_officer)
    response = client.get(reverse("programme:product_funding", args=[world["rice"].pk]))
    rows = response.context["rows"]
    assert [(r["year"], r["source"]) for r in rows] == [(2024, "ntm"), (2023, "provincial")]
    assert "Kinh phí hỗ trợ đã nhận" in response.content.decode()
    client.force_login(other_province_officer)
    assert client.get(reverse("programme:product_funding", args=[world["rice"].pk])).status_code == 404


def test_support_against_results_shows_stars_held_after_support(client, province_officer, ledger, world, unit):
    from certification import services as certification

    decision, _created = certification.get_or_create_decision(
        actor=None,
        number="99/QĐ-UBND",
        date=datetime.date(2024, 6, 1),
        kind="recognition",
        issuing_level="province",
        province=unit("pre2025:11"),
        issuer="",
    )
    certification.record_certificate(actor=None, product=world["rice"], decision=decision, stars=3)
    from programme.models import MonitoringReport

    # the approved report of 2024 is shown; a draft (2025) is not
    common = {"product": world["rice"], "output_unit": "tấn"}
    MonitoringReport.objects.create(**common, year=2024, status="approved", output_quantity=12, revenue=300_000_000)
    MonitoringReport.objects.create(**common, year=2025, status="draft", output_quantity=99, revenue=1)
    client.force_login(province_officer)
    response = client.get(reverse("programme:support_results"))
    results = {r.product.pk: r for r in response.context["results"]}
    rice = results[world["rice"].pk]
    assert rice.first_year == 2023
    by_year = {y.year: y for y in rice.years}
    assert by_year[2023].stars is None and by_year[2023].disbursed == 0 and by_year[2023].lines == 1
    assert by_year[2024].stars == 3 and by_year[2024].disbursed == 45_000_000
    assert (by_year[2024].output, by_year[2024].revenue) == (12, 300_000_000)
    assert not by_year[2025].reported and by_year[2025].disbursed is None
    assert response.context["monitoring"] and "300.000.000" in response.content.decode()


# --- API ----------------------------------------------------------------------------------------------------------


def test_api_list_detail_and_totals_agree(client, province_officer, other_province_officer, ledger):
    client.force_login(province_officer)
    listed = client.get("/api/v1/programme/funding", {"area": "2025:11", "limit": 100}).json()
    assert listed["count"] == 5
    totals = client.get("/api/v1/programme/funding/totals", {"area": "2025:11"}).json()
    assert totals["total"]["lines"] == 5
    assert totals["total"]["planned"] == sum(x["amount_planned"] or 0 for x in listed["items"])
    assert sum(r["lines"] for r in totals["by_area"]) == 5
    assert {r["key"] for r in totals["by_area"]} >= {"2025:03328"}
    one = client.get(f"/api/v1/programme/funding/{ledger[0].pk}").json()
    assert one["province"] == "2025:11" and one["amount_disbursed"] == 45_000_000
    client.force_login(other_province_officer)
    assert client.get(f"/api/v1/programme/funding/{ledger[0].pk}").status_code == 404
    assert client.get("/api/v1/programme/funding").json()["count"] == 0


def test_api_bad_filter_answers_400_with_its_field(client, province_officer):
    client.force_login(province_officer)
    response = client.get("/api/v1/programme/funding/totals", {"source": "gold"})
    assert response.status_code == 400 and response.json()["field"] == "source"


def test_api_create(client, province_officer, producer, world):
    client.force_login(province_officer)
    body = {
        "province": "2025:11",
        "year": 2024,
        "product_id": world["rice"].pk,
        "purpose": "equipment",
        "source": "ntm",
        "amount_planned": 1_000_000,
    }
    response = client.post("/api/v1/programme/funding", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["producer_id"] == world["own"].pk
    bad = client.post(
        "/api/v1/programme/funding", {**body, "product_id": world["sl_product"].pk}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["field"] == "product_id"
    negative = client.post("/api/v1/programme/funding", {**body, "amount_planned": -1}, content_type="application/json")
    assert negative.status_code == 400
    ancient = client.post(
        "/api/v1/programme/funding", {**body, "disbursed_on": "0001-01-01"}, content_type="application/json"
    )
    assert ancient.status_code == 400 and ancient.json()["field"] == "disbursed_on"
    assert SupportLine.objects.count() == 1
    client.force_login(producer)
    assert client.post("/api/v1/programme/funding", body, content_type="application/json").status_code == 403
    assert SupportLine.objects.count() == 1


def test_results_page_takes_a_constant_number_of_queries(
    client, province_officer, world, unit, django_assert_max_num_queries
):
    from products.models import ProductCategory
    from products.services import create_product

    client.force_login(province_officer)
    services.create_support(actor=province_officer, **values(world))
    url = reverse("programme:support_results")
    client.get(url)
    with django_assert_max_num_queries(40) as one:
        client.get(url)
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    for n in range(5):
        product = create_product(
            actor=None, name=f"Sản phẩm {n}", producer=world["own"], location=world["commune"], group=group
        )
        services.create_support(actor=province_officer, **values(world, product=product, year=2019 + n))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["results"]) == 6
