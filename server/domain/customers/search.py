"""Listing customers: filters, search by name or pinyin, sorting — always within visibility."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pypika_tortoise.context import SqlContext
from pypika_tortoise.terms import Function as PypikaFunction
from pypika_tortoise.terms import Term, ValueWrapper
from tortoise import Tortoise
from tortoise.expressions import Subquery
from tortoise.functions import Function
from tortoise.queryset import QuerySet

from server.domain.accounts.viewer import Viewer
from server.domain.customers.models import Customer, CustomerTag, Grade, Stage
from server.domain.customers.pinyin import normalize_query
from server.domain.customers.scope import visible_customers
from server.domain.shared.counts import COUNTS
from server.domain.shared.errors import N_, DomainError, ErrorCode
from server.domain.shared.paging import DATETIME, Page, PageArgs, SortKey, paginate


class CustomerSort(StrEnum):
    NAME = "name"
    GRADE = "grade"
    UPDATED_AT = "updated_at"


@dataclass
class CustomerFilter:
    search: str | None = None
    owner_ids: list[int] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    grades: list[Grade] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    # A customer must carry every one of these tags.
    tags: list[str] = field(default_factory=list)
    is_key_account: bool | None = None
    # None: active customers only (the usual view); True: only archived; False: active.
    archived: bool | None = None


def sort_key(sort: CustomerSort, descending: bool) -> SortKey:
    """The keyset sort of a customer list for the chosen column and direction."""
    decode = DATETIME if sort == CustomerSort.UPDATED_AT else (lambda v: v)
    return SortKey(column=sort.value, descending=descending, decode=decode)


# Longer than any name, code or pinyin a person types; SQLite refuses LIKE patterns over
# 50,000 bytes, and nothing useful is found by a page of text.
MAX_SEARCH = 100


def check_search(text: str | None, field: str = "search") -> None:
    """Refuses a search text over MAX_SEARCH characters (OUT_OF_RANGE on `field`)."""
    if text is not None and len(text) > MAX_SEARCH:
        raise DomainError.single(
            ErrorCode.OUT_OF_RANGE,
            N_("Search for at most {most} characters."),
            field,
            most=MAX_SEARCH,
        )


class _TrigramMatch(Term):
    """`(SELECT rowid FROM customer_search WHERE customer_search MATCH ?)`: the customers whose
    search text holds the needle, from SQLite's FTS5 trigram table (migration 0009). The
    needle is one quoted phrase, so FTS5's query syntax in it means nothing."""

    def __init__(self, needle: str) -> None:
        super().__init__()
        phrase = '"' + needle.replace('"', '""') + '"'
        self.phrase = ValueWrapper(phrase)

    def get_sql(self, ctx: SqlContext) -> str:
        match = self.phrase.get_sql(ctx)
        return f"(SELECT rowid FROM customer_search WHERE customer_search MATCH {match})"


class _Position(PypikaFunction):
    """instr(text, needle) on SQLite, strpos(text, needle) on PostgreSQL: where the needle
    starts, 0 when absent."""

    def __init__(self, term: Any, needle: Any, **kwargs: Any) -> None:
        dialect = Tortoise.get_connection("default").capabilities.dialect
        super().__init__("instr" if dialect == "sqlite" else "strpos", term, needle, **kwargs)


class _Holds(Function):
    database_func = _Position


def _holding(query: QuerySet[Customer], needle: str) -> QuerySet[Customer]:
    """Customers whose search text holds the needle.

    From three characters on, a trigram index answers it: PostgreSQL's pg_trgm serves the
    LIKE itself, SQLite is asked through its FTS5 trigram table. A shorter needle has no
    trigram; it is tested with instr/strpos, which no trigram index answers, so the rows
    come through the viewer's owners (the covering index of migration 0002). With a LIKE,
    PostgreSQL's generic plan for the prepared statement picked the trigram index, which
    for a two-character needle reads all of it (65 ms at 100,000 customers, against 6 ms).
    """
    dialect = Tortoise.get_connection("default").capabilities.dialect
    if len(needle) >= 3:
        if dialect == "sqlite":
            return query.filter(id__in=_TrigramMatch(needle))
        return query.filter(search_text__contains=needle)
    return query.annotate(_at=_Holds("search_text", needle)).filter(_at__gt=0)


async def filtered_customers(viewer: Viewer, flt: CustomerFilter) -> QuerySet[Customer]:
    """The viewer's visible customers narrowed by the filter: active or archived, search text
    (Chinese, pinyin, initials or code), owners, stages, grades, regions, tags, key accounts."""
    check_search(flt.search)
    query = await visible_customers(viewer)
    if flt.archived:
        query = query.filter(archived_at__isnull=False)
    else:
        query = query.filter(archived_at__isnull=True)
    if flt.search and (needle := normalize_query(flt.search)):
        query = _holding(query, needle)
    if flt.owner_ids:
        query = query.filter(owner_id__in=flt.owner_ids)
    if flt.stages:
        query = query.filter(stage__in=flt.stages)
    if flt.grades:
        query = query.filter(grade__in=flt.grades)
    if flt.regions:
        query = query.filter(region__in=flt.regions)
    if flt.is_key_account is not None:
        query = query.filter(is_key_account=flt.is_key_account)
    for tag in flt.tags:
        query = query.filter(id__in=Subquery(CustomerTag.filter(tag=tag).values("customer_id")))
    return query


async def search_customers(
    viewer: Viewer,
    flt: CustomerFilter,
    sort: CustomerSort,
    descending: bool,
    args: PageArgs,
    columns: Sequence[str] | None = None,
    count: bool = False,
) -> Page[Any]:
    """One page of `filtered_customers`, sorted; refuses bad cursors and page sizes. With
    `columns`, the items are plain rows of those columns (see `paginate`). With `count`,
    the list's total is counted beside the page (on PostgreSQL on a second connection, at
    the same time) and remembered briefly (server/domain/shared/counts.py)."""
    query = await filtered_customers(viewer, flt)
    counting: asyncio.Future[int] | None = None
    if count:
        key = ("customers", viewer.id, repr(flt))
        counting = asyncio.ensure_future(COUNTS.count(key, query.count))
    try:
        page = await paginate(query, sort_key(sort, descending), args, columns=columns)
    except BaseException:
        if counting is not None:
            counting.cancel()
        raise
    if counting is not None:
        done = counting
        page.counter = lambda: done
    return page
