"""Routes of the NTM indicator evidence (issue 18), joined into ntm/urls.py."""

urlpatterns = []
