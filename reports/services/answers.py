"""Loading submitted answers for the pure scoring engine: the instrument as scoring sees it,
and every submitted respondent of a batch of rounds in a constant number of queries."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import BigIntegerField, F, Lookup, QuerySet, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce

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
    # round id -> its submitted respondents as arrays, in response order (agencies by id)
    answers: dict[int, scoring.RoundAnswers]
    n_answers: int
    # round id -> its network's input, for rounds whose questionnaire asks about relationships
    networks: dict[int, NetworkInput] = field(default_factory=dict)


class InArray(Lookup):  # type: ignore[type-arg]  # generic in django-stubs only
    """``column IN ids`` as one array parameter on PostgreSQL (``= ANY(%s)``).

    A batch of rounds asks for thousands of response ids: as an IN list, Django prepares each
    one as its own parameter, which cost more than the query itself.
    """

    lookup_name = "in_array"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = [int(pk) for pk in self.rhs]
        if not ids:
            return "1 = 0", []
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, [int(pk) for pk in self.rhs]]


def in_array(column: str, ids: Any) -> InArray:
    return InArray(F(column), ids)


def respondents_load(views: Mapping[int, InstrumentView]) -> LoadedRounds:
    """Every submitted respondent of these rounds (round id -> its questionnaire), in three
    queries whatever their number, read into arrays: no model instance, no row object.

    Answers are fetched by response id (read first) and question id, with no join: the planner
    then always uses the (response, question) index, where a join on round ids can make it scan
    the whole answer table for a batch of rounds. A "don't know" is stored without a value, so
    it arrives as NaN: missing, as the specification says. A round reads only the answers to
    its own questionnaire's questions. On PostgreSQL rankings arrive as ranks in the options'
    order, read in the same pass as the Likert answers (``_answers_copy``); elsewhere as the
    stored mappings. Either way the engine checks them.
    """
    round_ids = list(views)
    likert_ids = sorted({pk for view in views.values() for pk in view.likert_codes})
    meta = _integer_rows(
        Response.objects.filter(
            in_array("round_id", round_ids), submitted_at__isnull=False
        ).order_by("pk"),
        "pk",
        "round_id",
        "agency_id",
    )
    response_ids = meta[:, 0]
    # One column per Likert question of the batch; a round takes its questionnaire's columns.
    column_of = {pk: j for j, pk in enumerate(likert_ids)}
    likert = np.full((len(response_ids), len(likert_ids)), np.nan)
    options_of = {
        view.ranking_ids[0]: [option.code for option in view.scoring.ranking_options]
        for view in views.values()
        if view.ranking_ids
    }
    n_answers = 0
    ranks_read: dict[int, _RanksRead] = {}
    if len(response_ids) and (likert_ids or options_of):
        if connection.vendor == "postgresql":
            rows = _answers_copy(response_ids, likert_ids, options_of)
            for question_id, codes in options_of.items():
                ranks_read[question_id] = _ranks_decoded(rows, question_id, codes, response_ids)
                n_answers += ranks_read[question_id].n_read
            rows = rows[np.isin(rows[:, 1], likert_ids)]
        else:
            rows = _integer_rows(
                Answer.objects.filter(
                    in_array("response_id", response_ids), in_array("question_id", likert_ids)
                ),
                "response_id",
                "question_id",
                Coalesce("value", Value(0)),
            )
        n_answers += len(rows)
        if likert_ids:
            columns = np.zeros(likert_ids[-1] + 1, dtype=np.intp)
            columns[likert_ids] = np.arange(len(likert_ids))
            values = rows[:, 2].astype(float)
            values[values == 0] = np.nan  # stored without a value: don't know
            likert[np.searchsorted(response_ids, rows[:, 0]), columns[rows[:, 1]]] = values

    by_round = np.argsort(meta[:, 1], kind="stable")  # response order kept within a round
    sorted_rounds = meta[by_round, 1]
    starts = np.searchsorted(sorted_rounds, round_ids, side="left")
    ends = np.searchsorted(sorted_rounds, round_ids, side="right")
    rows_of = {
        round_id: by_round[start:end]
        for round_id, start, end in zip(round_ids, starts.tolist(), ends.tolist(), strict=True)
    }
    rankings, n_rankings = _rankings_load(views, rows_of, response_ids, ranks_read)
    n_answers += n_rankings
    answers: dict[int, scoring.RoundAnswers] = {}
    for round_id, rows_of_round in rows_of.items():
        view = views[round_id]
        columns_of_round = np.array([column_of[pk] for pk in view.likert_codes], dtype=np.intp)
        answers[round_id] = scoring.RoundAnswers(
            agencies=meta[rows_of_round, 2].tolist(),
            likert=likert[np.ix_(rows_of_round, columns_of_round)],
            rankings=rankings[round_id],
        )
    networks: dict[int, NetworkInput] = {}
    relationship_ids = sorted({pk for view in views.values() for pk in view.relationship_ids})
    if relationship_ids:  # two more queries, only for questionnaires that ask
        networks, n_ratings = _networks_load(answers, response_ids, meta, relationship_ids)
        n_answers += n_ratings
    return LoadedRounds(answers=answers, n_answers=n_answers, networks=networks)


# At most 9 options (the questionnaire loader's limit) fit a ranking in one integer, 4 bits
# per option's rank; a longer ranking is read as JSON.
_RANK_BITS = 4
_RANKS_PACKED_MAX = 9
_RANK_READ = 1 << 40  # above the ranks: a ranking read, even if none of its ranks is 1..9


@dataclass(frozen=True)
class _RanksRead:
    """One ranking question's answers for every response of a batch, in response order: the
    ranks (a NaN row without a ranking), which rows need reading again as JSON, and how many
    ranking answers there are."""

    ranks: np.ndarray
    doubtful: np.ndarray
    n_read: int


def _answers_copy(
    response_ids: np.ndarray, likert_ids: list[int], options_of: Mapping[int, list[str]]
) -> np.ndarray:
    """(response, question, value or 0, packed ranking) of every Likert and ranking answer of
    these responses, in one binary COPY: the answers of a response share their table pages,
    so the Likert answers and the rankings are read in one pass over them.

    PostgreSQL packs a ranking into one integer (``_RANK_BITS`` per option, in the options'
    order, above them ``_RANK_READ``): 0 for a Likert answer or no ranking stored, -1 for
    anything but an object of exactly the options' codes; a rank that is not a whole JSON
    number 1..9 packs as 0, which the check of the ranks refuses.
    """
    packed = ["CASE question_id"]
    params: list[Any] = []
    for question_id, codes in options_of.items():
        if len(codes) > _RANKS_PACKED_MAX:
            packed.append("WHEN %s THEN -1")
            params.append(question_id)
            continue
        # (ranking -> code)::text is a single digit only for a JSON number 1..9 ("3" as a
        # JSON string reads '"3"'); CASE, not AND, so that no key is removed from a scalar.
        digits = " + ".join(
            f"(CASE WHEN (ranking -> %s)::text ~ '^[1-9]$' "
            f"THEN ascii((ranking -> %s)::text) - 48 ELSE 0 END)::bigint * {1 << (_RANK_BITS * i)}"
            for i in range(len(codes))
        )
        packed.append(
            "WHEN %s THEN CASE WHEN ranking IS NULL THEN 0 "
            "WHEN jsonb_typeof(ranking) <> 'object' THEN -1 "
            f"WHEN ranking - %s::text[] <> '{{}}'::jsonb THEN -1 ELSE {_RANK_READ} + {digits} END"
        )
        params += [question_id, codes]
        for code in codes:
            params += [code, code]
    packed.append("ELSE 0 END")
    table = Answer._meta.db_table
    # Only the table's name and placeholders are formatted in; every value is a parameter.
    columns = f"response_id, question_id, COALESCE(value, 0)::bigint, ({' '.join(packed)})::bigint"
    where = "response_id = ANY(%s::bigint[]) AND question_id = ANY(%s::bigint[])"
    sql = f"SELECT {columns} FROM {table} WHERE {where}"  # noqa: S608  # nosec B608
    params += [response_ids.tolist(), [*likert_ids, *options_of]]
    return _copy_integers(sql, params, 4)


def _ranks_decoded(
    rows: np.ndarray, question_id: int, codes: list[str], response_ids: np.ndarray
) -> _RanksRead:
    """The ranking question's rows of ``_answers_copy`` unpacked, and checked: a row is
    doubtful unless it ranks the options 1..n once each."""
    n = len(codes)
    mine = rows[(rows[:, 1] == question_id) & (rows[:, 3] != 0)]
    at = np.searchsorted(response_ids, mine[:, 0])
    packed = mine[:, 3]
    given = (packed[:, None] >> (_RANK_BITS * np.arange(n))) & ((1 << _RANK_BITS) - 1)
    permutation = (np.sort(given, axis=1) == np.arange(1, n + 1)).all(axis=1)
    ranks = np.full((len(response_ids), n), np.nan)
    doubtful = np.zeros(len(response_ids), dtype=bool)
    ranks[at] = given
    doubtful[at] = (packed < 0) | ~permutation
    return _RanksRead(ranks=ranks, doubtful=doubtful, n_read=len(mine))


def _rankings_load(
    views: Mapping[int, InstrumentView],
    rows_of: Mapping[int, np.ndarray],
    response_ids: np.ndarray,
    ranks_read: Mapping[int, _RanksRead],
) -> tuple[dict[int, np.ndarray | list[object]], int]:
    """Each round's rankings (see ``RoundAnswers.rankings``), and how many were read here.

    As ranks where they were read as ranks (``ranks_read``, PostgreSQL) and none of the
    round's is doubtful; otherwise as the stored mappings, one query per round, so the engine
    refuses a bad one with the message naming what is wrong, as it does elsewhere.
    """
    rankings: dict[int, np.ndarray | list[object]] = {}
    n_read = 0
    for round_id, view in views.items():
        rows = rows_of[round_id]
        if not view.ranking_ids:
            rankings[round_id] = [None] * len(rows)
            continue
        question_id = view.ranking_ids[0]
        read = ranks_read.get(question_id)
        if read is not None and not read.doubtful[rows].any():
            rankings[round_id] = read.ranks[rows]
            continue
        ids = response_ids[rows]
        stored = dict(
            Answer.objects.filter(
                in_array("response_id", ids), question_id=question_id, ranking__isnull=False
            ).values_list("response_id", "ranking")
        )
        if read is None:  # counted with the ranks otherwise
            n_read += len(stored)
        rankings[round_id] = [stored.get(response) for response in ids.tolist()]
    return rankings, n_read


def _integer_rows(rows: QuerySet[Any], *columns: str | Combinable) -> np.ndarray:
    """These integer columns (none of them NULL) of the queryset's rows, as an (n, columns)
    array, without a row object.

    On PostgreSQL the query runs as COPY ... TO STDOUT in binary with every column cast to
    bigint, so every row has the same layout and numpy reads the whole result in one call;
    elsewhere (SQLite) through a plain cursor.
    """
    values = rows.values_list(*(Cast(column, BigIntegerField()) for column in columns))
    if connection.vendor != "postgresql":
        return np.array(list(values), dtype=np.int64).reshape(-1, len(columns))
    sql, params = values.query.sql_with_params()
    return _copy_integers(sql, params, len(columns))


def _copy_integers(sql: str, params: Sequence[Any], width: int) -> np.ndarray:
    """The rows of a PostgreSQL query of ``width`` non-NULL integer columns, read with one
    binary COPY."""
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        # psycopg2's own mogrify and copy_expert (COPY is not in the DB-API); Django's debug
        # cursor logs copy_expert like any query.
        query = cursor.mogrify(sql, params).decode()  # the SQL with its values quoted
        cursor.copy_expert(f"COPY ({query}) TO STDOUT (FORMAT binary)", buffer)
    return _copy_binary_integers(buffer.getbuffer(), width)


_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def _copy_binary_integers(data: memoryview | bytes, width: int) -> np.ndarray:
    """The rows of a binary COPY of ``width`` non-NULL bigint columns (PostgreSQL's format:
    a header, then per row a 16-bit field count and per field a 32-bit length and the value,
    all big-endian, then a -1 trailer)."""
    header = len(_COPY_SIGNATURE) + 8
    if bytes(data[: len(_COPY_SIGNATURE)]) != _COPY_SIGNATURE:
        raise ValueError("not PostgreSQL's binary COPY format")
    header += int.from_bytes(data[header - 4 : header], "big")  # the header extension
    layout = np.dtype(
        [("fields", ">i2")]
        + [
            (name, t)
            for i in range(width)
            for name, t in ((f"length{i}", ">i4"), (f"value{i}", ">i8"))
        ]
    )
    tuples = np.frombuffer(
        data, dtype=layout, count=(len(data) - header - 2) // layout.itemsize, offset=header
    )
    if (
        header + tuples.nbytes + 2 != len(data)
        or (tuples["fields"] != width).any()
        or any((tuples[f"length{i}"] != 8).any() for i in range(width))
    ):
        raise ValueError("unexpected binary COPY layout (a NULL, or not bigint columns)")
    out = np.empty((len(tuples), width), dtype=np.int64)
    for i in range(width):
        out[:, i] = tuples[f"value{i}"]
    return out


def _networks_load(
    answers: Mapping[int, scoring.RoundAnswers],
    response_ids: np.ndarray,
    meta: np.ndarray,
    relationship_ids: list[int],
) -> tuple[dict[int, NetworkInput], int]:
    """Every round's network input: its agencies at opening and each submitted respondent's
    ratings ({} when they rated nobody). Only a round whose questionnaire asks is scored."""
    ratings_of: dict[int, dict[int, int | None]] = {}
    for response_id, ratings in Answer.objects.filter(
        in_array("response_id", response_ids), in_array("question_id", relationship_ids)
    ).values_list("response_id", "relationships"):
        ratings_of[response_id] = {int(agency): level for agency, level in (ratings or {}).items()}
    networks = {round_id: NetworkInput(nodes=[], respondents=[]) for round_id in answers}
    through = Round.agencies_at_opening.through
    for round_id, agency_id in (
        through.objects.filter(in_array("round_id", list(answers)))
        .order_by("agency_id")
        .values_list("round_id", "agency_id")
    ):
        networks[round_id].nodes.append(agency_id)
    for response_id, round_id, agency_id in meta.tolist():
        networks[round_id].respondents.append(
            scoring.RelationshipRespondent(
                agency=agency_id, ratings=ratings_of.get(response_id, {})
            )
        )
    return networks, len(ratings_of)
