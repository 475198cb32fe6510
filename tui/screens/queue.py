"""The home screen: a salesperson's follow-ups for today: overdue, due today, the next seven
days, each with what to know before calling."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from tui.api import ApiError, CrmClient
from tui.api.followups import Queue, QueueRow
from tui.api.vocabulary import KIND_LABEL, every_days
from tui.screens.base import ApiScreen, cursor_key
from tui.widgets.banner import Banner
from tui.widgets.columns import Column, fit, lay_out

# The customer's name and the last contact get the room a wider terminal has.
COLUMNS = [
    Column("due", "Due", width=8),
    Column("customer", "Customer", share=0.35, least=10),
    Column("grade", "Gr", width=2),
    Column("class", "Cls", width=3),
    Column("purpose", "Purpose", share=0.25, least=8),
    Column("last", "Last contact", share=0.4, least=8),
]

# (attribute, heading in the Due column, what the count is of)
SECTIONS = (
    ("overdue", "OVERDUE", "overdue"),
    ("today", "TODAY", "due today"),
    ("upcoming", "NEXT 7D", "upcoming"),
)


@dataclass
class QueueFilter:
    regions: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = [", ".join(p) for p in (self.regions, self.grades, self.kinds) if p]
        return " · ".join(parts) if parts else "all"


def relative_day(day: date, today: date) -> str:
    """ "3d ago", "today", "in 5d": what a rep reads faster than a date."""
    days = (day - today).days
    if days == 0:
        return "today"
    return f"{-days}d ago" if days < 0 else f"in {days}d"


def every(days: int) -> str:
    return f"contact {every_days(days)}"


def last_contact(row: QueueRow, today: date) -> str:
    if row.last_contact_at is None:
        return "never contacted"
    kind = KIND_LABEL.get(row.last_contact_kind or "", "")
    when = relative_day(row.last_contact_at.astimezone().date(), today)
    return " ".join(p for p in (when, kind, row.last_contact_summary) if p)


class QueueScreen(ApiScreen):
    """`user_id` None is the signed-in user's own queue; a manager may open a rep's."""

    BINDINGS = [
        # The footer shows the day's actions within 80 columns; the rest are on `?` (with
        # the tooltips) and in the command palette.
        Binding("enter", "open", "Open customer", show=False),
        Binding("l", "log", "Log", tooltip="Log the contact"),
        Binding("d", "reschedule", "Reschedule", tooltip="Reschedule, with a reason"),
        Binding("s", "skip", "Skip", tooltip="Skip, with a reason"),
        Binding("f", "filter", "Filter", tooltip="Filter by region, grade, kind"),
        Binding("r", "refresh", "Refresh", show=False),
        Binding("t", "team", "Team", tooltip="Team view (managers)"),
        Binding("c", "customers", "Customers"),
        Binding("v", "visits", "Visit plan", show=False),
        Binding("a", "access", "Access requests", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("escape", "back", "Back", show=False),
        Binding("q", "quit", "Quit", show=False),
        # Above the table's own home/end, which scroll sideways.
        Binding("home", "first", "First", show=False, priority=True),
        Binding("end", "last", "Last", show=False, priority=True),
    ]
    DEFAULT_CSS = """
    #title { height: 1; padding: 0 1; background: $boost; }
    #rows { height: 1fr; }
    #detail { height: 5; padding: 0 1; border-top: solid $accent; }
    """

    def __init__(
        self, api: CrmClient, user_id: str | None = None, who: str = "", day: date | None = None
    ) -> None:
        """`day` None is the company's today; another day shows that day's queue."""
        super().__init__(api)
        self.user_id = user_id
        self.day = day
        self.who = who
        self.filter = QueueFilter()
        self.queue: Queue | None = None
        self.rows: dict[str, QueueRow] = {}
        self._width = 0  # the width the columns were laid out for

    def compose(self) -> ComposeResult:
        yield Header()
        yield Banner()
        yield Static("Loading the queue…", id="title")
        table: DataTable[str] = DataTable(id="rows", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def on_resize(self) -> None:
        # Columns follow the width: the customer's name gets the room a wider terminal has.
        if self.queue is not None and self.size.width != self._width:
            self.show(self.queue)

    def on_screen_resume(self) -> None:
        if self.queue is not None:
            self.load()

    # --- loading ------------------------------------------------------------------------

    @work(exclusive=True, group="queue")
    async def load(self) -> None:
        try:
            queue = await self.api.queue(
                self.user_id,
                day=self.day,
                regions=self.filter.regions,
                grades=self.filter.grades,
                kinds=self.filter.kinds,
            )
        except ApiError as exc:
            self.failed(exc, self.load)
            return
        self.reached()
        self.show(queue)

    def show(self, queue: Queue) -> None:
        self.queue = queue
        table = self.query_one("#rows", DataTable)
        keep = self.current_row()
        self._width = self.size.width
        lay_out(table, COLUMNS, self._width)
        self.rows = {}
        for name, label, meaning in SECTIONS:
            section = getattr(queue, name)
            shown = f", {len(section.rows)} shown" if section.has_more else ""
            table.add_row(
                fit(label, "bold"),
                fit(f"{section.total} {meaning}{shown}", "bold"),
                *[""] * (len(table.columns) - 2),
                key=f"section:{name}",
            )
            for row in section.rows:
                self.rows[row.id] = row
                table.add_row(
                    relative_day(row.due_on, queue.day),
                    fit(row.customer_name),
                    row.grade,
                    (row.abc_class or "") + row.marks(),
                    fit(row.purpose),
                    fit(last_contact(row, queue.day)),
                    key=row.id,
                )
        whose = queue.user.display_name or queue.user.username
        neglected = f" · {queue.neglected} out of cadence" if queue.neglected else ""
        self.query_one("#title", Static).update(
            f"{whose} · {queue.day.isoformat()} · filter: {self.filter.describe()}{neglected}"
        )
        self._restore(keep)

    def _restore(self, keep: str | None) -> None:
        table = self.query_one("#rows", DataTable)
        if keep and keep in self.rows:
            table.move_cursor(row=table.get_row_index(keep))
        elif self.rows:
            table.move_cursor(row=table.get_row_index(next(iter(self.rows))))
        self.update_detail()

    def current_row(self) -> str | None:
        table = self.query_one("#rows", DataTable)
        key = cursor_key(table)
        return key if key in self.rows else None

    def selected(self) -> QueueRow | None:
        key = self.current_row()
        return self.rows.get(key) if key else None

    @on(DataTable.RowHighlighted)
    def update_detail(self) -> None:
        row = self.selected()
        detail = self.query_one("#detail", Static)
        if row is None:
            empty = self.queue is not None and not self.rows
            detail.update("Nothing due. Press f to change the filter." if empty else "")
            return
        dm = row.decision_maker.line() if row.decision_maker else "none marked"
        ally = row.ally.line() if row.ally else "none"
        detail.update(
            f"[b]{row.customer_name}[/b] {row.region} · grade {row.grade} · "
            f"{every(row.cadence_days)} · {KIND_LABEL.get(row.kind, row.kind)}\n"
            f"Last: {last_contact(row, self.queue.day if self.queue else row.due_on)}\n"
            f"Decision maker: {dm}   Ally: {ally}\n"
            f"Purpose: {row.purpose or '—'}   Expected: {row.expected_order() or '—'}"
        )

    # --- actions ------------------------------------------------------------------------

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Log contact", "Log a contact with the selected customer", self.action_log
        )
        yield SystemCommand("Reschedule", "Move the selected follow-up", self.action_reschedule)
        yield SystemCommand("Skip", "Skip the selected follow-up, with a reason", self.action_skip)
        yield SystemCommand("Filter the queue", "By region, grade, kind", self.action_filter)
        yield SystemCommand("Refresh", "Load the queue again", self.action_refresh)

    def action_refresh(self) -> None:
        self.load()

    def action_first(self) -> None:
        """To the first follow-up of the queue (past the heading)."""
        if self.rows:
            table = self.query_one("#rows", DataTable)
            table.move_cursor(row=table.get_row_index(next(iter(self.rows))))

    def action_last(self) -> None:
        if self.rows:
            table = self.query_one("#rows", DataTable)
            table.move_cursor(row=table.get_row_index(list(self.rows)[-1]))

    def _row_for(self, what: str) -> QueueRow | None:
        """The follow-up under the cursor, or a word on why nothing happens."""
        row = self.selected()
        if row is None:
            self.notify(
                f"Move to a follow-up to {what}: the cursor is on a section heading."
                if self.rows
                else f"Nothing to {what}: the queue is empty.",
                severity="warning",
            )
        return row

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        row = self.selected()
        if row is not None:
            from tui.screens.customer import CustomerScreen

            self.app.push_screen(CustomerScreen(self.api, row.customer_id))

    def action_customers(self) -> None:
        from tui.screens.customers import CustomersScreen

        self.app.push_screen(CustomersScreen(self.api))

    def action_visits(self) -> None:
        from tui.screens.visits import VisitPlanScreen

        row = self.selected()
        self.app.push_screen(VisitPlanScreen(self.api, row.region if row else "", self.day))

    def action_access(self) -> None:
        from tui.screens.access import AccessRequestsScreen

        self.app.push_screen(AccessRequestsScreen(self.api))

    def action_log(self) -> None:
        row = self._row_for("log")
        if row is None:
            return
        from tui.dialogs.log_contact import LogContactDialog

        today = self.queue.day if self.queue else None
        self.app.push_screen(LogContactDialog(self.api, row, today), self._after_write)

    def action_reschedule(self) -> None:
        row = self._row_for("reschedule")
        if row is None:
            return
        from tui.dialogs.reason import RescheduleDialog

        self.app.push_screen(RescheduleDialog(self.api, row), self._after_write)

    def action_skip(self) -> None:
        row = self._row_for("skip")
        if row is None:
            return
        from tui.dialogs.reason import SkipDialog

        self.app.push_screen(SkipDialog(self.api, row), self._after_write)

    def _after_write(self, message: str | None) -> None:
        if message:
            self.notify(message)
            self.load()

    def action_filter(self) -> None:
        from tui.dialogs.filter import FilterDialog

        def chosen(flt: QueueFilter | None) -> None:
            if flt is not None:
                self.filter = flt
                self.load()

        self.app.push_screen(FilterDialog(self.filter), chosen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The team view is for managers: hidden from a rep's footer.
        if action == "team":
            user = self.api.user
            return user is not None and user.sees_team
        return True

    def action_team(self) -> None:
        user = self.api.user
        if user is None or not user.sees_team:
            self.notify("The team view is for managers.", severity="warning")
            return
        from tui.screens.team import TeamScreen

        self.app.push_screen(TeamScreen(self.api, self.day))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def action_quit(self) -> None:
        self.app.exit()
