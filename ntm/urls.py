from django.urls import path

from ntm import (
    urls_areas,
    urls_indicators,
    urls_levels,
    urls_procedure,
    urls_village_assessments,
    views,
    village_views,
)

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
    path("villages/", village_views.village_list, name="village_list"),
    path("villages/new/", village_views.village_create, name="village_create"),
    path("villages/import/", village_views.village_import, name="village_import"),
    path("villages/after-merger/", village_views.village_place_after_merger, name="village_place_after_merger"),
    path("villages/<int:pk>/", village_views.village_detail, name="village_detail"),
    path("villages/<int:pk>/edit/", village_views.village_edit, name="village_edit"),
    path("villages/<int:pk>/move/", village_views.village_move, name="village_move"),
    path("villages/<int:pk>/close/", village_views.village_close, name="village_close"),
    path("villages/<int:pk>/merge/", village_views.village_merge, name="village_merge"),
    path("villages/<int:pk>/split/", village_views.village_split, name="village_split"),
]
urlpatterns += urls_indicators.urlpatterns
urlpatterns += urls_levels.urlpatterns
urlpatterns += urls_village_assessments.urlpatterns
urlpatterns += urls_areas.urlpatterns
urlpatterns += urls_procedure.urlpatterns
