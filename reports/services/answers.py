"""Loading submitted answers for the pure scoring engine: the instrument as scoring sees it,
and every submitted respondent of a batch of rounds in a constant number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from reports import scoring
from surveys.models import Answer, Instrument, QuestionType, Response, Round


@dataclass(frozen=True)
class InstrumentView:
    scoring: scoring.Instrument
    likert_codes: dict[int, str]  # question id -> item code
    ranking_ids: tuple[int, ...]  # the ranking question (one: the loader makes sure)
    relationship_ids: tuple[int, ...] = ()  # the working-relationships question, if asked


def instrument_view(instrument: Instrument) -> InstrumentView:
    items: list[scoring.Item] = []
    options: list[scoring.RankingOption] = []
    likert_codes: dict[int, str] = {}
    ranking_ids: list[int] = []
    relationship_ids: list[int] = []
    scored_types = [QuestionType.LIKERT, QuestionType.RANKING, QuestionType.RELATIONSHIPS]
    questions = (
        instrument.questions.filter(type__in=scored_types)
        .order_by("position")
        .values_list("pk", "code", "type", "dimension", "reverse", "options")
    )
    for pk, code, question_type, dimension, reverse, question_options in questions:
        if question_type == QuestionType.LIKERT:
            items.append(scoring.Item(code=code, dimension=dimension, reverse=reverse))
            likert_codes[pk] = code
        elif question_type == QuestionType.RELATIONSHIPS:
            relationship_ids.append(pk)
        else:
            ranking_ids.append(pk)
            options = [
                scoring.RankingOption(
                    code=option["code"],
                    participant_defined=bool(option.get("participant_defined", False)),
                )
                for option in question_options
            ]
    return InstrumentView(
        scoring=scoring.Instrument(
            version=instrument.label,
            items=tuple(items),
            ranking_options=tuple(options),
            weights=instrument.weights,
        ),
        likert_codes=likert_codes,
        ranking_ids=tuple(ranking_ids),
        relationship_ids=tuple(relationship_ids),
    )


def scoring_instrument(instrument: Instrument) -> scoring.Instrument:
    """The scoring view of a questionnaire version: Likert items, ranking options, weights."""
    return instrument_view(instrument).scoring


@dataclass(frozen=True)
class NetworkInput:
    """What the network of one round is scored from: its nodes and its respondents' ratings."""

    nodes: list[int]  # the member agencies when the round opened
    respondents: list[scoring.RelationshipRespondent]  # every submitted respondent


@dataclass
class LoadedRounds:
    respondents: dict[int, list[scoring.Respondent]]  # round id -> its submitted respondents
    n_answers: int
    # round id -> its network's input, for rounds whose questionnaire asks about relationships
    networks: dict[int, NetworkInput] = field(default_factory=dict)


def respondents_load(round_ids: Sequence[int], views: Iterable[InstrumentView]) -> LoadedRounds:
    """Every submitted respondent of these rounds, in three queries whatever their number.

    Answers are fetched by response id (read first) and question id, with no join: the planner
    then always uses the (response, question) index, where a join on round ids can make it scan
    the whole answer table for a batch of rounds. A "don't know" is stored without a value, so
    it arrives as None: missing, as the specification says.
    """
    likert_codes: dict[int, str] = {}
    ranking_ids: list[int] = []
    relationship_ids: list[int] = []
    for view in views:
        likert_codes.update(view.likert_codes)
        ranking_ids.extend(view.ranking_ids)
        relationship_ids.extend(view.relationship_ids)
    meta = {
        response_id: (round_id, agency_id)
        for response_id, round_id, agency_id in Response.objects.filter(
            round_id__in=round_ids, submitted_at__isnull=False
        )
        .order_by("pk")
        .values_list("pk", "round_id", "agency_id")
    }
    response_ids = list(meta)
    answers: dict[int, dict[str, int | None]] = {response_id: {} for response_id in meta}
    n_answers = 0
    for response_id, question_id, value in Answer.objects.filter(
        response_id__in=response_ids, question_id__in=list(likert_codes)
    ).values_list("response_id", "question_id", "value"):
        answers[response_id][likert_codes[question_id]] = value
        n_answers += 1
    ranking_of: dict[int, dict[str, int] | None] = {}  # a JSONField: None to the type checker
    for response_id, ranking in Answer.objects.filter(
        response_id__in=response_ids, question_id__in=ranking_ids, ranking__isnull=False
    ).values_list("response_id", "ranking"):
        ranking_of[response_id] = ranking
        n_answers += 1

    respondents: dict[int, list[scoring.Respondent]] = {round_id: [] for round_id in round_ids}
    for response_id, (round_id, agency_id) in meta.items():
        respondents[round_id].append(
            scoring.Respondent(
                agency=agency_id, answers=answers[response_id], ranking=ranking_of.get(response_id)
            )
        )
    networks: dict[int, NetworkInput] = {}
    if relationship_ids:  # two more queries, only for questionnaires that ask
        networks, n_ratings = _networks_load(round_ids, meta, relationship_ids)
        n_answers += n_ratings
    return LoadedRounds(respondents=respondents, n_answers=n_answers, networks=networks)


def _networks_load(
    round_ids: Sequence[int], meta: dict[int, tuple[int, int]], relationship_ids: list[int]
) -> tuple[dict[int, NetworkInput], int]:
    """Every round's network input: its agencies at opening and each submitted respondent's
    ratings ({} when they rated nobody). Only a round whose questionnaire asks is scored."""
    ratings_of: dict[int, dict[int, int | None]] = {}
    for response_id, ratings in Answer.objects.filter(
        response_id__in=list(meta), question_id__in=relationship_ids
    ).values_list("response_id", "relationships"):
        ratings_of[response_id] = {int(agency): level for agency, level in (ratings or {}).items()}
    networks = {round_id: NetworkInput(nodes=[], respondents=[]) for round_id in round_ids}
    through = Round.agencies_at_opening.through
    for round_id, agency_id in (
        through.objects.filter(round_id__in=round_ids)
        .order_by("agency_id")
        .values_list("round_id", "agency_id")
    ):
        networks[round_id].nodes.append(agency_id)
    for response_id, (round_id, agency_id) in meta.items():
        networks[round_id].respondents.append(
            scoring.RelationshipRespondent(
                agency=agency_id, ratings=ratings_of.get(response_id, {})
            )
        )
    return networks, len(ratings_of)
