"""One GraphQL operation, from its text to its result: parse, validate, the request's limits,
execution, and the errors a client may see.

Strawberry runs these steps through its schema extensions: every request builds each
extension and enters a context manager per extension per phase (operation, parsing,
validation, execution). Measured on a customer read by id, that machinery was an eighth of
the request's time (bench/README.md), for steps that mostly depend on the query's text alone.
So the text's work is done once and kept (`Prepared`, an LRU by text): the parsed document,
its validation errors, whether it asks for the schema, whether it holds unstorable literals,
its operation types; and the cost estimate per value of the variables it reads. A request
then checks its viewer and variables and executes.

Limits, in the order they are applied (each refusal carries `extensions.code`):
  - tokens (MaxTokens) and parse errors, then validation with the depth and alias rules:
    GRAPHQL_VALIDATION_FAILED;
  - introspection without a token, where the settings forbid it: INTROSPECTION_DISABLED;
  - text no column can hold (NUL, lone surrogates), in variables or literals: BAD_USER_INPUT;
  - the cost estimate over the budget, or a list asked for inside a list of its own kind
    (cost.py): QUERY_TOO_COMPLEX;
  - while it runs, the time budget (TIME_BUDGET_EXCEEDED) and the number of fields in the
    answer (RESPONSE_TOO_LARGE), watched as each object completes (execution.Watchdog).

Every transport runs through here: the fast JSON path, Strawberry's view (GET, uploads) and
the WebSocket (queries, mutations and subscriptions alike), so none of them skips a limit
or the masking of unexpected errors. Anonymous callers of a server that hides its schema
get no "Did you mean …?" suggestions.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    StringValueNode,
    Visitor,
    execute,
    get_operation_ast,
    parse,
    specified_rules,
    subscribe,
    validate,
    visit,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.execution import Executor
from strawberry.exceptions import MissingQueryError
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.utils.operation import get_operation_type

from server.domain.shared.errors import DomainError
from server.domain.shared.validation import storable
from server.graphql.cost import Estimate, query_cost
from server.graphql.execution import Stopped, Watchdog, budget_exceeded
from server.settings import Settings

log = logging.getLogger("crm.graphql")

# Cost estimates kept per document, one per value of the variables the estimate reads.
_COSTS_PER_DOCUMENT = 64


@dataclass(frozen=True)
class Checked:
    """An operation that passed every check before execution."""

    document: DocumentNode
    kind: OperationType
    hide_suggestions: bool
    # The operation's own name in the document, when the request did not say which.
    name: str | None = None


@dataclass
class Prepared:
    """What a query's text alone decides, worked out once per text."""

    document: DocumentNode | None
    # Parse or validation errors: the request ends with them.
    errors: list[GraphQLError]
    asks_for_schema: bool = False
    has_unstorable_literal: bool = False
    operations: dict[str | None, OperationDefinitionNode] = field(default_factory=dict)
    fragments: dict[str, FragmentDefinitionNode] = field(default_factory=dict)
    costs: OrderedDict[tuple[str | None, tuple[str, ...]], Estimate] = field(
        default_factory=OrderedDict
    )
    cost_reads: dict[str | None, frozenset[str]] = field(default_factory=dict)


