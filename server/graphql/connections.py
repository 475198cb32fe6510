"""Lists as connections (Relay's): page info, edges, nodes, the paging arguments, and
reading a page of nodes by their ids in the order asked."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, Generic, TypeVar, overload

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info
from tortoise.queryset import QuerySet

from server.domain.access.visibility import visible_through_customer
from server.domain.shared.ids import db_id
from server.domain.shared.paging import Page, PageArgs

T = TypeVar("T")


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
