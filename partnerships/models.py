"""The registry: authorities (the tenants), their agencies, partnerships and projects."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.languages import LANGUAGE_CHOICES


class LocalAuthority(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    # Shown on the accessibility statement, the privacy notice and the cookies page, so that
    # partners know who runs the survey and whom to ask. Officers edit them (Settings page).
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)
    postal_address = models.TextField(_("postal address"), max_length=500, blank=True)
    dpo_email = models.EmailField(_("data protection officer's e-mail"), blank=True)

    class Meta:
        verbose_name = _("local authority")
        verbose_name_plural = _("local authorities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OFFICER = "officer", _("Local authority officer")
    MANAGER = "manager", _("Manager")
    PARTNER = "partner", _("Partner")


class User(AbstractUser):
    """A person who signs in. Superusers may have no authority; everyone else has one."""

    authority = models.ForeignKey(
        LocalAuthority,
        verbose_name=_("local authority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    agency = models.ForeignKey(
        "Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="representatives",
        help_text=_("The agency a partner represents."),
    )
    sees_whole_authority = models.BooleanField(
        _("sees the whole authority"),
        default=False,
        help_text=_("For managers: read every partnership, not only the assigned ones."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=LANGUAGE_CHOICES,
        blank=True,
        help_text=_("The language pages and e-mails are shown in; empty: the browser's."),
    )
    # Annotated: django-stubs cannot infer a many-to-many field to a model named by a string.
    assigned_partnerships: models.ManyToManyField[Partnership, Any] = models.ManyToManyField(
        "Partnership",
        verbose_name=_("assigned partnerships"),
        blank=True,
        related_name="managers",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_role_needs_authority",
                condition=Q(role="") | Q(authority__isnull=False),
            ),
            models.CheckConstraint(
                name="user_partner_needs_agency",
                condition=~Q(role="partner") | Q(agency__isnull=False),
            ),
        ]

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER and self.authority_id is not None

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER and self.authority_id is not None

    @property
    def is_reader(self) -> bool:
        """Officers and managers read the registry, rounds and reports; partners do not."""
        return self.role in (Role.OFFICER, Role.MANAGER) and self.authority_id is not None

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER and self.authority_id is not None


class AgencyType(models.TextChoices):
    YOUTH_SERVICE = "youth_service", _("Youth service")
    CAREERS = "careers", _("Careers / Connexions")
    SCHOOL = "school", _("School")
    FE_COLLEGE = "fe_college", _("FE college")
    YOUTH_OFFENDING = "youth_offending", _("Youth offending team")
    POLICE = "police", _("Police")
    HEALTH = "health", _("Health")
    SOCIAL_CARE = "social_care", _("Social care")
    HOUSING = "housing", _("Housing")
    VOLUNTARY = "voluntary", _("Voluntary organisation")
    COMMUNITY = "community", _("Community organisation")
    OTHER = "other", _("Other")


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    class Meta:
        abstract = True


class Agency(TimestampedModel):
    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(_("name"), max_length=200)
    agency_type = models.CharField(_("type"), max_length=30, choices=AgencyType.choices)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    contact_language = models.CharField(
        _("contact's language"),
        max_length=10,
        choices=LANGUAGE_CHOICES,
        blank=True,
        help_text=_("Invitations go out in this language; not known: in Welsh and English."),
    )
    phone = models.CharField(_("contact telephone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "name"], name="agency_name_unique_in_authority"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Level(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic")
    OPERATIONAL = "operational", _("Operational")


class Partnership(TimestampedModel):
    authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="partnerships"
    )
    name = models.CharField(_("name"), max_length=200)
    programme = models.CharField(
        _("programme"),
        max_length=120,
        blank=True,
        help_text=_("The funding or policy programme, for example New Start or Connexions."),
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    # Optimistic locking: an edit based on an older version is refused, never applied over
    # someone else's change.
    version = models.PositiveIntegerField(default=1)
    agencies: models.ManyToManyField[Agency, Membership] = models.ManyToManyField(
        Agency, through="Membership", related_name="partnerships"
    )

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "name"], name="partnership_name_unique_in_authority"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    LEAD = "lead", _("Lead partner")
    PARTNER = "partner", _("Partner")


class Membership(TimestampedModel):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.PARTNER
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "agency"], name="membership_unique_agency"
            ),
            models.CheckConstraint(
                name="membership_left_after_joined",
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} in {self.partnership}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class Project(TimestampedModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(_("name"), max_length=200)
    target_group = models.CharField(
        _("target group"),
        max_length=200,
        blank=True,
        help_text=_(
            "Who the project is for, for example young people aged 14 to 16 not in school."
        ),
    )
    description = models.TextField(_("description"), blank=True, max_length=5000)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="project_name_unique_in_partnership"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AuditEvent(models.Model):
    """Who changed what, and when: one row per state change made through a service."""

    authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, null=True, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"


class AccountInvitation(models.Model):
    """An invitation to open an account: the role it will have and a single-use link.

    The link's token is never stored, only its SHA-256 (see partnerships/account_invitations);
    a resend replaces it. The account itself is made when the person sets their password.
    """

    authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="account_invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sees_whole_authority = models.BooleanField(_("sees the whole authority"), default=False)
    partnerships = models.ManyToManyField(
        Partnership, verbose_name=_("partnerships"), blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The account made when the invitation was used."),
    )

    class Meta:
        verbose_name = _("account invitation")
        verbose_name_plural = _("account invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="account_invitation_partner_needs_agency",
                condition=~Q(role="partner") | Q(agency__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"invitation #{self.pk} ({self.get_role_display()})"

    @property
    def is_pending(self) -> bool:
        """Neither used nor withdrawn (it may have expired: a resend gives it a new link)."""
        return self.used_at is None and self.withdrawn_at is None

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    def is_usable(self, now=None) -> bool:
        return self.is_pending and not self.is_expired(now)
