"""The expiry watch under 26/2026/QĐ-TTg: the re-rating window (Điều 7.6.a) opens 180 days and closes 120 days before
a certificate's last day; its holder and the province are reminded when it opens and before it closes. Certificates
of the earlier rules keep the 30-day reminder (domain.md §7), with the Điều 12.3 extension when it applies."""

import datetime

import pytest
from django.utils import timezone

from certification import watch
from certification.models import Certificate
from certification.tasks import send_expiry_reminders
from core.models import AuditEntry
from evaluation import process
from notifications.models import Notification

pytestmark = pytest.mark.django_db
D = datetime.date
T = datetime.timedelta


@pytest.fixture(autouse=True)
def _windows(settings):
    settings.OCOP_EXPIRY_WARNING_DAYS = 30
    if hasattr(settings, "OCOP_RERATING_CLOSING_REMINDER_DAYS"):
        del settings.OCOP_RERATING_CLOSING_REMINDER_DAYS


@pytest.fixture
def holder(producer):
    return producer


def names(queryset):
    return sorted(c.product.name for c in queryset)


def run(day: datetime.date) -> dict:
    return send_expiry_reminders.enqueue(day.isoformat()).return_value


# --- the queue -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "listed"),
    [(D(2026, 12, 31), False), (D(2027, 1, 1), True), (D(2027, 3, 2), True), (D(2027, 3, 3), False)],
)
def test_the_window_is_open_from_180_to_120_days_before_the_last_day(
    ocop_product, recognise, province_officer, day, listed
):
    recognise(ocop_product(), D(2024, 7, 1), stars=4, valid_until=D(2027, 6, 30))  # last day 30/06/2027
    assert names(watch.rerating_open(province_officer, day)) == (["Gạo tám thơm"] if listed else [])


def test_the_sql_queue_agrees_with_the_process_rules_on_every_boundary(
    ocop_product, recognise, revocation_decision, system_admin
):
    """The window and which certificates it governs come from evaluation.process; the SQL must agree each day."""
    last_days = [D(2026, 9, 18), D(2026, 9, 19), D(2026, 9, 20), D(2027, 6, 30), D(2028, 2, 29), D(2028, 8, 27)]
    for n, last in enumerate(last_days):
        recognise(ocop_product(f"Sản phẩm {n}", producer=f"HTX {n}"), D(2024, 3, 1), valid_until=last)
    revoked = ocop_product("Bị thu hồi", producer="HTX Thu hồi")
    recognise(revoked, D(2024, 3, 1), valid_until=D(2027, 6, 30))
    from certification import services

    decision = revocation_decision(D(2027, 1, 15))
    services.revoke(actor=None, product=revoked, decision=decision, reason="Ngừng sản xuất")
    certificates = list(Certificate.objects.select_related("product"))
    days = set()
    for c in certificates:
        window = process.rerating_window(c.term_last_day)
        if window:
            days |= {window[0] + T(days=k) for k in (-1, 0, 1)} | {window[1] + T(days=k) for k in (-1, 0, 1)}
    days |= {D(2026, 5, 21), D(2026, 5, 22), D(2026, 5, 23)}
    for day in sorted(days):
        expected = set()
        for c in certificates:
            window = process.rerating_window(c.term_last_day)
            valid = c.valid_from <= day <= c.valid_until and (c.ended_on is None or day < c.ended_on)
            if window and valid and window[0] <= day <= window[1]:
                expected.add(c.pk)
        assert {c.pk for c in watch.rerating_open(system_admin, day)} == expected, day
    assert process.rerating_window(D(2026, 9, 18)) is None  # Điều 12.3: never in the queue


# --- the reminders -------------------------------------------------------------------------------------------------


