"""The support ledger: lines, totals report and its Excel, support against results, import, the product page slot."""

from django.urls import path

from programme import funding_views as views

urlpatterns = [
    path("funding/", views.support_list, name="support_list"),
    path("funding/new/", views.support_create, name="support_create"),
    path("funding/report/", views.funding_report, name="funding_report"),
    path("funding/results/", views.support_results, name="support_results"),
    path("funding/import/", views.funding_import, name="funding_import"),
    path("funding/<int:pk>/", views.support_detail, name="support_detail"),
    path("funding/<int:pk>/edit/", views.support_edit, name="support_edit"),
    path("funding/<int:pk>/delete/", views.support_delete, name="support_delete"),
    path("products/<int:product_id>/funding/", views.product_funding, name="product_funding"),
]
