"""CSV exports, streamed from the database, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import pgettext_lazy

from core.csv_import import safe_cell
from core.languages import current, language_of
from partnerships.models import User
from surveys.anonymity import OTHER_AGENCIES, round_group_labels
from surveys.answers import DONT_KNOW, answer_value
from surveys.models import Answer, QuestionType, Response, Round

from . import scoring
from .models import Export, ExportStatus
from .selectors import OTHER_AGENCIES_NAME

logger = logging.getLogger(__name__)


# The fixed columns' headers in the reader's language. Question, option and dimension codes
# (aims_1, outcome_priorities.self_confidence, kendall_w) are identifiers, the same in English
# and Welsh, so a file read in one language lines up with one read in the other.
COLUMN_NAMES = {
    "agency": pgettext_lazy("CSV column", "agency"),
    "submitted_on": pgettext_lazy("CSV column", "submitted_on"),
    "submitted_at": pgettext_lazy("CSV column", "submitted_at"),
    "entered_on_paper": pgettext_lazy("CSV column", "entered_on_paper"),
    "response": pgettext_lazy("CSV column", "response"),
    "round": pgettext_lazy("CSV column", "round"),
    "opens_on": pgettext_lazy("CSV column", "opens_on"),
    "closes_on": pgettext_lazy("CSV column", "closes_on"),
    "status": pgettext_lazy("CSV column", "status"),
    "index": pgettext_lazy("CSV column", "index"),
    "band": pgettext_lazy("CSV column", "band"),
    "interval_low": pgettext_lazy("CSV column", "interval_low"),
    "interval_high": pgettext_lazy("CSV column", "interval_high"),
    "uncertain": pgettext_lazy("CSV column", "uncertain"),
    "n_agencies": pgettext_lazy("CSV column", "n_agencies"),
    "n_respondents": pgettext_lazy("CSV column", "n_respondents"),
    "scoring_version": pgettext_lazy("CSV column", "scoring_version"),
    "instrument_version": pgettext_lazy("CSV column", "instrument_version"),
    "computed_at": pgettext_lazy("CSV column", "computed_at"),
    "action_round": pgettext_lazy("CSV column", "action_round"),
    "action": pgettext_lazy("CSV column", "action"),
    "component": pgettext_lazy("CSV column", "component"),
    "description": pgettext_lazy("CSV column", "description"),
    "lead_agency": pgettext_lazy("CSV column", "lead_agency"),
    "due_on": pgettext_lazy("CSV column", "due_on"),
    "status_noted_on": pgettext_lazy("CSV column", "status_noted_on"),
    "status_note": pgettext_lazy("CSV column", "status_note"),
}


def column_names(header: Iterable[str]) -> list[str]:
    return [str(COLUMN_NAMES.get(name, name)) for name in header]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def _cell(qtype: str, value: int | None, dont_know: bool, choice: str, text: str) -> Any:
    shown = answer_value(qtype, value=value, dont_know=dont_know, choice=choice, text=text)
    return "" if shown is None else shown


def raw_answers_readable(user: User, survey_round: Round) -> bool:
    """Who may read a round's raw answers: readers of an attributed round; of an anonymous
    round, officers only and only once it has closed (its results are published at close)."""
    if not survey_round.is_anonymous:
        return True
    return user.is_officer and survey_round.is_closed()


def round_responses_rows(survey_round: Round) -> Iterator[list[Any]]:
    """One row per submitted response, one column per question (a ranking: one per option;
    working relationships: one per agency at opening, its level or "dk").

    No names or e-mail addresses are ever exported. An anonymous round's rows carry nothing that
    links a row to an invitation, a time or an order of submission: no response id, the day
    only, rows sorted by their content; its small groups are labelled "Other agencies" when
    their pool reaches k and left out otherwise (surveys.anonymity). A pooled row's working
    relationships are left blank: which agency it did not rate would name its own.
    """
    questions = list(survey_round.instrument.questions.order_by("position"))
    columns: list[tuple[int, str, str | None]] = []  # (question id, type, option code)
    anonymous = survey_round.is_anonymous
    header = (
        ["agency", "submitted_on", "entered_on_paper"]
        if anonymous
        else ["response", "agency", "submitted_at", "entered_on_paper"]
    )
    first = len(header)
    for q in questions:
        if q.type == QuestionType.RANKING:
            for option in q.options:
                columns.append((q.pk, q.type, option["code"]))
                header.append(f"{q.code}.{option['code']}")
        elif q.type == QuestionType.RELATIONSHIPS:
            for agency_id in survey_round.agencies_at_opening.order_by("pk").values_list(
                "pk", flat=True
            ):
                columns.append((q.pk, q.type, str(agency_id)))
                header.append(f"{q.code}.{agency_id}")
        else:
            columns.append((q.pk, q.type, None))
            header.append(q.code)
    yield column_names(header)

    submitted = Response.objects.filter(round=survey_round, submitted_at__isnull=False)
    names = dict(submitted.values_list("agency_id", "agency__name").distinct())
    labels = round_group_labels(survey_round) if anonymous else {}
    other = str(OTHER_AGENCIES_NAME)
    position = {(qid, code): i for i, (qid, _t, code) in enumerate(columns)}
    types = {q.pk: q.type for q in questions}
    answers = (
        Answer.objects.filter(response__round=survey_round, response__submitted_at__isnull=False)
        .order_by("response_id")
        .values_list(
            "response_id",
            "response__agency_id",
            "response__submitted_at",
            "response__entered_by_id",
            "question_id",
            "value",
            "dont_know",
            "choice",
            "text",
            "ranking",
            "relationships",
        )
        .iterator(chunk_size=5000)
    )

    def rows() -> Iterator[list[Any]]:
        current = None
        row: list[Any] = []
        pooled = False
        for (
            rid,
            agency_id,
            submitted_at,
            entered_by,
            qid,
            value,
            dk,
            choice,
            text,
            ranking,
            relationships,
        ) in answers:
            if rid != current:
                if current is not None:
                    yield row
                current = rid
                paper = "yes" if entered_by else "no"
                if not anonymous:
                    # Only submitted responses are read: submitted_at is never None here.
                    when = submitted_at.isoformat()  # type: ignore[union-attr]
                    lead = [rid, names.get(agency_id, ""), when, paper]
                elif labels.get(agency_id) is None:
                    lead = []  # a small group whose pool is below k: left out
                else:
                    label = other if labels[agency_id] == OTHER_AGENCIES else names[agency_id]
                    day = timezone.localdate(submitted_at).isoformat()
                    lead = [label, day, paper]
                pooled = anonymous and labels.get(agency_id) == OTHER_AGENCIES
                row = lead + [""] * len(columns) if lead else []
            if not row:
                continue
            qtype = types[qid]
            if qtype == QuestionType.RANKING:
                for code, rank in (ranking or {}).items():
                    index = position.get((qid, code))
                    if index is not None:
                        row[first + index] = rank
            elif qtype == QuestionType.RELATIONSHIPS:
                for agency, level in ({} if pooled else relationships or {}).items():
                    index = position.get((qid, agency))
                    if index is not None:
                        row[first + index] = DONT_KNOW if level is None else level
            else:
                row[first + position[(qid, None)]] = _cell(qtype, value, dk, choice, text)
        if current is not None and row:
            yield row

    if not anonymous:
        yield from rows()
        return
    # Sorted by content, so the order says nothing about who submitted when.
    yield from sorted(rows(), key=lambda cells: [str(cell) for cell in cells])


SCORE_HEADER = [
    "round",
    "opens_on",
    "closes_on",
    "status",
    "index",
    "band",
    "interval_low",
    "interval_high",
    "uncertain",
    *scoring.DIMENSIONS,
    "kendall_w",
    "chi_square",
    "p_value",
    "client_priority",
    "n_agencies",
    "n_respondents",
    "scoring_version",
    "instrument_version",
    "computed_at",
]


ACTION_HEADER = [
    "action_round",
    "action",
    "component",
    "description",
    "lead_agency",
    "due_on",
    "status",
    "status_noted_on",
    "status_note",
]


def project_scores_rows(
    points: list[tuple[Round, dict[str, Any]]], actions: Iterable[Any] = ()
) -> Iterator[list[Any]]:
    """One row per scored round of a project, from scorecards already made displayable; then,
    after an empty row, the project's actions with their latest status (issue 15)."""
    yield from _score_rows(points)
    actions = list(actions)
    if not actions:
        return
    yield []
    yield column_names(ACTION_HEADER)
    for action in actions:
        latest = list(action.updates.all())[-1:]
        yield [
            action.round.title,
            action.pk,
            action.component,
            action.description,
            action.lead_agency.name,
            action.due_on.isoformat(),
            action.status,
            latest[0].noted_on.isoformat() if latest else "",
            latest[0].note if latest else "",
        ]


