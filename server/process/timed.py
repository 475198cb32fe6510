"""Each process's clock for the timed work (server/domain/timed/jobs.py).

Every `seconds` the process offers every job; a job whose period has passed is claimed by
exactly one process (server/domain/timed/claims.py) and run there. A failing job is logged
and offered again next round; it never stops the others or the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from server.domain.timed.claims import claim
from server.domain.timed.jobs import JOBS, Job
from server.process.hub import HUB
from server.process.metrics import TIMED_RUNS

log = logging.getLogger("crm.timed")


class Scheduler:
    def __init__(self, seconds: float = 30.0) -> None:
        self.seconds = seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="crm-timed-work")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.seconds)
            await self.run_due()

    async def run_due(self, jobs: tuple[Job, ...] = JOBS) -> dict[str, int]:
        """Run the jobs this process wins now; what each did, by name."""
        done: dict[str, int] = {}
        for job in jobs:
            # Disabled (0, as in tests that run it by hand): the default period.
            every = job.every or timedelta(seconds=self.seconds or 30)
            try:
                since = await claim(job.name, every)
                if since is None:
                    continue
                done[job.name] = await job.run(since)
                TIMED_RUNS.labels(job.name).inc()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("timed job %s failed; it is offered again next round", job.name)
        if done:
            HUB.poke()
            log.info("timed work", extra={"jobs": done})
        return done


SCHEDULER = Scheduler()
