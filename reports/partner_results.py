"""What a partner reads: the published results of the partnerships their agency is in.

The same dashboard as officers and managers read (reports.dashboards, reports.presenters and the
dashboard's sections template), with three differences, each kept in one place:

- only partnerships the partner's agency is a member of today (partnerships_visible_to);
- only rounds whose results are published: closed and scored (an anonymous round's scorecard
  exists only once published, reports.services.publication; an attributed round is shown once
  it has closed, so partners read the round's result, not a count that moves with each answer);
- of the agencies, only their own agency's row beside the whole partnership's, and only in an
  attributed round (reports.selectors.scorecard_for_partner).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from partnerships.models import Partnership, Project, User
from partnerships.selectors import partnerships_visible_to
from surveys.models import Round

from . import dashboards, fragments, presenters
from .services.publication import published_rounds


def partner_partnerships(user: User) -> QuerySet[Partnership]:
    """The active partnerships the partner's agency is in today."""
    return partnerships_visible_to(user).filter(active=True)


@dataclass
class ProjectResults:
    project: Project
    latest: Round | None  # its latest published round, None when nothing is published yet


def partnership_results(user: User, pk: int) -> tuple[Partnership, list[ProjectResults]]:
    """A partnership of the partner's agency and each of its projects' latest published round:
    three queries."""
    partnership = get_object_or_404(partner_partnerships(user), pk=pk)
    projects = list(partnership.projects.order_by("name"))
    latest: dict[int, Round] = {}
    for rnd in published_rounds(partnership.projects.all()).order_by("opens_on", "pk"):
        latest[rnd.project_id] = rnd
    return partnership, [ProjectResults(p, latest.get(p.pk)) for p in projects]


def partner_project_for_user(user: User, pk: int) -> Project:
    return get_object_or_404(
        Project.objects.filter(partnership__in=partner_partnerships(user)).select_related(
            "partnership", "partnership__authority"
        ),
        pk=pk,
    )


def partner_results_context(
    user: User, project_pk: int, round_pk: int | None = None
) -> dict[str, Any]:
    """The partner's dashboard page: the frame, and the sections rendered only when what they
    show changed (cached per agency: what one agency reads is not what another does)."""
    project = partner_project_for_user(user, project_pk)
    dashboard = dashboards.dashboard_frame_of(project, published_rounds(project), round_pk)
    agency_id = user.agency_id or 0

    def render_sections() -> SafeString:
        dashboards.dashboard_fill(dashboard, partner_agency_id=agency_id)
        context = {**presenters.sections_context(dashboard), "partner": True}
        return render_to_string(presenters.SECTIONS_TEMPLATE, context)

    if not dashboard.rounds:
        return {"d": dashboard, "sections": ""}
    fingerprint = ("partner", agency_id, dashboards.dashboard_sections_fingerprint(dashboard))
    sections = fragments.cached_fragment("partner_dashboard", fingerprint, render_sections)
    return {"d": dashboard, "sections": sections}
