"""Trade-promotion events: fairs, exhibitions, supply-demand conferences, livestream sales, and who took part."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet

__all__ = [
    "EventKind",
    "EventLevel",
    "ParticipationStatus",
    "Event",
    "Participation",
    "MAX_SALES_VALUE",
    "MAX_COUNT",
]

# Bounds on reported results: far above any real fair, low enough to catch a typo of extra zeros
# (10^15 VND is about 40 billion USD).
MAX_SALES_VALUE = 10**15
MAX_COUNT = 100_000


class EventKind(models.TextChoices):
    FAIR = "fair", _("Hội chợ")
    EXHIBITION = "exhibition", _("Triển lãm")
    CONFERENCE = "conference", _("Hội nghị kết nối cung cầu")
    LIVESTREAM = "livestream", _("Bán hàng qua livestream")
    OTHER = "other", _("Khác")


class EventLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    NATIONAL = "national", _("Cấp quốc gia")
    INTERNATIONAL = "international", _("Quốc tế")


class ParticipationStatus(models.TextChoices):
    REGISTERED = "registered", _("Đăng ký, chờ duyệt")
    ACCEPTED = "accepted", _("Được tham gia")
    DECLINED = "declined", _("Không được nhận")


class EventQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)


class Event(models.Model):
    """One trade-promotion event, owned by the province that records it (its `province`, which places it for scope);
    where it happens may be anywhere (`place`, optionally `area`, a unit of either scheme)."""

    name = models.CharField(_("tên sự kiện"), max_length=255)
    kind = models.CharField(_("loại sự kiện"), max_length=15, choices=EventKind.choices)
    level = models.CharField(_("cấp"), max_length=15, choices=EventLevel.choices)
    organiser = models.CharField(_("đơn vị tổ chức"), max_length=255)
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"))
    place = models.CharField(_("địa điểm"), max_length=255)
    area = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("đơn vị hành chính nơi tổ chức"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    province = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("tỉnh quản lý"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tỉnh ghi nhận và quản lý sự kiện (không nhất thiết là nơi tổ chức)."),
    )
    description = models.TextField(_("mô tả"), blank=True)
    is_public = models.BooleanField(_("công khai"), default=True)
    cancelled_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("lý do hủy"), max_length=500, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, editable=False)

    objects = EventQuerySet.as_manager()
    scope_area_field = "province"

    class Meta:
        verbose_name = _("sự kiện xúc tiến thương mại")
        verbose_name_plural = _("sự kiện xúc tiến thương mại")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["province", "start_date"], name="event_province_start_idx"),
            models.Index(fields=["end_date"], name="event_end_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="event_end_after_start"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("programme:event_detail", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def has_ended(self, today) -> bool:
        return self.end_date < today

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Ngày kết thúc không được trước ngày bắt đầu.")})


class ParticipationQuerySet(ScopedQuerySet):
    pass


class Participation(models.Model):
    """A producer at an event with some of its products; results are reported once the event has ended."""

    event = models.ForeignKey(Event, verbose_name=_("sự kiện"), on_delete=models.CASCADE, related_name="participations")
    producer = models.ForeignKey(
        "producers.Producer", verbose_name=_("chủ thể"), on_delete=models.PROTECT, related_name="event_participations"
    )
    products = models.ManyToManyField(
        "products.Product", verbose_name=_("sản phẩm trưng bày"), related_name="event_participations"
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=ParticipationStatus.choices, default=ParticipationStatus.REGISTERED
    )
    decline_reason = models.CharField(_("lý do không nhận"), max_length=500, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    registered_at = models.DateTimeField(_("ngày đăng ký"), default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    decided_at = models.DateTimeField(_("ngày duyệt"), null=True, blank=True, editable=False)
    contracts_signed = models.PositiveIntegerField(
        _("số hợp đồng ký kết"), null=True, blank=True, validators=[MaxValueValidator(MAX_COUNT)]
    )
    sales_value = models.DecimalField(
        _("doanh số (đồng)"),
        max_digits=18,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_SALES_VALUE)],
    )
    new_buyers = models.PositiveIntegerField(
        _("số khách hàng mới"), null=True, blank=True, validators=[MaxValueValidator(MAX_COUNT)]
    )
    results_note = models.TextField(_("ghi chú kết quả"), blank=True)
    results_recorded_at = models.DateTimeField(_("ngày ghi kết quả"), null=True, blank=True, editable=False)

    objects = ParticipationQuerySet.as_manager()
    scope_area_field = "event__province"

    class Meta:
        verbose_name = _("chủ thể tham gia sự kiện")
        verbose_name_plural = _("chủ thể tham gia sự kiện")
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "producer"], name="participation_event_producer_uniq"),
            models.CheckConstraint(
                condition=models.Q(sales_value__isnull=True) | models.Q(sales_value__gte=0),
                name="participation_sales_nonnegative",
            ),
        ]
        indexes = [models.Index(fields=["producer", "status"], name="participation_producer_idx")]

    def __str__(self):
        return f"{self.producer} — {self.event}"
