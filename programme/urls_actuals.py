"""Plan against actual: the dashboard page, the records behind each actual, the Excel workbook."""

from django.urls import path

from programme import plan_actual_views as views

urlpatterns = [
    path("plans/actual/", views.plan_actual, name="plan_actual"),
    path("plans/actual/records/", views.plan_actual_records, name="plan_actual_records"),
    path("plans/actual/export.xlsx", views.plan_actual_export, name="plan_actual_export"),
]