def test_holder_and_province_are_reminded_when_the_window_opens_and_before_it_closes(
    ocop_product, recognise, holder, province_officer, other_province_officer, commune_officer
):
    certificate = recognise(ocop_product("Mật ong bạc hà"), D(2024, 7, 1), stars=4, valid_until=D(2027, 6, 30))
    certificate.product.producer.accounts.add(holder)

    assert run(D(2026, 12, 31))["notifications"] == 0
    opened = run(D(2027, 1, 1))
    assert (opened["rerating_open"], opened["rerating_closing"], opened["notifications"]) == (1, 0, 2)
    got = {(n.user.username, n.kind) for n in Notification.objects.select_related("user")}
    assert got == {("chuthe", "certification.rerating_open"), ("tinh", "certification.rerating_open")}
    to_holder = Notification.objects.get(user=holder)
    assert "Mật ong bạc hà" in to_holder.title and "Đã đến thời hạn nộp hồ sơ" in to_holder.title
    assert "từ ngày 01/01/2027 đến hết ngày 02/03/2027" in to_holder.body and "Điều 7 khoản 6" in to_holder.body
    assert "30/06/2027" in to_holder.body and to_holder.url == "/certificates/expiring/?tab=rerating"
    entry = AuditEntry.objects.get(action="certification.certificate.rerating_notified")
    assert entry.after == {
        "holders": ["chuthe"],
        "valid_until": "2027-06-30",
        "reminder": "open",
        "window": ["2027-01-01", "2027-03-02"],
    }

    assert run(D(2027, 1, 1))["notifications"] == 0  # rerun
    assert run(D(2027, 1, 31))["notifications"] == 0  # 31 days before it closes: not yet
    closing = run(D(2027, 2, 1))  # 30 days left counting the day it closes
    assert (closing["rerating_open"], closing["rerating_closing"], closing["notifications"]) == (0, 1, 2)
    last_call = Notification.objects.get(user=holder, kind="certification.rerating_closing")
    assert "Sắp hết thời hạn nộp hồ sơ" in last_call.title and "Còn 30 ngày để nộp hồ sơ" in last_call.body
    assert run(D(2027, 3, 2))["notifications"] == 0
    assert run(D(2027, 3, 3))["rerating_closing"] == 0

    # no 30-day expiry reminder under 26/2026: the re-rating dossier can no longer be filed then
    late = run(D(2027, 6, 10))
    assert late["expiring"] == 0 and late["notifications"] == 0
    assert not Notification.objects.filter(kind="certification.expiring").exists()
    assert Notification.objects.count() == 4
    assert AuditEntry.objects.filter(action="certification.certificate.rerating_notified").count() == 2


def test_the_closing_reminder_follows_its_setting(ocop_product, recognise, province_officer, settings):
    recognise(ocop_product(), D(2024, 7, 1), valid_until=D(2027, 6, 30))  # the window closes on 02/03/2027
    settings.OCOP_RERATING_CLOSING_REMINDER_DAYS = 10
    assert run(D(2027, 2, 20))["rerating_closing"] == 0
    assert run(D(2027, 2, 21))["rerating_closing"] == 1


def test_earlier_certificates_keep_the_30_day_reminder(ocop_product, recognise, holder, province_officer):
    certificate = recognise(ocop_product("Chè Shan tuyết"), D(2022, 12, 31), stars=3, valid_until=D(2025, 12, 31))
    certificate.product.producer.accounts.add(holder)
    assert run(D(2025, 12, 1))["expiring"] == 0  # 31 days left
    result = run(D(2025, 12, 2))
    assert (result["expiring"], result["rerating_open"], result["notifications"]) == (1, 0, 2)
    body = Notification.objects.get(user=holder).body
    assert "còn 30 ngày" in body and "Điều 12" not in body


def test_a_certificate_of_article_12_3_is_told_of_its_extension(ocop_product, recognise, holder, province_officer):
    """Last day 30/06/2026: its 26/2026 window closed before 26/2026 took effect (Điều 12.3)."""
    certificate = recognise(ocop_product(), D(2023, 6, 30), stars=3, valid_until=D(2026, 6, 30))
    certificate.product.producer.accounts.add(holder)
    result = run(D(2026, 6, 5))
    assert result["expiring"] == 1 and result["rerating_open"] == 0
    body = Notification.objects.get(user=holder).body
    assert "Điều 12 khoản 3" in body and "không quá ngày 27/12/2026" in body


def test_the_notice_never_drops_below_the_rules_minimum(ocop_product, recognise, province_officer, settings):
    """domain.md §7: at least 30 days' notice before expiry under the earlier rules, whatever the office set."""
    recognise(ocop_product(), D(2022, 12, 31), valid_until=D(2025, 12, 31))
    settings.OCOP_EXPIRY_WARNING_DAYS = 10
    result = run(D(2025, 12, 10))  # 22 days left
    assert result["window_days"] == 30 and result["expiring"] == 1


def test_the_command_reports_the_rerating_reminders(ocop_product, recognise, province_officer, capsys):
    from django.core.management import call_command

    recognise(ocop_product(), D(2024, 7, 1), valid_until=D(2027, 6, 30))
    call_command("send_expiry_reminders", "--date", "2027-01-01")
    assert "1 re-rating windows open, 0 closing" in capsys.readouterr().out


# --- the page ------------------------------------------------------------------------------------------------------


def test_the_watch_page_has_a_rerating_tab(client, ocop_product, recognise, province_officer):
    today = timezone.localdate()
    certificate = recognise(ocop_product("Măng khô"), D(2024, 7, 1), valid_until=today + T(days=149))
    opens, closes = process.rerating_window(certificate.term_last_day)
    client.force_login(province_officer)
    page = client.get("/certificates/expiring/?tab=rerating").content.decode()
    assert 'data-testid="count-rerating">1<' in page and "Măng khô" in page
    assert opens.strftime("%d/%m/%Y") in page and closes.strftime("%d/%m/%Y") in page
    assert "Măng khô" not in client.get("/certificates/expiring/").content.decode()
