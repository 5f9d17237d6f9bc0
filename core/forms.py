"""Form plumbing shared by the apps."""

from __future__ import annotations

from django import forms


class FilterFormMixin:
    """Bootstrap classes on a GET filter form's widgets (laid out by core/partials/filter_form)."""

    fields: dict[str, forms.Field]

    def style_widgets(self) -> None:
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")
