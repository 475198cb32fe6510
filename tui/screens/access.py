"""Access requests (调档申请). A rep files one for a customer they cannot see, describing it
and saying why; a manager sees the inbox, picks the customer and grants for some days, or
refuses with a note."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from tui.api import ApiError
from tui.screens.base import ApiScreen, cursor_key
from tui.widgets.banner import Banner


class AccessRequestsScreen(ApiScreen):
    BINDINGS = [
        Binding("n", "new", "New request"),
        Binding("g", "grant", "Grant"),
        Binding("x", "refuse", "Refuse"),
        Binding("r", "refresh", "Refresh"),
        Binding("question_mark", "help", "Help"),
        Binding("escape", "back", "Back"),
    ]
    DEFAULT_CSS = """
    #title { height: 1; padding: 0 1; background: $boost; }
    #requests { height: 1fr; }
    #detail { height: 3; padding: 0 1; border-top: solid $accent; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.requests: dict[str, dict[str, Any]] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Banner()
        yield Static("", id="title")
        yield DataTable[str](id="requests", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail")
        yield Footer()

    @property
    def deciding(self) -> bool:
        user = self.api.user
        return user is not None and user.is_manager

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Granting and refusing are for managers: hidden from a rep's footer.
        return not (action in ("grant", "refuse") and not self.deciding)

    def on_mount(self) -> None:
        self.query_one("#requests", DataTable).add_columns(
            "Filed", "By", "Customer described", "Status"
        )
        self.query_one("#title", Static).update(
            "Requests waiting for you: g grant, x refuse"
            if self.deciding
            else "Your access requests: n to file one"
        )
        self.load()

    @work(exclusive=True, group="access")
    async def load(self) -> None:
        try:
            found = await self.api.access_requests("PENDING" if self.deciding else None)
        except ApiError as exc:
            self.failed(exc, self.load)
            return
        self.reached()
        table = self.query_one("#requests", DataTable)
        table.clear()
        self.requests = {r["id"]: r for r in found}
        for r in found:
            table.add_row(
                r["createdAt"][:10],
                r["requester"]["displayName"] or r["requester"]["username"],
                r["customerDescription"],
                r["status"].lower(),
                key=r["id"],
            )
        if not found:
            self.query_one("#detail", Static).update("No requests.")

    def selected(self) -> dict[str, Any] | None:
        table = self.query_one("#requests", DataTable)
        key = cursor_key(table)
        return self.requests.get(key or "")

    @on(DataTable.RowHighlighted, "#requests")
    def show_detail(self) -> None:
        r = self.selected()
        if r is not None:
            note = f"\nDecision: {r['decisionNote']}" if r["decisionNote"] else ""
            self.query_one("#detail", Static).update(f"Why: {r['reason']}{note}")

    def action_new(self) -> None:
        from tui.dialogs.access import RequestAccessDialog

        self.app.push_screen(RequestAccessDialog(), self._done)

    def action_grant(self) -> None:
        r = self.selected()
        if r is None or not self.deciding:
            return
        from tui.dialogs.access import GrantDialog

        self.app.push_screen(GrantDialog(r), self._done)

    def action_refuse(self) -> None:
        r = self.selected()
        if r is None or not self.deciding:
            return
        from tui.dialogs.access import RefuseDialog

        self.app.push_screen(RefuseDialog(r), self._done)

    def _done(self, message: str | None) -> None:
        if message:
            self.notify(message)
            self.load()

    def action_refresh(self) -> None:
        self.load()
