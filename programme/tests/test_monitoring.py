"""Monitoring after recognition: the yearly report's rules, its approval flow, who may do what, and notifications.

The fixtures here (a certified product factory, report values) are imported by the other test_monitoring* modules.
"""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from certification import services as certification
from core.concurrency import StaleEdit
from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from notifications.models import Notification
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product
from programme import monitoring_services as services
from programme.models import MonitoringReport, ReportStatus

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def certify(unit):
    """certify(name, decided_on, valid_until=None, commune="2025:03328", producer=None) → a product holding a
    3-star certificate from `decided_on` (written as the system, as the register import does)."""
    group = ProductCategory.objects.get(system="148", code="thuc-pham")

    def make(name, decided_on, valid_until=None, commune="2025:03328", producer=None, stars=3):
        place = unit(commune)
        producer = producer or create_producer(actor=None, name=f"HTX {name}", producer_type="htx", location=place)
        product = create_product(actor=None, name=name, producer=producer, location=place, group=group)
        decision, _ = certification.get_or_create_decision(
            actor=None,
            number=f"{next(_numbers)}/QĐ-UBND",
            date=decided_on,
            kind="recognition",
            issuing_level="province",
            province=place.province,
        )
        certification.record_certificate(
            actor=None, product=product, decision=decision, stars=stars, valid_until=valid_until
        )
        return product

    return make


def figures(**overrides):
    values = {
        "output_quantity": Decimal("12.5"),
        "output_unit": "tấn",
        "revenue": Decimal("1500000000"),
        "average_price": Decimal("120000"),
        "employees": 10,
        "employees_ethnic_minority": 6,
        "employees_women": 4,
        "raw_material_area_ha": Decimal("20"),
        "households_linked": 35,
        "markets": "Hà Nội, Điện Biên",
        "channels": "Điểm bán OCOP",
        "problems": "",
    }
    values.update(overrides)
    return values


@pytest.fixture
def product(certify, today):
    """Certified since 01/03 two years ago, for three years: certified during last year."""
    return certify("Gạo Séng Cù", datetime.date(today.year - 2, 3, 1))


@pytest.fixture
def linked_producer(producer, product):
    accounts_services.link_producer(actor=None, user=producer, producer=product.producer)
    return producer


def test_producer_writes_submits_and_the_province_approves(linked_producer, province_officer, product, today):
    year = today.year - 1
    report = services.save_report(actor=linked_producer, product=product, year=year, values=figures())
    assert report.status == ReportStatus.DRAFT
    assert report.output_quantity == Decimal("12.500")
    services.submit_report(actor=linked_producer, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == linked_producer
    # the province's officer is told of the submission
    assert Notification.objects.filter(user=province_officer, kind=services.KIND_SUBMITTED).count() == 1
    services.approve_report(actor=province_officer, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.approved_by == province_officer
    assert Notification.objects.filter(user=linked_producer, kind=services.KIND_DECIDED).count() == 1
    actions = list(
        AuditEntry.objects.filter(object_id=str(report.pk), action__startswith="programme.monitoring.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "programme.monitoring.created",
        "programme.monitoring.submitted",
        "programme.monitoring.approved",
    ]


def test_return_needs_a_reason_and_the_reporter_can_correct_and_resubmit(
    commune_officer, province_officer, product, today
):
    report = services.save_report(actor=commune_officer, product=product, year=today.year - 1, values=figures())
    services.submit_report(actor=commune_officer, report=report)
    with pytest.raises(DomainError) as refused:
        services.return_report(actor=province_officer, report=report, reason="  ")
    assert refused.value.field == "reason"
    assert MonitoringReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    services.return_report(actor=province_officer, report=report, reason="Doanh thu chưa khớp sổ sách")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.return_reason == "Doanh thu chưa khớp sổ sách"
    told = Notification.objects.get(user=commune_officer, kind=services.KIND_DECIDED)
    assert "Doanh thu chưa khớp sổ sách" in told.body
    services.save_report(
        actor=commune_officer, product=product, year=report.year, values=figures(revenue=Decimal("1400000000"))
    )
    services.submit_report(actor=commune_officer, report=report)
    assert MonitoringReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_an_approved_report_is_locked_until_the_province_reopens_it(commune_officer, province_officer, product, today):
    year = today.year - 1
    report = services.save_report(actor=commune_officer, product=product, year=year, values=figures())
    services.submit_report(actor=commune_officer, report=report)
    services.approve_report(actor=province_officer, report=report)
    with pytest.raises(DomainError):
        services.save_report(actor=commune_officer, product=product, year=year, values=figures(revenue=0))
    with pytest.raises(PermissionRefused):
        services.reopen_report(actor=commune_officer, report=report, reason="Sửa")
    with pytest.raises(DomainError):
        services.reopen_report(actor=province_officer, report=report, reason="")
    assert MonitoringReport.objects.get(pk=report.pk).revenue == Decimal("1500000000")
    services.reopen_report(actor=province_officer, report=report, reason="Sai diện tích")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.approved_at is None
    services.save_report(actor=commune_officer, product=product, year=year, values=figures(revenue=0))
    assert MonitoringReport.objects.get(pk=report.pk).revenue == 0


def test_only_certified_years_and_not_the_future(commune_officer, certify, today):
    product = certify("Chè Tủa Chùa", datetime.date(today.year - 1, 6, 1))
    with pytest.raises(DomainError) as before:
        services.save_report(actor=commune_officer, product=product, year=today.year - 2, values=figures())
    assert before.value.field == "year"
    with pytest.raises(DomainError) as future:
        services.save_report(actor=commune_officer, product=product, year=today.year + 1, values=figures())
    assert future.value.field == "year"
    assert not MonitoringReport.objects.exists()
    # certified from June of last year: that year may be reported
    services.save_report(actor=commune_officer, product=product, year=today.year - 1, values=figures())


def test_a_certificate_ended_before_the_year_does_not_count(commune_officer, certify, today):
    product = certify(
        "Mật ong", datetime.date(today.year - 5, 1, 10), valid_until=datetime.date(today.year - 2, 12, 31)
    )
    with pytest.raises(DomainError):
        services.save_report(actor=commune_officer, product=product, year=today.year - 1, values=figures())
    services.save_report(actor=commune_officer, product=product, year=today.year - 2, values=figures())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"employees_women": 11}, "employees_women"),
        ({"employees_ethnic_minority": 11}, "employees_ethnic_minority"),
        ({"revenue": Decimal("-1")}, "revenue"),
        ({"revenue": Decimal("10") ** 16}, "revenue"),
        ({"revenue": Decimal("100.5")}, "revenue"),
        ({"output_unit": ""}, "output_unit"),
        ({"output_quantity": None}, "output_quantity"),
    ],
)
def test_bad_figures_are_refused_on_their_field_and_nothing_is_written(
    commune_officer, product, today, overrides, field
):
    with pytest.raises(DomainError) as refused:
        services.save_report(actor=commune_officer, product=product, year=today.year - 1, values=figures(**overrides))
    assert refused.value.field == field
    assert not MonitoringReport.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="programme.monitoring.").exists()


