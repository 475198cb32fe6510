"""Types every area shares: user errors, money, page info, connections and ID helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar, overload

import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
)
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info
from strawberry.types.base import StrawberryMaybe
from tortoise.queryset import QuerySet

from server.domain.access.visibility import visible_through_customer
from server.domain.company.models import CompanySettings
from server.domain.company.services import company_settings
from server.domain.shared.errors import ERROR_MEANING, DomainError, ErrorCode, not_found
from server.domain.shared.ids import db_id
from server.domain.shared.money import decimal
from server.domain.shared.paging import Page, PageArgs
from server.graphql.enums import mirror
from server.language.i18n import translate

T = TypeVar("T")


if TYPE_CHECKING:  # type checkers see the domain's codes, which this mirrors
    from server.domain.shared.errors import ErrorCode as UserErrorCode
else:
    UserErrorCode = mirror(
        ErrorCode, "Why a mutation did not do what was asked.", ERROR_MEANING, "UserErrorCode"
    )


@strawberry.type(description="Something wrong with the input of a mutation. Nothing was written.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "creditLimit"]; '
        "null when the error concerns the whole request."
    )
    code: UserErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation, safe to show.")


def argument_error(exc: DomainError) -> GraphQLError:
    """A bad query argument (cursor, page size): a clear error naming the argument."""
    problem = exc.problems[0]
    return GraphQLError(
        translate(problem.template, problem.params),
        extensions={"code": problem.code.value.upper(), "argument": problem.field},
    )


@strawberry.type(description="An exact amount of money. Never a float.")
class Money:
    amount: Decimal = strawberry.field(
        description='Decimal string with two places, e.g. "12500.00".'
    )
    currency: str = strawberry.field(description="ISO 4217 currency code, e.g. CNY.")


@overload
def money(minor: int, currency: str) -> Money: ...
@overload
def money(minor: int | None, currency: str) -> Money | None: ...
def money(minor: int | None, currency: str) -> Money | None:
    """Integer minor units as the API's exact decimal amount; None stays None."""
    if minor is None:
        return None
    return Money(amount=decimal(minor), currency=currency)


@strawberry.type(description="Where a page sits in a list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item.")


@strawberry.type(description="An item of a list with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after` or `before` to page from here.")
    node: T = strawberry.field(description="The item.")


class _Edges(Sequence[Any]):
    """A page's edges, made when a query asks for them: most clients read `nodes` and
    `pageInfo`, and a cursor for every row of a large page was work for nothing."""

    def __init__(self, page: Page[Any], nodes: list[Any]) -> None:
        self._page, self._nodes = page, nodes
        self._made: list[Edge[Any]] | None = None

    def _edges(self) -> list[Edge[Any]]:
        if self._made is None:
            cursor = self._page.cursor
            self._made = [
                Edge(cursor=cursor(item), node=node)
                for item, node in zip(self._page.items, self._nodes, strict=True)
            ]
        return self._made

    def __len__(self) -> int:
        return len(self._nodes)

    @overload
    def __getitem__(self, index: int) -> Edge[Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[Edge[Any]]: ...
    def __getitem__(self, index: int | slice) -> Edge[Any] | list[Edge[Any]]:
        return self._edges()[index]


@strawberry.type(description="A page of a list, with keyset cursors and the list's total size.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items with their cursors.")
    nodes: list[T] = strawberry.field(description="The items alone.")
    page_info: PageInfo = strawberry.field(description="Paging state.")
    _page: strawberry.Private[Page[Any]]

    @strawberry.field(
        description="How many items the whole list holds, across all pages. Exact, but a "
        "customer list may answer with its count from up to 10 seconds before (the server's "
        "CRM_COUNT_CACHE_SECONDS) while you page through it: writes made through the API are "
        "counted at once, others (another server process, an import) within those seconds. "
        "Ask for it only when you show it: the count of a large search costs more than its "
        "page."
    )
    async def total_count(self) -> int:
        return await self._page.total_count()


def connection(page: Page[Any], convert: Callable[[Any], T]) -> Connection[T]:
    items = page.items
    nodes = [convert(item) for item in items]
    return Connection(
        edges=_Edges(page, nodes),  # type: ignore[arg-type]
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursor(items[0]) if items else None,
            end_cursor=page.cursor(items[-1]) if items else None,
        ),
        _page=page,
    )


