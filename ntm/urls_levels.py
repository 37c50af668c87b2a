"""Routes of the NTM advanced and model levels (issue 18), joined into ntm/urls.py."""

urlpatterns = []
