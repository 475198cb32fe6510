"""Keyset (cursor) pagination over Tortoise querysets: page 1,000 costs what page 1 costs.

Rows are ordered by (sort column, id); a cursor holds that pair for one row, and the next
page starts strictly after it. Cursors are opaque to clients (base64 of JSON).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q
from tortoise.fields import (
    BigIntField,
    BooleanField,
    CharField,
    DateField,
    DatetimeField,
    Field,
    IntField,
    SmallIntField,
    TextField,
)
from tortoise.fields.data import CharEnumFieldInstance, IntEnumFieldInstance
from tortoise.models import Model
from tortoise.queryset import QuerySet

from server.domain.shared.errors import N_, DomainError, ErrorCode
from server.domain.shared.ids import db_id
from server.domain.shared.validation import EARLIEST, LATEST, storable

M = TypeVar("M", bound=Model)

MAX_PAGE = 100
DEFAULT_PAGE = 50


@dataclass(frozen=True)
class SortKey:
    """A sort column, possibly followed by more (`then`) to break ties before the id.

    A column may reach into a related row ("customer__grade"); the query must then
    select_related that row so cursors can read the value.
    """

    column: str
    descending: bool = False
    # How a cursor value is turned back into the column's Python type.
    decode: Callable[[Any], Any] = lambda v: v
    then: tuple[SortKey, ...] = ()

    def parts(self) -> tuple[SortKey, ...]:
        """The sort's columns in order, the tie-breakers last."""
        return (SortKey(self.column, self.descending, self.decode), *self.then)

    def values(self, item: Any) -> list[Any]:
        """The item's values for each sort column (following relations written a__b)."""
        out = []
        for part in self.parts():
            if isinstance(item, dict):  # a plain row read with .values(): keys as written
                out.append(item[part.column])
                continue
            value = item
            for name in part.column.split("__"):
                value = getattr(value, name)
            out.append(value)
        return out


def DATETIME(text: str) -> datetime:
    """A cursor's timestamp, as the instant the column compares in (UTC)."""
    moment = datetime.fromisoformat(text)
    return moment.astimezone(UTC) if moment.tzinfo else moment


