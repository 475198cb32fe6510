"""What the client's pilot tests share: waiting for the app to settle, for a condition,
signing in, and pressing keys that lead to a screen."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from textual.pilot import Pilot
from textual.screen import Screen

from tests.tui.conftest import PASSWORD
from tui.screens.login import LoginScreen


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish their calls to the server and the screen repaint: until two
    rounds in a row find no worker running (a finished call may start another, e.g. a
    screen pushed on success loads its data)."""
    quiet = 0
    for _ in range(40):
        await pilot.pause()
        # The live feed's worker runs for as long as the app: it is never "finished".
        running = [w for w in pilot.app.workers if w.is_running and w.group != "live"]
        if running:
            quiet = 0
            await pilot.app.workers.wait_for_complete(running)
        else:
            quiet += 1
            if quiet == 2:
                break
    await pilot.pause()


S = TypeVar("S", bound=Screen[Any])


async def screen_after(pilot: Pilot[Any], kind: type[S], *keys: str) -> S:
    """Press the keys, let the app settle, and return the screen they led to."""
    await pilot.press(*keys)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, kind), screen
    return screen


async def sign_in(pilot: Pilot[Any], username: str = "r1") -> None:
    assert isinstance(pilot.app.screen, LoginScreen)
    # Keys only: the login screen focuses the username field itself. A click would leave the
    # mouse where the queue's table appears next, and whether that row shows as hovered
    # then depends on timing.
    await pilot.press(*username, "tab", *PASSWORD, "enter")
    await settle(pilot)


async def until(
    check: Callable[[], bool], pilot: Pilot[Any] | None = None, limit: float = 5.0
) -> None:
    """Wait for `check` to hold (a bound, not a timing: a live change arrives well inside
    a second; the limit only keeps a broken feed from hanging the suite)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not check():
        if loop.time() > end:
            raise AssertionError("not within the limit")
        if pilot is not None:
            await pilot.pause(0.05)
        else:
            await asyncio.sleep(0.05)
