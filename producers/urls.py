from django.urls import path

from producers import views

app_name = "producers"
urlpatterns = [
    path("", views.producer_list, name="list"),
    path("new/", views.producer_create, name="create"),
    path("pick/", views.producer_pick, name="pick"),
    path("<int:pk>/", views.producer_detail, name="detail"),
    path("<int:pk>/edit/", views.producer_edit, name="edit"),
]
