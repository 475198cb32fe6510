"""Write-offs waiting for a decision (坏账核销): the manager's list. Enter opens the
decision; a proposal of one's own is refused by the server (four eyes)."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from tui.api import ApiError, CrmClient
from tui.api.receivables import WriteOff
from tui.api.vocabulary import money
from tui.i18n import N_, _
from tui.screens.base import ApiScreen, cursor_key
from tui.widgets.banner import Banner


class WriteOffsScreen(ApiScreen):
    BINDINGS = [
        Binding("enter", "decide", N_("Decide"), show=False),
        Binding("r", "refresh", N_("Refresh"), show=False),
        Binding("question_mark", "help", N_("Help")),
        Binding("escape", "back", N_("Back")),
    ]
    DEFAULT_CSS = """
    #title { height: 1; padding: 0 1; background: $boost; }
    #proposals { height: 1fr; }
    """

    def __init__(self, api: CrmClient) -> None:
        super().__init__(api)
        self.proposals: dict[str, WriteOff] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Banner()
        yield Static(_("Loading the write-offs…"), id="title")
        yield DataTable[Any](id="proposals", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#proposals", DataTable).add_columns(
            _("Customer"), _("Invoice"), _("Amount"), _("Proposed by"), _("Why")
        )
        self.load()

    @work(exclusive=True, group="write-offs")
    async def load(self) -> None:
        try:
            found = await self.api.write_offs()
        except ApiError as exc:
            self.failed(exc, self.load)
            return
        if not self.reached():
            return
        table = self.query_one("#proposals", DataTable)
        table.clear()
        self.proposals = {p.id: p for p in found}
        for p in found:
            table.add_row(
                p.customer_name,
                p.reference or "—",
                money(p.amount),
                p.proposed_by,
                p.reason,
                key=p.id,
            )
        self.query_one("#title", Static).update(
            _("Write-offs waiting for a decision: {n} · enter decides").format(n=len(found))
        )

    @on(DataTable.RowSelected, "#proposals")
    def action_decide(self) -> None:
        proposal = self.proposals.get(cursor_key(self.query_one("#proposals", DataTable)) or "")
        if proposal is None:
            return
        from tui.dialogs.collections import WriteOffDecisionDialog

        def decided(message: str | None) -> None:
            if message:
                self.notify(message)
                self.load()

        self.app.push_screen(WriteOffDecisionDialog(self.api, proposal), decided)

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
