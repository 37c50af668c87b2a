"""One row per (job, slot): the claim that makes a periodic job run once per slot, whatever the number of schedulers,
and the record of that run (shown in the Django admin)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    ENQUEUED = "enqueued", _("Đã xếp hàng")
    SKIPPED = "skipped", _("Bỏ qua (lần trước còn chờ)")
    RUNNING = "running", _("Đang chạy")
    SUCCESSFUL = "successful", _("Thành công")
    FAILED = "failed", _("Thất bại")


class JobRun(models.Model):
    job = models.CharField(_("việc"), max_length=100)
    slot = models.DateTimeField(_("lượt"))
    task_path = models.CharField(_("tác vụ"), max_length=255)
    task_id = models.CharField(_("mã tác vụ"), max_length=64, blank=True, db_index=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=RunStatus.choices, default=RunStatus.ENQUEUED)
    scheduler = models.CharField(_("bộ lập lịch"), max_length=255, blank=True)
    enqueued_at = models.DateTimeField(_("xếp hàng lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    result = models.JSONField(_("kết quả"), null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("lần chạy việc định kỳ")
        verbose_name_plural = _("các lần chạy việc định kỳ")
        ordering = ["-slot", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduling_one_run_per_slot")]
        indexes = [models.Index(fields=["job", "-slot"], name="scheduling_job_slot_idx")]

    def __str__(self):
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M} UTC"
