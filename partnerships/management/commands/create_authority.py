"""`manage.py create_authority "<name>" --officer <e-mail>`: a new authority and its first officer.

The officer is sent the account invitation link every colleague gets (they choose their own
password with it); the link is printed here too, the only place a link is ever printed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partnerships import team


class Command(BaseCommand):
    help = "Create a local authority and invite its first officer (e-mailed and printed link)."

    def add_arguments(self, parser):
        parser.add_argument("name", help='The authority\'s name, e.g. "Northshire Council".')
        parser.add_argument(
            "--officer", required=True, metavar="E-MAIL", help="The first officer's e-mail."
        )

    def handle(self, *args, name: str, officer: str, **options):
        try:
            authority, link = team.authority_create(name=name, officer_email=officer)
        except ValidationError as error:
            messages = (
                [m for ms in error.message_dict.values() for m in ms]
                if hasattr(error, "error_dict")
                else error.messages
            )
            raise CommandError(" ".join(messages)) from None
        self.stdout.write(
            f"Created {authority.name} ({authority.slug}). The first officer's set-password "
            f"link was e-mailed to {officer.strip().lower()}; it works once:"
        )
        self.stdout.write(link)
