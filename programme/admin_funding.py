"""Admin of the support ledger: read and search; writes go through the pages (services with audit)."""

from django.contrib import admin

from programme.models import SupportLine


@admin.register(SupportLine)
class SupportLineAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "province",
        "product",
        "producer",
        "purpose",
        "source",
        "amount_planned",
        "amount_disbursed",
    ]
    list_filter = ["year", "source", "purpose", "supporter"]
    search_fields = ["product__name", "producer__name", "linkage_project__name", "decision_no"]
    list_select_related = ["province", "product", "producer"]
    raw_id_fields = ["province", "producer", "product", "linkage_project", "commune", "plan_line"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
