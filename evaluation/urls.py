from django.urls import path

from evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("new/", views.round_create, name="round_create"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/meeting/", views.meeting, name="meeting"),
    path("<int:pk>/pick/products/", views.pick_products, name="pick_products"),
    path("<int:pk>/pick/people/", views.pick_people, name="pick_people"),
    path("<int:pk>/members/<int:member_pk>/deputy/", views.member_deputy, name="member_deputy"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
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
    # the advisory team's review (evaluation.advisory) and the ≥ 90 path to the ministry (evaluation.proposals)
    path("<int:pk>/advisory/", views.advisory_round, name="advisory_round"),
    path("items/<int:pk>/advisory/", views.advisory_item, name="advisory_item"),
    path("items/<int:pk>/advisory/requests/", views.advisory_request, name="advisory_request"),
    path(
        "items/<int:pk>/advisory/requests/<int:request_id>/received/",
        views.advisory_received,
        name="advisory_received",
    ),
    path("items/<int:pk>/advisory/surveys/", views.advisory_survey, name="advisory_survey"),
    path(
        "items/<int:pk>/advisory/surveys/<int:survey_id>/findings/",
        views.advisory_findings,
        name="advisory_findings",
    ),
    path("items/<int:pk>/advisory/report/", views.advisory_report, name="advisory_report"),
    path("<int:pk>/ministry/", views.ministry, name="ministry"),
    path("<int:pk>/ministry/propose/", views.ministry_propose, name="ministry_propose"),
    path("ministry/<int:proposal_id>/recognised/", views.ministry_recognised, name="ministry_recognised"),
    path("ministry/<int:proposal_id>/below-90/", views.ministry_below_90, name="ministry_below_90"),
    path(
        "ministry/<int:proposal_id>/province-decision/",
        views.ministry_province_decision,
        name="ministry_province_decision",
    ),
    path("ministry/<int:proposal_id>/reevaluation/", views.ministry_reevaluation, name="ministry_reevaluation"),
]
