"""Programme documents and annual plans: lists, forms, targets, lines and their links, the import upload, the
product page's slot."""

from django.urls import path

from programme import plan_views as views

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/import/", views.plan_import, name="plan_import"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/targets/", views.plan_targets, name="plan_targets"),
    path("plans/<int:pk>/lines/add/", views.plan_line_add, name="plan_line_add"),
    path("plans/<int:pk>/refresh-links/", views.plan_refresh_links, name="plan_refresh_links"),
    path("plan-targets/<int:pk>/delete/", views.plan_target_delete, name="plan_target_delete"),
    path("plan-lines/<int:pk>/edit/", views.plan_line_edit, name="plan_line_edit"),
    path("plan-lines/<int:pk>/delete/", views.plan_line_delete, name="plan_line_delete"),
    path("plan-lines/<int:pk>/link/", views.plan_line_link, name="plan_line_link"),
    path("documents/", views.document_list_view, name="document_list"),
    path("documents/new/", views.document_create, name="document_create"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/targets/", views.document_targets, name="document_targets"),
    path("products/<int:product_id>/plans/", views.product_plans, name="product_plans"),
]