DATE = date.fromisoformat


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
    # Set when the caller knows a cheaper way to count (several lists counted at once).
    counter: Callable[[], Awaitable[int]] | None = None

    def cursor(self, item: M) -> str:
        """The opaque cursor that pages on from this item."""
        pk = item["id"] if isinstance(item, dict) else item.pk
        return encode_cursor(self.sort.values(item), pk)

    async def total_count(self) -> int:
        """How many items the whole list holds (the page's own counter when it has one)."""
        if self.counter is not None:
            return await self.counter()
        return await self.base.count()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def encode_cursor(values: list[Any], pk: Any) -> str:
    """An opaque, URL-safe cursor for the sort values and the primary key."""
    raw = json.dumps([*map(_plain, values), pk], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


# Cursors are made by this server and are short; anything longer was not.
MAX_CURSOR_LENGTH = 1000
# The widest integer a sort column holds (BIGINT): a larger number in a cursor would fail in
# the database instead of being refused here.
_MAX_SORT_INT = 2**63 - 1


def _plain_value(value: Any) -> Any:
    """A cursor value as this server writes them: text, a whole number in range, a flag or
    null. Floats (1e400 is infinity), lists and objects were never written by us."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int) and -_MAX_SORT_INT <= value <= _MAX_SORT_INT:
        return value
    raise ValueError("not a cursor value")


def _column_field(model: type[Model] | None, column: str) -> Field[Any] | None:
    """The model field a sort column reads (following relations written a__b); None for a
    column that is no field (an annotation), or when the model is not known."""
    if model is None:
        return None
    *path, last = column.split("__")
    for name in path:
        relation = model._meta.fields_map.get(name)
        related = getattr(relation, "related_model", None)
        if related is None:
            return None
        model = related
    return model._meta.fields_map.get(last)


def _typed(field: Field[Any] | None, part: SortKey, value: Any) -> Any:
    """A cursor value as its column holds it: the column's own type decides what is
    accepted, so a crafted cursor is refused here rather than by the database (a number
    for an enum column, a 13th month, text with a NUL, null in a column that has none)."""
    if value is None:
        # Refused for nullable columns too: the keyset comparison (a > x) cannot start
        # after a null; the lists whose sort columns may hold one place those rows so a
        # page never ends on one (they filter them out or sort by a column that has none).
        raise ValueError("null in a cursor")
    if field is None:
        return part.decode(value)
    if isinstance(field, CharEnumFieldInstance | IntEnumFieldInstance):
        return field.enum_type(value)
    if isinstance(field, DatetimeField):
        if not isinstance(value, str):
            raise ValueError("not a moment")
        moment = DATETIME(value)
        if not EARLIEST <= moment.date() <= LATEST:
            raise ValueError("out of range")
        return moment
    if isinstance(field, DateField):
        if not isinstance(value, str):
            raise ValueError("not a day")
        day = DATE(value)
        if not EARLIEST <= day <= LATEST:
            raise ValueError("out of range")
        return day
    if isinstance(field, BooleanField):
        if not isinstance(value, bool):
            raise ValueError("not a flag")
        return value
    if isinstance(field, IntField | BigIntField | SmallIntField):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("not a number")
        return value
    if isinstance(field, CharField | TextField):
        if not isinstance(value, str) or not storable(value):
            raise ValueError("not text")
        if isinstance(field, CharField) and len(value) > field.max_length:
            raise ValueError("too long")
        return value
    return part.decode(value)


def decode_cursor(
    cursor: str, sort: SortKey, field: str, model: type[Model] | None = None
) -> tuple[list[Any], int]:
    """The sort values and primary key in a cursor, each of its column's type (`model`'s
    fields decide); INVALID_CURSOR (on `field`) for one that is too long, not ours, from
    another list, or holding a value its column could not."""
    parts = sort.parts()
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError("too long")
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(decoded, list) or not decoded:
            raise ValueError("not a list")
        *values, raw_pk = decoded
        if len(values) != len(parts):
            raise ValueError("cursor of another list")
        pk = db_id(raw_pk)
        if pk is None:
            raise ValueError("not an id")
        return [
            _typed(_column_field(model, p.column), p, _plain_value(v))
            for p, v in zip(parts, values, strict=True)
        ], pk
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError) as exc:
        raise DomainError.single(ErrorCode.INVALID, "Not a cursor from this list.", field) from exc


def _op(part: SortKey, forward: bool) -> str:
    return "gt" if forward != part.descending else "lt"


def _after(sort: SortKey, values: list[Any], pk: Any, forward: bool) -> Q:
    """Rows strictly after (values…, pk) in the direction of travel: a lexicographic
    comparison spelled out as (a > x) OR (a = x AND b > y) OR … OR (all equal AND id > pk)."""
    parts = sort.parts()
    clauses: list[Q] = []
    for i, part in enumerate(parts):
        equal = {p.column: v for p, v in zip(parts[:i], values[:i], strict=True)}
        clauses.append(Q(**equal, **{f"{part.column}__{_op(part, forward)}": values[i]}))
    equal = {p.column: v for p, v in zip(parts, values, strict=True)}
    clauses.append(Q(**equal, **{f"id__{_op(parts[0], forward)}": pk}))
    result = clauses[0]
    for clause in clauses[1:]:
        result |= clause
    if values[0] is None:
        return result
    # The same condition implies a bound on the first column alone (a >= x). Said outright,
    # it lets the database start its index walk at the cursor: the OR above alone made
    # PostgreSQL walk the sort index from the first row, so page 5 cost five pages.
    bound = "gte" if _op(parts[0], forward) == "gt" else "lte"
    return Q(**{f"{parts[0].column}__{bound}": values[0]}) & result


def _order(sort: SortKey, forward: bool) -> list[str]:
    parts = sort.parts()
    signs = ["" if forward != p.descending else "-" for p in parts]
    return [f"{s}{p.column}" for s, p in zip(signs, parts, strict=True)] + [f"{signs[0]}id"]


def page_size(args: PageArgs) -> int:
    """The page size asked for, DEFAULT_PAGE when none; OUT_OF_RANGE outside 1–MAX_PAGE."""
    requested = args.last if args.last is not None and args.first is None else args.first
    if requested is None:
        return DEFAULT_PAGE
    if not 1 <= requested <= MAX_PAGE:
        field = "first" if args.first is not None else "last"
        raise DomainError.single(
            ErrorCode.OUT_OF_RANGE,
            N_("Page size must be between 1 and {most}."),
            field,
            most=MAX_PAGE,
        )
    return requested


async def paginate(
    base: QuerySet[M],
    sort: SortKey,
    args: PageArgs,
    *,
    fetch: bool = True,
    columns: Sequence[str] | None = None,
) -> Page[Any]:
    """One page of `base` in `sort` order. `fetch=False` reads no rows: for a caller that
    wants only the total count, which the page computes on demand. With `columns`, the
    items are plain rows (dicts) of those columns, the sort columns and the id added."""
    size = page_size(args)
    forward = not (args.last is not None and args.first is None)
    # Cursors are read even when no row is: a garbage cursor is refused, never ignored.
    after = decode_cursor(args.after, sort, "after", base.model) if args.after else None
    before = decode_cursor(args.before, sort, "before", base.model) if args.before else None
    if not fetch:
        return Page([], False, False, sort, base)
    query = base
    if after is not None:
        query = query.filter(_after(sort, *after, True))
    if before is not None:
        query = query.filter(_after(sort, *before, False))
    # One row more than asked tells whether another page exists, without a count.
    ordered = query.order_by(*_order(sort, forward)).limit(size + 1)
    rows: list[Any]
    if columns is None:
        rows = await ordered
    else:
        wanted = dict.fromkeys(["id", *columns, *(p.column for p in sort.parts())])
        rows = await ordered.values(*wanted)
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
