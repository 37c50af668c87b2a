from django.contrib import admin

from areas.models import AdministrativeUnit, PendingSuccession, Succession


@admin.register(AdministrativeUnit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "scheme", "level", "parent", "valid_from", "valid_until"]
    list_filter = ["scheme", "level", "unit_type"]
    search_fields = ["code", "search_name", "name"]
    list_select_related = ["parent"]

    def has_change_permission(self, request, obj=None):
        return False  # reference data changes only through load_reference_data and its reviewed patch

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Succession)
class SuccessionAdmin(UnitAdmin):
    list_display = ["predecessor", "successor", "partly_merged", "review_status", "legal_basis"]
    list_filter = ["review_status", "partly_merged"]
    search_fields = ["predecessor__search_name", "successor__search_name"]
    list_select_related = ["predecessor", "successor"]


@admin.register(PendingSuccession)
class PendingAdmin(UnitAdmin):
    list_display = ["unit", "note"]
    list_filter = []
    search_fields = ["unit__search_name"]
    list_select_related = ["unit"]
