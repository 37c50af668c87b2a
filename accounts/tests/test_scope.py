"""Area scope: objects outside the user's areas answer 404, on pages and in the API alike."""

import pytest

from accounts import services
from accounts.models import Membership
from accounts.roles import Role
from accounts.scope import area_scope
from core.errors import PermissionRefused
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


def membership_of(user):
    return Membership.objects.get(user=user)


def test_a_commune_officer_gets_404_for_another_communes_objects(client, commune_officer, other_commune_officer):
    client.force_login(commune_officer)
    own, other = membership_of(commune_officer), membership_of(other_commune_officer)
    assert client.get(f"/accounts/members/{own.pk}/").status_code == 200
    assert client.get(f"/accounts/members/{other.pk}/").status_code == 404
    other_entry = AuditEntry.objects.get(object_type="accounts.membership", object_id=str(other.pk))
    own_entry = AuditEntry.objects.get(object_type="accounts.membership", object_id=str(own.pk))
    assert client.get(f"/audit/{own_entry.pk}/").status_code == 200
    assert client.get(f"/audit/{other_entry.pk}/").status_code == 404
    listing = client.get("/accounts/members/").content.decode()
    assert "xa.khac" not in listing and ">xa<" in listing


def test_the_api_answers_404_outside_scope_too(client, commune_officer, other_commune_officer):
    client.force_login(commune_officer)
    other = membership_of(other_commune_officer)
    assert client.get(f"/api/v1/accounts/memberships/{other.pk}").status_code == 404
    assert client.get(f"/api/v1/accounts/memberships/{membership_of(commune_officer).pk}").status_code == 200
    other_entry = AuditEntry.objects.get(object_type="accounts.membership", object_id=str(other.pk))
    assert client.get(f"/api/v1/audit/entries/{other_entry.pk}").status_code == 404


def test_a_province_officer_reaches_every_commune_of_the_province(
    client, province_officer, commune_officer, other_commune_officer, other_province_officer
):
    client.force_login(province_officer)
    for user in (commune_officer, other_commune_officer):
        assert client.get(f"/accounts/members/{membership_of(user).pk}/").status_code == 200
    assert client.get(f"/accounts/members/{membership_of(other_province_officer).pk}/").status_code == 404


def test_scope_reaches_across_the_2025_reform_through_successions(commune_officer, unit):
    scope = area_scope(commune_officer, "audit.view")
    assert scope.contains(unit("2025:03328"))  # Xã Thanh Nưa, the membership
    assert scope.contains(unit("pre2025:03331"))  # old Xã Thanh Hưng, its predecessor
    assert not scope.contains(unit("pre2025:03319"))  # old Xã Mường Pồn went elsewhere


def test_a_merged_provinces_officer_reaches_both_old_provinces(db, unit):
    from conftest import make_user

    officer = make_user("tinh.laocai", Role.PROVINCE_OFFICER, "2025:15")
    scope = area_scope(officer, "audit.view")
    assert scope.contains(unit("pre2025:15"))  # old Yên Bái
    assert scope.contains(unit("pre2025:10"))  # old Lào Cai
    yen_bai_commune = unit("pre2025:04306") if unit("pre2025:04306").province.code == "15" else None
    assert yen_bai_commune is None or scope.contains(yen_bai_commune)
    assert not scope.contains(unit("pre2025:11"))


def test_roles_without_the_action_reach_nothing(producer, council_member, unit):
    assert not area_scope(producer, "audit.view").contains(unit("2025:03328"))
    assert not area_scope(council_member, "accounts.view_members").contains(unit("2025:11"))


def test_anonymous_users_are_sent_to_login_and_the_api_refuses(client):
    response = client.get("/audit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/audit/entries").status_code == 401


def test_revoked_membership_no_longer_grants_scope(commune_officer, province_officer, unit):
    membership = membership_of(commune_officer)
    services.revoke_membership(actor=province_officer, membership=membership)
    commune_officer.refresh_from_db()
    assert not area_scope(commune_officer, "audit.view").contains(unit("2025:03328"))
    assert AuditEntry.objects.filter(action="accounts.membership.revoked", object_id=str(membership.pk)).exists()


def test_an_officer_cannot_assign_outside_their_province(province_officer, producer, unit):
    with pytest.raises(PermissionRefused):
        services.grant_membership(actor=province_officer, user=producer, role=Role.VIEWER, area=unit("2025:14"))
    services.grant_membership(actor=province_officer, user=producer, role=Role.VIEWER, area=unit("2025:03328"))


def test_a_commune_officer_cannot_assign_anyone(commune_officer, producer, unit):
    with pytest.raises(PermissionRefused):
        services.grant_membership(actor=commune_officer, user=producer, role=Role.VIEWER, area=unit("2025:03328"))


PERMISSION_MATRIX = [
    # (persona, url, expected status)
    ("anonymous", "/areas/pre2025:11/", 200),
    ("anonymous", "/audit/", 302),
    ("anonymous", "/accounts/members/", 302),
    ("anonymous", "/api/v1/areas/units/pre2025:11", 200),
    ("anonymous", "/api/v1/accounts/me", 401),
    ("producer", "/audit/", 200),
    ("producer", "/api/v1/accounts/me", 200),
    ("commune_officer", "/audit/", 200),
    ("commune_officer", "/accounts/members/", 200),
    ("province_officer", "/accounts/members/", 200),
    ("province_officer", "/api/v1/audit/entries", 200),
]


@pytest.mark.parametrize(("persona", "url", "status"), PERMISSION_MATRIX)
def test_permission_matrix(request, client, persona, url, status):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == status


def test_a_province_officer_assigns_a_user_in_the_province_from_the_persons_page(
    client, province_officer, producer, unit
):
    client.force_login(province_officer)
    area = unit("2025:03328").pk
    response = client.post(f"/accounts/users/{producer.pk}/roles/", {"role": "viewer", "area": area})
    assert response.status_code == 302
    assert Membership.objects.active().filter(user=producer, role="viewer", area__code="03328").exists()
    assert AuditEntry.objects.filter(action="accounts.membership.granted", actor=province_officer).exists()


@pytest.mark.parametrize(
    ("area", "role", "message"),
    [
        ("2025:14", "viewer", "nằm ngoài phạm vi"),
        ("", "viewer", "Hãy chọn địa bàn"),
        ("2025:03328", "province_officer", "không phù hợp"),
    ],
)
def test_a_refused_assignment_says_why_and_writes_nothing(
    client, province_officer, producer, unit, area, role, message
):
    client.force_login(province_officer)
    before = (Membership.objects.count(), AuditEntry.objects.count())
    data = {"role": role, "area": unit(area).pk if area else ""}
    response = client.post(f"/accounts/users/{producer.pk}/roles/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert (Membership.objects.count(), AuditEntry.objects.count()) == before


def test_a_commune_officer_sees_no_assignment_form_and_cannot_revoke(client, commune_officer, producer):
    client.force_login(commune_officer)
    assert "Giao thêm vai trò" not in client.get(f"/accounts/users/{producer.pk}/").content.decode()
    membership = Membership.objects.get(user=producer)
    response = client.post(f"/accounts/members/{membership.pk}/revoke/")
    assert response.status_code == 302
    assert Membership.objects.get(pk=membership.pk).revoked_at is None
