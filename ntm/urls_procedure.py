"""Routes of the NTM procedure pages (issue 18), joined into ntm/urls.py."""

from django.urls import path

from ntm import procedure_views as v

urlpatterns = [
    path("requests/", v.request_list, name="request_list"),
    path("requests/board/", v.request_board, name="request_board"),
    path("requests/new/", v.request_register, name="request_register"),
    path("requests/<int:pk>/", v.request_detail, name="request_detail"),
    path("requests/<int:pk>/save/", v.request_save, name="request_save"),
    path("requests/<int:pk>/documents/", v.request_document_add, name="request_document_add"),
    path("requests/<int:pk>/respond/", v.request_respond, name="request_respond"),
    path("requests/<int:pk>/submit/", v.request_submit, name="request_submit"),
    path("requests/<int:pk>/withdraw/", v.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/appraise/", v.request_appraise, name="request_appraise"),
    path("requests/<int:pk>/return/", v.request_return, name="request_return"),
    path("requests/<int:pk>/propose/", v.request_propose, name="request_propose"),
    path("requests/<int:pk>/decide/", v.request_decide, name="request_decide"),
    path("requests/<int:pk>/refuse/", v.request_refuse, name="request_refuse"),
    path("requests/documents/<int:pk>/", v.request_document_download, name="request_document_download"),
    path("requests/documents/<int:pk>/remove/", v.request_document_remove, name="request_document_remove"),
]
