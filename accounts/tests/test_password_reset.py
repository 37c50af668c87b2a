"""Forgotten password: the login page links to it; an e-mail with a one-time link when mail is configured; the page
never reveals whether an address belongs to an account; without mail, it says to ask the province office."""

import re

import pytest
from django.core import mail

from core.models import AuditEntry

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def mail_on(settings):
    settings.MAILERS = {"default": {"BACKEND": LOCMEM}}


def test_the_login_page_links_to_the_forgotten_password_page(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in page and "Quên mật khẩu?" in page


def test_without_mail_the_page_says_to_ask_the_province_office(client, producer):
    page = client.get("/accounts/password/reset/").content.decode()
    assert "Văn phòng điều phối" in page and 'name="email"' not in page
    response = client.post("/accounts/password/reset/", {"email": "x@example.org"})
    assert response.status_code == 200 and mail.outbox == []


def test_a_reset_email_is_sent_and_its_link_works_once(client, producer, mail_on, django_capture_on_commit_callbacks):
    producer.email = "chuthe@example.org"
    producer.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "CHUTHE@example.org"})
    assert response.status_code == 302 and response.url == "/accounts/password/reset/sent/"
    assert [m.to for m in mail.outbox] == [["chuthe@example.org"]]
    assert AuditEntry.objects.filter(action="accounts.user.password_reset_requested").exists()
    path = re.search(r"http://testserver(/accounts/set-password/\S+/)", mail.outbox[0].body).group(1)
    step = client.get(path)
    response = client.post(step.url, {"new_password1": "Moi-Hoan-Toan-2026", "new_password2": "Moi-Hoan-Toan-2026"})
    assert response.status_code == 302
    producer.refresh_from_db()
    assert producer.check_password("Moi-Hoan-Toan-2026")
    assert "không dùng được nữa" in client.get(path, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client, producer, mail_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "khongco@example.org"})
    assert response.status_code == 302 and response.url == "/accounts/password/reset/sent/"
    assert mail.outbox == []
    assert "Nếu địa chỉ vừa nhập" in client.get(response.url).content.decode()


def test_a_deactivated_account_gets_no_reset_mail(client, producer, mail_on, django_capture_on_commit_callbacks):
    producer.email = "chuthe@example.org"
    producer.is_active = False
    producer.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "chuthe@example.org"})
    assert mail.outbox == []


def test_a_malformed_address_is_refused_on_the_form(client, mail_on):
    response = client.post("/accounts/password/reset/", {"email": "khong-phai-thu"})
    assert response.status_code == 400 and "không hợp lệ" in response.content.decode()


def test_one_address_gets_at_most_five_mails_an_hour(client, producer, mail_on, django_capture_on_commit_callbacks):
    producer.email = "chuthe@example.org"
    producer.save()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(7):
            response = client.post("/accounts/password/reset/", {"email": "chuthe@example.org"})
            assert response.status_code == 302
    assert len(mail.outbox) == 5
