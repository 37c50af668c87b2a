"""Product, producer and province pages, the printable province catalogue and open data (catalog.views_pages)."""

from django.urls import path, re_path

from catalog import views_pages

urlpatterns = [
    path("product/<int:pk>/", views_pages.product, name="product"),
    path("product/<int:pk>/qr.png", views_pages.product_qr, name="product_qr"),
    path("product/<int:pk>/photos/<int:photo_id>/", views_pages.photo, name="photo"),
    path("producer/<int:pk>/", views_pages.producer, name="producer"),
    path("province/<str:area_id>/", views_pages.province, name="province"),
    path("province/<str:area_id>/print.pdf", views_pages.province_print, name="province_print"),
    path("open-data/", views_pages.opendata_index, name="opendata"),
    re_path(
        r"^open-data/(?P<area_id>vn|2025:\d{2})\.(?P<fmt>csv|xlsx|json)$",
        views_pages.opendata_file,
        name="opendata_file",
    ),
]
