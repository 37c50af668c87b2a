"""Issue 14, accounts: nobody grants themselves a role; sessions end after a working day idle; a new password revokes
the API tokens on every path that sets one; two managers editing one account do not overwrite each other."""

import re
import time
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts import services
from accounts.models import ApiToken, Membership, User
from accounts.roles import Role
from core.concurrency import StaleEdit
from core.errors import PermissionRefused

pytestmark = pytest.mark.django_db


# --- granting oneself a role --------------------------------------------------------------------------------------


def test_a_province_officer_cannot_grant_themselves_a_role(province_officer, unit):
    with pytest.raises(PermissionRefused) as refusal:
        services.grant_membership(
            actor=province_officer, user=province_officer, role=Role.COUNCIL_MEMBER, area=unit("2025:11")
        )
    assert "chính mình" in refusal.value.message
    assert not Membership.objects.filter(user=province_officer, role=Role.COUNCIL_MEMBER).exists()


def test_a_nationwide_system_admin_may(system_admin, unit):
    membership = services.grant_membership(
        actor=system_admin, user=system_admin, role=Role.PROVINCE_OFFICER, area=unit("2025:11")
    )
    assert membership.pk


def test_the_own_person_page_offers_no_role_form_and_refuses_a_post(client, province_officer, unit):
    client.force_login(province_officer)
    page = client.get(f"/accounts/users/{province_officer.pk}/").content.decode()
    assert f"/accounts/users/{province_officer.pk}/roles/" not in page
    response = client.post(
        f"/accounts/users/{province_officer.pk}/roles/", {"role": Role.COUNCIL_MEMBER, "area": unit("2025:11").pk}
    )
    assert response.status_code == 400 and "chính mình" in response.content.decode()
    assert not Membership.objects.filter(user=province_officer, role=Role.COUNCIL_MEMBER).exists()


def test_granting_to_someone_else_still_works(client, province_officer, commune_officer, unit):
    client.force_login(province_officer)
    page = client.get(f"/accounts/users/{commune_officer.pk}/").content.decode()
    assert f"/accounts/users/{commune_officer.pk}/roles/" in page


# --- sessions -----------------------------------------------------------------------------------------------------


def test_sessions_slide_and_end_after_a_working_day_idle(client, province_officer):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60 and not settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    client.force_login(province_officer)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    expires = Session.objects.get(session_key=key).expire_date
    assert abs((expires - timezone.now()).total_seconds() - 8 * 60 * 60) < 60
    # a page soon after: nothing written, no new cookie (no write per page view)
    response = client.get("/")
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get(session_key=key).expire_date == expires
    # activity later in the day slides the end of the session: a fresh cookie and expiry
    later = time.time() + settings.SESSION_REFRESH_SECONDS + 1
    with mock.patch("accounts.middleware.time.time", return_value=later):
        response = client.get("/")
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 60 * 60
    assert Session.objects.get(session_key=key).expire_date > expires


def test_an_idle_session_is_over(client, province_officer):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(province_officer)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    # eight hours and a minute without a request: the stored session has expired
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timezone.timedelta(minutes=1))
    response = client.get("/products/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_idle_limit_comes_from_the_environment():
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.update(SESSION_IDLE_SECONDS="3600", SESSION_EXPIRE_AT_BROWSER_CLOSE="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["3600", "True"]


# --- a new password revokes the API tokens --------------------------------------------------------------------------


def tokens_of(user):
    for name in ("một", "hai"):
        services.issue_token(actor=user, name=name)
    assert ApiToken.objects.usable().filter(user=user).count() == 2


def test_changing_the_password_revokes_the_tokens(client, province_officer):
    tokens_of(province_officer)
    client.force_login(province_officer)
    response = client.post(
        "/accounts/password/",
        {"old_password": "pw-tinh", "new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"},
    )
    assert response.status_code == 302
    assert not ApiToken.objects.usable().filter(user=province_officer).exists()
    from core.models import AuditEntry

    assert AuditEntry.objects.filter(action="accounts.token.revoked", after__reason="password_changed").count() == 2


def test_a_one_time_link_revokes_the_tokens(client, province_officer, commune_officer):
    tokens_of(commune_officer)
    url = services.issue_password_link(actor=province_officer, user=commune_officer, base_url="http://testserver")
    path = re.search(r"http://testserver(/\S+)", url).group(1)
    form_page = client.get(path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert not ApiToken.objects.usable().filter(user=commune_officer).exists()


def test_the_admin_and_the_command_revoke_the_tokens(commune_officer):
    tokens_of(commune_officer)
    user = User.objects.get(pk=commune_officer.pk)
    user.set_password("Mat-khau-admin-2026")  # what the admin's password form and `changepassword` do
    user.save()
    assert not ApiToken.objects.usable().filter(user=commune_officer).exists()
    tokens_of(commune_officer)
    with mock.patch("getpass.getpass", return_value="Mat-khau-lenh-2026"):
        call_command("changepassword", commune_officer.username, stdout=mock.Mock())
    assert not ApiToken.objects.usable().filter(user=commune_officer).exists()


def test_a_hash_upgrade_at_login_or_an_unrelated_save_keeps_the_tokens(commune_officer):
    tokens_of(commune_officer)
    user = User.objects.get(pk=commune_officer.pk)
    user.full_name = "Tên mới"
    user.save()
    user.check_password("pw-xa")  # may rehash and save the password field: not a password change
    assert ApiToken.objects.usable().filter(user=commune_officer).count() == 2


# --- two managers editing one account ---------------------------------------------------------------------------


def test_the_second_of_two_account_edits_is_refused(client, province_officer, commune_officer):
    opened_at = commune_officer.version
    services.update_account(
        actor=province_officer, user=commune_officer, full_name="Lò Văn A", expected_version=opened_at
    )
    with pytest.raises(StaleEdit):
        services.update_account(
            actor=province_officer, user=commune_officer, full_name="Lò Văn B", expected_version=opened_at
        )
    commune_officer.refresh_from_db()
    assert commune_officer.full_name == "Lò Văn A"


def test_the_person_page_refuses_the_second_of_two_edits(client, province_officer, commune_officer):
    client.force_login(province_officer)
    page = client.get(f"/accounts/users/{commune_officer.pk}/").content.decode()
    assert f'name="expected_version" value="{commune_officer.version}"' in page
    data = {"expected_version": commune_officer.version, "phone": "", "email": ""}
    first = client.post(f"/accounts/users/{commune_officer.pk}/edit/", {**data, "full_name": "Lò Văn A"})
    assert first.status_code == 302
    second = client.post(f"/accounts/users/{commune_officer.pk}/edit/", {**data, "full_name": "Lò Văn B"})
    assert second.status_code == 400 and "Hãy tải lại trang" in second.content.decode()
    commune_officer.refresh_from_db()
    assert commune_officer.full_name == "Lò Văn A"
