"""The product register on screen, in Excel and in the API: one filter, the same rows, scoped, constant queries."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from certification import services as certs
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

pytestmark = pytest.mark.django_db


def make_products(
    unit,
    n,
    *,
    commune="pre2025:03331",
    province="pre2025:11",
    prefix="Sản phẩm",
    stars=3,
    day=datetime.date(2024, 6, 1),
):
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    producer = create_producer(actor=None, name=f"HTX {prefix}", producer_type="htx", location=unit(commune))
    decision, _ = certs.get_or_create_decision(
        actor=None,
        number=f"{prefix}/QĐ",
        date=day,
        kind="recognition",
        issuing_level="province",
        province=unit(province),
    )
    products = []
    for i in range(n):
        product = create_product(
            actor=None, name=f"{prefix} {i:02d}", producer=producer, group=group, location=unit(commune)
        )
        certs.record_certificate(actor=None, product=product, decision=decision, stars=stars, score=60 + i)
        products.append(product)
    return products


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_register_list_runs_a_constant_number_of_queries(client, province_officer, unit):
    client.force_login(province_officer)
    make_products(unit, 1, prefix="Một")
    client.get("/products/")
    few = queries_for(client, "/products/")
    make_products(unit, 25, prefix="Nhiều")
    assert queries_for(client, "/products/") == few
    assert queries_for(client, "/producers/") == queries_for(client, "/producers/?q=htx")


def test_the_excel_export_holds_the_rows_on_screen(client, province_officer, unit):
    client.force_login(province_officer)
    make_products(unit, 3, prefix="Gạo")
    make_products(unit, 2, prefix="Chè", stars=4)
    url = "/products/?stars=4&as_of=2025-01-01"
    page = client.get(url).content.decode()
    assert "Chè 00" in page and "Gạo 00" not in page
    response = client.get("/products/export.xlsx?stars=4&as_of=2025-01-01")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "Tính đến ngày 01/01/2025"
    header = [c.value for c in sheet[4]]
    assert header[:3] == ["STT", "Tên sản phẩm", "Chủ thể"]
    assert header[-2:] == ["Tình trạng", "Đề nghị Bộ công nhận 5 sao"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=5)]
    assert [r[1] for r in rows] == ["Chè 00", "Chè 01"]
    assert rows[0][7] == 4 and rows[0][8] == 60 and rows[0][9] == "Chè/QĐ" and rows[0][-2] == "Còn hiệu lực"
    assert rows[0][10].date() == datetime.date(2024, 6, 1)


def test_state_filters_follow_the_as_of_date(client, province_officer, unit):
    client.force_login(province_officer)
    make_products(unit, 1, prefix="Cũ", day=datetime.date(2020, 1, 1))  # valid through 01/01/2023
    make_products(unit, 1, prefix="Mới", day=datetime.date(2024, 1, 1))
    expired = client.get("/products/?state=expired&as_of=2024-06-01").content.decode()
    assert "Cũ 00" in expired and "Mới 00" not in expired
    valid = client.get("/products/?state=certified&as_of=2022-06-01").content.decode()
    assert "Cũ 00" in valid and "Mới 00" not in valid
    bad = client.get("/products/?as_of=31-31-2024&area=2025:1").content.decode()
    assert "không hợp lệ" in bad


def test_area_filter_crosses_the_reform(client, province_officer, unit):
    client.force_login(province_officer)
    make_products(unit, 1, prefix="Thanh Hưng")  # located in the old commune
    assert "Thanh Hưng 00" in client.get("/products/?area=2025:03328").content.decode()  # its successor
    assert "Thanh Hưng 00" not in client.get("/products/?area=2025:03334").content.decode()


def test_other_provinces_products_answer_404(client, other_province_officer, province_officer, unit):
    product = make_products(unit, 1)[0]
    client.force_login(other_province_officer)
    assert client.get(f"/products/{product.pk}/").status_code == 404
    assert client.get(f"/producers/{product.producer_id}/").status_code == 404
    assert "Sản phẩm 00" not in client.get("/products/").content.decode()
    assert client.get(f"/api/v1/products/{product.pk}").status_code == 404
    client.force_login(province_officer)
    page = client.get(f"/products/{product.pk}/").content.decode()
    assert "Sản phẩm 00" in page and "Còn hiệu lực" in page  # 01/06/2024 + 36 months is after today


def test_product_api_uses_the_same_filter(client, province_officer, unit):
    client.force_login(province_officer)
    make_products(unit, 2, prefix="Mật ong", stars=4)
    body = client.get("/api/v1/products/", {"stars": 4, "as_of": "2025-01-01"}).json()
    assert body["count"] == 2
    assert body["items"][0]["certificate"]["stars"] == 4 and body["items"][0]["certificate"]["state"] == "valid"
    assert client.get("/api/v1/products/", {"area": "2025:1"}).status_code == 400
    assert client.get("/api/v1/producers/", {"q": "mat ong"}).json()["count"] == 1


def test_producer_create_validates_and_audits(client, commune_officer, unit):
    client.force_login(commune_officer)
    response = client.post("/producers/new/", {"name": "", "producer_type": "htx", "location_id": "2025:03328"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    response = client.post("/producers/new/", {"name": "HTX Mới", "producer_type": "htx", "location_id": "2025:14"})
    assert "một xã, phường" in response.content.decode()
    response = client.post(
        "/producers/new/", {"name": "HTX Mới", "producer_type": "htx", "location_id": "2025:03754"}
    )  # another province's commune
    assert "ngoài phạm vi" in response.content.decode()
    response = client.post(
        "/producers/new/", {"name": "HTX  Mới ", "producer_type": "htx", "location_id": "2025:03328", "women_led": "on"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "HTX Mới" in page and "producers.producer.created" in page


def test_an_officer_records_the_current_commune_of_a_split_commune(client, system_admin, unit):
    from areas.models import AdministrativeUnit

    split_old = AdministrativeUnit.objects.get(scheme="pre2025", code="00019")  # Hà Nội ward divided between four
    product = make_products(unit, 1, commune=str(split_old.area_id), province=str(split_old.province.area_id))[0]
    client.force_login(system_admin)
    page = client.get(f"/products/{product.pk}/").content.decode()
    assert "cần cán bộ chọn xã hiện nay" in page
    successor = split_old.successions.first().successor
    client.post(f"/products/{product.pk}/location/", {"current_location": successor.pk})
    product.refresh_from_db()
    assert product.current_location == successor
    elsewhere = AdministrativeUnit.objects.get(scheme="2025", code="03328")
    client.post(f"/products/{product.pk}/location/", {"current_location": elsewhere.pk})
    product.refresh_from_db()
    assert product.current_location == successor  # a commune that did not succeed it is refused


def test_product_edit_checks_the_subgroup_belongs_to_the_group(client, province_officer, unit):
    product = make_products(unit, 1)[0]
    client.force_login(province_officer)
    drink_subgroup = ProductCategory.objects.get(system="1048", code="15")  # rượu trắng → đồ uống
    data = {
        "producer": f"{product.producer.name} [{product.producer_id}]",
        "name": product.name,
        "group": product.group_id,
        "subgroup": drink_subgroup.pk,
        "status": "producing",
        "description": "",
        "story": "Câu chuyện",
    }
    page = client.post(f"/products/{product.pk}/edit/", data).content.decode()
    assert "không thuộc nhóm sản phẩm" in page
    data["subgroup"] = ProductCategory.objects.get(system="1048", code="01").pk
    assert client.post(f"/products/{product.pk}/edit/", data).status_code == 302
    product.refresh_from_db()
    assert product.story == "Câu chuyện"


def test_a_producer_account_sees_only_its_own_producers(client, producer, unit):
    mine = make_products(
        unit, 1, commune="2025:03328", province="2025:11", prefix="Của tôi", day=datetime.date(2025, 8, 1)
    )[0]
    make_products(
        unit, 1, commune="2025:03328", province="2025:11", prefix="Của người khác", day=datetime.date(2025, 8, 1)
    )
    mine.producer.accounts.add(producer)
    client.force_login(producer)
    page = client.get("/products/").content.decode()
    assert "Của tôi 00" in page and "Của người khác 00" not in page


def test_photos_are_checked_and_served_only_in_scope(
    client, province_officer, other_province_officer, unit, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    product = make_products(unit, 1)[0]
    client.force_login(province_officer)
    fake = SimpleUploadedFile("anh.jpg", b"not an image at all", content_type="image/jpeg")
    client.post(f"/products/{product.pk}/photos/", {"image": fake})
    assert not product.photos.exists()
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    real = SimpleUploadedFile("anh.png", buffer.getvalue(), content_type="image/png")
    client.post(f"/products/{product.pk}/photos/", {"image": real, "caption": "Ruộng lúa"})
    photo = product.photos.get()
    response = client.get(f"/products/{product.pk}/photos/{photo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    client.force_login(other_province_officer)
    assert client.get(f"/products/{product.pk}/photos/{photo.pk}/").status_code == 404
