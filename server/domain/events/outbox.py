"""Reading the outbox, and the few events no row change announces (a time limit passing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from server.domain.events.models import Event, EventKind
from server.domain.events.triggers import CHANNEL

COLUMNS = "id, kind, customer_id, owner_id, user_id, subject_id, version, detail"


@dataclass(frozen=True)
class Happened:
    """One outbox row, as every process reads it."""

    id: int
    kind: EventKind
    customer_id: int | None
    owner_id: int | None
    user_id: int | None
    subject_id: int | None
    version: int | None
    detail: str

    @classmethod
    def of(cls, row: Any) -> Happened:
        """One row as `COLUMNS` selects it."""
        return cls(
            id=int(row[0]),
            kind=EventKind(row[1]),
            customer_id=row[2],
            owner_id=row[3],
            user_id=row[4],
            subject_id=row[5],
            version=row[6],
            detail=row[7] or "",
        )


def after_sql(postgres: bool) -> str:
    """Rows past an id, oldest first (one placeholder: the id; a LIMIT is written in)."""
    mark = "$1" if postgres else "?"
    return f"SELECT {COLUMNS} FROM event WHERE id > {mark} ORDER BY id LIMIT 500"


def among_sql(postgres: bool, count: int) -> str:
    """Rows with these ids (the gaps a reader waits on)."""
    if postgres:
        return f"SELECT {COLUMNS} FROM event WHERE id = ANY($1::bigint[]) ORDER BY id"
    marks = ", ".join("?" * count)
    return f"SELECT {COLUMNS} FROM event WHERE id IN ({marks}) ORDER BY id"


async def last_id(client: BaseDBAsyncClient | None = None) -> int:
    """The newest event's id (0 for none): where a reader starting now begins."""
    client = client or Tortoise.get_connection("default")
    _, rows = await client.execute_query("SELECT MAX(id) FROM event")
    return int(rows[0][0] or 0) if rows else 0


async def emit(
    kind: EventKind,
    *,
    customer_id: int | None = None,
    owner_id: int | None = None,
    user_id: int | None = None,
    subject_id: int | None = None,
    version: int | None = None,
    detail: str = "",
) -> None:
    """Announce something no row change announces (call inside the work's transaction)."""
    await Event.create(
        kind=kind,
        customer_id=customer_id,
        owner_id=owner_id,
        user_id=user_id,
        subject_id=subject_id,
        version=version,
        detail=detail,
    )
    client = Tortoise.get_connection("default")
    if client.capabilities.dialect == "postgres":
        await client.execute_query(f"SELECT pg_notify('{CHANNEL}', '')")


async def prune(below: int) -> int:
    """Forget events with ids below `below` (every process has read them by now)."""
    return await Event.filter(id__lt=below).delete()
