"""Small factories: explicit, fixed values, one function per model."""

from __future__ import annotations

import itertools

from partnerships.models import (
    Agency,
    AgencyType,
    Level,
    LocalAuthority,
    Membership,
    Partnership,
    Project,
    Role,
    User,
)

_seq = itertools.count(1)

PASSWORD = "correct-horse-battery-staple"


def authority(name: str = "") -> LocalAuthority:
    n = next(_seq)
    name = name or f"Authority {n}"
    return LocalAuthority.objects.create(name=name, slug=f"authority-{n}")


def agency(auth: LocalAuthority, name: str = "", **fields) -> Agency:
    fields.setdefault("agency_type", AgencyType.YOUTH_SERVICE)
    return Agency.objects.create(authority=auth, name=name or f"Agency {next(_seq)}", **fields)


def partnership(auth: LocalAuthority, name: str = "", **fields) -> Partnership:
    fields.setdefault("level", Level.OPERATIONAL)
    return Partnership.objects.create(
        authority=auth, name=name or f"Partnership {next(_seq)}", **fields
    )


def membership(p: Partnership, a: Agency, **fields) -> Membership:
    return Membership.objects.create(partnership=p, agency=a, **fields)


def project(p: Partnership, name: str = "", **fields) -> Project:
    return Project.objects.create(partnership=p, name=name or f"Project {next(_seq)}", **fields)


def user(username: str, *, auth: LocalAuthority | None, role: str = "", **fields) -> User:
    u = User(
        username=username, authority=auth, role=role, email=f"{username}@example.org", **fields
    )
    u.set_password(PASSWORD)
    u.save()
    return u


def officer(username: str, auth: LocalAuthority) -> User:
    return user(username, auth=auth, role=Role.OFFICER)
