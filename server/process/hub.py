"""Each process's reader of the outbox, and its fan-out to that process's subscribers.

The outbox table is the only broker: triggers write it in the changing transaction
(server/domain/events). A process learns that there is something to read:
  - on PostgreSQL, from LISTEN on a dedicated connection (the triggers' pg_notify, delivered
    at commit, to every process), with a poll every few seconds in case a notification was
    lost with a dropped connection;
  - on SQLite (one process), from `poke()` after a mutation commits, and a poll twice a
    second for writers outside this process (the CLI's imports).
It then reads the rows past the last one it delivered and hands each to the inboxes of
the subscribers that asked for its kind. Whether a subscriber may hear of it is decided
when it is delivered (server/domain/live/audience.py), not here.

Ids come from a sequence and are taken before commit, so on PostgreSQL a row may appear
after a higher one (two transactions committing out of order). The reader remembers the
ids it skipped over and asks for them again until they appear or `GAP_SECONDS` pass (a
rolled-back transaction leaves a gap for good).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tortoise import Tortoise

from server.domain.access.reach import REACH
from server.domain.accounts.sessions import SESSIONS
from server.domain.events.models import EventKind
from server.domain.events.outbox import Happened, after_sql, among_sql
from server.domain.events.triggers import CHANNEL
from server.process.metrics import SUBSCRIPTIONS
from server.settings import Settings, libpq_url

log = logging.getLogger("crm.hub")

GAP_SECONDS = 15.0
# A skipped range wider than this is a jump of the sequence, not transactions in flight.
_WIDEST_GAP = 1000
_INBOX_SIZE = 1000


class TooManySubscriptions(Exception):
    """A user, or this process, holds as many subscriptions as the settings allow."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Overflowed(Exception):
    """A subscriber fell so far behind that events were dropped: it must reload."""


@dataclass(eq=False)
class Inbox:
    """One subscriber's queue of events of the kinds it asked for."""

    kinds: frozenset[EventKind]
    # Whose subscription it is: one user's are counted against their limit.
    user_id: int | None = None
    queue: asyncio.Queue[Happened] = field(default_factory=lambda: asyncio.Queue(_INBOX_SIZE))
    overflowed: bool = False

    def put(self, event: Happened) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True

    async def next_batch(self) -> list[Happened]:
        """What arrived since the last call (waiting for at least one event)."""
        first = await self.queue.get()
        batch = [first]
        while not self.queue.empty():
            batch.append(self.queue.get_nowait())
        if self.overflowed:
            raise Overflowed
        return batch


