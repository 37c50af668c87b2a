from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import people_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("members/", views.members, name="members"),
    path("members/<int:pk>/", views.member, name="member"),
    path("members/<int:pk>/revoke/", views.revoke_member, name="revoke_member"),
    path("users/", people_views.people, name="people"),
    path("users/new/", people_views.create_person, name="create_person"),
    path("users/<int:pk>/", people_views.person, name="person"),
    path("users/<int:pk>/edit/", people_views.edit_person, name="edit_person"),
    path("users/<int:pk>/roles/", people_views.grant_role, name="grant_role"),
    path("users/<int:pk>/password-link/", people_views.password_link, name="password_link"),
    path("users/<int:pk>/deactivate/", people_views.deactivate_person, name="deactivate_person"),
    path("users/<int:pk>/reactivate/", people_views.reactivate_person, name="reactivate_person"),
    path("users/<int:pk>/producers/", people_views.link_producer, name="link_producer"),
    path("users/<int:pk>/producers/<int:producer_pk>/unlink/", people_views.unlink_producer, name="unlink_producer"),
    path("pick/areas/", people_views.pick_units, name="pick_units"),
    path("pick/producers/", people_views.pick_producers, name="pick_producers"),
    path("password/reset/", people_views.password_reset, name="password_reset"),
    path("password/reset/sent/", people_views.password_reset_sent, name="password_reset_sent"),
    path("set-password/<uidb64>/<token>/", people_views.SetPasswordView.as_view(), name="set_password"),
]
