"""Plan and document pages, the product page's slot and the API: scope, forms showing what is wrong, query counts."""

import json

import pytest
from django.urls import reverse

from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product
from programme import plan_services as services
from programme.models import AnnualPlan, PlanLine, PlanTarget

pytestmark = pytest.mark.django_db


@pytest.fixture
def coffee(unit):
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    commune = unit("2025:03328")
    htx = create_producer(actor=None, name="HTX Thanh Nưa", producer_type="htx", location=commune)
    return create_product(actor=None, name="Cà phê Thuận Châu", producer=htx, location=commune, group=group)


@pytest.fixture
def plan(province_officer, unit):
    return services.create_plan(actor=province_officer, area=unit("2025:11"), year=2026, title="Kế hoạch OCOP 2026")


@pytest.fixture
def foreign_plan(other_province_officer, unit):
    return services.create_plan(
        actor=other_province_officer, area=unit("2025:14"), year=2026, title="Kế hoạch Sơn La 2026"
    )


# --- list and detail ------------------------------------------------------------------------------------------------


def test_list_shows_own_plans_only_and_filters(client, province_officer, plan, foreign_plan, unit):
    services.create_plan(actor=province_officer, area=unit("2025:03328"), year=2027, title="Kế hoạch xã 2027")
    client.force_login(province_officer)
    page = client.get(reverse("programme:plan_list")).content.decode()
    assert "Kế hoạch OCOP 2026" in page and "Kế hoạch xã 2027" in page
    assert "Sơn La" not in page
    page = client.get(reverse("programme:plan_list"), {"year": 2027}).content.decode()
    assert "Kế hoạch xã 2027" in page and "Kế hoạch OCOP 2026" not in page
    page = client.get(reverse("programme:plan_list"), {"area": "2025:03328"}).content.decode()
    assert "Kế hoạch xã 2027" in page and "Kế hoạch OCOP 2026" not in page


def test_list_query_count_does_not_grow_with_rows(client, province_officer, unit, django_assert_max_num_queries):
    area = unit("2025:11")

    def make(n):
        for i in range(n):
            plan = services.create_plan(actor=province_officer, area=area, year=2026, title=f"KH {i}")
            services.add_line(actor=province_officer, plan=plan, name="Chè", action="new", planned_amount=1000)

    client.force_login(province_officer)
    make(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("programme:plan_list")).status_code == 200
    make(12)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("programme:plan_list"))
    assert page.content.decode().count("KH ") >= 13


def test_detail_of_another_province_is_404(client, province_officer, foreign_plan):
    client.force_login(province_officer)
    assert client.get(reverse("programme:plan_detail", args=[foreign_plan.pk])).status_code == 404
    assert client.get(reverse("programme:plan_edit", args=[foreign_plan.pk])).status_code == 404


def test_detail_shows_lines_links_and_suggestions(client, province_officer, plan, coffee):
    services.add_line(actor=province_officer, plan=plan, name="Cà phê", action="new", supported_by="province")
    linked = services.add_line(actor=province_officer, plan=plan, name="Gạo", action="upgrade")
    services.link_line(actor=province_officer, line=linked, product=coffee)
    client.force_login(province_officer)
    page = client.get(reverse("programme:plan_detail", args=[plan.pk])).content.decode()
    assert "Tỉnh hỗ trợ" in page
    assert reverse("products:detail", args=[coffee.pk]) in page  # the link, and the suggestion for "Cà phê"
    assert 'data-testid="suggestions"' in page
    assert reverse("programme:plan_line_link", args=[plan.lines.get(name="Cà phê").pk]) in page


def test_detail_shows_each_lines_progress(client, province_officer, plan, coffee, unit):
    import datetime

    from certification import services as certs

    decision, _ = certs.get_or_create_decision(
        actor=None,
        number="7/QĐ-UBND",
        date=datetime.date(2026, 1, 5),
        kind="recognition",
        issuing_level="province",
        province=unit("2025:11"),
    )
    certs.record_certificate(actor=None, product=coffee, decision=decision, stars=3)
    achieved = services.add_line(actor=province_officer, plan=plan, name="Cà phê", action="new", target_stars=3)
    services.link_line(actor=province_officer, line=achieved, product=coffee)
    services.add_line(actor=province_officer, plan=plan, name="Chè chưa đăng ký", action="new")
    client.force_login(province_officer)
    page = client.get(reverse("programme:plan_detail", args=[plan.pk])).content.decode()
    assert page.count("text-bg-success") == 1  # "Đạt" for the certified product only
    assert "text-bg-secondary" in page  # the unregistered one has not started
    assert reverse("programme:plan_actual") + "?area=2025%3A11&amp;year=2026" in page


