"""Training courses (tập huấn), communication campaigns (tuyên truyền) and the province's honours (tôn vinh)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet
from programme.choices import FundingSource
from programme.models.plans import MAX_YEAR, MIN_YEAR

__all__ = [
    "TrainingKind",
    "Audience",
    "Channel",
    "HonourKind",
    "TrainingCourse",
    "CommunicationCampaign",
    "Honour",
    "MAX_PEOPLE",
    "MAX_COST",
]

# Bounds that catch a typo of extra zeros: no course or broadcast counts more people than the country has.
MAX_PEOPLE = 100_000_000
MAX_COST = 10**15  # đồng, the house bound on money


class TrainingKind(models.TextChoices):
    TRAINING = "training", _("Tập huấn")
    CONFERENCE = "conference", _("Hội nghị giới thiệu, triển khai")
    STUDY_TOUR = "study-tour", _("Tham quan học tập mô hình")
    OTHER = "other", _("Khác")


class Audience(models.TextChoices):
    """Who a course or campaign is for (seed 004: "các cơ quan, ban, ngành, đoàn thể huyện và UBND các xã, hợp tác xã,
    các doanh nghiệp")."""

    OFFICERS = "officers", _("Cán bộ huyện, xã")
    AGENCIES = "agencies", _("Cơ quan, ban, ngành, đoàn thể")
    COOPERATIVES = "cooperatives", _("Hợp tác xã, tổ hợp tác")
    ENTERPRISES = "enterprises", _("Doanh nghiệp")
    HOUSEHOLDS = "households", _("Hộ gia đình, người dân")
    PRODUCERS = "producers", _("Chủ thể OCOP")


class Channel(models.TextChoices):
    RADIO = "radio", _("Phát thanh")
    TELEVISION = "television", _("Truyền hình")
    PRESS = "press", _("Báo in")
    ONLINE = "online", _("Trang thông tin điện tử, mạng xã hội")
    PRINT = "print", _("Tờ rơi, pano, áp phích")
    CONFERENCE = "conference", _("Hội nghị, sự kiện")
    OTHER = "other", _("Khác")


class HonourKind(models.TextChoices):
    PRODUCER = "producer", _("Chủ thể tiêu biểu")
    PRODUCT = "product", _("Sản phẩm tiêu biểu")
    OTHER = "other", _("Khác")


PEOPLE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(MAX_PEOPLE)]
YEAR_VALIDATORS = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


def _validate_audience(value):
    if not isinstance(value, list) or any(item not in Audience.values for item in value):
        raise ValidationError(_("Đối tượng không hợp lệ."))


class TrainingQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)


