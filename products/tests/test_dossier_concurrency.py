"""Two people filling the same printed form of a dossier (the producer and the commune officer on its behalf): the
second save, from a page opened before the first, is refused instead of overwriting; another form of the same dossier
saved meanwhile does not block it. Issue 14."""

import pytest

from core.concurrency import StaleEdit
from producers import services as producer_services
from products import workflow
from products.models import Dossier, ProductCategory
from products.tests.helpers import MAU_01, MAU_02

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


@pytest.fixture
def dossier(unit, producer, commune_officer):
    htx = producer_services.create_producer(
        actor=None, name="HTX Thanh Nưa", producer_type="htx", location=unit("2025:03328")
    )
    htx.accounts.add(producer)
    food = ProductCategory.objects.get(system="148", level="group", code="thuc-pham")
    idea = workflow.register_idea(
        actor=producer, producer=htx, product_name="Gạo tám Điện Biên", group=food, description="Gạo tám thơm."
    )
    return Dossier.objects.get(product=workflow.accept_idea(actor=commune_officer, idea=idea).product)


def test_a_save_of_a_form_changed_since_the_page_was_opened_is_refused(dossier, producer, commune_officer):
    opened = workflow.form_fingerprint(dossier, "mau-01")
    workflow.save_registration_form(actor=producer, dossier=dossier, data={**MAU_01, "based_on": opened})
    with pytest.raises(StaleEdit) as refusal:
        workflow.save_registration_form(
            actor=commune_officer, dossier=dossier, data={**MAU_01, "so_luong_mau": 9, "based_on": opened}
        )
    assert refusal.value.status == 409 and "Hãy tải lại trang" in refusal.value.message
    dossier.refresh_from_db()
    assert dossier.registration_form["so_luong_mau"] == 5
    # Mẫu 02 saved meanwhile by someone else does not make a Mẫu 01 page stale, and no `based_on` means no check
    opened = workflow.form_fingerprint(dossier, "mau-01")
    workflow.save_self_assessment(actor=producer, dossier=dossier, data=MAU_02)
    workflow.save_registration_form(
        actor=commune_officer, dossier=dossier, data={**MAU_01, "so_luong_mau": 7, "based_on": opened}
    )
    dossier.refresh_from_db()
    assert dossier.registration_form["so_luong_mau"] == 7


def test_the_form_page_refuses_the_second_of_two_saves(client, dossier, producer, commune_officer):
    url = f"/ideas/dossiers/{dossier.pk}/forms/mau-01/"
    client.force_login(producer)
    opened = workflow.form_fingerprint(dossier, "mau-01")
    assert f'name="based_on" value="{opened}"' in client.get(url).content.decode()
    assert client.post(url, {**MAU_01, "based_on": opened}).status_code == 302
    client.force_login(commune_officer)
    response = client.post(url, {**MAU_01, "so_luong_mau": 9, "based_on": opened})
    body = response.content.decode()
    assert response.status_code == 400 and "Hãy tải lại trang" in body
    assert f'name="based_on" value="{opened}"' in body  # shown again, it still carries what it was opened on
    dossier.refresh_from_db()
    assert dossier.registration_form["so_luong_mau"] == 5


def test_accepting_an_idea_while_a_namesake_product_is_saved_answers_409_not_500(unit, producer, commune_officer):
    from unittest import mock

    from core.concurrency import Duplicate
    from products.services import create_product

    htx = producer_services.create_producer(
        actor=None, name="HTX Thanh Nưa", producer_type="htx", location=unit("2025:03328")
    )
    htx.accounts.add(producer)
    food = ProductCategory.objects.get(system="148", level="group", code="thuc-pham")
    idea = workflow.register_idea(
        actor=producer, producer=htx, product_name="Mật ong hoa ban", group=food, description="Mật ong."
    )
    create_product(actor=None, name="Mật ong hoa ban", producer=htx, group=food, location=unit("2025:03328"))
    # the officer's product landed after the acceptance's duplicate check looked: let the check miss it, as in the race
    with mock.patch("products.services._validate"), pytest.raises(Duplicate) as refusal:
        workflow.accept_idea(actor=commune_officer, idea=idea)
    assert refusal.value.status == 409 and refusal.value.field == "product_name"
    idea.refresh_from_db()
    assert idea.status == "submitted" and not Dossier.objects.filter(product__producer=htx).exists()
