"""Pick, don't type (issue 12): the producer form picks its commune by name, the producer picker lists the producers of
the person's areas by name (no accents needed) or tax number, and a key outside the person's areas is refused."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from areas.forms import pick_label as area_label
from producers.forms import pick_label
from producers.models import Producer
from producers.services import create_producer

pytestmark = pytest.mark.django_db


def make(unit, name, area="2025:03328", registration_no=""):
    return create_producer(
        actor=None, name=name, producer_type="htx", location=unit(area), registration_no=registration_no
    )


def options(client, **params):
    html = client.get("/producers/pick/", params).content.decode()
    return re.findall(r'<option value="([^"]*)">', html)


def test_the_producer_form_picks_its_commune_by_name(client, commune_officer, unit):
    client.force_login(commune_officer)
    page = client.get("/producers/new/").content.decode()
    assert 'data-testid="picker"' in page and "/areas/pick/?level=commune" in page
    assert "2025:" not in page.split('name="location_id"')[1].split("</div>")[1]  # the help says: type a name
    picked = area_label(unit("2025:03328"))  # "Xã Thanh Nưa · Tỉnh Điện Biên [2025:03328]", as the picker fills it
    response = client.post(
        "/producers/new/", {"name": "HTX Chè Thanh Nưa", "producer_type": "htx", "location_id": picked}
    )
    assert response.status_code == 302
    producer = Producer.objects.get(name="HTX Chè Thanh Nưa")
    assert producer.location == unit("2025:03328")
    edit = client.get(f"/producers/{producer.pk}/edit/").content.decode()
    assert f'value="{picked}"' in edit  # the edit page shows the commune by name, not its id


def test_the_producer_form_refuses_a_commune_outside_the_persons_areas(client, commune_officer, unit):
    client.force_login(commune_officer)  # Xã Thanh Nưa
    elsewhere = area_label(unit("2025:03754"))  # Xã Chiềng La, Sơn La
    response = client.post("/producers/new/", {"name": "HTX Ngoài", "producer_type": "htx", "location_id": elsewhere})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Xã Chiềng La nằm ngoài phạm vi bạn được giao" in page
    assert not Producer.objects.filter(name="HTX Ngoài").exists()
    response = client.post(
        "/producers/new/", {"name": "HTX Ngoài", "producer_type": "htx", "location_id": "Xã Không Có"}
    )
    assert "is-invalid" in response.content.decode() and not Producer.objects.filter(name="HTX Ngoài").exists()


def test_the_producer_picker_is_scoped_and_folds_accents(client, province_officer, unit):
    hung = make(unit, "HTX Thanh Hưng", registration_no="5600123456")
    make(unit, "HTX Đồng Tâm", area="2025:03349")
    make(unit, "HTX Thanh Hương Sơn La", area="2025:03754")  # another province
    client.force_login(province_officer)
    found = options(client, action="products.change", producer="htx thanh hung")
    assert found == [pick_label(hung)] and "5600123456" in found[0]
    assert len(options(client, producer="dong tam")) == 1  # đ folds to d
    assert len(options(client, q="5600123")) == 1  # by tax number
    assert options(client, producer="son la") == []  # Sơn La's producer is not offered in Điện Biên
    assert options(client, producer="") == []


def test_a_producer_account_picks_only_its_own_producers(client, producer, unit):
    mine = make(unit, "HTX Của Tôi")
    make(unit, "HTX Của Người Khác")
    mine.accounts.add(producer)
    client.force_login(producer)
    found = options(client, action="products.register_idea", producer="htx cua")
    assert found == [pick_label(mine)]


def test_the_producer_picker_runs_a_constant_number_of_queries(client, province_officer, unit):
    client.force_login(province_officer)
    make(unit, "HTX Mẫu 00")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/producers/pick/", {"producer": "htx mau"}).status_code == 200
        return len(ctx)

    few = count()
    for i in range(1, 25):
        make(unit, f"HTX Mẫu {i:02d}")
    assert count() == few
    assert len(options(client, producer="htx mau")) == 20  # at most twenty options


def test_the_picker_needs_a_login(client):
    response = client.get("/producers/pick/", {"q": "htx"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
