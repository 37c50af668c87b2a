"""Evaluation rounds, councils and scoresheets. Imported by evaluation/models.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch hội đồng")
    VICE_CHAIR = "vice_chair", _("Phó chủ tịch")
    MEMBER = "member", _("Thành viên")
    SECRETARY = "secretary", _("Thư ký")
    ADVISORY = "advisory", _("Tổ tư vấn")


# Who scores and counts toward the result; the secretary keeps the minutes, the advisory team's scores are advice only.
COUNTED_ROLES = (MemberRole.CHAIR, MemberRole.VICE_CHAIR, MemberRole.MEMBER)
SCORING_ROLES = (*COUNTED_ROLES, MemberRole.ADVISORY)


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Đang chấm")
    CLOSED = "closed", _("Đã kết thúc")


class ItemStatus(models.TextChoices):
    SCORING = "scoring", _("Đang chấm")
    LOCKED = "locked", _("Đã khoá phiếu")
    APPROVED = "approved", _("Đã phê duyệt kết quả")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Đang chấm")
    SUBMITTED = "submitted", _("Đã nộp")


class RoundQuerySet(ScopedQuerySet):
    pass


class EvaluationRound(models.Model):
    """One council sitting of a province: a period, the criteria set it scores with, the products before it."""

    province = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("tên đợt đánh giá"), max_length=255)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    criteria_set = models.ForeignKey(
        "evaluation.CriteriaSet", verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT, related_name="rounds"
    )
    status = models.CharField(_("tình trạng"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RoundQuerySet.as_manager()
    scope_area_field = "province"

    class Meta:
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = _("đợt đánh giá")
        ordering = ["-starts_on", "id"]

    def __str__(self):
        return self.title


class CouncilMember(models.Model):
    evaluation_round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="council_seats")
    role = models.CharField(_("vai trò trong hội đồng"), max_length=12, choices=MemberRole.choices)

    class Meta:
        verbose_name = _("thành viên hội đồng")
        verbose_name_plural = _("thành viên hội đồng")
        ordering = ["evaluation_round", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation_round", "user"], name="council_member_uniq"),
            models.UniqueConstraint(fields=["evaluation_round"], condition=Q(role="chair"), name="council_one_chair"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"

    @property
    def counts(self) -> bool:
        return self.role in COUNTED_ROLES


class ItemQuerySet(ScopedQuerySet):
    pass


class RoundItem(models.Model):
    """One product before the council, scored on one sheet (the criteria of its group or sub-group)."""

    evaluation_round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="evaluations")
    sheet = models.ForeignKey(
        "evaluation.SheetScope", verbose_name=_("phiếu chấm"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("tình trạng"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.SCORING)
    rescore_round = models.PositiveSmallIntegerField(_("lần chấm"), default=1)
    mean = models.DecimalField(_("điểm bình quân"), max_digits=5, decimal_places=2, null=True, blank=True)
    band_stars = models.PositiveSmallIntegerField(_("hạng theo điểm"), null=True, blank=True)
    final_stars = models.PositiveSmallIntegerField(_("hạng sao"), null=True, blank=True)
    cap_reasons = models.JSONField(_("lý do hạ hạng"), default=list, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(_("lý do mở lại"), blank=True)
    eliminated_reason = models.TextField(
        _("lý do loại"),
        blank=True,
        help_text=_("Điều kiện loại in trên phiếu chấm mà hồ sơ mắc phải: sản phẩm không được xếp hạng."),
    )

    objects = ItemQuerySet.as_manager()
    scope_area_field = "evaluation_round__province"

    class Meta:
        verbose_name = _("sản phẩm trong đợt đánh giá")
        verbose_name_plural = _("sản phẩm trong đợt đánh giá")
        ordering = ["evaluation_round", "id"]
        constraints = [models.UniqueConstraint(fields=["evaluation_round", "product"], name="round_item_uniq")]

    def __str__(self):
        return f"{self.product} — {self.evaluation_round}"


class Conflict(models.Model):
    """A member's declared conflict of interest: they do not score the product and see none of its aggregates."""

    item = models.ForeignKey(RoundItem, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.TextField(_("lý do"))
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("xung đột lợi ích")
        verbose_name_plural = _("xung đột lợi ích")
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="conflict_uniq")]

    def __str__(self):
        return f"{self.member} · {self.item}"


class Scoresheet(models.Model):
    item = models.ForeignKey(RoundItem, on_delete=models.CASCADE, related_name="sheets")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="sheets")
    status = models.CharField(_("tình trạng"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    notes = models.TextField(_("ghi chú"), blank=True)
    total = models.DecimalField(_("tổng điểm"), max_digits=5, decimal_places=2, default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("phiếu chấm")
        verbose_name_plural = _("phiếu chấm")
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="scoresheet_uniq")]

    def __str__(self):
        return f"{self.member} · {self.item}"


class Answer(models.Model):
    sheet = models.ForeignKey(Scoresheet, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey("evaluation.Criterion", on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey("evaluation.Option", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        constraints = [models.UniqueConstraint(fields=["sheet", "criterion"], name="answer_uniq")]

    def __str__(self):
        return f"{self.criterion_id}: {self.option_id}"


class MinimumCheck(models.Model):
    """A star minimum of the sheet (a `MandatoryRule`), judged once for the product from its dossier.

    The advisory team proposes, the council confirms and the secretary records: met or not, with a note. Caps on the
    star level follow this record, never an average of the members' options (issue "figures officials can trust" §3).
    """

    item = models.ForeignKey(RoundItem, on_delete=models.CASCADE, related_name="minimum_checks")
    rule = models.ForeignKey("evaluation.MandatoryRule", on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField(_("đạt"))
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("yêu cầu tối thiểu theo hạng sao")
        verbose_name_plural = _("yêu cầu tối thiểu theo hạng sao")
        constraints = [models.UniqueConstraint(fields=["item", "rule"], name="minimum_check_uniq")]

    def __str__(self):
        return f"{self.item_id}: {self.rule_id} {'đạt' if self.met else 'không đạt'}"
