"""Every area of the system, registered once.

The ORM loads the models of each area that has them (server/domain/<area>/models.py), and
the GraphQL schema joins each area's root parts (server/graphql/<area>/schema.py, which
names them QUERY and MUTATION, and SUBSCRIPTION where it has one). A new area is one line
here, plus its place in the layers contract in pyproject.toml; its DataLoaders need no
registration (Context.loader makes them on first use), and the tests clear its tables from
the ORM's registry.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    name: str
    # server/domain/<name>/models.py holds Tortoise models.
    models: bool = True
    # server/graphql/<name>/schema.py holds its QUERY and MUTATION parts (None for none).
    graphql: bool = True


AREAS: tuple[Area, ...] = (
    Area("accounts"),
    Area("customers"),
    Area("access"),
    Area("audit"),
    Area("followups"),
    Area("sales"),
    Area("company"),
    # The mechanics of step-by-step processes (transitions, time limits, step events).
    Area("workflow", graphql=False),
    Area("complaints"),
    # What customers owe and pay, and collecting it (docs/domain.md §6).
    Area("receivables"),
    # Transfers change customers and move other areas' work; their mutations are the
    # customer area's (customerTransfer, customerTransferAll).
    Area("transfers", models=False, graphql=False),
    # The outbox (written by database triggers) and the timed jobs' claims; its GraphQL
    # part is the Subscription root (live updates).
    Area("events"),
    # Timed work (overdue complaints, collection cases, reminders, pruning), run once
    # across processes; and who may hear of which event.
    Area("timed", models=False, graphql=False),
    Area("live", models=False, graphql=False),
)

MODEL_MODULES = [f"server.domain.{area.name}.models" for area in AREAS if area.models]
GRAPHQL_MODULES = [f"server.graphql.{area.name}.schema" for area in AREAS if area.graphql]
# Where an area answers fields of another area's type (the Customer fields of the areas
# above customers, server/graphql/customers/hooks.py): loaded with the schema.
RESOLVER_MODULES = [f"server.graphql.{area.name}.resolvers" for area in AREAS if area.graphql]