class OperationRunner:
    """Runs operations on one schema with one set of limits (from the settings)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        settings: Settings,
        executor_class: type[Executor],
    ) -> None:
        self.schema = schema
        self.executor_class = executor_class
        self.max_cost = settings.max_query_cost
        self.time_budget = settings.request_time_budget_seconds
        self.max_response_fields = settings.max_response_fields
        self.max_tokens = settings.max_tokens
        self.anonymous_introspection = settings.introspection_without_token
        # Rule classes are made once: graphql-core's validation takes them as given.
        self.rules: tuple[type[ASTValidationRule], ...] = (
            *specified_rules,
            depth_validator(settings.max_query_depth, None),
            alias_validator(settings.max_aliases),
        )
        self.prepare = lru_cache(maxsize=256)(self._prepare)

    def _prepare(self, query: str, hide_suggestions: bool = False) -> Prepared:
        try:
            document = parse(query, max_tokens=self.max_tokens)
        except GraphQLError as error:
            return Prepared(document=None, errors=[error])
        errors = validate(self.schema, document, self.rules, hide_suggestions=hide_suggestions)
        if errors:
            return Prepared(document=document, errors=errors)
        operations: dict[str | None, OperationDefinitionNode] = {}
        fragments: dict[str, FragmentDefinitionNode] = {}
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                operations[definition.name.value if definition.name else None] = definition
            elif isinstance(definition, FragmentDefinitionNode):
                fragments[definition.name.value] = definition
        return Prepared(
            document=document,
            errors=[],
            asks_for_schema=_asks_for_schema(document),
            has_unstorable_literal=any(
                not storable(node.value) for node in _string_literals(document)
            ),
            operations=operations,
            fragments=fragments,
        )

    def check(
        self,
        query: str | None,
        variables: dict[str, Any] | None,
        context: Any,
        operation_name: str | None,
        allowed: Iterable[OperationType],
    ) -> Checked | list[GraphQLError]:
        """Everything decided before execution, whichever transport brought the operation:
        parse and validation (with the depth and alias rules), introspection, unstorable
        text and the cost. The refusals (each with its code), or what to execute.

        Raises Strawberry's own exceptions for an operation it cannot find or that may not
        run here (a mutation over GET): the transports turn those into their HTTP 400 or
        WebSocket close."""
        if not query:
            raise MissingQueryError
        hide = self.hides_suggestions(context)
        prepared = self.prepare(query, hide)
        document = prepared.document
        if document is None:
            return mask(prepared.errors, context)
        try:
            kind = get_operation_type(document, operation_name)
        except RuntimeError as error:
            raise CannotGetOperationTypeError(operation_name) from error
        if kind not in allowed:
            raise InvalidOperationTypeError(kind)
        if prepared.errors:
            return mask(prepared.errors, context)
        refusal = self._refusal(prepared, variables, context, operation_name)
        if refusal is not None:
            return [refusal]
        operation = get_operation_ast(document, operation_name)
        name = operation.name.value if operation is not None and operation.name else None
        return Checked(document=document, kind=kind, hide_suggestions=hide, name=name)

    def hides_suggestions(self, context: Any) -> bool:
        """Whether errors leave out "Did you mean …?": for anonymous callers of a production
        server, to whom the schema is not shown (it names fields they may not know of)."""
        if self.anonymous_introspection:
            return False
        viewer = getattr(context, "viewer", None)
        return viewer is None or not viewer.is_authenticated

    async def run(
        self,
        query: str | None,
        variables: dict[str, Any] | None,
        context: Any,
        root_value: Any,
        operation_name: str | None,
        allowed: Iterable[OperationType],
    ) -> tuple[ExecutionResult, Checked | None]:
        """One query or mutation, within the request's time budget and response size, and
        the operation as checked: its kind and name (None when it was refused before they
        could be told)."""
        checked = self.check(query, variables, context, operation_name, allowed)
        if isinstance(checked, list):
            return ExecutionResult(data=None, errors=checked), None
        watchdog = Watchdog(self.time_budget, self.max_response_fields)
        try:
            # asyncio.timeout stops what awaits (a slow statement, a lock: its transaction
            # rolls back); the watchdog stops what computes without awaiting.
            async with asyncio.timeout(self.time_budget):
                outcome = execute(
                    **self._arguments(checked, variables, context, root_value, operation_name),
                    # Strawberry's faster check (it types it as a plain bool).
                    is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
                    watchdog=watchdog,
                )
                result = await outcome if isinstance(outcome, Awaitable) else outcome
        except TimeoutError:
            return ExecutionResult(data=None, errors=[budget_exceeded(self.time_budget)]), checked
        except Stopped as stopped:
            return ExecutionResult(data=None, errors=[stopped.error]), checked
        return ExecutionResult(
            data=result.data, errors=mask(result.errors, context) if result.errors else None
        ), checked

    def _arguments(
        self,
        checked: Checked,
        variables: dict[str, Any] | None,
        context: Any,
        root_value: Any,
        operation_name: str | None,
    ) -> dict[str, Any]:
        """What graphql-core's execute and subscribe both take for a checked operation."""
        return {
            "schema": self.schema,
            "document": checked.document,
            "root_value": root_value,
            "context_value": context,
            "variable_values": variables,
            "operation_name": operation_name,
            "executor_class": self.executor_class,
            "hide_suggestions": checked.hide_suggestions,
            "operation_extensions": None,
        }

    async def subscribe(
        self,
        checked: Checked,
        variables: dict[str, Any] | None,
        context: Any,
        root_value: Any,
        operation_name: str | None,
    ) -> AsyncIterator[ExecutionResult]:
        """A subscription that passed `check`: each event's result with its errors masked as
        a query's are. The first result is the refusal when the stream could not start."""
        try:
            source = subscribe(
                **self._arguments(checked, variables, context, root_value, operation_name)
            )
            stream = await source if isinstance(source, Awaitable) else source
        except Exception as error:
            yield ExecutionResult(data=None, errors=[_unexpected(error, context)])
            return
        if isinstance(stream, GraphQLExecutionResult):
            # The subscription's resolver failed to start its stream: an exception of ours
            # there is unexpected, with or without a path.
            errors = [
                _unexpected(error.original_error, context)
                if error.original_error is not None
                and not isinstance(error.original_error, GraphQLError | DomainError)
                else _with_code(error)
                for error in stream.errors or []
            ]
            yield ExecutionResult(data=stream.data, errors=errors or None)
            return
        try:
            async for event in stream:
                yield ExecutionResult(
                    data=event.data, errors=mask(event.errors, context) if event.errors else None
                )
        except Exception as error:
            # graphql-core leaves an exception of the event source to the caller: it ends
            # the stream with an error a client may see (a code and the request id).
            yield ExecutionResult(data=None, errors=[_unexpected(error, context)])
        finally:
            closing = getattr(stream, "aclose", None)
            if closing is not None:
                await closing()

    def _refusal(
        self,
        prepared: Prepared,
        variables: dict[str, Any] | None,
        context: Any,
        operation_name: str | None,
    ) -> GraphQLError | None:
        if prepared.asks_for_schema and not self.anonymous_introspection:
            viewer = getattr(context, "viewer", None)
            if viewer is None or not viewer.is_authenticated:
                return GraphQLError(
                    "Introspection needs a signed-in user on this server; the schema is "
                    "published as schema.graphql.",
                    extensions={"code": "INTROSPECTION_DISABLED"},
                )
        where = _bad_text_path(variables or {}, "$")
        if where is None and prepared.has_unstorable_literal:
            where = "a string in the query"
        if where is not None:
            return GraphQLError(
                f"Text at {where} contains a NUL character or a lone surrogate; "
                "send valid UTF-8 text.",
                extensions={"code": "BAD_USER_INPUT"},
            )
        estimate = self._cost(prepared, variables or {}, operation_name)
        if estimate is None:
            return None
        if estimate.cycle is not None:
            kind, outer, inner = estimate.cycle
            return GraphQLError(
                f"This query asks for a list of {kind} at {inner} inside a list of {kind} at "
                f"{outer}; each turn multiplies the answer. Ask for the inner list on its own.",
                extensions={"code": "QUERY_TOO_COMPLEX", "cycle": [outer, inner]},
            )
        cost = estimate.cost
        if cost > self.max_cost:
            return GraphQLError(
                f"This query would resolve about {cost:,} fields; the limit is "
                f"{self.max_cost:,}. Ask for smaller pages or fewer nested lists.",
                extensions={"code": "QUERY_TOO_COMPLEX", "cost": cost, "maxCost": self.max_cost},
            )
        return None

    def _cost(
        self, prepared: Prepared, variables: dict[str, Any], operation_name: str | None
    ) -> Estimate | None:
        operation = (
            prepared.operations.get(operation_name)
            if operation_name is not None
            else next(iter(prepared.operations.values()), None)
        )
        if operation is None:
            return None
        reads = prepared.cost_reads.get(operation_name)
        if reads is not None:
            key = (operation_name, tuple(repr(variables.get(name)) for name in sorted(reads)))
            known = prepared.costs.get(key)
            if known is not None:
                return known
        estimate = query_cost(self.schema, operation, prepared.fragments, variables)
        prepared.cost_reads[operation_name] = estimate.reads
        key = (
            operation_name,
            tuple(repr(variables.get(name)) for name in sorted(estimate.reads)),
        )
        prepared.costs[key] = estimate
        if len(prepared.costs) > _COSTS_PER_DOCUMENT:
            prepared.costs.popitem(last=False)
        return estimate


