"""Claiming a timed job's run, so that it runs once however many processes offer to.

Every process offers each job on its own clock; the first to move the job's row from the
last run's moment to now (a conditional UPDATE, compare-and-set on that moment) runs it, and
the others find the row moved. This needs nothing but the database every process shares:
on PostgreSQL the second UPDATE waits for the first to commit and then matches no row; on
SQLite writers take turns.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from server.domain.events.models import TimedRun
from server.domain.shared import clock


async def claim(job: str, every: timedelta) -> datetime | None:
    """This process runs `job` now if its last run is `every` ago or more: the moment of
    that last run (its window's start) when this process won the run; None otherwise."""
    now = clock.now()
    row = await TimedRun.get_or_none(job=job)
    if row is None:
        try:
            await TimedRun.create(job=job, last_run_at=now, runs=1)
        except IntegrityError:
            return None  # another process created it first, and runs it
        return now - every
    if row.last_run_at > now - every:
        return None
    moved = await TimedRun.filter(job=job, last_run_at=row.last_run_at).update(
        last_run_at=now, runs=F("runs") + 1
    )
    return row.last_run_at if moved == 1 else None
