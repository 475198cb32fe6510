"""The server's one source of the current time.

Every "now" in the domain comes from here, so a test can stand the whole server at a chosen
moment (say 00:30 in the company's time zone, when the UTC day is still yesterday) and see
what a user would see then. Production never sets it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_fixed: datetime | None = None


def now() -> datetime:
    """The current moment, timezone-aware, in UTC."""
    return _fixed if _fixed is not None else datetime.now(UTC)


@contextmanager
def standing_at(moment: datetime) -> Iterator[None]:
    """Within the block, `now()` answers `moment` (an aware datetime)."""
    global _fixed
    if moment.tzinfo is None:
        raise ValueError("standing_at needs an aware datetime")
    before, _fixed = _fixed, moment.astimezone(UTC)
    try:
        yield
    finally:
        _fixed = before
