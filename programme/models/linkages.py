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

__all__ = [
    "LinkageProject",
    "LinkageStatus",
    "LinkagePartner",
    "PartnerKind",
    "LinkageResult",
    "InvestmentProject",
    "InvestmentStage",
    "RawMaterialArea",
    "RawMaterialAreaYear",
    "AreaCertification",
    "MAX_AREA_HA",
    "MAX_AMOUNT",
    "MAX_HOUSEHOLDS",
    "MAX_OUTPUT",
]

MAX_AREA_HA = 1_000_000  # far above any province's farmland: catches a typo of extra zeros
MAX_AMOUNT = 10**15
MAX_HOUSEHOLDS = 1_000_000  # far above the households of any one project or raw-material area
MAX_OUTPUT = 10**10  # output in any unit (tấn, kg, quả, …): bounds a typo, not a real harvest
MIN_YEAR, MAX_YEAR = 2018, 2100  # as programme.models.plans (the names are exported from there)

AREA_VALIDATORS = [MinValueValidator(0), MaxValueValidator(MAX_AREA_HA)]
HOUSEHOLD_VALIDATORS = [MaxValueValidator(MAX_HOUSEHOLDS)]
YEAR_VALIDATORS = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


def _non_negative(name, *fields):
    """One check constraint: each named nullable number is empty or at least 0."""
    condition = models.Q()
    for field in fields:
        condition &= models.Q(**{f"{field}__isnull": True}) | models.Q(**{f"{field}__gte": 0})
    return models.CheckConstraint(condition=condition, name=name)


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
    contract_value = models.DecimalField(
        _("giá trị hợp đồng liên kết (đồng)"),
        max_digits=18,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
        help_text=_("Tổng giá trị bao tiêu sản phẩm theo hợp đồng, nếu có."),
    )
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
            ),
            _non_negative("linkage_amounts_nonnegative", "area_ha", "support_approved", "contract_value"),
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


class PartnerKind(models.TextChoices):
    HOUSEHOLD = "household", _("Hộ gia đình")
    HOUSEHOLD_GROUP = "household-group", _("Tổ hợp tác, nhóm hộ")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    OTHER = "other", _("Khác")


