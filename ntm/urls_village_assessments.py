"""Routes of the NTM village assessments pages (issue 18), joined into ntm/urls.py."""

from django.urls import path

from ntm import village_assessment_views as views

urlpatterns = [
    path("village-assessments/", views.village_assessment_list, name="village_assessment_list"),
    path("villages/<int:pk>/assess/", views.village_assessment_start, name="village_assessment_start"),
    path("village-assessments/<int:pk>/", views.village_assessment, name="village_assessment"),
    path(
        "village-assessments/<int:pk>/<slug:action>/",
        views.village_assessment_transition,
        name="village_assessment_transition",
    ),
]
