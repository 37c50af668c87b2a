"""The expiry watch: the two queues on their boundaries, against state_on; scope; the page; the reminder task."""

import datetime
import itertools

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certification import services, watch
from certification.choices import CertificateState as S
from certification.models import Certificate
from certification.queries import holding_on, state_on
from certification.tasks import send_expiry_reminders
from core.models import AuditEntry
from notifications.models import Notification
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

pytestmark = pytest.mark.django_db
D = datetime.date
T = datetime.timedelta
TODAY = D(2026, 5, 4)
_numbers = itertools.count(1)


@pytest.fixture
def make_product(unit):
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    producers = {}

    def make(name="Gạo tám thơm", producer="HTX Thanh Hưng", area="pre2025:03331"):
        if producer not in producers:
            producers[producer] = create_producer(actor=None, name=producer, producer_type="htx", location=unit(area))
        return create_product(actor=None, name=name, producer=producers[producer], location=unit(area), group=group)

    return make


@pytest.fixture
def certify(unit):
    """certify(product, decided, valid_until=None, stars=3): a recognition under its own decision."""

    def run(product, decided, valid_until=None, stars=3, number=None):
        decision, _ = services.get_or_create_decision(
            actor=None,
            number=number or f"{next(_numbers)}/QĐ-UBND",
            date=decided,
            kind="recognition",
            issuing_level="province",
            province=unit("pre2025:11") if decided < D(2025, 7, 1) else unit("2025:11"),
        )
        certificate, _ = services.record_certificate(
            actor=None, product=product, decision=decision, stars=stars, valid_until=valid_until
        )
        return certificate

    return run


def revoke(unit, product, day):
    decision, _ = services.get_or_create_decision(
        actor=None,
        number=f"{next(_numbers)}/QĐ-TH",
        date=day,
        kind="revocation",
        issuing_level="province",
        province=unit("2025:11"),
    )
    return services.revoke(actor=None, product=product, decision=decision, reason="Ngừng sản xuất")[0]


def names(queryset):
    return sorted(c.product.name for c in queryset)


# --- the queues on their boundaries --------------------------------------------------------------------------------


def test_expiring_in_30_days_is_listed_and_in_31_days_is_not(make_product, certify, province_officer, settings):
    settings.OCOP_EXPIRY_WARNING_DAYS = 30
    in_30 = certify(make_product("Hết hạn sau 30 ngày"), D(2023, 5, 4), valid_until=TODAY + T(days=29))
    in_31 = certify(make_product("Hết hạn sau 31 ngày"), D(2023, 5, 4), valid_until=TODAY + T(days=30))
    assert (state_on(in_30, TODAY), state_on(in_31, TODAY)) == (S.EXPIRING, S.VALID)
    assert names(watch.expiring_soon(province_officer, TODAY)) == ["Hết hạn sau 30 ngày"]
    assert names(watch.expiring_soon(province_officer, TODAY, days=31)) == [
        "Hết hạn sau 30 ngày",
        "Hết hạn sau 31 ngày",
    ]
    assert names(watch.expired_not_renewed(province_officer, TODAY)) == []


def test_the_window_follows_the_setting(make_product, certify, province_officer, settings):
    certify(make_product(), D(2023, 5, 4), valid_until=TODAY + T(days=44))
    settings.OCOP_EXPIRY_WARNING_DAYS = 30
    assert names(watch.expiring_soon(province_officer, TODAY)) == []
    settings.OCOP_EXPIRY_WARNING_DAYS = 45
    assert names(watch.expiring_soon(province_officer, TODAY)) == ["Gạo tám thơm"]


def test_the_last_valid_day_is_expiring_and_the_next_day_expired(make_product, certify, province_officer):
    """Valid through the end of yesterday: expiring yesterday, expired today."""
    certificate = certify(make_product(), D(2023, 5, 4), valid_until=TODAY - T(days=1))
    assert certificate.last_valid_day == TODAY - T(days=1)
    yesterday = TODAY - T(days=1)
    assert names(watch.expiring_soon(province_officer, yesterday)) == ["Gạo tám thơm"]
    assert names(watch.expired_not_renewed(province_officer, yesterday)) == []
    assert names(watch.expiring_soon(province_officer, TODAY)) == []
    assert names(watch.expired_not_renewed(province_officer, TODAY)) == ["Gạo tám thơm"]


