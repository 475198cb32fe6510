"""A short memory of each viewer's reach: their unexpired grants and, for a manager, the
people below them in the reporting line.

Every read of a customer needs the reach, and reading it was one of a customer-by-id's two
statements. Each server process remembers a viewer's reach for `seconds` (the session cache's
CRM_SESSION_CACHE_SECONDS, 10 by default; 0 reads it on every request), as it remembers
which user a token belongs to and their role:

- a grant's end is exact: grants are kept with their expiry and checked at every use, so an
  access ends at the second it expires, cache or not;
- a grant given through this process's API is seen at once (every write through the API
  forgets all reaches, as it forgets counts); one given through another process behind the
  same load balancer within `seconds`; until then the grantee sees less, never more;
- a change of the reporting line (`crm-server`, an import) is seen within `seconds`, like
  a change of role.

Ownership is not part of the reach: a customer's owner is read with the customer, so a
transfer takes effect at once everywhere.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from server.domain.shared import caches


@dataclass(frozen=True)
class Reach:
    """What a viewer reaches beyond their own customers."""

    # (customer id, when the grant ends) for each grant unexpired when read.
    grants: tuple[tuple[int, datetime], ...]
    # The viewer and everyone below them; None when their reach does not depend on the team.
    team: frozenset[int] | None


class ReachCache:
    """User id → reach, for a few seconds; the least recently used go first when full."""

    def __init__(self, seconds: float = 10.0, most: int = 10_000) -> None:
        self.seconds = seconds
        self.most = most
        self._entries: OrderedDict[int, tuple[float, Reach]] = OrderedDict()

    def get(self, user_id: int) -> Reach | None:
        """The user's remembered reach, if still fresh."""
        found = self._entries.get(user_id)
        if found is None or found[0] <= time.monotonic():
            return None
        self._entries.move_to_end(user_id)
        return found[1]

    def generation(self) -> object:
        """A token to hand back to `put`: a `forget` in between makes the put a no-op, so a
        reach read while a grant was being written is not remembered."""
        return self._entries

    def put(self, user_id: int, reach: Reach, generation: object) -> None:
        """Remember the user's reach for `seconds`, unless forgotten since `generation`."""
        if self.seconds <= 0 or generation is not self._entries:
            return
        self._entries[user_id] = (time.monotonic() + self.seconds, reach)
        self._entries.move_to_end(user_id)
        while len(self._entries) > self.most:
            self._entries.popitem(last=False)

    def forget_user(self, user_id: int) -> None:
        """Forget one viewer's reach (a grant to them given or taken in another process)."""
        self._entries.pop(user_id, None)

    def forget(self) -> None:
        """Forget every reach (a write through the API, a new database, a test)."""
        self._entries = OrderedDict()


REACH = ReachCache()
caches.register("reach", REACH.forget)
