"""Nông thôn mới: criteria sets as data, commune groups, yearly assessments, recognitions, closed periods.

Criteria sets are written only by `ntm.loader` (the versioned files in ntm/criteria/ or an administrator's file);
everything else only by `ntm.services`. Each assessment keeps the set it used (DESIGN.md rule 3).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet
from ntm.choices import (
    AppraisalVerdict,
    AreaLevel,
    AssessmentStatus,
    CommuneGroup,
    IndicatorRule,
    Issuer,
    RecognitionKind,
    RecognitionLevel,
    RequestStatus,
    SetKind,
    SetLevel,
    Source,
)


class CriteriaSetQuerySet(models.QuerySet):
    def in_force(self, day):
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=day)
        )


class CriteriaSet(models.Model):
    code = models.CharField(_("mã"), max_length=40, unique=True, help_text=_("Ví dụ ntm-2021, ntm-2026."))
    title = models.CharField(_("tên bộ tiêu chí"), max_length=255)
    decision = models.CharField(_("căn cứ (quyết định)"), max_length=255, blank=True)
    kind = models.CharField(_("áp dụng cho"), max_length=10, choices=SetKind.choices, default=SetKind.COMMUNE)
    level = models.CharField(_("mức"), max_length=10, choices=SetLevel.choices, default=SetLevel.BASIC)
    issuer = models.CharField(_("cấp ban hành"), max_length=10, choices=Issuer.choices, default=Issuer.NATIONAL)
    province = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("tỉnh ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_until = models.DateField(_("áp dụng đến trước ngày"), null=True, blank=True)
    uses_commune_groups = models.BooleanField(_("ngưỡng theo nhóm xã 1/2/3"), default=False)
    group_names = models.JSONField(_("tên các nhóm xã"), default=dict, blank=True)
    report_below = models.JSONField(
        _("ngưỡng báo cáo 'dưới N tiêu chí'"), default=list, blank=True, help_text=_("Ví dụ [10, 15].")
    )
    source = models.CharField(_("nguồn nạp gần nhất"), max_length=255, blank=True)
    # A set whose official text is not loaded yet: how many criteria a source states it has (seed 003: "14/16 tiêu chí
    # nâng cao"), so progress can be counted, and which texts are missing. Never criteria names nobody has read.
    declared_criteria = models.PositiveSmallIntegerField(_("số tiêu chí theo văn bản"), null=True, blank=True)
    missing_texts = models.TextField(_("văn bản còn thiếu"), blank=True)
    indicator_rule = models.CharField(
        _("cách xét tiêu chí có chỉ tiêu"),
        max_length=12,
        choices=IndicatorRule.choices,
        default=IndicatorRule.INDICATORS,
    )

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ tiêu chí nông thôn mới")
        verbose_name_plural = _("bộ tiêu chí nông thôn mới")
        ordering = ["valid_from", "code"]

    def __str__(self):
        return f"{self.code} – {self.title}"


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("mã"), max_length=20)
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    name = models.CharField(_("tên tiêu chí"), max_length=255)
    # With indicators: met when at least this many of them are met (null: every mandatory indicator), per the text.
    min_indicators = models.PositiveSmallIntegerField(_("số chỉ tiêu tối thiểu phải đạt"), null=True, blank=True)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["criteria_set", "number"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="ntm_criterion_code_uniq")]

    def __str__(self):
        return f"{self.number}. {self.name}"


class Indicator(models.Model):
    """An indicator (chỉ tiêu) of a criterion; thresholds per commune group: {"all": …} or {"1": …, "2": …, "3": …}."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("mã"), max_length=20)
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("tên chỉ tiêu"), max_length=500)
    unit = models.CharField(_("đơn vị tính"), max_length=50, blank=True)
    optional = models.BooleanField(_("không bắt buộc"), default=False)
    thresholds = models.JSONField(_("ngưỡng đạt"), default=dict, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["criterion", "position"]
        constraints = [models.UniqueConstraint(fields=["criterion", "code"], name="ntm_indicator_code_uniq")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def threshold_for(self, group) -> str:
        return self.thresholds.get(str(group)) or self.thresholds.get("all") or ""


class CommuneGroupAssignment(models.Model):
    """A commune's group (1/2/3) for the 2026 set from `valid_from`; a later row supersedes, none is edited."""

    commune = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("xã"), on_delete=models.PROTECT, related_name="ntm_groups"
    )
    group = models.PositiveSmallIntegerField(_("nhóm xã"), choices=CommuneGroup.choices)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    decided_by = models.CharField(_("căn cứ (quyết định)"), max_length=255)
    reason = models.TextField(_("lý do"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "commune"

    class Meta:
        verbose_name = _("nhóm xã")
        verbose_name_plural = _("nhóm xã")
        ordering = ["commune", "-valid_from", "-recorded_at"]

    def __str__(self):
        return f"{self.commune} · {self.get_group_display()} ({self.valid_from:%d/%m/%Y})"


class AssessmentQuerySet(ScopedQuerySet):
    pass


class Assessment(models.Model):
    commune = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("xã"), on_delete=models.PROTECT, related_name="ntm_assessments"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.ENTRY)
    # Denormalised count of criteria met, kept by the services, so reports aggregate one column.
    criteria_met = models.PositiveSmallIntegerField(_("số tiêu chí đạt"), default=0)
    commune_group = models.PositiveSmallIntegerField(_("nhóm xã"), choices=CommuneGroup.choices, null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Optimistic concurrency (core.concurrency): edit forms carry it, the services refuse a save from an older one.
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)

    objects = AssessmentQuerySet.as_manager()
    scope_area_field = "commune"

    class Meta:
        verbose_name = _("đánh giá tiêu chí nông thôn mới")
        verbose_name_plural = _("đánh giá tiêu chí nông thôn mới")
        ordering = ["-year", "commune_id"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "year", "criteria_set"], name="ntm_assessment_uniq"),
        ]
        indexes = [models.Index(fields=["year", "criteria_set", "status"], name="ntm_assessment_year_idx")]

    def __str__(self):
        return f"{self.commune} · {self.year} · {self.criteria_set.code}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("ntm:assessment", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status == AssessmentStatus.APPROVED


