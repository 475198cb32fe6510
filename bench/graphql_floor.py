"""The GraphQL execution floor: Strawberry completing the search page's result shape from
objects already in memory (no database, no ORM, no HTTP). Whatever the data layer does, a
request for this shape cannot be faster than this on the same machine.

    python bench/graphql_floor.py      # prints JSON

Measured three times: as graphql-core completes it; with the server's execution context
(server/graphql/execution.py), which completes plain fields in one step; and with that
context's Watchdog as the server runs it (each object completed is counted and the clock
read, so a request computing past its budget is stopped).
"""

from __future__ import annotations

import asyncio
import json
import time
from enum import Enum

import strawberry
from graphql import execute, parse

from server.graphql.execution import PlainFieldsExecutionContext, Watchdog


@strawberry.enum
class Ally(Enum):
    NONE = "none"
    STRONG = "strong"


@strawberry.type
class Contact:
    name: str
    title: str
    phone: str
    is_decision_maker: bool
    ally_strength: Ally


@strawberry.type
class Owner:
    display_name: str


@strawberry.type
class Customer:
    id: strawberry.ID
    name: str
    grade: str
    region: str
    phone: str
    owner: Owner
    contacts: list[Contact]


@strawberry.type
class Conn:
    total_count: int
    nodes: list[Customer]


DATA = Conn(
    total_count=1666,
    nodes=[
        Customer(
            id=strawberry.ID(str(i)),
            name=f"杭州机械厂{i}",
            grade="A",
            region="华东",
            phone="123",
            owner=Owner(display_name="王"),
            contacts=[
                Contact(
                    name="x", title="y", phone="1", is_decision_maker=True, ally_strength=Ally.NONE
                )
                for _ in range(3)
            ],
        )
        for i in range(50)
    ],
)


@strawberry.type
class Query:
    @strawberry.field
    async def customers(self) -> Conn:
        return DATA


schema = strawberry.Schema(Query)
# The same with the server's execution context, which completes plain fields in one step.
plain_schema = strawberry.Schema(Query, execution_context_class=PlainFieldsExecutionContext)
Q = """{ customers { totalCount nodes { id name grade region phone owner { displayName }
  contacts { name title phone isDecisionMaker allyStrength } } } }"""


async def mean_ms(chosen: strawberry.Schema) -> float:
    for _ in range(5):
        await chosen.execute(Q)
    n = 50
    s = time.perf_counter()
    for _ in range(n):
        r = await chosen.execute(Q)
    assert not r.errors, r.errors
    return round((time.perf_counter() - s) / n * 1000, 1)


async def direct_mean_ms(watched: bool) -> float:
    """The server's execution context called as the runner calls graphql-core (no
    Strawberry extension machinery), with or without the watchdog."""
    document = parse(Q)

    async def once() -> object:
        result = await execute(  # type: ignore[misc]
            plain_schema._schema,
            document,
            executor_class=PlainFieldsExecutionContext,
            watchdog=Watchdog(10.0, 200_000) if watched else None,
        )
        assert not result.errors, result.errors
        return result

    for _ in range(5):
        await once()
    n = 50
    s = time.perf_counter()
    for _ in range(n):
        await once()
    return round((time.perf_counter() - s) / n * 1000, 1)


async def main():
    print(
        json.dumps(
            {
                "benchmark": "strawberry execution floor, 50 customers x 3 contacts",
                "fields_completed": 50 * (5 + 1 + 3 * 5) + 1,
                "graphql_core_mean_ms": await mean_ms(schema),
                "plain_fields_in_one_step_mean_ms": await mean_ms(plain_schema),
                "as_the_runner_calls_it_mean_ms": await direct_mean_ms(watched=False),
                "as_the_runner_calls_it_under_the_watchdog_mean_ms": await direct_mean_ms(
                    watched=True
                ),
            }
        )
    )


asyncio.run(main())
