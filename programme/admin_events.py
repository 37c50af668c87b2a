"""Admin of trade-promotion events: read and search; writes go through the pages (services with audit)."""

from django.contrib import admin

from programme.models import Event, Participation


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "level", "start_date", "end_date", "province", "is_public", "cancelled_at"]
    list_filter = ["kind", "level", "is_public"]
    search_fields = ["name", "organiser", "place"]
    date_hierarchy = "start_date"
    list_select_related = ["province"]


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdmin):
    list_display = ["event", "producer", "status", "contracts_signed", "sales_value", "new_buyers"]
    list_filter = ["status"]
    search_fields = ["event__name", "producer__name"]
    list_select_related = ["event", "producer"]
    raw_id_fields = ["event", "producer"]
