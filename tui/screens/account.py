"""A customer's account: their money as finance works it, without the archive (finance may
not read it). Opened from collections with `enter`: the head, the debts and payments, and
the money actions."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from tui.api import ApiError, CrmClient
from tui.i18n import N_, _
from tui.screens.base import ApiScreen
from tui.screens.money import MoneyActions, money_columns
from tui.widgets.banner import Banner


class AccountScreen(MoneyActions, ApiScreen):
    BINDINGS = [
        Binding("p", "pay", N_("Payment"), tooltip=N_("Record a payment")),
        Binding("v", "reverse", N_("Reverse"), tooltip=N_("Reverse a payment")),
        Binding("u", "dispute", N_("Dispute"), tooltip=N_("Disputed, or resolved")),
        Binding("w", "write_off", N_("Write off"), tooltip=N_("Propose writing off a debt")),
        Binding("s", "statement", N_("Statement"), tooltip=N_("Statement of account")),
        Binding("h", "hold", N_("Hold"), tooltip=N_("Stop or resume supply")),
        Binding("r", "refresh", N_("Refresh"), show=False),
        Binding("question_mark", "help", N_("Help"), show=False),
        Binding("escape", "back", N_("Back")),
    ]
    DEFAULT_CSS = """
    #title { height: 1; padding: 0 1; background: $boost; }
    #money-summary { height: auto; padding: 0 1; }
    #money-table { height: 1fr; }
    """

    def __init__(self, api: CrmClient, customer_id: str, name: str) -> None:
        super().__init__(api)
        self.customer_id = customer_id
        self.name_shown = name

    def compose(self) -> ComposeResult:
        yield Header()
        yield Banner()
        yield Static(_("Account · {customer}").format(customer=self.name_shown), id="title")
        yield Static(_("Loading…"), id="money-summary")
        yield DataTable[Any](id="money-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#money-table", DataTable).add_columns(*money_columns())
        self.load_money()

    @work(exclusive=True, group="money")
    async def load_money(self) -> None:
        try:
            account = await self.api.account(self.customer_id)
        except ApiError as exc:
            self.failed(exc, self.load_money)
            return
        if not self.reached():
            return
        self.show_money(account)

    def action_pay(self) -> None:
        if self.account is not None:
            from tui.dialogs.collections import PaymentDialog

            self.app.push_screen(PaymentDialog(self.api, self.account), self._after_money)

    def action_hold(self) -> None:
        if self.account is not None:
            from tui.dialogs.collections import HoldDialog

            self.app.push_screen(HoldDialog(self.api, self.account), self._after_money)

    def action_refresh(self) -> None:
        self.load_money()

    def action_back(self) -> None:
        self.app.pop_screen()
