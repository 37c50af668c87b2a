"""Criteria sets are read-only in the admin: they are written only by their loaders (files, spreadsheets)."""

from django.contrib import admin

from evaluation.models import CriteriaSet, Criterion, MandatoryRule, Option, Part, Section, SheetScope


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PartInline(ReadOnlyMixin, admin.TabularInline):
    model = Part
    fields = ["code", "name", "points"]
    extra = 0


class SectionInline(ReadOnlyMixin, admin.TabularInline):
    model = Section
    fields = ["code", "name", "part"]
    extra = 0


class ScopeInline(ReadOnlyMixin, admin.TabularInline):
    model = SheetScope
    fields = ["category", "source"]
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "title", "valid_from", "valid_until", "status", "source"]
    list_filter = ["status"]
    inlines = [PartInline, SectionInline, ScopeInline]


class CriterionInline(ReadOnlyMixin, admin.TabularInline):
    model = Criterion
    fields = ["code", "section", "text", "max_points"]
    extra = 0


@admin.register(SheetScope)
class SheetScopeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["criteria_set", "category", "source"]
    list_filter = ["criteria_set"]
    list_select_related = ["criteria_set", "category"]
    inlines = [CriterionInline]


class OptionInline(ReadOnlyMixin, admin.TabularInline):
    model = Option
    fields = ["text", "points"]
    extra = 0


class MandatoryRuleInline(ReadOnlyMixin, admin.TabularInline):
    model = MandatoryRule
    fields = ["stars", "min_points", "option"]
    extra = 0


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "text", "max_points", "scope"]
    list_filter = ["scope__criteria_set"]
    list_select_related = ["scope__criteria_set", "scope__category"]
    search_fields = ["code", "text"]
    inlines = [OptionInline, MandatoryRuleInline]
