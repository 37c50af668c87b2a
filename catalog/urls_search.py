from django.urls import path

from catalog import views_search

urlpatterns = [
    path("", views_search.home, name="home"),
    path("search/", views_search.search, name="search"),
]
