"""Reading a CSV of agencies into a preview: every row checked, nothing saved here."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from .forms import AgencyForm
from .models import AgencyType

COLUMNS = ("name", "type", "contact_name", "email", "phone")
REQUIRED_COLUMNS = ("name", "type")


@dataclass
class RowResult:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(1 for r in self.rows if r.errors)

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
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(["Northside Youth Service", "youth_service", "A. Example", "", ""])
    return out.getvalue()


def agency_csv_parse(*, content: bytes, authority_id: int) -> ImportPreview:
    preview = ImportPreview()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        preview.file_errors.append(_("The file is not UTF-8 text. Save it as 'CSV UTF-8'."))
        return preview
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        preview.file_errors.append(
            _("The header row must include the columns: %(cols)s.") % {"cols": ", ".join(COLUMNS)}
        )
        return preview
    reader.fieldnames = header
    seen: dict[str, int] = {}
    try:
        for index, raw in enumerate(reader, start=2):
            if len(preview.rows) >= settings.AGENCY_IMPORT_MAX_ROWS:
                preview.file_errors.append(
                    _("The file has more than %(n)s rows. Split it into smaller files.")
                    % {"n": settings.AGENCY_IMPORT_MAX_ROWS}
                )
                break
            values = {c: (raw.get(c) or "").strip() for c in COLUMNS}
            if not any(values.values()):
                continue
            preview.rows.append(_check_row(index, values, authority_id, seen))
    except csv.Error as exc:
        preview.file_errors.append(_("The file could not be read as CSV: %(err)s") % {"err": exc})
    if not preview.rows and not preview.file_errors:
        preview.file_errors.append(_("The file has no agencies in it."))
    return preview


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
