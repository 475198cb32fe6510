"""What every screen shares: the API client, the banner and one way to handle failures."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from textual.app import SystemCommand
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import DataTable

from tui.api import ApiError, CrmClient, NotAuthenticated, ServerUnreachable
from tui.i18n import _
from tui.widgets.banner import Banner

if TYPE_CHECKING:
    from tui.app import CrmApp


def localize_bindings(node: DOMNode) -> None:
    """Show the node's key descriptions in the current language. They are written in
    English with N_() at class level, before any language is chosen; Textual copies them
    into each node when it is made, so each node translates its own copy."""
    keys = node._bindings.key_to_bindings
    for key, bindings in keys.items():
        keys[key] = [
            replace(
                b,
                description=_(b.description) if b.description else b.description,
                tooltip=_(b.tooltip) if b.tooltip else b.tooltip,
            )
            for b in bindings
        ]


class ApiScreen(Screen[Any]):
    """A screen that works through the client it was given (the app passes its own; a
    screen passes its own to the screens and dialogs it opens)."""

    def __init__(self, api: CrmClient) -> None:
        super().__init__()
        self.api = api
        localize_bindings(self)

    @property
    def crm(self) -> CrmApp:
        """The app, for what is the session's rather than the server's: the company's
        day, signing in again."""
        return cast("CrmApp", self.app)

    def palette_commands(self) -> Iterable[SystemCommand]:
        """This screen's entries in the command palette (ctrl+p), beside the app's own."""
        return ()

    def failed(self, exc: Exception, retry: Callable[[], object]) -> None:
        """Show what went wrong and keep running: unreachable → banner with retry on `r`;
        expired session → log in again, then retry; other errors → the banner. A screen
        already closed (replaced while the call was out) shows nothing."""
        if not self.is_attached:
            return
        banner = self.query_one(Banner)
        if isinstance(exc, NotAuthenticated):
            self.crm.relogin(then=retry)
        elif isinstance(exc, ServerUnreachable):
            banner.show(
                _("Cannot reach the server at {url}. Press r to retry.").format(url=exc.url)
            )
        elif isinstance(exc, ApiError):
            banner.show(_("The server said: {exc}. Press r to retry.").format(exc=exc))
        else:
            raise exc

    def reached(self) -> bool:
        """The server answered: clear the banner. False when the screen was closed while the
        call was out (switching the language replaces the queue): the caller then drops the
        answer instead of drawing into widgets that are gone."""
        if not self.is_attached:
            return False
        self.query_one(Banner).clear()
        return True

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def action_back(self) -> None:
        self.app.pop_screen()


def cursor_key(table: DataTable[Any]) -> str | None:
    """The key of the row under the table's cursor; None when the table is empty."""
    if not table.row_count:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
