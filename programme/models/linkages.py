"""Production linkage projects (dự án, kế hoạch liên kết sản xuất gắn với tiêu thụ sản phẩm): a lead enterprise or
cooperative, the producers and households it contracts with, the communes and products involved, what was contracted,
the support approved, and the results year by year. Owned by the province that records it (`province`), which places
it for scope; the communes it covers may lie in either scheme."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet

__all__ = ["LinkageProject", "LinkageStatus", "MAX_AREA_HA", "MAX_AMOUNT"]

MAX_AREA_HA = 1_000_000  # far above any province's farmland: catches a typo of extra zeros
MAX_AMOUNT = 10**15


class LinkageStatus(models.TextChoices):
    PREPARING = "preparing", _("Đang xây dựng, chờ phê duyệt")
    APPROVED = "approved", _("Đã phê duyệt")
    RUNNING = "running", _("Đang thực hiện")
    COMPLETED = "completed", _("Đã hoàn thành")
    STOPPED = "stopped", _("Dừng thực hiện")


class LinkageQuerySet(ScopedQuerySet):
    pass


class LinkageProject(models.Model):
    name = models.CharField(_("tên dự án liên kết"), max_length=500)
    province = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("tỉnh quản lý"), on_delete=models.PROTECT, related_name="+"
    )
    lead = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("đơn vị chủ trì liên kết"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_linkages",
        help_text=_("Doanh nghiệp hoặc hợp tác xã chủ trì; để trống nếu chưa có trong danh sách chủ thể."),
    )
    lead_name = models.CharField(_("tên đơn vị chủ trì"), max_length=255, blank=True)
    communes = models.ManyToManyField(
        "areas.AdministrativeUnit", verbose_name=_("xã tham gia"), related_name="+", blank=True
    )
    products = models.ManyToManyField(
        "products.Product", verbose_name=_("sản phẩm"), related_name="linkage_projects", blank=True
    )
    product_text = models.CharField(
        _("sản phẩm liên kết"), max_length=255, blank=True, help_text=_("Ví dụ: quả vú sữa, lúa gạo, bưởi da xanh.")
    )
    area_ha = models.DecimalField(
        _("diện tích (ha)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AREA_HA)],
    )
    households = models.PositiveIntegerField(_("số hộ tham gia"), null=True, blank=True)
    contracted_output = models.CharField(_("sản lượng ký kết"), max_length=255, blank=True)
    contract_start = models.DateField(_("ngày bắt đầu hợp đồng"), null=True, blank=True)
    contract_end = models.DateField(_("ngày kết thúc hợp đồng"), null=True, blank=True)
    approval_no = models.CharField(_("số quyết định phê duyệt"), max_length=60, blank=True)
    approval_date = models.DateField(_("ngày phê duyệt"), null=True, blank=True)
    support_approved = models.DecimalField(
        _("kinh phí hỗ trợ được duyệt (đồng)"),
        max_digits=18,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=LinkageStatus.choices, default=LinkageStatus.PREPARING
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, editable=False)

    objects = LinkageQuerySet.as_manager()
    scope_area_field = "province"

    class Meta:
        verbose_name = _("dự án liên kết sản xuất")
        verbose_name_plural = _("dự án liên kết sản xuất")
        ordering = ["-contract_start", "-id"]
        indexes = [models.Index(fields=["province", "contract_start"], name="linkage_province_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contract_end__isnull=True)
                | models.Q(contract_start__isnull=True)
                | models.Q(contract_end__gte=models.F("contract_start")),
                name="linkage_contract_ordered",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("programme:linkage_detail", args=[self.pk])

    @property
    def started_year(self) -> int | None:
        """The year the linkage model counts as new (plan targets "mô hình liên kết"): its contract's start."""
        return self.contract_start.year if self.contract_start else None

    def clean(self):
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            raise ValidationError({"contract_end": _("Ngày kết thúc hợp đồng không được trước ngày bắt đầu.")})
