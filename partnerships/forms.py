"""Forms only validate; layout lives on each form's crispy helper."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.forms import FilterFormMixin

from .models import Agency, AgencyType, Level, Membership, Partnership, Project


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
        fields = ["name", "agency_type", "contact_name", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
        upload = self.cleaned_data["file"]
        limit = settings.AGENCY_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large. Choose a file smaller than %(kb)s kB.")
                % {"kb": limit // 1000}
            )
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("The file must be a CSV file (ending in .csv)."))
        return upload
