"""Routes of the NTM indicator evidence (issue 18), joined into ntm/urls.py."""

from django.urls import path

from ntm import indicator_views

urlpatterns = [
    path(
        "assessments/<int:pk>/indicators/<int:indicator>/evidence/",
        indicator_views.indicator_evidence,
        name="indicator_evidence",
    ),
    path(
        "assessments/<int:pk>/indicators/<int:indicator>/evidence/remove/",
        indicator_views.indicator_evidence_remove,
        name="indicator_evidence_remove",
    ),
]
