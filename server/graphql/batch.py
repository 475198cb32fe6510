"""The two batch functions most DataLoaders are: rows by id, and rows grouped by a parent.

One statement per batch, answers in the order of the keys (DataLoader's contract). Given
`columns`, they read plain rows (dicts) of those columns only: building a model object per
row, with every column converted, was the larger part of a list's time on hot read paths.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from tortoise.models import Model

M = TypeVar("M", bound=Model)
Row = dict[str, Any]


def by_id(
    model: type[M], column: str = "id"
) -> Callable[[Sequence[int]], Awaitable[list[M | None]]]:
    """Rows whose `column` is each key; None where there is none."""

    async def load(keys: Sequence[int]) -> list[M | None]:
        rows = await model.filter(**{f"{column}__in": list(keys)})
        found = {getattr(row, column): row for row in rows}
        return [found.get(k) for k in keys]

    return load


def grouped(
    model: type[M], parent: str, *order: str
) -> Callable[[Sequence[int]], Awaitable[list[list[M]]]]:
    """For each key, the rows whose `parent` column is that key, in `order`."""

    async def load(keys: Sequence[int]) -> list[list[M]]:
        groups: dict[Any, list[M]] = defaultdict(list)
        for row in await model.filter(**{f"{parent}__in": list(keys)}).order_by(*order):
            groups[getattr(row, parent)].append(row)
        return [groups.get(k, []) for k in keys]

    return load


def grouped_rows(
    model: type[Model], parent: str, columns: Sequence[str], *order: str
) -> Callable[[Sequence[int]], Awaitable[list[list[Row]]]]:
    """`grouped`, as plain rows of `columns` (the parent column is added)."""
    wanted = list(dict.fromkeys([parent, *columns]))

    async def load(keys: Sequence[int]) -> list[list[Row]]:
        groups: dict[Any, list[Row]] = defaultdict(list)
        query = model.filter(**{f"{parent}__in": list(keys)}).order_by(*order)
        for row in await query.values(*wanted):
            groups[row[parent]].append(row)
        return [groups.get(k, []) for k in keys]

    return load
