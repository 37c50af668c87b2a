from django.urls import path

from certification import verify_views

app_name = "verify"
urlpatterns = [
    path("", verify_views.lookup, name="lookup"),
    path("<slug:code>/", verify_views.verify, name="certificate"),
]
