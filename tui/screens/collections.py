"""Collections (催收): the overdue customers the viewer reads, grouped by the step of the
ladder they stand on, each with what is overdue, for how long, why, and when the next
action is due. Finance opens on it; everyone reaches it with `$` from the queue and from
the palette. Keys act on the selected case: classify, take a step, log an action, record a
payment, stop or resume supply; `g` shows the aging."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from tui.api import ApiError, CrmClient
from tui.api.live import ChangeKind
from tui.api.receivables import Account, CaseCard, CaseDetail, CollectionColumn
from tui.api.vocabulary import CLASSIFICATION_LABEL, COLLECTION_STEP_LABEL, money
from tui.i18n import N_, _, ngettext
from tui.screens.base import ApiScreen, cursor_key, keep_cursor
from tui.widgets.banner import Banner
from tui.widgets.columns import Column, fit, lay_out

COLUMNS = [
    Column("customer", N_("Customer"), share=1.0, least=10),
    Column("overdue", N_("Overdue"), width=16),
    Column("days", N_("Days"), width=5),
    Column("why", N_("Why"), width=12),
    Column("next", N_("Next action"), width=11),
]


class CollectionsScreen(ApiScreen):
    BINDINGS = [
        Binding("enter", "open", N_("Open"), show=False),
        Binding("c", "classify", N_("Classify"), tooltip=N_("Why the debt is overdue")),
        Binding("s", "step", N_("Step"), tooltip=N_("Take a step of the ladder")),
        Binding("l", "log", N_("Log"), tooltip=N_("Log an action at this step")),
        Binding("p", "pay", N_("Payment"), tooltip=N_("Record a payment")),
        Binding("h", "hold", N_("Hold"), tooltip=N_("Stop or resume supply")),
        Binding("g", "aging", N_("Aging")),
        Binding("w", "write_offs", N_("Write-offs"), tooltip=N_("Write-offs to decide")),
        Binding("m", "mine", N_("Mine"), tooltip=N_("Only my customers, or all"), show=False),
        Binding("r", "refresh", N_("Refresh"), show=False),
        Binding("question_mark", "help", N_("Help")),
        Binding("escape", "back", N_("Back")),
        Binding("q", "quit", N_("Quit"), show=False),
    ]
    DEFAULT_CSS = """
    #title { height: 1; padding: 0 1; background: $boost; }
    #cases { height: 1fr; }
    #detail { height: 4; padding: 0 1; border-top: solid $accent; }
    """

    def __init__(self, api: CrmClient) -> None:
        super().__init__(api)
        self.columns: list[CollectionColumn] | None = None
        self.cases: dict[str, CaseCard] = {}
        self.mine_only = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Banner()
        yield Static(_("Loading the collection cases…"), id="title")
        yield DataTable[Any](id="cases", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        if self.columns is not None:
            self.load()

    @work(exclusive=True, group="collections")
    async def load(self) -> None:
        try:
            columns = await self.api.collections(mine=self.mine_only)
        except ApiError as exc:
            self.failed(exc, self.load)
            return
        if not self.reached():
            return
        self.show(columns)

    def show(self, columns: list[CollectionColumn]) -> None:
        self.columns = columns
        table = self.query_one("#cases", DataTable)
        keep, before = cursor_key(table), table.cursor_row
        lay_out(table, COLUMNS, self.size.width)
        self.cases = {}
        total = 0
        for column in columns:
            if not column.count:
                continue
            total += column.count
            table.add_row(
                fit(COLLECTION_STEP_LABEL.get(column.step, column.step), "bold"),
                fit(
                    ngettext("{n} customer", "{n} customers", column.count).format(n=column.count),
                    "bold",
                ),
                "",
                "",
                "",
                key=f"step:{column.step}",
            )
            for case in column.cases:
                self.cases[case.id] = case
                late = case.oldest_days_overdue
                table.add_row(
                    fit(case.customer_name),
                    Text(money(case.overdue), style="bold red" if late > 90 else ""),  # not text
                    str(late),
                    fit(CLASSIFICATION_LABEL.get(case.classification or "", "—")),
                    case.next_action_on or "—",
                    key=case.id,
                )
        mine = _("my customers") if self.mine_only else _("all")
        self.query_one("#title", Static).update(
            _("Collections · {n} overdue customers · showing: {shown}").format(n=total, shown=mine)
        )
        keep_cursor(table, keep, before, self.cases)
        self.update_detail()

    def selected(self) -> CaseCard | None:
        return self.cases.get(cursor_key(self.query_one("#cases", DataTable)) or "")

    @on(DataTable.RowHighlighted, "#cases")
    def update_detail(self) -> None:
        case = self.selected()
        detail = self.query_one("#detail", Static)
        if case is None:
            empty = self.columns is not None and not self.cases
            detail.update(_("Nobody owes anything overdue.") if empty else "")
            return
        detail.update(
            Text.from_markup(
                _(
                    "[b]{customer}[/b] · step: {step}\n"
                    "Overdue {overdue}, the oldest {days} days · {why}\n"
                    "Next action: {next}"
                ).format(
                    customer=escape(case.customer_name),
                    step=COLLECTION_STEP_LABEL.get(case.step, case.step),
                    overdue=money(case.overdue) or "0",
                    days=case.oldest_days_overdue,
                    why=CLASSIFICATION_LABEL.get(case.classification or "", _("not classified")),
                    next=case.next_action_on or "—",
                )
            )
        )

    @on(DataTable.RowSelected, "#cases")
    def action_open(self) -> None:
        card = self.selected()
        if card is None:
            return
        from tui.screens.account import AccountScreen

        self.app.push_screen(AccountScreen(self.api, card.customer_id, card.customer_name))

    @work(exclusive=True, group="act")
    async def _act(self, make: Callable[[CaseDetail, Account], Any]) -> None:
        """Read the selected case and its customer's account afresh, then open a dialog."""
        card = self.selected()
        if card is None:
            return
        try:
            case = await self.api.collection_case(card.id)
            account = await self.api.account(card.customer_id)
        except ApiError as exc:
            self.failed(exc, lambda: self._act(make))
            return
        if case is None or account is None:
            self.notify(_("This case is no longer there."), severity="warning")
            self.load()
            return
        dialog = make(case, account)
        if dialog is not None:
            self.app.push_screen(dialog, self._done)

    def _done(self, message: str | None) -> None:
        if message:
            self.notify(message)
            self.load()

    def action_classify(self) -> None:
        from tui.dialogs.collections import ClassifyDialog

        self._act(lambda case, account: ClassifyDialog(self.api, case))

    def action_step(self) -> None:
        from tui.dialogs.collections import LadderDialog

        def make(case: CaseDetail, account: Account) -> Any:
            if not case.steps:
                self.notify(
                    _("Classify the debt first: the steps open by its classification."),
                    severity="warning",
                )
                return None
            return LadderDialog(self.api, case, account)

        self._act(make)

    def action_log(self) -> None:
        from tui.dialogs.collections import LogActionDialog

        self._act(lambda case, account: LogActionDialog(self.api, case))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys for what the viewer may not do are hidden: a rep neither stops supply nor
        decides write-offs (finance and managers do)."""
        if action in ("hold", "write_offs"):
            user = self.api.user
            return user is not None and user.works_credit
        return True

    def action_pay(self) -> None:
        from tui.dialogs.collections import PaymentDialog

        self._act(lambda case, account: PaymentDialog(self.api, account))

    def action_hold(self) -> None:
        from tui.dialogs.collections import HoldDialog

        self._act(lambda case, account: HoldDialog(self.api, account))

    def action_aging(self) -> None:
        from tui.screens.aging import AgingScreen

        self.app.push_screen(AgingScreen(self.api))

    def action_write_offs(self) -> None:
        from tui.screens.writeoffs import WriteOffsScreen

        self.app.push_screen(WriteOffsScreen(self.api))

    def action_mine(self) -> None:
        self.mine_only = not self.mine_only
        self.load()

    def action_refresh(self) -> None:
        self.load()

    LISTENS = frozenset({ChangeKind.MONEY})

    def reload(self) -> None:
        self.load()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(_("Aging"), _("What is owed, by how long past due"), self.action_aging)
        yield SystemCommand(
            _("My collections"), _("Only my customers' cases, or all"), self.action_mine
        )
        yield SystemCommand(
            _("Write-offs"), _("Write-offs waiting for a decision"), self.action_write_offs
        )

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def action_quit(self) -> None:
        self.app.exit()