def test_the_database_refuses_parts_above_the_total(product, today):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringReport.objects.create(
            product=product,
            year=today.year - 1,
            output_quantity=1,
            output_unit="kg",
            revenue=1,
            employees=2,
            employees_women=3,
        )


def test_who_may_write(producer, other_commune_officer, other_province_officer, commune_officer, product, today):
    year = today.year - 1
    # a producer account not linked to this product's producer
    with pytest.raises(PermissionRefused):
        services.save_report(actor=producer, product=product, year=year, values=figures())
    with pytest.raises(PermissionRefused):
        services.save_report(actor=other_commune_officer, product=product, year=year, values=figures())
    with pytest.raises(PermissionRefused):
        services.save_report(actor=other_province_officer, product=product, year=year, values=figures())
    report = services.save_report(actor=commune_officer, product=product, year=year, values=figures())
    services.submit_report(actor=commune_officer, report=report)
    with pytest.raises(PermissionRefused):
        services.approve_report(actor=other_province_officer, report=report)
    with pytest.raises(PermissionRefused):
        services.approve_report(actor=commune_officer, report=report)
    assert MonitoringReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_a_stale_edit_is_refused(commune_officer, product, today):
    year = today.year - 1
    report = services.save_report(actor=commune_officer, product=product, year=year, values=figures())
    services.save_report(
        actor=commune_officer, product=product, year=year, values=figures(employees=12), version=report.version
    )
    with pytest.raises(StaleEdit):
        services.save_report(
            actor=commune_officer, product=product, year=year, values=figures(employees=13), version=report.version
        )
    assert MonitoringReport.objects.get(pk=report.pk).employees == 12


# ── pages: flow and scope ──────────────────────────────────────────────────────────────────────────────────────────


