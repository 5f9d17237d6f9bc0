"""Reading an uploaded CSV file into a checked preview, for every import (agencies, invitations):
the file's checks, each row checked by the importer, nothing saved here. And the one rule for
text a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# A cell beginning with one of these is run as a formula by a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def safe_cell(value: Any) -> Any:
    """Neutralise a cell a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value


def csv_template(columns: Sequence[str], example: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerow([safe_cell(v) for v in example])
    return out.getvalue()


def csv_upload_clean(upload: UploadedFile) -> UploadedFile:
    """An upload form's file check: small enough, and named .csv."""
    limit = settings.AGENCY_IMPORT_MAX_BYTES
    if (upload.size or 0) > limit:
        raise forms.ValidationError(
            _("The file is too large. Choose a file smaller than %(kb)s kB.")
            % {"kb": limit // 1000}
        )
    if not (upload.name or "").lower().endswith(".csv"):
        raise forms.ValidationError(_("The file must be a CSV file (ending in .csv)."))
    return upload


@dataclass
class RowResult:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    headers: list[str]  # the column labels, in the file's column order, for the page
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(1 for r in self.rows if r.errors)


P = TypeVar("P", bound=ImportPreview)


def csv_parse(
    content: bytes,
    *,
    preview: P,
    columns: Sequence[str],
    required: Sequence[str],
    check_row: Callable[[int, dict[str, str]], RowResult],
    empty_message: str,
) -> P:
    """Fill `preview` with every non-empty row of the file, each checked by `check_row`
    (line number, stripped values of `columns`), or with what is wrong with the file."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        preview.file_errors.append(_("The file is not UTF-8 text. Save it as 'CSV UTF-8'."))
        return preview
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if any(c not in header for c in required):
        preview.file_errors.append(
            _("The header row must include the columns: %(cols)s.") % {"cols": ", ".join(columns)}
        )
        return preview
    reader.fieldnames = header
    max_rows = settings.AGENCY_IMPORT_MAX_ROWS
    try:
        for index, raw in enumerate(reader, start=2):
            if len(preview.rows) >= max_rows:
                preview.file_errors.append(
                    _("The file has more than %(n)s rows. Split it into smaller files.")
                    % {"n": max_rows}
                )
                break
            values = {c: (raw.get(c) or "").strip() for c in columns}
            if not any(values.values()):
                continue
            preview.rows.append(check_row(index, values))
    except csv.Error as exc:
        preview.file_errors.append(_("The file could not be read as CSV: %(err)s") % {"err": exc})
    if not preview.rows and not preview.file_errors:
        preview.file_errors.append(empty_message)
    return preview