def test_an_expired_then_re_recognised_product_is_not_listed(make_product, certify, province_officer, unit):
    product = make_product()
    first = certify(product, D(2022, 1, 10), valid_until=D(2025, 1, 9))
    certify(product, D(2025, 9, 1), stars=4)  # re-recognised after a gap
    first.refresh_from_db()
    between = D(2025, 3, 1)
    assert state_on(first, between) == S.EXPIRED
    assert names(watch.expired_not_renewed(province_officer, between)) == ["Gạo tám thơm"]  # as it stood then
    assert names(watch.expired_not_renewed(province_officer, TODAY)) == []
    assert names(watch.expiring_soon(province_officer, TODAY)) == []


def test_a_revoked_certificate_is_not_listed(make_product, certify, province_officer, unit):
    before_expiry = make_product("Thu hồi trước hạn")
    certify(before_expiry, D(2023, 6, 1), valid_until=TODAY + T(days=9))
    revoke(unit, before_expiry, TODAY - T(days=5))
    after_expiry = make_product("Thu hồi sau khi hết hạn")  # the batch revocations of domain.md §7
    certify(after_expiry, D(2022, 6, 1), valid_until=TODAY - T(days=61))
    revoke(unit, after_expiry, TODAY - T(days=2))
    assert names(watch.expiring_soon(province_officer, TODAY)) == []
    assert names(watch.expired_not_renewed(province_officer, TODAY)) == []
    assert names(watch.expired_not_renewed(province_officer, TODAY - T(days=3))) == ["Thu hồi sau khi hết hạn"]


def test_the_sql_queues_agree_with_state_on_for_every_date(make_product, certify, unit, system_admin, settings):
    """The one state function decides; the SQL must give the same answer on each side of every boundary."""
    settings.OCOP_EXPIRY_WARNING_DAYS = 30
    plain = make_product("Một giấy")
    certify(plain, D(2021, 3, 31))  # valid until 31/03/2024
    renewed = make_product("Công nhận lại")
    certify(renewed, D(2021, 1, 10), valid_until=D(2024, 1, 9))
    certify(renewed, D(2024, 2, 1), stars=4)
    renewed_early = make_product("Công nhận lại trước hạn")
    certify(renewed_early, D(2021, 2, 1), valid_until=D(2024, 1, 31))
    certify(renewed_early, D(2024, 1, 20), stars=5)
    revoked = make_product("Bị thu hồi")
    certify(revoked, D(2021, 2, 15), valid_until=D(2024, 2, 14))
    revoke(unit, revoked, D(2024, 1, 31))
    revoked_late = make_product("Thu hồi sau hạn")
    certify(revoked_late, D(2021, 1, 5), valid_until=D(2024, 1, 4))
    revoke(unit, revoked_late, D(2024, 3, 1))
    leap = make_product("Hai mươi chín tháng hai")
    certify(leap, D(2021, 2, 28), valid_until=D(2024, 2, 29))  # the leap day is its last day

    certificates = list(Certificate.objects.select_related("product"))
    by_product = {}
    for c in certificates:
        by_product.setdefault(c.product_id, []).append(c)
    boundaries = {d for c in certificates for d in (c.valid_from, c.valid_until, c.ended_on) if d}
    days = sorted({b + T(days=k) for b in boundaries for k in (-31, -30, -29, -1, 0, 1)})
    for window in (30, 45):
        settings.OCOP_EXPIRY_WARNING_DAYS = window
        for day in days:
            expected_expiring = {c.pk for c in certificates if state_on(c, day) == S.EXPIRING}
            expected_expired = set()
            for certs in by_product.values():
                holding = holding_on(certs[0].product, day, certs)
                if holding.state == S.EXPIRED:
                    expected_expired.add(holding.certificate.pk)
            assert {c.pk for c in watch.expiring_soon(system_admin, day)} == expected_expiring, (window, day)
            assert {c.pk for c in watch.expired_not_renewed(system_admin, day)} == expected_expired, (window, day)


# --- scope -----------------------------------------------------------------------------------------------------------


def test_another_provinces_officer_sees_nothing_of_it(
    make_product, certify, province_officer, other_province_officer, commune_officer, other_commune_officer
):
    certify(make_product("Sắp hết"), D(2023, 5, 4), valid_until=TODAY + T(days=4))
    certify(make_product("Đã hết"), D(2022, 5, 4), valid_until=TODAY - T(days=6))
    for user in (province_officer, commune_officer):  # Xã Thanh Nưa succeeded the old Xã Thanh Hưng
        assert names(watch.expiring_soon(user, TODAY)) == ["Sắp hết"]
        assert names(watch.expired_not_renewed(user, TODAY)) == ["Đã hết"]
    for user in (other_province_officer, other_commune_officer):
        assert names(watch.expiring_soon(user, TODAY)) == []
        assert names(watch.expired_not_renewed(user, TODAY)) == []


