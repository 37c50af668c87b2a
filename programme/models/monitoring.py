"""Monitoring after recognition: the yearly production and business report of each certified product.

A report for year Y is due on settings.MONITORING_REPORT_DUE of Y+1; the producer (or the commune officer) fills it,
submits it, and the province approves it or returns it with a reason. The figures feed the watch-list flags
(programme.monitoring_flags), which are computed from the approved reports and never stored.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet

__all__ = [
    "MIN_REPORT_YEAR",
    "MAX_REPORT_YEAR",
    "ReportStatus",
    "MonitoringReport",
]

# Bounds that catch a typo of extra zeros, not business rules: 10^15 đồng is the house's ceiling for money.
MAX_MONEY = 10**15
MAX_PEOPLE = 100_000
MAX_QUANTITY = 10**12
MAX_AREA_HA = 10**7
MIN_REPORT_YEAR, MAX_REPORT_YEAR = 2018, 2100


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang lập")
    SUBMITTED = "submitted", _("Đã gửi, chờ tỉnh duyệt")
    RETURNED = "returned", _("Tỉnh trả lại")
    APPROVED = "approved", _("Đã duyệt")


class MonitoringReportQuerySet(ScopedQuerySet):
    def approved(self):
        return self.filter(status=ReportStatus.APPROVED)


def _money(verbose, **kwargs):
    return models.DecimalField(
        verbose,
        max_digits=18,
        decimal_places=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_MONEY)],
        **kwargs,
    )


def _people(verbose):
    return models.PositiveIntegerField(verbose, default=0, validators=[MaxValueValidator(MAX_PEOPLE)])


class MonitoringReport(models.Model):
    """One product's figures for one calendar year (placed for scope by the product's commune)."""

    product = models.ForeignKey(
        "products.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="monitoring_reports"
    )
    year = models.PositiveSmallIntegerField(
        _("năm báo cáo"), validators=[MinValueValidator(MIN_REPORT_YEAR), MaxValueValidator(MAX_REPORT_YEAR)]
    )
    status = models.CharField(_("tình trạng"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    output_quantity = models.DecimalField(
        _("sản lượng"),
        max_digits=18,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_QUANTITY)],
    )
    output_unit = models.CharField(_("đơn vị tính sản lượng"), max_length=30, help_text=_("Ví dụ: kg, tấn, lít, hộp."))
    revenue = _money(_("doanh thu (đồng)"))
    average_price = _money(_("giá bán bình quân (đồng/đơn vị)"), null=True, blank=True)
    employees = _people(_("số lao động"))
    employees_ethnic_minority = _people(_("lao động là người dân tộc thiểu số"))
    employees_women = _people(_("lao động nữ"))
    raw_material_area_ha = models.DecimalField(
        _("diện tích vùng nguyên liệu (ha)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AREA_HA)],
    )
    households_linked = _people(_("số hộ liên kết"))
    markets = models.TextField(_("thị trường tiêu thụ"), blank=True, help_text=_("Các tỉnh trong nước, xuất khẩu."))
    channels = models.TextField(_("kênh bán hàng"), blank=True)
    problems = models.TextField(_("khó khăn, kiến nghị"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    submitted_at = models.DateTimeField(_("ngày gửi"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(_("ngày duyệt"), null=True, blank=True, editable=False)
    return_reason = models.TextField(_("lý do trả lại"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("ngày sửa"), default=timezone.now, editable=False)
    # core.concurrency: an edit form carries the version it was read at; a save over a later one is refused
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MonitoringReportQuerySet.as_manager()
    scope_area_field = "product__location"

    class Meta:
        verbose_name = _("báo cáo sau công nhận")
        verbose_name_plural = _("báo cáo sau công nhận")
        ordering = ["-year", "product_id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "year"], name="monitoring_product_year_uniq"),
            models.CheckConstraint(
                condition=Q(employees_ethnic_minority__lte=F("employees")) & Q(employees_women__lte=F("employees")),
                name="monitoring_employee_parts_lte_total",
            ),
            models.CheckConstraint(
                condition=Q(output_quantity__gte=0) & Q(revenue__gte=0), name="monitoring_figures_nonnegative"
            ),
        ]
        indexes = [models.Index(fields=["year", "status"], name="monitoring_year_status_idx")]

    def __str__(self):
        return _("Báo cáo năm %(year)s — %(product)s") % {"year": self.year, "product": self.product}

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("programme:monitoring_detail", args=[self.pk])

    @property
    def quantity(self):
        """The output without the trailing zeros of its three decimal places (1500, 12.5), for display."""
        value = self.output_quantity
        if value is None:
            return None
        return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
