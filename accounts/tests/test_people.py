"""Accounts without the Django admin (issue 12): a province office creates people's accounts in its area, gives a
one-time set-password link, deactivates and reactivates them, links producer accounts to their producer."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import queries, services
from accounts.models import Membership, User
from accounts.roles import Role
from core.errors import DomainError, NotFound, PermissionRefused
from core.models import AuditEntry
from producers.services import create_producer

pytestmark = pytest.mark.django_db

THANH_YEN = "2025:03349"


def form(unit, area=THANH_YEN, **overrides):
    data = {
        "full_name": "Lò Văn Thưởng",
        "username": "lo.van.thuong",
        "phone": "0912 345 678",
        "email": "thuong@example.org",
        "role": Role.PRODUCER,
        "area": unit(area).pk if area else "",
    }
    data.update(overrides)
    return data


def counts():
    return (User.objects.count(), Membership.objects.count(), AuditEntry.objects.count())


@pytest.fixture
def producer_org(unit):
    return create_producer(actor=None, name="HTX Thanh Yên", producer_type="htx", location=unit(THANH_YEN))


@pytest.fixture
def sonla_producer(unit):
    return create_producer(actor=None, name="HTX Chiềng La", producer_type="htx", location=unit("2025:03754"))


# --- creating an account ------------------------------------------------------------------------------------------


def test_a_province_officer_creates_an_account_and_sees_its_one_time_link(client, province_officer, unit):
    client.force_login(province_officer)
    response = client.post("/accounts/users/new/", form(unit))
    person = User.objects.get(username="lo.van.thuong")
    assert response.status_code == 302 and response.url == f"/accounts/users/{person.pk}/"
    assert person.full_name == "Lò Văn Thưởng" and person.phone == "0912 345 678" and not person.has_usable_password()
    assert Membership.objects.active().get(user=person).area == unit(THANH_YEN)
    actions = set(AuditEntry.objects.filter(object_id=str(person.pk)).values_list("action", flat=True))
    assert {"accounts.user.created", "accounts.user.password_link_issued"} <= actions
    page = client.get(response.url).content.decode()
    link = re.search(r'data-testid="password-link"', page) and re.search(
        r'value="(http://testserver/accounts/set-password/[^"]+)"', page
    )
    assert link, page
    assert "Lò Văn Thưởng" in page
    # shown once: a reload no longer shows it
    assert "set-password" not in client.get(response.url).content.decode()
    assert mail.outbox == []  # mail not configured: shown on screen only


@pytest.mark.filterwarnings("ignore::django.utils.deprecation.RemovedInDjango2028Warning")
def test_the_link_is_emailed_when_mail_is_configured(
    client, province_officer, unit, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = "smtp.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(province_officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/users/new/", form(unit))
    assert [m.to for m in mail.outbox] == [["thuong@example.org"]]
    assert "lo.van.thuong" in mail.outbox[0].body and "http://testserver/accounts/set-password/" in mail.outbox[0].body
    assert "Tài khoản" in mail.outbox[0].subject


def test_the_role_list_offers_only_roles_the_officer_may_give(client, province_officer, system_admin):
    client.force_login(province_officer)
    page = client.get("/accounts/users/new/").content.decode()
    assert 'value="producer"' in page and 'value="system_admin"' not in page
    assert "Xã Thanh Yên (Tỉnh Điện Biên)" in page and "Tỉnh Sơn La" not in page
    client.force_login(system_admin)
    assert 'value="system_admin"' in client.get("/accounts/users/new/").content.decode()


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"full_name": " "}, "Chưa nhập họ và tên."),
        ({"username": "lo van thuong"}, "Tên đăng nhập chỉ gồm"),
        ({"username": "tinh"}, "đã có người dùng"),
        ({"phone": "gọi tôi"}, "Số điện thoại chỉ gồm"),
        ({"email": "khong-phai-thu"}, "Địa chỉ thư điện tử không hợp lệ."),
        ({"role": Role.SYSTEM_ADMIN}, "Bạn không giao được vai trò này."),
        ({"role": Role.PROVINCE_OFFICER}, "không phù hợp"),
        ({"area": ""}, "Hãy chọn địa bàn."),
    ],
)
def test_bad_input_says_why_where_the_person_looks_and_changes_nothing(
    client, province_officer, unit, overrides, field_message
):
    client.force_login(province_officer)
    before = counts()
    response = client.post("/accounts/users/new/", form(unit, **overrides))
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert counts() == before


def test_an_officer_cannot_create_an_account_in_another_province(client, province_officer, unit):
    client.force_login(province_officer)
    before = counts()
    response = client.post("/accounts/users/new/", form(unit, area="2025:03754"))  # Xã Chiềng La, Sơn La
    assert response.status_code == 400 and "nằm ngoài phạm vi" in response.content.decode()
    assert counts() == before
    with pytest.raises(PermissionRefused):
        services.create_account(
            actor=province_officer, username="x", full_name="X", role=Role.VIEWER, area=unit("2025:14")
        )
    assert counts() == before


def test_roles_without_account_management_cannot_open_the_form(client, commune_officer, producer):
    for user in (commune_officer, producer):
        client.force_login(user)
        assert client.get("/accounts/users/new/").status_code == 403
        assert client.post("/accounts/users/new/", {"full_name": "A"}).status_code == 403


def test_a_duplicate_email_is_refused(province_officer, unit):
    services.create_account(
        actor=province_officer, username="a", full_name="A", role=Role.VIEWER, area=unit("2025:11"), email="a@x.vn"
    )
    with pytest.raises(DomainError) as exc:
        services.create_account(
            actor=province_officer, username="b", full_name="B", role=Role.VIEWER, area=unit("2025:11"), email="A@x.vn"
        )
    assert exc.value.field == "email"


# --- scope ---------------------------------------------------------------------------------------------------------


def test_an_officer_of_dien_bien_cannot_see_or_touch_accounts_in_son_la(
    client, province_officer, other_province_officer, unit
):
    sonla = services.create_account(
        actor=other_province_officer, username="sl", full_name="Người Sơn La", role=Role.VIEWER, area=unit("2025:14")
    )
    client.force_login(province_officer)
    assert "Người Sơn La" not in client.get("/accounts/users/").content.decode()
    assert client.get(f"/accounts/users/{sonla.pk}/").status_code == 404
    for action in ("deactivate", "password-link", "edit", "roles", "producers"):
        assert client.post(f"/accounts/users/{sonla.pk}/{action}/", {"full_name": "X"}).status_code == 404
    sonla.refresh_from_db()
    assert sonla.is_active and sonla.full_name == "Người Sơn La"
    with pytest.raises(NotFound):
        services.deactivate_user(actor=province_officer, user=sonla)
    assert "Tỉnh Sơn La" not in client.get("/accounts/pick/areas/?area_q=son la").content.decode()


def test_the_list_shows_full_names_in_a_constant_number_of_queries(client, province_officer, unit, producer_org):
    client.force_login(province_officer)
    client.get("/accounts/users/")  # warm the session and permission caches

    def run():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/accounts/users/")
        assert response.status_code == 200
        return len(ctx), response.content.decode()

    few, _page = run()
    for i in range(6):
        person = services.create_account(
            actor=province_officer,
            username=f"p{i}",
            full_name=f"Người số {i}",
            role=Role.PRODUCER,
            area=unit(THANH_YEN),
        )
        services.link_producer(actor=province_officer, user=person, producer=producer_org)
    many, page = run()
    assert many == few
    assert "Người số 5" in page and "HTX Thanh Yên" in page


def test_search_ignores_diacritics(client, province_officer, unit):
    services.create_account(
        actor=province_officer, username="q1", full_name="Lường Thị Hoa", role=Role.VIEWER, area=unit("2025:11")
    )
    client.force_login(province_officer)
    page = client.get("/accounts/users/?q=luong thi").content.decode()
    table = page[page.index('data-testid="people"') :]
    assert "Lường Thị Hoa" in table and ">tinh<" not in table
    options = client.get("/accounts/pick/areas/?area_q=thanh yen").content.decode()
    assert "Xã Thanh Yên (Tỉnh Điện Biên)" in options and "Xã Thanh Nưa" not in options


# --- the one-time link ---------------------------------------------------------------------------------------------


def _link_path(officer, person):
    return services.issue_password_link(actor=officer, user=person, base_url="http://testserver/").removeprefix(
        "http://testserver"
    )


def _logs_in(client, username, password) -> bool:
    client.post("/accounts/login/", {"username": username, "password": password})
    return "_auth_user_id" in client.session


def _set(client, path, password):
    response = client.get(path)  # Django moves the token into the session and redirects
    assert response.status_code == 302
    return client.post(response.url, {"new_password1": password, "new_password2": password})


def test_the_set_password_link_works_once(client, province_officer, unit):
    person = services.create_account(
        actor=province_officer, username="moi", full_name="Người Mới", role=Role.VIEWER, area=unit("2025:11")
    )
    path = _link_path(province_officer, person)
    response = _set(client, path, "Ocop-ThanhYen-2026")
    assert response.status_code == 302 and response.url == "/accounts/login/"
    person.refresh_from_db()
    assert person.check_password("Ocop-ThanhYen-2026")
    assert AuditEntry.objects.filter(action="accounts.user.password_set", actor=person).exists()
    # the same link again: refused, the password unchanged
    page = client.get(path, follow=True).content.decode()
    assert "không dùng được nữa" in page
    person.refresh_from_db()
    assert person.check_password("Ocop-ThanhYen-2026")
    assert _logs_in(client, "moi", "Ocop-ThanhYen-2026")


def test_mismatched_passwords_say_so_and_keep_the_link(client, province_officer, unit):
    person = services.create_account(
        actor=province_officer, username="moi", full_name="Người Mới", role=Role.VIEWER, area=unit("2025:11")
    )
    path = _link_path(province_officer, person)
    redirect = client.get(path).url
    response = client.post(redirect, {"new_password1": "Ocop-ThanhYen-2026", "new_password2": "khac-hẳn-2026"})
    assert response.status_code == 200 and "không khớp" in response.content.decode()
    person.refresh_from_db()
    assert not person.has_usable_password()
    assert _set(client, path, "Ocop-ThanhYen-2026").status_code == 302


def test_a_forged_link_does_not_open(client, province_officer):
    page = client.get("/accounts/set-password/MQ/abc-123/", follow=True).content.decode()
    assert "không dùng được nữa" in page


# --- deactivation --------------------------------------------------------------------------------------------------


def test_a_deactivated_account_cannot_log_in_and_keeps_its_roles(client, province_officer, producer):
    client.force_login(province_officer)
    response = client.post(f"/accounts/users/{producer.pk}/deactivate/", follow=True)
    assert "Đã khoá tài khoản" in response.content.decode()
    producer.refresh_from_db()
    assert not producer.is_active
    assert Membership.objects.active().filter(user=producer).exists()
    entry = AuditEntry.objects.get(action="accounts.user.deactivated")
    assert entry.before["is_active"] is True and entry.after["is_active"] is False and entry.area is not None
    client.logout()
    assert not _logs_in(client, "chuthe", "pw-chuthe")
    # and a link issued before does not open
    client.force_login(province_officer)
    client.post(f"/accounts/users/{producer.pk}/reactivate/")
    producer.refresh_from_db()
    assert producer.is_active and AuditEntry.objects.filter(action="accounts.user.reactivated").exists()
    client.logout()
    assert _logs_in(client, "chuthe", "pw-chuthe")


def test_a_link_of_a_deactivated_account_does_not_open(client, province_officer, producer):
    path = _link_path(province_officer, producer)
    services.deactivate_user(actor=province_officer, user=producer)
    assert "không dùng được nữa" in client.get(path, follow=True).content.decode()
    with pytest.raises(DomainError):
        services.issue_password_link(actor=province_officer, user=producer, base_url="http://x/")


def test_an_officer_cannot_lock_out_themselves_or_someone_with_a_role_elsewhere(
    province_officer, other_province_officer, producer, unit
):
    with pytest.raises(DomainError):
        services.deactivate_user(actor=province_officer, user=province_officer)
    services.grant_membership(actor=None, user=producer, role=Role.VIEWER, area=unit("2025:14"))
    with pytest.raises(PermissionRefused):
        services.deactivate_user(actor=province_officer, user=producer)
    assert User.objects.get(pk=producer.pk).is_active


def test_a_commune_officer_sees_accounts_but_has_no_buttons(client, commune_officer, producer):
    client.force_login(commune_officer)
    page = client.get(f"/accounts/users/{producer.pk}/").content.decode()
    assert "chuthe" in page and "Khoá tài khoản" not in page
    assert client.post(f"/accounts/users/{producer.pk}/deactivate/").status_code == 404
    assert User.objects.get(pk=producer.pk).is_active


# --- roles and producer links ------------------------------------------------------------------------------------


def test_a_role_is_added_from_the_persons_page_with_an_area_from_the_list(client, province_officer, producer, unit):
    client.force_login(province_officer)
    response = client.post(f"/accounts/users/{producer.pk}/roles/", {"role": Role.VIEWER, "area": unit("2025:11").pk})
    assert response.status_code == 302
    assert Membership.objects.active().filter(user=producer, role=Role.VIEWER, area=unit("2025:11")).exists()
    before = counts()
    response = client.post(f"/accounts/users/{producer.pk}/roles/", {"role": Role.VIEWER, "area": unit("2025:14").pk})
    assert response.status_code == 400 and "nằm ngoài phạm vi" in response.content.decode()
    assert counts() == before


def test_a_producer_account_is_linked_and_unlinked(client, province_officer, producer, producer_org, sonla_producer):
    client.force_login(province_officer)
    options = client.get("/accounts/pick/producers/?producer_q=thanh yen").content.decode()
    assert "HTX Thanh Yên" in options and "Chiềng La" not in options
    response = client.post(f"/accounts/users/{producer.pk}/producers/", {"producer": producer_org.pk})
    assert response.status_code == 302 and producer_org.accounts.filter(pk=producer.pk).exists()
    assert AuditEntry.objects.filter(action="accounts.user.producer_linked", object_id=str(producer.pk)).exists()
    page = client.get(f"/accounts/users/{producer.pk}/").content.decode()
    assert "HTX Thanh Yên" in page
    before = counts()
    response = client.post(f"/accounts/users/{producer.pk}/producers/", {"producer": sonla_producer.pk})
    assert response.status_code == 400 and "nằm ngoài địa bàn" in response.content.decode()
    assert counts() == before and not sonla_producer.accounts.exists()
    response = client.post(f"/accounts/users/{producer.pk}/producers/{producer_org.pk}/unlink/")
    assert response.status_code == 302 and not producer_org.accounts.exists()
    assert AuditEntry.objects.filter(action="accounts.user.producer_unlinked").exists()


def test_the_producers_page_names_its_accounts_and_leads_to_where_they_are_linked(
    client, province_officer, commune_officer, producer, producer_org, unit
):
    client.force_login(province_officer)
    page = client.get(f"/producers/{producer_org.pk}/").content.decode()
    assert "Chưa có tài khoản nào được liên kết" in page
    assert 'href="/accounts/users/?role=producer"' in page
    services.link_producer(actor=province_officer, user=producer, producer=producer_org)
    page = client.get(f"/producers/{producer_org.pk}/").content.decode()
    assert f'href="/accounts/users/{producer.pk}/"' in page and "Chưa có tài khoản nào" not in page
    thanh_nua = create_producer(actor=None, name="HTX Thanh Nưa", producer_type="htx", location=unit("2025:03328"))
    client.force_login(commune_officer)  # sees the producers of the commune, does not manage accounts
    response = client.get(f"/producers/{thanh_nua.pk}/")
    assert response.status_code == 200 and "producer-accounts" not in response.content.decode()


def test_contact_details_are_edited_with_an_audit_entry(client, province_officer, producer):
    client.force_login(province_officer)
    response = client.post(
        f"/accounts/users/{producer.pk}/edit/", {"full_name": "Quàng Văn Chủ", "phone": "0215 111 222", "email": ""}
    )
    assert response.status_code == 302
    producer.refresh_from_db()
    assert producer.full_name == "Quàng Văn Chủ" and "quang van chu" in producer.search_name
    entry = AuditEntry.objects.get(action="accounts.user.updated")
    assert entry.before["full_name"] == "chuthe" and entry.after["full_name"] == "Quàng Văn Chủ"


def test_assignable_units_of_a_nationwide_admin_start_with_provinces(system_admin):
    units = list(queries.assignable_units(system_admin)[:5])
    assert units and all(u.level == "province" for u in units)


ACCESS = [
    ("anonymous", "/accounts/users/", 302),
    ("anonymous", "/accounts/users/new/", 302),
    ("anonymous", "/accounts/password/reset/", 200),
    ("anonymous", "/accounts/password/reset/sent/", 200),
    ("producer", "/accounts/users/", 200),
    ("producer", "/accounts/users/new/", 403),
    ("producer", "/accounts/pick/areas/", 403),
    ("commune_officer", "/accounts/users/", 200),
    ("commune_officer", "/accounts/users/new/", 403),
    ("commune_officer", "/accounts/pick/producers/", 403),
    ("province_officer", "/accounts/users/", 200),
    ("province_officer", "/accounts/users/new/", 200),
    ("province_officer", "/accounts/pick/areas/?area_q=muong", 200),
    ("province_officer", "/accounts/pick/producers/", 200),
    ("system_admin", "/accounts/users/new/", 200),
]


@pytest.mark.parametrize(("persona", "url", "status"), ACCESS)
def test_who_may_open_the_account_pages(request, client, persona, url, status):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == status


def test_a_producer_sees_no_one_in_the_people_list(client, producer, commune_officer):
    client.force_login(producer)
    page = client.get("/accounts/users/").content.decode()
    assert "Không có ai." in page
