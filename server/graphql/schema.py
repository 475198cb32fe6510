"""The root Query and Mutation, composed from the areas."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import time
from collections.abc import AsyncGenerator, Iterable
from dataclasses import replace
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry import relay
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES, _coerce_pre_execution_error
from strawberry.types import ExecutionResult, Info
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

from server.areas import GRAPHQL_MODULES, RESOLVER_MODULES
from server.graphql.enums import MEANINGS
from server.graphql.execution import PlainFieldsExecutionContext
from server.graphql.observe import observed
from server.graphql.operation import OperationRunner
from server.graphql.permissions import Anyone, secure_root_fields
from server.graphql.scalars import SCALAR_OVERRIDES
from server.language.i18n import translate
from server.process.logs import CURRENT, RequestFacts
from server.settings import Settings


def _node_type(info: Info, gid: relay.GlobalID) -> type[relay.Node] | None:
    """The object type an ID names, or None for one naming no object type of ours (an
    unknown name, or an interface such as Node, which has no rows of its own)."""
    try:
        node_type = gid.resolve_type(info)
    except Exception:
        return None
    definition = getattr(node_type, "__strawberry_definition__", None)
    if definition is None or definition.is_interface or node_type is relay.Node:
        return None
    return node_type if issubclass(node_type, relay.Node) else None


async def _resolve(info: Info, ids: list[relay.GlobalID]) -> list[relay.Node | None]:
    """Each ID through its own type's resolve_nodes, which applies that type's visibility."""
    by_type: dict[type[relay.Node], list[int]] = {}
    for index, gid in enumerate(ids):
        node_type = _node_type(info, gid)
        if node_type is None:  # an ID naming no type of ours reads as missing
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


def _load_resolvers() -> None:
    """Each area's resolvers, where it has some: what an area provides for another area's
    type (customers/hooks.py) is there before the schema can be asked for it."""
    for module in RESOLVER_MODULES:
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)


def _parts(kind: str) -> tuple[type, ...]:
    """Each registered area's QUERY, MUTATION or SUBSCRIPTION part, in the registry's order."""
    _load_resolvers()
    found = (getattr(importlib.import_module(module), kind, None) for module in GRAPHQL_MODULES)
    return tuple(part for part in found if part is not None)


@strawberry.type
class _Nodes:
    """The Relay entry points, beside the areas' parts."""

    @strawberry.field(
        description="Any object by its global ID; null when missing or not visible to you, "
        "NOT_FOUND when the ID names no type of this schema.",
        # Open: each type's resolve_nodes applies its own visibility (nothing, anonymously).
        permission_classes=[Anyone],
    )
    async def node(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="A global ID.")],
    ) -> relay.Node | None:
        if _node_type(info, id) is None:
            raise GraphQLError(
                "No object has this ID: it names no type of this schema.",
                extensions={"code": "NOT_FOUND", "argument": "id"},
            )
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
        runner: its checks, its time budget (a query that would hold the server, and on
        SQLite its one connection, longer is stopped and its transaction rolled back) and
        its masking. Every HTTP path comes here; so does the WebSocket (`stream`)."""
        facts = CURRENT.get()
        if facts is not None and operation_name:
            CURRENT.set(replace(facts, operation=operation_name))
        started = time.perf_counter()
        result, checked = await self.runner.run(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types
            if allowed_operation_types is not None
            else DEFAULT_ALLOWED_OPERATION_TYPES,
        )
        # Named by the request or, when it did not say, by the document's one operation.
        name = operation_name or (checked.name if checked else None)
        if facts is not None and name and not operation_name:
            CURRENT.set(replace(facts, operation=name))
        observed(
            context_value,
            name,
            checked.kind if checked else None,
            result,
            time.perf_counter() - started,
        )
        return result

    async def stream(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
    ) -> AsyncGenerator[ExecutionResult | PreExecutionError, None]:
        """What the WebSocket runs (graphql-transport-ws): a query or mutation goes through
        `execute` like an HTTP request; a subscription through the same checks before it
        starts, with each event's errors masked. A refusal before anything ran comes as a
        PreExecutionError, which the protocol sends as its `error` message."""
        return self._checked_stream(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            frozenset(allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES),
        )

    async def _checked_stream(
        self,
        query: str | None,
        variables: dict[str, Any] | None,
        context: Any,
        root_value: Any,
        operation_name: str | None,
        allowed: frozenset[OperationType],
    ) -> AsyncGenerator[ExecutionResult | PreExecutionError, None]:
        user = getattr(getattr(context, "viewer", None), "user", None)
        CURRENT.set(
            RequestFacts(
                getattr(context, "request_id", ""), user.username if user else None, operation_name
            )
        )
        try:
            checked = self.runner.check(query, variables, context, operation_name, allowed)
        except (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError) as err:
            # As Strawberry words them (the protocol closes the socket for some).
            yield PreExecutionError(data=None, errors=[_coerce_pre_execution_error(err)])
            return
        if isinstance(checked, list):
            yield PreExecutionError(data=None, errors=[_not_closing(e) for e in checked])
            return
        if checked.kind is not OperationType.SUBSCRIPTION:
            yield await self.execute(query, variables, context, root_value, operation_name, allowed)
            return
        async for result in self.runner.subscribe(
            checked, variables, context, root_value, operation_name
        ):
            yield result

    def process_errors(self, errors: list[Any], execution_context: Any = None) -> None:
        # Unexpected errors are logged, with the request id, by operation.mask;
        # the rest are the client's mistakes and not worth a traceback in the log.
        return None


def _not_closing(error: GraphQLError) -> GraphQLError:
    """A syntax error as a plain GraphQLError with the same message, places and code:
    Strawberry closes the whole socket on a syntax error, which would end the client's other
    subscriptions for one bad document; the protocol's `error` message refuses only it."""
    if not isinstance(error, GraphQLSyntaxError):
        return error
    return GraphQLError(
        error.message,
        source=error.source,
        positions=error.positions,
        extensions=error.extensions,
    )


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
    schema.runner = OperationRunner(schema._schema, settings, PlainFieldsExecutionContext)
    # Strawberry's built-in Node interface comes without a description; integrators need one.
    schema._schema.type_map["Node"].description = (
        "An object with a global ID, fetchable with `node(id:)`. IDs are opaque: store them "
        "as they are, do not parse them."
    )
    return schema
