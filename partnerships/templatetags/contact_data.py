"""`{% load contact_data %}` then `{% if user|sees_contact_data %}`: the one rule for pages."""

from __future__ import annotations

from django import template

from partnerships.permissions import sees_contact_data as _sees_contact_data

register = template.Library()


@register.filter
def sees_contact_data(user) -> bool:
    return _sees_contact_data(user)