def _score_rows(points: list[tuple[Round, dict[str, Any]]]) -> Iterator[list[Any]]:
    yield column_names(SCORE_HEADER)
    for rnd, data in points:
        dims = data.get("dimensions") or {}
        interval = data.get("interval") or [None, None]
        yield [
            rnd.title,
            rnd.opens_on.isoformat(),
            rnd.closes_on.isoformat(),
            data.get("status"),
            data.get("index"),
            data.get("band"),
            interval[0],
            interval[1],
            data.get("uncertain"),
            *(dims.get(d) for d in scoring.DIMENSIONS),
            data.get("kendall_w"),
            data.get("chi_square"),
            data.get("p_value"),
            data.get("client_priority"),
            data.get("n_agencies"),
            data.get("n_respondents"),
            data.get("scoring_version"),
            data.get("instrument_version"),
            data["computed_at"].isoformat() if data.get("computed_at") else "",
        ]


# --- Long exports: a task builds them; the page polls their progress -------------------------

EXPORT_AUTHORITY_PACK = "authority_pack"
EXPORT_WORKSHOP_PACK = "workshop_pack"  # one round's workshop pack (issue 15)


def export_request(*, actor, kind: str, survey_round: Round | None = None) -> Export:
    """Record the request and queue the task once the row is committed."""
    from .tasks import build_export_task

    export = Export.objects.create(
        requested_by=actor,
        authority_id=actor.authority_id,
        kind=kind,
        survey_round=survey_round,
        # A workshop pack holds one partnership: readable while its requester still reads it.
        covers_partnerships=[survey_round.project.partnership_id] if survey_round else None,
        language=current(),
    )
    transaction.on_commit(lambda: build_export_task.delay(export.pk))
    return export


