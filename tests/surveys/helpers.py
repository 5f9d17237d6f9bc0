"""Helpers that fill in questionnaire pages the way a browser would."""

from __future__ import annotations

from html.parser import HTMLParser

from django.urls import reverse

from surveys.models import Round, Section

RANK_SEPARATOR = "__rank__"


def section_data(section: Section, *, likert: str = "4", ranking: list[str] | None = None) -> dict:
    data: dict[str, str] = {"action": "continue"}
    for question in section.questions.order_by("position"):
        if question.type == "likert":
            data[question.code] = likert
        elif question.type == "choice":
            data[question.code] = question.options[0]["code"]
        elif question.type == "text":
            data[question.code] = "Regular joint meetings."
        elif question.type == "ranking":
            codes = ranking or [o["code"] for o in question.options]
            for rank, code in enumerate(codes, start=1):
                data[f"{question.code}{RANK_SEPARATOR}{code}"] = str(rank)
    return data


def start(client, token: str) -> None:
    response = client.get(reverse("surveys:respond_link", args=[token]))
    assert response.status_code == 302, response.status_code
    client.post(reverse("surveys:respond_start"), {"consent": "on"})


def answer_every_section(client, survey_round: Round, **kwargs) -> None:
    for section in survey_round.instrument.sections.order_by("position"):
        response = client.post(
            reverse("surveys:respond_section", args=[section.position]),
            section_data(section, **kwargs),
        )
        assert response.status_code == 302, response.context and response.context["form"].errors


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("name"):
            self.values.setdefault(found["name"] or "", []).append(found.get("value") or "")


def input_value(page, name: str) -> str:
    """The value of the page's one input called ``name``, as a browser would post it."""
    parser = _Inputs()
    parser.feed(page.content.decode())
    values = parser.values.get(name, [])
    assert len(values) == 1, f"{len(values)} inputs named {name!r}"
    return values[0]
