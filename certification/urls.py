from django.urls import path

from certification import document_views, views

app_name = "register"
urlpatterns = [
    path("import/", views.import_upload, name="import"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("certificates/<slug:code>.pdf", document_views.certificate_pdf, name="certificate_pdf"),
    path("products/<int:pk>/supervision/", views.supervision, name="supervision"),
    path("products/<int:pk>/revoke/", views.revoke, name="revoke"),
]
