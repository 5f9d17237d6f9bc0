"""Forms only validate; layout lives on each form's crispy helper."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import password_validation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.csv_import import csv_upload_clean
from core.forms import FilterFormMixin
from core.languages import welsh_offered

from .audit import audit_action_label
from .models import (
    Agency,
    AgencyType,
    Level,
    LocalAuthority,
    Membership,
    Partnership,
    Project,
    Role,
    User,
)


def _helper(submit_label: str | Promise) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the page template owns <form>, its CSRF token and error summary
    helper.add_input(Submit("submit", submit_label))
    helper.disable_csrf = True
    return helper


class DateInput(forms.DateInput):
    input_type = "date"


class AuthorityScopedForm(forms.ModelForm):
    """A ModelForm that knows the authority, so name clashes get a message on the field."""

    unique_in_authority_message = _("A record with this name already exists.")

    def __init__(self, *args, authority_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.authority_id = authority_id

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = self._meta.model.objects.filter(authority_id=self.authority_id, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(self.unique_in_authority_message)
        return name


class PartnershipForm(AuthorityScopedForm):
    unique_in_authority_message = _("Your authority already has a partnership with this name.")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Partnership
        fields = ["name", "programme", "level", "description", "start_date"]
        widgets = {"start_date": DateInput, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.helper = _helper(_("Save partnership"))


class AgencyForm(AuthorityScopedForm):
    unique_in_authority_message = _("Your authority already has an agency with this name.")

    class Meta:
        model = Agency
        fields = ["name", "agency_type", "contact_name", "email", "phone", "contact_language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not welsh_offered():
            del self.fields["contact_language"]
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.helper = _helper(_("Save agency"))


class MembershipAddForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["agency", "role", "joined_on"]
        widgets = {"joined_on": DateInput}

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        already = partnership.memberships.values_list("agency_id", flat=True)
        agency = cast(forms.ModelChoiceField, self.fields["agency"])  # the model's FK
        agency.queryset = Agency.objects.filter(
            authority_id=partnership.authority_id, active=True
        ).exclude(pk__in=already)
        agency.empty_label = _("Choose an agency")
        self.helper = _helper(_("Add agency to partnership"))

    def validate_unique(self) -> None:
        # The partnership is not a form field; the service enforces uniqueness with it.
        pass


class MembershipEditForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "joined_on", "left_on"]
        widgets = {"joined_on": DateInput, "left_on": DateInput}
        help_texts = {"left_on": _("Leave empty while the agency is still a member.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save membership"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what clean() returns, typed as never None
        joined, left = cleaned.get("joined_on"), cleaned.get("left_on")
        if joined and left and left < joined:
            self.add_error("left_on", _("The leaving date must be on or after the joining date."))
        return cleaned


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "target_group", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.helper = _helper(_("Save project"))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = self.partnership.projects.filter(name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This partnership already has a project with this name."))
        return name

    def validate_unique(self) -> None:
        pass


STATUS_CHOICES = [("active", _("Active")), ("archived", _("Archived")), ("all", _("All"))]


class PartnershipFilterForm(FilterFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("Any level")), *Level.choices]
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, programmes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        programme = cast(forms.ChoiceField, self.fields["programme"])
        programme.choices = [("", _("Any programme"))] + [(p, p) for p in programmes]


class AgencyFilterForm(FilterFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    agency_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *AgencyType.choices]
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


class AgencyImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("A .csv file with a header row, at most 200 kB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Check the file"))

    def clean_file(self):
        return csv_upload_clean(self.cleaned_data["file"])


# --- The team -------------------------------------------------------------------------------
ROLE_CHOICE_MESSAGE = _("Choose one of the roles listed.")


class AccessForm(forms.Form):
    """A role and what it lets its holder see: for a manager, partnerships; for a partner, the
    agency they represent. The service checks it all again inside its transaction."""

    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": ROLE_CHOICE_MESSAGE, "required": ROLE_CHOICE_MESSAGE},
        help_text=_(
            "Officers run the authority's partnerships, rounds and team; managers read the "
            "partnerships given to them; partners see their own agency's partnerships."
        ),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency (for a partner)"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Choose an agency"),
        error_messages={"invalid_choice": _("That agency is not one of your authority's.")},
    )
    sees_whole_authority = forms.BooleanField(
        label=_("A manager may read every partnership of the authority"), required=False
    )
    partnerships = forms.ModelMultipleChoiceField(
        label=_("Partnerships a manager may read"),
        queryset=Partnership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("One of those partnerships is not one of your authority's.")
        },
    )

    def __init__(self, *args, authority_id: int, submit_label: str | Promise, **kwargs):
        super().__init__(*args, **kwargs)
        agency = cast(forms.ModelChoiceField, self.fields["agency"])
        agency.queryset = Agency.objects.filter(authority_id=authority_id, active=True).order_by(
            "name"
        )
        partnerships = cast(forms.ModelMultipleChoiceField, self.fields["partnerships"])
        partnerships.queryset = Partnership.objects.filter(authority_id=authority_id).order_by(
            "name"
        )
        self.helper = _helper(submit_label)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what clean() returns, typed as never None
        role = cleaned.get("role")
        if role == Role.PARTNER and not cleaned.get("agency"):
            self.add_error("agency", _("Choose the agency this partner represents."))
        if (
            role == Role.MANAGER
            and not cleaned.get("sees_whole_authority")
            and not cleaned.get("partnerships")
            and "partnerships" not in self.errors
        ):
            self.add_error(
                "partnerships",
                _("Choose the partnerships this manager may read, or the whole authority."),
            )
        return cleaned


class InvitationForm(AccessForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("They will get a link to choose their own password; it works once."),
    )
    field_order = ["email", "role", "agency", "sees_whole_authority", "partnerships"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, submit_label=_("Send the invitation"), **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class MemberAccessForm(AccessForm):
    def __init__(self, *args, member: User, **kwargs):
        initial = {
            "role": member.role,
            "agency": member.agency_id,
            "sees_whole_authority": member.sees_whole_authority,
            "partnerships": list(member.assigned_partnerships.values_list("pk", flat=True)),
        }
        super().__init__(*args, initial=initial, submit_label=_("Save the changes"), **kwargs)


class SetPasswordForInvitationForm(forms.Form):
    """The invited person's name and the password they choose (checked by the validators).
    Paste and password managers work: nothing blocks them, and autocomplete says what it is."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, not a common password and not all digits."),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.helper = _helper(_("Save the password and sign in"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords are not the same."))
        elif one:
            candidate = User(
                username=self.email,
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(one, user=candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AuditFilterForm(FilterFormMixin, forms.Form):
    actor = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(label=_("Kind of change"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args, actors: list[User], actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        actor = cast(forms.TypedChoiceField, self.fields["actor"])
        actor.choices = [("", _("Anyone"))] + [
            (u.pk, u.get_full_name() or u.username) for u in actors
        ]
        action = cast(forms.ChoiceField, self.fields["action"])
        action.choices = [("", _("Any kind"))] + [(a, audit_action_label(a)) for a in actions]
        self.style_widgets()


class AuthorityContactForm(forms.ModelForm):
    """The contact details the accessibility statement, privacy notice and cookies page show."""

    class Meta:
        model = LocalAuthority
        fields = ["contact_email", "contact_phone", "postal_address", "dpo_email"]
        widgets = {"postal_address": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "contact_email": _(
                "Where partners ask about the survey, its accessibility or their data."
            ),
            "dpo_email": _("Your data protection officer, named on the privacy notice."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("contact_email", "dpo_email"):
            self.fields[name].widget.attrs["autocomplete"] = "email"
        self.fields["contact_phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["postal_address"].widget.attrs["autocomplete"] = "street-address"
        self.helper = _helper(_("Save contact details"))
