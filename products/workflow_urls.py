from django.urls import path

from products import workflow_views as views

app_name = "ideas"
urlpatterns = [
    path("", views.idea_list, name="list"),
    path("new/", views.idea_register, name="register"),
    path("<int:pk>/", views.idea_detail, name="detail"),
    path("<int:pk>/resubmit/", views.idea_resubmit, name="resubmit"),
    path("<int:pk>/return/", views.idea_return, name="return"),
    path("<int:pk>/accept/", views.idea_accept, name="accept"),
    path("dossiers/", views.dossier_list, name="dossiers"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/plan/", views.dossier_plan, name="dossier_plan"),
    path("dossiers/<int:pk>/upload/", views.dossier_upload, name="dossier_upload"),
    path("dossiers/<int:pk>/submit/", views.dossier_submit, name="dossier_submit"),
    path("dossiers/<int:pk>/receive/", views.dossier_receive, name="dossier_receive"),
    path("dossiers/<int:pk>/return/", views.dossier_return, name="dossier_return"),
    path("dossiers/<int:pk>/forward/", views.dossier_forward, name="dossier_forward"),
    path("dossiers/<int:pk>/province-return/", views.dossier_province_return, name="dossier_province_return"),
    path("dossiers/<int:pk>/rounds/", views.dossier_add_to_round, name="dossier_add_to_round"),
    path("dossiers/<int:pk>/forms/<slug:code>/", views.dossier_form, name="dossier_form"),
    path("dossiers/<int:pk>/forms/<slug:code>/pdf/", views.dossier_form_pdf, name="dossier_form_pdf"),
    path("products/<int:pk>/dossiers/new/", views.dossier_open, name="dossier_open"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("documents/<int:pk>/remove/", views.document_remove, name="document_remove"),
]
