"""What every screen shares: the API client, the banner and one way to handle failures."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import tzinfo
from typing import Any, ClassVar

from textual.app import SystemCommand
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable

from tui.api import ApiError, CrmClient, NotAuthenticated, ServerUnreachable
from tui.api.live import Change, ChangeKind
from tui.host import Host, host
from tui.i18n import _
from tui.keys import localize_bindings
from tui.widgets.banner import Banner

# A burst of changes (a payment settling ten debts) is one read, this long after the last.
RELOAD_AFTER = 0.15


class ApiScreen(Screen[Any]):
    """A screen that works through the client it was given (the app passes its own; a
    screen passes its own to the screens and dialogs it opens)."""

    # The kinds of live change that may alter what the screen shows (none: it does not
    # listen). A screen that listens reads again in `reload`.
    LISTENS: ClassVar[frozenset[ChangeKind]] = frozenset()

    def __init__(self, api: CrmClient) -> None:
        super().__init__()
        self.api = api
        self._reload_timer: Timer | None = None
        localize_bindings(self)

    @property
    def zone(self) -> tzinfo | None:
        """The company's time zone once its rules are read (this computer's until then)."""
        rules = self.crm.known_rules
        return rules.zone if rules else None

    @property
    def crm(self) -> Host:
        """The app, for what is the session's rather than the server's: the company's
        day, signing in again."""
        return host(self)

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
        # A replaced screen stays attached while Textual removes its widgets: out of the
        # stack, or with its banner gone, it is closing.
        if not self.is_attached or self not in self.app.screen_stack:
            return False
        banners = self.query(Banner)
        if not banners:
            return False
        banners.first().clear()
        return True

    # --- live updates ---------------------------------------------------------------

    def concerns(self, change: Change) -> bool:
        """Whether this change touches what the screen shows (default: any change of the
        kinds it listens to; the server already left out what the user may not see)."""
        return True

    def heard(self, change: Change) -> None:
        """A change made elsewhere. A screen in view that it concerns reads again; one out
        of sight reads again when it comes back (its on_screen_resume)."""
        if change.kind in self.LISTENS and self.is_current and self.concerns(change):
            self.reload_soon()

    def live_resumed(self) -> None:
        """Live updates are back after a gap: what changed meanwhile was not heard."""
        if self.LISTENS and self.is_current:
            self.reload_soon()

    def reload_soon(self) -> None:
        if self._reload_timer is not None:
            self._reload_timer.stop()
        self._reload_timer = self.set_timer(RELOAD_AFTER, self.reload)

    def reload(self) -> None:
        """Read again what the screen shows, keeping the cursor (listening screens)."""

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


def keep_cursor(table: DataTable[Any], keep: str | None, before: int, keys: Iterable[str]) -> None:
    """After the rows were read again: the cursor back on row `keep`; if someone else's
    change took that row away, on the row that came into its place (`before` is the
    index the cursor had), else on the first of `keys` (the rows a cursor may rest on,
    not section headings)."""
    rows = list(keys)
    if not rows:
        return
    if keep in rows:
        table.move_cursor(row=table.get_row_index(keep))
        return
    at = [table.get_row_index(key) for key in rows]
    if keep is None:  # nothing was under the cursor: the first row
        table.move_cursor(row=at[0])
        return
    after = [index for index in at if index >= before]
    table.move_cursor(row=after[0] if after else at[-1])
