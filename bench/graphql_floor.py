"""The GraphQL execution floor: Strawberry completing the search page's result shape from
objects already in memory (no database, no ORM, no HTTP). Whatever the data layer does, a
request for this shape cannot be faster than this on the same machine.

    python bench/graphql_floor.py      # prints JSON

Measured twice: as graphql-core completes it, and with the server's execution context
(server/graphql/execution.py), which completes plain fields in one step.
"""

from __future__ import annotations

import asyncio
import json
import time
from enum import Enum

import strawberry

from server.graphql.execution import PlainFieldsExecutionContext


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


async def main():
    print(
        json.dumps(
            {
                "benchmark": "strawberry execution floor, 50 customers x 3 contacts",
                "fields_completed": 50 * (5 + 1 + 3 * 5) + 1,
                "graphql_core_mean_ms": await mean_ms(schema),
                "plain_fields_in_one_step_mean_ms": await mean_ms(plain_schema),
            }
        )
    )


asyncio.run(main())
