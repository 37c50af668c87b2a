import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certification.choices import DecisionKind, EndReason, IssuingLevel
from core.scoping import ScopedQuerySet


class DecisionQuerySet(ScopedQuerySet):
    pass


class Decision(models.Model):
    """A recognition or revocation decision; one decision may cover dozens of products."""

    number = models.CharField(_("số quyết định"), max_length=60)
    date = models.DateField(_("ngày quyết định"))
    kind = models.CharField(_("loại quyết định"), max_length=20, choices=DecisionKind.choices)
    issuing_level = models.CharField(_("cấp ban hành"), max_length=10, choices=IssuingLevel.choices)
    province = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("tỉnh"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tỉnh theo địa giới có hiệu lực ngày quyết định."),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DecisionQuerySet.as_manager()
    scope_area_field = "province"

    class Meta:
        verbose_name = _("quyết định")
        verbose_name_plural = _("quyết định")
        ordering = ["-date", "number"]
        constraints = [models.UniqueConstraint(fields=["province", "number", "date"], name="decision_identity_uniq")]

    def __str__(self):
        return f"{self.number} ({self.date:%d/%m/%Y})"


def new_certificate_code() -> str:
    return secrets.token_hex(6).upper()


def valid_on_q(day, prefix: str = "") -> Q:
    """Certificates in force on `day`: started, not past valid_until, not ended by supersession or revocation.

    The SQL form of certification.queries.state_on; both read the same stored dates. `prefix` reaches the
    certificate through a relation (e.g. "certificates__").
    """
    return Q(**{f"{prefix}valid_from__lte": day, f"{prefix}valid_until__gt": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": day})
    )


class CertificateQuerySet(ScopedQuerySet):
    def valid_on(self, day):
        return self.filter(valid_on_q(day))


class Certificate(models.Model):
    """One recognition of a product at a star level. `ended_on`/`end_reason` are kept by certification.services."""

    product = models.ForeignKey(
        "products.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="certificates"
    )
    decision = models.ForeignKey(
        Decision, verbose_name=_("quyết định công nhận"), on_delete=models.PROTECT, related_name="certificates"
    )
    kind = models.CharField(
        _("hình thức"), max_length=20, choices=DecisionKind.choices, default=DecisionKind.RECOGNITION
    )
    stars = models.PositiveSmallIntegerField(_("số sao"))
    score = models.DecimalField(_("điểm"), max_digits=5, decimal_places=2, null=True, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_until = models.DateField(_("hiệu lực đến (không kể)"))
    ended_on = models.DateField(_("chấm dứt từ"), null=True, blank=True)
    end_reason = models.CharField(_("lý do chấm dứt"), max_length=20, choices=EndReason.choices, blank=True)
    revocation = models.ForeignKey(
        Decision,
        verbose_name=_("quyết định thu hồi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revoked_certificates",
    )
    revocation_reason = models.TextField(_("lý do thu hồi"), blank=True)
    code = models.CharField(_("mã tra cứu"), max_length=20, unique=True, default=new_certificate_code)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CertificateQuerySet.as_manager()
    scope_area_field = "product__location"

    class Meta:
        verbose_name = _("giấy chứng nhận OCOP")
        verbose_name_plural = _("giấy chứng nhận OCOP")
        ordering = ["product", "valid_from", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "decision"], name="certificate_product_decision_uniq"),
            models.CheckConstraint(condition=Q(stars__gte=3, stars__lte=5), name="certificate_stars_3_5"),
            models.CheckConstraint(condition=Q(valid_until__gt=models.F("valid_from")), name="certificate_dates"),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_until", "ended_on"], name="certificate_validity_idx")]

    def __str__(self):
        return f"{self.product} — {self.stars}★ ({self.decision.number})"

    @property
    def last_valid_day(self):
        import datetime

        end = min(d for d in (self.valid_until, self.ended_on) if d is not None)
        return end - datetime.timedelta(days=1)
