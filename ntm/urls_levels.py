"""Routes of the NTM advanced and model levels (issue 18), joined into ntm/urls.py."""

from django.urls import path

from ntm import level_views

urlpatterns = [
    path("commune/<str:area_id>/levels/", level_views.level_overview, name="levels"),
    path("commune/<str:area_id>/levels/start/", level_views.level_start, name="level_start"),
    path("commune/<str:area_id>/levels/count/", level_views.level_count, name="level_count"),
]
