from django.contrib import admin

from core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "action", "object_label", "area"]
    list_filter = ["action"]
    search_fields = ["object_label", "action", "actor_label"]
    list_select_related = ["area"]
    readonly_fields = ["previous_hash", "entry_hash"]  # not editable, so shown only when named here

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
