"""sitemap.xml and robots.txt: served at the root of the site."""

from django.urls import path

from catalog import views_pages

urlpatterns = [
    path("robots.txt", views_pages.robots_txt, name="robots"),
    path("sitemap.xml", views_pages.sitemap_xml, name="sitemap"),
]
