from django.urls import path

from areas import views

app_name = "areas"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("pick/", views.pick, name="pick"),
    path("<str:area_id>/", views.unit, name="unit"),
]
