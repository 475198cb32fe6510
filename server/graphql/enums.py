"""GraphQL enums made from the domain's: one list of members and one text of what each
means, in the domain, so the schema cannot drift from the rules (a test checks the client
against schema.graphql)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum, StrEnum
from typing import Any

import strawberry

# Every mirrored enum by its GraphQL name: each member's name and what it means (the
# descriptions in schema.graphql), for enumMeanings and the server's message catalogue.
MEANINGS: dict[str, dict[str, str]] = {}


def mirror(
    source: type[StrEnum],
    description: str,
    meanings: Mapping[StrEnum, str],
    name: str | None = None,
) -> type[Enum]:
    """The GraphQL enum of a domain enum: the same member names and values, each described
    by the domain's meaning. A member without a meaning is a programming error."""
    missing = [m.name for m in source if m not in meanings]
    if missing:
        raise RuntimeError(f"{source.__name__}: no meaning for {', '.join(missing)}")
    members = {m.name: strawberry.enum_value(m.value, description=meanings[m]) for m in source}
    MEANINGS[name or source.__name__] = {m.name: meanings[m] for m in source}
    made: type[Enum] = Enum(name or source.__name__, members)  # type: ignore[misc]
    return strawberry.enum(made, description=description)


def by_value(enum: Any) -> dict[Any, Any]:
    """A GraphQL enum's members by value, for turning a row's value into the member. Domain
    StrEnums hash as their string value, so one dict serves a domain member and a raw
    string alike; a lookup costs far less than two Enum() calls per field on every row."""
    return {member.value: member for member in enum}
