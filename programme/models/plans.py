"""Programme documents (đề án for a period), annual plans (kế hoạch năm), their targets as data, and the products each
plan names (DESIGN.md: "plans that name products").

A document or plan belongs to the unit that issued it (`area`: a province, a pre-2025 district or a commune of
either scheme), which places it for scope. Targets are rows, never columns: what is counted (`metric`) with its
qualifiers (stars, group, NTM level, a sub-area). A plan line names one product, or an idea not yet registered, with
what is planned for it; its links to the idea, product, round item and decision it became are filled as the records
appear (programme.plan_services.refresh_links) and can be set by hand.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet
from programme.choices import FundingSource, SupporterLevel

__all__ = [
    "AnnualPlan",
    "DocumentKind",
    "LineAction",
    "PlanLine",
    "PlanTarget",
    "ProgrammeDocument",
    "TargetMetric",
    "MIN_YEAR",
    "MAX_YEAR",
]

MIN_YEAR, MAX_YEAR = 2018, 2100  # the OCOP programme began in 2018 (Quyết định 490/QĐ-TTg)
YEAR_VALIDATORS = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


class DocumentKind(models.TextChoices):
    SCHEME = "scheme", _("Đề án, chương trình giai đoạn")
    PLAN = "plan", _("Kế hoạch giai đoạn")


class TargetMetric(models.TextChoices):
    """What a target counts. Each has one rule computing its actual from the records (programme.plan_actuals)."""

    NEW_PRODUCTS = "new-products", _("Sản phẩm OCOP mới được công nhận")
    UPGRADE_3_4 = "upgrade-3-4", _("Sản phẩm nâng hạng từ 3 sao lên 4 sao")
    UPGRADE_4_5 = "upgrade-4-5", _("Sản phẩm 4 sao đề nghị công nhận tiềm năng 5 sao")
    RE_RECOGNITIONS = "re-recognitions", _("Sản phẩm được đánh giá, công nhận lại")
    GROUP_PRODUCTS = "group-products", _("Sản phẩm OCOP mới thuộc một nhóm sản phẩm")
    LINKAGE_MODELS = "linkage-models", _("Mô hình liên kết sản xuất mới")
    NTM_COMMUNES = "ntm-communes", _("Xã được công nhận đạt chuẩn nông thôn mới (theo mức)")


class LineAction(models.TextChoices):
    NEW_RECOGNITION = "new", _("Đánh giá, công nhận mới")
    UPGRADE = "upgrade", _("Nâng hạng")
    RE_RECOGNITION = "re-recognition", _("Đánh giá, công nhận lại")
    SUPPORT = "support", _("Hỗ trợ phát triển")


class DocumentQuerySet(ScopedQuerySet):
    pass


class ProgrammeDocument(models.Model):
    """A programme for a period (Đề án OCOP tỉnh giai đoạn 2021–2025, 2026–2030), issued by a decision."""

    area = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("địa bàn ban hành"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("loại văn bản"), max_length=10, choices=DocumentKind.choices, default=DocumentKind.SCHEME)
    title = models.CharField(_("tên đề án"), max_length=500)
    decision_no = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("từ năm"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("đến năm"), validators=YEAR_VALIDATORS)
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, editable=False)

    objects = DocumentQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("đề án, chương trình OCOP")
        verbose_name_plural = _("đề án, chương trình OCOP")
        ordering = ["-start_year", "-id"]
        indexes = [models.Index(fields=["area", "start_year"], name="programme_doc_area_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="programme_doc_years_ordered"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.start_year}–{self.end_year})"

    def clean(self):
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("Năm kết thúc không được trước năm bắt đầu.")})


class PlanQuerySet(ScopedQuerySet):
    pass


class AnnualPlan(models.Model):
    """A yearly plan (kế hoạch năm) of a province, a district (before 07/2025) or a commune."""

    area = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    document = models.ForeignKey(
        ProgrammeDocument,
        verbose_name=_("thuộc đề án"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )
    title = models.CharField(_("tên kế hoạch"), max_length=500)
    decision_no = models.CharField(_("số văn bản"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, editable=False)

    objects = PlanQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("kế hoạch OCOP năm")
        verbose_name_plural = _("kế hoạch OCOP năm")
        ordering = ["-year", "area__code", "-id"]
        indexes = [models.Index(fields=["year", "area"], name="annual_plan_year_area_idx")]

    def __str__(self):
        return f"{self.title} ({self.year})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("programme:plan_detail", args=[self.pk])


class TargetQuerySet(ScopedQuerySet):
    pass


class PlanTarget(models.Model):
    """One target: `value` of `metric` (qualified by stars, group, NTM level, sub-area), in a plan's year or over a
    document's period. Exactly one of `plan` and `document` is set."""

    plan = models.ForeignKey(
        AnnualPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="targets", verbose_name=_("kế hoạch")
    )
    document = models.ForeignKey(
        ProgrammeDocument,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("đề án"),
    )
    metric = models.CharField(_("chỉ tiêu"), max_length=20, choices=TargetMetric.choices)
    stars = models.PositiveSmallIntegerField(
        _("hạng sao"), null=True, blank=True, validators=[MinValueValidator(3), MaxValueValidator(5)]
    )
    group = models.ForeignKey(
        "products.ProductCategory",
        verbose_name=_("nhóm sản phẩm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ntm_level = models.CharField(_("mức nông thôn mới"), max_length=20, blank=True)
    sub_area = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("địa bàn chỉ tiêu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống nếu chỉ tiêu cho cả địa bàn của kế hoạch."),
    )
    value = models.PositiveIntegerField(_("số lượng"), validators=[MaxValueValidator(100_000)])
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    objects = TargetQuerySet.as_manager()
    scope_area_field = "plan__area"  # document targets are reached through their document's pages

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["plan", "document", "metric", "stars", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(plan__isnull=False, document__isnull=True))
                | (models.Q(plan__isnull=True, document__isnull=False)),
                name="plan_target_one_owner",
            )
        ]

    def __str__(self):
        return f"{self.get_metric_display()}: {self.value}"

    def clean(self):
        errors = {}
        if self.metric == TargetMetric.GROUP_PRODUCTS and not self.group_id:
            errors["group"] = _("Chỉ tiêu theo nhóm sản phẩm cần chọn nhóm.")
        if self.metric == TargetMetric.NTM_COMMUNES and not self.ntm_level:
            errors["ntm_level"] = _("Chỉ tiêu nông thôn mới cần chọn mức (đạt chuẩn, nâng cao, kiểu mẫu).")
        if self.stars and self.metric not in (TargetMetric.NEW_PRODUCTS, TargetMetric.GROUP_PRODUCTS):
            errors["stars"] = _("Hạng sao chỉ dùng cho chỉ tiêu sản phẩm mới.")
        if errors:
            raise ValidationError(errors)


