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
    # Where and when the council met, as the minutes (biên bản) record it; left blank, the printed minutes leave a
    # line to fill in by hand.
    meeting_date = models.DateField(_("ngày họp hội đồng"), null=True, blank=True)
    meeting_place = models.CharField(_("địa điểm họp"), max_length=255, blank=True)
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
    presides_for_chair = models.BooleanField(
        _("chủ trì thay chủ tịch"),
        default=False,
        help_text=_(
            "Phó chủ tịch được chỉ định khi lập hội đồng để chủ trì việc chấm, khoá phiếu, phê duyệt và mở lại đối "
            "với sản phẩm mà chủ tịch hội đồng có xung đột lợi ích."
        ),
    )

    class Meta:
        verbose_name = _("thành viên hội đồng")
        verbose_name_plural = _("thành viên hội đồng")
        ordering = ["evaluation_round", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation_round", "user"], name="council_member_uniq"),
            models.UniqueConstraint(fields=["evaluation_round"], condition=Q(role="chair"), name="council_one_chair"),
            models.UniqueConstraint(
                fields=["evaluation_round"], condition=Q(presides_for_chair=True), name="council_one_deputy"
            ),
            models.CheckConstraint(
                condition=Q(presides_for_chair=False) | Q(role="vice_chair"), name="council_deputy_is_vice_chair"
            ),
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


# ── The advisory team's review of a product's dossier (26/2026/QĐ-TTg Điều 7.3.c) ──────────────────────────────────


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Đang xem xét hồ sơ")
    ADDITIONS_REQUESTED = "requested", _("Đã đề nghị bổ sung hồ sơ")
    ADDITIONS_RECEIVED = "received", _("Đã nhận hồ sơ bổ sung")
    REPORTED = "reported", _("Đã báo cáo chủ tịch hội đồng")


class ReviewQuerySet(ScopedQuerySet):
    pass


class AdvisoryReview(models.Model):
    """The advisory team's review of one product before the council scores it: requests for additions, site surveys,
    then its report to the chair (summary and recommendation). Written only by evaluation.advisory."""

    item = models.OneToOneField(RoundItem, on_delete=models.CASCADE, related_name="advisory_review")
    status = models.CharField(_("tình trạng"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    summary = models.TextField(_("tóm tắt đánh giá hồ sơ"), blank=True)
    recommendation = models.TextField(_("kiến nghị với chủ tịch hội đồng"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("ngày báo cáo"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReviewQuerySet.as_manager()
    scope_area_field = "item__evaluation_round__province"

    class Meta:
        verbose_name = _("đánh giá hồ sơ của tổ tư vấn")
        verbose_name_plural = _("đánh giá hồ sơ của tổ tư vấn")

    def __str__(self):
        return f"{self.item} · {self.get_status_display()}"


class AdditionRequest(models.Model):
    """What the advisory team asks the producer to add to the dossier, by when; and when it was received."""

    review = models.ForeignKey(AdvisoryReview, on_delete=models.CASCADE, related_name="requests")
    missing = models.TextField(_("nội dung cần bổ sung"))
    due_on = models.DateField(_("hạn bổ sung"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    received_on = models.DateField(_("ngày nhận bổ sung"), null=True, blank=True)
    received_note = models.TextField(_("ghi chú khi nhận"), blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("đề nghị bổ sung hồ sơ")
        verbose_name_plural = _("đề nghị bổ sung hồ sơ")
        ordering = ["review", "requested_at", "id"]

    def __str__(self):
        return f"{self.review.item} · {self.due_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.received_on is None


class SiteSurvey(models.Model):
    """A survey at the production site (khảo sát thực tế): scheduled with its date and who goes, then its findings."""

    review = models.ForeignKey(AdvisoryReview, on_delete=models.CASCADE, related_name="surveys")
    surveyed_on = models.DateField(_("ngày khảo sát"))
    participants = models.TextField(_("người khảo sát"))
    findings = models.TextField(_("kết quả khảo sát"), blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("khảo sát thực tế")
        verbose_name_plural = _("khảo sát thực tế")
        ordering = ["review", "surveyed_on", "id"]

    def __str__(self):
        return f"{self.review.item} · {self.surveyed_on:%d/%m/%Y}"


# ── ≥ 90 points: the chairman's approval, the proposal to the ministry and its outcome (Điều 7.3.e, 7.4.g) ──────────


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đã đề nghị Bộ, chờ kết quả")
    RECOGNISED = "recognised", _("Bộ công nhận 5 sao")
    BELOW_90 = "below_90", _("Hội đồng cấp trung ương chấm dưới 90 điểm")
    PROVINCE_RECOGNISED = "province_recognised", _("Tỉnh công nhận theo kết quả của Hội đồng cấp trung ương")
    RE_EVALUATION = "re_evaluation", _("Tỉnh tổ chức đánh giá, phân hạng lại")


class ProposalDocument(models.TextChoices):
    """The parts of the province's 5★ dossier (26/2026 Điều 6.3.a) besides the letter and the approval decision,
    which the proposal records by number and date."""

    ADVISORY_REPORT = "advisory_report", _("Báo cáo đánh giá của Tổ tư vấn Hội đồng cấp tỉnh")
    COUNCIL_REPORT = "council_report", _("Báo cáo đánh giá của Hội đồng cấp tỉnh")
    PRODUCT_DOSSIER = "product_dossier", _("Hồ sơ sản phẩm")
    EXTRA_TESTS = "extra_tests", _("Văn bản xác nhận kiểm tra, kiểm nghiệm bổ sung của cấp tỉnh")
    SAMPLES = "samples", _("05 sản phẩm mẫu")


class ProposalQuerySet(ScopedQuerySet):
    pass


class MinistryProposal(models.Model):
    """A product whose approved result is 5★ (≥ 90 after the sheet's minimums): the province chairman approves the
    result, the province proposes it to the Ministry of Agriculture and Environment, and the ministry's outcome is
    recorded here. Written only by evaluation.proposals."""

    item = models.OneToOneField(RoundItem, on_delete=models.PROTECT, related_name="ministry_proposal")
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    approval_no = models.CharField(_("số quyết định phê duyệt kết quả"), max_length=60, blank=True)
    approval_date = models.DateField(_("ngày quyết định phê duyệt"), null=True, blank=True)
    letter_no = models.CharField(_("số văn bản đề nghị Bộ"), max_length=60)
    letter_date = models.DateField(_("ngày văn bản đề nghị"))
    documents = models.JSONField(_("hồ sơ gửi kèm"), default=list, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_on = models.DateField(
        _("ngày Bộ quyết định hoặc thông báo kết quả"),
        null=True,
        blank=True,
        help_text=_("Đến hết ngày trước ngày này sản phẩm là sản phẩm tiềm năng 5 sao đang chờ Bộ."),
    )
    ministry_decision = models.ForeignKey(
        "certification.Decision",
        verbose_name=_("quyết định công nhận 5 sao của Bộ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notice_no = models.CharField(_("số văn bản thông báo kết quả của Bộ"), max_length=60, blank=True)
    central_score = models.DecimalField(
        _("điểm của Hội đồng cấp trung ương"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    central_stars = models.PositiveSmallIntegerField(_("hạng sao theo Hội đồng cấp trung ương"), null=True, blank=True)
    province_decision = models.ForeignKey(
        "certification.Decision",
        verbose_name=_("quyết định công nhận của tỉnh theo kết quả cấp trung ương"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    certificate = models.ForeignKey(
        "certification.Certificate",
        verbose_name=_("giấy chứng nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reevaluation_on = models.DateField(_("ngày quyết định đánh giá lại"), null=True, blank=True)
    reevaluation_reason = models.TextField(_("lý do đánh giá lại"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ProposalQuerySet.as_manager()
    scope_area_field = "item__evaluation_round__province"

    class Meta:
        verbose_name = _("đề nghị Bộ công nhận 5 sao")
        verbose_name_plural = _("đề nghị Bộ công nhận 5 sao")
        ordering = ["-letter_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(central_score__isnull=True) | Q(central_score__gte=0, central_score__lte=100),
                name="ministry_proposal_score_0_100",
            ),
            models.CheckConstraint(
                condition=Q(central_stars__isnull=True) | Q(central_stars__gte=1, central_stars__lte=5),
                name="ministry_proposal_stars_1_5",
            ),
        ]
        indexes = [models.Index(fields=["letter_date", "decided_on"], name="ministry_proposal_pending_idx")]

    def __str__(self):
        return f"{self.item.product} · {self.letter_no}"

    @property
    def decided(self) -> bool:
        return self.status != ProposalStatus.PROPOSED
