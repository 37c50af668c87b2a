"""Routes of the NTM areas pages (issue 18), joined into ntm/urls.py."""

from django.urls import path

from ntm import area_views

urlpatterns = [
    path("areas/titles/", area_views.area_recognition_list, name="area_recognitions"),
    path("areas/titles/new/", area_views.area_recognition_add, name="area_recognition_add"),
    path("areas/titles/<int:pk>/revoke/", area_views.area_recognition_revoke, name="area_recognition_revoke"),
    path("areas/without-ntm/", area_views.areas_without, name="areas_without_ntm"),
    path("areas/conditions/", area_views.area_conditions, name="area_conditions"),
]
