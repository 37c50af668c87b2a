"""The watch-list flags at their thresholds (settings.MONITORING_FLAGS), and flags_for's constant query count."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from products.models import Dossier
from programme import event_services
from programme import monitoring_services as services
from programme.models import MonitoringReport, ReportStatus
from programme.monitoring_flags import (
    DISPLAY_ONLY,
    EXPIRING_NO_DOSSIER,
    NO_PROMOTION,
    SHRINKING_AREA,
    flags_for,
    months_before,
)
from programme.monitoring_queries import due_date
from programme.tests import test_monitoring as shared

pytestmark = pytest.mark.django_db
# the fixtures shared with test_monitoring
certify, figures, today = shared.certify, shared.figures, shared.today
FLAGS = {"shrinking_area_percent": 20, "expiring_days": 180, "no_promotion_months": 12}


def codes(product, day):
    return [f.code for f in flags_for([product.pk], day).get(product.pk, [])]


def approved(product, year, **overrides):
    """An approved report, written as the import does (no actor: the system)."""
    report = services.save_report(actor=None, product=product, year=year, values=figures(**overrides))
    services.submit_report(actor=None, report=report)
    return services.approve_report(actor=None, report=report)


@pytest.fixture
def old_product(certify, today):
    """Certified from 01/02 three years ago for five years, and shown at a fair: only the report flags can show."""
    return certify("Gạo nếp tan", datetime.date(today.year - 3, 2, 1), valid_until=datetime.date(today.year + 2, 1, 31))


@pytest.fixture
def promoted(province_officer, unit):
    def run(product, start):
        event = event_services.create_event(
            actor=province_officer,
            name=f"Hội chợ {start}",
            kind="fair",
            level="province",
            organiser="Sở Công Thương",
            start_date=start,
            end_date=start + datetime.timedelta(days=2),
            place="Điện Biên Phủ",
            area=None,
            province=unit("2025:11"),
            description="",
            is_public=True,
        )
        event_services.add_participant(
            actor=province_officer, event=event, producer=product.producer, products=[product]
        )

    return run


@override_settings(MONITORING_FLAGS=FLAGS)
@pytest.mark.parametrize(("area_now", "flagged"), [("80", True), ("80.01", False), ("0", True), ("100", False)])
def test_shrinking_area_at_exactly_the_threshold(old_product, promoted, today, area_now, flagged):
    promoted(old_product, datetime.date(today.year - 3, 3, 1))
    approved(old_product, today.year - 2, raw_material_area_ha=Decimal("100"))
    approved(old_product, today.year - 1, raw_material_area_ha=Decimal(area_now))
    assert (SHRINKING_AREA in codes(old_product, today)) is flagged


@pytest.mark.parametrize(("percent", "flagged"), [(20, False), (19, True)])
def test_shrinking_area_threshold_is_read_at_call_time(old_product, today, percent, flagged):
    approved(old_product, today.year - 2, raw_material_area_ha=Decimal("10"))
    approved(old_product, today.year - 1, raw_material_area_ha=Decimal("8.01"))  # down 19.9 %
    with override_settings(MONITORING_FLAGS={**FLAGS, "shrinking_area_percent": percent}):
        assert (SHRINKING_AREA in codes(old_product, today)) is flagged


def test_shrinking_area_ignores_reports_not_approved(old_product, today):
    approved(old_product, today.year - 2, raw_material_area_ha=Decimal("100"))
    services.save_report(
        actor=None, product=old_product, year=today.year - 1, values=figures(raw_material_area_ha=Decimal("10"))
    )
    assert SHRINKING_AREA not in codes(old_product, today)


@override_settings(MONITORING_FLAGS=FLAGS)
@pytest.mark.parametrize(("days_left", "flagged"), [(180, True), (181, False), (0, True)])
def test_expiring_without_a_rerating_dossier(certify, today, days_left, flagged):
    product = certify(
        "Cà phê", datetime.date(today.year - 3, 1, 2), valid_until=today + datetime.timedelta(days=days_left)
    )
    assert (EXPIRING_NO_DOSSIER in codes(product, today)) is flagged


@override_settings(MONITORING_FLAGS=FLAGS)
def test_a_rerating_dossier_filed_since_the_decision_clears_the_flag(certify, today):
    decided = datetime.date(today.year - 3, 1, 2)
    product = certify("Chè shan", decided, valid_until=today + datetime.timedelta(days=30))
    Dossier.objects.create(product=product, kind="rerating", first_submitted_on=decided - datetime.timedelta(days=1))
    Dossier.objects.create(product=product, kind="upgrade", first_submitted_on=today)
    Dossier.objects.create(product=product, kind="rerating")  # a draft, never filed
    assert EXPIRING_NO_DOSSIER in codes(product, today)
    Dossier.objects.create(product=product, kind="rerating", first_submitted_on=decided)
    assert EXPIRING_NO_DOSSIER not in codes(product, today)


@override_settings(MONITORING_FLAGS={**FLAGS, "expiring_days": 10})
def test_expiring_days_is_a_setting(certify, today):
    product = certify("Cá suối", datetime.date(today.year - 3, 1, 2), valid_until=today + datetime.timedelta(days=11))
    assert EXPIRING_NO_DOSSIER not in codes(product, today)


@override_settings(MONITORING_FLAGS=FLAGS)
@pytest.mark.parametrize(("shift", "flagged"), [(0, True), (1, False), (-1, True)])
def test_no_promotion_from_twelve_months_after_the_first_recognition(certify, today, shift, flagged):
    recognised = months_before(today, 12) + datetime.timedelta(days=shift)
    product = certify("Thịt trâu gác bếp", recognised)
    assert (NO_PROMOTION in codes(product, today)) is flagged


@override_settings(MONITORING_FLAGS=FLAGS)
def test_an_event_since_the_first_recognition_clears_no_promotion(certify, promoted, today):
    recognised = months_before(today, 24)
    product = certify("Măng khô", recognised)
    promoted(product, recognised - datetime.timedelta(days=10))  # ended before the recognition: does not count
    assert NO_PROMOTION in codes(product, today)
    promoted(product, recognised + datetime.timedelta(days=30))
    assert NO_PROMOTION not in codes(product, today)


def test_months_before_keeps_the_day_or_the_last_of_the_month():
    assert months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 1, 15), 12) == datetime.date(2025, 1, 15)
    assert months_before(datetime.date(2024, 2, 29), 12) == datetime.date(2023, 2, 28)


def test_display_only_when_the_approved_report_has_no_output_or_no_revenue(old_product, today):
    report = approved(old_product, today.year - 1, revenue=Decimal("0"))
    assert DISPLAY_ONLY in codes(old_product, today)
    services.reopen_report(actor=None, report=report, reason="Sửa")
    services.save_report(actor=None, product=old_product, year=report.year, values=figures(output_quantity=0))
    services.submit_report(actor=None, report=report)
    services.approve_report(actor=None, report=report)
    assert DISPLAY_ONLY in codes(old_product, today)


def test_display_only_when_no_approved_report_after_the_due_date(old_product, today):
    year = today.year - 1
    due = due_date(year)
    assert DISPLAY_ONLY not in codes(old_product, due)
    assert DISPLAY_ONLY in codes(old_product, due + datetime.timedelta(days=1))
    report = services.save_report(actor=None, product=old_product, year=year, values=figures())
    services.submit_report(actor=None, report=report)  # submitted is not approved
    assert DISPLAY_ONLY in codes(old_product, due + datetime.timedelta(days=1))
    services.approve_report(actor=None, report=report)
    assert DISPLAY_ONLY not in codes(old_product, due + datetime.timedelta(days=1))


def test_no_display_only_for_a_product_not_certified_last_year(certify, today):
    product = certify("Rau sạch", datetime.date(today.year, 1, 2))
    assert DISPLAY_ONLY not in codes(product, due_date(today.year - 1) + datetime.timedelta(days=5))


def test_flag_details_say_why(old_product, today):
    approved(old_product, today.year - 2, raw_material_area_ha=Decimal("100"))
    approved(old_product, today.year - 1, raw_material_area_ha=Decimal("50"))
    flag = next(f for f in flags_for([old_product.pk], today)[old_product.pk] if f.code == SHRINKING_AREA)
    assert flag.label == "Vùng nguyên liệu thu hẹp"
    assert "giảm 50,0%" in flag.detail and str(today.year - 2) in flag.detail


def test_flags_for_runs_a_constant_number_of_queries(certify, today):
    from products.models import Product

    first = certify("P0", datetime.date(today.year - 3, 1, 2), valid_until=today + datetime.timedelta(days=20))
    approved(first, today.year - 2, raw_material_area_ha=Decimal("10"))
    approved(first, today.year - 1, raw_material_area_ha=Decimal("5"))
    with CaptureQueriesContext(connection) as one:
        result = flags_for(Product.objects.filter(pk=first.pk), today)
    assert {SHRINKING_AREA, EXPIRING_NO_DOSSIER} <= {f.code for f in result[first.pk]}
    for n in range(1, 6):
        p = certify(f"P{n}", datetime.date(today.year - 3, 1, 2), valid_until=today + datetime.timedelta(days=20))
        approved(p, today.year - 2, raw_material_area_ha=Decimal("10"))
        approved(p, today.year - 1, raw_material_area_ha=Decimal("5"))
    with CaptureQueriesContext(connection) as many:
        result = flags_for(Product.objects.all(), today)
    assert len(many) == len(one) == 2
    assert len(result) == 6
    assert MonitoringReport.objects.filter(status=ReportStatus.APPROVED).count() == 12
