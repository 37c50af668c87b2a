"""sitemap.xml and robots.txt: served at the root of the site."""

urlpatterns = []