def test_a_producer_sees_only_the_certificates_of_their_own_producers(make_product, certify, producer):
    own = certify(make_product("Của mình"), D(2023, 5, 4), valid_until=TODAY + T(days=4))
    own.product.producer.accounts.add(producer)
    certify(make_product("Của chủ thể khác", producer="HTX Khác"), D(2023, 5, 4), valid_until=TODAY + T(days=4))
    assert names(watch.expiring_soon(producer, TODAY)) == ["Của mình"]


# --- the page --------------------------------------------------------------------------------------------------------


def today():
    return timezone.localdate()


def test_the_page_lists_both_queues(client, make_product, certify, province_officer):
    certify(make_product("Mật ong bạc hà"), D(2023, 6, 1), valid_until=today() + T(days=11), stars=4, number="12/QĐ")
    certify(make_product("Chè Shan tuyết"), D(2022, 6, 1), valid_until=today() - T(days=4))
    client.force_login(province_officer)
    page = client.get("/certificates/expiring/").content.decode()
    assert "Mật ong bạc hà" in page and "HTX Thanh Hưng" in page and "12/QĐ" in page and "4★" in page
    assert (today() + T(days=11)).strftime("%d/%m/%Y") in page  # the last valid day
    assert "Chè Shan tuyết" not in page
    assert 'data-testid="count-expiring">1<' in page and 'data-testid="count-expired">1<' in page
    expired = client.get("/certificates/expiring/?tab=expired").content.decode()
    assert "Chè Shan tuyết" in expired and "Mật ong bạc hà" not in expired
    product = Certificate.objects.get(product__name="Chè Shan tuyết").product
    assert f'href="/products/{product.pk}/"' in expired


