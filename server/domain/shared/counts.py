"""A short memory of list counts, so that paging through a large search does not count the
whole result again for every page.

A count is remembered per viewer and list (its filter) for `seconds`
(CRM_COUNT_CACHE_SECONDS, 10 by default; 0 turns it off). Every write made through this
process's API forgets them all at once (`forget`), so people see their own changes counted
at once; a change made by another server process, or by `crm-server import`, shows in counts
within `seconds`. The rows of a page are never cached: only how many there are in all.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable

from server.domain.shared import caches


class CountCache:
    """(viewer, list) → count, for a few seconds; the least recently used go first when full."""

    def __init__(self, seconds: float = 10.0, most: int = 10_000) -> None:
        self.seconds = seconds
        self.most = most
        self._entries: OrderedDict[Hashable, tuple[float, int]] = OrderedDict()

    async def count(self, key: Hashable, read: Callable[[], Awaitable[int]]) -> int:
        """The remembered count for `key` while fresh; else `read()` it and remember it."""
        now = time.monotonic()
        found = self._entries.get(key)
        if found is not None and found[0] > now:
            self._entries.move_to_end(key)
            return found[1]
        generation = self._entries
        value = await read()
        # A write while counting (forget() swapped the dict) leaves nothing stale behind.
        if self.seconds > 0 and generation is self._entries:
            self._entries[key] = (time.monotonic() + self.seconds, value)
            while len(self._entries) > self.most:
                self._entries.popitem(last=False)
        return value

    def forget(self) -> None:
        """Forget every count (a write may have changed any of them)."""
        self._entries = OrderedDict()


COUNTS = CountCache()
caches.register("counts", COUNTS.forget)