def test_pages_create_submit_return_approve(client, linked_producer, province_officer, product, today):
    year = today.year - 1
    client.force_login(linked_producer)
    url = reverse("programme:monitoring_create") + f"?product={product.pk}&year={year}"
    page = client.get(url)
    assert page.status_code == 200 and "Gạo Séng Cù" in page.content.decode()
    data = {k: ("" if v is None else v) for k, v in figures().items()}
    bad = client.post(url, {**data, "employees_women": 40})
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()
    assert not MonitoringReport.objects.exists()
    response = client.post(url, data)
    report = MonitoringReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    client.post(reverse("programme:monitoring_submit", args=[report.pk]))
    assert MonitoringReport.objects.get().status == ReportStatus.SUBMITTED
    # the producer cannot approve
    assert client.post(reverse("programme:monitoring_approve", args=[report.pk])).status_code == 403
    client.force_login(province_officer)
    detail = client.get(report.get_absolute_url())
    assert 'data-testid="return-form"' in detail.content.decode()
    client.post(reverse("programme:monitoring_return", args=[report.pk]), {"reason": ""})
    assert MonitoringReport.objects.get().status == ReportStatus.SUBMITTED
    client.post(reverse("programme:monitoring_return", args=[report.pk]), {"reason": "Thiếu số hộ"})
    assert MonitoringReport.objects.get().status == ReportStatus.RETURNED
    client.force_login(linked_producer)
    edit = reverse("programme:monitoring_edit", args=[report.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {**data, "households_linked": 40, "version": MonitoringReport.objects.get().version})
    client.post(reverse("programme:monitoring_submit", args=[report.pk]))
    client.force_login(province_officer)
    client.post(reverse("programme:monitoring_approve", args=[report.pk]))
    report = MonitoringReport.objects.get()
    assert report.status == ReportStatus.APPROVED and report.households_linked == 40


@pytest.fixture
def submitted(commune_officer, product, today):
    report = services.save_report(actor=commune_officer, product=product, year=today.year - 1, values=figures())
    return services.submit_report(actor=commune_officer, report=report)


def test_scope_of_the_pages(client, submitted, producer, other_commune_officer, other_province_officer):
    detail = reverse("programme:monitoring_detail", args=[submitted.pk])
    edit = reverse("programme:monitoring_edit", args=[submitted.pk])
    approve = reverse("programme:monitoring_approve", args=[submitted.pk])
    client.force_login(other_commune_officer)  # another commune of the same province
    assert client.get(detail).status_code == 404
    assert client.get(edit).status_code == 404
    assert client.post(reverse("programme:monitoring_submit", args=[submitted.pk])).status_code == 404
    client.force_login(other_province_officer)  # Sơn La
    assert client.get(detail).status_code == 404
    assert client.post(approve).status_code == 404
    assert "Gạo Séng Cù" not in client.get(reverse("programme:monitoring_list")).content.decode()
    client.force_login(producer)  # not linked to the product's producer
    assert client.get(detail).status_code == 404
    assert MonitoringReport.objects.get().status == ReportStatus.SUBMITTED


def test_a_product_of_another_producer_cannot_be_reported_by_a_producer(client, producer, product, today):
    client.force_login(producer)
    url = reverse("programme:monitoring_create") + f"?product={product.pk}&year={today.year - 1}"
    assert client.get(url).status_code == 404


def test_create_for_a_year_without_certificate_says_why(client, commune_officer, certify, today):
    product = certify("Rượu ngô", datetime.date(today.year, 1, 5))
    client.force_login(commune_officer)
    url = reverse("programme:monitoring_create") + f"?product={product.pk}&year={today.year - 1}"
    page = client.get(url)
    assert 'data-testid="not-certified"' in page.content.decode()
    response = client.post(url, {k: ("" if v is None else v) for k, v in figures().items()})
    assert response.status_code == 200 and not MonitoringReport.objects.exists()


def test_list_queries_do_not_grow_with_the_rows(
    client, province_officer, commune_officer, certify, today, django_assert_max_num_queries
):
    client.force_login(province_officer)
    url = reverse("programme:monitoring_list")
    first = certify("Sản phẩm 0", datetime.date(today.year - 2, 1, 5))
    services.save_report(actor=commune_officer, product=first, year=today.year - 1, values=figures())
    client.get(url)  # warm the caches of the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(1, 8):
        p = certify(f"Sản phẩm {n}", datetime.date(today.year - 2, 1, 5))
        services.save_report(actor=commune_officer, product=p, year=today.year - 1, values=figures())
    with django_assert_max_num_queries(len(one)):
        page = client.get(url)
    assert page.content.decode().count("Sản phẩm ") >= 8


def test_product_section_shows_reports_flags_and_the_button(client, linked_producer, product, today):
    client.force_login(linked_producer)
    url = reverse("programme:product_monitoring", args=[product.pk])
    page = client.get(url, headers={"HX-Request": "true"})
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="product-monitoring"' in body
    assert "<html" not in body  # the partial only
    assert f"Lập báo cáo năm {today.year - 1}" in body
    services.save_report(actor=linked_producer, product=product, year=today.year - 1, values=figures())
    body = client.get(url).content.decode()
    assert 'data-testid="create-report"' not in body and "12,5 tấn" in body


def test_product_section_is_404_out_of_scope(client, other_province_officer, product):
    client.force_login(other_province_officer)
    assert client.get(reverse("programme:product_monitoring", args=[product.pk])).status_code == 404
