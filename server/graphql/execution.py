"""Completing plain fields without graphql-core's per-field machinery.

A page of 50 customers with three contacts each is about a thousand fields, nearly all of
them a scalar or an enum read off an attribute. graphql-core runs every one of them through
the same steps as a resolver that might return an awaitable or an error: a resolve-info
object, Strawberry's resolver wrapper, an awaitable check, `complete_value`. Measured on
that page, those steps were half of the request's time (bench/README.md).

This execution context answers such fields directly: for each selection of an object type
it works out once which fields are plain (Strawberry's default resolver, no arguments, a
scalar or enum type) and, per object, reads the attribute and coerces it with the type's
own `coerce_output_value`, exactly what graphql-core would do; Relay's `id` is written as
Strawberry's resolver would write it (unless a type overrides how). Anything else (resolvers,
objects, lists, `__typename`) and any plain field whose value is not simple (null on a
non-null field, a value the scalar refuses) goes through graphql-core as before, so errors
and their paths come out the same.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    is_leaf_type,
)
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.pyutils import Path
from strawberry import relay
from strawberry.relay.utils import to_base64
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# What Strawberry stores on each graphql-core field: its own field definition.
_DEFINITION = "strawberry-definition"

# A plain field: (response name, attribute, how its value is written, non-null)
_Plain = tuple[str, str, Callable[[Any], Any], bool]


def _node_id(parent_type: GraphQLObjectType, definition: Any) -> _Plain | None:
    """Relay's `id` of a Node type that keeps Strawberry's own id and type name: the global
    ID of (type name, id attribute), as Strawberry's resolver would make it."""
    if definition.python_name != "_id":
        return None
    owner = parent_type.extensions.get(_DEFINITION)
    origin = getattr(owner, "origin", None)
    if not (isinstance(origin, type) and issubclass(origin, relay.Node)):
        return None
    if (
        origin.resolve_id.__func__ is not relay.Node.resolve_id.__func__  # type: ignore[attr-defined]
        or origin.resolve_typename.__func__ is not relay.Node.resolve_typename.__func__  # type: ignore[attr-defined]
    ):
        return None
    type_name = parent_type.name

    def global_id(value: Any) -> str:
        return to_base64(type_name, str(value))

    return ("", origin.resolve_id_attr(), global_id, True)


def _plain_field(parent_type: GraphQLObjectType, name: str, details: Any) -> _Plain | None:
    node = details[0].node
    field_def = parent_type.fields.get(node.name.value)
    if field_def is None or field_def.args or node.arguments:
        return None
    definition = field_def.extensions.get(_DEFINITION)
    if definition is None:
        return None
    if definition.base_resolver is not None:
        found = _node_id(parent_type, definition)
        return (name, *found[1:]) if found else None
    resolve = field_def.resolve
    if resolve is None or not getattr(resolve, "_is_default", False):
        return None
    if definition.default_resolver is not getattr:
        return None
    field_type = field_def.type
    non_null = isinstance(field_type, GraphQLNonNull)
    leaf = field_type.of_type if non_null else field_type
    if not is_leaf_type(leaf):
        return None
    return (name, definition.python_name, leaf.coerce_output_value, non_null)


def budget_exceeded(seconds: float) -> GraphQLError:
    """The refusal of a request that ran past its time budget."""
    return GraphQLError(
        f"The request took longer than {seconds:g} s and was stopped; "
        "nothing it was writing was kept.",
        extensions={"code": "TIME_BUDGET_EXCEEDED"},
    )


class Stopped(BaseException):
    """Execution abandoned as a whole (the time budget or the response's size ran out).

    A BaseException on purpose: graphql-core turns any Exception raised under a field into
    that field's null and error and goes on with the next one, so a plain exception would
    stop one object and leave the thousands beside it to run. This one unwinds the whole
    synchronous completion at once; the runner answers with its error."""

    def __init__(self, error: GraphQLError) -> None:
        super().__init__(error.message)
        self.error = error


class Watchdog:
    """The limits of one execution, checked as it completes objects.

    `asyncio.timeout` only fires when the event loop gets control back: completing a large
    result is synchronous work that never yields, and it held every other request of the
    process for seconds. Every object completed passes `charge`, which counts its fields
    against the response's limit and looks at the clock."""

    __slots__ = ("deadline", "fields_left", "max_fields", "seconds")

    def __init__(self, seconds: float, max_fields: int) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.max_fields = max_fields
        self.fields_left = max_fields

    def charge(self, fields: int) -> None:
        self.fields_left -= fields
        if self.fields_left < 0:
            raise Stopped(
                GraphQLError(
                    f"The answer would hold more than {self.max_fields:,} fields and was "
                    "stopped; ask for smaller pages or fewer fields.",
                    extensions={"code": "RESPONSE_TOO_LARGE", "maxFields": self.max_fields},
                )
            )
        if time.monotonic() > self.deadline:
            raise Stopped(budget_exceeded(self.seconds))


class PlainFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution, with plain fields completed in one step (see above), under
    a Watchdog when the runner gives one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.watchdog: Watchdog | None = kwargs.pop("watchdog", None)
        super().__init__(*args, **kwargs)
        # Per grouped field set (graphql-core memoizes one per selection, so a list's items
        # share it): its plain fields and the rest. The set itself is kept with its plan, so
        # its id cannot be reused by another set while this execution runs.
        self._plans: dict[int, tuple[GroupedFieldSet, list[_Plain], GroupedFieldSet]] = {}

    def _plan(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> tuple[list[_Plain], GroupedFieldSet]:
        key = id(grouped_field_set)
        found = self._plans.get(key)
        if found is None or found[0] is not grouped_field_set:
            plain: list[_Plain] = []
            rest: GroupedFieldSet = {}
            for name, details in grouped_field_set.items():
                entry = _plain_field(parent_type, name, details)
                if entry is None:
                    rest[name] = details
                else:
                    plain.append(entry)
            found = self._plans[key] = (grouped_field_set, plain, rest)
        return found[1], found[2]

    def _plain_values(self, plain: list[_Plain], source_value: Any) -> dict[str, Any] | None:
        """All of an object's fields, when all are plain and simple; else None."""
        done: dict[str, Any] = {}
        for name, attribute, write, non_null in plain:
            value = _written(source_value, attribute, write, non_null)
            if value is Undefined:
                return None
            done[name] = value
        return done

    def complete_list_value(
        self,
        return_type: Any,
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        """A list of objects asked only for plain fields (a customer's contacts) in one loop;
        anything else, or any item that is not simple, as graphql-core completes it."""
        item_type = return_type.of_type
        non_null = isinstance(item_type, GraphQLNonNull)
        object_type = item_type.of_type if non_null else item_type
        if isinstance(result, list | tuple) and isinstance(object_type, GraphQLObjectType):
            grouped, deferred, *_ = self.collect_subfields(object_type, field_details_list)
            plain, rest = self._plan(object_type, grouped)
            if plain and not rest and not deferred:
                is_type_of = object_type.is_type_of
                completed: list[Any] = []
                watchdog = self.watchdog
                for item in result:
                    if watchdog is not None:
                        watchdog.charge(len(plain))
                    if item is None or (
                        is_type_of is not None and is_type_of(item, info) is not True
                    ):
                        break
                    values = self._plain_values(plain, item)
                    if values is None:
                        break
                    completed.append(values)
                else:
                    return completed
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        if self.watchdog is not None:
            self.watchdog.charge(len(grouped_field_set))
        manager = self.middleware_manager
        if path is None or (manager is not None and manager.middlewares):
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        plain, rest = self._plan(parent_type, grouped_field_set)
        if not plain:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        done: dict[str, Any] = {}
        slow: GroupedFieldSet = dict(rest) if rest else {}
        for name, attribute, write, non_null in plain:
            value = _written(source_value, attribute, write, non_null)
            if value is Undefined:  # graphql-core reports it, with the field's path
                slow[name] = grouped_field_set[name]
            else:
                done[name] = value
        if not slow:
            return done  # the plain fields were taken in the query's order
        others = super().execute_fields(parent_type, source_value, path, slow, position_context)
        if isinstance(others, dict):
            done.update(others)
            return _in_order(grouped_field_set, done)

        async def merged() -> dict[str, Any]:
            done.update(await others)
            return _in_order(grouped_field_set, done)

        return merged()


def _written(source: Any, attribute: str, write: Callable[[Any], Any], non_null: bool) -> Any:
    """A plain field's answer, or Undefined where graphql-core must decide (null on a
    non-null field, a missing attribute, a value the type refuses or writes as null)."""
    value = getattr(source, attribute, Undefined)
    if value is None:
        return Undefined if non_null else None
    if value is Undefined:
        return Undefined
    try:
        written = write(value)
    except Exception:
        return Undefined
    return Undefined if written is None else written


def _in_order(grouped_field_set: GroupedFieldSet, values: dict[str, Any]) -> dict[str, Any]:
    """The answers in the order the query asked for them (clients may rely on it)."""
    return {name: values[name] for name in grouped_field_set if name in values}
