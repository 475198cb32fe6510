"""The root Query and Mutation, composed from the areas."""

from __future__ import annotations

import asyncio
import importlib
import inspect
from collections.abc import Iterable
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types import ExecutionResult, Info
from strawberry.types.graphql import OperationType

from server.areas import GRAPHQL_MODULES
from server.graphql.enums import MEANINGS
from server.graphql.execution import PlainFieldsExecutionContext
from server.graphql.operation import OperationRunner
from server.graphql.permissions import Anyone, secure_root_fields
from server.graphql.scalars import SCALAR_OVERRIDES
from server.i18n import translate
from server.settings import Settings


async def _resolve(info: Info, ids: list[relay.GlobalID]) -> list[relay.Node | None]:
    """Each ID through its own type's resolve_nodes, which applies that type's visibility."""
    by_type: dict[type, list[int]] = {}
    for index, gid in enumerate(ids):
        try:
            node_type = gid.resolve_type(info)
        except Exception:  # an ID naming no type of ours reads as missing
            continue
        by_type.setdefault(node_type, []).append(index)
    results: list[relay.Node | None] = [None] * len(ids)
    for node_type, indexes in by_type.items():
        found = node_type.resolve_nodes(
            info=info, node_ids=[ids[i].node_id for i in indexes], required=False
        )
        if inspect.isawaitable(found):
            found = await found
        for i, node in zip(indexes, found, strict=True):
            results[i] = node
    return results


def _parts(kind: str) -> tuple[type, ...]:
    """Each registered area's QUERY, MUTATION or SUBSCRIPTION part, in the registry's order."""
    found = (getattr(importlib.import_module(module), kind, None) for module in GRAPHQL_MODULES)
    return tuple(part for part in found if part is not None)


@strawberry.type
class _Nodes:
    """The Relay entry points, beside the areas' parts."""

    @strawberry.field(
        description="Any object by its global ID; null when missing or not visible to you.",
        # Open: each type's resolve_nodes applies its own visibility (nothing, anonymously).
        permission_classes=[Anyone],
    )
    async def node(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="A global ID.")],
    ) -> relay.Node | None:
        [found] = await _resolve(info, [id])
        return found

    @strawberry.field(
        description="Several objects by global ID, in order; null for each missing or hidden one.",
        permission_classes=[Anyone],
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[relay.GlobalID], strawberry.argument(description="Global IDs, at most 100.")
        ],
    ) -> list[relay.Node | None]:
        if len(ids) > 100:
            raise GraphQLError("At most 100 IDs at a time.", extensions={"code": "OUT_OF_RANGE"})
        return await _resolve(info, ids)


@strawberry.type(description="One value of an enum and what it means, for showing to people.")
class EnumValueMeaning:
    value: str = strawberry.field(description="The value as the schema spells it, e.g. WON.")
    meaning: str = strawberry.field(description="What it means, in the language asked for.")


@strawberry.type(description="An enum of the schema with what each of its values means.")
class EnumMeanings:
    name: str = strawberry.field(description="The enum's name in the schema, e.g. Stage.")
    values: list[EnumValueMeaning] = strawberry.field(description="Its values, in order.")


@strawberry.type
class _Vocabulary:
    @strawberry.field(
        description="What the values of the schema's enums mean, in the language the request "
        "asks for (Accept-Language: zh-CN or en; English otherwise): the descriptions of "
        "schema.graphql, translated, for clients that show choices to people.",
        permission_classes=[Anyone],
    )
    def enum_meanings(
        self,
        names: Annotated[
            list[str] | None,
            strawberry.argument(description='Enum names, e.g. ["Stage"]; all when omitted.'),
        ] = None,
    ) -> list[EnumMeanings]:
        wanted = names if names is not None else sorted(MEANINGS)
        return [
            EnumMeanings(
                name=name,
                values=[
                    EnumValueMeaning(value=value, meaning=translate(meaning))
                    for value, meaning in MEANINGS[name].items()
                ],
            )
            for name in wanted[:100]
            if name in MEANINGS
        ]


Query = strawberry.type(
    type("Query", (*_parts("QUERY"), _Nodes, _Vocabulary), {}),
    description="Everything that can be read.",
)
Mutation = strawberry.type(
    type("Mutation", _parts("MUTATION"), {}),
    description="Everything that can be changed. Each mutation returns userErrors.",
)

Subscription = strawberry.type(
    type("Subscription", _parts("SUBSCRIPTION"), {}),
    description="Live updates over WebSocket (graphql-transport-ws; send the bearer token as "
    "`Authorization: Bearer …` in connection_init's payload). Each event is checked against "
    "what you may see when it is delivered.",
)


class CrmSchema(strawberry.Schema):
    # Set by build_schema from the settings.
    time_budget: float = 10.0
    runner: OperationRunner

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """Run through our OperationRunner (operation.py) instead of Strawberry's extension
        runner, within the request's time budget: a query that would hold the server (and,
        on SQLite, its one connection) longer is stopped, and its transaction rolled back."""
        try:
            async with asyncio.timeout(self.time_budget):
                return await self.runner.run(
                    query,
                    variable_values,
                    context_value,
                    root_value,
                    operation_name,
                    allowed_operation_types
                    if allowed_operation_types is not None
                    else DEFAULT_ALLOWED_OPERATION_TYPES,
                )
        except TimeoutError:
            return ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        f"The request took longer than {self.time_budget:g} s and was stopped; "
                        "nothing it was writing was kept.",
                        extensions={"code": "TIME_BUDGET_EXCEEDED"},
                    )
                ],
            )

    def process_errors(self, errors: list[Any], execution_context: Any = None) -> None:
        # Unexpected errors are logged, with the request id, by operation.mask;
        # the rest are the client's mistakes and not worth a traceback in the log.
        return None


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    secure_root_fields(Query, Mutation)
    schema = CrmSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        scalar_overrides=SCALAR_OVERRIDES,
        execution_context_class=PlainFieldsExecutionContext,
    )
    schema.time_budget = settings.request_time_budget_seconds
    schema.runner = OperationRunner(schema._schema, settings, PlainFieldsExecutionContext)
    # Strawberry's built-in Node interface comes without a description; integrators need one.
    schema._schema.type_map["Node"].description = (
        "An object with a global ID, fetchable with `node(id:)`. IDs are opaque: store them "
        "as they are, do not parse them."
    )
    return schema
