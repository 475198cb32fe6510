"""The manager's view: per rep, what is overdue and due today, and who is out of cadence.
Enter opens that rep's queue."""

from __future__ import annotations

from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from tui.api import ApiError, CrmClient
from tui.api.followups import Workload
from tui.api.live import ChangeKind
from tui.i18n import N_, _
from tui.screens.base import ApiScreen, cursor_key, keep_cursor
from tui.widgets.banner import Banner


class TeamScreen(ApiScreen):
    BINDINGS = [
        Binding("enter", "open", N_("Open queue"), show=True),
        Binding("r", "refresh", N_("Refresh")),
        Binding("escape", "back", N_("Back")),
        Binding("question_mark", "help", N_("Help")),
    ]

    def __init__(self, api: CrmClient, day: date | None = None) -> None:
        super().__init__(api)
        self.day = day
        self.loads: dict[str, Workload] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Banner()
        yield Static(_("Team: open follow-ups per person"), id="title")
        yield DataTable[str](id="team", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#team", DataTable)
        table.add_column(_("Who"), key="who", width=16)
        table.add_column(_("Overdue"), key="overdue", width=8)
        table.add_column(_("Due today"), key="today", width=10)
        table.add_column(_("Out of cadence"), key="neglected", width=15)
        self.load()

    def on_screen_resume(self) -> None:
        # Back from a rep's queue: what was done there (or elsewhere) changed the counts.
        if self.loads:
            self.load()

    @work(exclusive=True, group="team")
    async def load(self) -> None:
        try:
            loads = await self.api.team(self.day)
        except ApiError as exc:
            self.failed(exc, self.load)
            return
        if not self.reached():
            return
        table = self.query_one("#team", DataTable)
        keep, before = cursor_key(table), table.cursor_row
        table.clear()
        self.loads = {w.user.id: w for w in loads}
        for w in loads:
            table.add_row(
                w.user.display_name or w.user.username,
                str(w.overdue),
                str(w.due_today),
                str(w.out_of_cadence),
                key=w.user.id,
            )
        keep_cursor(table, keep, before, self.loads)
        if not loads:
            self.query_one("#title", Static).update(_("Nobody reports to you."))

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        table = self.query_one("#team", DataTable)
        key = cursor_key(table)
        load = self.loads.get(key or "")
        if load is None:
            return
        from tui.screens.queue import QueueScreen

        self.app.push_screen(QueueScreen(self.api, load.user.id, load.user.display_name, self.day))

    def action_refresh(self) -> None:
        self.load()

    # Anyone's queue in the team changing may change the counts.
    LISTENS = frozenset({ChangeKind.QUEUE})

    def reload(self) -> None:
        self.load()
