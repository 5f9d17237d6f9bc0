from django.urls import path

from . import correction_views, delivery_views, respond_views, views

app_name = "surveys"

urlpatterns = [
    # GOV.UK Notify's delivery receipts (bearer token, no session).
    path("notify/callback/", delivery_views.notify_callback, name="notify_callback"),
    path("questionnaires/", views.instrument_list, name="instrument_list"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:project_pk>/rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/email/", views.round_email_preview, name="round_email_preview"),
    path("rounds/<int:pk>/invite/", views.invitation_add, name="invitation_add"),
    path("rounds/<int:pk>/invite/import/", views.invitation_import, name="invitation_import"),
    path(
        "rounds/<int:pk>/invite/import/confirm/",
        views.invitation_import_confirm,
        name="invitation_import_confirm",
    ),
    path(
        "rounds/<int:pk>/invite/import/template.csv",
        views.invitation_import_template,
        name="invitation_import_template",
    ),
    path(
        "rounds/<int:pk>/invite-members/",
        views.invitations_from_memberships,
        name="invitations_from_memberships",
    ),
    path("rounds/<int:pk>/send/", views.invitations_send, name="invitations_send"),
    path("rounds/<int:pk>/remind/", views.round_remind, name="round_remind"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/paper/", views.paper_response, name="paper_response"),
    # Putting paper questionnaires right (surveys.corrections).
    path(
        "rounds/<int:pk>/paper/entries/", correction_views.paper_entry_list, name="paper_entry_list"
    ),
    path(
        "rounds/<int:pk>/paper/entries/<int:response_pk>/",
        correction_views.paper_entry_edit,
        name="paper_entry_edit",
    ),
    path(
        "rounds/<int:pk>/paper/entries/<int:response_pk>/withdraw/",
        correction_views.paper_entry_withdraw,
        name="paper_entry_withdraw",
    ),
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
