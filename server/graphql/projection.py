"""The columns a query's selection needs, so a list reads a dozen columns instead of all.

Turning wide rows into Python objects was the larger part of a list's time
(docs/performance.md, "Reads, side by side with PostGraphile"). A GraphQL field maps to
the column of the same name in snake case; each type
names the fields it computes from other columns (`derived`) and the columns it always needs
(`always`: its id, the columns its visibility or its resolvers read). A field the mapping
does not know makes the whole row be read, so a new field is never served from a column
that was not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from tortoise.models import Model

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


# Answers of columns_for, by what they depend on: a handful of shapes per field in a
# running server, asked for on every request. `derived` tables are module constants, known
# by identity.
_ANSWERS: dict[tuple[Any, ...], tuple[str, ...] | None] = {}


def columns_for(
    model: type[Model],
    wanted: Iterable[str],
    *,
    always: Iterable[str] = ("id",),
    derived: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[str, ...] | None:
    """The model's columns needed to answer these GraphQL fields; None when one of them is
    unknown here and the whole row must be read."""
    key = (model, frozenset(wanted), tuple(always), id(derived))
    if key in _ANSWERS:
        return _ANSWERS[key]
    if len(_ANSWERS) > 4096:
        _ANSWERS.clear()
    found = _ANSWERS[key] = _columns_for(model, key[1], always, derived)
    return found


def _columns_for(
    model: type[Model],
    wanted: Iterable[str],
    always: Iterable[str],
    derived: Mapping[str, tuple[str, ...]] | None,
) -> tuple[str, ...] | None:
    known = model._meta.fields_db_projection
    derived = derived or {}
    columns = set(always)
    for name in wanted:
        if name in derived:
            columns.update(derived[name])
            continue
        if name in ("__typename", "id"):
            continue
        column = _CAMEL.sub("_", name).lower()
        if column not in known:
            return None
        columns.add(column)
    return tuple(sorted(columns))


def columns_or_all(
    model: type[Model],
    wanted: Iterable[str],
    *,
    always: Iterable[str] = ("id",),
    derived: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[str, ...]:
    """`columns_for`, or every column of the model when a field is not known."""
    found = columns_for(model, wanted, always=always, derived=derived)
    return found or tuple(model._meta.fields_db_projection)


def model_row(model: Model) -> dict[str, Any]:
    """A model's column values as a row (what `.values()` gives), for the types' `from_row`:
    Tortoise's own attributes (`_partial`, cached relations such as `_contacts`) left out, so
    they cannot land in a GraphQL object's private fields."""
    return {name: value for name, value in vars(model).items() if not name.startswith("_")}


T = TypeVar("T")


def object_of(cls: type[T], row: Mapping[str, Any]) -> tuple[T, dict[str, Any]]:
    """A GraphQL object holding the row's columns as its fields (each type's `from_row`),
    and its attribute dict, for the fields the type derives from them.

    Built without the dataclass constructor: a page builds hundreds of these, and copying
    the row's columns in one step costs a fraction of naming every argument. A field whose
    column was not read is never asked for (see `columns_for`)."""
    made = cls.__new__(cls)
    values: dict[str, Any] = made.__dict__
    values.update(row)
    return made, values
