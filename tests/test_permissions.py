"""Every URL, requested by every kind of person: the status code each one must get.

This table grows with every feature. Another authority's objects answer 404 (never 403), so an
outsider learns nothing about whether an id exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, reverse

from tests import factories

ROLES = ("anonymous", "partner", "manager", "officer", "other_officer", "superuser")
USER_FOR_ROLE = {
    "partner": "priya",
    "manager": "mo",
    "officer": "alice",
    "other_officer": "oscar",
    "superuser": "sam",
}


@dataclass(frozen=True)
class Row:
    url_name: str
    expected: tuple[int, int, int, int, int, int]  # in the order of ROLES
    obj: Callable | None = None  # cast -> the object whose pk goes in the URL
    method: str = "get"
    label: str = ""
    args: Callable | None = None  # cast -> URL arguments that are not an object's pk

    @property
    def id(self) -> str:
        return self.label or self.url_name.split(":")[-1]

    def url(self, cast) -> str:
        if self.args:
            return reverse(self.url_name, args=self.args(cast))
        return reverse(self.url_name, args=[self.obj(cast).pk] if self.obj else [])


def attr(name: str) -> Callable:
    return lambda cast: getattr(cast, name)


def survey_round(cast):
    return factories.survey_round(cast.project)


def unassigned_round(cast):
    """A round of the partnership Mo (a manager) is not assigned to."""
    return factories.survey_round(factories.project(cast.unassigned_partnership))


def invitation(cast):
    return factories.invitation(survey_round(cast), cast.agency)[0]


def scored_round(cast):
    from reports.services import round_score

    rnd = survey_round(cast)
    factories.submitted_response(rnd, cast.agency)
    round_score(round_id=rnd.pk)
    return rnd


def paper_entry(cast):
    """[round, paper entry] of a paper questionnaire Alice keyed in."""
    rnd = survey_round(cast)
    return [rnd.pk, factories.paper_response(rnd, cast.agency, cast.alice).pk]


def scored_network_round(cast):
    from reports.services import round_score

    rnd = factories.survey_round(cast.project, instrument=factories.instrument_version(2))
    factories.submitted_response(rnd, cast.agency)
    round_score(round_id=rnd.pk)
    return rnd


def alices_export(cast):
    from reports.models import Export

    return Export.objects.create(
        requested_by=cast.alice,
        authority=cast.authority,
        covers_partnerships=[cast.partnership.pk],
        kind="authority_pack",
        status="done",
        content=b"%PDF-1.7",
        content_type="application/pdf",
        filename="pack.pdf",
    )


def an_action(cast, project=None):
    import datetime as dt

    from reports.models import Action

    rnd = factories.survey_round(project or cast.project)
    return Action.objects.create(
        round=rnd,
        component="aims",
        description="Agree shared aims.",
        lead_agency=cast.agency,
        due_on=rnd.opens_on + dt.timedelta(days=30),
    )


def unassigned_action(cast):
    return an_action(cast, factories.project(cast.unassigned_partnership, "Unassigned project"))


def account_invitation(cast):
    return factories.account_invitation(cast.authority, "newcomer@example.org")[0]


READER = (302, 403, 200, 200, 200, 403)
OFFICER_ONLY = (302, 403, 403, 200, 200, 403)
OFFICER_OWN_OBJECT = (302, 403, 403, 200, 404, 403)
READER_OWN_OBJECT = (302, 403, 200, 200, 404, 403)
POST_OWN_OBJECT = (302, 403, 403, 302, 404, 403)
# The API never redirects: anonymous gets 403 (session authentication answers 403, not 401).
API_READER = (403, 403, 200, 200, 200, 403)
API_READER_OWN_OBJECT = (403, 403, 200, 200, 404, 403)
API_OFFICER_OWN_OBJECT = (403, 403, 403, 200, 404, 403)
# An empty body: officers reach validation (400), everyone else is stopped before it.
API_POST = (403, 403, 403, 400, 400, 403)
API_POST_OWN_OBJECT = (403, 403, 403, 400, 404, 403)
API_ACTION = (403, 403, 403, 200, 404, 403)  # a POST with nothing to validate
# Partners' pages: partners of the authority only; other roles are refused by role.
PARTNER_OWN_OBJECT = (302, 200, 403, 403, 403, 403)

TABLE = [
    Row("home", (302, 200, 200, 200, 200, 200)),
    Row("login", (200, 200, 200, 200, 200, 200)),
    Row("password_reset", (200, 200, 200, 200, 200, 200)),
    # Staff sign-in through the council's identity provider: not there unless OIDC_ISSUER is
    # set (tests/partnerships/test_staff_sign_in.py has every role with it set).
    Row("oidc_start", (404,) * 6),
    Row("oidc_callback", (404,) * 6),
    # The language switch is open to everyone (it is in every page's header): it redirects back.
    Row("language", (302, 302, 302, 302, 302, 302), args=lambda cast: ["cy"], label="language"),
    Row(
        "language",
        (405, 405, 405, 405, 405, 405),
        args=lambda cast: ["cy"],
        method="post",
        label="language_post",
    ),
    Row("language", (404, 404, 404, 404, 404, 404), args=lambda cast: ["fr"], label="language_fr"),
    Row("admin:index", (302, 302, 302, 302, 302, 200)),
    # The statutory pages: everyone, signed in or not (respondents: tests/test_statutory_pages).
    Row("accessibility", (200,) * 6),
    Row("privacy", (200,) * 6),
    Row("cookies", (200,) * 6),
    Row("partnerships:authority_settings", OFFICER_ONLY),
    Row(
        "partnerships:authority_settings",
        (302, 403, 403, 200, 200, 403),  # an empty post: the form again, for officers
        method="post",
        label="authority settings posted",
    ),
    Row("partnerships:partnership_list", (302, 403, 200, 200, 200, 403)),
    Row("partnerships:partnership_create", OFFICER_ONLY),
    Row("partnerships:partnership_detail", READER_OWN_OBJECT, attr("partnership")),
    Row(
        "partnerships:partnership_detail",
        (302, 403, 404, 200, 404, 403),
        attr("unassigned_partnership"),
        label="unassigned partnership (manager sees only assigned)",
    ),
    Row(
        "partnerships:partnership_detail",
        (302, 403, 404, 404, 200, 403),
        attr("other_partnership"),
        label="another authority's partnership",
    ),
    Row("partnerships:partnership_edit", OFFICER_OWN_OBJECT, attr("partnership")),
    Row("partnerships:partnership_archive", POST_OWN_OBJECT, attr("partnership"), "post"),
    Row("partnerships:membership_add", OFFICER_OWN_OBJECT, attr("partnership")),
    Row(
        "partnerships:membership_edit",
        OFFICER_OWN_OBJECT,
        lambda cast: cast.partnership.memberships.first(),
    ),
    Row("partnerships:project_create", OFFICER_OWN_OBJECT, attr("partnership")),
    Row("surveys:project_detail", READER_OWN_OBJECT, attr("project")),
    Row(
        "surveys:project_detail",
        (302, 403, 404, 404, 200, 403),
        attr("other_project"),
        label="another authority's project",
    ),
    Row("partnerships:project_edit", OFFICER_OWN_OBJECT, attr("project")),
    Row("partnerships:project_archive", POST_OWN_OBJECT, attr("project"), "post"),
    Row("partnerships:agency_list", OFFICER_ONLY),
    Row("partnerships:agency_create", OFFICER_ONLY),
    Row("partnerships:agency_edit", OFFICER_OWN_OBJECT, attr("agency")),
    Row(
        "partnerships:agency_edit",
        (302, 403, 403, 404, 200, 403),
        attr("other_agency"),
        label="another authority's agency",
    ),
    Row("partnerships:agency_archive", POST_OWN_OBJECT, attr("agency"), "post"),
    Row("partnerships:agency_import", OFFICER_ONLY),
    Row("partnerships:agency_import_template", OFFICER_ONLY),
    Row("partnerships:agency_import_confirm", (302, 403, 403, 302, 302, 403), method="post"),
    # The team and the audit trail: officers of the authority only.
    Row("partnerships:team_list", OFFICER_ONLY),
    Row("partnerships:team_invite", OFFICER_ONLY),
    Row("partnerships:team_invitation_resend", POST_OWN_OBJECT, account_invitation, "post"),
    Row("partnerships:team_invitation_withdraw", POST_OWN_OBJECT, account_invitation, "post"),
    Row("partnerships:team_member", OFFICER_OWN_OBJECT, attr("mo")),
    Row(
        "partnerships:team_member",
        (302, 403, 403, 404, 200, 403),
        attr("oscar"),
        label="another authority's officer",
    ),
    Row("partnerships:team_member_deactivate", POST_OWN_OBJECT, attr("mo"), "post"),
    Row("partnerships:team_member_reactivate", POST_OWN_OBJECT, attr("mo"), "post"),
    # An unknown set-password link is 404 for everyone, signed in or not.
    Row("partnerships:invitation_accept", (404,) * 6, args=lambda cast: ["not-a-real-token"]),
    Row("partnerships:audit_authority", OFFICER_ONLY),
    Row("partnerships:audit_partnership", OFFICER_OWN_OBJECT, attr("partnership")),
    Row(
        "partnerships:audit_partnership",
        (302, 403, 403, 404, 200, 403),
        attr("other_partnership"),
        label="another authority's partnership audit",
    ),
    # Surveys: officers run rounds; managers read them; questionnaires are shared by everyone.
    Row("surveys:instrument_list", READER),
    Row("reports:instrument_detail", READER, lambda cast: factories.default_instrument()),
    Row("surveys:round_create", OFFICER_OWN_OBJECT, attr("project")),
    Row("surveys:round_detail", READER_OWN_OBJECT, survey_round),
    Row("surveys:invitation_add", OFFICER_OWN_OBJECT, survey_round),
    Row("surveys:round_edit", OFFICER_OWN_OBJECT, survey_round),
    Row(
        "surveys:round_edit",
        OFFICER_OWN_OBJECT,
        survey_round,
        "post",
        "round edit posted empty (the form comes back with its errors)",
    ),
    Row("surveys:round_email_preview", OFFICER_OWN_OBJECT, survey_round),
    *[
        Row(name, OFFICER_OWN_OBJECT, unassigned_round, label=f"{name} (unassigned partnership)")
        for name in (
            "surveys:round_edit",
            "surveys:round_email_preview",
            "surveys:invitation_import",
            "surveys:invitation_import_template",
        )
    ],
    Row("surveys:invitation_import", OFFICER_OWN_OBJECT, survey_round),
    Row("surveys:invitation_import_template", OFFICER_OWN_OBJECT, survey_round),
    Row("surveys:invitation_import_confirm", POST_OWN_OBJECT, survey_round, "post"),
    Row("surveys:invitations_from_memberships", POST_OWN_OBJECT, survey_round, "post"),
    Row("surveys:invitations_send", POST_OWN_OBJECT, survey_round, "post"),
    Row("surveys:round_remind", POST_OWN_OBJECT, survey_round, "post"),
    Row("surveys:round_close", POST_OWN_OBJECT, survey_round, "post"),
    Row("reports:round_results_announce", POST_OWN_OBJECT, survey_round, "post"),
    Row("surveys:paper_response", OFFICER_OWN_OBJECT, survey_round),
    Row("surveys:round_responses_delete", OFFICER_OWN_OBJECT, survey_round),
    # Putting paper questionnaires right: officers of the authority only.
    Row("surveys:paper_entry_list", OFFICER_OWN_OBJECT, survey_round),
    Row("surveys:paper_entry_edit", OFFICER_OWN_OBJECT, args=paper_entry),
    Row("surveys:paper_entry_withdraw", OFFICER_OWN_OBJECT, args=paper_entry),
    Row("surveys:invitation_resend", POST_OWN_OBJECT, invitation, "post"),
    Row("surveys:invitation_revoke", POST_OWN_OBJECT, invitation, "post"),
    # Notify's delivery callback: only its bearer token opens it, never a session or a role.
    Row("surveys:notify_callback", (403,) * 6, method="post"),
    Row("surveys:notify_callback", (405,) * 6, label="notify callback is POST only"),
    # The respondent pages: an unknown link is 404 for all; without a link, 403 for all.
    Row("surveys:respond_link", (404,) * 6, args=lambda cast: ["not-a-real-token"]),
    Row("surveys:respond_start", (403,) * 6),
    Row("surveys:respond_section", (403,) * 6, args=lambda cast: [1]),
    Row("surveys:respond_check", (403,) * 6),
    Row("surveys:respond_submit", (403,) * 6, method="post"),
    Row("surveys:respond_done", (403,) * 6),
    # Dashboards and exports: officers and managers of this authority.
    Row("reports:authority_overview", READER),
    Row("reports:project_dashboard", READER_OWN_OBJECT, attr("project")),
    Row("reports:project_scores_csv", READER_OWN_OBJECT, attr("project")),
    Row("reports:round_responses_csv", READER_OWN_OBJECT, survey_round),
    Row("reports:round_comments", READER_OWN_OBJECT, survey_round),
    # Partners read the published results of their agency's partnerships, and nothing else.
    Row("reports:partner_partnership", PARTNER_OWN_OBJECT, attr("partnership")),
    Row(
        "reports:partner_partnership",
        (302, 404, 403, 403, 403, 403),
        attr("unassigned_partnership"),
        label="a partnership the partner's agency is not in",
    ),
    Row(
        "reports:partner_partnership",
        (302, 404, 403, 403, 403, 403),
        attr("other_partnership"),
        label="another authority's partnership, for a partner",
    ),
    Row("reports:partner_project_results", PARTNER_OWN_OBJECT, attr("project")),
    Row(
        "reports:partner_project_results",
        (302, 404, 403, 403, 403, 403),
        attr("other_project"),
        label="another authority's project, for a partner",
    ),
    Row("reports:project_scorecard_pdf", READER_OWN_OBJECT, attr("project")),
    Row("reports:authority_pack_request", (302, 403, 302, 302, 302, 403), method="post"),
    # Action plans (issue 15): officers and managers who read the round record and update them.
    Row("reports:action_create", READER_OWN_OBJECT, survey_round),
    Row(
        "reports:action_create",
        (302, 403, 404, 200, 404, 403),
        unassigned_round,
        label="action create, unassigned partnership",
    ),
    Row(
        "reports:action_create",
        (302, 403, 200, 200, 404, 403),
        survey_round,
        "post",
        label="action create, empty post (readers see the form again)",
    ),
    Row("reports:action_detail", READER_OWN_OBJECT, an_action),
    Row(
        "reports:action_detail",
        (302, 403, 404, 200, 404, 403),
        unassigned_action,
        label="action detail, unassigned partnership",
    ),
    Row("reports:workshop_pack_request", (302, 403, 302, 302, 404, 403), scored_round, "post"),
    Row(
        "reports:workshop_pack_request",
        (302, 403, 404, 302, 404, 403),
        unassigned_round,
        "post",
        "workshop pack, unassigned partnership",
    ),
    # An export is visible only to the person who asked for it (Alice here).
    Row("reports:export_detail", (302, 403, 404, 200, 404, 403), alices_export),
    Row("reports:export_status", (302, 403, 404, 200, 404, 403), alices_export),
    Row("reports:export_download", (302, 403, 404, 200, 404, 403), alices_export),
    # API: anonymous gets 403 (session authentication answers 403, not 401).
    Row("reports_api:round_scorecard", (403, 403, 200, 200, 404, 403), scored_round),
    Row("reports_api:round_actions", API_READER_OWN_OBJECT, survey_round),
    Row(
        "reports_api:round_actions",
        (403, 403, 404, 200, 404, 403),
        unassigned_round,
        label="round actions, unassigned partnership",
    ),
    # An empty body: readers reach validation (400), everyone else is stopped before it.
    Row(
        "reports_api:round_actions",
        (403, 403, 400, 400, 404, 403),
        survey_round,
        "post",
        "action create (API)",
    ),
    Row("reports_api:action_status", (403, 403, 400, 400, 404, 403), an_action, "post"),
    Row(
        "reports_api:action_status",
        (403, 403, 404, 400, 404, 403),
        unassigned_action,
        "post",
        "action status, unassigned partnership",
    ),
    Row("reports_api:round_network", (403, 403, 200, 200, 404, 403), scored_network_round),
    # The REST API (issue 6): the same rules, with 403 for anonymous and 404 across authorities.
    Row("api:agency-list", API_READER),
    Row("api:agency-detail", API_READER_OWN_OBJECT, attr("agency")),
    Row("api:partnership-list", API_READER),
    Row("api:partnership-detail", API_READER_OWN_OBJECT, attr("partnership")),
    Row("api:partnership-memberships", API_READER_OWN_OBJECT, attr("partnership")),
    Row("api:project-list", API_READER),
    Row("api:project-detail", API_READER_OWN_OBJECT, attr("project")),
    Row("api:instrument-list", API_READER),
    Row("api:instrument-detail", API_READER, lambda cast: factories.default_instrument()),
    Row("api:round-list", API_READER),
    Row("api:round-detail", API_READER_OWN_OBJECT, survey_round),
    Row("api:round-detail", API_POST_OWN_OBJECT, survey_round, "patch", "round edit"),
    Row("api:round-invitations", API_OFFICER_OWN_OBJECT, survey_round),
    Row("api:round-responses", API_OFFICER_OWN_OBJECT, survey_round),
    Row("api:agency-list", API_POST, method="post", label="agency create"),
    Row("api:round-responses", API_POST_OWN_OBJECT, survey_round, "post", "response entry"),
    Row("api:round-paper-entries", API_OFFICER_OWN_OBJECT, survey_round),
    Row("api:round-response-detail", API_OFFICER_OWN_OBJECT, args=paper_entry),
    Row(
        "api:round-response-detail",
        API_POST_OWN_OBJECT,
        method="put",
        args=paper_entry,
        label="paper entry correction",
    ),
    Row(
        "api:round-response-detail",
        API_POST_OWN_OBJECT,
        method="delete",
        args=paper_entry,
        label="paper entry withdrawal",
    ),
    Row("api:round-send", API_ACTION, survey_round, "post"),
    Row("api:round-remind", API_ACTION, survey_round, "post"),
    Row("api:round-close", API_ACTION, survey_round, "post"),
    Row("api:round-invite-members", API_ACTION, survey_round, "post"),
    Row("api:invitation-send", API_ACTION, invitation, "post"),
    Row("api:invitation-revoke", API_ACTION, invitation, "post"),
    Row("api:partnership-active", API_POST_OWN_OBJECT, attr("partnership"), "post"),
    Row("api:project-active", API_POST_OWN_OBJECT, attr("project"), "post"),
    Row(
        "api:membership-change",
        API_POST_OWN_OBJECT,
        lambda cast: cast.partnership.memberships.first(),
        "put",
    ),
]


@pytest.mark.parametrize("row", TABLE, ids=[r.id for r in TABLE])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status(client, cast, row, role):
    if role != "anonymous":
        client.force_login(getattr(cast, USER_FOR_ROLE[role]))
    response = getattr(client, row.method)(row.url(cast))
    expected = row.expected[ROLES.index(role)]
    assert response.status_code == expected, (
        f"{row.id} as {role}: got {response.status_code}, expected {expected}"
    )
    if role == "anonymous" and expected == 302 and row.url_name not in ("admin:index", "language"):
        assert response["Location"].startswith(reverse("login"))


def test_every_registry_url_is_in_the_table():
    """A new URL without a row here fails, so the table cannot silently fall behind."""
    from config.api_urls import api_urlpatterns
    from partnerships.urls import urlpatterns as registry_urls
    from reports.api_urls import urlpatterns as api_urls
    from reports.urls import urlpatterns as report_urls
    from surveys.urls import urlpatterns as survey_urls

    names = {f"partnerships:{p.name}" for p in registry_urls}
    names |= {f"surveys:{p.name}" for p in survey_urls}
    names |= {f"reports_api:{p.name}" for p in api_urls}
    names |= {f"reports:{p.name}" for p in report_urls}
    api_patterns = [p for p in api_urlpatterns if isinstance(p, URLPattern)]
    assert len(api_patterns) == len(api_urlpatterns)  # the router adds no include()
    names |= {f"api:{p.name}" for p in api_patterns}
    assert names - {row.url_name for row in TABLE} == set()


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
@pytest.mark.parametrize("role", ROLES)
def test_the_health_endpoints_answer_everyone_alike(client, cast, path, role):
    """Answered by core.health's middleware, not a URL pattern: the same for every caller."""
    if role != "anonymous":
        client.force_login(getattr(cast, USER_FOR_ROLE[role]))
    assert client.get(path).status_code == 200