class TrainingCourse(models.Model):
    """One course or conference, owned by the province that records it (`province`, which places it for scope); `area`
    is the district (before 07/2025) or commune that organised it, if not the province itself."""

    title = models.CharField(_("tên lớp, hội nghị"), max_length=255)
    kind = models.CharField(_("hình thức"), max_length=15, choices=TrainingKind.choices)
    organiser = models.CharField(_("đơn vị tổ chức"), max_length=255)
    province = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("tỉnh quản lý"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("huyện, xã tổ chức"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống nếu do tỉnh tổ chức."),
    )
    place = models.CharField(_("địa điểm"), max_length=255)
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"))
    audience = models.JSONField(_("đối tượng"), default=list, blank=True, validators=[_validate_audience])
    communes = models.ManyToManyField(
        "areas.AdministrativeUnit",
        verbose_name=_("các xã có người tham dự"),
        blank=True,
        related_name="training_courses",
    )
    # unknown (None) when the source gives no number, as seed 004 for Thuận Châu's conference: never stored as 0
    participants = models.PositiveIntegerField(
        _("số người tham dự"),
        null=True,
        blank=True,
        validators=PEOPLE_VALIDATORS,
        help_text=_("Để trống nếu chưa biết."),
    )
    participants_women = models.PositiveIntegerField(_("trong đó nữ"), default=0, validators=PEOPLE_VALIDATORS)
    participants_ethnic_minority = models.PositiveIntegerField(
        _("trong đó người dân tộc thiểu số"), default=0, validators=PEOPLE_VALIDATORS
    )
    cost = models.DecimalField(
        _("kinh phí (đồng)"),
        max_digits=18,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_COST)],
    )
    funding_source = models.CharField(_("nguồn kinh phí"), max_length=15, choices=FundingSource.choices, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    cancelled_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("lý do hủy"), max_length=500, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, editable=False)

    objects = TrainingQuerySet.as_manager()
    scope_area_field = "province"

    class Meta:
        verbose_name = _("lớp tập huấn")
        verbose_name_plural = _("lớp tập huấn")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["province", "start_date"], name="training_province_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="training_end_after_start"),
            models.CheckConstraint(
                condition=Q(participants__isnull=True, participants_women=0, participants_ethnic_minority=0)
                | (
                    Q(participants_women__lte=F("participants"))
                    & Q(participants_ethnic_minority__lte=F("participants"))
                ),
                name="training_counts_within_participants",
            ),
            models.CheckConstraint(condition=Q(cost__isnull=True) | Q(cost__gte=0), name="training_cost_nonnegative"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("programme:training_detail", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def audience_labels(self) -> list[str]:
        return [str(Audience(value).label) for value in self.audience if value in Audience.values]

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("Ngày kết thúc không được trước ngày bắt đầu.")
        total = self.participants or 0  # unknown: its parts cannot be known either
        if (self.participants_women or 0) > total:
            errors["participants_women"] = _("Số người nữ không được lớn hơn số người tham dự.")
        if (self.participants_ethnic_minority or 0) > total:
            errors["participants_ethnic_minority"] = _("Số người dân tộc thiểu số không được lớn hơn số người tham dự.")
        if errors:
            raise ValidationError(errors)


class CampaignQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)


class CommunicationCampaign(models.Model):
    """A communication activity about OCOP on one channel (seed 004: "tuyên truyền để người dân biết và tham gia")."""

    title = models.CharField(_("tên hoạt động"), max_length=255)
    channel = models.CharField(_("kênh truyền thông"), max_length=15, choices=Channel.choices)
    organiser = models.CharField(_("đơn vị thực hiện"), max_length=255)
    province = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("tỉnh quản lý"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("huyện, xã thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống nếu do tỉnh thực hiện."),
    )
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"))
    audience = models.JSONField(_("đối tượng"), default=list, blank=True, validators=[_validate_audience])
    reach = models.PositiveIntegerField(
        _("số người tiếp cận (ước tính)"), null=True, blank=True, validators=PEOPLE_VALIDATORS
    )
    items = models.PositiveIntegerField(
        _("số tin, bài, buổi phát sóng"), null=True, blank=True, validators=PEOPLE_VALIDATORS
    )
    note = models.TextField(_("ghi chú"), blank=True)
    cancelled_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("lý do hủy"), max_length=500, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, editable=False)

    objects = CampaignQuerySet.as_manager()
    scope_area_field = "province"

    class Meta:
        verbose_name = _("hoạt động truyền thông")
        verbose_name_plural = _("hoạt động truyền thông")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["province", "start_date"], name="campaign_province_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="campaign_end_after_start"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("programme:campaign_detail", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def audience_labels(self) -> list[str]:
        return [str(Audience(value).label) for value in self.audience if value in Audience.values]

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Ngày kết thúc không được trước ngày bắt đầu.")})


class HonourQuerySet(ScopedQuerySet):
    pass


class Honour(models.Model):
    """The province honours an outstanding producer or product (tôn vinh) in a year, by a decision."""

    province = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("tỉnh tôn vinh"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    kind = models.CharField(_("loại tôn vinh"), max_length=10, choices=HonourKind.choices)
    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("chủ thể"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honours",
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("sản phẩm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honours",
    )
    title = models.CharField(_("danh hiệu"), max_length=255)
    decision_no = models.CharField(_("số quyết định"), max_length=100, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    citation = models.TextField(_("thành tích"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, editable=False)

    objects = HonourQuerySet.as_manager()
    scope_area_field = "province"

    class Meta:
        verbose_name = _("tôn vinh")
        verbose_name_plural = _("tôn vinh")
        ordering = ["-year", "kind", "id"]
        indexes = [models.Index(fields=["province", "year"], name="honour_province_year_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(producer__isnull=False) & Q(product__isnull=True))
                | (Q(producer__isnull=True) & Q(product__isnull=False)),
                name="honour_one_honouree",
            ),
            models.CheckConstraint(condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR), name="honour_year_range"),
        ]

    def __str__(self):
        return f"{self.title} {self.year} — {self.honouree}"

    @property
    def honouree(self):
        return self.product if self.product_id else self.producer
