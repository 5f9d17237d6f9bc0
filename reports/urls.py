from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("overview/", views.authority_overview, name="authority_overview"),
    path("projects/<int:pk>/dashboard/", views.project_dashboard, name="project_dashboard"),
    path("projects/<int:pk>/scores.csv", views.project_scores_csv, name="project_scores_csv"),
    path("rounds/<int:pk>/responses.csv", views.round_responses_csv, name="round_responses_csv"),
]
