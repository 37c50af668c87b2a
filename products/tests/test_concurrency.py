"""Two officers editing the same product or producer: the second save, made on the page they opened before the first
save, is refused with a message (409 in the API sense) instead of silently overwriting; a rename racing another
rename to the same name answers a 409 refusal, not a 500. Issue 14."""

from unittest import mock

import pytest

from core.concurrency import Duplicate, StaleEdit
from producers import services as producer_services
from producers.forms import pick_label
from producers.models import Producer
from producers.services import create_producer
from products import services
from products.models import Product, ProductCategory
from products.services import create_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def food():
    return ProductCategory.objects.get(system="148", code="thuc-pham")


@pytest.fixture
def htx(unit):
    return create_producer(actor=None, name="HTX Thanh Nưa", producer_type="htx", location=unit("2025:03328"))


@pytest.fixture
def rice(htx, food, unit):
    return create_product(actor=None, name="Gạo tám", producer=htx, group=food, location=unit("2025:03328"))


def test_a_save_on_a_stale_version_is_refused_and_nothing_is_overwritten(province_officer, commune_officer, rice):
    opened_at = rice.version
    services.update_product(actor=commune_officer, product=rice, expected_version=opened_at, description="Lần 1")
    with pytest.raises(StaleEdit) as refusal:
        services.update_product(actor=province_officer, product=rice, expected_version=opened_at, description="Lần 2")
    assert refusal.value.status == 409
    assert "xa" in refusal.value.message and "Hãy tải lại trang" in refusal.value.message
    rice.refresh_from_db()
    assert rice.description == "Lần 1" and rice.version == opened_at + 1
    # without a version (an API client that sends none, a command) the save goes through as before
    services.update_product(actor=province_officer, product=rice, description="Lần 3")
    rice.refresh_from_db()
    assert rice.description == "Lần 3"


def test_the_product_page_refuses_the_second_of_two_edits(client, province_officer, commune_officer, rice, food):
    client.force_login(commune_officer)
    page = client.get(f"/products/{rice.pk}/edit/").content.decode()
    assert f'name="version" value="{rice.version}"' in page
    data = {
        "producer": pick_label(rice.producer),
        "name": "Gạo tám",
        "group": food.pk,
        "status": "producing",
        "version": rice.version,
    }
    assert client.post(f"/products/{rice.pk}/edit/", {**data, "description": "Của xã"}).status_code == 302
    client.force_login(province_officer)
    response = client.post(f"/products/{rice.pk}/edit/", {**data, "description": "Của tỉnh"})
    assert response.status_code == 200
    assert "Bản ghi đã được xa sửa lúc" in response.content.decode()
    # the re-shown form still carries the version it was opened at, so saving it again is refused again
    assert f'name="version" value="{data["version"]}"' in response.content.decode()
    rice.refresh_from_db()
    assert rice.description == "Của xã"


def test_a_rename_racing_another_rename_answers_409_not_500(province_officer, htx, food, unit, rice):
    other = create_product(actor=None, name="Gạo nếp", producer=htx, group=food, location=unit("2025:03328"))
    # the other officer's rename to "Gạo nếp" landed between our duplicate check and our save: simulate it by
    # letting the duplicate check miss it, as it does in the race
    with mock.patch("products.services._validate"), pytest.raises(Duplicate) as refusal:
        services.update_product(actor=province_officer, product=rice, name="Gạo nếp")
    assert refusal.value.status == 409 and refusal.value.field == "name"
    rice.refresh_from_db()
    assert rice.name == "Gạo tám" and other.name == "Gạo nếp"


def test_classifying_moves_the_version_so_an_older_form_cannot_undo_it(province_officer, rice, food):
    subgroup = ProductCategory.objects.filter(level="subgroup", maps_to=food).first()
    opened_at = rice.version
    services.classify(actor=None, product=rice, subgroup=subgroup)
    with pytest.raises(StaleEdit):
        services.update_product(actor=province_officer, product=rice, expected_version=opened_at, subgroup=None)


def test_two_edits_of_a_producer_the_second_refused(client, province_officer, commune_officer, htx):
    opened_at = htx.version
    producer_services.update_producer(actor=commune_officer, producer=htx, expected_version=opened_at, phone="0215 1")
    with pytest.raises(StaleEdit):
        producer_services.update_producer(
            actor=province_officer, producer=htx, expected_version=opened_at, phone="0215 2"
        )
    htx.refresh_from_db()
    assert htx.phone == "0215 1" and htx.version == opened_at + 1


def test_the_producer_page_refuses_the_second_of_two_edits(client, province_officer, commune_officer, htx):
    from areas.forms import pick_label as area_label

    client.force_login(commune_officer)
    page = client.get(f"/producers/{htx.pk}/edit/").content.decode()
    assert f'name="version" value="{htx.version}"' in page
    data = {
        "name": htx.name,
        "producer_type": "htx",
        "location_id": area_label(htx.location),
        "version": htx.version,
    }
    first = client.post(f"/producers/{htx.pk}/edit/", {**data, "address": "Bản Co Muông"})
    assert first.status_code == 302, first.content.decode()[:2000]
    client.force_login(province_officer)
    response = client.post(f"/producers/{htx.pk}/edit/", {**data, "address": "Bản khác"})
    assert response.status_code == 200 and "Hãy tải lại trang" in response.content.decode()
    htx.refresh_from_db()
    assert htx.address == "Bản Co Muông"


def test_a_producer_rename_racing_another_answers_409_not_500(province_officer, htx, unit):
    create_producer(actor=None, name="HTX Mường Thanh", producer_type="htx", location=unit("2025:03328"))
    with mock.patch("producers.services._validate"), pytest.raises(Duplicate):
        producer_services.update_producer(actor=province_officer, producer=htx, name="HTX Mường Thanh")
    assert Producer.objects.filter(name="HTX Thanh Nưa").exists()
    assert Product.objects.count() == 0
