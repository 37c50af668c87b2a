"""The linkage pages, the report's Excel export, the product page's section and the API."""

import datetime
import decimal
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product
from programme import linkage_services as services
from programme.linkage_views import report_rows
from programme.models import (
    InvestmentProject,
    LinkagePartner,
    LinkageProject,
    LinkageResult,
    RawMaterialArea,
    RawMaterialAreaYear,
)

pytestmark = pytest.mark.django_db
D = decimal.Decimal


@pytest.fixture
def farm(unit, producer):
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    commune = unit("2025:03328")
    coop = create_producer(actor=None, name="HTX Thanh Nưa", producer_type="htx", location=commune)
    coop.accounts.add(producer)
    rice = create_product(actor=None, name="Gạo Điện Biên", producer=coop, location=commune, group=group)
    return {"coop": coop, "rice": rice, "commune": commune}


def _project(actor, unit, farm, n=1, **changes):
    values = {
        "name": f"Liên kết vú sữa Thanh Hưng {n}",
        "province": unit("2025:11"),
        "lead": farm["coop"],
        "product_text": "vú sữa",
        "area_ha": D("12"),
        "households": 30,
        "contract_value": D("1000000"),
        "contract_start": datetime.date(2025, 1, 15),
        "communes": [farm["commune"]],
        "products": [farm["rice"]],
    }
    values.update(changes)
    return services.create_project(actor=actor, **values)


def _raw_area(actor, farm, **changes):
    values = {"product": farm["rice"], "name": "Vùng lúa Thanh Nưa", "area_ha": D("40"), "certification": "vietgap"}
    values.update(changes)
    return services.create_raw_area(actor=actor, communes=[farm["commune"]], **values)


