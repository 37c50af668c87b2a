"""Admin of linkage projects, investment projects and raw-material areas: read and search; writes go through the pages
and the API (services with their audit entries)."""

from django.contrib import admin

from programme.models import (
    InvestmentProject,
    LinkagePartner,
    LinkageProject,
    LinkageResult,
    RawMaterialArea,
    RawMaterialAreaYear,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LinkageProject)
class LinkageProjectAdmin(ReadOnlyAdmin):
    list_display = ["name", "province", "lead_name", "product_text", "contract_start", "contract_end", "status"]
    list_filter = ["status"]
    search_fields = ["name", "lead_name", "lead__name", "product_text", "approval_no"]
    list_select_related = ["province"]


@admin.register(LinkagePartner)
class LinkagePartnerAdmin(ReadOnlyAdmin):
    list_display = ["name", "project", "kind", "commune", "households", "area_ha"]
    list_filter = ["kind"]
    search_fields = ["name", "project__name", "contract_no"]
    list_select_related = ["project", "commune"]


@admin.register(LinkageResult)
class LinkageResultAdmin(ReadOnlyAdmin):
    list_display = ["project", "year", "area_ha", "output", "output_unit", "value", "households"]
    list_filter = ["year"]
    search_fields = ["project__name"]
    list_select_related = ["project"]


@admin.register(InvestmentProject)
class InvestmentProjectAdmin(ReadOnlyAdmin):
    list_display = ["name", "province", "investor_name", "crop", "planned_area_ha", "planted_area_ha", "stage"]
    list_filter = ["stage"]
    search_fields = ["name", "investor_name", "investor__name", "crop", "decision_no"]
    list_select_related = ["province"]


@admin.register(RawMaterialArea)
class RawMaterialAreaAdmin(ReadOnlyAdmin):
    list_display = ["name", "product", "area_ha", "certification", "certified_until"]
    list_filter = ["certification"]
    search_fields = ["name", "product__name", "certificate_no"]
    list_select_related = ["product"]


@admin.register(RawMaterialAreaYear)
class RawMaterialAreaYearAdmin(ReadOnlyAdmin):
    list_display = ["raw_area", "year", "area_ha", "output_tonnes", "households"]
    list_filter = ["year"]
    search_fields = ["raw_area__name", "raw_area__product__name"]
    list_select_related = ["raw_area"]
