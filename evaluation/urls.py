from django.urls import path

from evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("new/", views.round_create, name="round_create"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/items/", views.item_add, name="item_add"),
    path("<int:pk>/decision/", views.decision_issue, name="decision"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/board/", views.board, name="board"),
    path("<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes"),
    path("<int:pk>/results.xlsx", views.results_xlsx, name="results"),
    path("items/<int:pk>/sheets/<int:sheet_id>.pdf", views.sheet_pdf, name="sheet_pdf"),
    path("items/<int:pk>/", views.score, name="score"),
    path("items/<int:pk>/choose/", views.choose, name="choose"),
    path("items/<int:pk>/submit/", views.submit, name="submit"),
    path("items/<int:pk>/conflict/", views.conflict, name="conflict"),
    path("items/<int:pk>/lock/", views.lock, name="lock"),
    path("items/<int:pk>/approve/", views.approve, name="approve"),
    path("items/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("items/<int:pk>/minimums/", views.minimums, name="minimums"),
    path("items/<int:pk>/minimums/<int:rule_id>/", views.minimum_record, name="minimum_record"),
    path("items/<int:pk>/eliminate/", views.eliminate, name="eliminate"),
]
