from django.urls import path

from certification import verify_views

app_name = "verify"
urlpatterns = [
    path("<slug:code>/", verify_views.verify, name="certificate"),
]
