"""A decision in the register opens for every role that can see the register (issue "browser only": commune officers
and producers got 404): they see the lines of the products they may see; an officer of another province sees nothing."""

import datetime

import pytest

from certification import services
from conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(ocop_product, unit):
    ours = ocop_product("Gạo tám thơm", producer="HTX Thanh Hưng", area="pre2025:03331")  # Xã Thanh Hưng → Thanh Nưa
    theirs = ocop_product("Chè Shan tuyết", producer="HTX Tủa Chùa", area="pre2025:03199")
    decision, _ = services.get_or_create_decision(
        actor=None,
        number="12/QĐ-UBND",
        date=datetime.date(2024, 6, 1),
        kind="recognition",
        issuing_level="province",
        province=unit("pre2025:11"),
    )
    for product in (ours, theirs):
        services.record_certificate(actor=None, product=product, decision=decision, stars=4)
    return decision, ours, theirs


def test_the_commune_officer_and_the_producer_open_the_decision(client, decision):
    decision, ours, theirs = decision
    commune = make_user("xa.thanhnua", "commune_officer", "2025:03328")
    holder = make_user("chuthe.thanhhung", "producer", "2025:03328")
    ours.producer.accounts.add(holder)
    for user in (commune, holder):
        client.force_login(user)
        response = client.get(f"/register/decisions/{decision.pk}/")
        assert response.status_code == 200, user
        page = response.content.decode()
        assert "12/QĐ-UBND" in page and ours.name in page and theirs.name not in page


def test_the_province_sees_every_line_and_another_province_nothing(client, decision, province_officer):
    decision, ours, theirs = decision
    client.force_login(province_officer)
    page = client.get(f"/register/decisions/{decision.pk}/").content.decode()
    assert ours.name in page and theirs.name in page
    client.force_login(make_user("tinh.sonla", "province_officer", "2025:14"))
    assert client.get(f"/register/decisions/{decision.pk}/").status_code == 404
