"""A customer's account: their money as finance works it, without the archive (finance may
not read it). Opened from collections with `enter`: the head, the debts and payments, and
the money actions (the panel's, tui/screens/money.py)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from tui.api import CrmClient
from tui.i18n import N_, _
from tui.screens.base import ApiScreen
from tui.screens.money import AccountMoneyPanel
from tui.widgets.banner import Banner


class AccountScreen(ApiScreen):
    BINDINGS = [
        Binding("r", "refresh", N_("Refresh"), show=False),
        Binding("question_mark", "help", N_("Help"), show=False),
        Binding("escape", "back", N_("Back")),
    ]
    DEFAULT_CSS = """
    #title { height: 1; padding: 0 1; background: $boost; }
    #money-summary { padding: 0 1; }
    """

    def __init__(self, api: CrmClient, customer_id: str, name: str) -> None:
        super().__init__(api)
        self.customer_id = customer_id
        self.name_shown = name

    def compose(self) -> ComposeResult:
        yield Header()
        yield Banner()
        yield Static(_("Account · {customer}").format(customer=self.name_shown), id="title")
        yield AccountMoneyPanel(self.api, self.customer_id, loading=_("Loading…"))
        yield Footer()

    @property
    def money(self) -> AccountMoneyPanel:
        return self.query_one(AccountMoneyPanel)

    def on_mount(self) -> None:
        self.query_one("#money-table", DataTable).focus()
        self.money.load()

    def action_refresh(self) -> None:
        self.money.load()

    def action_back(self) -> None:
        self.app.pop_screen()
