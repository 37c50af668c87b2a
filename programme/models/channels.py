"""Sales channels of a product: outlets, e-commerce listings, distribution agreements (moderated).

Each row carries its public version in its own columns and a producer's pending change beside it (`proposal`, the
cleaned form values as JSON). The public record is the last approved version: `approved_at` is set and `removed_at`
is not; a pending edit of an approved row leaves the columns, hence the public page, untouched until an officer of
the product's area approves it (programme.channel_services). A row proposed new and never approved is not public;
its columns hold the proposal too, so lists can show and order it.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet

__all__ = [
    "AGREEMENT_FIELDS",
    "LISTING_FIELDS",
    "URL_MESSAGE",
    "OUTLET_FIELDS",
    "DistributionAgreement",
    "EcommerceListing",
    "LinkState",
    "Outlet",
    "OutletKind",
    "Platform",
    "Review",
]


class OutletKind(models.TextChoices):
    OCOP_SHOP = "ocop-shop", _("Điểm bán OCOP")
    SUPERMARKET = "supermarket", _("Siêu thị")
    TOURIST_SITE = "tourist-site", _("Điểm du lịch")
    SHOWROOM = "showroom", _("Phòng trưng bày")
    OTHER = "other", _("Khác")


class Platform(models.TextChoices):
    SHOPEE = "shopee", "Shopee"
    LAZADA = "lazada", "Lazada"
    TIKI = "tiki", "Tiki"
    TIKTOK_SHOP = "tiktok-shop", "TikTok Shop"
    SENDO = "sendo", "Sendo"
    POSTMART = "postmart", _("Postmart / Voso")
    OWN_SITE = "own-site", _("Trang web của chủ thể")
    OTHER = "other", _("Khác")


class LinkState(models.TextChoices):
    UNCHECKED = "unchecked", _("Chưa kiểm tra")
    OK = "ok", _("Truy cập được")
    DEAD = "dead", _("Không truy cập được")


class Review(models.TextChoices):
    NONE = "", _("Không có thay đổi chờ duyệt")
    PENDING = "pending", _("Chờ duyệt")
    REJECTED = "rejected", _("Bị từ chối")


class ChannelQuerySet(ScopedQuerySet):
    def public(self):
        """The records anyone may see: approved and not withdrawn."""
        return self.filter(approved_at__isnull=False, removed_at__isnull=True)

    def pending(self):
        return self.filter(review=Review.PENDING)


class ModeratedChannel(models.Model):
    """What the three kinds of channel share: the product, the public version's approval, the pending change."""

    product = models.ForeignKey("products.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    approved_at = models.DateTimeField(_("ngày công khai"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(_("ngày gỡ"), null=True, blank=True, editable=False)
    # the pending (or last rejected) change: the form's cleaned values, or {} with `proposal_removes` for a removal
    proposal = models.JSONField(_("thay đổi đề xuất"), null=True, blank=True, editable=False)
    proposal_removes = models.BooleanField(_("đề xuất gỡ"), default=False, editable=False)
    review = models.CharField(_("duyệt"), max_length=10, choices=Review.choices, default=Review.NONE, blank=True)
    review_reason = models.TextField(_("lý do từ chối"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(_("ngày đề xuất"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("ngày duyệt"), null=True, blank=True, editable=False)

    objects = ChannelQuerySet.as_manager()
    scope_area_field = "product__location"

    # the columns a proposal may change (each concrete model names its own)
    CHANNEL_FIELDS: tuple[str, ...] = ()
    kind_slug = ""

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.approved_at is not None and self.removed_at is None

    @property
    def has_pending(self) -> bool:
        return self.review == Review.PENDING

    def proposal_items(self) -> list[tuple[str, object]]:
        """The waiting (or rejected) change as (label, value) pairs, for the producer's section and the queue."""
        if not self.proposal:
            return []
        items = []
        for name in self.CHANNEL_FIELDS:
            field = self._meta.get_field(name)
            value = self.proposal.get(f"{name}__label", self.proposal.get(name))
            if field.choices:
                value = dict(field.flatchoices).get(value, value)
            elif value and field.get_internal_type() == "DateField":
                value = datetime.date.fromisoformat(value)
            items.append((field.verbose_name, value))
        return items


OUTLET_FIELDS = ("kind", "name", "address", "commune")


class Outlet(ModeratedChannel):
    """A shop or display point where the product is sold or shown."""

    kind = models.CharField(_("loại điểm bán"), max_length=20, choices=OutletKind.choices)
    name = models.CharField(_("tên điểm bán"), max_length=255)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    commune = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("xã, phường"), on_delete=models.PROTECT, related_name="+"
    )

    CHANNEL_FIELDS = OUTLET_FIELDS
    kind_slug = "outlet"

    class Meta:
        verbose_name = _("điểm bán, điểm trưng bày")
        verbose_name_plural = _("điểm bán, điểm trưng bày")
        ordering = ["product", "name", "id"]
        indexes = [
            models.Index(fields=["product", "kind"], name="programme_outlet_kind_idx"),
            models.Index(fields=["review"], name="programme_outlet_review_idx"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # an outlet may lie in any province (OCOP shops of big cities sell other provinces' products); it must be a
        # commune of either scheme so the catalogue can place it
        from areas.choices import Level

        if self.commune_id and self.commune.level != Level.COMMUNE:
            raise ValidationError({"commune": _("Chọn một xã, phường, đặc khu (không chọn tỉnh hay huyện).")})


LISTING_FIELDS = ("platform", "url", "checked_on")
URL_MESSAGE = _("Nhập địa chỉ web đầy đủ của gian hàng, bắt đầu bằng http:// hoặc https://.")


class EcommerceListing(ModeratedChannel):
    """A page selling the product on an e-commerce platform. A link found dead by the link check (channel_tasks) is
    flagged with the day and the answer, never deleted, and not shown publicly while dead."""

    platform = models.CharField(_("sàn thương mại điện tử"), max_length=20, choices=Platform.choices)
    url = models.URLField(
        _("địa chỉ gian hàng"),
        max_length=1000,
        validators=[
            URLValidator(
                schemes=("http", "https"),
                message=URL_MESSAGE,
            )
        ],
    )
    checked_on = models.DateField(_("ngày kiểm tra"), null=True, blank=True)
    link_state = models.CharField(
        _("tình trạng liên kết"), max_length=10, choices=LinkState.choices, default=LinkState.UNCHECKED, editable=False
    )
    link_failures = models.PositiveSmallIntegerField(_("số lần kiểm tra lỗi liên tiếp"), default=0, editable=False)
    link_status = models.CharField(_("kết quả kiểm tra gần nhất"), max_length=100, blank=True, editable=False)
    link_dead_since = models.DateField(_("không truy cập được từ ngày"), null=True, blank=True, editable=False)

    CHANNEL_FIELDS = LISTING_FIELDS
    kind_slug = "listing"

    class Meta:
        verbose_name = _("gian hàng thương mại điện tử")
        verbose_name_plural = _("gian hàng thương mại điện tử")
        ordering = ["product", "platform", "id"]
        indexes = [
            models.Index(fields=["product", "link_state"], name="programme_listing_state_idx"),
            models.Index(fields=["review"], name="programme_listing_review_idx"),
        ]

    def __str__(self):
        return f"{self.get_platform_display()}: {self.url}"


AGREEMENT_FIELDS = ("partner", "region", "starts_on", "ends_on", "note")


class DistributionAgreement(ModeratedChannel):
    """A distribution agreement with a partner (distributor, chain, exporter) for a region and a period."""

    partner = models.CharField(_("đối tác phân phối"), max_length=255)
    region = models.CharField(_("khu vực phân phối"), max_length=255, blank=True)
    starts_on = models.DateField(_("từ ngày"), null=True, blank=True)
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    CHANNEL_FIELDS = AGREEMENT_FIELDS
    kind_slug = "agreement"

    class Meta:
        verbose_name = _("hợp đồng phân phối")
        verbose_name_plural = _("hợp đồng phân phối")
        ordering = ["product", "-starts_on", "id"]
        indexes = [models.Index(fields=["review"], name="programme_agreement_review_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="programme_agreement_dates_order",
            )
        ]

    def __str__(self):
        return self.partner

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")})
