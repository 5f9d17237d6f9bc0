"""The questionnaire (versioned instrument), survey rounds, invitations and responses."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.languages import LANGUAGE_CHOICES, in_welsh
from partnerships.models import Agency, Project


class Translated:
    """`question.local_text`: the Welsh column (`text_cy`) while Welsh is the active language
    and the Welsh text exists, else the English one. Instruments without Welsh (version 1)
    simply show their English."""

    def __init__(self, field: str):
        self.field = field

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        if in_welsh():
            welsh = getattr(obj, f"{self.field}_cy")
            if welsh:
                return welsh
        return getattr(obj, self.field)


class Instrument(models.Model):
    """One version of the questionnaire. A version with responses is never changed."""

    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weights = models.JSONField(_("index weights"))
    components = models.JSONField(_("component labels"), default=dict)
    guidance = models.JSONField(_("what to work on"), default=dict)
    # The levels guidance and every section judge by (reports/scoring/guidance.py); empty for a
    # version without them (version 1), which gets the defaults there.
    thresholds = models.JSONField(_("guidance thresholds"), default=dict, blank=True)
    intro_attributed = models.TextField(_("default introduction, attributed rounds"))
    intro_anonymous = models.TextField(_("default introduction, anonymous rounds"))
    # The Welsh texts (empty for an instrument offered in English only, such as version 1).
    title_cy = models.CharField(_("title (Welsh)"), max_length=200, blank=True)
    description_cy = models.TextField(_("description (Welsh)"), blank=True)
    components_cy = models.JSONField(_("component labels (Welsh)"), default=dict, blank=True)
    guidance_cy = models.JSONField(_("what to work on (Welsh)"), default=dict, blank=True)
    intro_attributed_cy = models.TextField(
        _("default introduction, attributed rounds (Welsh)"), blank=True
    )
    intro_anonymous_cy = models.TextField(
        _("default introduction, anonymous rounds (Welsh)"), blank=True
    )
    definition_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_code_version"),
        ]

    def __str__(self) -> str:
        return f"{self.local_title} (v{self.version})"

    @property
    def label(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def is_bilingual(self) -> bool:
        """Has Welsh for every text (the loader refuses a file with only some of it)."""
        return bool(self.title_cy)

    local_title = Translated("title")
    local_description = Translated("description")
    local_components = Translated("components")
    local_guidance = Translated("guidance")
    local_intro_attributed = Translated("intro_attributed")
    local_intro_anonymous = Translated("intro_anonymous")


class Section(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True)
    title_cy = models.CharField(max_length=200, blank=True)
    intro_cy = models.TextField(blank=True)

    local_title = Translated("title")
    local_intro = Translated("intro")

    class Meta:
        ordering = ["instrument", "position"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="section_code_unique"),
            models.UniqueConstraint(
                fields=["instrument", "position"], name="section_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuestionType(models.TextChoices):
    LIKERT = "likert", _("Agree / disagree scale")
    RANKING = "ranking", _("Ranking")
    CHOICE = "choice", _("Single choice")
    TEXT = "text", _("Free text")
    # How the respondent's agency works with each other member agency (0-5 or don't know).
    RELATIONSHIPS = "relationships", _("Working relationships")


class Question(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(help_text=_("Order within the whole instrument."))
    code = models.SlugField(max_length=60)
    type = models.CharField(max_length=20, choices=QuestionType.choices)
    dimension = models.CharField(max_length=30, blank=True)
    reverse = models.BooleanField(default=False)
    text = models.TextField()
    help = models.TextField(blank=True)
    text_cy = models.TextField(blank=True)
    help_cy = models.TextField(blank=True)
    required = models.BooleanField(default=False)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    # Ranking and choice options: [{"code", "label", "label_cy", "participant_defined"}], in
    # display order ("label_cy" only in a bilingual instrument).
    options = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["instrument", "position"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="question_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code

    local_text = Translated("text")
    local_help = Translated("help")

    @property
    def local_options(self) -> list[dict]:
        """The options with "label" (and a level's "description") in the active language (the
        codes never change)."""
        if not in_welsh():
            return self.options
        return [
            {
                **o,
                "label": o.get("label_cy") or o["label"],
                **(
                    {"description": o.get("description_cy") or o["description"]}
                    if "description" in o
                    else {}
                ),
            }
            for o in self.options
        ]


DEFAULT_MIN_GROUP_SIZE = 3  # k of an anonymous round unless the officer chooses another
INVITATION_MESSAGE_MAX = 1000  # characters of the officer's own message in the e-mails


class ReportingMode(models.TextChoices):
    ATTRIBUTED = "attributed", _("Attributed to agencies")
    ANONYMOUS = "anonymous", _("Anonymous, shown only for groups of at least k")


class Round(models.Model):
    """One survey round of one project, with its questionnaire version and dates."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="rounds")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opening date"))
    closes_on = models.DateField(_("closing date"))
    reporting_mode = models.CharField(
        _("reporting mode"),
        max_length=20,
        choices=ReportingMode.choices,
        default=ReportingMode.ATTRIBUTED,
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("minimum group size (k)"),
        default=DEFAULT_MIN_GROUP_SIZE,
        validators=[MinValueValidator(2), MaxValueValidator(50)],
        help_text=_("In anonymous rounds, no group smaller than this is shown anywhere."),
    )
    introduction = models.TextField(_("introduction and consent text"), max_length=5000)
    # The officer's own words for this round, in every invitation and reminder e-mail.
    invitation_message = models.TextField(
        _("your message in the invitation"),
        max_length=INVITATION_MESSAGE_MAX,
        blank=True,
        # A TextField's max_length only sizes the form's field: the model checks it too.
        validators=[MaxLengthValidator(INVITATION_MESSAGE_MAX)],
    )
    introduction_cy = models.TextField(
        _("introduction and consent text in Welsh"), max_length=5000, blank=True
    )
    closed_at = models.DateTimeField(_("closed early at"), null=True, blank=True)
    # When an officer told the partners the round's results are ready (once: never twice).
    results_announced_at = models.DateTimeField(
        _("partners told of the results at"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Stamps a change to what dashboards show of the round (its title, dates, reporting mode).
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)
    reminders_sent_at = models.DateTimeField(null=True, blank=True)
    # Set when the round's responses and invitations were deleted (retention): its scorecards
    # stay, and scoring no longer looks at it.
    responses_deleted_at = models.DateTimeField(null=True, blank=True)
    # Coalesces scoring: set when a scoring task is queued, cleared when that task starts.
    scoring_queued = models.BooleanField(default=False)
    # Optimistic locking: an edit based on an older version is refused, never applied over
    # another officer's change.
    version = models.PositiveIntegerField(default=1)
    # The partnership's member agencies when the round was opened: the agencies the working-
    # relationships section lists and the nodes of the round's network (an agency that joins
    # later is in neither).
    agencies_at_opening = models.ManyToManyField(
        Agency, blank=True, related_name="+", verbose_name=_("member agencies when opened")
    )

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="round_closes_after_opening", condition=Q(closes_on__gte=models.F("opens_on"))
            ),
            models.CheckConstraint(name="round_k_at_least_2", condition=Q(min_group_size__gte=2)),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.closed_at is None and self.opens_on <= today <= self.closes_on

    def is_closed(self, today=None) -> bool:
        """Closed early, or past its closing date (a round not yet open is not closed)."""
        today = today or timezone.localdate()
        return self.closed_at is not None or self.closes_on < today

    def closed_on(self):
        """The day it closed (early, or its closing date), or None while it has not."""
        if self.closed_at is not None:
            return timezone.localdate(self.closed_at)
        return self.closes_on if self.is_closed() else None

    @property
    def is_anonymous(self) -> bool:
        return self.reporting_mode == ReportingMode.ANONYMOUS

    def takes_invitations(self, today=None) -> bool:
        """Whether inviting, sending and reminding still make sense: not once it has closed.
        The one rule the round's page (which buttons it offers), its services (which refuse)
        and the API (409) all follow."""
        return not self.is_closed(today)

    def default_introduction(self, welsh: bool = False) -> str:
        """The instrument's introduction for this round's reporting mode ({k} filled in)."""
        instrument = self.instrument
        if self.is_anonymous:
            text = instrument.intro_anonymous_cy if welsh else instrument.intro_anonymous
            return text.replace("{k}", str(self.min_group_size))
        return instrument.intro_attributed_cy if welsh else instrument.intro_attributed

    def local_introduction(self) -> tuple[str, str]:
        """(text, its language code) for the respondent: the officer's Welsh text, else the
        instrument's Welsh default when the round kept the English default, else the English
        one (marked as English on a Welsh page)."""
        if in_welsh():
            if self.introduction_cy:
                return self.introduction_cy, "cy"
            if self.instrument.is_bilingual and self.introduction == self.default_introduction():
                return self.default_introduction(welsh=True), "cy"
        return self.introduction, "en-gb"


