"""Linkage projects, investment projects and raw-material areas: lists, records, yearly figures, report, product
section."""

from django.urls import path

from programme import linkage_views as views

urlpatterns = [
    path("linkages/", views.linkage_list, name="linkage_list"),
    path("linkages/new/", views.linkage_create, name="linkage_create"),
    path("linkages/report/", views.linkage_report_view, name="linkage_report"),
    path("linkages/<int:pk>/", views.linkage_detail, name="linkage_detail"),
    path("linkages/<int:pk>/edit/", views.linkage_edit, name="linkage_edit"),
    path("linkages/<int:pk>/status/", views.linkage_status, name="linkage_status"),
    path("linkages/<int:pk>/partners/add/", views.linkage_partner_add, name="linkage_partner_add"),
    path("linkages/partners/<int:pk>/edit/", views.linkage_partner_edit, name="linkage_partner_edit"),
    path("linkages/partners/<int:pk>/delete/", views.linkage_partner_delete, name="linkage_partner_delete"),
    path("linkages/<int:pk>/results/", views.linkage_result, name="linkage_result"),
    path("investments/", views.investment_list, name="investment_list"),
    path("investments/new/", views.investment_create, name="investment_create"),
    path("investments/<int:pk>/", views.investment_detail, name="investment_detail"),
    path("investments/<int:pk>/edit/", views.investment_edit, name="investment_edit"),
    path("raw-material-areas/", views.raw_area_list, name="raw_area_list"),
    path("raw-material-areas/new/", views.raw_area_create, name="raw_area_create"),
    path("raw-material-areas/<int:pk>/", views.raw_area_detail, name="raw_area_detail"),
    path("raw-material-areas/<int:pk>/edit/", views.raw_area_edit, name="raw_area_edit"),
    path("raw-material-areas/<int:pk>/years/", views.raw_area_year, name="raw_area_year"),
    path("products/<int:product_id>/linkages/", views.product_linkages, name="product_linkages"),
]
