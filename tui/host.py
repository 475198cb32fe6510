"""What screens and dialogs ask of the app that holds them, as a protocol: they stand below
the app (tui/app.py is the one that fills it) and must not import it, even to name it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Protocol, cast

from textual.dom import DOMNode

from tui.api.company import Cadences


class Host(Protocol):
    def relogin(self, then: Callable[[], object], message: str = "") -> None:
        """The session expired mid-work: sign in on top, then carry on with `then`."""
        ...

    def remember_token(self) -> None:
        """Keep the signed-in session's token for the next start."""
        ...

    async def cadences(self) -> Cadences:
        """The company's cadences and time zone, read once per run."""
        ...

    @property
    def known_rules(self) -> Cadences | None:
        """The company's rules if already read."""
        ...

    def company_now(self) -> datetime:
        """Now on the company's clock."""
        ...

    def company_today(self) -> date:
        """Today in the company's time zone."""
        ...


def host(node: DOMNode) -> Host:
    """The app holding this screen or dialog."""
    return cast(Host, node.app)