class LineQuerySet(ScopedQuerySet):
    pass


class PlanLine(models.Model):
    """A product the plan names: an existing product, a registered idea, or only a name (an idea not yet registered),
    with what is planned for it, who supports it and from which source."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("kế hoạch"))
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(
        _("tên sản phẩm"), max_length=255, help_text=_("Tên như trong kế hoạch, kể cả khi chưa có ý tưởng đăng ký.")
    )
    producer_name = models.CharField(_("chủ thể (như trong kế hoạch)"), max_length=255, blank=True)
    commune = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("xã"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("nội dung kế hoạch"), max_length=20, choices=LineAction.choices)
    target_stars = models.PositiveSmallIntegerField(
        _("hạng sao phấn đấu"), null=True, blank=True, validators=[MinValueValidator(3), MaxValueValidator(5)]
    )
    supported_by = models.CharField(_("cấp hỗ trợ"), max_length=10, choices=SupporterLevel.choices, blank=True)
    funding_source = models.CharField(_("nguồn kinh phí"), max_length=15, choices=FundingSource.choices, blank=True)
    planned_amount = models.DecimalField(
        _("kinh phí dự kiến (đồng)"),
        max_digits=18,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10**15)],
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    # what the line became, filled as the records appear (plan_services.refresh_links) or by hand
    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("chủ thể"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    idea = models.ForeignKey(
        "products.ProductIdea",
        verbose_name=_("ý tưởng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_lines",
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("sản phẩm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_lines",
    )
    round_item = models.ForeignKey(
        "evaluation.RoundItem",
        verbose_name=_("lượt đánh giá"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision = models.ForeignKey(
        "certification.Decision",
        verbose_name=_("quyết định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = LineQuerySet.as_manager()
    scope_area_field = "plan__area"

    class Meta:
        verbose_name = _("sản phẩm trong kế hoạch")
        verbose_name_plural = _("sản phẩm trong kế hoạch")
        ordering = ["plan", "position", "id"]
        indexes = [models.Index(fields=["product"], name="plan_line_product_idx")]

    def __str__(self):
        return self.name
