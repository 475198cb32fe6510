"""What a query would cost, computed from the document before anything runs.

Depth and alias limits do not bound work: `customers(first: 100) { nodes { interactions(first:
100) { … } } }` under thirty aliases is shallow and asks for millions of fields. The cost of
a field is the number of times it would be resolved: page sizes (`first`/`last`, 50 when
omitted) multiplied through the connections above it, plain lists counted as a guess of
LIST_GUESS items, `nodes(ids:)` as the ids given. A query over the budget is refused with
QUERY_TOO_COMPLEX before the first resolver runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    value_from_ast_untyped,
)

from server.domain.shared.paging import DEFAULT_PAGE, MAX_PAGE

# How many items a plain list field (a customer's contacts, an order's lines) is assumed
# to hold when estimating.
LIST_GUESS = 10


def _unwrap(kind: Any) -> tuple[Any, bool]:
    """The named type under NonNull/List wrappers, and whether a list was among them."""
    is_list = False
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(kind, GraphQLList)
        kind = kind.of_type
    return kind, is_list


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        # The variables the estimate read: the same for every request of a document, so
        # an estimate can be reused for requests that give them the same values.
        self.read: set[str] = set()

    def _argument(self, node: FieldNode, name: str) -> Any:
        for arg in node.arguments or ():
            if arg.name.value == name:
                self.read.update(_variables_in(arg.value))
                return self._value(arg.value)
        return None

    def _value(self, value: ValueNode) -> Any:
        try:
            return value_from_ast_untyped(value, dict(self.variables))
        except Exception:  # malformed values are validation's business, not the estimate's
            return None

    def _page(self, node: FieldNode) -> int:
        # Both are read, whatever their values, so `read` does not depend on the values.
        for size in (self._argument(node, "first"), self._argument(node, "last")):
            if isinstance(size, int) and not isinstance(size, bool):
                return max(1, min(size, MAX_PAGE))
        return DEFAULT_PAGE

    def _times(self, node: FieldNode, parent: Any, returns: Any, is_list: bool) -> int:
        """How many of the child's items each resolution of `node` brings."""
        if getattr(returns, "name", "").endswith("Connection"):
            return self._page(node)
        if not is_list:
            return 1
        if getattr(parent, "name", "").endswith("Connection"):
            return 1  # edges / nodes: the connection's page size already counted
        if node.name.value == "nodes":
            ids = self._argument(node, "ids")
            if isinstance(ids, list):
                return max(1, len(ids))
        return LIST_GUESS

    def cost(self, selection: SelectionSetNode | None, parent: Any, times: int) -> int:
        total = 0
        for node in selection.selections if selection else ():
            if isinstance(node, FieldNode):
                total += self._field(node, parent, times)
            elif isinstance(node, InlineFragmentNode):
                kind = (
                    self.schema.get_type(node.type_condition.name.value)
                    if node.type_condition
                    else parent
                )
                total += self.cost(node.selection_set, kind, times)
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments.get(node.name.value)
                if fragment is not None:
                    kind = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.cost(fragment.selection_set, kind, times)
        return total

    def _field(self, node: FieldNode, parent: Any, times: int) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return times  # introspection and unions: cost of one field, no deeper estimate
        definition = parent.fields.get(name)
        if definition is None:
            return times
        returns, is_list = _unwrap(definition.type)
        inner = times * self._times(node, parent, returns, is_list)
        return times + self.cost(node.selection_set, returns, inner)


def _variables_in(value: ValueNode) -> list[str]:
    if isinstance(value, VariableNode):
        return [value.name.value]
    if isinstance(value, ListValueNode):
        return [name for item in value.values for name in _variables_in(item)]
    if isinstance(value, ObjectValueNode):
        return [name for field in value.fields for name in _variables_in(field.value)]
    return []


def query_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None,
) -> tuple[int, frozenset[str]]:
    """How many field resolutions the operation may take at most (lists by their guess),
    and the names of the variables the estimate depends on."""
    root = (
        schema.mutation_type
        if operation.operation.value == "mutation"
        else schema.subscription_type
        if operation.operation.value == "subscription"
        else schema.query_type
    )
    walker = _Walker(schema, fragments, variables or {})
    return walker.cost(operation.selection_set, root, 1), frozenset(walker.read)
