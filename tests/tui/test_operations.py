"""Every operation the client sends is valid against the published schema.graphql: a server
change that breaks the client fails here, before any user sees it."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from tui.api import operations

SCHEMA = build_schema((Path(__file__).resolve().parents[2] / "schema.graphql").read_text())


EVERY = {**operations.ALL, **operations.SUBSCRIPTIONS}


@pytest.mark.parametrize("name", sorted(EVERY))
def test_operation_is_valid_against_schema_graphql(name: str) -> None:
    errors = validate(SCHEMA, parse(EVERY[name]))
    assert errors == [], [e.message for e in errors]


def test_every_operation_is_collected() -> None:
    # A new operation added to the module is validated without anyone listing it.
    assert {"LOGIN", "QUEUE", "INTERACTION_LOG", "FOLLOW_UP_SKIP"} <= set(operations.ALL)
    assert {"QUEUE_CHANGED", "CUSTOMER_CHANGED"} <= set(operations.SUBSCRIPTIONS)
    assert len(operations.ALL) >= 10


def test_a_wrong_field_is_caught() -> None:
    # The check above can fail: a misspelt field is reported.
    errors = validate(SCHEMA, parse("query { followUpQueue { overdueRows { totalCount } } }"))
    assert errors
