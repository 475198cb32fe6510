"""Views of other people's customers, written to the audit log in batches off the request path.

Opening a customer one does not own is recorded (docs/domain.md §9). Written with the read, every
such read cost a transaction of its own (three round trips and, on SQLite, the one writer's
lock), which made a manager's reads several times dearer than a rep's. A request now only
notes its views in memory; a background task writes whatever was noted in one INSERT every
`flush_seconds` (CRM_VIEW_LOG_FLUSH_SECONDS, 1 by default), and once more when the server
stops. Each entry keeps the time of the read, not of the write.

What a crash can lose: views noted in the last `flush_seconds` before the process died
without stopping (power loss, kill -9). A write that fails (the database away) is retried at
the next flush; while it keeps failing at most `most` entries wait, and the oldest beyond
that are dropped and counted in the server's log. Changes are never written this way: they
are audited in their own transaction, with the change.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

from server.domain.audit.models import AuditEntry
from server.domain.audit.services import Actor
from server.domain.shared import caches, clock
from server.domain.shared.bulk import insert_rows

log = logging.getLogger("crm.audit")

_COLUMNS = (
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "changes",
    "request_id",
)


class ViewLog:
    """Audit entries noted by reads, waiting to be written together."""

    def __init__(self, flush_seconds: float = 1.0, most: int = 100_000) -> None:
        self.flush_seconds = flush_seconds
        self.most = most
        self._pending: deque[tuple[Any, ...]] = deque()
        self._dropped = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def pending(self) -> int:
        """How many entries wait to be written."""
        return len(self._pending)

    def note(self, viewer: Actor, action: str, object_type: str, ids: Sequence[int]) -> None:
        """Remember that the viewer read these objects now; written at the next flush."""
        user = viewer.user
        at = clock.now()
        for object_id in ids:
            self._pending.append(
                (
                    at,
                    user.id if user else None,
                    user.username if user else "",
                    action,
                    object_type,
                    object_id,
                    {},
                    viewer.request_id,
                )
            )
        while len(self._pending) > self.most:
            self._pending.popleft()
            self._dropped += 1

    async def flush(self) -> int:
        """Write everything noted so far in one statement (batched when very many); the
        entries stay noted if the write fails. Returns how many were written."""
        if self._dropped:
            log.error("view log: %d entries dropped while the database was away", self._dropped)
            self._dropped = 0
        if not self._pending:
            return 0
        batch = list(self._pending)
        self._pending.clear()
        try:
            await insert_rows(AuditEntry, _COLUMNS, batch)
        except BaseException:
            self._pending.extendleft(reversed(batch))
            raise
        return len(batch)

    def discard(self) -> None:
        """Forget what was noted without writing it (a test's new database)."""
        self._pending.clear()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.flush_seconds)
            try:
                await self.flush()
            except Exception:  # the database away: keep the entries, try again
                log.exception("view log: write failed; retrying at the next flush")

    def start(self) -> None:
        """Begin writing in the background (the server's start)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop the background writer and write what is left (the server's shutdown)."""
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()


VIEW_LOG = ViewLog()
caches.register("views not yet written", VIEW_LOG.discard, holds_writes=True)
