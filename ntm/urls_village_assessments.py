"""Routes of the NTM village_assessments pages (issue 18), joined into ntm/urls.py."""

urlpatterns = []
