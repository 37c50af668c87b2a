"""Pick, don't type (issue 12): an officer adds or edits a product by picking its producer and commune by name, from
their own areas; a producer or commune outside them is refused on the field, and nothing is written."""

import pytest

from areas.forms import pick_label as area_label
from producers.forms import pick_label
from producers.services import create_producer
from products.models import Product, ProductCategory
from products.services import create_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def food():
    return ProductCategory.objects.get(system="148", code="thuc-pham")


@pytest.fixture
def htx(unit):
    return create_producer(actor=None, name="HTX Thanh Nưa", producer_type="htx", location=unit("2025:03328"))


def form_data(picked, food, **extra):
    return {
        "producer": pick_label(picked) if hasattr(picked, "pk") else picked,
        "name": "Gạo tám Thanh Nưa",
        "group": food.pk,
        "status": "producing",
        **extra,
    }


def test_an_officer_adds_a_product_by_picking_its_producer(client, commune_officer, htx, food):
    client.force_login(commune_officer)
    page = client.get(f"/products/new/?producer={htx.pk}").content.decode()
    assert "/producers/pick/?action=products.change" in page and "/areas/pick/?level=commune" in page
    assert f'value="{pick_label(htx)}"' in page  # the producer's page starts the form with the producer picked
    response = client.post("/products/new/", form_data(htx, food))
    assert response.status_code == 302
    product = Product.objects.get(name="Gạo tám Thanh Nưa")
    assert (product.producer, product.location) == (htx, htx.location)  # empty commune: the producer's
    assert client.get(response["Location"]).status_code == 200


def test_the_product_form_takes_a_picked_commune_and_shows_it_by_name(client, province_officer, htx, food, unit):
    client.force_login(province_officer)
    picked = area_label(unit("2025:03349"))
    response = client.post("/products/new/", form_data(htx, food, location=picked))
    product = Product.objects.get(name="Gạo tám Thanh Nưa")
    assert response.status_code == 302 and product.location == unit("2025:03349")
    page = client.get(f"/products/{product.pk}/edit/").content.decode()
    assert f'value="{picked}"' in page and f'value="{pick_label(htx)}"' in page


def test_a_producer_outside_the_officers_areas_is_refused(client, commune_officer, food, unit):
    other = create_producer(actor=None, name="HTX Chiềng La", producer_type="htx", location=unit("2025:03754"))
    client.force_login(commune_officer)
    page = client.post("/products/new/", form_data(other, food)).content.decode()
    assert "Không tìm thấy chủ thể “HTX Chiềng La" in page and "trong địa bàn bạn được giao" in page
    assert not Product.objects.filter(name="Gạo tám Thanh Nưa").exists()
    typed = client.post("/products/new/", form_data(str(other.pk), food)).content.decode()
    assert "Không tìm thấy chủ thể" in typed  # a bare id outside the areas is no better


def test_a_commune_outside_the_officers_areas_is_refused(client, commune_officer, htx, food, unit):
    client.force_login(commune_officer)
    page = client.post("/products/new/", form_data(htx, food, location=area_label(unit("2025:03349")))).content
    assert "Xã Thanh Yên nằm ngoài phạm vi bạn được giao" in page.decode()
    assert not Product.objects.filter(name="Gạo tám Thanh Nưa").exists()


def test_moving_a_product_drops_the_current_commune_chosen_for_the_old_one(client, system_admin, food, unit):
    from areas.models import AdministrativeUnit

    split_old = AdministrativeUnit.objects.get(scheme="pre2025", code="00019")  # divided between four wards
    producer = create_producer(actor=None, name="HTX Hà Nội", producer_type="htx", location=split_old)
    product = create_product(actor=None, name="Bánh cốm", producer=producer, group=food, location=split_old)
    product.current_location = split_old.successions.first().successor
    product.save()
    client.force_login(system_admin)
    moved_to = unit("2025:03328")
    data = form_data(producer, food, name="Bánh cốm", location=area_label(moved_to))
    assert client.post(f"/products/{product.pk}/edit/", data).status_code == 302
    product.refresh_from_db()
    assert (product.location, product.current_location) == (moved_to, None)


def test_only_officers_open_the_product_form(client, producer, council_member):
    for user in (producer, council_member):
        client.force_login(user)
        assert client.get("/products/new/").status_code == 403


def test_the_register_filters_by_a_date_picked_in_a_date_box(client, province_officer):
    client.force_login(province_officer)
    page = client.get("/products/", {"as_of": "2025-01-31"}).content.decode()
    assert 'type="date" name="as_of" value="2025-01-31"' in page
