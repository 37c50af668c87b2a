"""Notifications: sent once per key, e-mailed only when e-mail is configured, read only by their owner."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import services
from notifications.models import Notification

pytestmark = pytest.mark.django_db
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def send(user, key="k1", title="Giấy chứng nhận sắp hết hạn", **extra):
    values = {"kind": "test", "title": title, "body": "Nội dung", "url": "/certificates/expiring/", **extra}
    return services.notify(user=user, dedupe_key=key, **values)


def test_the_same_key_is_never_sent_twice_to_one_user(province_officer, commune_officer):
    first, created = send(province_officer)
    again, created_again = send(province_officer, title="Khác")
    assert created and not created_again and again.pk == first.pk and again.title == first.title
    assert send(commune_officer)[1]  # another user, same key: their own notification
    assert send(province_officer, key="k2")[1]
    assert Notification.objects.count() == 3


def test_notify_many_skips_existing_keys_duplicates_and_inactive_users(province_officer, commune_officer):
    send(province_officer, key="a")
    commune_officer.is_active = False
    commune_officer.save()
    messages = [
        services.Message(province_officer, "test", "A", dedupe_key="a"),
        services.Message(province_officer, "test", "B", dedupe_key="b"),
        services.Message(province_officer, "test", "B again", dedupe_key="b"),
        services.Message(commune_officer, "test", "C", dedupe_key="c"),
    ]
    created = services.notify_many(messages)
    assert [n.title for n in created] == ["B"]
    assert services.notify_many(messages) == []


def test_notifications_without_a_key_are_always_new(province_officer):
    assert send(province_officer, key="")[1] and send(province_officer, key="")[1]


def test_a_notification_links_only_to_a_page_of_this_site(province_officer):
    for url in ["https://example.org/x", "//example.org/x", "javascript:alert(1)"]:
        with pytest.raises(ValueError):
            send(province_officer, url=url)


def test_no_email_is_sent_unless_email_is_configured(province_officer, django_capture_on_commit_callbacks):
    province_officer.email = "tinh@example.org"
    province_officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        send(province_officer)
    assert not services.email_configured() and mail.outbox == []


@pytest.mark.filterwarnings("ignore::django.utils.deprecation.RemovedInDjango2028Warning")
def test_an_email_goes_to_users_with_an_address_when_email_host_is_set(
    province_officer, commune_officer, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = "smtp.example.org"
    settings.EMAIL_BACKEND = LOCMEM
    settings.SITE_URL = "https://ocop.example.gov.vn"
    province_officer.email = "tinh@example.org"
    province_officer.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send(province_officer)
        send(commune_officer)  # no address: in-app only
    assert len(callbacks) == 2
    assert [m.to for m in mail.outbox] == [["tinh@example.org"]]
    assert mail.outbox[0].subject == "Giấy chứng nhận sắp hết hạn"
    assert "https://ocop.example.gov.vn/certificates/expiring/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        send(province_officer)  # already sent: no second e-mail
    assert len(mail.outbox) == 1


def test_an_email_goes_through_the_default_mailer_when_mailers_are_configured(
    province_officer, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": LOCMEM}}
    province_officer.email = "tinh@example.org"
    province_officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        send(province_officer)
    assert [m.to for m in mail.outbox] == [["tinh@example.org"]]


@pytest.mark.filterwarnings("ignore::django.utils.deprecation.RemovedInDjango2028Warning")
def test_no_email_is_sent_when_the_transaction_rolls_back(
    province_officer, settings, django_capture_on_commit_callbacks
):
    from django.db import transaction

    settings.EMAIL_HOST = "smtp.example.org"
    province_officer.email = "tinh@example.org"
    province_officer.save()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        send(province_officer)
        raise RuntimeError
    assert mail.outbox == [] and not Notification.objects.exists()


# --- the page and the bell -------------------------------------------------------------------------------------------


def test_the_page_lists_only_ones_own_notifications_newest_first(client, province_officer, commune_officer):
    send(province_officer, key="old", title="Cũ hơn")
    send(province_officer, key="new", title="Mới hơn")
    send(commune_officer, key="x", title="Của người khác")
    client.force_login(province_officer)
    page = client.get("/notifications/").content.decode()
    assert page.index("Mới hơn") < page.index("Cũ hơn") and "Của người khác" not in page
    assert page.count('data-testid="unread"') == 2


def test_the_bell_shows_the_unread_count(client, province_officer):
    client.force_login(province_officer)
    page = client.get("/").content.decode()
    assert "bi bi-bell" in page and "chưa đọc" not in page
    send(province_officer, key="a")
    send(province_officer, key="b")
    page = client.get("/").content.decode()
    assert 'class="badge rounded-pill bg-danger">2<' in page


def test_anonymous_visitors_have_no_bell_and_no_page(client):
    assert "bi bi-bell" not in client.get("/").content.decode()
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_marking_read_is_a_post_on_ones_own_notification(client, province_officer, commune_officer):
    mine, _ = send(province_officer)
    theirs, _ = send(commune_officer)
    client.force_login(province_officer)
    assert client.get(f"/notifications/{mine.pk}/read/").status_code == 405
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(f"/notifications/{mine.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    page = client.get("/notifications/").content.decode()
    assert 'data-testid="read"' in page and 'data-testid="unread"' not in page


def test_mark_all_read_touches_only_ones_own(client, province_officer, commune_officer):
    send(province_officer, key="a")
    send(province_officer, key="b")
    send(commune_officer, key="a")
    client.force_login(province_officer)
    client.post("/notifications/read-all/")
    assert services.unread_count(province_officer) == 0 and services.unread_count(commune_officer) == 1


def test_the_page_runs_the_same_queries_for_1_and_30_notifications(client, province_officer):
    send(province_officer, key="0")
    client.force_login(province_officer)
    client.get("/notifications/")
    with CaptureQueriesContext(connection) as one:
        client.get("/notifications/")
    services.notify_many([services.Message(province_officer, "test", f"T{i}", dedupe_key=str(i)) for i in range(1, 30)])
    with CaptureQueriesContext(connection) as thirty:
        page = client.get("/notifications/").content.decode()
    assert "T29" in page and len(thirty) == len(one)
