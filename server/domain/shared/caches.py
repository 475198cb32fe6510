"""The register of what a process remembers between requests (sessions, reach, counts, the
currency, views not yet written). Each cache enters itself here where it is made, with how
it forgets everything; whatever must start from nothing (a test's new database, a restore)
calls `forget_all` and can leave none out. tests/server/test_house_rules.py fails on a
process-wide cache that did not enter itself."""

from __future__ import annotations

from collections.abc import Callable

_FORGET: dict[str, Callable[[], None]] = {}
# Those that hold writes not yet made (views noted, written in batches), not reads.
_WRITES: set[str] = set()


def register(name: str, forget: Callable[[], None], *, holds_writes: bool = False) -> None:
    """Enter a cache: `forget` drops everything it holds. `holds_writes`: what it holds
    are writes still to be made, dropped only by a reset that means it."""
    _FORGET[name] = forget
    if holds_writes:
        _WRITES.add(name)


def registered() -> list[str]:
    """The names of the caches entered, in the order they were made."""
    return list(_FORGET)


def holders() -> list[object]:
    """The caches themselves (what each `forget` is a method of)."""
    return [getattr(forget, "__self__", forget) for forget in _FORGET.values()]


def forget_all(*, pending_writes: bool = False) -> None:
    """Every cache forgets what it read; with `pending_writes`, the writes not yet made
    are dropped too (a new database: they name rows that are gone)."""
    for name, forget in _FORGET.items():
        if pending_writes or name not in _WRITES:
            forget()
