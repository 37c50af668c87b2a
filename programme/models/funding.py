"""The support ledger (sổ theo dõi hỗ trợ): what the programme gave to whom, from which source, for what, how much was
planned and disbursed, in which year and by which decision.

A line belongs to the province that records it (`province`, which places it for scope). Its beneficiary is a
producer, a product (which implies its producer), a linkage project or a commune. Where the line lies is its `place`
(the product's commune, else the producer's, else the commune, else the linkage project's province), stored with
its unit in each boundary scheme (the five place fields, as products.placement does for products) so totals by
area group in SQL in either scheme, one level down the asked area.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet
from programme.choices import FundingSource, SupporterLevel, SupportPurpose

__all__ = ["SupportLine", "MAX_SUPPORT_AMOUNT", "SUPPORT_PLACE_FIELDS"]

MAX_SUPPORT_AMOUNT = 10**15  # đồng: far above any programme budget, low enough to catch a typo of extra zeros
SUPPORT_PLACE_FIELDS = ("old_commune", "old_district", "old_province", "new_commune", "new_province")
_MONEY = [MinValueValidator(0), MaxValueValidator(MAX_SUPPORT_AMOUNT)]


class SupportLineQuerySet(ScopedQuerySet):
    pass


def _unit(verbose_name, **kwargs):
    return models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **kwargs,
    )


def _place(verbose_name):
    return models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )


class SupportLine(models.Model):
    province = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("tỉnh ghi nhận"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tỉnh theo dõi khoản hỗ trợ; đối tượng được hỗ trợ phải thuộc tỉnh này."),
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(2018), MaxValueValidator(2100)])
    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("chủ thể"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_lines",
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("sản phẩm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_lines",
    )
    linkage_project = models.ForeignKey(
        "programme.LinkageProject",
        verbose_name=_("dự án liên kết"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_lines",
    )
    commune = _unit(_("xã được hỗ trợ"))
    plan_line = models.ForeignKey(
        "programme.PlanLine",
        verbose_name=_("thuộc dòng kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_lines",
    )
    purpose = models.CharField(_("nội dung hỗ trợ"), max_length=20, choices=SupportPurpose.choices)
    source = models.CharField(_("nguồn vốn"), max_length=15, choices=FundingSource.choices)
    supporter = models.CharField(_("cấp hỗ trợ"), max_length=10, choices=SupporterLevel.choices, blank=True)
    amount_planned = models.DecimalField(
        _("kinh phí kế hoạch (đồng)"),
        max_digits=18,
        decimal_places=0,
        null=True,
        blank=True,
        validators=_MONEY,
        help_text=_("Để trống nếu chưa xác định kinh phí."),
    )
    amount_disbursed = models.DecimalField(
        _("kinh phí đã giải ngân (đồng)"), max_digits=18, decimal_places=0, null=True, blank=True, validators=_MONEY
    )
    disbursed_on = models.DateField(_("ngày giải ngân"), null=True, blank=True)
    decision_no = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    # where the line lies (see the module docstring); set by programme.funding_services, never edited by hand
    place = _place(_("nơi thụ hưởng"))
    old_commune = _place(_("xã (địa giới cũ)"))
    old_district = _place(_("huyện (địa giới cũ)"))
    old_province = _place(_("tỉnh (địa giới cũ)"))
    new_commune = _place(_("xã (địa giới mới)"))
    new_province = _place(_("tỉnh (địa giới mới)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, editable=False)

    objects = SupportLineQuerySet.as_manager()
    scope_area_field = "province"

    class Meta:
        verbose_name = _("khoản hỗ trợ")
        verbose_name_plural = _("khoản hỗ trợ")
        ordering = ["-year", "-id"]
        indexes = [
            models.Index(fields=["province", "year"], name="support_province_year_idx"),
            models.Index(fields=["product"], name="support_product_idx"),
            models.Index(fields=["new_province", "year"], name="support_new_province_idx"),
            models.Index(fields=["old_province", "year"], name="support_old_province_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_planned__isnull=True) | models.Q(amount_planned__gte=0),
                name="support_planned_nonnegative",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_disbursed__isnull=True) | models.Q(amount_disbursed__gte=0),
                name="support_disbursed_nonnegative",
            ),
            models.CheckConstraint(
                condition=models.Q(producer__isnull=False)
                | models.Q(product__isnull=False)
                | models.Q(linkage_project__isnull=False)
                | models.Q(commune__isnull=False)
                | models.Q(plan_line__isnull=False),
                name="support_has_beneficiary",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2018) & models.Q(year__lte=2100), name="support_year_range"
            ),
        ]

    def __str__(self):
        return f"{self.beneficiary_label} — {self.get_purpose_display()} ({self.year})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("programme:support_detail", args=[self.pk])

    @property
    def beneficiary_label(self) -> str:
        """The beneficiary as people name it: the product (and its producer), the producer, the project, the commune."""
        if self.product_id:
            return f"{self.product.name} ({self.product.producer.name})"
        if self.producer_id:
            return self.producer.name
        if self.linkage_project_id:
            return self.linkage_project.name
        if self.commune_id:
            return self.commune.name
        return ""

    @property
    def has_no_amount(self) -> bool:
        return self.amount_planned is None and self.amount_disbursed is None
