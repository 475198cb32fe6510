"""The home screen: a salesperson's follow-ups for today: overdue, due today, the next seven
days, each with what to know before calling."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from tui.api import ApiError, CrmClient
from tui.api.complaints import ComplaintCard
from tui.api.followups import Queue, QueueRow
from tui.api.live import Change, ChangeKind
from tui.api.vocabulary import COMPLAINT_STEP_LABEL, KIND_LABEL, contact_every
from tui.dialogs.filter import QueueFilter
from tui.i18n import N_, _, ngettext, relative_day
from tui.keys import place_bindings
from tui.screens.base import ApiScreen, cursor_key, keep_cursor
from tui.widgets.banner import Banner
from tui.widgets.columns import Column, fit, lay_out

# The customer's name and the last contact get the room a wider terminal has.
COLUMNS = [
    Column("due", N_("Due"), width=8),
    Column("customer", N_("Customer"), share=0.35, least=10),
    Column("grade", N_("Gr"), width=2),
    Column("class", N_("Cls"), width=3),
    Column("purpose", N_("Purpose"), share=0.25, least=8),
    Column("last", N_("Last contact"), share=0.4, least=8),
]

# (attribute, heading in the Due column, what the count is of)
SECTIONS = (
    ("overdue", N_("OVERDUE"), N_("overdue")),
    ("today", N_("TODAY"), N_("due today")),
    ("upcoming", N_("NEXT 7D"), N_("upcoming")),
)


def last_contact(row: QueueRow, today: date) -> str:
    if row.last_contact_at is None:
        return _("never contacted")
    kind = KIND_LABEL.get(row.last_contact_kind or "", "")
    when = relative_day(row.last_contact_at.astimezone().date(), today)
    return " ".join(p for p in (when, kind, row.last_contact_summary) if p)


class QueueScreen(ApiScreen):
    """`user_id` None is the signed-in user's own queue; a manager may open a rep's."""

    BINDINGS = [
        # The footer shows the day's actions within 80 columns; the rest are on `?` (with
        # the tooltips) and in the command palette.
        Binding("enter", "open", N_("Open customer"), show=False),
        Binding("l", "log", N_("Log"), tooltip=N_("Log the contact")),
        Binding("d", "reschedule", N_("Reschedule"), tooltip=N_("Reschedule, with a reason")),
        Binding("s", "skip", N_("Skip"), tooltip=N_("Skip, with a reason")),
        Binding("f", "filter", N_("Filter"), tooltip=N_("Filter by region, grade, kind")),
        Binding("r", "refresh", N_("Refresh"), show=False),
        # The places every signed-in user reaches (tui/keys.py); the queue opens the visit
        # plan on the selected row's region, and the team view only for managers.
        *place_bindings(own=frozenset({"visits", "team"})),
        Binding("k", "complain", N_("Complaint"), tooltip=N_("Record a complaint"), show=False),
        Binding("question_mark", "help", N_("Help")),
        Binding("escape", "back", N_("Back"), show=False),
        Binding("q", "quit", N_("Quit"), show=False),
        # Above the table's own home/end, which scroll sideways.
        Binding("home", "first", N_("First"), show=False, priority=True),
        Binding("end", "last", N_("Last"), show=False, priority=True),
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
        self.complaints: dict[str, ComplaintCard] = {}
        self._width = 0  # the width the columns were laid out for

    def compose(self) -> ComposeResult:
        yield Header()
        yield Banner()
        yield Static(_("Loading the queue…"), id="title")
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
        if not self.reached():
            return
        self.show(queue)

    def show(self, queue: Queue) -> None:
        self.queue = queue
        table = self.query_one("#rows", DataTable)
        keep, before = cursor_key(table), table.cursor_row
        self._width = self.size.width
        lay_out(table, COLUMNS, self._width)
        self.rows = {}
        self.complaints = {}
        if queue.complaints:
            self._complaint_rows(table, queue)
        for name, label, meaning in SECTIONS:
            section = getattr(queue, name)
            shown = _(", {n} shown").format(n=len(section.rows)) if section.has_more else ""
            table.add_row(
                fit(_(label), "bold"),
                fit(f"{section.total} {_(meaning)}{shown}", "bold"),
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
        neglected = _(" · {n} out of cadence").format(n=queue.neglected) if queue.neglected else ""
        self.query_one("#title", Static).update(
            _("{whose} · {day} · filter: {filter}{neglected}").format(
                whose=whose,
                day=queue.day.isoformat(),
                filter=self.filter.describe(),
                neglected=neglected,
            )
        )
        self._restore(keep, before)

    def _complaint_rows(self, table: DataTable[Any], queue: Queue) -> None:
        """Complaints past their step's time escalated to this person: first, in red."""
        from tui.screens.complaints import due_cell

        now = self.crm.company_now()
        table.add_row(
            fit(_("ESCAL."), "bold red"),  # not text
            fit(
                ngettext(
                    "{n} complaint past its step's time",
                    "{n} complaints past their step's time",
                    queue.complaints_total,
                ).format(n=queue.complaints_total),
                "bold red",  # not text
            ),
            *[""] * (len(table.columns) - 2),
            key="section:complaints",
        )
        for card in queue.complaints:
            key = f"complaint:{card.id}"
            self.complaints[key] = card
            table.add_row(
                due_cell(card, now),
                fit(card.customer_name),
                "",
                "",
                fit(card.subject),
                fit(COMPLAINT_STEP_LABEL.get(card.step, card.step)),
                key=key,
            )

    def _restore(self, keep: str | None, before: int) -> None:
        """The cursor stays on its row through a reload (on the next row when that one
        went); on the first follow-up when the queue is new."""
        table = self.query_one("#rows", DataTable)
        if keep is None or keep.startswith("section:"):
            keep_cursor(table, None, 0, self.rows)
        else:
            keep_cursor(table, keep, before, [*self.complaints, *self.rows])
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
            detail.update(_("Nothing due. Press f to change the filter.") if empty else "")
            return
        dm = row.decision_maker.line() if row.decision_maker else _("none marked")
        ally = row.ally.line() if row.ally else _("none")
        detail.update(
            _(
                "[b]{customer}[/b] {region} · grade {grade} · {cadence} · {kind}\n"
                "Last: {last}\n"
                "Decision maker: {decider}   Ally: {ally}\n"
                "Purpose: {purpose}   Expected: {expected}"
            ).format(
                customer=row.customer_name,
                region=row.region,
                grade=row.grade,
                cadence=contact_every(row.cadence_days),
                kind=KIND_LABEL.get(row.kind, row.kind),
                last=last_contact(row, self.queue.day if self.queue else row.due_on),
                decider=dm,
                ally=ally,
                purpose=row.purpose or "—",
                expected=row.expected_order() or "—",
            )
        )

    # --- actions ------------------------------------------------------------------------

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            _("Log contact"), _("Log a contact with the selected customer"), self.action_log
        )
        yield SystemCommand(
            _("Reschedule"), _("Move the selected follow-up"), self.action_reschedule
        )
        yield SystemCommand(
            _("Skip"), _("Skip the selected follow-up, with a reason"), self.action_skip
        )
        yield SystemCommand(_("Filter the queue"), _("By region, grade, kind"), self.action_filter)
        yield SystemCommand(
            _("Record complaint"),
            _("A complaint from the selected customer"),
            self.action_complain,
        )
        yield SystemCommand(_("Refresh"), _("Load the queue again"), self.action_refresh)

    def action_refresh(self) -> None:
        self.load()

    # --- live updates ------------------------------------------------------------------

    LISTENS = frozenset({ChangeKind.QUEUE, ChangeKind.COMPLAINT})

    def concerns(self, change: Change) -> bool:
        # The queue shown: one's own, or a rep's a manager opened from the team view. A
        # complaint matters once it is overdue (escalated here) or already listed.
        if change.kind is ChangeKind.QUEUE:
            own = self.api.user.id if self.api.user is not None else None
            return change.user_id == (self.user_id or own)
        return change.became_overdue or f"complaint:{change.subject_id}" in self.complaints

    def reload(self) -> None:
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
                _("Move to a follow-up to {what}: the cursor is on a section heading.").format(
                    what=what
                )
                if self.rows
                else _("Nothing to {what}: the queue is empty.").format(what=what),
                severity="warning",
            )
        return row

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        complaint = self.complaints.get(cursor_key(self.query_one("#rows", DataTable)) or "")
        if complaint is not None:
            from tui.screens.complaint import ComplaintScreen

            self.app.push_screen(ComplaintScreen(self.api, complaint.id))
            return
        row = self.selected()
        if row is not None:
            from tui.screens.customer import CustomerScreen

            self.app.push_screen(CustomerScreen(self.api, row.customer_id))

    def action_visits(self) -> None:
        from tui.screens.visits import VisitPlanScreen

        row = self.selected()
        self.app.push_screen(VisitPlanScreen(self.api, row.region if row else "", self.day))

    def action_complain(self) -> None:
        row = self._row_for(_("record a complaint for"))
        if row is None:
            return
        from tui.dialogs.complaint import RecordComplaintDialog

        self.app.push_screen(
            RecordComplaintDialog(self.api, row.customer_id, row.customer_name), self._after_write
        )

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
            self.notify(_("The team view is for managers."), severity="warning")
            return
        from tui.screens.team import TeamScreen

        self.app.push_screen(TeamScreen(self.api, self.day))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def action_quit(self) -> None:
        self.app.exit()
