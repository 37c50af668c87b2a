from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from scheduling.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """Read-only: runs are written by the scheduler and the worker."""

    list_display = ["job", "slot", "status", "enqueued_at", "finished_at", "short_result", "scheduler"]
    list_filter = ["job", "status"]
    search_fields = ["job", "task_id", "error"]
    date_hierarchy = "slot"

    @admin.display(description=_("kết quả / lỗi"))
    def short_result(self, obj):
        text = obj.error or ("" if obj.result is None else str(obj.result))
        return text if len(text) <= 120 else text[:117] + "…"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
