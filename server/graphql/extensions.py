"""Schema extensions: limits on what one request may ask, caches, and error masking.

Validation-rule classes are built once here, at import time. Building them per request
(e.g. `lambda: QueryDepthLimiter(...)`) makes a new class every time, and ValidationCache,
which keys on the rule classes, would never hit (strawberry issue 4635).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    StringValueNode,
    Visitor,
    visit,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

from server.domain.shared.errors import DomainError
from server.domain.shared.validation import storable
from server.graphql.cost import query_cost
from server.settings import Settings

log = logging.getLogger("crm.graphql")


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


class MaskUnexpectedErrors(MaskErrors):
    """Every error a client gets carries `extensions.code`. Unexpected exceptions reach the
    client as a generic message with the request id (the traceback goes to the log); a
    domain refusal raised while reading (a page size, a cursor) becomes its own code and
    argument; parse, validation and variable errors get GRAPHQL_VALIDATION_FAILED."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._with_code(error) for error in super()._process_errors(errors)]

    def _with_code(self, error: GraphQLError) -> GraphQLError:
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

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", "")
        log.error(
            "unexpected error in request %s at %s",
            request_id,
            error.path,
            exc_info=error.original_error,
        )
        masked = super().anonymise_error(error)
        masked.message = f"Internal server error (request id {request_id})."
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        return masked


class CostLimit(SchemaExtension):
    """Refuse, before it runs, a query that would resolve more fields than the budget (see
    cost.py); the answer names its cost and the limit."""

    def __init__(self, *, max_cost: int) -> None:
        self.max_cost = max_cost

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and not context.result:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            chosen = [
                op
                for op in operations
                if context.operation_name is None
                or (op.name and op.name.value == context.operation_name)
            ]
            if len(chosen) == 1:
                cost = query_cost(context.schema._schema, chosen[0], fragments, context.variables)
                if cost > self.max_cost:
                    context.result = GraphQLExecutionResult(
                        data=None,
                        errors=[
                            GraphQLError(
                                f"This query would resolve about {cost:,} fields; the limit is "
                                f"{self.max_cost:,}. Ask for smaller pages or fewer nested "
                                "lists.",
                                extensions={
                                    "code": "QUERY_TOO_COMPLEX",
                                    "cost": cost,
                                    "maxCost": self.max_cost,
                                },
                            )
                        ],
                    )
        yield


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


class RefuseUnstorableText(SchemaExtension):
    """Refuse text that no database column can hold before anything runs, wherever it
    comes: a variable, a literal in the query, an input nested in a list."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if not context.result:
            where = _bad_text_path(context.variables or {}, "$")
            document = context.graphql_document
            if where is None and document is not None and _has_unstorable_literal(document):
                where = "a string in the query"
            if where is not None:
                context.result = GraphQLExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"Text at {where} contains a NUL character or a lone surrogate; "
                            "send valid UTF-8 text.",
                            extensions={"code": "BAD_USER_INPUT"},
                        )
                    ],
                )
        yield


_literal_checks: dict[int, tuple[DocumentNode, bool]] = {}


def _has_unstorable_literal(document: DocumentNode) -> bool:
    """Whether a string written into the query cannot be stored. The parser cache hands
    back the same document for the same query text, so each is walked once, not per
    request (the walk took ~0.7 ms of the queue's time)."""
    cached = _literal_checks.get(id(document))
    if cached is not None and cached[0] is document:
        return cached[1]
    found = any(not storable(node.value) for node in _string_literals(document))
    if len(_literal_checks) > 512:
        _literal_checks.clear()
    _literal_checks[id(document)] = (document, found)
    return found


def _string_literals(document: DocumentNode) -> list[StringValueNode]:
    found: list[StringValueNode] = []

    class Collect(Visitor):
        def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
            found.append(node)

    visit(document, Collect())
    return found


class NoAnonymousIntrospection(SchemaExtension):
    """In production the schema is for signed-in clients (and schema.graphql): a query
    for `__schema` or `__type` without a token is refused."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        viewer = getattr(context.context, "viewer", None)
        document = context.graphql_document
        if (
            not context.result
            and document is not None
            and (viewer is None or not viewer.is_authenticated)
            and _asks_for_schema(document)
        ):
            context.result = GraphQLExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        "Introspection needs a signed-in user on this server; the schema is "
                        "published as schema.graphql.",
                        extensions={"code": "INTROSPECTION_DISABLED"},
                    )
                ],
            )
        yield


def _asks_for_schema(document: DocumentNode) -> bool:
    found = False

    class Look(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            nonlocal found
            found = found or node.name.value in ("__schema", "__type")

    visit(document, Look())
    return found


def build_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    rules: list[type[ASTValidationRule]] = [
        depth_validator(settings.max_query_depth, None),
        alias_validator(settings.max_aliases),
    ]
    guards: list[Callable[[], SchemaExtension]] = []
    if not settings.introspection_without_token:
        guards.append(NoAnonymousIntrospection)
    return [
        *guards,
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: AddValidationRules(rules),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        RefuseUnstorableText,
        lambda: CostLimit(max_cost=settings.max_query_cost),
        MaskUnexpectedErrors,
    ]
