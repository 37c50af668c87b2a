"""Import jobs: one uploaded spreadsheet, checked (dry run) and then written by the background worker."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet


class Status(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    NEEDS_MAPPING = "needs_mapping", _("Cần ghép cột")
    VALIDATED = "validated", _("Đã kiểm tra")
    DONE = "done", _("Đã ghi")
    FAILED = "failed", _("Không thành công")
    CANCELLED = "cancelled", _("Đã hủy")
    UNDONE = "undone", _("Đã hoàn tác")


class Mode(models.TextChoices):
    DRY_RUN = "dry_run", _("Kiểm tra")
    WRITE = "write", _("Ghi")


ACTIVE = (Status.QUEUED, Status.RUNNING)


class ImportJob(models.Model):
    kind = models.CharField(_("loại tệp"), max_length=20)
    file = models.FileField(_("tệp"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("địa bàn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    mode = models.CharField(_("bước"), max_length=10, choices=Mode.choices, default=Mode.DRY_RUN)
    skip_invalid = models.BooleanField(_("bỏ qua dòng lỗi"), default=False)
    mapping = models.JSONField(_("ghép cột"), default=dict, blank=True)
    mapping_confirmed = models.BooleanField(default=False)  # the person has seen the mapping step for this file
    saved_mapping = models.ForeignKey(
        "imports.SavedMapping", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    headings = models.JSONField(default=list, blank=True)  # [{"text", "key", "matched_by"}] as read from the file
    preview = models.JSONField(default=list, blank=True)  # the first rows, cells in heading order
    missing = models.JSONField(default=list, blank=True)  # required keys no heading supplies
    stage = models.CharField(max_length=10, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    invalid_rows = models.PositiveIntegerField(default=0)
    summary = models.TextField(_("kết quả"), blank=True)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)  # [{"row", "column", "message"}]
    warnings = models.JSONField(default=list, blank=True)
    outcomes = models.JSONField(default=list, blank=True)  # [{"row", "what", "action"}], the first OUTCOMES_KEPT rows
    error_file = models.FileField(_("tệp lỗi"), upload_to="imports/errors/%Y/%m/", blank=True)
    reason = models.TextField(_("lý do"), blank=True)  # why it failed, was cancelled or refused
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("lần nhập")
        verbose_name_plural = _("các lần nhập")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "area", "-finished_at"], name="import_job_kind_area_idx")]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def audit_tag(self) -> str:
        """The request id of every audit entry its write wrote: how undo finds what it created."""
        return f"import-job-{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def valid_rows(self) -> int:
        return max(self.rows_total - self.invalid_rows, 0)

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


class SavedMapping(models.Model):
    """How one province's files of one kind name their columns: reused when a file with those headings comes again."""

    kind = models.CharField(_("loại tệp"), max_length=20)
    area = models.ForeignKey(
        "areas.AdministrativeUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mapping = models.JSONField(_("ghép cột"), default=dict)  # file heading → key, or "-" for a heading ignored
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("cách ghép cột đã lưu")
        ordering = ["-saved_at", "-id"]

    def __str__(self):
        return f"{self.kind}: {len(self.mapping)}"