def export_build(*, export_id: int) -> Export:
    """Build an export, saving progress as it goes; a failure is recorded, not lost."""
    from partnerships.selectors import projects_visible_to

    from . import pdf
    from .presenters import dashboard_context
    from .selectors import export_readable_by

    export = Export.objects.select_related("requested_by__authority").get(pk=export_id)
    user = export.requested_by
    if not export_readable_by(user, export):
        # The requester lost the role or moved authority before the task ran: build nothing.
        Export.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, finished_at=timezone.now()
        )
        export.refresh_from_db()
        return export
    if export.kind == EXPORT_WORKSHOP_PACK:
        return _workshop_pack_build(export)
    projects = list(
        projects_visible_to(user)
        .filter(active=True, partnership__active=True, rounds__isnull=False)
        .distinct()
        .order_by("partnership__name", "name")
        .values_list("pk", "partnership_id")
    )
    Export.objects.filter(pk=export_id).update(
        status=ExportStatus.RUNNING,
        total=len(projects),
        progress=0,
        covers_partnerships=sorted({partnership for _pk, partnership in projects}),
    )
    try:
        # Only readers ask for the pack, and a reader always has an authority. It is written in
        # the language of the page it was asked for from (the task has no request).
        with language_of(export.language):
            html = pdf.authority_pack_html(
                authority_name=user.authority.name,  # type: ignore[union-attr]
                sections=[dashboard_context(user, pk) for pk, _partnership in projects],
                on_section=lambda n: Export.objects.filter(pk=export_id).update(progress=n),
            )
        content = pdf.render_pdf(html)
    except Exception:
        Export.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, finished_at=timezone.now()
        )
        logger.exception("export %s failed", export_id)
        raise
    Export.objects.filter(pk=export_id).update(
        status=ExportStatus.DONE,
        content=content,
        content_type="application/pdf",
        # The reader's authority, as above.
        filename=f"{user.authority.slug}-partnership-scorecards.pdf",  # type: ignore[union-attr]
        finished_at=timezone.now(),
    )
    export.refresh_from_db()
    return export


def _workshop_pack_build(export: Export) -> Export:
    """One round's workshop pack, part by part (reports.workshop.PARTS), tagged for access."""
    from . import pdf, workshop

    export_id = export.pk
    if export.survey_round_id is None:  # a workshop pack is always asked for a round
        raise ValueError(f"workshop pack {export_id} has no round")
    survey_round = Round.objects.select_related("project__partnership").get(
        pk=export.survey_round_id
    )
    Export.objects.filter(pk=export_id).update(
        status=ExportStatus.RUNNING, total=len(workshop.PARTS) + 1, progress=0
    )
    try:
        html = workshop.workshop_pack_html(
            user=export.requested_by,
            survey_round=survey_round,
            on_part=lambda n: Export.objects.filter(pk=export_id).update(progress=n),
        )
        content = pdf.render_accessible_pdf(html)
    except Exception:
        Export.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, finished_at=timezone.now()
        )
        logger.exception("export %s failed", export_id)
        raise
    name = slugify(f"{survey_round.project.name} {survey_round.title}") or "round"
    Export.objects.filter(pk=export_id).update(
        status=ExportStatus.DONE,
        progress=len(workshop.PARTS) + 1,
        content=content,
        content_type="application/pdf",
        filename=f"{name}-workshop-pack.pdf",
        finished_at=timezone.now(),
    )
    export.refresh_from_db()
    return export


def export_purge_expired(*, now: datetime | None = None) -> int:
    """Delete the exports asked for more than EXPORT_RETENTION_DAYS ago; how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    deleted, _by_model = Export.objects.filter(created_at__lte=cutoff).delete()
    if deleted:
        logger.info("purged %s expired exports", deleted)
    return deleted
