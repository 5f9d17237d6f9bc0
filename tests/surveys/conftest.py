from __future__ import annotations

from dataclasses import dataclass

import pytest

from surveys.models import Invitation, Round
from tests import factories


@dataclass
class Survey:
    round: Round
    invitation: Invitation
    token: str


@pytest.fixture
def survey(cast) -> Survey:
    rnd = factories.survey_round(cast.project, title="Spring 2026 survey")
    invitation, token = factories.invitation(rnd, cast.agency, name="Ria Respondent")
    return Survey(round=rnd, invitation=invitation, token=token)
