"""Admin of sales channels: read-only, because every change goes through programme.channel_services (moderation and
audit); the pages are for looking a record up."""

from django.contrib import admin

from programme.models import DistributionAgreement, EcommerceListing, Outlet


class ReadOnlyChannelAdmin(admin.ModelAdmin):
    list_select_related = ("product",)
    raw_id_fields = ("product",)
    search_fields = ("product__name",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Outlet)
class OutletAdmin(ReadOnlyChannelAdmin):
    list_display = ("name", "kind", "product", "commune", "approved_at", "review", "removed_at")
    list_filter = ("kind", "review")
    list_select_related = ("product", "commune")
    search_fields = ("name", "product__name")


@admin.register(EcommerceListing)
class EcommerceListingAdmin(ReadOnlyChannelAdmin):
    list_display = ("platform", "url", "product", "link_state", "link_dead_since", "approved_at", "review")
    list_filter = ("platform", "link_state", "review")
    search_fields = ("url", "product__name")


@admin.register(DistributionAgreement)
class DistributionAgreementAdmin(ReadOnlyChannelAdmin):
    list_display = ("partner", "region", "product", "starts_on", "ends_on", "approved_at", "review")
    list_filter = ("review",)
    search_fields = ("partner", "product__name")