class LinkagePartner(models.Model):
    """One party the lead contracts with: a producer of the register, or a household, group or firm named in text."""

    project = models.ForeignKey(
        LinkageProject, verbose_name=_("dự án liên kết"), on_delete=models.CASCADE, related_name="partners"
    )
    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("chủ thể trong danh sách"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="linkage_partnerships",
    )
    name = models.CharField(_("tên bên liên kết"), max_length=255)
    kind = models.CharField(_("loại"), max_length=16, choices=PartnerKind.choices)
    commune = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("xã"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    households = models.PositiveIntegerField(_("số hộ"), null=True, blank=True, validators=HOUSEHOLD_VALIDATORS)
    area_ha = models.DecimalField(
        _("diện tích (ha)"), max_digits=12, decimal_places=2, null=True, blank=True, validators=AREA_VALIDATORS
    )
    contract_no = models.CharField(_("số hợp đồng"), max_length=60, blank=True)
    contract_date = models.DateField(_("ngày ký hợp đồng"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "project__province"

    class Meta:
        verbose_name = _("bên tham gia liên kết")
        verbose_name_plural = _("bên tham gia liên kết")
        ordering = ["project", "name", "id"]
        constraints = [_non_negative("linkage_partner_area_nonnegative", "area_ha")]

    def __str__(self):
        return self.name


class LinkageResult(models.Model):
    """What a project achieved in one year (one row per project and year: a later entry corrects the earlier)."""

    project = models.ForeignKey(
        LinkageProject, verbose_name=_("dự án liên kết"), on_delete=models.CASCADE, related_name="results"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    area_ha = models.DecimalField(
        _("diện tích thực hiện (ha)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=AREA_VALIDATORS,
    )
    output = models.DecimalField(
        _("sản lượng tiêu thụ qua liên kết"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_OUTPUT)],
    )
    output_unit = models.CharField(
        _("đơn vị sản lượng"), max_length=20, blank=True, help_text=_("Ví dụ: tấn, kg, quả.")
    )
    value = models.DecimalField(
        _("giá trị (đồng)"),
        max_digits=18,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )
    households = models.PositiveIntegerField(
        _("số hộ tham gia"), null=True, blank=True, validators=HOUSEHOLD_VALIDATORS
    )
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(_("ngày ghi"), default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "project__province"

    class Meta:
        verbose_name = _("kết quả liên kết trong năm")
        verbose_name_plural = _("kết quả liên kết theo năm")
        ordering = ["project", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="linkage_result_project_year_uniq"),
            _non_negative("linkage_result_nonnegative", "area_ha", "output", "value"),
            models.CheckConstraint(
                condition=models.Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), name="linkage_result_year_range"
            ),
        ]

    def __str__(self):
        return f"{self.project} — {self.year}"


class InvestmentStage(models.TextChoices):
    SURVEY = "survey", _("Khảo sát")
    PREPARING = "preparing", _("Lập dự án")
    APPROVED = "approved", _("Đã phê duyệt, chấp thuận đầu tư")
    IMPLEMENTING = "implementing", _("Đang triển khai trồng, xây dựng")
    PRODUCING = "producing", _("Đã cho sản phẩm")
    STOPPED = "stopped", _("Dừng thực hiện")


class InvestmentProject(models.Model):
    """An investment that creates a raw-material area (mắc ca Mường Nhà, bơ Núa Ngam): its investor, where, how large,
    and how far it has come. Owned by the province that records it (`province`)."""

    name = models.CharField(_("tên dự án đầu tư"), max_length=500)
    province = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("tỉnh quản lý"), on_delete=models.PROTECT, related_name="+"
    )
    investor = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("nhà đầu tư trong danh sách chủ thể"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="investment_projects",
    )
    investor_name = models.CharField(_("tên nhà đầu tư"), max_length=255, blank=True)
    communes = models.ManyToManyField(
        "areas.AdministrativeUnit", verbose_name=_("xã thực hiện"), related_name="+", blank=True
    )
    crop = models.CharField(_("cây trồng, sản phẩm"), max_length=255, help_text=_("Ví dụ: mắc ca, bơ, cà phê."))
    planned_area_ha = models.DecimalField(
        _("diện tích theo dự án (ha)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=AREA_VALIDATORS,
    )
    planted_area_ha = models.DecimalField(
        _("diện tích đã trồng (ha)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=AREA_VALIDATORS,
    )
    stage = models.CharField(
        _("giai đoạn"), max_length=12, choices=InvestmentStage.choices, default=InvestmentStage.SURVEY
    )
    decision_no = models.CharField(_("số quyết định chủ trương, chấp thuận"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "province"

    class Meta:
        verbose_name = _("dự án đầu tư vùng nguyên liệu")
        verbose_name_plural = _("dự án đầu tư vùng nguyên liệu")
        ordering = ["name", "id"]
        constraints = [_non_negative("investment_areas_nonnegative", "planned_area_ha", "planted_area_ha")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("programme:investment_detail", args=[self.pk])

    @property
    def investor_label(self) -> str:
        return self.investor.name if self.investor_id else self.investor_name


class AreaCertification(models.TextChoices):
    NONE = "none", _("Chưa chứng nhận")
    VIETGAP = "vietgap", _("VietGAP")
    ORGANIC = "organic", _("Hữu cơ")
    GLOBALGAP = "globalgap", _("GlobalGAP")
    OTHER = "other", _("Chứng nhận khác")


class RawMaterialArea(models.Model):
    """The area that supplies one product's raw material: where (communes of either scheme), how large, certified
    how, and the project that built or links it. Placed for scope by its product's location."""

    product = models.ForeignKey(
        "products.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="raw_material_areas"
    )
    name = models.CharField(_("tên vùng nguyên liệu"), max_length=255)
    communes = models.ManyToManyField(
        "areas.AdministrativeUnit", verbose_name=_("xã có vùng nguyên liệu"), related_name="+", blank=True
    )
    area_ha = models.DecimalField(
        _("diện tích (ha)"), max_digits=12, decimal_places=2, null=True, blank=True, validators=AREA_VALIDATORS
    )
    certification = models.CharField(
        _("chứng nhận"), max_length=10, choices=AreaCertification.choices, default=AreaCertification.NONE
    )
    certificate_no = models.CharField(_("số giấy chứng nhận"), max_length=60, blank=True)
    certified_until = models.DateField(_("chứng nhận có hiệu lực đến"), null=True, blank=True)
    linkage_project = models.ForeignKey(
        LinkageProject,
        verbose_name=_("dự án liên kết"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raw_material_areas",
    )
    investment_project = models.ForeignKey(
        InvestmentProject,
        verbose_name=_("dự án đầu tư"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raw_material_areas",
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "product__location"

    class Meta:
        verbose_name = _("vùng nguyên liệu")
        verbose_name_plural = _("vùng nguyên liệu")
        ordering = ["product", "name", "id"]
        constraints = [
            _non_negative("raw_area_nonnegative", "area_ha"),
            # a certificate is named only for a certified area
            models.CheckConstraint(
                condition=~models.Q(certification="none") | models.Q(certificate_no="", certified_until__isnull=True),
                name="raw_area_certificate_needs_certification",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("programme:raw_area_detail", args=[self.pk])

    def clean(self):
        if self.certification == AreaCertification.NONE and (self.certificate_no or self.certified_until):
            raise ValidationError({"certification": _("Vùng chưa chứng nhận thì không ghi số, hạn giấy chứng nhận.")})


class RawMaterialAreaYear(models.Model):
    """One year's figures of a raw-material area (one row per area and year: a later entry corrects the earlier)."""

    raw_area = models.ForeignKey(
        RawMaterialArea, verbose_name=_("vùng nguyên liệu"), on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    area_ha = models.DecimalField(
        _("diện tích (ha)"), max_digits=12, decimal_places=2, null=True, blank=True, validators=AREA_VALIDATORS
    )
    output_tonnes = models.DecimalField(
        _("sản lượng (tấn)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_OUTPUT)],
    )
    households = models.PositiveIntegerField(
        _("số hộ tham gia"), null=True, blank=True, validators=HOUSEHOLD_VALIDATORS
    )
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(_("ngày ghi"), default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "raw_area__product__location"

    class Meta:
        verbose_name = _("số liệu vùng nguyên liệu trong năm")
        verbose_name_plural = _("số liệu vùng nguyên liệu theo năm")
        ordering = ["raw_area", "year"]
        constraints = [
            models.UniqueConstraint(fields=["raw_area", "year"], name="raw_area_year_uniq"),
            _non_negative("raw_area_year_nonnegative", "area_ha", "output_tonnes"),
            models.CheckConstraint(
                condition=models.Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), name="raw_area_year_range"
            ),
        ]

    def __str__(self):
        return f"{self.raw_area} — {self.year}"
