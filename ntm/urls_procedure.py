"""Routes of the NTM procedure pages (issue 18), joined into ntm/urls.py."""

urlpatterns = []
