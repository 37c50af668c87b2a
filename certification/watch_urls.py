from django.urls import path

from certification import watch_views

app_name = "certificates"
urlpatterns = [
    path("expiring/", watch_views.expiring, name="expiring"),
]
