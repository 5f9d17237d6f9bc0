"""Demo data for a newcomer: one authority with agencies, partnerships, projects and users."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TypedDict

from django.db import transaction

from .models import (
    Agency,
    AgencyType,
    Level,
    LocalAuthority,
    Membership,
    MembershipRole,
    Partnership,
    Project,
    Role,
    User,
)

AUTHORITY = ("Northshire County Council", "northshire")

AGENCIES = [
    ("Northshire Youth Service", AgencyType.YOUTH_SERVICE),
    ("Connexions Northshire", AgencyType.CAREERS),
    ("Riverside Academy", AgencyType.SCHOOL),
    ("Northshire College", AgencyType.FE_COLLEGE),
    ("Northshire Youth Offending Team", AgencyType.YOUTH_OFFENDING),
    ("Northshire Police, Neighbourhood Team", AgencyType.POLICE),
    ("Teenage Health Service", AgencyType.HEALTH),
    ("Children's Social Care", AgencyType.SOCIAL_CARE),
    ("Northshire Homes", AgencyType.HOUSING),
    ("Open Door Youth Project", AgencyType.VOLUNTARY),
    ("Eastfield Community Association", AgencyType.COMMUNITY),
    ("Northshire Sports Trust", AgencyType.OTHER),
]


class PartnershipSpec(TypedDict):
    name: str
    programme: str
    level: str
    description: str
    members: list[int]  # indexes into AGENCIES, the lead first
    projects: list[tuple[str, str]]  # (name, target group)


PARTNERSHIPS: list[PartnershipSpec] = [
    {
        "name": "Eastfield New Start Partnership",
        "programme": "New Start",
        "level": Level.OPERATIONAL,
        "description": "Re-engaging 14 to 16 year olds who have dropped out of school.",
        "members": [0, 1, 2, 3, 4, 9],
        "projects": [
            ("Back on Track", "Young people aged 14 to 16 not attending school"),
            ("Summer Bridge", "Year 11 leavers at risk of not progressing"),
        ],
    },
    {
        "name": "Northshire Connexions Board",
        "programme": "Connexions",
        "level": Level.STRATEGIC,
        "description": "Strategic board for information, advice and guidance for 13 to 19s.",
        "members": [1, 0, 3, 6, 7, 8, 4, 5],
        "projects": [("Personal Advisers in Schools", "Young people aged 13 to 19")],
    },
    {
        "name": "Riverside Safer Streets",
        "programme": "Youth Inclusion",
        "level": Level.OPERATIONAL,
        "description": "Diversionary activities with young people at risk of offending.",
        "members": [5, 4, 0, 10, 11],
        "projects": [("Friday Night Project", "Young people aged 13 to 17 in Riverside")],
    },
]

USERS = [
    ("officer", Role.OFFICER, "Olivia", "Officer"),
    ("manager", Role.MANAGER, "Mo", "Manager"),
    ("partner", Role.PARTNER, "Priya", "Partner"),
]


@transaction.atomic
def seed_demo(*, password: str | None = None) -> list[tuple[str, str, str]]:
    """Create or refresh the demo data; returns (username, role, password) sign-ins."""
    authority, _ = LocalAuthority.objects.get_or_create(
        slug=AUTHORITY[1], defaults={"name": AUTHORITY[0]}
    )
    agencies = []
    for name, agency_type in AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            authority=authority,
            name=name,
            defaults={
                "agency_type": agency_type,
                "contact_name": "Duty manager",
                "email": f"contact@{name.split()[0].lower().strip(',')}.example.org",
            },
        )
        agencies.append(agency)
    officer = _user(authority, *USERS[0], agency=None)
    for spec in PARTNERSHIPS:
        partnership, _ = Partnership.objects.get_or_create(
            authority=authority,
            name=spec["name"],
            defaults={
                "programme": spec["programme"],
                "level": spec["level"],
                "description": spec["description"],
                "start_date": dt.date(2025, 9, 1),
                "created_by": officer,
                "updated_by": officer,
            },
        )
        for position, index in enumerate(spec["members"]):
            Membership.objects.get_or_create(
                partnership=partnership,
                agency=agencies[index],
                defaults={
                    "role": MembershipRole.LEAD if position == 0 else MembershipRole.PARTNER,
                    "joined_on": dt.date(2025, 9, 1),
                },
            )
        for name, target_group in spec["projects"]:
            Project.objects.get_or_create(
                partnership=partnership, name=name, defaults={"target_group": target_group}
            )
    manager = _user(authority, *USERS[1], agency=None)
    manager.sees_whole_authority = True
    manager.save(update_fields=["sees_whole_authority"])
    _user(authority, *USERS[2], agency=agencies[0])

    sign_ins = []
    for username, role, _first, _last in USERS:
        chosen = password or secrets.token_urlsafe(12)
        user = User.objects.get(username=username)
        user.set_password(chosen)
        user.save(update_fields=["password"])
        sign_ins.append((username, str(role.label), chosen))
    return sign_ins


def _user(authority, username, role, first, last, *, agency) -> User:
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "authority": authority,
            "role": role,
            "first_name": first,
            "last_name": last,
            "email": f"{username}@northshire.example.org",
            "agency": agency,
        },
    )
    return user
