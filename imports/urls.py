from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("", views.history, name="history"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/mapping/", views.job_mapping, name="mapping"),
    path("<int:pk>/write/", views.job_write, name="write"),
    path("<int:pk>/cancel/", views.job_cancel, name="cancel"),
    path("<int:pk>/undo/", views.job_undo, name="undo"),
    path("<int:pk>/errors.xlsx", views.job_error_file, name="error_file"),
]
