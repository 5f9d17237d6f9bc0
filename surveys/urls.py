from django.urls import path

from . import delivery_views, respond_views, views

app_name = "surveys"

urlpatterns = [
    # GOV.UK Notify's delivery receipts (bearer token, no session).
    path("notify/callback/", delivery_views.notify_callback, name="notify_callback"),
    path("questionnaires/", views.instrument_list, name="instrument_list"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:project_pk>/rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/invite/", views.invitation_add, name="invitation_add"),
    path(
        "rounds/<int:pk>/invite-members/",
        views.invitations_from_memberships,
        name="invitations_from_memberships",
    ),
    path("rounds/<int:pk>/send/", views.invitations_send, name="invitations_send"),
    path("rounds/<int:pk>/remind/", views.round_remind, name="round_remind"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/paper/", views.paper_response, name="paper_response"),
    path(
        "rounds/<int:pk>/delete-responses/",
        views.round_responses_delete,
        name="round_responses_delete",
    ),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    # The respondent journey: only the first URL carries the token.
    path("r/<str:token>/", respond_views.respond_link, name="respond_link"),
    path("respond/", respond_views.respond_start, name="respond_start"),
    path("respond/section/<int:number>/", respond_views.respond_section, name="respond_section"),
    path("respond/check/", respond_views.respond_check, name="respond_check"),
    path("respond/submit/", respond_views.respond_submit, name="respond_submit"),
    path("respond/done/", respond_views.respond_done, name="respond_done"),
]