# --- lists: scope, constant queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        ("programme:linkage_list", lambda a, u, f, n: _project(a, u, f, n)),
        ("programme:raw_area_list", lambda a, u, f, n: _raw_area(a, f, name=f"Vùng {n}")),
        (
            "programme:investment_list",
            lambda a, u, f, n: services.create_investment(
                actor=a,
                name=f"Mắc ca {n}",
                province=u("2025:11"),
                investor_name="Công ty",
                crop="mắc ca",
                communes=[f["commune"]],
            ),
        ),
    ],
)
def test_lists_run_a_constant_number_of_queries(client, province_officer, unit, farm, url_name, make):
    make(province_officer, unit, farm, 0)
    client.force_login(province_officer)
    url = reverse(url_name)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(1, 8):
        make(province_officer, unit, farm, n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(one)


def test_list_filters_by_area_of_either_scheme_and_status(client, province_officer, unit, farm):
    _project(province_officer, unit, farm, 1)
    old = _project(province_officer, unit, farm, 2, communes=[unit("pre2025:03331")], products=[])
    services.change_status(actor=province_officer, project=old, status="running")
    client.force_login(province_officer)
    url = reverse("programme:linkage_list")
    body = client.get(url, {"area": "pre2025:100"}).content.decode()
    assert "Thanh Hưng 2" in body and "Thanh Hưng 1" not in body
    body = client.get(url, {"area": "2025:03328", "status": "running"}).content.decode()
    assert "Thanh Hưng 2" in body and "Thanh Hưng 1" not in body
    body = client.get(url, {"product": farm["rice"].pk}).content.decode()
    assert "Thanh Hưng 1" in body and "Thanh Hưng 2" not in body
    response = client.get(url, {"year": "1900"})
    assert response.status_code == 200 and "alert-danger" in response.content.decode()


def test_son_la_officer_gets_404_on_dien_bien_records(client, province_officer, other_province_officer, unit, farm):
    project = _project(province_officer, unit, farm)
    raw = _raw_area(province_officer, farm)
    client.force_login(other_province_officer)
    for name, pk in [
        ("programme:linkage_detail", project.pk),
        ("programme:linkage_edit", project.pk),
        ("programme:linkage_result", project.pk),
        ("programme:raw_area_detail", raw.pk),
        ("programme:raw_area_year", raw.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert client.get(reverse("programme:product_linkages", args=[farm["rice"].pk])).status_code == 404
    assert "vú sữa" not in client.get(reverse("programme:linkage_list")).content.decode()


def test_commune_officer_reads_but_write_pages_are_refused(client, province_officer, commune_officer, unit, farm):
    project = _project(province_officer, unit, farm)
    client.force_login(commune_officer)
    assert client.get(reverse("programme:linkage_detail", args=[project.pk])).status_code == 200
    assert client.get(reverse("programme:linkage_create")).status_code == 403
    assert client.post(reverse("programme:linkage_result", args=[project.pk]), {"year": 2025}).status_code == 403
    assert not LinkageResult.objects.exists()


# --- forms -----------------------------------------------------------------------------------------------------------


def test_create_edit_and_status_through_the_pages(client, province_officer, unit, farm):
    client.force_login(province_officer)
    data = {
        "name": "Liên kết bưởi da xanh",
        "province": unit("2025:11").pk,
        "lead_name": "HTX bưởi",
        "communes": [farm["commune"].pk, unit("pre2025:03331").pk],
        "products": [farm["rice"].pk],
        "area_ha": "15.5",
        "households": "25",
        "contract_start": "2025-03-01",
        "status": "preparing",
    }
    response = client.post(reverse("programme:linkage_create"), data)
    project = LinkageProject.objects.get()
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.communes.count() == 2
    response = client.post(
        reverse("programme:linkage_edit", args=[project.pk]), {**data, "households": "26", "communes": []}
    )
    project.refresh_from_db()
    assert project.households == 26 and project.communes.count() == 0
    client.post(reverse("programme:linkage_status", args=[project.pk]), {"status": "approved"})
    project.refresh_from_db()
    assert project.status == "approved"
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Liên kết bưởi da xanh" in page and 'data-testid="change-status"' in page


def test_a_refused_form_shows_the_error_on_its_field_and_writes_nothing(client, province_officer, unit, farm):
    client.force_login(province_officer)
    data = {
        "name": "Liên kết",
        "province": unit("2025:11").pk,
        "lead_name": "",
        "contract_start": "2025-03-01",
        "contract_end": "2024-01-01",
        "status": "preparing",
    }
    response = client.post(reverse("programme:linkage_create"), data)
    assert response.status_code == 200
    assert "Ngày kết thúc hợp đồng không được trước ngày bắt đầu." in response.content.decode()
    response = client.post(reverse("programme:linkage_create"), {**data, "contract_end": ""})
    assert response.status_code == 200
    assert "Hãy chọn hoặc ghi tên đơn vị chủ trì liên kết." in response.content.decode()
    assert not LinkageProject.objects.exists()


def test_partners_and_results_through_the_pages(client, province_officer, unit, farm):
    project = _project(province_officer, unit, farm)
    client.force_login(province_officer)
    client.post(
        reverse("programme:linkage_partner_add", args=[project.pk]),
        {"name": "Tổ hợp tác Thanh Hưng", "kind": "household-group", "households": "12"},
    )
    partner = LinkagePartner.objects.get()
    client.post(
        reverse("programme:linkage_partner_edit", args=[partner.pk]),
        {"name": "Tổ hợp tác Thanh Hưng", "kind": "household-group", "households": "14"},
    )
    partner.refresh_from_db()
    assert partner.households == 14
    url = reverse("programme:linkage_result", args=[project.pk])
    client.post(url, {"year": "2025", "output": "20", "output_unit": "tấn", "value": "300000000"})
    client.post(url, {"year": "2025", "output": "22", "output_unit": "tấn", "value": "310000000"})
    assert LinkageResult.objects.get().output == D("22")
    edit = client.get(url, {"year": "2025"}).content.decode()
    assert 'value="22' in edit
    response = client.post(url, {"year": "2025", "output": "22", "value": "1.5"})
    assert response.status_code == 200 and LinkageResult.objects.get().value == D("310000000")
    client.post(reverse("programme:linkage_partner_delete", args=[partner.pk]))
    assert not LinkagePartner.objects.exists()


def test_investments_and_raw_areas_through_the_pages(client, province_officer, unit, farm):
    client.force_login(province_officer)
    client.post(
        reverse("programme:investment_create"),
        {
            "name": "Bơ Núa Ngam",
            "province": unit("2025:11").pk,
            "investor_name": "Công ty bơ",
            "crop": "bơ",
            "stage": "survey",
            "communes": [farm["commune"].pk],
        },
    )
    investment = InvestmentProject.objects.get()
    client.post(
        reverse("programme:investment_edit", args=[investment.pk]),
        {
            "name": "Bơ Núa Ngam",
            "province": unit("2025:11").pk,
            "investor_name": "Công ty bơ",
            "crop": "bơ",
            "stage": "implementing",
            "planted_area_ha": "50",
        },
    )
    investment.refresh_from_db()
    assert investment.stage == "implementing" and investment.planted_area_ha == D("50")
    assert client.get(investment.get_absolute_url()).status_code == 200
    client.post(
        reverse("programme:raw_area_create"),
        {
            "product": farm["rice"].pk,
            "name": "Vùng bơ",
            "certification": "organic",
            "investment_project": investment.pk,
        },
    )
    raw = RawMaterialArea.objects.get()
    assert raw.investment_project == investment
    client.post(
        reverse("programme:raw_area_edit", args=[raw.pk]),
        {"name": "Vùng bơ hữu cơ", "certification": "organic", "area_ha": "30"},
    )
    raw.refresh_from_db()
    assert (raw.name, raw.product) == ("Vùng bơ hữu cơ", farm["rice"])
    client.post(reverse("programme:raw_area_year", args=[raw.pk]), {"year": "2025", "area_ha": "28", "households": "9"})
    assert RawMaterialAreaYear.objects.get().area_ha == D("28")
    assert "Vùng bơ hữu cơ" in client.get(raw.get_absolute_url()).content.decode()


# --- report and Excel ------------------------------------------------------------------------------------------------


def test_report_page_equals_its_excel(client, province_officer, unit, farm):
    project = _project(province_officer, unit, farm)
    services.change_status(actor=province_officer, project=project, status="running")
    services.record_result(
        actor=province_officer, project=project, year=2025, output=D("20"), output_unit="tấn", value=D("500")
    )
    raw = _raw_area(province_officer, farm)
    services.record_raw_area_year(actor=province_officer, raw_area=raw, year=2025, area_ha=D("38"))
    client.force_login(province_officer)
    url = reverse("programme:linkage_report")
    page = client.get(url, {"year": "2025", "area": "2025:11"})
    assert page.status_code == 200
    rows = page.context["rows"]
    response = client.get(url, {"year": "2025", "area": "2025:11", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = list(sheet.iter_rows(min_row=3, max_row=2 + len(rows), values_only=True))
    assert [(str(label), float(value)) for label, value in rows] == [(a, float(b)) for a, b, *_rest in cells]
    assert ("Dự án đang thực hiện trong năm", 1) in [(str(a), b) for a, b in rows]
    found = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == "VietGAP"]
    assert found and float(found[0][2]) == 38
    assert report_rows(page.context["report"]) == rows


# --- the product page's section --------------------------------------------------------------------------------------


def test_product_section_shows_projects_raw_areas_and_trend(client, province_officer, producer, unit, farm):
    _project(province_officer, unit, farm)
    raw = _raw_area(province_officer, farm, certified_until=datetime.date(2027, 1, 1), certificate_no="VG-9")
    services.record_raw_area_year(actor=province_officer, raw_area=raw, year=2024, area_ha=D("35"))
    services.record_raw_area_year(actor=province_officer, raw_area=raw, year=2025, area_ha=D("40"))
    client.force_login(producer)
    url = reverse("programme:product_linkages", args=[farm["rice"].pk])
    response = client.get(url, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Liên kết vú sữa Thanh Hưng 1" in body and "Vùng lúa Thanh Nưa" in body and "VietGAP" in body
    assert body.index(">2024<") < body.index(">2025<")


# --- API -------------------------------------------------------------------------------------------------------------


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_api_create_list_detail_results(client, province_officer, unit, farm):
    client.force_login(province_officer)
    base = "/api/v1/programme"
    payload = {
        "name": "Liên kết gạo",
        "province": "2025:11",
        "lead_id": farm["coop"].pk,
        "communes": ["2025:03328", "pre2025:03331"],
        "products": [farm["rice"].pk],
        "area_ha": "20",
        "contract_start": "2025-01-01",
    }
    response = _post(client, f"{base}/linkages", payload)
    assert response.status_code == 201, response.content
    project_id = response.json()["id"]
    assert {c["id"] for c in response.json()["communes"]} == {"2025:03328", "pre2025:03331"}
    response = _post(client, f"{base}/linkages/{project_id}/results", {"year": 2025, "households": 10})
    assert response.status_code == 200 and response.json()["households"] == 10
    detail = client.get(f"{base}/linkages/{project_id}").json()
    assert detail["results"][0]["year"] == 2025 and detail["lead_name"] == "HTX Thanh Nưa"
    listing = client.get(f"{base}/linkages", {"area": "pre2025:100"}).json()
    assert [item["id"] for item in listing["items"]] == [project_id]
    raw = _raw_area(province_officer, farm)
    areas = client.get(f"{base}/raw-material-areas", {"product": farm["rice"].pk}).json()
    assert [a["id"] for a in areas["items"]] == [raw.pk]
    assert client.get(f"{base}/raw-material-areas/{raw.pk}").json()["certification"] == "vietgap"
    assert client.get(f"{base}/investments").json()["count"] == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"communes": ["2025:03646"]}, "communes"),
        ({"province": "2025:99"}, "province"),
        ({"lead_id": 999999}, "lead_id"),
        ({"contract_end": "2020-01-01", "contract_start": "2021-01-01"}, "contract_end"),
    ],
)
def test_api_refusals_name_the_field_and_write_nothing(client, province_officer, unit, farm, changes, field):
    client.force_login(province_officer)
    payload = {"name": "Liên kết", "province": "2025:11", "lead_name": "HTX", **changes}
    response = _post(client, "/api/v1/programme/linkages", payload)
    assert response.status_code in (400, 404), response.content
    assert response.json().get("field") == field
    assert not LinkageProject.objects.exists()


def test_api_scope_and_permission(client, province_officer, other_province_officer, commune_officer, unit, farm):
    project = _project(province_officer, unit, farm)
    base = "/api/v1/programme"
    client.force_login(other_province_officer)
    assert client.get(f"{base}/linkages/{project.pk}").status_code == 404
    assert client.get(f"{base}/linkages").json()["count"] == 0
    assert _post(client, f"{base}/linkages/{project.pk}/results", {"year": 2025}).status_code == 404
    client.force_login(commune_officer)
    assert client.get(f"{base}/linkages/{project.pk}").status_code == 200
    assert _post(client, f"{base}/linkages/{project.pk}/results", {"year": 2025}).status_code == 403
    assert client.get(f"{base}/linkages", {"status": "bogus"}).status_code == 400
    assert not LinkageResult.objects.exists()
