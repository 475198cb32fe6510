"""Aging (账龄): what the viewer may read of the debts, by how long past due, as of today.
A bar per bucket for the whole (block characters: no chart library needed for six bars),
then the rows grouped as chosen (`g`: by rep, by team, by customer), with DSO."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from tui.api import ApiError, CrmClient
from tui.api.receivables import Aging
from tui.api.records import Money
from tui.api.vocabulary import AGING_GROUP_LABEL, money
from tui.i18n import N_, _
from tui.screens.base import ApiScreen
from tui.widgets.banner import Banner

GROUPS = ("OWNER", "TEAM", "CUSTOMER")
BAR_WIDTH = 30


def _value(amount: Money | None) -> Decimal:
    try:
        return Decimal(amount.amount) if amount else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def bucket_labels(edges: list[int]) -> list[str]:
    """Not yet due, 1–30, 31–60, …, over the last edge."""
    labels = [_("not yet due")]
    low = 1
    for edge in edges:
        labels.append(_("{low}–{high} days").format(low=low, high=edge))
        low = edge + 1
    labels.append(_("over {n} days").format(n=low - 1))
    return labels


def bars(aging: Aging) -> Text:
    """One line per bucket: its label, a bar in proportion to the largest, the amount."""
    out = Text()
    if not aging.rows:
        return out
    amounts = aging.rows[0].buckets
    largest = max((_value(a) for a in amounts), default=Decimal(0)) or Decimal(1)
    labels = bucket_labels(aging.edges)
    width = max(len(label) for label in labels)
    for index, (label, amount) in enumerate(zip(labels, amounts, strict=False)):
        filled = int(_value(amount) / largest * BAR_WIDTH)
        style = "green" if index == 0 else "red" if index >= 3 else "yellow"  # not text
        out.append(f"{label:<{width}} ")
        out.append("█" * filled, style=style)
        out.append("·" * (BAR_WIDTH - filled), style="dim")
        out.append(f" {money(amount) or '0'}\n")
    return out


class AgingScreen(ApiScreen):
    BINDINGS = [
        Binding("g", "group", N_("Group"), tooltip=N_("By rep, by team or by customer")),
        Binding("r", "refresh", N_("Refresh"), show=False),
        Binding("question_mark", "help", N_("Help")),
        Binding("escape", "back", N_("Back")),
        Binding("q", "quit", N_("Quit"), show=False),
    ]
    DEFAULT_CSS = """
    #title { height: 1; padding: 0 1; background: $boost; }
    #chart { height: auto; padding: 0 1; }
    #rows { height: 1fr; }
    """

    def __init__(self, api: CrmClient) -> None:
        super().__init__(api)
        self.group = GROUPS[0]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Banner()
        yield Static(_("Loading the aging…"), id="title")
        yield Static("", id="chart")
        yield DataTable[Any](id="rows", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="aging")
    async def load(self) -> None:
        try:
            whole = await self.api.aging("COMPANY")
            rows = await self.api.aging(self.group, first=50)
        except ApiError as exc:
            self.failed(exc, self.load)
            return
        if not self.reached():
            return
        self.show(whole, rows)

    def show(self, whole: Aging, rows: Aging) -> None:
        total = whole.rows[0] if whole.rows else None
        self.query_one("#title", Static).update(
            _("As of {day} · owed {total} · overdue {overdue} · DSO {dso}").format(
                day=whole.as_of,
                total=money(total.total) if total else "0",
                overdue=money(total.overdue) if total else "0",
                dso=(total.dso if total and total.dso else "—"),
            )
        )
        self.query_one("#chart", Static).update(bars(whole))
        table = self.query_one("#rows", DataTable)
        table.clear(columns=True)
        table.add_column(AGING_GROUP_LABEL.get(self.group, self.group), key="name")
        table.add_column(_("Overdue"), key="overdue")
        table.add_column(_("Total"), key="total")
        table.add_column(_("Over {n} days").format(n=rows.edges[2] if len(rows.edges) > 2 else 90))
        table.add_column(_("DSO"), key="dso")
        for row in rows.rows:
            old = sum((_value(b) for b in row.buckets[4:]), Decimal(0))
            currency = row.total.currency if row.total else "CNY"
            table.add_row(
                row.name or "—",
                money(row.overdue) or "0",
                money(row.total) or "0",
                money(Money(str(old), currency)) or "0",
                row.dso or "—",
            )

    def action_group(self) -> None:
        self.group = GROUPS[(GROUPS.index(self.group) + 1) % len(GROUPS)]
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def action_quit(self) -> None:
        self.app.exit()
