from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import ApiToken, Membership, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("OCOP", {"fields": ("full_name", "phone", "organisation")}),)
    list_display = ["username", "full_name", "email", "is_active"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "area", "created_at", "revoked_at"]
    list_filter = ["role"]
    raw_id_fields = ["user", "area", "granted_by"]
    readonly_fields = ["user", "role", "area", "created_at", "granted_by", "revoked_at"]

    def has_add_permission(self, request):
        return False  # grants go through accounts.services so they are audited

    def has_delete_permission(self, request, obj=None):
        return False  # revocation goes through accounts.services; the row stays as history


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "key_prefix", "created_at", "revoked_at"]
    readonly_fields = [
        "user",
        "name",
        "key_prefix",
        "key_hash",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]

    def has_add_permission(self, request):
        return False
