from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("ocop/", views.ocop_dashboard, name="ocop"),
    path("ocop/records/", views.ocop_records, name="ocop_records"),
    path("ocop/export.xlsx", views.ocop_export, name="ocop_export"),
    path("ocop/report.pdf", views.ocop_pdf, name="ocop_pdf"),
    path("ocop/flags/", views.ocop_flags, name="ocop_flags"),
]
