"""The published schema says what the API accepts: a body built from it alone is accepted.

For every POST, PUT and PATCH in the schema (fetched from the schema URL, `$ref`s resolved),
bodies are built from the operation's request schema and nothing else: only the required
properties, every property with ordinary values, and every property at its limits (longest
strings, largest numbers, last enum value, null where allowed). Ids are the one thing the
schema cannot know: path parameters and the properties that name another object are the ids
of objects an officer of the authority can see, built here. Each body is sent on its own, in a
savepoint rolled back afterwards, by an officer; each must be accepted (2xx).

A rejection means the schema allows a body the API refuses: make the schema say what the API
checks (required, enum, min/max, formats), never loosen the API.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reports.models import Action
from tests import factories
from tests.api import client_for

WRITE_METHODS = ("post", "put", "patch")
VARIANTS = ("required", "ordinary", "limits")
UNBOUNDED_STRING = 10_000  # a string the schema gives no maxLength may be this long


# --- The schema --------------------------------------------------------------------------------
def resolved(node: Any, components: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """The schema with every `$ref` to a component replaced by the component itself."""
    if isinstance(node, list):
        return [resolved(item, components, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/components/schemas/")
        assert name not in seen, f"recursive schema {name}"
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return resolved({**components[name], **rest}, components, (*seen, name))
    return {key: resolved(value, components, seen) for key, value in node.items()}


def merged(schema: dict[str, Any]) -> dict[str, Any]:
    """allOf folded into one schema (drf-spectacular wraps enums and titles in allOf)."""
    if "allOf" not in schema:
        return schema
    result = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        part = merged(part)
        for key, value in part.items():
            if key == "required":
                result["required"] = sorted({*result.get("required", []), *value})
            elif key == "properties":
                result["properties"] = {**result.get("properties", {}), **value}
            else:
                result.setdefault(key, value)
    return result


# --- Values that satisfy a schema --------------------------------------------------------------
def email_of_length(n: int) -> str:
    """A valid address exactly n characters long (local part at most 64, labels at most 63)."""
    domain = "example.org"
    local = min(64, n - len(domain) - 1)
    extra = n - local - len(domain) - 1
    labels = []
    while extra > 0:
        if extra == 1:  # no label is 0 characters long: move one character from the local part
            local, extra = local - 1, extra + 1
        size = min(64, extra)
        labels.append("x" * (size - 1) + ".")
        extra -= size
    return "a" * local + "@" + "".join(labels) + domain


def string_value(schema: dict[str, Any], variant: str) -> str:
    fmt = schema.get("format")
    if fmt == "date":
        return timezone.localdate().isoformat()
    if fmt == "date-time":
        return timezone.now().isoformat()
    assert "pattern" not in schema, f"no value generator for a pattern: {schema}"
    low = schema.get("minLength", 0)
    high = schema.get("maxLength", UNBOUNDED_STRING)
    length = {"required": low, "ordinary": max(low, min(high, 12)), "limits": high}[variant]
    if fmt == "email":
        length = max(length, len("a@example.org"))
        assert length <= high, schema
        return email_of_length(length)
    assert fmt is None, f"no value generator for format {fmt}"
    return ("Text " * (length // 5 + 1))[:length]


def number_value(schema: dict[str, Any], variant: str) -> int | float:
    low, high = schema.get("minimum"), schema.get("maximum")
    assert "exclusiveMinimum" not in schema and "exclusiveMaximum" not in schema, schema
    if variant == "limits":
        return high if high is not None else (low if low is not None else 0) + 1000
    if low is not None:
        return low
    return 1 if high is None or high >= 1 else high


def array_value(schema: dict[str, Any], variant: str) -> list[Any]:
    items = merged(schema.get("items", {}))
    low, high = schema.get("minItems", 0), schema.get("maxItems")
    count = {
        "required": low,
        "ordinary": max(low, 1) if high is None else min(max(low, 1), high),
        "limits": high if high is not None else max(low, 3),
    }[variant]
    if schema.get("uniqueItems"):
        choices = [choice for choice in items.get("enum", []) if choice is not None]
        assert choices or count <= 1, f"no generator for unique items: {schema}"
        if choices:
            if variant == "limits":
                choices = choices[::-1]
            return choices[:count]
    return [value_for(items, variant) for _ in range(count)]


def object_value(
    schema: dict[str, Any], variant: str, references: dict[str, Any] | None = None
) -> dict[str, Any]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    names = [n for n in properties if n in required] if variant == "required" else list(properties)
    body = {}
    for name in names:
        if references and name in references:
            body[name] = references[name]
        else:
            body[name] = value_for(properties[name], variant)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict) and not properties and variant != "required":
        # A map: any key the schema allows, with a value its schema allows.
        keys = merged(schema.get("propertyNames", {})).get("enum", ["some_key"])
        body[keys[0]] = value_for(extra, variant)
    assert len(body) >= schema.get("minProperties", 0), f"too few properties for {schema}"
    return body


def value_for(schema: dict[str, Any], variant: str) -> Any:
    schema = merged(schema)
    for combinator in ("oneOf", "anyOf"):
        if combinator in schema:
            alternatives = schema[combinator]
            chosen = alternatives[-1] if variant == "limits" else alternatives[0]
            rest = {k: v for k, v in schema.items() if k != combinator}
            return value_for({**rest, **merged(chosen)}, variant)
    if variant == "limits" and schema.get("nullable"):
        return None
    if "enum" in schema:
        choices = [choice for choice in schema["enum"] if choice is not None]
        return choices[-1] if variant == "limits" else choices[0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return object_value(schema, variant)
    if kind == "array":
        return array_value(schema, variant)
    if kind == "string":
        return string_value(schema, variant)
    if kind in ("integer", "number"):
        return number_value(schema, variant)
    if kind == "boolean":
        return variant != "limits"
    raise AssertionError(f"no value generator for {schema}")


# --- The data the ids point at -----------------------------------------------------------------
@pytest.fixture
def world(cast):
    """Objects for every path parameter and every property naming another object."""
    survey_round = factories.survey_round(cast.project)
    invitation, _token = factories.invitation(survey_round, cast.agency)
    newcomer = factories.agency(cast.authority, "Northshire Housing", agency_type="housing")
    membership = cast.partnership.memberships.get(agency=cast.agency)
    path_objects = {
        "agencies": cast.agency,
        "partnerships": cast.partnership,
        "projects": cast.project,
        "rounds": survey_round,
        "invitations": invitation,
        "memberships": membership,
        # Under way: a status the bodies may set (first and last choice) differs from it.
        "actions": Action.objects.create(
            round=survey_round,
            component="aims",
            description="Agree shared aims.",
            lead_agency=cast.agency,
            due_on=survey_round.opens_on,
            status="under_way",
        ),
    }
    references = {
        "agency": cast.agency.pk,  # a current member of the partnership, invited to the round
        "lead_agency": cast.agency.pk,  # an action's lead: a member agency
        "partnership": cast.partnership.pk,
        "project": cast.project.pk,
        "instrument": survey_round.instrument_id,
        "version": cast.partnership.version,  # the version the edit is based on
    }
    # A paper entry to correct (each body is sent in a savepoint, so its version stays valid).
    paper = factories.paper_response(survey_round, cast.agency, cast.alice)
    path_objects["response_pk"] = paper
    # An agency joins a partnership once: the one to add is not a member yet.
    overrides = {
        ("post", "/api/v1/partnerships/{id}/memberships/"): {"agency": newcomer.pk},
        ("put", "/api/v1/rounds/{id}/responses/{response_pk}/"): {
            "version": paper.updated_at.isoformat()
        },
        # The round has a response now, so its promise (mode and k) may only be restated.
        ("patch", "/api/v1/rounds/{id}/"): {
            "version": survey_round.version,
            "reporting_mode": survey_round.reporting_mode,
            "min_group_size": survey_round.min_group_size,
        },
    }
    return path_objects, references, overrides


def write_operations(schema: dict[str, Any]):
    components = schema.get("components", {}).get("schemas", {})
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in WRITE_METHODS:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            yield method, path, None if body is None else resolved(body, components)


def for_instrument(schema: dict[str, Any], label: str) -> dict[str, Any]:
    """The alternative of a body that differs per questionnaire (one per version, titled with
    its label) that applies to the round's questionnaire."""
    alternatives = schema.get("anyOf", [])
    if alternatives and all("title" in alternative for alternative in alternatives):
        return next(a for a in alternatives if a["title"] == label)
    return schema


