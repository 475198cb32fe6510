"""Optimistic concurrency: an update applies only to the version the caller read."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import F
from tortoise.models import Model

from server.domain.shared import clock
from server.domain.shared.errors import stale_version


async def update_versioned(
    model: type[Model], pk: int, read_version: int | None, current: int, **values: Any
) -> None:
    """Write `values` and bump the version in one conditional UPDATE, or raise STALE_VERSION.

    The check and the write are one statement, so no other writer can slip in between
    (this holds on SQLite too, where SELECT … FOR UPDATE does nothing). `read_version=None`
    skips the check for operations that do not depend on what was read.
    """
    query = model.filter(pk=pk)
    if read_version is not None:
        query = query.filter(version=read_version)
    updated = await query.update(version=F("version") + 1, updated_at=clock.now(), **values)
    if not updated:
        raise stale_version(current)
