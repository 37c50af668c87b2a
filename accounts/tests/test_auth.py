import pytest
from django.test import override_settings

from accounts.models import ApiToken
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese_and_logging_in_works(client, province_officer):
    page = client.get("/accounts/login/").content.decode()
    assert "Đăng nhập" in page and "Mật khẩu" in page
    response = client.post("/accounts/login/", {"username": "tinh", "password": "pw-tinh"})
    assert response.status_code == 302
    assert "tinh" in client.get("/").content.decode()


def test_a_wrong_password_gets_a_vietnamese_message(client, province_officer):
    response = client.post("/accounts/login/", {"username": "tinh", "password": "wrong"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_login(client, province_officer):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "tinh", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "tinh", "password": "pw-tinh"})
    assert response.status_code == 429
    assert "Tạm khoá đăng nhập" in response.content.decode()


def test_logout_is_a_post(client, province_officer):
    client.force_login(province_officer)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/audit/").status_code == 302


def test_password_change_is_audited(client, province_officer):
    client.force_login(province_officer)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "pw-tinh",
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="accounts.user.password_changed", actor=province_officer).exists()
    bad = client.post("/accounts/password/", {"old_password": "x", "new_password1": "a", "new_password2": "b"})
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()


def test_a_token_is_shown_once_stored_hashed_and_works_until_revoked(client, commune_officer):
    client.force_login(commune_officer)
    page = client.post("/accounts/tokens/", {"name": "Phần mềm thống kê", "days_valid": "30"}).content.decode()
    key = page.split('data-testid="new-key">')[1].split("<")[0]
    token = ApiToken.objects.get(user=commune_officer)
    assert key.startswith("ocop_") and token.key_hash == ApiToken.hash_key(key) and key not in token.key_hash
    assert key not in client.get("/accounts/tokens/").content.decode()

    client.logout()
    auth = {"Authorization": f"Bearer {key}"}
    me = client.get("/api/v1/accounts/me", headers=auth)
    assert me.status_code == 200
    assert me.json()["memberships"][0]["area"] == "2025:03328"
    assert client.get("/api/v1/accounts/me", headers={"Authorization": "Bearer ocop_wrong"}).status_code == 401

    client.force_login(commune_officer)
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    client.logout()
    assert client.get("/api/v1/accounts/me", headers=auth).status_code == 401
    assert AuditEntry.objects.filter(action="accounts.token.revoked").exists()


def test_token_api_validates_input(client, commune_officer):
    client.force_login(commune_officer)
    response = client.post("/api/v1/accounts/tokens", {"name": "  "}, content_type="application/json")
    assert response.status_code == 400 and "tên gợi nhớ" in response.json()["detail"]
    response = client.post("/api/v1/accounts/tokens", {"name": "x", "days_valid": 0}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "days_valid"
    response = client.post("/api/v1/accounts/tokens", {"days_valid": "abc"}, content_type="application/json")
    assert response.status_code == 400 and "name" in response.json()["detail"]
    response = client.post("/api/v1/accounts/tokens", {"name": "ok"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["key"].startswith("ocop_")


def test_a_bad_token_form_says_what_is_wrong(client, commune_officer):
    client.force_login(commune_officer)
    page = client.post("/accounts/tokens/", {"name": "", "days_valid": "0"}).content.decode()
    assert "is-invalid" in page
    assert not ApiToken.objects.exists()


def test_areas_api_reports_bad_input_clearly(client):
    assert client.get("/api/v1/areas/units/2025:1").status_code == 400
    assert client.get("/api/v1/areas/units/2025:99999").status_code == 404
    response = client.get("/api/v1/areas/resolve", {"province": "Điện Biên", "on_date": "31/03/2022"})
    assert response.status_code == 400 and "on_date" in response.json()["detail"]
    response = client.get(
        "/api/v1/areas/resolve", {"province": "Điện Biên", "district": "Điện Biên", "on_date": "2022-03-31"}
    )
    assert response.json()["unit"]["id"] == "pre2025:100"
    response = client.get(
        "/api/v1/areas/resolve", {"province": "Điện Biên", "commune": "Na Tông", "on_date": "2022-03-31"}
    )
    assert response.status_code == 400 and response.json()["field"] == "commune"
    listing = client.get("/api/v1/areas/units", {"parent": "pre2025:100", "limit": 100}).json()
    assert listing["count"] == 21


def test_a_token_of_a_user_without_any_role_is_refused(client, db):
    from accounts import services

    user = services.create_user(actor=None, username="khongvaitro", password="x-123456789")
    _token, key = services.issue_token(actor=user, name="thử")
    assert client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401
