from django.urls import path

from certification import views

app_name = "register"
urlpatterns = [
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
]