class CriterionResult(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="results")
    met = models.BooleanField(_("đạt"), default=False)
    evidence = models.TextField(_("minh chứng, ghi chú"), blank=True)

    class Meta:
        verbose_name = _("kết quả tiêu chí")
        verbose_name_plural = _("kết quả tiêu chí")
        ordering = ["assessment", "criterion__number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="ntm_result_uniq")]
        indexes = [models.Index(fields=["criterion", "met"], name="ntm_result_criterion_idx")]

    def __str__(self):
        return f"{self.criterion.code}: {'đạt' if self.met else 'chưa đạt'}"


def evidence_path(instance, filename):
    return f"ntm/assessments/{instance.assessment_id}/{instance.indicator_id}-{filename}"


class IndicatorValue(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="indicator_values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.CharField(_("giá trị"), max_length=100, blank=True)
    # Null: the threshold could not be read against the value (text, missing); the officer's tick then decides.
    met = models.BooleanField(_("đạt"), null=True, blank=True)
    note = models.CharField(_("ghi chú minh chứng"), max_length=500, blank=True)
    evidence = models.FileField(_("tệp minh chứng"), upload_to=evidence_path, blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    evidence_size = models.PositiveIntegerField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "indicator"], name="ntm_indicator_value_uniq")]

    def __str__(self):
        return f"{self.indicator.code}: {self.value}"


class RecognitionQuerySet(ScopedQuerySet):
    def in_force_on(self, day):
        """Decided on or before `day` and not revoked on or before it."""
        return self.filter(effective_date__lte=day).filter(
            models.Q(revoked_on__isnull=True) | models.Q(revoked_on__gt=day)
        )


