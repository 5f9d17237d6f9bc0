"""Reading a CSV of people to invite to a round into a preview: every row checked, nothing
saved here (the shared reading is core.csv_import, as the agency import's is)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from core.csv_import import ImportPreview, RowResult, csv_parse, csv_template, starts_like_formula
from partnerships.models import Agency

from .forms import InvitationForm
from .models import Round

COLUMNS = ("name", "email", "agency")


@dataclass
class InvitationImportPreview(ImportPreview):
    agencies: dict[str, Agency] = field(default_factory=dict)  # by casefolded name

    def invitation_fields(self) -> list[dict[str, Any]]:
        """The rows as keyword arguments for the import service."""
        return [
            {
                "agency": self.agencies[r.values["agency"].casefold()],
                "name": r.values["name"],
                "email": r.values["email"],
            }
            for r in self.rows
        ]


def invitation_csv_template() -> str:
    return csv_template(COLUMNS, ["Kim Example", "kim@example.org", "Northside Youth Service"])


def invitation_csv_parse(*, content: bytes, survey_round: Round) -> InvitationImportPreview:
    form = InvitationForm(survey_round=survey_round)  # its agencies: the current members
    agencies = {a.name.casefold(): a for a in form.fields["agency"].queryset}  # type: ignore[attr-defined]
    invited = {e.casefold() for e in survey_round.invitations.values_list("email", flat=True)}
    seen: dict[str, int] = {}
    return csv_parse(
        content,
        preview=InvitationImportPreview(
            headers=[_("Name"), _("E-mail"), _("Agency")], agencies=agencies
        ),
        columns=COLUMNS,
        required=COLUMNS,
        check_row=lambda line, values: _check_row(
            line, values, survey_round, agencies, invited, seen
        ),
        empty_message=_("The file has nobody in it."),
    )


def _check_row(
    line: int,
    values: dict[str, str],
    survey_round: Round,
    agencies: dict[str, Agency],
    invited: set[str],
    seen: dict[str, int],
) -> RowResult:
    row = RowResult(line=line, values=values)
    for column in COLUMNS:
        if starts_like_formula(values[column]):
            row.errors.append(
                _("The %(column)s cannot begin with =, +, -, @ or a tab.") % {"column": column}
            )
    agency = agencies.get(values["agency"].casefold())
    if agency is None:
        row.errors.append(
            _("'%(value)s' is not a current member agency of %(partnership)s.")
            % {"value": values["agency"], "partnership": survey_round.project.partnership.name}
        )
    form = InvitationForm(
        data={
            "agency": agency.pk if agency else "",
            "name": values["name"],
            "email": values["email"],
        },
        survey_round=survey_round,
    )
    if not form.is_valid():
        for name, errors in form.errors.items():
            if name == "agency":  # said above, with the name that was not found
                continue
            label = form.fields[name].label if name in form.fields else name
            row.errors.extend(f"{label}: {e}" for e in errors)
    key = values["email"].casefold()
    if key and key in invited:
        row.errors.append(_("This person is already invited to this round."))
    elif key and key in seen:
        row.errors.append(_("This e-mail address is also on line %(line)s.") % {"line": seen[key]})
    seen.setdefault(key, line)
    return row
