from django.urls import path

from . import api

app_name = "reports_api"

urlpatterns = [
    path("rounds/<int:pk>/scorecard/", api.round_scorecard, name="round_scorecard"),
    path("rounds/<int:pk>/actions/", api.round_actions, name="round_actions"),
    path("actions/<int:pk>/status/", api.action_status, name="action_status"),
    path("rounds/<int:pk>/network/", api.round_network, name="round_network"),
]
