"""Monitoring after recognition: yearly reports, their approval, the due page, the watch list, the import upload and
the product page's section (programme.monitoring_views)."""

from django.urls import path

from programme import monitoring_views as views

urlpatterns = [
    path("monitoring/", views.monitoring_list, name="monitoring_list"),
    path("monitoring/new/", views.monitoring_create, name="monitoring_create"),
    path("monitoring/due/", views.monitoring_due, name="monitoring_due"),
    path("monitoring/watch/", views.watch_list, name="watch_list"),
    path("monitoring/import/", views.monitoring_import, name="monitoring_import"),
    path("monitoring/<int:pk>/", views.monitoring_detail, name="monitoring_detail"),
    path("monitoring/<int:pk>/edit/", views.monitoring_edit, name="monitoring_edit"),
    path("monitoring/<int:pk>/submit/", views.monitoring_submit, name="monitoring_submit"),
    path("monitoring/<int:pk>/return/", views.monitoring_return, name="monitoring_return"),
    path("monitoring/<int:pk>/approve/", views.monitoring_approve, name="monitoring_approve"),
    path("monitoring/<int:pk>/reopen/", views.monitoring_reopen, name="monitoring_reopen"),
    path("products/<int:product_id>/monitoring/", views.product_monitoring, name="product_monitoring"),
]