First = Annotated[
    int | None,
    strawberry.argument(description="Page size from the start or `after`, 1–100 (default 50)."),
]
After = Annotated[str | None, strawberry.argument(description="Start after this cursor.")]
Last = Annotated[
    int | None, strawberry.argument(description="Page size from the end or `before`, 1–100.")
]
Before = Annotated[str | None, strawberry.argument(description="End before this cursor.")]


@dataclass(frozen=True)
class AskedField:
    """A field the query asks for, and what it asks below it (arguments left out: they
    depend on the request's variables, and this is kept across requests)."""

    name: str
    selections: tuple[AskedField | AskedFragment, ...]


@dataclass(frozen=True)
class AskedFragment:
    """A fragment (inline or spread) and its type condition."""

    type_condition: str | None
    selections: tuple[AskedField | AskedFragment, ...]


def _asked(
    nodes: Iterable[Any], fragments: dict[str, FragmentDefinitionNode]
) -> tuple[AskedField | AskedFragment, ...]:
    out: list[AskedField | AskedFragment] = []
    for node in nodes:
        if isinstance(node, FieldNode):
            inner = node.selection_set.selections if node.selection_set else ()
            out.append(AskedField(node.name.value, _asked(inner, fragments)))
        elif isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else None
            out.append(AskedFragment(condition, _asked(node.selection_set.selections, fragments)))
        elif isinstance(node, FragmentSpreadNode) and node.name.value in fragments:
            fragment = fragments[node.name.value]
            out.append(
                AskedFragment(
                    fragment.type_condition.name.value,
                    _asked(fragment.selection_set.selections, fragments),
                )
            )
    return tuple(out)


def _flatten(
    selections: Iterable[AskedField | AskedFragment], type_name: str | None = None
) -> list[AskedField]:
    """The fields among `selections`, fragments opened; with `type_name`, fragments on other
    types left out (`nodes(ids:)` may ask `... on Customer` and `... on Contact` at once)."""
    out: list[AskedField] = []
    for sel in selections:
        if isinstance(sel, AskedField):
            out.append(sel)
        elif type_name is None or sel.type_condition in (None, type_name, "Node"):
            out.extend(_flatten(sel.selections, type_name))
    return out


@dataclass(frozen=True)
class Selection:
    """What a query asks of one kind of object: the fields, and below each the fields asked
    of its value. Read by resolvers that fetch a whole page at once, so that they read only
    the columns and nested lists asked for."""

    fields: tuple[AskedField, ...] = ()

    @property
    def names(self) -> set[str]:
        """The names of the fields asked for (aliases merged)."""
        return {f.name for f in self.fields}

    def within(self, *names: str, type_name: str | None = None) -> Selection:
        """What is asked of the values of these fields (of all of them together)."""
        inner: list[AskedField] = []
        for f in self.fields:
            if f.name in names:
                inner.extend(_flatten(f.selections, type_name))
        return Selection(tuple(inner))


# Selections by the field nodes they were read from. A parsed document is kept and reused
# for its query text (operation.py), so the same nodes come back request after request and
# their selection is worked out once; the nodes are kept with it and compared by identity,
# so a recycled id() can never serve another document's selection.
_SELECTIONS: dict[tuple[int, str, str | None], tuple[tuple[FieldNode, ...], Selection]] = {}


def _remembered(
    info: Info, kind: str, type_name: str | None, build: Callable[[], Selection]
) -> Selection:
    nodes = info._raw_info.field_nodes
    key = (id(nodes[0]), kind, type_name)
    found = _SELECTIONS.get(key)
    if found is not None:
        kept = found[0]
        if len(kept) == len(nodes) and (
            kept[0] is nodes[0]
            if len(nodes) == 1
            else all(a is b for a, b in zip(kept, nodes, strict=True))
        ):
            return found[1]
    selection = build()
    if len(_SELECTIONS) > 4096:
        _SELECTIONS.clear()
    _SELECTIONS[key] = (tuple(nodes), selection)
    return selection


def _current(info: Info) -> tuple[AskedField | AskedFragment, ...]:
    raw = info._raw_info
    return _asked(raw.field_nodes, raw.fragments)


def field_selection(info: Info, type_name: str | None = None) -> Selection:
    """What the query asks of the object the current field returns (with `type_name`, of
    that type only, for fields returning an interface)."""
    return _remembered(
        info,
        "field",
        type_name,
        lambda: Selection(
            tuple(
                f
                for field in _current(info)
                if isinstance(field, AskedField)
                for f in _flatten(field.selections, type_name)
            )
        ),
    )


