"""Multi-row INSERTs for jobs that write tens of thousands of rows at once (seeding, the ABC
recompute). Tortoise's bulk_create builds a model object per row and converts every field
through it, which at 100,000 rows costs seconds; here each value goes through its field's own
to_db_value and nothing else, so what lands is what the ORM would have written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from tortoise import Tortoise
from tortoise.models import Model

# Plain ints and strings go to both databases unchanged; the field's own conversion (and
# its validators) is for everything else: enums, dates, datetimes, decimals. Rows here are
# built by our own code, not taken from a client.
_AS_IS = (int, str, bool)

# SQLite caps bound parameters per statement at 32,766 and PostgreSQL at 32,767.
MAX_PARAMETERS = 30_000


def placeholders(dialect: str, columns: int, rows: int) -> str:
    """The VALUES placeholders for `rows` rows of `columns` columns in the dialect's style (? for
    SQLite, $n for PostgreSQL)."""
    if dialect == "sqlite":
        row = "(" + ",".join("?" * columns) + ")"
        return ",".join([row] * rows)
    groups = []
    for r in range(rows):
        start = r * columns
        groups.append("(" + ",".join(f"${start + c + 1}" for c in range(columns)) + ")")
    return ",".join(groups)


def defaulted_columns(model: type[Model], given: Sequence[str]) -> list[str]:
    """Non-null columns the bulk rows do not set, which need the model's default value."""
    meta = model._meta
    out = []
    for column, field_name in meta.fields_db_projection_reverse.items():
        field = meta.fields_map[field_name]
        if column in given or field.null or field.pk:
            continue
        out.append(column)
    return out


def default_values(model: type[Model], columns: Sequence[str], skip: int) -> list[Any]:
    """The model's defaults for `columns[skip:]` (those defaulted_columns added)."""
    meta = model._meta
    values = []
    for column in columns[skip:]:
        field = meta.fields_map[meta.fields_db_projection_reverse[column]]
        default = field.default
        values.append(default() if callable(default) else default)
    return values


async def insert_rows(
    model: type[Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    skip_conflicts: bool = False,
) -> None:
    """Insert ready-made rows (values in `columns` order). `skip_conflicts` leaves a row out
    when it would break a unique constraint (ON CONFLICT DO NOTHING, SQLite and PostgreSQL).
    Runs on the current connection, so inside a transaction it is part of it."""
    conn = Tortoise.get_connection("default")
    dialect = conn.capabilities.dialect
    meta = model._meta
    fields = [meta.fields_map[meta.fields_db_projection_reverse[c]] for c in columns]
    per_statement = max(1, MAX_PARAMETERS // len(columns))
    quoted = ",".join(f'"{c}"' for c in columns)
    head = f'INSERT INTO "{meta.db_table}" ({quoted}) VALUES '
    tail = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
    batch: list[Any] = []
    count = 0

    async def flush() -> None:
        nonlocal batch, count
        if count:
            sql = head + placeholders(dialect, len(columns), count) + tail
            await conn.execute_query(sql, batch)
        batch, count = [], 0

    for row in rows:
        batch.extend(
            v if v is None or type(v) in _AS_IS else f.to_db_value(v, model)
            for f, v in zip(fields, row, strict=True)
        )
        count += 1
        if count == per_statement:
            await flush()
    await flush()


async def insert_with_defaults(
    model: type[Model],
    given: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    skip_conflicts: bool = False,
) -> None:
    """insert_rows for rows that set only `given`; the other non-null columns get the
    model's defaults."""
    columns = [*given, *defaulted_columns(model, given)]
    defaults = default_values(model, columns, len(given))
    await insert_rows(
        model, columns, ([*row, *defaults] for row in rows), skip_conflicts=skip_conflicts
    )
