"""A customer's statement of account (对账单) for a month: the opening balance, every debt,
payment, reversal and write-off, the closing balance; `[` and `]` move a month, `c`
records that the customer's finance department agreed it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from tui.api import ApiError, CrmClient
from tui.api.receivables import Statement
from tui.api.vocabulary import money
from tui.i18n import N_, _
from tui.screens.base import ApiScreen
from tui.widgets.banner import Banner

KIND_WORDS = {
    "debt": N_("invoice"),
    "payment": N_("payment"),
    "reversal": N_("payment reversed"),
    "write_off": N_("written off"),
}


def month_of(day: date) -> tuple[date, date]:
    """The first and last day of the month `day` is in."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


class StatementScreen(ApiScreen):
    BINDINGS = [
        Binding("left_square_bracket", "month(-1)", N_("Earlier")),
        Binding("right_square_bracket", "month(1)", N_("Later")),
        Binding("c", "reconcile", N_("Agreed"), tooltip=N_("The customer agreed it")),
        Binding("question_mark", "help", N_("Help")),
        Binding("escape", "back", N_("Back")),
    ]
    DEFAULT_CSS = """
    #title { height: 2; padding: 0 1; background: $boost; }
    #lines { height: 1fr; }
    #agreed { height: auto; max-height: 4; padding: 0 1; border-top: solid $accent; }
    """

    def __init__(self, api: CrmClient, customer_id: str, day: date) -> None:
        super().__init__(api)
        self.customer_id = customer_id
        self.period = month_of(day)
        self.found: Statement | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Banner()
        yield Static(_("Loading the statement…"), id="title")
        yield DataTable[Any](id="lines", cursor_type="row", zebra_stripes=True)
        yield Static("", id="agreed")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#lines", DataTable).add_columns(
            _("Date"), _("What"), _("Invoice"), _("Amount")
        )
        self.load()

    @work(exclusive=True, group="statement")
    async def load(self) -> None:
        first, last = self.period
        try:
            found = await self.api.statement(self.customer_id, first.isoformat(), last.isoformat())
        except ApiError as exc:
            self.failed(exc, self.load)
            return
        if not self.reached():
            return
        self.found = found
        self.query_one("#title", Static).update(
            _(
                "Statement · {customer} · {start} to {end}\nOpening {opening} · closing {closing}"
            ).format(
                customer=found.customer_name,
                start=found.period_from,
                end=found.period_to,
                opening=money(found.opening) or "0",
                closing=money(found.closing) or "0",
            )
        )
        table = self.query_one("#lines", DataTable)
        table.clear()
        for line in found.lines:
            table.add_row(
                line.on,
                _(KIND_WORDS.get(line.kind, line.kind)),
                line.reference or "—",
                money(line.amount),
            )
        agreed = [
            _("Agreed {start} to {end}: {closing}, by {who}{differences}").format(
                start=start,
                end=end,
                closing=money(closing) or "0",
                who=who,
                differences=f" · {differences}" if differences else "",
            )
            for start, end, closing, who, differences in found.agreed[:3]
        ]
        self.query_one("#agreed", Static).update(
            "\n".join(agreed) or _("No statement agreed with the customer yet.")
        )

    def action_month(self, step: int) -> None:
        first, _last = self.period
        moved = first - timedelta(days=1) if step < 0 else first + timedelta(days=32)
        self.period = month_of(moved)
        self.load()

    def action_reconcile(self) -> None:
        from tui.dialogs.collections import ReconcileDialog

        def recorded(message: str | None) -> None:
            if message:
                self.notify(message)
                self.load()

        first, last = self.period
        self.app.push_screen(ReconcileDialog(self.api, self.customer_id, first, last), recorded)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