def current_field(info: Info) -> Selection:
    """The field being resolved itself, as a selection (its name, and below it what is asked)."""
    return _remembered(
        info,
        "current",
        None,
        lambda: Selection(tuple(f for f in _current(info) if isinstance(f, AskedField))),
    )


def selected_names(info: Info) -> set[str]:
    """Field names the query asks for directly on the object being resolved."""
    return field_selection(info).names


def wants_rows(info: Info) -> bool:
    """False when a connection is asked only for its totalCount: its rows need not be read."""
    return bool(selected_names(info) - {"totalCount", "__typename"})


def nodes_selection(info: Info) -> Selection:
    """What the query asks of each node of the connection being resolved (through `nodes`
    and through `edges { node }` alike)."""

    def build() -> Selection:
        conn = field_selection(info)
        return Selection(
            (*conn.within("nodes").fields, *conn.within("edges").within("node").fields)
        )

    return _remembered(info, "nodes", None, build)


def page_args(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> PageArgs:
    return PageArgs(first=first, after=after, last=last, before=before)


async def nodes_in_order(
    node_ids: Iterable[str],
    query: QuerySet[Any],
    convert: Callable[[Any], T],
    columns: Sequence[str] | None = None,
) -> list[T | None]:
    """Fetch the rows `query` allows among `node_ids`, answered in the order asked; with
    `columns`, as plain rows of those columns (the id added).

    Ids that are malformed, missing or filtered out by `query` (not visible) give None.
    """
    wanted = [db_id(i) for i in node_ids]
    ids = [i for i in wanted if i is not None]
    found: dict[Any, Any] = {}
    if ids and columns is not None:
        rows = await query.filter(id__in=ids).values(*dict.fromkeys(["id", *columns]))
        found = {row["id"]: row for row in rows}
    elif ids:
        found = {row.pk: row for row in await query.filter(id__in=ids)}
    return [convert(found[i]) if i is not None and i in found else None for i in wanted]


async def nodes_through_customer(
    info: Info,
    model: Any,
    node_ids: Iterable[str],
    convert: Callable[[Any], T],
    columns: Sequence[str] | None = None,
) -> list[T | None]:
    """`nodes_in_order` over rows that belong to a customer, as far as the viewer may see it."""
    query = await visible_through_customer(info.context.viewer, model)
    return await nodes_in_order(node_ids, query, convert, columns)


async def load_in_order(loader: DataLoader[int, Any], node_ids: Iterable[str]) -> list[Any]:
    """Load node ids through a DataLoader in one batch, None for malformed ones, in order.

    `load_many` lets the loader batch; awaiting one `load` at a time would query per id.
    """
    wanted = [db_id(i) for i in node_ids]
    keys = list(dict.fromkeys(i for i in wanted if i is not None))
    found = dict(zip(keys, await loader.load_many(keys), strict=True))
    return [found.get(i) if i is not None else None for i in wanted]


def decode_id(gid: relay.GlobalID, type_name: str, field: str) -> int:
    """The database id inside a global ID, checked to be of the expected type."""
    pk = db_id(gid.node_id) if gid.type_name == type_name else None
    if pk is None:
        raise not_found(type_name, field)
    return pk


def parse_global_id(text: str, type_name: str) -> int | None:
    """The database id in a global ID written as text (a file, a CLI argument), or None."""
    try:
        gid = relay.GlobalID.from_id(text)
    except Exception:  # not base64, or not "Type:id" inside: simply not an ID
        return None
    return db_id(gid.node_id) if gid.type_name == type_name else None


def input_values(data: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields a client actually sent, by domain name, enums as domain values.

    A `Maybe` field left out of the request is left out here (the domain leaves it as it
    is); one sent as null is here as None (the domain clears it). Other fields are always
    here, with their defaults.
    """
    values: dict[str, Any] = {}
    for field in type(data).__strawberry_definition__.fields:
        name = field.python_name
        if name in skip:
            continue
        value = getattr(data, name)
        if isinstance(field.type, StrawberryMaybe):
            if value is None:
                continue
            value = value.value
        values[name] = value.value if isinstance(value, Enum) else value
    return values


def context(info: Info) -> Any:
    return info.context


async def company_rules(info: Info) -> CompanySettings:
    """The company settings, read once per request however many fields ask (a page of 100
    customers each asking for its cadence used to read the row 100 times)."""
    viewer = info.context.viewer
    return await viewer.once("company_settings", company_settings)
