"""Admin of the monitoring reports: read and search; writes go through the pages (services with audit)."""

from django.contrib import admin

from programme.admin_events import ReadOnlyAdmin
from programme.models import MonitoringReport


@admin.register(MonitoringReport)
class MonitoringReportAdmin(ReadOnlyAdmin):
    list_display = ["product", "year", "status", "output_quantity", "output_unit", "revenue", "submitted_at"]
    list_filter = ["status", "year"]
    search_fields = ["product__name", "product__producer__name"]
    list_select_related = ["product"]
    raw_id_fields = ["product"]
