"""The REST API under /api/v1/: each app contributes its own routes.

`schema_urlpatterns` (the OpenAPI schema and its interactive docs) belong under /api/: they are
included from config/urls.py, outside the versioned prefix.
"""

from django.urls import include, path
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import serializers
from rest_framework.routers import SimpleRouter

from partnerships import api as registry_api
from partnerships import api_actions as registry_actions
from reports import api as reports_api
from surveys import api as surveys_api
from surveys import api_actions as survey_actions
from surveys import correction_api

# The scorecard endpoint is a function view the schema cannot infer: describe its body here.
# (Better as a decorator in reports/api.py itself; kept here so that file stays untouched.)
extend_schema(
    responses=inline_serializer(
        "Scorecard",
        {
            "status": serializers.CharField(),
            **{
                name: serializers.JSONField(allow_null=True)
                for name in reports_api.SCORECARD_FIELDS
                if name not in ("status", "n_agencies", "n_respondents", "computed_at")
            },
            "n_agencies": serializers.IntegerField(),
            "n_respondents": serializers.IntegerField(),
            "computed_at": serializers.DateTimeField(),
        },
    )
)(reports_api.round_scorecard)

# SimpleRouter, not DefaultRouter: no browsable root view, every route is a resource.
router = SimpleRouter()
router.register("agencies", registry_api.AgencyViewSet, basename="agency")
router.register("partnerships", registry_api.PartnershipViewSet, basename="partnership")
router.register("projects", registry_api.ProjectViewSet, basename="project")
router.register("instruments", surveys_api.InstrumentViewSet, basename="instrument")
router.register("rounds", surveys_api.RoundViewSet, basename="round")

api_urlpatterns = [
    *router.urls,
    path(
        "partnerships/<int:pk>/memberships/",
        registry_api.PartnershipMemberships.as_view(),
        name="partnership-memberships",
    ),
    path(
        "rounds/<int:pk>/invitations/",
        surveys_api.RoundInvitations.as_view(),
        name="round-invitations",
    ),
    path(
        "rounds/<int:pk>/responses/",
        surveys_api.RoundResponses.as_view(),
        name="round-responses",
    ),
    path(
        "rounds/<int:pk>/responses/<int:response_pk>/",
        correction_api.RoundResponseDetail.as_view(),
        name="round-response-detail",
    ),
    path(
        "rounds/<int:pk>/paper-entries/",
        correction_api.RoundPaperEntries.as_view(),
        name="round-paper-entries",
    ),
    # Officer actions, the same services as the buttons on the pages.
    path("rounds/<int:pk>/close/", survey_actions.round_close, name="round-close"),
    path("rounds/<int:pk>/send/", survey_actions.round_send, name="round-send"),
    path("rounds/<int:pk>/remind/", survey_actions.round_remind, name="round-remind"),
    path(
        "rounds/<int:pk>/invite-members/",
        survey_actions.round_invite_members,
        name="round-invite-members",
    ),
    path("invitations/<int:pk>/send/", survey_actions.invitation_send, name="invitation-send"),
    path(
        "invitations/<int:pk>/revoke/",
        survey_actions.invitation_revoke,
        name="invitation-revoke",
    ),
    path(
        "partnerships/<int:pk>/active/",
        registry_actions.partnership_active,
        name="partnership-active",
    ),
    path("projects/<int:pk>/active/", registry_actions.project_active, name="project-active"),
    path("memberships/<int:pk>/", registry_actions.membership_change, name="membership-change"),
]

urlpatterns = [
    path("", include((api_urlpatterns, "api"))),
    path("", include("reports.api_urls")),
]

schema_urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]