def test_the_days_filter_widens_the_queue_and_answers_htmx_with_a_fragment(
    client, make_product, certify, province_officer
):
    certify(make_product("Còn 40 ngày"), D(2023, 6, 1), valid_until=today() + T(days=39))
    client.force_login(province_officer)
    assert "Còn 40 ngày" not in client.get("/certificates/expiring/").content.decode()
    response = client.get("/certificates/expiring/?days=60", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Còn 40 ngày" in body and "Sắp hết hạn trong 60 ngày" in body


@pytest.mark.parametrize("value", ["0", "366", "abc", "-5", "1.5"])
def test_an_invalid_days_value_gets_a_vietnamese_error(client, province_officer, value):
    client.force_login(province_officer)
    response = client.get(f"/certificates/expiring/?days={value}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Số ngày phải là một số nguyên từ 1 đến 365." in body
    assert "Sắp hết hạn trong 30 ngày" in body  # falls back to the default window


def test_the_page_requires_login(client):
    response = client.get("/certificates/expiring/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_provinces_officer_sees_an_empty_page(client, make_product, certify, other_province_officer):
    certify(make_product("Măng khô Tủa Chùa"), D(2023, 5, 4), valid_until=today() + T(days=4))
    client.force_login(other_province_officer)
    page = client.get("/certificates/expiring/").content.decode()
    assert "Măng khô Tủa Chùa" not in page and "Không có giấy chứng nhận nào sắp hết hạn." in page


@pytest.mark.parametrize("tab", ["expiring", "expired"])
def test_the_page_runs_the_same_queries_for_1_and_15_certificates(client, make_product, certify, province_officer, tab):
    valid_until = today() + T(days=10) if tab == "expiring" else today() - T(days=10)
    decided = D(2022, 1, 3)
    certify(make_product("Sản phẩm 0"), decided, valid_until=valid_until, number="1/QĐ-LOAT")
    client.force_login(province_officer)
    url = f"/certificates/expiring/?tab={tab}"
    client.get(url)  # warm the session and content types
    with CaptureQueriesContext(connection) as one:
        assert "Sản phẩm 0" in client.get(url).content.decode()
    for i in range(1, 15):
        certify(
            make_product(f"Sản phẩm {i}", producer=f"HTX {i}"), decided, valid_until=valid_until, number="1/QĐ-LOAT"
        )
    with CaptureQueriesContext(connection) as fifteen:
        page = client.get(url).content.decode()
    assert "Sản phẩm 14" in page
    assert len(fifteen) == len(one), [q["sql"] for q in fifteen.captured_queries]


# --- the reminder task -----------------------------------------------------------------------------------------------


@pytest.fixture
def holder(producer):
    """The `producer` persona, linked to HTX Thanh Hưng's account list, with an e-mail address."""
    producer.email = "chuthe@example.org"
    producer.save()
    return producer


def test_the_task_notifies_holders_and_province_officers_once(
    make_product, certify, holder, province_officer, other_province_officer, commune_officer, settings
):
    settings.OCOP_EXPIRY_WARNING_DAYS = 30
    expiring = certify(make_product("Sắp hết"), D(2023, 5, 4), valid_until=TODAY + T(days=19))
    expiring.product.producer.accounts.add(holder)
    certify(make_product("Đã hết"), D(2022, 5, 4), valid_until=TODAY - T(days=4))
    certify(make_product("Còn lâu", producer="HTX Khác"), D(2023, 5, 4), valid_until=TODAY + T(days=199))

    result = send_expiry_reminders.enqueue(TODAY.isoformat())
    assert result.return_value == {
        "date": TODAY.isoformat(),
        "window_days": 30,
        "expiring": 1,
        "rerating_open": 0,  # "Còn lâu" ends 19/11/2026: its window opens on 23/05/2026
        "rerating_closing": 0,
        "expired": 1,
        "notifications": 4,
    }
    got = {(n.user.username, n.kind) for n in Notification.objects.select_related("user")}
    assert got == {
        ("chuthe", "certification.expiring"),
        ("chuthe", "certification.expired"),  # the holder is told of the expiry too
        ("tinh", "certification.expiring"),
        ("tinh", "certification.expired"),
    }
    to_holder = Notification.objects.get(user=holder, kind="certification.expiring")
    assert "Sắp hết" in to_holder.title and "còn 20 ngày" in to_holder.body
    assert (TODAY + T(days=19)).strftime("%d/%m/%Y") in to_holder.body
    assert to_holder.url == "/certificates/expiring/"
    expired_notice = Notification.objects.get(kind="certification.expired", user=province_officer)
    assert "công nhận lại" in Notification.objects.get(kind="certification.expired", user=holder).body
    assert "Đã hết" in expired_notice.title and f"từ ngày {(TODAY - T(days=3)):%d/%m/%Y}" in expired_notice.body
    entry = AuditEntry.objects.get(action="certification.certificate.expiry_notified")
    assert entry.object_id == str(expiring.pk) and entry.after["holders"] == ["chuthe"]

    rerun = send_expiry_reminders.enqueue(TODAY.isoformat())
    assert rerun.return_value["notifications"] == 0
    next_day = send_expiry_reminders.enqueue((TODAY + T(days=1)).isoformat())
    assert next_day.return_value["notifications"] == 0
    assert Notification.objects.count() == 4
    assert AuditEntry.objects.filter(action="certification.certificate.expiry_notified").count() == 1


def test_a_new_expiry_date_is_a_new_reminder(make_product, certify, province_officer):
    certificate = certify(make_product(), D(2023, 5, 4), valid_until=TODAY + T(days=19))
    send_expiry_reminders.enqueue(TODAY.isoformat())
    certify(
        certificate.product,
        certificate.decision.date,
        valid_until=TODAY + T(days=24),
        number=certificate.decision.number,
    )
    send_expiry_reminders.enqueue(TODAY.isoformat())
    assert Notification.objects.filter(user=province_officer).count() == 2


@pytest.mark.filterwarnings("ignore::django.utils.deprecation.RemovedInDjango2028Warning")  # EMAIL_HOST, see MAILERS
def test_the_task_emails_only_when_email_is_configured(
    make_product, certify, holder, province_officer, settings, django_capture_on_commit_callbacks
):
    certificate = certify(make_product(), D(2023, 5, 4), valid_until=TODAY + T(days=19))
    certificate.product.producer.accounts.add(holder)
    with django_capture_on_commit_callbacks(execute=True):
        send_expiry_reminders.enqueue(TODAY.isoformat())
    assert mail.outbox == []  # EMAIL_HOST not set: in-app only

    Notification.objects.all().delete()
    settings.EMAIL_HOST = "smtp.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        send_expiry_reminders.enqueue(TODAY.isoformat())
    assert [m.to for m in mail.outbox] == [["chuthe@example.org"]]  # the officer has no address
    assert "Gạo tám thơm" in mail.outbox[0].subject and "/certificates/expiring/" in mail.outbox[0].body


def test_the_command_runs_the_task_for_a_date(make_product, certify, province_officer, capsys):
    certify(make_product(), D(2023, 5, 4), valid_until=TODAY + T(days=19))
    call_command("send_expiry_reminders", "--date", TODAY.isoformat())
    out = capsys.readouterr().out
    assert "1 expiring" in out and "1 new notifications" in out
    call_command("send_expiry_reminders", "--date", TODAY.isoformat())
    assert "0 new notifications" in capsys.readouterr().out
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_expiry_reminders", "--date", "04/05/2026")
