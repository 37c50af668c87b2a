"""OCOP criteria sets as data (DESIGN.md rule 4).

set → parts (A/B/C with their points) → sections; set → scopes (the product group or sub-group a sheet applies to)
→ criteria (each in one section) → options with points; mandatory rules name the minimum a criterion must reach for a
star level. Written only by `evaluation.services` (from `evaluation/criteria/*.yaml` or an administrator's spreadsheet);
a published set is never edited: a new version is a new set with its own code.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.choices import SetStatus
from products.choices import CategorySystem


class CriteriaSetQuerySet(models.QuerySet):
    def in_force(self, day):
        """Sets whose validity [valid_from, valid_until) contains `day`, whatever their status."""
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=day)
        )


class CriteriaSet(models.Model):
    code = models.CharField(
        _("mã"), max_length=40, unique=True, help_text=_("Ví dụ 1048, 148; phiên bản mới có mã mới.")
    )
    system = models.CharField(_("hệ thống nhóm sản phẩm"), max_length=5, choices=CategorySystem.choices)
    title = models.CharField(_("tên bộ tiêu chí"), max_length=255)
    decision = models.CharField(_("căn cứ (quyết định)"), max_length=255)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_until = models.DateField(_("áp dụng đến trước ngày"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=SetStatus.choices, default=SetStatus.STRUCTURE)
    source = models.CharField(_("nguồn nạp gần nhất"), max_length=255, blank=True)
    official = models.BooleanField(
        _("văn bản chính thức nạp nguyên văn"),
        default=False,
        help_text=_("Điểm và lời văn giữ như văn bản in; chỗ văn bản tự mâu thuẫn là phát hiện, không phải lỗi nạp."),
    )
    findings = models.JSONField(
        _("phát hiện khi kiểm tra văn bản"),
        default=list,
        blank=True,
        help_text=_("Chỗ văn bản gốc in sai hoặc thiếu (giữ nguyên), và cách hệ thống tính điểm ở chỗ đó."),
    )

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ tiêu chí OCOP")
        verbose_name_plural = _("bộ tiêu chí OCOP")
        ordering = ["valid_from", "code"]

    def __str__(self):
        return f"{self.code} – {self.title}"

    @property
    def is_published(self):
        return self.status == SetStatus.PUBLISHED


class Part(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="parts")
    code = models.CharField(_("phần"), max_length=1)
    name = models.CharField(_("tên phần"), max_length=255)
    points = models.PositiveSmallIntegerField(_("điểm"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("phần")
        verbose_name_plural = _("phần")
        ordering = ["criteria_set", "position"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="evaluation_part_code_uniq")]

    def __str__(self):
        return f"{self.code}. {self.name} ({self.points})"


class Section(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="sections")
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("mã mục"), max_length=20)
    name = models.CharField(_("tên mục"), max_length=255)
    notes = models.JSONField(_("ghi chú in dưới mục"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("mục")
        verbose_name_plural = _("mục")
        ordering = ["criteria_set", "position"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="evaluation_section_code_uniq")]

    def __str__(self):
        return f"{self.code}. {self.name}"


class SheetScope(models.Model):
    """A product group or sub-group the set covers; its criteria are its scoring sheet (none yet: sheet not loaded)."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="scopes")
    category = models.ForeignKey(
        "products.ProductCategory", verbose_name=_("nhóm / bộ sản phẩm"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("nguồn nạp phiếu"), max_length=255, blank=True)
    number = models.PositiveSmallIntegerField(_("số phiếu"), null=True, blank=True)
    title = models.CharField(_("tên phiếu như văn bản in"), max_length=255, blank=True)
    classification = models.CharField(_("phân loại"), max_length=255, blank=True)
    eliminated_when = models.JSONField(
        _("điều kiện loại"), default=list, blank=True, help_text=_("Sản phẩm bị loại, không chấm điểm, khi:")
    )
    notes = models.JSONField(_("ghi chú cuối phiếu"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("phiếu chấm (phạm vi áp dụng)")
        verbose_name_plural = _("phiếu chấm (phạm vi áp dụng)")
        ordering = ["criteria_set", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "category"], name="evaluation_scope_category_uniq")
        ]

    def __str__(self):
        return f"{self.criteria_set.code} · {self.category.code} {self.category.name}"


class Criterion(models.Model):
    scope = models.ForeignKey(SheetScope, on_delete=models.CASCADE, related_name="criteria")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="criteria")
    code = models.CharField(_("mã tiêu chí"), max_length=20)
    text = models.TextField(_("nội dung tiêu chí"))
    heading = models.TextField(
        _("tiêu chí cha"), blank=True, help_text=_("Với tiêu chí con (ví dụ 6.1.1): mã và tên tiêu chí chứa nó.")
    )
    notes = models.JSONField(_("yêu cầu, ghi chú"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    max_points = models.DecimalField(
        _("điểm tối đa"), max_digits=5, decimal_places=2, help_text=_("Điểm mức cao nhất.")
    )

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["scope", "position"]
        constraints = [models.UniqueConstraint(fields=["scope", "code"], name="evaluation_criterion_code_uniq")]

    def __str__(self):
        return f"{self.code}. {self.text}"


class Option(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="options")
    text = models.TextField(_("mức đánh giá"))
    points = models.DecimalField(_("điểm"), max_digits=5, decimal_places=2)
    printed_points = models.DecimalField(
        _("điểm in trong văn bản"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Chỉ ghi khi khác điểm dùng để chấm (lỗi in đã ghi trong phát hiện của bộ tiêu chí)."),
    )
    min_star = models.PositiveSmallIntegerField(
        _("dấu sao"),
        null=True,
        blank=True,
        help_text=_("Dấu sao in bên mức: mức tối thiểu phải đạt để được xếp hạng số sao này trở lên."),
    )
    case_label = models.CharField(
        _("trường hợp"), max_length=255, blank=True, help_text=_("Phiếu in 'lựa chọn một trong các trường hợp'.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("mức đánh giá")
        verbose_name_plural = _("mức đánh giá")
        ordering = ["criterion", "position"]

    def __str__(self):
        return f"{self.text} ({self.points})"


class MandatoryRule(models.Model):
    """To be ranked `stars`★, the criterion must score at least `min_points` (the points of `option` when named)."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="mandatory_rules")
    stars = models.PositiveSmallIntegerField(_("hạng sao"))
    min_points = models.DecimalField(_("điểm tối thiểu"), max_digits=5, decimal_places=2)
    option = models.ForeignKey(Option, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("tiêu chí bắt buộc")
        verbose_name_plural = _("tiêu chí bắt buộc")
        ordering = ["criterion", "stars"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "stars"], name="evaluation_mandatory_stars_uniq"),
            models.CheckConstraint(condition=models.Q(stars__gte=1, stars__lte=5), name="evaluation_mandatory_stars"),
        ]

    def __str__(self):
        return f"{self.criterion.code} ≥ {self.min_points} ({self.stars}★)"


# Rounds, councils and scoresheets live in their own module; importing them here registers them with the app.
from evaluation.council_models import (  # noqa: E402, F401
    Answer,
    Conflict,
    CouncilMember,
    EvaluationRound,
    MinimumCheck,
    RoundItem,
    Scoresheet,
)
