"""What a query would cost, computed from the document before anything runs.

Depth and alias limits do not bound work: `customers(first: 100) { nodes { interactions(first:
100) { … } } }` under thirty aliases is shallow and asks for millions of fields. The cost of
a field is the number of times it would be resolved: page sizes (`first`/`last`, 50 when
omitted) multiplied through the connections above it, each plain list by its bound in
LIST_BOUNDS (every list of objects in the schema has one; a test holds the two together),
`nodes(ids:)` as the ids given. A query over the budget is refused with QUERY_TOO_COMPLEX
before the first resolver runs.

Cycles are refused outright: a list of objects asked for inside a list of the same objects
(`contacts { customer { contacts { … } } }`, `allocations { payment { allocations { … } } }`)
multiplies its bound at each turn and tells the client nothing the outer list did not. The
client never needs one; an integrator asks for the inner list from its own root.

What the estimate cannot see (a list longer than its stated bound) the execution's watchdog
still stops: it counts the fields of the answer as they are completed (execution.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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

from server.domain.complaints.evidence import MAX_EVIDENCE
from server.domain.complaints.models import ComplaintCategory, ComplaintStep
from server.domain.customers.contacts import MAX_CONTACTS
from server.domain.customers.fields import MAX_TAGS
from server.domain.followups.interactions import MAX_PEOPLE
from server.domain.followups.models import InteractionKind
from server.domain.receivables.models import CollectionStep
from server.domain.sales.orders import MAX_LINES
from server.domain.shared.paging import DEFAULT_PAGE, MAX_PAGE

# The bound of a list that holds at most as many items as its parent field's page size
# (`aging(first: 20) { rows }`).
PARENT_PAGE = -1

# How many items each list of objects may hold, "Type.field": what the estimate multiplies
# by. Where the domain enforces a number (contacts per customer, files per complaint, lines
# per order, people at a contact), it is that number; where an enum decides, its size; the
# rest are histories that grow with use (a debt's payments, a case's actions), stated as
# what one object gathers in years, and backed by the watchdog (a list beyond its bound
# still counts, field by field, against the answer's limit). Lists of scalars cost one
# field whatever their length.
LIST_BOUNDS: dict[str, int] = {
    "Aging.rows": PARENT_PAGE,
    "AgingRow.buckets": 9,  # at most eight edges make nine buckets
    "ClassAnalysis.classes": 3,  # A, B, C
    "CollectionBoard.columns": len(CollectionStep),
    "CollectionCase.entries": 200,
    "CollectionColumn.cases": 200,
    "Complaint.customerContacts": MAX_CONTACTS,
    "Complaint.orderLines": MAX_LINES,
    "Complaint.evidence": MAX_EVIDENCE,
    "Complaint.events": 100,
    "ComplaintAnalysis.byCategory": len(ComplaintCategory),
    "ComplaintAnalysis.byDepartment": 100,
    "ComplaintAnalysis.byStep": len(ComplaintStep),
    "ComplaintAnalysis.stepTimes": len(ComplaintStep),
    "ComplaintAnalysis.repeatComplainers": 200,
    "ComplaintBoard.columns": len(ComplaintStep),
    "Customer.contacts": MAX_CONTACTS,
    "Customer.decisionMakers": MAX_CONTACTS,
    "Customer.allies": MAX_CONTACTS,
    "Customer.followUps": 100,
    "Customer.satisfactionHistory": 100,
    "CustomerAccount.contacts": MAX_CONTACTS,
    "CustomerAccount.reconciliations": 100,
    "EnumMeanings.values": 40,
    "FollowUpQueue.neglected": 100,  # NEGLECTED_SHOWN
    "Interaction.ourPeople": MAX_PEOPLE,
    "Interaction.contactsPresent": MAX_PEOPLE,
    "Payment.allocations": 100,  # named ones at most MAX_ALLOCATIONS; oldest-first fewer
    "Query.departments": 100,
    "Query.followUpTeam": 100,
    "Query.salesActivity": 100,
    "Query.enumMeanings": 100,  # the resolver answers at most 100 names
    "Receivable.allocations": 50,
    "Receivable.writeOffs": 20,
    "RepActivity.interactionsByKind": len(InteractionKind),
    "SalesOrder.lines": MAX_LINES,
    "Statement.lines": 2000,
    "VisitPlan.stops": 100,
    "VisitStop.followUps": 20,
}
_ = MAX_TAGS  # Customer.tags: a list of text, one field however many (at most MAX_TAGS)


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
        # The lists of objects above the field being walked (item type name and the
        # response path to the list), and the first cycle found: a list of a type inside
        # a list of the same type.
        self.lists: list[tuple[str, str]] = []
        self._spreading: set[str] = set()
        self.cycle: tuple[str, str, str] | None = None

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

    def _times(
        self, node: FieldNode, parent: Any, returns: Any, is_list: bool, parent_page: int
    ) -> int:
        """How many of the child's items each resolution of `node` brings."""
        if getattr(returns, "name", "").endswith("Connection"):
            return self._page(node)
        if not is_list:
            return 1
        if getattr(parent, "name", "").endswith("Connection"):
            return 1  # edges / nodes: the connection's page size already counted
        if node.name.value == "nodes" and parent is self.schema.query_type:
            ids = self._argument(node, "ids")
            return max(1, len(ids)) if isinstance(ids, list) else 1
        bound = LIST_BOUNDS.get(f"{parent.name}.{node.name.value}")
        if bound == PARENT_PAGE:
            return parent_page
        if bound is None:  # a list of scalars or enums: no fields below it
            return 1
        return bound

    def cost(
        self,
        selection: SelectionSetNode | None,
        parent: Any,
        times: int,
        path: str = "",
        page: int = DEFAULT_PAGE,
    ) -> int:
        total = 0
        for node in selection.selections if selection else ():
            if isinstance(node, FieldNode):
                total += self._field(node, parent, times, path, page)
            elif isinstance(node, InlineFragmentNode):
                kind = (
                    self.schema.get_type(node.type_condition.name.value)
                    if node.type_condition
                    else parent
                )
                total += self.cost(node.selection_set, kind, times, path, page)
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments.get(node.name.value)
                if fragment is not None and node.name.value not in self._spreading:
                    kind = self.schema.get_type(fragment.type_condition.name.value)
                    self._spreading.add(node.name.value)
                    total += self.cost(fragment.selection_set, kind, times, path, page)
                    self._spreading.discard(node.name.value)
        return total

    def _field(self, node: FieldNode, parent: Any, times: int, path: str, page: int) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return times  # introspection and unions: cost of one field, no deeper estimate
        definition = parent.fields.get(name)
        if definition is None:
            return times
        returns, is_list = _unwrap(definition.type)
        here = f"{path}.{node.alias.value if node.alias else name}".lstrip(".")
        inner = times * self._times(node, parent, returns, is_list, page)
        listed = is_list and isinstance(returns, GraphQLObjectType | GraphQLInterfaceType)
        if listed:
            for kind, where in self.lists:
                if kind == returns.name and self.cycle is None:
                    self.cycle = (returns.name, where, here)
            self.lists.append((returns.name, here))
        try:
            return times + self.cost(
                node.selection_set, returns, inner, here, self._page_of(node, returns)
            )
        finally:
            if listed:
                self.lists.pop()

    def _page_of(self, node: FieldNode, returns: Any) -> int:
        """The page size a field asks for, for lists below it bounded by it (PARENT_PAGE)."""
        if getattr(returns, "name", "").endswith("Connection") or not node.arguments:
            return DEFAULT_PAGE
        return self._page(node)


def _variables_in(value: ValueNode) -> list[str]:
    if isinstance(value, VariableNode):
        return [value.name.value]
    if isinstance(value, ListValueNode):
        return [name for item in value.values for name in _variables_in(item)]
    if isinstance(value, ObjectValueNode):
        return [name for field in value.fields for name in _variables_in(field.value)]
    return []


@dataclass(frozen=True)
class Estimate:
    """What the walk over an operation found."""

    cost: int
    # The variables the cost depends on (an estimate is reused for the same values).
    reads: frozenset[str]
    # A list of a type inside a list of the same type: (type, outer path, inner path).
    cycle: tuple[str, str, str] | None


def query_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None,
) -> Estimate:
    """How many field resolutions the operation may take at most (lists by their bounds),
    the names of the variables that depends on, and the first cycle of lists."""
    root = (
        schema.mutation_type
        if operation.operation.value == "mutation"
        else schema.subscription_type
        if operation.operation.value == "subscription"
        else schema.query_type
    )
    walker = _Walker(schema, fragments, variables or {})
    cost = walker.cost(operation.selection_set, root, 1)
    return Estimate(cost, frozenset(walker.read), walker.cycle)
