from django.urls import path

from . import comment_views, partner_views, views

app_name = "reports"

urlpatterns = [
    path("questionnaires/<int:pk>/", views.instrument_detail, name="instrument_detail"),
    path("overview/", views.authority_overview, name="authority_overview"),
    path("projects/<int:pk>/dashboard/", views.project_dashboard, name="project_dashboard"),
    path("projects/<int:pk>/scores.csv", views.project_scores_csv, name="project_scores_csv"),
    path("rounds/<int:pk>/comments/", comment_views.round_comments, name="round_comments"),
    path(
        "rounds/<int:pk>/results/announce/", views.results_announce, name="round_results_announce"
    ),
    path("rounds/<int:pk>/responses.csv", views.round_responses_csv, name="round_responses_csv"),
    path(
        "projects/<int:pk>/scorecard.pdf", views.project_scorecard_pdf, name="project_scorecard_pdf"
    ),
    # Partners: the published results of their agency's partnerships.
    path(
        "results/partnerships/<int:pk>/",
        partner_views.partner_partnership,
        name="partner_partnership",
    ),
    path(
        "results/projects/<int:pk>/",
        partner_views.partner_project_results,
        name="partner_project_results",
    ),
    path("exports/authority-pack/", views.authority_pack_request, name="authority_pack_request"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/status/", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    # Action plans (issue 15)
    path("rounds/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path(
        "rounds/<int:pk>/workshop-pack/", views.workshop_pack_request, name="workshop_pack_request"
    ),
]
