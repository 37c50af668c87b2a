from django.urls import path

from ntm import views

app_name = "ntm"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.export, name="export"),
    path("communes/", views.figure, name="figure"),
    path("priorities/", views.priorities, name="priorities"),
    path("completeness/", views.completeness, name="completeness"),
    path("completeness/remind/", views.remind, name="remind"),
    path("completeness/period/", views.close_period, name="period"),
    path("commune/<str:area_id>/", views.commune, name="commune"),
    path("commune/<str:area_id>/start/", views.start, name="start"),
    path("commune/<str:area_id>/recognitions/", views.recognition_add, name="recognition_add"),
    path("commune/<str:area_id>/acknowledgements/", views.acknowledgement_add, name="acknowledgement_add"),
    path("commune/<str:area_id>/group/", views.group_set, name="group_set"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path("assessments/<int:pk>/<slug:action>/", views.transition, name="transition"),
    path("recognitions/", views.recognitions, name="recognitions"),
    path("recognitions/<int:pk>/revoke/", views.recognition_revoke, name="recognition_revoke"),
    path("import/", views.import_upload, name="import"),
]
