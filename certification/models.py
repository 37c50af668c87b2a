import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certification.choices import (
    DecisionKind,
    EndReason,
    InspectingBody,
    InspectionKind,
    IssuingLevel,
    RevocationGround,
)
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
    issuer = models.CharField(
        _("cơ quan ban hành"),
        max_length=200,
        blank=True,
        help_text=_("Ghi khi văn phòng tỉnh nhập quyết định của cấp khác, ví dụ quyết định thu hồi của Bộ."),
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
    """Certificates in force on `day`: started, not past their last valid day (`valid_until`, inclusive), not ended by
    supersession or revocation.

    The SQL form of certification.queries.state_on; both read the same stored dates. `prefix` reaches the
    certificate through a relation (e.g. "certificates__").
    """
    return Q(**{f"{prefix}valid_from__lte": day, f"{prefix}valid_until__gte": day}) & (
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
    valid_until = models.DateField(
        _("hiệu lực đến hết ngày"),
        help_text=_(
            "Ngày cuối cùng giấy chứng nhận còn hiệu lực (Bộ luật Dân sự 2015 Điều 147–148: thời hạn 36 tháng kể từ "
            "ngày quyết định kết thúc vào cuối ngày tương ứng của tháng thứ 36)."
        ),
    )
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
    revocation_ground = models.CharField(
        _("căn cứ thu hồi (Điều 8 khoản 1)"), max_length=30, choices=RevocationGround.choices, blank=True
    )
    revocation_found_on = models.DateField(
        _("ngày có kết luận hoặc xác nhận"),
        null=True,
        blank=True,
        help_text=_(
            "Ngày có kết luận của cơ quan có thẩm quyền về vi phạm, hoặc xác nhận của UBND cấp xã về việc chủ thể "
            "không còn sản xuất: thời hạn thu hồi 15 ngày tính từ ngày này (Điều 8 khoản 4)."
        ),
    )
    revocation_inspection = models.ForeignKey(
        "Inspection",
        verbose_name=_("đợt kiểm tra đề nghị thu hồi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revoked_certificates",
    )
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
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="certificate_dates"),
        ]
        indexes = [
            models.Index(fields=["valid_from", "valid_until", "ended_on"], name="certificate_validity_idx"),
            # the product's certificates in chain order: the register's "latest begun by D" and "valid on D" per product
            models.Index(fields=["product", "valid_from", "id"], name="certificate_product_chain_idx"),
            # the public lookup by code, case ignored (certification.queries.verify): an index on both databases
            models.Index(Upper("code"), name="certificate_code_upper_idx"),
        ]

    def __str__(self):
        return f"{self.product} — {self.stars}★ ({self.decision.number})"

    @property
    def last_valid_day(self):
        if self.ended_on is not None and self.ended_on <= self.valid_until:
            return self.ended_on - datetime.timedelta(days=1)
        return self.valid_until

    @property
    def term_last_day(self) -> datetime.date:
        """The last day of the certificate's term (ngày hết thời hạn), whatever ended it earlier."""
        return self.valid_until

    @property
    def revocation_deadline(self) -> datetime.date | None:
        """The last day to decide the revocation (Điều 8 khoản 4), when the finding's date is recorded."""
        from evaluation import process

        if self.revocation_found_on is None:
            return None
        return process.revocation_deadline(self.revocation_found_on)

    @property
    def revocation_days_late(self) -> int:
        """Days the revocation decision came after its deadline (0 when on time or unknown)."""
        deadline = self.revocation_deadline
        if deadline is None or self.revocation_id is None:
            return 0
        return max(0, (self.revocation.date - deadline).days)


class InspectionQuerySet(ScopedQuerySet):
    pass


class Inspection(models.Model):
    """A post-recognition inspection of a product (26/2026 Điều 9): periodic or ad hoc, on whether the product keeps
    the criteria it was rated on and uses the OCOP mark correctly (Điều 9 khoản 3). It may propose revoking the
    certificate (Điều 8 khoản 1 điểm b, khoản 3 điểm a). Written by certification.services.record_inspection."""

    product = models.ForeignKey(
        "products.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="inspections"
    )
    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("giấy chứng nhận còn hiệu lực ngày kiểm tra"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    date = models.DateField(_("ngày kiểm tra"))
    concluded_on = models.DateField(
        _("ngày có kết luận kiểm tra"), null=True, blank=True, help_text=_("Để trống nếu kết luận ngay ngày kiểm tra.")
    )
    kind = models.CharField(_("hình thức kiểm tra"), max_length=20, choices=InspectionKind.choices)
    body = models.CharField(_("cơ quan kiểm tra"), max_length=20, choices=InspectingBody.choices)
    body_name = models.CharField(_("tên cơ quan, đoàn kiểm tra"), max_length=200, blank=True)
    criteria_maintained = models.BooleanField(_("Sản phẩm duy trì các tiêu chí theo hồ sơ đã được đánh giá, phân hạng"))
    mark_use_correct = models.BooleanField(
        _("Sử dụng nhãn hiệu OCOP, thông tin và quảng bá sản phẩm OCOP đúng quy định")
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    conclusion = models.TextField(_("kết luận"))
    proposes_revocation = models.BooleanField(_("đề nghị thu hồi giấy chứng nhận"), default=False)
    proposed_ground = models.CharField(
        _("căn cứ đề nghị thu hồi"), max_length=30, choices=RevocationGround.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = InspectionQuerySet.as_manager()
    scope_area_field = "product__location"

    class Meta:
        verbose_name = _("kiểm tra, giám sát sau công nhận")
        verbose_name_plural = _("kiểm tra, giám sát sau công nhận")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposes_revocation=False) | ~Q(proposed_ground=""),
                name="inspection_proposal_has_ground",
            )
        ]
        indexes = [models.Index(fields=["product", "date"], name="inspection_product_date_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.product} ({self.date:%d/%m/%Y})"

    @property
    def found_on(self) -> datetime.date:
        """The day of the inspection's conclusion: the 15-day revocation clock starts there (Điều 8 khoản 4)."""
        return self.concluded_on or self.date

    @property
    def revocation_deadline(self) -> datetime.date | None:
        from evaluation import process

        return process.revocation_deadline(self.found_on) if self.proposes_revocation else None
