"""Routes of the NTM areas pages (issue 18), joined into ntm/urls.py."""

urlpatterns = []
