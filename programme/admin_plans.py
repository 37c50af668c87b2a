"""Admin of programme documents, annual plans, targets and plan lines: read and search; writes go through the pages
(programme.plan_services, with their audit entries)."""

from django.contrib import admin

from programme.admin_events import ReadOnlyAdmin
from programme.models import AnnualPlan, PlanLine, PlanTarget, ProgrammeDocument


@admin.register(ProgrammeDocument)
class ProgrammeDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "area", "start_year", "end_year", "decision_no", "decision_date"]
    list_filter = ["kind", "start_year"]
    search_fields = ["title", "decision_no"]
    list_select_related = ["area"]


@admin.register(AnnualPlan)
class AnnualPlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "area", "document", "decision_no", "decision_date"]
    list_filter = ["year"]
    search_fields = ["title", "decision_no"]
    list_select_related = ["area", "document"]


@admin.register(PlanTarget)
class PlanTargetAdmin(ReadOnlyAdmin):
    list_display = ["metric", "stars", "value", "plan", "document", "sub_area"]
    list_filter = ["metric"]
    list_select_related = ["plan", "document", "sub_area"]
    raw_id_fields = ["plan", "document", "sub_area", "group"]


@admin.register(PlanLine)
class PlanLineAdmin(ReadOnlyAdmin):
    list_display = ["name", "plan", "action", "target_stars", "supported_by", "funding_source", "planned_amount"]
    list_filter = ["action", "supported_by", "funding_source"]
    search_fields = ["name", "producer_name", "plan__title"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan", "commune", "producer", "idea", "product", "round_item", "decision"]