def test_commune_officer_reads_but_cannot_edit_a_province_plan(client, commune_officer, plan, foreign_plan):
    client.force_login(commune_officer)
    page = client.get(reverse("programme:plan_detail", args=[plan.pk])).content.decode()
    assert reverse("programme:plan_edit", args=[plan.pk]) not in page
    assert client.get(reverse("programme:plan_edit", args=[plan.pk])).status_code == 404
    assert client.get(reverse("programme:plan_detail", args=[foreign_plan.pk])).status_code == 404


def test_producer_sees_only_plans_naming_their_producer(client, producer, province_officer, unit, coffee):
    coffee.producer.accounts.add(producer)
    commune_plan = services.create_plan(actor=province_officer, area=unit("2025:03328"), year=2026, title="KH xã")
    other = services.create_plan(actor=province_officer, area=unit("2025:03328"), year=2026, title="KH khác")
    line = services.add_line(actor=province_officer, plan=commune_plan, name="Cà phê", action="new")
    services.add_line(actor=province_officer, plan=commune_plan, name="Chè khác", action="new")
    services.link_line(actor=province_officer, line=line, product=coffee)
    client.force_login(producer)
    assert client.get(reverse("programme:plan_detail", args=[other.pk])).status_code == 404
    page = client.get(reverse("programme:plan_detail", args=[commune_plan.pk])).content.decode()
    assert "Cà phê" in page and "Chè khác" not in page
    assert client.get(reverse("programme:plan_create")).status_code == 403


# --- forms ----------------------------------------------------------------------------------------------------------


def test_create_plan_page(client, province_officer):
    client.force_login(province_officer)
    response = client.post(
        reverse("programme:plan_create"), {"area": "2025:11", "year": 2026, "title": "KH mới", "decision_no": ""}
    )
    plan = AnnualPlan.objects.get(title="KH mới")
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()


def test_create_plan_page_shows_the_district_refusal_on_the_area(client, province_officer):
    client.force_login(province_officer)
    response = client.post(reverse("programme:plan_create"), {"area": "pre2025:100", "year": 2026, "title": "KH"})
    assert response.status_code == 200
    assert "01/07/2025" in str(response.context["form"].errors["area"])
    assert not AnnualPlan.objects.exists()


def test_create_plan_page_refuses_another_province(client, province_officer):
    client.force_login(province_officer)
    response = client.post(reverse("programme:plan_create"), {"area": "2025:14", "year": 2026, "title": "KH"})
    assert response.status_code in (200, 403)
    assert not AnnualPlan.objects.exists()


def test_line_add_edit_delete_pages(client, province_officer, plan, unit):
    client.force_login(province_officer)
    url = reverse("programme:plan_line_add", args=[plan.pk])
    response = client.post(url, {"name": "Chè", "action": "new", "planned_amount": "1.5"})
    assert response.status_code == 200 and "planned_amount" in response.context["form"].errors
    response = client.post(
        url,
        {"name": "Chè", "action": "new", "target_stars": "4", "commune": "2025:03328", "planned_amount": "2000000"},
    )
    assert response.status_code == 302
    line = plan.lines.get()
    assert (line.target_stars, line.commune, line.planned_amount) == (4, unit("2025:03328"), 2000000)
    response = client.post(reverse("programme:plan_line_edit", args=[line.pk]), {"name": "Chè tuyết", "action": "new"})
    assert response.status_code == 302
    assert client.post(reverse("programme:plan_line_delete", args=[line.pk])).status_code == 302
    assert not plan.lines.exists()


