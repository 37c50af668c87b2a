from django.urls import path

from products import views

app_name = "products"
urlpatterns = [
    path("", views.product_list, name="list"),
    path("export.xlsx", views.product_export, name="export"),
    path("new/", views.product_create, name="create"),
    path("<int:pk>/", views.product_detail, name="detail"),
    path("<int:pk>/edit/", views.product_edit, name="edit"),
    path("<int:pk>/location/", views.product_location, name="location"),
    path("<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("<int:pk>/photos/<int:photo_id>/", views.photo_file, name="photo"),
]
