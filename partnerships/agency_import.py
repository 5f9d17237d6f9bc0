"""Reading a CSV of agencies into a preview: every row checked, nothing saved here."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.csv_import import ImportPreview, RowResult, csv_parse, csv_template

from .forms import AgencyForm
from .models import AgencyType

COLUMNS = ("name", "type", "contact_name", "email", "phone")
REQUIRED_COLUMNS = ("name", "type")


class AgencyImportPreview(ImportPreview):
    def agency_fields(self) -> list[dict[str, str]]:
        """The rows as keyword arguments for the import service."""
        return [
            {
                "name": r.values["name"],
                "agency_type": _type_code(r.values["type"]) or "",
                "contact_name": r.values["contact_name"],
                "email": r.values["email"],
                "phone": r.values["phone"],
            }
            for r in self.rows
        ]


def _type_code(value: str) -> str | None:
    wanted = value.strip().casefold()
    for code, label in AgencyType.choices:
        if wanted in (code.casefold(), str(label).casefold()):
            return code
    return None


def agency_csv_template() -> str:
    return csv_template(COLUMNS, ["Northside Youth Service", "youth_service", "A. Example", "", ""])


def agency_csv_parse(*, content: bytes, authority_id: int) -> AgencyImportPreview:
    seen: dict[str, int] = {}
    return csv_parse(
        content,
        preview=AgencyImportPreview(
            headers=[_("Name"), _("Type"), _("Contact"), _("E-mail"), _("Phone")]
        ),
        columns=COLUMNS,
        required=REQUIRED_COLUMNS,
        check_row=lambda line, values: _check_row(line, values, authority_id, seen),
        empty_message=_("The file has no agencies in it."),
    )


def _check_row(line: int, values: dict[str, str], authority_id: int, seen: dict) -> RowResult:
    row = RowResult(line=line, values=values)
    type_code = _type_code(values["type"])
    if type_code is None:
        row.errors.append(
            _("'%(value)s' is not an agency type. Use one of: %(types)s.")
            % {"value": values["type"], "types": ", ".join(c for c, _l in AgencyType.choices)}
        )
    form = AgencyForm(
        data={**values, "agency_type": type_code or AgencyType.OTHER}, authority_id=authority_id
    )
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else name
            row.errors.extend(f"{label}: {e}" for e in errors)
    key = values["name"].casefold()
    if key and key in seen:
        row.errors.append(_("This name is also on line %(line)s.") % {"line": seen[key]})
    seen.setdefault(key, line)
    return row
