"""The root Query and Mutation, composed from the areas."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay
from strawberry.schema.config import StrawberryConfig

from server.graphql.access.schema import AccessMutation, AccessQuery
from server.graphql.accounts.schema import AccountsMutation, AccountsQuery
from server.graphql.audit.schema import AuditQuery
from server.graphql.customers.schema import CustomersMutation, CustomersQuery
from server.graphql.extensions import build_extensions
from server.settings import Settings


@strawberry.type(description="Everything that can be read.")
class Query(AccountsQuery, CustomersQuery, AccessQuery, AuditQuery):
    node: relay.Node | None = relay.node(
        description="Any object by its global ID; null when missing or not visible to you."
    )
    nodes: list[relay.Node | None] = relay.node(
        description="Several objects by global ID, in order; null for each missing or hidden one."
    )


@strawberry.type(description="Everything that can be changed. Each mutation returns userErrors.")
class Mutation(AccountsMutation, CustomersMutation, AccessMutation):
    pass


class CrmSchema(strawberry.Schema):
    def process_errors(self, errors: list[Any], execution_context: Any = None) -> None:
        # Unexpected errors are logged, with the request id, by MaskUnexpectedErrors;
        # the rest are the client's mistakes and not worth a traceback in the log.
        return None


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    return CrmSchema(
        query=Query,
        mutation=Mutation,
        extensions=build_extensions(settings or Settings()),
        config=StrawberryConfig(relay_max_results=100),
    )
