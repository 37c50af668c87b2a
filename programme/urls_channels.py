"""Sales channels of a product (programme.channel_views)."""

from django.urls import path

from programme import channel_views as views

urlpatterns = [
    path("products/<int:product_id>/channels/", views.channels, name="channels"),
    path("products/<int:product_id>/channels/<slug:kind>/new/", views.channel_form, name="channel_new"),
    path("products/<int:product_id>/channels/<slug:kind>/<int:pk>/edit/", views.channel_form, name="channel_edit"),
    path(
        "products/<int:product_id>/channels/<slug:kind>/<int:pk>/remove/", views.channel_remove, name="channel_remove"
    ),
    path("channels/review/", views.queue, name="channel_queue"),
    path("channels/<slug:kind>/<int:pk>/approve/", views.approve, name="channel_approve"),
    path("channels/<slug:kind>/<int:pk>/reject/", views.reject, name="channel_reject"),
]
