"""The remembered reach (server/domain/access/reach.py): fresh for `seconds`, and never
remembered across a write that happened while it was being read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from server.domain.access import reach as reach_module
from server.domain.access.reach import Reach, ReachCache

GRANTED = Reach(grants=((7, datetime(2026, 12, 31, tzinfo=UTC)),), team=frozenset({1, 2}))


def test_a_reach_is_remembered_for_the_seconds_and_no_longer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1000.0]
    monkeypatch.setattr(reach_module.time, "monotonic", lambda: now[0])
    cache = ReachCache(seconds=10)
    cache.put(1, GRANTED, cache.generation())
    now[0] += 9.9
    assert cache.get(1) == GRANTED
    now[0] += 0.2
    assert cache.get(1) is None


def test_a_reach_read_across_a_write_is_not_remembered() -> None:
    cache = ReachCache(seconds=10)
    generation = cache.generation()
    cache.forget()  # a grant was written while the reach was being read
    cache.put(1, GRANTED, generation)
    assert cache.get(1) is None


def test_zero_seconds_remembers_nothing() -> None:
    cache = ReachCache(seconds=0)
    cache.put(1, GRANTED, cache.generation())
    assert cache.get(1) is None
