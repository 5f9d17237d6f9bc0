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


# --- Surveys ----------------------------------------------------------------------------------
def default_instrument():
    """The repository's default questionnaire, loaded as `make run` loads it."""
    from reports.instrument_loader import instrument_load_all

    return instrument_load_all()[0][0]


def instrument_version(version: int):
    """A questionnaire version of the repository (2 asks about working relationships)."""
    from reports.instrument_loader import instrument_load_all

    return next(i for i, _outcome in instrument_load_all() if i.version == version)


def survey_round(proj: Project, instrument=None, **fields):
    """A round opened now: the partnership's current members are its agencies at opening."""
    import datetime as dt

    from django.utils import timezone

    from surveys.models import Round
    from surveys.services import round_members_snapshot

    today = timezone.localdate()
    fields.setdefault("title", f"Round {next(_seq)}")
    fields.setdefault("opens_on", today - dt.timedelta(days=7))
    fields.setdefault("closes_on", today + dt.timedelta(days=14))
    fields.setdefault("introduction", "Please tell us how the partnership works.")
    rnd = Round.objects.create(
        project=proj, instrument=instrument or default_instrument(), **fields
    )
    round_members_snapshot(survey_round=rnd)
    return rnd


def closed(rnd):
    """The round, closed early today (an anonymous round publishes its results at close)."""
    from django.utils import timezone

    rnd.closed_at = timezone.now()
    rnd.save(update_fields=["closed_at"])
    return rnd


def invitation(rnd, a: Agency, name: str = "", email: str = ""):
    """An invitation and its raw token (the token is returned, never stored)."""
    from surveys.models import Invitation
    from surveys.tokens import new_link

    n = next(_seq)
    link, token = new_link()
    inv = Invitation.objects.create(
        round=rnd,
        agency=a,
        name=name or f"Person {n}",
        email=email or f"person{n}@example.org",
        **link,
    )
    return inv, token


def submitted_response(
    rnd,
    a: Agency,
    *,
    likert: int | dict = 4,
    ranking: list[str] | None = None,
    relationships: dict | None = None,
):
    """A submitted response: every Likert item answered `likert` (or per code), a full ranking,
    and `relationships` ({agency: level or None}) when the questionnaire asks about them."""
    from django.utils import timezone

    from surveys.models import Answer, QuestionType, Response

    inv, _token = invitation(rnd, a)
    response = Response.objects.create(
        round=rnd,
        agency=a,
        invitation=inv,
        consented_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    answers = []
    for q in rnd.instrument.questions.all():
        if q.type == QuestionType.LIKERT:
            value = likert.get(q.code, 3) if isinstance(likert, dict) else likert
            answers.append(Answer(response=response, question=q, value=value))
        elif q.type == QuestionType.RANKING:
            codes = ranking or [o["code"] for o in q.options]
            answers.append(
                Answer(
                    response=response, question=q, ranking={c: i + 1 for i, c in enumerate(codes)}
                )
            )
        elif q.type == QuestionType.RELATIONSHIPS and relationships:
            levels = {str(getattr(b, "pk", b)): level for b, level in relationships.items()}
            answers.append(Answer(response=response, question=q, relationships=levels))
    Answer.objects.bulk_create(answers)
    return response


def account_invitation(auth: LocalAuthority, email: str = "", role: str = Role.OFFICER, **fields):
    """An account invitation and its raw token (the token is returned, never stored)."""
    from partnerships.account_invitations import new_expiry, new_token
    from partnerships.models import AccountInvitation

    token, digest = new_token()
    fields.setdefault("expires_at", new_expiry())
    inv = AccountInvitation.objects.create(
        authority=auth,
        email=email or f"invitee{next(_seq)}@example.org",
        role=role,
        token_hash=digest,
        **fields,
    )
    return inv, token


def paper_response(rnd, a: Agency, officer, *, likert: int = 4, comments: dict | None = None):
    """A paper questionnaire keyed in by `officer` through the service the page calls."""
    from surveys.models import QuestionType
    from surveys.services import response_enter_on_paper

    values: dict = {}
    for q in rnd.instrument.questions.all():
        if q.type == QuestionType.LIKERT:
            values[q.code] = likert
        elif q.type == QuestionType.RANKING:
            values[q.code] = {o["code"]: i + 1 for i, o in enumerate(q.options)}
    values.update(comments or {})
    return response_enter_on_paper(actor=officer, survey_round=rnd, agency=a, values=values)
