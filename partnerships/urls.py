from django.urls import path

from . import team_views, views

app_name = "partnerships"

urlpatterns = [
    path("partnerships/", views.partnership_list, name="partnership_list"),
    path("partnerships/new/", views.partnership_create, name="partnership_create"),
    path("partnerships/<int:pk>/", views.partnership_detail, name="partnership_detail"),
    path("partnerships/<int:pk>/edit/", views.partnership_edit, name="partnership_edit"),
    path("partnerships/<int:pk>/archive/", views.partnership_archive, name="partnership_archive"),
    path("partnerships/<int:pk>/members/add/", views.membership_add, name="membership_add"),
    path("partnerships/<int:pk>/projects/add/", views.project_create, name="project_create"),
    path("memberships/<int:pk>/edit/", views.membership_edit, name="membership_edit"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/archive/", views.project_archive, name="project_archive"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/new/", views.agency_create, name="agency_create"),
    path("agencies/import/", views.agency_import, name="agency_import"),
    path("agencies/import/confirm/", views.agency_import_confirm, name="agency_import_confirm"),
    path(
        "agencies/import/template.csv",
        views.agency_import_template,
        name="agency_import_template",
    ),
    path("agencies/<int:pk>/edit/", views.agency_edit, name="agency_edit"),
    path("agencies/<int:pk>/archive/", views.agency_archive, name="agency_archive"),
    # The team (officers) and the set-password link of an invitation (anyone holding it).
    path("team/", team_views.team_list, name="team_list"),
    path("team/invite/", team_views.team_invite, name="team_invite"),
    path(
        "team/invitations/<int:pk>/resend/",
        team_views.team_invitation_resend,
        name="team_invitation_resend",
    ),
    path(
        "team/invitations/<int:pk>/withdraw/",
        team_views.team_invitation_withdraw,
        name="team_invitation_withdraw",
    ),
    path("team/people/<int:pk>/", team_views.team_member, name="team_member"),
    path(
        "team/people/<int:pk>/deactivate/",
        team_views.team_member_deactivate,
        name="team_member_deactivate",
    ),
    path(
        "team/people/<int:pk>/reactivate/",
        team_views.team_member_reactivate,
        name="team_member_reactivate",
    ),
    path(
        "accounts/invitation/<str:token>/",
        team_views.invitation_accept,
        name="invitation_accept",
    ),
    # The authority's own settings: its contact details on the statutory pages (officers).
    path("authority/settings/", views.authority_settings, name="authority_settings"),
    # The audit trail (officers).
    path("audit/", team_views.audit_authority, name="audit_authority"),
    path("partnerships/<int:pk>/audit/", team_views.audit_partnership, name="audit_partnership"),
]