class Recognition(models.Model):
    """A recognition decision for a commune (rank 0–3) or for one of its villages (a name; villages are not units).

    A "thừa nhận" (kind) is the province's act for a commune formed by merging: it names the communes it follows from.
    `warning` keeps what was odd when it was recorded (a level above one not on record), shown on the commune page.
    """

    commune = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("xã"), on_delete=models.PROTECT, related_name="ntm_recognitions"
    )
    village = models.CharField(_("thôn, bản"), max_length=150, blank=True)
    # The registry village (ntm.Village) when known; `village` keeps the name as decided (imports give only names).
    village_ref = models.ForeignKey(
        "ntm.Village",
        verbose_name=_("thôn, bản (danh mục)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recognitions",
    )
    level = models.CharField(_("mức công nhận"), max_length=20, choices=RecognitionLevel.choices)
    kind = models.CharField(
        _("loại quyết định"), max_length=10, choices=RecognitionKind.choices, default=RecognitionKind.CONG_NHAN
    )
    follows_from = models.ManyToManyField(
        "areas.AdministrativeUnit",
        verbose_name=_("thừa nhận từ các xã"),
        blank=True,
        related_name="+",
        help_text=_("Với quyết định thừa nhận: các xã trước sắp xếp mà xã này kế thừa danh hiệu."),
    )
    rank = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    decision_no = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    # The decision date, or 31 December of the year an import row gave without a date: what reports compare.
    effective_date = models.DateField(_("tính từ ngày"))
    revoked_on = models.DateField(_("thu hồi từ ngày"), null=True, blank=True)
    revocation_decision_no = models.CharField(_("số quyết định thu hồi"), max_length=60, blank=True)
    revocation_reason = models.TextField(_("lý do thu hồi"), blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.ENTRY)
    warning = models.TextField(_("cảnh báo khi ghi"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RecognitionQuerySet.as_manager()
    scope_area_field = "commune"

    class Meta:
        verbose_name = _("quyết định công nhận nông thôn mới")
        verbose_name_plural = _("quyết định công nhận nông thôn mới")
        ordering = ["-effective_date", "-pk"]
        indexes = [models.Index(fields=["commune", "effective_date"], name="ntm_recognition_idx")]

    def __str__(self):
        where = f"{self.village}, {self.commune}" if self.village else str(self.commune)
        return f"{where} · {self.get_level_display()} · {self.decision_no or self.effective_date.year}"


class ClosedPeriod(models.Model):
    """A province's year closed for entry: every assessment of its communes for that year is locked."""

    province = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("ghi chú"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "province"

    class Meta:
        verbose_name = _("kỳ báo cáo đã khóa")
        verbose_name_plural = _("kỳ báo cáo đã khóa")
        constraints = [models.UniqueConstraint(fields=["province", "year"], name="ntm_closed_period_uniq")]

    def __str__(self):
        return f"{self.province} · {self.year}"


# ---- villages (thôn, bản, tổ dân phố, ấp): a registry of the province, not national reference data ----------------


class VillageKind(models.TextChoices):
    THON = "thon", _("Thôn")
    BAN = "ban-lang", _("Bản")  # not "ban": a Vietnamese word of its own (hoa ban, ban hành)
    TO_DAN_PHO = "to-dan-pho", _("Tổ dân phố")
    AP = "ap", _("Ấp")
    OTHER = "khac", _("Khác")


class Village(models.Model):
    """A village keeps its identity while its commune changes (VillagePlacement); `commune` is the commune of its
    latest placement, kept by ntm.village_services, so scoping is one column (scope_area_field) like the other models.
    A village's own days are inclusive: `valid_to` is its last day (null: still exists)."""

    name = models.CharField(_("tên thôn, bản"), max_length=150)
    search_name = models.CharField(max_length=150, db_index=True, editable=False)
    kind = models.CharField(_("loại"), max_length=12, choices=VillageKind.choices, default=VillageKind.THON)
    code = models.CharField(_("mã"), max_length=30, blank=True)
    commune = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("xã (hiện tại)"),
        on_delete=models.PROTECT,
        related_name="ntm_villages",
    )
    valid_from = models.DateField(_("có từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến hết ngày"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "commune"

    class Meta:
        verbose_name = _("thôn, bản")
        verbose_name_plural = _("thôn, bản")
        ordering = ["commune_id", "search_name", "pk"]
        indexes = [models.Index(fields=["commune", "search_name"], name="ntm_village_commune_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("ntm:village_detail", args=[self.pk])

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class VillagePlacement(models.Model):
    """The village lies in `commune` from `valid_from` to `valid_to` (its last day, inclusive; null: still)."""

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="placements")
    commune = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("xã"), on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến hết ngày"), null=True, blank=True)
    decision = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("thôn, bản thuộc xã")
        verbose_name_plural = _("thôn, bản thuộc xã")
        ordering = ["village", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["village", "valid_from"], name="ntm_village_placement_uniq"),
        ]
        indexes = [models.Index(fields=["commune", "valid_from"], name="ntm_placement_commune_idx")]

    def __str__(self):
        return f"{self.village} · {self.commune} ({self.valid_from:%d/%m/%Y})"


class VillageSuccession(models.Model):
    """Villages merged (several predecessors → one successor) or split (one → several), from `effective_date`."""

    predecessor = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="successions")
    successor = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="predecessions")
    effective_date = models.DateField(_("ngày hiệu lực"))
    decision = models.CharField(_("căn cứ (quyết định)"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("sáp nhập, chia tách thôn, bản")
        verbose_name_plural = _("sáp nhập, chia tách thôn, bản")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="ntm_village_succession_uniq"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"


# ---- village assessments: the province's village sets, assessed yearly like communes -----------------------------


class VillageAssessment(models.Model):
    """A village's yearly self-assessment against a village set (kind "village"), with the communes' submit / approve
    / lock. `commune` is the village's commune on 31 December of `year`, fixed when created, so scoping is one column
    and a later merger does not move an old year's assessment."""

    village = models.ForeignKey(
        Village, verbose_name=_("thôn, bản"), on_delete=models.PROTECT, related_name="assessments"
    )
    commune = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("xã"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT, related_name="village_assessments"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.ENTRY)
    criteria_met = models.PositiveSmallIntegerField(_("số tiêu chí đạt"), default=0)
    note = models.TextField(_("ghi chú"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "commune"

    class Meta:
        verbose_name = _("đánh giá tiêu chí thôn, bản")
        verbose_name_plural = _("đánh giá tiêu chí thôn, bản")
        ordering = ["-year", "commune_id", "village_id"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year", "criteria_set"], name="ntm_village_assessment_uniq"),
        ]
        indexes = [models.Index(fields=["year", "criteria_set", "status"], name="ntm_vassessment_year_idx")]

    def __str__(self):
        return f"{self.village} · {self.year} · {self.criteria_set.code}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("ntm:village_assessment", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status == AssessmentStatus.APPROVED


class VillageCriterionResult(models.Model):
    assessment = models.ForeignKey(VillageAssessment, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="village_results")
    met = models.BooleanField(_("đạt"), default=False)
    evidence = models.TextField(_("minh chứng, ghi chú"), blank=True)

    class Meta:
        verbose_name = _("kết quả tiêu chí thôn, bản")
        verbose_name_plural = _("kết quả tiêu chí thôn, bản")
        ordering = ["assessment", "criterion__number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="ntm_vresult_uniq")]

    def __str__(self):
        return f"{self.criterion.code}: {'đạt' if self.met else 'chưa đạt'}"


# ---- district and province titles ----------------------------------------------------------------------------------


class AreaRecognitionQuerySet(ScopedQuerySet):
    def in_force_on(self, day):
        return self.filter(effective_date__lte=day).filter(
            models.Q(revoked_on__isnull=True) | models.Q(revoked_on__gt=day)
        )


class AreaRecognition(models.Model):
    """A district (pre-2025 scheme) or a province recognised at an NTM title by decision."""

    unit = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("huyện, tỉnh"),
        on_delete=models.PROTECT,
        related_name="ntm_area_recognitions",
    )
    level = models.CharField(_("danh hiệu"), max_length=20, choices=AreaLevel.choices)
    decision_no = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    issued_by = models.CharField(_("cơ quan quyết định"), max_length=150, blank=True)
    effective_date = models.DateField(_("tính từ ngày"))
    revoked_on = models.DateField(_("thu hồi từ ngày"), null=True, blank=True)
    revocation_decision_no = models.CharField(_("số quyết định thu hồi"), max_length=60, blank=True)
    revocation_reason = models.TextField(_("lý do thu hồi"), blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.ENTRY)
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AreaRecognitionQuerySet.as_manager()
    scope_area_field = "unit"

    class Meta:
        verbose_name = _("quyết định công nhận nông thôn mới cấp huyện, tỉnh")
        verbose_name_plural = _("quyết định công nhận nông thôn mới cấp huyện, tỉnh")
        ordering = ["-effective_date", "-pk"]
        indexes = [models.Index(fields=["unit", "effective_date"], name="ntm_area_recognition_idx")]

    def __str__(self):
        return f"{self.unit} · {self.get_level_display()} · {self.decision_no or self.effective_date.year}"


# ---- the recognition procedure: register → dossier → appraisal → decision ------------------------------------------


class RecognitionRequestQuerySet(ScopedQuerySet):
    pass


class RecognitionRequest(models.Model):
    """A commune's registration for a level in a year, its dossier and its appraisal (issue 18). The decision that
    ends it is a Recognition (`recognition`); recognitions recorded otherwise need no request behind them."""

    commune = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("xã"), on_delete=models.PROTECT, related_name="ntm_requests"
    )
    year = models.PositiveSmallIntegerField(_("năm đăng ký"))
    target_level = models.CharField(_("mức đăng ký"), max_length=20, choices=RecognitionLevel.choices)
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ tiêu chí"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    # The pre-2025 district that appraises first (before 01/07/2025); null: the province appraises directly.
    district = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("huyện thẩm định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.REGISTERED
    )
    self_assessment = models.TextField(_("báo cáo tự đánh giá"), blank=True)
    last_reason = models.TextField(_("lý do trả lại, không công nhận gần nhất"), blank=True)
    recognition = models.OneToOneField(
        Recognition, null=True, blank=True, on_delete=models.PROTECT, related_name="request"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When the district proposed it to the province: a later return by the province comes back to the province.
    district_proposed_at = models.DateTimeField(_("huyện đề nghị tỉnh lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)

    objects = RecognitionRequestQuerySet.as_manager()
    scope_area_field = "commune"

    class Meta:
        verbose_name = _("hồ sơ đề nghị công nhận nông thôn mới")
        verbose_name_plural = _("hồ sơ đề nghị công nhận nông thôn mới")
        ordering = ["-year", "commune_id", "target_level"]
        constraints = [
            # One open request per commune, year and level; refused or withdrawn ones stay as history.
            models.UniqueConstraint(
                fields=["commune", "year", "target_level"],
                condition=~models.Q(status__in=["refused", "withdrawn"]),
                name="ntm_request_open_uniq",
            ),
        ]
        indexes = [models.Index(fields=["year", "status"], name="ntm_request_year_idx")]

    def __str__(self):
        return f"{self.commune} · {self.year} · {self.get_target_level_display()}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("ntm:request_detail", args=[self.pk])


def request_document_path(instance, filename):
    return f"ntm/requests/{instance.request_id}/{filename}"


class RequestDocument(models.Model):
    """A document of the dossier: the whole (tờ trình, báo cáo) or the evidence of one criterion."""

    request = models.ForeignKey(RecognitionRequest, on_delete=models.CASCADE, related_name="documents")
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("tiêu chí"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("tên tài liệu"), max_length=255)
    file = models.FileField(_("tệp"), upload_to=request_document_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tài liệu hồ sơ nông thôn mới")
        verbose_name_plural = _("tài liệu hồ sơ nông thôn mới")
        ordering = ["request", "criterion_id", "uploaded_at"]

    def __str__(self):
        return self.title


class CriterionAppraisal(models.Model):
    """The appraisal of one criterion of a request: passed, or returned with the reason the commune must answer."""

    request = models.ForeignKey(RecognitionRequest, on_delete=models.CASCADE, related_name="appraisals")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(
        _("kết quả thẩm định"), max_length=10, choices=AppraisalVerdict.choices, default=AppraisalVerdict.PENDING
    )
    reason = models.TextField(_("lý do, yêu cầu bổ sung"), blank=True)
    response = models.TextField(_("xã giải trình, bổ sung"), blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appraised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thẩm định tiêu chí")
        verbose_name_plural = _("thẩm định tiêu chí")
        ordering = ["request", "criterion__number"]
        constraints = [models.UniqueConstraint(fields=["request", "criterion"], name="ntm_appraisal_uniq")]

    def __str__(self):
        return f"{self.criterion.code}: {self.get_verdict_display()}"
