"""Stored scorecards (one row per computation, history kept) and scale reliability."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScorecardStatus(models.TextChoices):
    OK = "ok", _("Scored")
    INSUFFICIENT = "insufficient", _("Insufficient responses")


# The latest scorecard of a round is the one that read the most recent state of the round; of two
# that read it at once, the later row. Every "latest" goes through this ordering.
LATEST_FIRST = ("-computed_at", "-id")


class ScorecardQuerySet(models.QuerySet["Scorecard"]):
    def latest_first(self) -> ScorecardQuerySet:
        return self.order_by(*LATEST_FIRST)

    def of_round(self, survey_round: Any) -> ScorecardQuerySet:
        """A round's scorecards, latest first (``survey_round`` may be an ``OuterRef``)."""
        return self.filter(round=survey_round).latest_first()

    def latest_of_round(self, survey_round: Any) -> Scorecard | None:
        return self.of_round(survey_round).first()


class Scorecard(models.Model):
    """One computation of one round's scorecard. A recomputation adds a row; the latest wins.

    `data` is reports.scoring.Scorecard.to_dict(), agencies labelled by id. The columns beside
    it repeat what lists and filters need without reading the JSON.
    """

    round = models.ForeignKey(
        "surveys.Round",
        verbose_name=_("survey round"),
        on_delete=models.CASCADE,
        related_name="scorecards",
    )
    # When the answers were read (not when the row was written): the latest scorecard is the one
    # that read the most recent state of the round.
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    scoring_version = models.CharField(_("scoring version"), max_length=20)
    instrument_version = models.CharField(_("questionnaire version"), max_length=80)
    status = models.CharField(_("status"), max_length=20, choices=ScorecardStatus.choices)
    index = models.FloatField(_("connectedness index"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=30, blank=True)
    uncertain = models.BooleanField(_("placement uncertain"), default=False)
    n_agencies = models.PositiveIntegerField(_("agencies"))
    n_respondents = models.PositiveIntegerField(_("respondents"))
    submissions_seen = models.PositiveIntegerField(
        _("submitted responses read"),
        help_text=_("How many submitted responses this scorecard was computed from."),
    )
    data = models.JSONField(_("scorecard"))
    # Per dimension, the sums Cronbach's alpha needs over this round's respondents, so the
    # instrument's alpha is pooled over rounds instead of re-reading every answer (services).
    alpha_sums = models.JSONField(default=dict, blank=True)
    # reports.scoring.Network.to_dict() (agencies labelled by id) when the round's questionnaire
    # asks about working relationships; computed from the same responses as `data`.
    network = models.JSONField(_("working relationships"), null=True, blank=True)

    objects = ScorecardQuerySet.as_manager()

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = list(LATEST_FIRST)
        indexes = [
            models.Index(fields=["round", *LATEST_FIRST], name="scorecard_round_latest"),
        ]
        constraints = [
            models.CheckConstraint(
                name="scorecard_status_matches_index",
                condition=Q(status="ok", index__isnull=False)
                | Q(status="insufficient", index__isnull=True),
            ),
            models.CheckConstraint(
                name="scorecard_index_0_100",
                condition=Q(index__isnull=True) | Q(index__gte=0, index__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return f"Scorecard {self.pk} of round {self.round_id}"


class InstrumentReliability(models.Model):
    """Cronbach's alpha per dimension over every submitted respondent of one questionnaire
    version (reports/scoring/README.md). Values are None until there are enough respondents."""

    instrument = models.OneToOneField(
        "surveys.Instrument",
        verbose_name=_("questionnaire version"),
        on_delete=models.CASCADE,
        related_name="reliability",
    )
    n_respondents = models.PositiveIntegerField(_("respondents"), default=0)
    alpha = models.JSONField(_("Cronbach's alpha by dimension"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    # Coalesces refreshes, as Round.scoring_queued coalesces scoring.
    refresh_queued = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("scale reliability")
        verbose_name_plural = _("scale reliability")

    def __str__(self) -> str:
        return f"Reliability of instrument {self.instrument_id}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to start")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class Export(models.Model):
    """A long export built by a task; the page polls its progress, then offers the file.

    It records what it covers (the authority, and the partnerships whose projects it holds), so
    that reading it later can check the requester's scope then, not when they asked; it is kept
    EXPORT_RETENTION_DAYS, then purged (reports.exports.export_purge_expired).
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports"
    )
    # The requester's authority when they asked; empty on packs from before it was recorded,
    # which are never served again.
    authority = models.ForeignKey(
        "partnerships.LocalAuthority",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # The ids of the partnerships whose projects the file holds, set when the build starts.
    covers_partnerships = models.JSONField(null=True, blank=True)
    kind = models.CharField(max_length=40)
    # The round a workshop pack is for (issue 15); empty for the authority pack.
    survey_round = models.ForeignKey(
        "surveys.Round", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The language the pack is written in: the one its reader asked for it in.
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        max_length=20, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    # Kept in the database so the web and worker processes need no shared disk.
    content = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        return round(100 * self.progress / self.total) if self.total else 0

    @property
    def expires_at(self):
        return self.created_at + timedelta(days=settings.EXPORT_RETENTION_DAYS)

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


# --- Action plans (issue 15): what the partners will do after a round, tracked into the next --
class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Action(models.Model):
    """An action recorded from a round's dashboard: which component it addresses, what will be
    done, which member agency leads, by when, and its status (history in ActionUpdate)."""

    round = models.ForeignKey(
        "surveys.Round",
        verbose_name=_("survey round"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    component = models.CharField(_("component"), max_length=40)
    description = models.TextField(_("what will be done"), max_length=2000)
    lead_agency = models.ForeignKey(
        "partnerships.Agency",
        verbose_name=_("lead agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due by"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="action_status_known",
                condition=Q(status__in=["planned", "under_way", "done", "dropped"]),
            ),
        ]

    def __str__(self) -> str:
        return f"Action {self.pk} of round {self.round_id}"

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.PLANNED, ActionStatus.UNDER_WAY)


class ActionUpdate(models.Model):
    """One status of an action, with the dated note given when it was set (the first is the
    status it was recorded with)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices)
    note = models.TextField(_("note"), max_length=2000)
    noted_on = models.DateField(_("date"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.status} on {self.noted_on}"
