"""Keyset (cursor) pagination over Tortoise querysets: page 1,000 costs what page 1 costs.

Rows are ordered by (sort column, id); a cursor holds that pair for one row, and the next
page starts strictly after it. Cursors are opaque to clients (base64 of JSON).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from server.domain.errors import DomainError, ErrorCode

M = TypeVar("M", bound=Model)

MAX_PAGE = 100
DEFAULT_PAGE = 50


@dataclass(frozen=True)
class SortKey:
    column: str
    descending: bool = False
    # How a cursor value is turned back into the column's Python type.
    decode: Callable[[Any], Any] = lambda v: v


DATETIME = datetime.fromisoformat


@dataclass(frozen=True)
class PageArgs:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


@dataclass
class Page(Generic[M]):
    items: list[M]
    has_next_page: bool
    has_previous_page: bool
    sort: SortKey
    base: QuerySet[M]

    def cursor(self, item: M) -> str:
        return encode_cursor(getattr(item, self.sort.column), item.pk)

    async def total_count(self) -> int:
        return await self.base.count()


def encode_cursor(value: Any, pk: Any) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    elif hasattr(value, "value"):  # enums
        value = value.value
    raw = json.dumps([value, pk], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: SortKey, field: str) -> tuple[Any, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return sort.decode(value), int(pk)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise DomainError.single(ErrorCode.INVALID, "Not a cursor from this list.", field) from exc


def _after(sort: SortKey, value: Any, pk: Any, forward: bool) -> Q:
    """Rows strictly after (value, pk) in the direction of travel."""
    ascending = forward != sort.descending
    op = "gt" if ascending else "lt"
    return Q(**{f"{sort.column}__{op}": value}) | Q(**{sort.column: value, f"id__{op}": pk})


def _order(sort: SortKey, forward: bool) -> tuple[str, str]:
    ascending = forward != sort.descending
    sign = "" if ascending else "-"
    return f"{sign}{sort.column}", f"{sign}id"


def page_size(args: PageArgs) -> int:
    requested = args.last if args.last is not None and args.first is None else args.first
    if requested is None:
        return DEFAULT_PAGE
    if not 1 <= requested <= MAX_PAGE:
        field = "first" if args.first is not None else "last"
        raise DomainError.single(
            ErrorCode.OUT_OF_RANGE, f"Page size must be between 1 and {MAX_PAGE}.", field
        )
    return requested


async def paginate(base: QuerySet[M], sort: SortKey, args: PageArgs) -> Page[M]:
    size = page_size(args)
    forward = not (args.last is not None and args.first is None)
    query = base
    if args.after:
        value, pk = decode_cursor(args.after, sort, "after")
        query = query.filter(_after(sort, value, pk, True))
    if args.before:
        value, pk = decode_cursor(args.before, sort, "before")
        query = query.filter(_after(sort, value, pk, False))
    # One row more than asked tells whether another page exists, without a count.
    rows = await query.order_by(*_order(sort, forward)).limit(size + 1)
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    return Page(
        items=rows,
        has_next_page=more if forward else bool(args.before),
        has_previous_page=bool(args.after) if forward else more,
        sort=sort,
        base=base,
    )
