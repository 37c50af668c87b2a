"""Monitoring reports in and out: the reminders, the spreadsheet import, the due page, the watch list and its Excel,
and the API."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.test.utils import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from accounts import services as accounts_services
from core.imports import ImportErrors
from core.models import AuditEntry
from notifications.models import Notification
from programme import monitoring_services as services
from programme.models import MonitoringReport, ReportStatus
from programme.monitoring_imports import import_reports, parse_number
from programme.monitoring_queries import due_date
from programme.monitoring_tasks import KIND_REMINDER, send_monitoring_reminders
from programme.tests import test_monitoring as shared

pytestmark = pytest.mark.django_db
# the fixtures shared with test_monitoring
certify, figures, linked_producer, product, today = (
    shared.certify,
    shared.figures,
    shared.linked_producer,
    shared.product,
    shared.today,
)
D = datetime.timedelta


# ── reminders ──────────────────────────────────────────────────────────────────────────────────────────────────────


@override_settings(MONITORING_REMINDER_DAYS=30, MONITORING_REPORT_DUE="03-31")
def test_reminders_go_once_per_stage_to_the_producer_and_the_commune(
    linked_producer,
    commune_officer,
    other_commune_officer,
    province_officer,
    product,
    today,
):
    year = today.year - 1
    due = due_date(year)
    assert send_monitoring_reminders(due - D(31))["year"] == year - 1  # the window for `year` is not open yet
    Notification.objects.all().delete()
    result = send_monitoring_reminders((due - D(30)).isoformat())
    assert result["year"] == year and result["stage"] == "due-soon"
    told = set(Notification.objects.filter(kind=KIND_REMINDER).values_list("user__username", flat=True))
    assert told == {linked_producer.username, commune_officer.username}
    assert send_monitoring_reminders(due - D(29))["notifications"] == 0  # rerun: nothing twice
    assert send_monitoring_reminders(due)["notifications"] == 0
    overdue = send_monitoring_reminders(due + D(1))
    assert overdue["stage"] == "overdue" and overdue["notifications"] == 2
    assert send_monitoring_reminders(due + D(2))["notifications"] == 0
    assert Notification.objects.filter(kind=KIND_REMINDER).count() == 4
    entries = AuditEntry.objects.filter(action="programme.monitoring.reminded")
    assert sorted(e.after["stage"] for e in entries if e.after["year"] == year) == ["due-soon", "overdue"]
    url = Notification.objects.filter(kind=KIND_REMINDER).first().url
    assert url == reverse("programme:monitoring_create") + f"?product={product.pk}&year={year}"


@override_settings(MONITORING_REMINDER_DAYS=30)
def test_no_reminder_once_submitted_or_approved(commune_officer, product, today):
    year = today.year - 1
    report = services.save_report(actor=commune_officer, product=product, year=year, values=figures())
    assert send_monitoring_reminders(due_date(year) - D(5))["products"] == 1  # a draft is still to send
    services.submit_report(actor=commune_officer, report=report)
    assert send_monitoring_reminders(due_date(year) + D(5))["products"] == 0


# ── import ─────────────────────────────────────────────────────────────────────────────────────────────────────────

HEADER = (
    "Năm,Sản phẩm,Chủ thể,Xã,Sản lượng,Đơn vị,Doanh thu (đồng),Giá bán bình quân,Lao động,Lao động DTTS,Lao động nữ,"
    "Diện tích vùng nguyên liệu (ha),Số hộ liên kết,Thị trường,Kênh bán,Khó khăn"
)


def csv_file(*rows):
    return io.BytesIO(("\n".join([HEADER, *rows]) + "\n").encode("utf-8"))


@pytest.mark.parametrize(
    ("text", "money", "value"),
    [
        ("1,5 tỷ", True, Decimal("1500000000")),
        ("200 triệu", True, Decimal("200000000")),
        ("1.500.000", True, Decimal("1500000")),
        ("1.500.000 đồng", True, Decimal("1500000")),
        ("35 nghìn", True, Decimal("35000")),
        ("1,500,000", True, Decimal("1500000")),
        ("12,5", False, Decimal("12.5")),
        ("1.234,5", False, Decimal("1234.5")),
        ("2.5", False, Decimal("2.5")),
        (1500000, True, Decimal("1500000")),
    ],
)
def test_numbers_as_registers_write_them(text, money, value):
    assert parse_number(text, money=money) == value


def test_a_word_is_not_a_number():
    from core.errors import DomainError

    with pytest.raises(DomainError):
        parse_number("nhiều", money=True)


def test_import_creates_submitted_reports_and_updates_drafts(province_officer, certify, today):
    year = today.year - 1
    rice = certify("Gạo Séng Cù", datetime.date(year - 1, 1, 5))
    tea = certify("Chè Tủa Chùa", datetime.date(year - 1, 1, 5))
    services.save_report(actor=None, product=tea, year=year, values=figures())
    result = import_reports(
        csv_file(
            f'{year},Gạo Séng Cù,HTX Gạo Séng Cù,Xã Thanh Nưa,"12,5",tấn,"1,5 tỷ",30000,10,6,4,20,35,Hà Nội,,',
            f"{year},chè tủa chùa,htx che tua chua,,800,kg,200 triệu,,5,0,5,,0,,,Thiếu vốn",
        ),
        actor=province_officer,
        filename="bao-cao.csv",
    )
    assert result.counts == {"created": 1, "updated": 1}
    rice_report = MonitoringReport.objects.get(product=rice)
    assert rice_report.status == ReportStatus.SUBMITTED and rice_report.revenue == Decimal("1500000000")
    assert rice_report.output_quantity == Decimal("12.5") and rice_report.raw_material_area_ha == Decimal("20")
    tea_report = MonitoringReport.objects.get(product=tea)
    assert tea_report.revenue == Decimal("200000000") and tea_report.problems == "Thiếu vốn"
    assert tea_report.status == ReportStatus.SUBMITTED
    assert AuditEntry.objects.filter(action="programme.monitoring.imported").count() == 2


def test_import_is_all_or_nothing_and_never_overwrites_an_approved_report(province_officer, certify, today):
    year = today.year - 1
    rice = certify("Gạo Séng Cù", datetime.date(year - 1, 1, 5))
    certify("Chè Tủa Chùa", datetime.date(year - 1, 1, 5))
    report = services.save_report(actor=None, product=rice, year=year, values=figures())
    services.submit_report(actor=None, report=report)
    services.approve_report(actor=None, report=report)
    with pytest.raises(ImportErrors) as refused:
        import_reports(
            csv_file(
                f"{year},Chè Tủa Chùa,HTX Chè Tủa Chùa,,800,kg,200 triệu,,5,0,5,,0,,,",
                f"{year},Gạo Séng Cù,HTX Gạo Séng Cù,,1,kg,0,,1,0,0,,0,,,",
                f"{year},Không có,HTX Ai,,1,kg,0,,1,0,0,,0,,,",
                f"{year + 5},Chè Tủa Chùa,HTX Chè Tủa Chùa,,1,kg,nhiều,,1,2,0,,0,,,",
            ),
            actor=province_officer,
            filename="bao-cao.csv",
        )
    problems = {(e.row, e.column) for e in refused.value.errors}
    # row 3: approved, not overwritten; row 4: no such product; row 5: a future year and a word for money
    assert problems == {(3, "product"), (4, "product"), (5, "year"), (5, "revenue")}
    assert MonitoringReport.objects.count() == 1
    assert MonitoringReport.objects.get().revenue == Decimal("1500000000")


def test_import_rows_are_scope_checked(other_commune_officer, certify, today):
    year = today.year - 1
    certify("Gạo Séng Cù", datetime.date(year - 1, 1, 5))  # in Xã Thanh Nưa, not the officer's commune
    with pytest.raises(ImportErrors) as refused:
        import_reports(
            csv_file(f"{year},Gạo Séng Cù,HTX Gạo Séng Cù,,1,kg,1,,1,0,0,,0,,,"),
            actor=other_commune_officer,
            filename="bao-cao.csv",
        )
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "product")]
    assert not MonitoringReport.objects.exists()


def test_import_dry_run_writes_nothing(province_officer, certify, today):
    year = today.year - 1
    certify("Gạo Séng Cù", datetime.date(year - 1, 1, 5))
    result = import_reports(
        csv_file(f"{year},Gạo Séng Cù,HTX Gạo Séng Cù,,1,kg,1,,1,0,0,,0,,,"),
        actor=province_officer,
        filename="bao-cao.csv",
        dry_run=True,
    )
    assert result.counts["created"] == 1 and not MonitoringReport.objects.exists()


def test_upload_page_starts_an_import_job(client, province_officer, producer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports.models import ImportJob

    client.force_login(province_officer)
    url = reverse("programme:monitoring_import")
    assert "Lao động DTTS" in client.get(url).content.decode()
    upload = SimpleUploadedFile("bao-cao.csv", (HEADER + "\n").encode(), content_type="text/csv")
    response = client.post(url, {"file": upload})
    job = ImportJob.objects.get()
    assert job.kind == "monitoring" and response["Location"] == reverse("imports:job", args=[job.pk])
    client.force_login(producer)  # producers report too: the page opens for them
    assert client.get(url).status_code == 200


# ── due page, watch list, Excel ────────────────────────────────────────────────────────────────────────────────────


def test_due_page_counts_and_lists_for_officers_and_producers(
    client,
    commune_officer,
    linked_producer,
    certify,
    product,
    today,
):
    year = today.year - 1
    other = certify("Chè Tủa Chùa", datetime.date(year - 1, 1, 5))
    services.save_report(actor=commune_officer, product=other, year=year, values=figures())
    client.force_login(commune_officer)
    page = client.get(reverse("programme:monitoring_due"), {"year": year})
    body = page.content.decode()
    assert "2 sản phẩm có giấy chứng nhận trong năm: 1 chưa lập, 1 đang lập hoặc bị trả lại" in body
    missing = client.get(reverse("programme:monitoring_due"), {"year": year, "state": "missing"}).content.decode()
    assert "Gạo Séng Cù" in missing and "Chè Tủa Chùa" not in missing
    client.force_login(linked_producer)  # the producer sees only its own product
    body = client.get(reverse("programme:monitoring_due"), {"year": year}).content.decode()
    assert "Gạo Séng Cù" in body and "Chè Tủa Chùa" not in body


def test_due_page_queries_do_not_grow_with_the_rows(
    client, commune_officer, certify, today, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    year = today.year - 1
    certify("P0", datetime.date(year - 1, 1, 5))
    client.force_login(commune_officer)
    url = reverse("programme:monitoring_due")
    client.get(url, {"year": year})
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"year": year})
    for n in range(1, 6):
        p = certify(f"P{n}", datetime.date(year - 1, 1, 5))
        if n % 2:
            services.save_report(actor=commune_officer, product=p, year=year, values=figures())
    with django_assert_max_num_queries(len(one)):
        body = client.get(url, {"year": year}).content.decode()
    assert "6 sản phẩm có giấy chứng nhận trong năm: 3 chưa lập, 3 đang lập" in body


def _sheet(response):
    return [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]


@override_settings(MONITORING_FLAGS={"shrinking_area_percent": 20, "expiring_days": 180, "no_promotion_months": 12})
def test_watch_list_filters_by_flag_and_its_excel_equals_the_page(
    client,
    province_officer,
    other_province_officer,
    certify,
    today,
):
    soon = certify("Cà phê", datetime.date(today.year - 3, 1, 2), valid_until=today + D(100))
    fine = certify("Gạo", today - D(300))
    certify("Chè Sơn La", datetime.date(today.year - 3, 1, 2), valid_until=today + D(100), commune="2025:03646")
    client.force_login(province_officer)
    url = reverse("programme:watch_list")
    page = client.get(url).content.decode()
    assert "Cà phê" in page and "Gạo" in page and "Chè Sơn La" not in page
    flagged = client.get(url, {"flag": "expiring-no-dossier"}).content.decode()
    assert "Cà phê" in flagged and f">{fine.name}<" not in flagged
    sheet = _sheet(client.get(url, {"flag": "expiring-no-dossier", "format": "xlsx"}))
    assert sheet[1][:3] == ["STT", "Tên sản phẩm", "Chủ thể"]
    assert [row[1] for row in sheet[2:]] == ["Cà phê"]
    assert (
        sheet[2][5] == soon.certificates.get().valid_until or sheet[2][5].date() == soon.certificates.get().valid_until
    )
    assert "Sắp hết hạn, chưa nộp hồ sơ phân hạng lại" in sheet[2][6]
    client.force_login(other_province_officer)
    assert "Cà phê" not in client.get(url).content.decode()


def test_watch_list_queries_do_not_grow_with_the_rows(
    client,
    province_officer,
    certify,
    today,
    django_assert_max_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    certify("P0", datetime.date(today.year - 3, 1, 2), valid_until=today + D(30))
    client.force_login(province_officer)
    url = reverse("programme:watch_list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(1, 6):
        certify(f"P{n}", datetime.date(today.year - 3, 1, 2), valid_until=today + D(30))
    with django_assert_max_num_queries(len(one)):
        body = client.get(url).content.decode()
    assert body.count('data-flag="expiring-no-dossier"') == 6


# ── API ────────────────────────────────────────────────────────────────────────────────────────────────────────────


def _token(user):
    return accounts_services.issue_token(actor=user, name="api")[1]


def _api(client, method, path, user, body=None):
    headers = {"Authorization": f"Bearer {_token(user)}"}
    if method == "GET":
        return client.get(path, headers=headers)
    return client.post(path, json.dumps(body or {}), content_type="application/json", headers=headers)


def _body(product, year, **overrides):
    values = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in figures(**overrides).items()}
    return {"product_id": product.pk, "year": year, **values}


def test_api_create_submit_read_and_scope(
    client,
    commune_officer,
    other_province_officer,
    product,
    today,
):
    year = today.year - 1
    base = "/api/v1/programme/monitoring-reports"
    created = _api(client, "POST", base, commune_officer, _body(product, year))
    assert created.status_code == 200, created.content
    report_id = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["revenue"] in ("1500000000", 1500000000)
    bad = _api(client, "POST", base, commune_officer, _body(product, year, employees_women=99))
    assert bad.status_code == 400 and bad.json()["field"] == "employees_women"
    assert MonitoringReport.objects.get().employees_women == 4
    submitted = _api(client, "POST", f"{base}/{report_id}/submit", commune_officer)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    again = _api(client, "POST", f"{base}/{report_id}/submit", commune_officer)
    assert again.status_code == 400
    listed = _api(client, "GET", f"{base}?year={year}&status=submitted", commune_officer).json()
    assert listed["count"] == 1 and listed["items"][0]["product"]["name"] == "Gạo Séng Cù"
    assert _api(client, "GET", f"{base}/{report_id}", commune_officer).status_code == 200
    assert _api(client, "GET", f"{base}/{report_id}", other_province_officer).status_code == 404
    assert _api(client, "GET", base, other_province_officer).json()["count"] == 0
    assert _api(client, "POST", base, other_province_officer, _body(product, year)).status_code == 404


def test_api_watch_list(client, province_officer, certify, today):
    certify("Cà phê", datetime.date(today.year - 3, 1, 2), valid_until=today + D(100))
    answer = _api(client, "GET", "/api/v1/programme/watch-list?area=2025:11", province_officer)
    assert answer.status_code == 200
    item = next(i for i in answer.json()["items"] if i["name"] == "Cà phê")
    assert "expiring-no-dossier" in [f["code"] for f in item["flags"]]
    assert _api(client, "GET", "/api/v1/programme/watch-list?flag=bogus", province_officer).status_code == 400