class Hub:
    def __init__(self) -> None:
        self.inboxes: set[Inbox] = set()
        # Open subscriptions per user, and the limits (from the settings at start).
        self.per_user: dict[int, int] = {}
        self._starting = 0
        self.max_per_user = Settings.max_subscriptions_per_user
        self.max_per_process = Settings.max_subscriptions_per_process
        self.top = 0
        self.gaps: dict[int, float] = {}
        self.postgres = False
        self.poll_seconds = 0.5
        self._dsn = ""
        self._listener: Any = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._started = False

    # -- life ----------------------------------------------------------------------------
    async def start(self, settings: Settings) -> None:
        self.max_per_user = settings.max_subscriptions_per_user
        self.max_per_process = settings.max_subscriptions_per_process
        self.postgres = not settings.is_sqlite
        self.poll_seconds = 5.0 if self.postgres else 0.5
        self._wake = asyncio.Event()
        self._dsn = libpq_url(settings) if self.postgres else ""
        if self.postgres:
            await self._listen()
        self.top = await self._last_id()
        self.gaps.clear()
        self._started = True
        self._task = asyncio.create_task(self._run(), name="crm-hub")

    async def stop(self) -> None:
        self._started = False
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        await self._close_listener()
        for inbox in list(self.inboxes):
            self.unsubscribe(inbox)

    @property
    def running(self) -> bool:
        return self._started

    # -- subscribers ---------------------------------------------------------------------
    async def subscribe(self, kinds: Iterable[EventKind], user_id: int | None = None) -> Inbox:
        """An inbox for these kinds, receiving everything committed from now on; refused
        (TooManySubscriptions) past the user's or the process's limit. Every subscriber is
        checked against its viewer on every change of its kinds: without a bound, one user
        opening thousands slowed everyone's requests at each change."""
        # Counted before the first await, so subscriptions arriving together cannot all
        # pass the check before any of them is counted.
        if len(self.inboxes) + self._starting >= self.max_per_process:
            raise TooManySubscriptions(
                "This server holds as many live subscriptions as it may; try again later "
                "or ask the administrator to add a server process."
            )
        if user_id is not None and self.per_user.get(user_id, 0) >= self.max_per_user:
            raise TooManySubscriptions(
                f"You hold {self.max_per_user} live subscriptions, the most one user may; "
                "close other windows of the client (or their subscriptions) first."
            )
        if user_id is not None:
            self.per_user[user_id] = self.per_user.get(user_id, 0) + 1
        inbox = Inbox(frozenset(kinds), user_id)
        self._starting += 1
        try:
            if not self.postgres and not self.inboxes:
                # SQLite reads nothing while nobody listens: start from what is there now.
                self.top = await self._last_id()
                self.gaps.clear()
        except BaseException:
            self._forget_user(inbox)
            raise
        finally:
            self._starting -= 1
        self.inboxes.add(inbox)
        SUBSCRIPTIONS.inc()
        return inbox

    def unsubscribe(self, inbox: Inbox) -> None:
        if inbox in self.inboxes:
            self.inboxes.discard(inbox)
            self._forget_user(inbox)
            SUBSCRIPTIONS.dec()

    def _forget_user(self, inbox: Inbox) -> None:
        if inbox.user_id is not None:
            left = self.per_user.get(inbox.user_id, 1) - 1
            if left > 0:
                self.per_user[inbox.user_id] = left
            else:
                self.per_user.pop(inbox.user_id, None)

    def poke(self) -> None:
        """Something was committed in this process: read now rather than at the next poll."""
        self._wake.set()

    # -- reading -------------------------------------------------------------------------
    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()
            if not self.postgres and not self.inboxes:
                continue
            try:
                if self.postgres and (self._listener is None or self._listener.is_closed()):
                    await self._listen()
                while await self.read_once():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("reading the outbox failed; trying again", exc_info=True)
                await self._close_listener()
                await asyncio.sleep(1.0)

    async def read_once(self) -> bool:
        """Deliver what is new; True when there may be more to read at once."""
        new = await self._fetch(after_sql(self.postgres), [self.top])
        late = (
            await self._fetch(among_sql(self.postgres, len(self.gaps)), self._gap_params())
            if self.gaps
            else []
        )
        now = time.monotonic()
        delivered: list[Happened] = []
        for event in late:
            if self.gaps.pop(event.id, None) is not None:
                delivered.append(event)
        for event in new:
            if event.id <= self.top:
                continue
            if event.id - self.top <= _WIDEST_GAP:
                for missing in range(self.top + 1, event.id):
                    self.gaps[missing] = now
            self.top = event.id
            delivered.append(event)
        for gap, noticed in list(self.gaps.items()):
            if now - noticed > GAP_SECONDS:
                del self.gaps[gap]
        self.deliver(delivered)
        return len(new) >= 500

    def deliver(self, events: list[Happened]) -> None:
        for event in events:
            if event.kind is EventKind.SESSION and event.user_id is not None:
                # A revoked token or a deactivated user is refused at once in every process.
                SESSIONS.forget_user(event.user_id)
                if event.detail == "user":  # a role or a reporting line: anyone's team
                    REACH.forget()
            elif event.kind is EventKind.ACCESS and event.user_id is not None:
                REACH.forget_user(event.user_id)
            for inbox in self.inboxes:
                # Every subscriber hears of ended sign-ins: its stream checks its own token
                # then, and ends at once instead of at its next event.
                if event.kind in inbox.kinds or event.kind is EventKind.SESSION:
                    inbox.put(event)

    def _gap_params(self) -> list[Any]:
        ids = sorted(self.gaps)
        return [ids] if self.postgres else ids

    async def _fetch(self, sql: str, params: list[Any]) -> list[Happened]:
        if self.postgres:
            if self._listener is None:
                await self._listen()
            rows = await self._listener.fetch(sql, *params)
        else:
            _, rows = await Tortoise.get_connection("default").execute_query(sql, params)
        return [Happened.of(tuple(row)) for row in rows]

    async def _last_id(self) -> int:
        if self.postgres:
            value = await self._listener.fetchval("SELECT MAX(id) FROM event")
            return int(value or 0)
        _, rows = await Tortoise.get_connection("default").execute_query(
            "SELECT MAX(id) FROM event"
        )
        return int(rows[0][0] or 0) if rows else 0

    # -- PostgreSQL's LISTEN -------------------------------------------------------------
    async def _listen(self) -> None:
        import asyncpg

        await self._close_listener()
        self._listener = await asyncpg.connect(self._dsn)
        await self._listener.add_listener(CHANNEL, self._notified)
        # Whatever was committed while no one listened is read now.
        self._wake.set()

    def _notified(self, *_: Any) -> None:
        self._wake.set()

    async def _close_listener(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.close()
            self._listener = None


HUB = Hub()