def url_of(path: str, path_objects: dict[str, Any]) -> str:
    resource = path.removeprefix("/api/v1/").split("/")[0]
    url = path.replace("{id}", str(path_objects[resource].pk))
    return url.replace("{response_pk}", str(path_objects["response_pk"].pk))


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_write_operation_accepts_the_bodies_its_schema_describes(world, cast, variant):
    path_objects, references, overrides = world
    api = client_for(cast.alice)
    schema = api.get(reverse("api_schema"), {"format": "json"}).json()
    operations = list(write_operations(schema))
    assert len(operations) >= 20

    refused = []
    for method, path, body_schema in operations:
        url = url_of(path, path_objects)
        if body_schema is None:
            body = None
        else:
            body_references = {**references, **overrides.get((method, path), {})}
            body_schema = for_instrument(body_schema, path_objects["rounds"].instrument.label)
            body = object_value(merged(body_schema), variant, body_references)
        with transaction.atomic():
            if body is None:
                response = api.generic(method.upper(), url)
            else:
                response = api.generic(
                    method.upper(), url, json.dumps(body), content_type="application/json"
                )
            transaction.set_rollback(True)
        if not 200 <= response.status_code < 300:
            answer = response.content.decode()[:600]
            shown = json.dumps(body)[:400]
            refused.append(f"{method.upper()} {path} {response.status_code}: {answer}\n  {shown}")
    assert not refused, f"{len(refused)} bodies the schema allows were refused:\n" + "\n".join(
        refused
    )
