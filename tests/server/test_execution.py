"""The execution context that completes plain fields in one step must answer exactly as
graphql-core does: the same data, in the query's order, and the same errors at the same
paths (server/graphql/execution.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
import strawberry
from strawberry import relay
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from server.graphql.execution import PlainFieldsExecutionContext


@strawberry.enum
class Mood(Enum):
    HAPPY = "happy"
    SAD = "sad"


@strawberry.type
class Person(relay.Node):
    id: relay.NodeID[int]
    name: str
    nickname: str | None
    age: int
    mood: Mood
    born: datetime
    balance: Decimal
    broken: str  # holds None: a non-null field with nothing in it
    wrong_int: int  # holds text the Int scalar refuses

    @strawberry.field
    def greeting(self) -> str:
        return f"你好, {self.name}"

    @strawberry.field
    def friends(self) -> list[Person]:
        return [_person(self.id * 10 + k) for k in (1, 2)]

    @classmethod
    def resolve_nodes(
        cls, *, info: Any, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        return [_person(int(i)) for i in node_ids]


def _person(i: int) -> Person:
    return Person(
        id=i,
        name=f"王{i}",
        nickname=None if i % 2 else f"小{i}",
        age=30 + i,
        mood=Mood.HAPPY if i % 3 else Mood.SAD,
        born=datetime(1990, 1, 1, tzinfo=UTC),
        balance=Decimal("12.50"),
        broken=None,  # type: ignore[arg-type]
        wrong_int="many",  # type: ignore[arg-type]
    )


@strawberry.type
class Query:
    @strawberry.field
    def people(self) -> list[Person]:
        return [_person(i) for i in range(1, 4)]

    @strawberry.field
    def maybe_broken(self) -> Person | None:
        return _person(5)


def _schema(context: type) -> strawberry.Schema:
    return strawberry.Schema(query=Query, execution_context_class=context)


QUERIES = [
    "{ people { id name nickname age mood born balance } }",
    "{ people { age first: name greeting ...F friends { name id mood } nick: nickname } } "
    "fragment F on Person { mood name }",
    "{ people { __typename name ... on Person { born } } }",
    "{ maybeBroken { name broken } }",
    "{ maybeBroken { name wrongInt age } }",
    "{ people { friends { friends { name nickname } } } }",
    "{ people { name broken } }",
    "{ people { name wrongInt } }",
    "{ people { friends { id broken } } }",
]


@pytest.mark.parametrize("query", QUERIES)
async def test_answers_exactly_as_graphql_core(query: str) -> None:
    expected = await _schema(StrawberryGraphQLCoreExecutionContext).execute(query)
    actual = await _schema(PlainFieldsExecutionContext).execute(query)
    # Same data, keys in the same order (json.dumps keeps dict order).
    assert json.dumps(actual.data, default=str) == json.dumps(expected.data, default=str)
    assert [(e.message, e.path) for e in actual.errors or []] == [
        (e.message, e.path) for e in expected.errors or []
    ]


async def test_errors_are_really_exercised() -> None:
    result = await _schema(PlainFieldsExecutionContext).execute(QUERIES[3])
    assert result.errors and result.errors[0].path == ["maybeBroken", "broken"]
    assert result.data == {"maybeBroken": None}
