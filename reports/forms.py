"""Forms for the reports pages (validation only)."""

from __future__ import annotations

from typing import cast

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
