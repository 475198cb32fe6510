"""A short memory of which user a bearer token belongs to, so that a read does not cost a
token lookup every time.

Each server process remembers a token for at most `seconds` (CRM_SESSION_CACHE_SECONDS, 10 by
default) and never past the token's own expiry. Logging out forgets the token at once in the
process that served the logout; the revocation is announced through the outbox (a trigger
on api_token), and every other process forgets that user's tokens as soon as it reads the
announcement (server/process/hub.py: on PostgreSQL, at the commit's NOTIFY). A user deactivated or
whose role changes is announced the same way. `seconds` remains the bound should a process
miss an announcement. Set it to 0 to look every token up on every request.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from server.domain.accounts.models import User
from server.domain.shared import caches, clock


@dataclass(frozen=True)
class _Remembered:
    user: User
    until: datetime


class SessionCache:
    """Token hash → user, for a few seconds; the least recently used go first when full."""

    def __init__(self, seconds: float = 10.0, most: int = 10_000) -> None:
        self.seconds = seconds
        self.most = most
        self._entries: OrderedDict[str, _Remembered] = OrderedDict()

    def get(self, token_hash: str) -> User | None:
        """The user remembered for this token, if still fresh."""
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        if entry.until <= clock.now():
            del self._entries[token_hash]
            return None
        self._entries.move_to_end(token_hash)
        return entry.user

    def put(self, token_hash: str, user: User, token_expires_at: datetime) -> None:
        """Remember the token's user until the cache time or the token's expiry, if sooner."""
        if self.seconds <= 0:
            return
        until = min(clock.now() + timedelta(seconds=self.seconds), token_expires_at)
        self._entries[token_hash] = _Remembered(user, until)
        self._entries.move_to_end(token_hash)
        while len(self._entries) > self.most:
            self._entries.popitem(last=False)

    def forget(self, token_hash: str) -> None:
        """Stop accepting this token at once (logout)."""
        self._entries.pop(token_hash, None)

    def forget_user(self, user_id: int) -> None:
        """Stop accepting any token of this user at once (a revocation or a deactivation
        announced by another process, server/process/hub.py)."""
        for token_hash in [h for h, e in self._entries.items() if e.user.id == user_id]:
            del self._entries[token_hash]

    def clear(self) -> None:
        """Forget every token (a new database, a test)."""
        self._entries.clear()


SESSIONS = SessionCache()
caches.register("sessions", SESSIONS.clear)