# -- errors: every error a client gets carries `extensions.code`


def _unexpected(error: Exception, context: Any) -> GraphQLError:
    """An exception raised outside any field (a subscription's source), masked."""
    return _anonymised(GraphQLError(str(error), original_error=error), context)


def _is_unexpected(error: GraphQLError) -> bool:
    """An exception from a resolver that is not a refusal we meant. Errors without a path
    come from reading the request (a scalar's parser refusing a literal, with its ValueError
    attached): the client's mistake, shown as it is."""
    original = error.original_error
    return (
        error.path is not None
        and original is not None
        and not isinstance(original, GraphQLError | DomainError)
    )


def mask(errors: Iterable[GraphQLError], context: Any) -> list[GraphQLError]:
    """Unexpected exceptions reach the client as a generic message with the request id (the
    traceback goes to the log); a domain refusal raised while reading (a page size, a
    cursor) becomes its own code and argument; parse, validation and variable errors get
    GRAPHQL_VALIDATION_FAILED."""
    return [
        _anonymised(error, context) if _is_unexpected(error) else _with_code(error)
        for error in errors
    ]


def _with_code(error: GraphQLError) -> GraphQLError:
    if isinstance(error.original_error, DomainError):
        problem = error.original_error.problems[0]
        return GraphQLError(
            problem.message,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": problem.code.value.upper(), "argument": problem.field},
        )
    if not (error.extensions or {}).get("code"):
        code = "BAD_USER_INPUT" if error.path else "GRAPHQL_VALIDATION_FAILED"
        error.extensions = {**(error.extensions or {}), "code": code}
    return error


def _anonymised(error: GraphQLError, context: Any) -> GraphQLError:
    request_id = getattr(context, "request_id", "")
    log.error(
        "unexpected error in request %s at %s",
        request_id,
        error.path,
        exc_info=error.original_error,
    )
    return GraphQLError(
        f"Internal server error (request id {request_id}).",
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
    )


# -- what the text says


def _bad_text_path(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return None if storable(value) else path
    if isinstance(value, dict):
        items: Iterable[tuple[Any, Any]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, inner in items:
        found = _bad_text_path(inner, f"{path}.{key}")
        if found:
            return found
    return None


def _string_literals(document: DocumentNode) -> list[StringValueNode]:
    found: list[StringValueNode] = []

    class Collect(Visitor):
        def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
            found.append(node)

    visit(document, Collect())
    return found


def _asks_for_schema(document: DocumentNode) -> bool:
    found = False

    class Look(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            nonlocal found
            found = found or node.name.value in ("__schema", "__type")

    visit(document, Look())
    return found