class DeliveryStatus(models.TextChoices):
    """What GOV.UK Notify says became of an e-mail (its own status names), and "rejected" for
    one Notify refused to take (a 400: a bad address or template), which is never retried."""

    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    PERMANENT_FAILURE = "permanent-failure", _("Address bounced")
    TEMPORARY_FAILURE = "temporary-failure", _("Inbox unavailable")
    TECHNICAL_FAILURE = "technical-failure", _("Not sent: technical failure")
    REJECTED = "rejected", _("Not accepted")


class Invitation(models.Model):
    """One person's invitation. The link's token is never stored: only its SHA-256."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="invitations")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    # The e-mails' language; empty when not known: they go out in Welsh and English together.
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES, blank=True)
    token_salt = models.CharField(max_length=64, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # GOV.UK Notify (EMAIL_CHANNEL=notify): the last e-mail's notification and what became of
    # it, from Notify's answer and its delivery-status callbacks. Blank on the other channels.
    notify_id = models.CharField(max_length=36, blank=True, db_index=True)
    delivery_status = models.CharField(
        _("delivery"), max_length=20, choices=DeliveryStatus.choices, blank=True
    )
    delivery_detail = models.CharField(max_length=300, blank=True)
    delivery_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "email"], name="invitation_email_unique_in_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class Response(models.Model):
    """One respondent's answers. Tied to the invitation (or to the officer who keyed it in)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="responses")
    invitation = models.OneToOneField(
        Invitation, on_delete=models.CASCADE, null=True, blank=True, related_name="response"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The officer who keyed in a paper questionnaire."),
    )
    consented_at = models.DateTimeField(null=True, blank=True)
    # The language the respondent chose on the consent page (paper entries: empty).
    language = models.CharField(max_length=10, choices=LANGUAGE_CHOICES, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The furthest section saved, so the link resumes where the respondent left off.
    last_section = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["round", "submitted_at"], name="response_round_submitted")]
        constraints = [
            models.CheckConstraint(
                name="response_from_invitation_or_officer",
                condition=Q(invitation__isnull=False) | Q(entered_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.round}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(models.Model):
    """One answer. Likert: value 1..5 or dont_know; choice: choice; text: text; ranking: ranking;
    working relationships: relationships."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    dont_know = models.BooleanField(default=False)
    choice = models.CharField(max_length=60, blank=True)
    text = models.TextField(blank=True)
    # {option code: rank}, rank 1 = highest priority; a full ranking or nothing.
    ranking = models.JSONField(null=True, blank=True)
    # {agency id: level 0..5, or null for don't know}; an agency not rated is not a key.
    relationships = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_unique"),
            models.CheckConstraint(
                name="answer_likert_in_range",
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=5),
            ),
            models.CheckConstraint(
                name="answer_dont_know_has_no_value",
                condition=Q(dont_know=False) | Q(value__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} of response {self.response_id}"
