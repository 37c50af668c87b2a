from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet
from producers.choices import ProducerType


class ProducerQuerySet(ScopedQuerySet):
    pass


class Producer(models.Model):
    """An OCOP subject (chủ thể). Identified, within its province, by its name."""

    name = models.CharField(_("tên chủ thể"), max_length=255)
    search_name = models.CharField(max_length=255, db_index=True, editable=False)
    producer_type = models.CharField(_("loại hình"), max_length=5, choices=ProducerType.choices)
    registration_no = models.CharField(_("số đăng ký kinh doanh / mã số thuế"), max_length=50, blank=True)
    legal_representative = models.CharField(_("người đại diện theo pháp luật"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    location = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("xã, phường"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Đơn vị cấp xã theo địa giới có hiệu lực khi ghi nhận."),
    )
    home_province = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("tỉnh (địa giới mới)"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text=_("Tỉnh theo địa giới từ 01/07/2025: khoá nhận diện chủ thể qua mọi lần sắp xếp."),
    )
    women_led = models.BooleanField(_("do phụ nữ làm chủ / điều hành"), default=False)
    ethnic_minority_led = models.BooleanField(_("do người dân tộc thiểu số làm chủ / điều hành"), default=False)
    accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản của chủ thể"), blank=True, related_name="producers"
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    # Optimistic concurrency (core.concurrency): edit forms carry it, the services refuse a save from an older one.
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)

    objects = ProducerQuerySet.as_manager()
    scope_area_field = "location"

    class Meta:
        verbose_name = _("chủ thể")
        verbose_name_plural = _("chủ thể")
        ordering = ["search_name"]
        constraints = [
            models.UniqueConstraint(fields=["home_province", "search_name"], name="producer_province_name_uniq")
        ]
        # the list's order (producers.queries): pages are read from this index, never sorted
        indexes = [models.Index(fields=["search_name", "id"], name="producer_name_order_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("producers:detail", args=[self.pk])
