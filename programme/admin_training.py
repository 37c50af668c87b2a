"""Admin of training courses, campaigns and honours: read and search; writes go through the pages (audited)."""

from django.contrib import admin

from programme.models import CommunicationCampaign, Honour, TrainingCourse


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrainingCourse)
class TrainingCourseAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "start_date", "province", "area", "participants", "cancelled_at"]
    list_filter = ["kind"]
    search_fields = ["title", "organiser", "place"]
    date_hierarchy = "start_date"
    list_select_related = ["province", "area"]


@admin.register(CommunicationCampaign)
class CommunicationCampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "channel", "start_date", "province", "area", "reach", "items", "cancelled_at"]
    list_filter = ["channel"]
    search_fields = ["title", "organiser"]
    date_hierarchy = "start_date"
    list_select_related = ["province", "area"]


@admin.register(Honour)
class HonourAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "kind", "producer", "product", "province", "decision_no"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "producer__name", "product__name", "decision_no"]
    list_select_related = ["province", "producer", "product"]
    raw_id_fields = ["producer", "product"]