def test_line_pages_of_another_province_are_404(client, other_province_officer, plan, province_officer):
    line = services.add_line(actor=province_officer, plan=plan, name="Chè", action="new")
    client.force_login(other_province_officer)
    for name in ("plan_line_edit", "plan_line_link"):
        assert client.get(reverse(f"programme:{name}", args=[line.pk])).status_code == 404
    assert client.post(reverse("programme:plan_line_delete", args=[line.pk])).status_code == 404
    assert client.post(reverse("programme:plan_refresh_links", args=[plan.pk])).status_code == 404
    assert PlanLine.objects.filter(pk=line.pk).exists()


def test_link_page_and_one_click_link(client, province_officer, plan, coffee):
    line = services.add_line(actor=province_officer, plan=plan, name="Cà phê", action="new")
    client.force_login(province_officer)
    assert client.get(reverse("programme:plan_line_link", args=[line.pk])).status_code == 200
    response = client.post(reverse("programme:plan_line_link", args=[line.pk]), {"product": coffee.pk})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.product == coffee


def test_refresh_links_page(client, province_officer, plan):
    client.force_login(province_officer)
    response = client.post(reverse("programme:plan_refresh_links", args=[plan.pk]))
    assert response.status_code == 302


def test_target_pages(client, province_officer, plan):
    client.force_login(province_officer)
    url = reverse("programme:plan_targets", args=[plan.pk])
    response = client.post(url, {"metric": "group-products", "value": 3})
    assert response.status_code == 200 and "group" in response.context["form"].errors
    assert client.post(url, {"metric": "new-products", "stars": "3", "value": 5}).status_code == 302
    target = PlanTarget.objects.get()
    assert client.post(f"{url}?target={target.pk}", {"metric": "new-products", "value": 6}).status_code == 302
    target.refresh_from_db()
    assert target.value == 6
    assert client.post(reverse("programme:plan_target_delete", args=[target.pk])).status_code == 302
    assert not PlanTarget.objects.exists()


def test_document_pages(client, province_officer, other_province_officer):
    client.force_login(province_officer)
    response = client.post(
        reverse("programme:document_create"),
        {"area": "2025:11", "kind": "scheme", "title": "Đề án OCOP 2026–2030", "start_year": 2026, "end_year": 2030},
    )
    assert response.status_code == 302
    page = client.get(reverse("programme:document_list")).content.decode()
    assert "Đề án OCOP 2026–2030" in page
    document = services.create_document(
        actor=other_province_officer,
        area=other_province_officer.memberships.get().area,
        title="Đề án Sơn La",
        start_year=2026,
        end_year=2030,
    )
    assert client.get(reverse("programme:document_detail", args=[document.pk])).status_code == 404
    assert "Đề án Sơn La" not in client.get(reverse("programme:document_list")).content.decode()


def test_product_slot_lists_plan_lines_and_hides_other_provinces(
    client, province_officer, other_province_officer, plan, coffee
):
    line = services.add_line(
        actor=province_officer, plan=plan, name="Cà phê", action="new", supported_by="province", funding_source="ntm"
    )
    services.link_line(actor=province_officer, line=line, product=coffee)
    client.force_login(province_officer)
    page = client.get(reverse("programme:product_plans", args=[coffee.pk])).content.decode()
    assert "Kế hoạch OCOP 2026" in page and "Chương trình mục tiêu quốc gia nông thôn mới" in page
    client.force_login(other_province_officer)
    assert client.get(reverse("programme:product_plans", args=[coffee.pk])).status_code == 404


