"""Forms for the reports pages (validation only)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import FilterFormMixin
from partnerships.models import AgencyType

from . import scoring


class OverviewFilterForm(FilterFormMixin, forms.Form):
    programme = forms.ChoiceField(label=gettext_lazy("Programme"), required=False)
    agency_type = forms.ChoiceField(
        label=gettext_lazy("Has a member agency of type"),
        required=False,
        choices=[("", gettext_lazy("Any type")), *AgencyType.choices],
    )
    band = forms.ChoiceField(
        label=gettext_lazy("Band"),
        required=False,
        choices=[("", gettext_lazy("Any band"))]
        + [(code, gettext_lazy(label)) for code, label, _l, _h in scoring.BANDS]
        + [("insufficient", gettext_lazy("Insufficient responses"))],
    )
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        required=False,
        choices=[
            ("name", gettext_lazy("Name, A to Z")),
            ("-index", gettext_lazy("Index, highest first")),
            ("index", gettext_lazy("Index, lowest first")),
            ("-date", gettext_lazy("Latest round, newest first")),
            ("date", gettext_lazy("Latest round, oldest first")),
        ],
    )

    def __init__(self, *args, programmes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        programme = cast(forms.ChoiceField, self.fields["programme"])
        programme.choices = [("", _("Any programme"))] + [(p, p) for p in programmes]
        self.style_widgets()


# --- Action plans (validation only: the rules are in reports.services.actions) ---------------
class _DateInput(forms.DateInput):
    input_type = "date"


def _action_helper(label: str) -> Any:
    from crispy_forms.helper import FormHelper
    from crispy_forms.layout import Submit

    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.add_input(Submit("submit", label))
    return helper


class ActionForm(forms.Form):
    # Plain fields with a select: what may be chosen is the service's rule, and its message.
    component = forms.CharField(label=gettext_lazy("Component it addresses"), widget=forms.Select)
    description = forms.CharField(
        label=gettext_lazy("What will be done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    lead_agency = forms.IntegerField(label=gettext_lazy("Lead agency"), widget=forms.Select)
    due_on = forms.DateField(label=gettext_lazy("Due by"), widget=_DateInput)
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, components: list, agencies: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.Select, self.fields["component"].widget).choices = [("", "---"), *components]
        cast(forms.Select, self.fields["lead_agency"].widget).choices = [
            ("", "---"),
            *((a.pk, a.name) for a in agencies),
        ]
        self.fields["due_on"].help_text = _("On or after the day the round opened.")
        self.helper = _action_helper(_("Record the action"))


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("New status"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=gettext_lazy("Note on the change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Dated today and kept with the action's history."),
    )

    def __init__(self, *args: Any, choices: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = choices
        self.helper = _action_helper(_("Change the status"))
