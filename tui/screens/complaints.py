"""The complaint board: the open complaints the viewer reads, grouped by step in the order
of the work, each with its customer, category, age and the time left in its step (red
once overdue). Service staff open on it; everyone reaches it with `b` from the queue and
from the palette."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from tui.api import ApiError, CrmClient
from tui.api.complaints import Board, ComplaintCard
from tui.api.live import ChangeKind
from tui.api.vocabulary import (
    COMPLAINT_CATEGORY_LABEL,
    COMPLAINT_KIND_LABEL,
    COMPLAINT_STEP_LABEL,
    SEVERITY_LABEL,
)
from tui.i18n import N_, _, duration, time_left
from tui.screens.base import ApiScreen, cursor_key, keep_cursor
from tui.widgets.banner import Banner
from tui.widgets.columns import Column, fit, lay_out

COLUMNS = [
    Column("due", N_("Time left"), width=10),
    Column("customer", N_("Customer"), share=0.4, least=8),
    Column("subject", N_("Subject"), share=0.6, least=8),
    Column("category", N_("Category"), width=12),
    Column("age", N_("Age"), width=6),
    Column("who", N_("Assignee"), width=6),
]


def moment(text: str | None) -> datetime | None:
    """A timestamp the server sent (ISO 8601 with its offset)."""
    return datetime.fromisoformat(text) if text else None


def due_cell(card: ComplaintCard, now: datetime) -> Text:
    """The time left in the step; red, bold, once past due."""
    due = moment(card.step_due_at)
    if due is None:
        return Text("")
    late = due < now
    return Text(time_left(due, now), style="bold red" if late else "")  # not text


class ComplaintBoardScreen(ApiScreen):
    BINDINGS = [
        Binding("enter", "open", N_("Open"), show=False),
        Binding("o", "overdue", N_("Overdue"), tooltip=N_("Only overdue complaints, or all")),
        Binding("m", "mine", N_("Mine"), tooltip=N_("Only those assigned to me, or all")),
        Binding("r", "refresh", N_("Refresh")),
        Binding("question_mark", "help", N_("Help")),
        Binding("escape", "back", N_("Back")),
        Binding("q", "quit", N_("Quit"), show=False),
    ]
    DEFAULT_CSS = """
    #title { height: 1; padding: 0 1; background: $boost; }
    #cards { height: 1fr; }
    #detail { height: 4; padding: 0 1; border-top: solid $accent; }
    """

    def __init__(self, api: CrmClient) -> None:
        super().__init__(api)
        self.board: Board | None = None
        self.cards: dict[str, ComplaintCard] = {}
        self.overdue_only = False
        self.mine_only = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Banner()
        yield Static(_("Loading the complaints…"), id="title")
        yield DataTable[Any](id="cards", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        if self.board is not None:
            self.load()

    def _filter(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.overdue_only:
            found["overdue"] = True
        if self.mine_only and self.api.user is not None:
            found["assigneeId"] = self.api.user.id
        return found

    @work(exclusive=True, group="board")
    async def load(self) -> None:
        try:
            board = await self.api.complaint_board(self._filter() or None)
        except ApiError as exc:
            self.failed(exc, self.load)
            return
        if not self.reached():
            return
        self.show(board)

    def show(self, board: Board) -> None:
        self.board = board
        table = self.query_one("#cards", DataTable)
        keep, before = cursor_key(table), table.cursor_row
        lay_out(table, COLUMNS, self.size.width)
        now = self.crm.company_now()
        self.cards = {}
        for column in board.columns:
            if not column.count:
                continue
            late = (
                _(" · {n} overdue").format(n=column.overdue_count) if column.overdue_count else ""
            )
            table.add_row(
                "",
                fit(COMPLAINT_STEP_LABEL.get(column.step, column.step), "bold"),
                fit(_("{n} waiting{late}").format(n=column.count, late=late), "bold"),
                "",
                "",
                "",
                key=f"step:{column.step}",
            )
            for card in column.cards:
                self.cards[card.id] = card
                received = moment(card.received_at)
                age = duration(int((now - received).total_seconds())) if received else ""
                table.add_row(
                    due_cell(card, now),
                    fit(card.customer_name),
                    fit(card.subject),
                    fit(COMPLAINT_CATEGORY_LABEL.get(card.category, card.category)),
                    age,
                    fit(card.assignee.name if card.assignee else "—"),
                    key=card.id,
                )
        shown = []
        if self.overdue_only:
            shown.append(_("overdue"))
        if self.mine_only:
            shown.append(_("assigned to me"))
        self.query_one("#title", Static).update(
            _("Complaints · {open} open · {overdue} overdue · showing: {shown}").format(
                open=board.open_count,
                overdue=board.overdue_count,
                shown=", ".join(shown) or _("all"),
            )
        )
        keep_cursor(table, keep, before, self.cards)
        self.update_detail()

    def selected(self) -> ComplaintCard | None:
        return self.cards.get(cursor_key(self.query_one("#cards", DataTable)) or "")

    @on(DataTable.RowHighlighted, "#cards")
    def update_detail(self) -> None:
        card = self.selected()
        detail = self.query_one("#detail", Static)
        if card is None:
            empty = self.board is not None and not self.cards
            detail.update(_("No open complaints here.") if empty else "")
            return
        due = moment(card.step_due_at)
        detail.update(
            Text.from_markup(
                _(
                    "[b]{subject}[/b] · {customer}\n"
                    "{category} / {kind} · severity {severity}\n"
                    "Step: {step}, due {due}"
                ).format(
                    subject=escape(card.subject),
                    customer=escape(card.customer_name),
                    category=COMPLAINT_CATEGORY_LABEL.get(card.category, card.category),
                    kind=COMPLAINT_KIND_LABEL.get(card.kind, card.kind),
                    severity=SEVERITY_LABEL.get(card.severity, card.severity),
                    step=COMPLAINT_STEP_LABEL.get(card.step, card.step),
                    due=due.astimezone(self.crm.company_now().tzinfo).strftime("%m-%d %H:%M")
                    if due
                    else "—",
                )
            )
        )

    @on(DataTable.RowSelected, "#cards")
    def action_open(self) -> None:
        card = self.selected()
        if card is None:
            return
        from tui.screens.complaint import ComplaintScreen

        self.app.push_screen(ComplaintScreen(self.api, card.id))

    def action_overdue(self) -> None:
        self.overdue_only = not self.overdue_only
        self.load()

    def action_mine(self) -> None:
        self.mine_only = not self.mine_only
        self.load()

    def action_refresh(self) -> None:
        self.load()

    LISTENS = frozenset({ChangeKind.COMPLAINT})

    def reload(self) -> None:
        self.load()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            _("Overdue complaints"), _("Only overdue complaints, or all"), self.action_overdue
        )
        yield SystemCommand(
            _("My complaints"), _("Only those assigned to me, or all"), self.action_mine
        )

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def action_quit(self) -> None:
        self.app.exit()