def test_import_page_starts_a_job(client, province_officer, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(province_officer)
    assert client.get(reverse("programme:plan_import")).status_code == 200
    upload = SimpleUploadedFile("kh.csv", "Năm,Địa bàn,Số kế hoạch,Tên sản phẩm,Nội dung\n".encode(), "text/csv")
    response = client.post(reverse("programme:plan_import"), {"file": upload})
    assert response.status_code == 302
    from imports.models import ImportJob

    assert ImportJob.objects.filter(kind="plan-lines").exists()


# --- API ------------------------------------------------------------------------------------------------------------


def _api(client, method, path, user, body=None):
    client.force_login(user)
    call = getattr(client, method)
    if body is None:
        return call(f"/api/v1/programme{path}")
    return call(f"/api/v1/programme{path}", data=json.dumps(body), content_type="application/json")


def test_api_lists_and_reads_plans_in_scope(client, province_officer, plan, foreign_plan):
    services.add_line(actor=province_officer, plan=plan, name="Chè", action="new")
    answer = _api(client, "get", "/plans?year=2026", province_officer)
    assert answer.status_code == 200
    assert [p["id"] for p in answer.json()["items"]] == [plan.pk]
    detail = _api(client, "get", f"/plans/{plan.pk}", province_officer).json()
    assert detail["lines"][0]["name"] == "Chè" and detail["area"]["id"] == "2025:11"
    assert _api(client, "get", f"/plans/{foreign_plan.pk}", province_officer).status_code == 404


def test_api_writes_call_the_services(client, province_officer, plan):
    answer = _api(client, "post", "/plans", province_officer, {"area": "2025:03328", "year": 2026, "title": "KH xã"})
    assert answer.status_code == 201, answer.content
    answer = _api(client, "post", f"/plans/{plan.pk}/targets", province_officer, {"metric": "new-products", "value": 3})
    assert answer.status_code == 201
    answer = _api(
        client, "post", f"/plans/{plan.pk}/lines", province_officer, {"name": "Chè", "action": "new", "target_stars": 3}
    )
    assert answer.status_code == 201 and answer.json()["target_stars"] == 3


def test_api_bad_input_names_the_field_and_writes_nothing(client, province_officer, other_province_officer, plan):
    answer = _api(client, "post", "/plans", province_officer, {"area": "pre2025:100", "year": 2026, "title": "KH"})
    assert answer.status_code == 400 and answer.json()["field"] == "area"
    answer = _api(client, "post", f"/plans/{plan.pk}/lines", province_officer, {"name": "Chè", "action": "x"})
    assert answer.status_code == 400 and "action" in answer.json()["detail"]
    answer = _api(
        client,
        "post",
        f"/plans/{plan.pk}/lines",
        province_officer,
        {"name": "Chè", "action": "new", "commune": "2025:03334", "funding_source": "ntm"},
    )
    assert answer.status_code == 201  # Phường Mường Thanh lies in Điện Biên
    answer = _api(
        client,
        "post",
        f"/plans/{plan.pk}/lines",
        province_officer,
        {"name": "Chè", "action": "new", "commune": "2025:14"},
    )
    assert answer.status_code == 400 and answer.json()["field"] == "commune"
    assert (
        _api(
            client, "post", "/plans", other_province_officer, {"area": "2025:11", "year": 2026, "title": "KH"}
        ).status_code
        == 403
    )
    assert (
        _api(
            client, "post", f"/plans/{plan.pk}/targets", other_province_officer, {"metric": "new-products", "value": 1}
        ).status_code
        == 404
    )
    assert AnnualPlan.objects.count() == 1 and plan.lines.count() == 1


def test_api_documents(client, province_officer, unit):
    document = services.create_document(
        actor=province_officer, area=unit("2025:11"), title="Đề án", start_year=2026, end_year=2030
    )
    services.add_target(actor=province_officer, document=document, metric="new-products", value=40)
    assert [d["id"] for d in _api(client, "get", "/documents", province_officer).json()["items"]] == [document.pk]
    detail = _api(client, "get", f"/documents/{document.pk}", province_officer).json()
    assert detail["targets"][0]["value"] == 40


def test_commune_officer_reads_the_province_document_but_cannot_edit_it(
    client, commune_officer, province_officer, unit
):
    document = services.create_document(
        actor=province_officer, area=unit("2025:11"), title="Đề án tỉnh", start_year=2026, end_year=2030
    )
    client.force_login(commune_officer)
    assert client.get(reverse("programme:document_detail", args=[document.pk])).status_code == 200
    assert client.get(reverse("programme:document_edit", args=[document.pk])).status_code == 404
    assert (
        client.post(
            reverse("programme:document_targets", args=[document.pk]), {"metric": "new-products", "value": 1}
        ).status_code
        == 404
    )
    assert not document.targets.exists()
