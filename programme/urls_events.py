"""Trade-promotion events: officers' pages, producers' registration, the two reports and their exports."""

from django.urls import path

from programme import event_views as views

urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/report/", views.event_report_view, name="event_report"),
    path("events/never-promoted/", views.never_promoted_view, name="never_promoted"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:pk>/participants/add/", views.participant_add, name="participant_add"),
    path("events/<int:pk>/register/", views.event_register, name="event_register"),
    path("participations/<int:pk>/accept/", views.participation_accept, name="participation_accept"),
    path("participations/<int:pk>/decline/", views.participation_decline, name="participation_decline"),
    path("participations/<int:pk>/results/", views.participation_results, name="participation_results"),
]
