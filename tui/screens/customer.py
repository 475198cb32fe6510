"""One customer, in tabs: the archive (基础资料, 特征, 信用, 交易现状), the people inside it,
the timeline of contacts, open follow-ups and the contact plan, orders with class and VIP."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from tui.api import ApiError, CrmClient
from tui.api.customers import Contact, CustomerDetail, TimelineEntry, TimelinePage
from tui.api.followups import QueueRow
from tui.api.live import Change, ChangeKind
from tui.api.records import TRANSFER_CUSTOMERS, Money
from tui.api.vocabulary import (
    ALLY_LABEL,
    ATTITUDE_LABEL,
    COMPLAINT_STEP_LABEL,
    INFLUENCE_LABEL,
    KIND_LABEL,
    ORIGIN_LABEL,
    SOURCE_LABEL,
    STAGE_LABEL,
    contact_every,
    every_days,
    money,
)
from tui.archive import ARCHIVE_GROUPS
from tui.i18n import N_, _, pgettext
from tui.moments import day_of, moment
from tui.screens.base import ApiScreen, cursor_key
from tui.screens.money import MoneyPanel
from tui.widgets.banner import Banner
from tui.widgets.columns import pad
from tui.widgets.notice import Notice

TAB_LABELS = (
    ("archive", N_("Archive")),
    ("people", N_("People")),
    ("timeline", N_("Timeline")),
    ("followups", "Follow-ups"),
    ("orders", N_("Orders")),
    ("complaints", N_("Complaints")),
    ("money", N_("Money")),
)


# Fetch the next timeline page while this many entries are still below the cursor.
TIMELINE_PREFETCH = 10


# Enum fields of the archive and the words they are shown in.
_ENUM_LABELS = {"sourceChannel": SOURCE_LABEL, "stage": STAGE_LABEL}


def _value(c: CustomerDetail, key: str) -> str:
    """A fact of the archive as a person reads it: money with its sign and separators,
    choices in words."""
    if key == "region+route":
        return " / ".join(str(v) for v in (c.facts["region"], c.facts["route"]) if v)
    value = c.facts.get(key)
    if isinstance(value, Money):
        return money(value)
    if key in _ENUM_LABELS and value:
        return _ENUM_LABELS[key].get(str(value), str(value))
    return "" if value is None else escape(str(value))


def archive_text(c: CustomerDetail, groups: list[tuple[str, list[tuple[str, str]]]]) -> str:
    lines = []
    for title, fields in groups:
        lines.append(f"[b]{_(title)}[/b]")
        for label, key in fields:
            lines.append(f"  {pad(_(label), 16)}{_value(c, key) or '—'}")
        lines.append("")
    return "\n".join(lines)


def class_text(c: CustomerDetail) -> str:
    cls = c.abc_class or _("not classified (no sales in the period)")
    vip = (
        _("VIP since {vip_since}: {vip_reason}").format(
            vip_since=c.vip_since, vip_reason=c.vip_reason
        )
        if c.is_vip
        else _("not VIP")
    )
    return _("Class {cls} · {vip}").format(cls=cls, vip=vip)


def plan_text(c: CustomerDetail) -> str:
    plan = c.contact_plan
    if plan is None:
        return _("No contact plan: the grade's cadence applies ({cadence}). p makes one.").format(
            cadence=every_days(c.cadence_days)
        )
    hoped = " ".join(
        part
        for part in (
            plan.expected_products,
            f"×{plan.expected_quantity}" if plan.expected_quantity else "",
            money(plan.expected_amount),
        )
        if part
    )
    return _("Plan: {focus} · {cadence} · {when}").format(
        focus=plan.focus or "—",
        cadence=every_days(plan.frequency_days or c.cadence_days),
        when=plan.preferred_time or _("any time"),
    ) + (_("\nExpected order: {hoped}").format(hoped=hoped) if hoped else "")


def interaction_text(i: TimelineEntry) -> str:
    """What the highlighted timeline entry says beyond its summary line."""
    present = ", ".join(i.present)
    parts = [
        _("needs: {needs}").format(needs=i.needs) if i.needs else "",
        _("problems: {problems}").format(problems=i.problems) if i.problems else "",
        _("outcome: {outcome}").format(outcome=i.outcome) if i.outcome else "",
        _("with {present}").format(present=present) if present else "",
        _("satisfaction {satisfaction}/5").format(satisfaction=i.satisfaction)
        if i.satisfaction
        else "",
    ]
    return " · ".join(p for p in parts if p) or "—"


class CustomerScreen(ApiScreen):
    BINDINGS = [
        # Short words for the footer to fit 80 columns; the help screen shows the tooltips.
        Binding("l", "log", N_("Log"), tooltip=N_("Log a contact")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the archive")),
        Binding("a", "add_contact", N_("Add person"), tooltip=N_("Add a contact person")),
        Binding("x", "remove_contact", N_("Remove contact"), show=False),
        Binding("p", "plan", N_("Plan"), tooltip=N_("The contact plan")),
        Binding("t", "transfer", N_("Transfer"), tooltip=N_("Transfer to a colleague (managers)")),
        Binding("r", "refresh", N_("Refresh"), show=False),
        Binding("1", "tab('archive')", N_("Archive"), show=False),
        Binding("2", "tab('people')", N_("People"), show=False),
        Binding("3", "tab('timeline')", N_("Timeline"), show=False),
        Binding("4", "tab('followups')", "Follow-ups", show=False),
        Binding("5", "tab('orders')", N_("Orders"), show=False),
        Binding("6", "tab('complaints')", N_("Complaints"), show=False),
        Binding("7", "tab('money')", N_("Money"), show=False),
        Binding("k", "complain", N_("Complaint"), tooltip=N_("Record a complaint"), show=False),
        Binding("o", "order", N_("Order"), tooltip=N_("Record an order"), show=False),
        # The statement is the whole customer's, so from any tab; the row's actions (reverse,
        # dispute, write off) are the money panel's, on its table.
        Binding("s", "statement", N_("Statement"), tooltip=N_("Statement of account"), show=False),
        Binding("question_mark", "help", N_("Help")),
        Binding("escape", "back", N_("Back")),
    ]
    DEFAULT_CSS = """
    #title { height: auto; padding: 0 1; background: $boost; }
    #tabs { height: 1fr; }
    #tabs ContentSwitcher { height: 1fr; }
    TabPane { height: 1fr; padding: 0 1; }
    TabPane > VerticalScroll, TabPane > DataTable { height: 1fr; }
    #timeline-detail { height: 3; color: $text-muted; }
    #archive-columns { height: auto; }
    #archive-left, #archive-right { width: 1fr; height: auto; }
    #plan { height: auto; }
    """

    def __init__(self, api: CrmClient, customer_id: str) -> None:
        super().__init__(api)
        self.customer_id = customer_id
        self.detail: CustomerDetail | None = None
        # The timeline is paged: what is shown, and where the next page starts.
        self.timeline: dict[str, TimelineEntry] = {}
        self.timeline_total = 0
        self.timeline_next: str | None = None
        self.loading_timeline = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Banner()
        yield Notice(id="stale")
        yield Static(_("Loading…"), id="title")
        with TabbedContent(initial="archive", id="tabs"):
            with (
                TabPane(_("1 Archive"), id="archive"),
                VerticalScroll(id="archive-scroll"),
                Horizontal(id="archive-columns"),
            ):
                # Two columns: at 80×24 the credit and transaction groups are in view
                # beside the basic facts instead of three screens down.
                yield Static("", id="archive-left")
                yield Static("", id="archive-right")
            with TabPane(_("2 People"), id="people"):
                yield DataTable[str](id="people-table", cursor_type="row")
                yield Static(_("a add · enter edit · x remove"), id="people-keys")
            with TabPane(_("3 Timeline"), id="timeline"):
                yield DataTable[str](id="timeline-table", cursor_type="row")
                yield Static("", id="timeline-detail")
            with TabPane(_("4 Follow-ups"), id="followups"):
                yield Static("", id="plan")
                yield DataTable[str](id="followups-table", cursor_type="row")
            with TabPane(_("5 Orders"), id="orders"):
                yield Static("", id="class")
                yield DataTable[str](id="orders-table", cursor_type="row")
            with TabPane(_("6 Complaints"), id="complaints"):
                yield Static("", id="complaints-summary")
                yield DataTable[str](id="complaints-table", cursor_type="row")
            with TabPane(_("7 Money"), id="money"):
                yield MoneyPanel(self.api, self.customer_id)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#people-table", DataTable).add_columns(
            _("Name"),
            _("Title"),
            _("Phone"),
            _("Decides"),
            _("Influence"),
            _("Attitude"),
            _("Ally"),
        )
        self.query_one("#timeline-table", DataTable).add_columns(
            _("When"), _("Kind"), pgettext("logged", "By"), _("Grade"), _("Summary")
        )
        self.query_one("#followups-table", DataTable).add_columns(
            _("Due"), _("Kind"), _("Origin"), _("Assignee"), _("Purpose")
        )
        self.query_one("#orders-table", DataTable).add_columns(
            _("Date"), _("Reference"), _("Total")
        )
        self.query_one("#complaints-table", DataTable).add_columns(
            _("Received"), _("Step"), _("Subject")
        )
        self.load()
        self.load_complaints()
        self.load_money()

    def action_order(self) -> None:
        if self.detail is None:
            return
        from tui.dialogs.collections import OrderDialog

        def recorded(message: str | None) -> None:
            if message:
                self.notify(message)
                self.load_money()

        self.app.push_screen(OrderDialog(self.api, self.detail.id, self.detail.name), recorded)

    def load_money(self) -> None:
        self.query_one(MoneyPanel).load()

    def action_statement(self) -> None:
        self.query_one(MoneyPanel).action_statement()

    @work(exclusive=True, group="complaints")
    async def load_complaints(self) -> None:
        try:
            cards = await self.api.customer_complaints(self.customer_id)
        except ApiError as exc:
            self.failed(exc, self.load_complaints)
            return
        if not self.reached():
            return
        table = self.query_one("#complaints-table", DataTable)
        table.clear()
        for card in cards:
            table.add_row(
                day_of(card.received_at, self.zone),
                COMPLAINT_STEP_LABEL.get(card.step, card.step),
                card.subject,
                key=card.id,
            )
        still_open = sum(1 for c in cards if c.step not in ("CLOSED", "REJECTED"))
        self.query_one("#complaints-summary", Static).update(
            _("{n} open of {total} · k records one · enter opens").format(
                n=still_open, total=len(cards)
            )
        )

    @on(DataTable.RowSelected, "#complaints-table")
    def open_complaint(self) -> None:
        key = cursor_key(self.query_one("#complaints-table", DataTable))
        if key:
            from tui.screens.complaint import ComplaintScreen

            self.app.push_screen(ComplaintScreen(self.api, key))

    def action_complain(self) -> None:
        if self.detail is None:
            return
        from tui.dialogs.complaint import RecordComplaintDialog

        def recorded(message: str | None) -> None:
            if message:
                self.notify(message)
                self.load_complaints()

        self.app.push_screen(
            RecordComplaintDialog(self.api, self.detail.id, self.detail.name), recorded
        )

    @work(exclusive=True, group="customer")
    async def load(self) -> None:
        try:
            c = await self.api.customer(self.customer_id)
        except ApiError as exc:
            self.failed(exc, self.load)
            return
        if not self.reached():
            return
        self.show(c)

    def show(self, c: CustomerDetail) -> None:
        self.detail = c
        self.query_one("#stale", Notice).clear()  # what is shown now is the latest
        self.refresh_bindings()
        flags = " ".join(
            f
            for f, on in ((_("key account"), c.is_key_account), (_("archived"), c.is_archived))
            if on
        )
        self.query_one("#title", Static).update(
            _("[b]{name}[/b]  grade {grade} · {stage} · owner {owner} · {cadence}{flags}").format(
                name=escape(c.name),
                grade=c.grade,
                stage=STAGE_LABEL.get(c.stage, c.stage),
                owner=c.owner.name,
                cadence=contact_every(c.cadence_days),
                flags=" · " + flags if flags else "",
            )
        )
        self.query_one("#archive-left", Static).update(archive_text(c, ARCHIVE_GROUPS[:2]))
        self.query_one("#archive-right", Static).update(archive_text(c, ARCHIVE_GROUPS[2:]))
        people = self.query_one("#people-table", DataTable)
        people.clear()
        for k in c.contacts:
            people.add_row(
                k.name,
                k.title,
                k.phone,
                _("决 yes") if k.is_decision_maker else "",
                INFLUENCE_LABEL.get(k.influence, k.influence),
                ATTITUDE_LABEL.get(k.attitude, k.attitude),
                ALLY_LABEL.get(k.ally_strength, "") if k.is_ally else "",
                key=k.id,
            )
        self.query_one("#timeline-table", DataTable).clear()
        self.timeline = {}
        self._add_timeline(c.timeline)
        self.query_one("#plan", Static).update(plan_text(c))
        followups = self.query_one("#followups-table", DataTable)
        followups.clear()
        for f in c.follow_ups:
            followups.add_row(
                f.due_on,
                KIND_LABEL.get(f.kind, f.kind),
                ORIGIN_LABEL.get(f.origin, f.origin),
                f.assignee,
                f.purpose,
                key=f.id,
            )
        self.query_one("#class", Static).update(class_text(c))
        orders = self.query_one("#orders-table", DataTable)
        orders.clear()
        for o in c.orders:
            orders.add_row(
                o.ordered_on, o.reference, Text(money(o.total), justify="right"), key=o.id
            )

    def _add_timeline(self, page: TimelinePage) -> None:
        table = self.query_one("#timeline-table", DataTable)
        for i in page.entries:
            if i.id in self.timeline:
                continue
            self.timeline[i.id] = i
            before, after = i.grade_before, i.grade_after
            grade = before if after == before else f"{before}→{after}"
            table.add_row(
                moment(i.occurred_at, self.zone),
                KIND_LABEL.get(i.kind, i.kind),
                i.author,
                grade,
                i.summary or i.outcome,
                key=i.id,
            )
        self.timeline_total = page.total
        self.timeline_next = page.next_cursor
        self._timeline_detail()

    @on(DataTable.RowHighlighted, "#timeline-table")
    def timeline_moved(self, event: DataTable.RowHighlighted) -> None:
        self._timeline_detail()
        near = event.cursor_row >= event.data_table.row_count - TIMELINE_PREFETCH
        if near and self.timeline_next and not self.loading_timeline:
            self.loading_timeline = True
            self.more_timeline(self.timeline_next)

    @work(exclusive=True, group="timeline")
    async def more_timeline(self, after: str) -> None:
        try:
            page = await self.api.timeline(self.customer_id, after)
        except ApiError as exc:
            self.loading_timeline = False
            self.failed(exc, lambda: self.more_timeline(after))
            return
        self.loading_timeline = False
        if after == self.timeline_next:  # not reloaded meanwhile
            self._add_timeline(page)

    def _timeline_detail(self) -> None:
        shown = len(self.timeline)
        count = (
            _("{shown} of {total} contacts").format(shown=shown, total=self.timeline_total)
            if self.timeline_next
            else ""
        )
        key = cursor_key(self.query_one("#timeline-table", DataTable))
        entry = self.timeline.get(key or "")
        lines = [interaction_text(entry) if entry else _("No contacts logged yet.")]
        if count:
            lines.append(_("{count} · more load as you scroll").format(count=count))
        self.query_one("#timeline-detail", Static).update("\n".join(lines))

    def _editable(self) -> CustomerDetail | None:
        """The customer, when the viewer may change it; else a word why not."""
        if self.detail is not None and not self.detail.viewer_can_edit:
            self.notify(_("You may read this customer but not change it."), severity="warning")
            return None
        return self.detail

    def action_plan(self) -> None:
        if (customer := self._editable()) is not None:
            from tui.dialogs.contact_plan import ContactPlanDialog

            self.app.push_screen(ContactPlanDialog(self.api, customer), self._after)

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    # What holds the keys on each tab: ↓ and PgDn move through it, whichever way the tab
    # was chosen (a number key, or the tab bar with the mouse or arrows).
    _PANE_FOCUS = {
        "archive": "#archive-scroll",
        "people": "#people-table",
        "timeline": "#timeline-table",
        "followups": "#followups-table",
        "orders": "#orders-table",
        "complaints": "#complaints-table",
        "money": "#money-table",
    }

    @on(TabbedContent.TabActivated)
    def focus_pane(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.id or ""
        if pane in self._PANE_FOCUS:
            self.query_one(self._PANE_FOCUS[pane]).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys for what the viewer may not do are hidden: a read-only customer (an access
        grant) cannot be changed, and only managers transfer."""
        if action in ("log", "edit", "add_contact", "remove_contact", "plan"):
            return self.detail is None or self.detail.viewer_can_edit
        if action == "transfer":
            user = self.api.user
            return (
                user is not None
                and user.may(TRANSFER_CUSTOMERS)
                and bool(self.detail and self.detail.viewer_can_edit)
            )
        return True

    def action_log(self) -> None:
        if (customer := self._editable()) is None:
            return
        from tui.dialogs.log_contact import LogContactDialog

        self.app.push_screen(
            LogContactDialog(self.api, QueueRow.for_customer(customer)), self._after
        )

    def action_edit(self) -> None:
        if (customer := self._editable()) is not None:
            from tui.dialogs.edit_archive import EditArchiveDialog

            self.app.push_screen(EditArchiveDialog(self.api, customer), self._after)

    def _after(self, message: str | None) -> None:
        if message:
            self.notify(message)
            self.load()

    def _contact_under_cursor(self) -> Contact | None:
        if self.detail is None:
            return None
        key = cursor_key(self.query_one("#people-table", DataTable))
        return next((k for k in self.detail.contacts if k.id == key), None)

    def action_add_contact(self) -> None:
        if self._editable() is not None and self.detail is not None:
            from tui.dialogs.contact import ContactDialog

            self.app.push_screen(ContactDialog(self.api, self.detail.id), self._after)

    @on(DataTable.RowSelected, "#people-table")
    def edit_contact(self) -> None:
        contact = self._contact_under_cursor()
        if contact is not None and self._editable() is not None and self.detail is not None:
            from tui.dialogs.contact import ContactDialog

            self.app.push_screen(ContactDialog(self.api, self.detail.id, contact), self._after)

    def action_remove_contact(self) -> None:
        contact = self._contact_under_cursor()
        if contact is None or self._editable() is None:
            return
        from tui.dialogs.confirm import ConfirmDialog

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.remove_contact(contact)

        self.app.push_screen(
            ConfirmDialog(_("Remove {name}?").format(name=contact.name)), confirmed
        )

    @work(exclusive=True, group="write")
    async def remove_contact(self, contact: Contact) -> None:
        try:
            await self.api.delete_contact(contact.id)
        except ApiError as exc:
            self.notify(str(exc), severity="error")
            return
        self._after(_("Removed {name}.").format(name=contact.name))

    def action_transfer(self) -> None:
        user = self.api.user
        if self.detail is None or user is None or not user.may(TRANSFER_CUSTOMERS):
            self.notify(_("Transfers are for managers."), severity="warning")
            return
        from tui.dialogs.transfer import TransferDialog

        self.app.push_screen(TransferDialog(self.api, self.detail), self._after)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            _("Log contact"), _("Log a contact with this customer"), self.action_log
        )
        yield SystemCommand(_("Edit archive"), _("Change this customer's facts"), self.action_edit)
        yield SystemCommand(
            _("Add contact"), _("A person inside this customer"), self.action_add_contact
        )
        yield SystemCommand(
            _("Contact plan"), _("Focus, frequency, best time, order"), self.action_plan
        )
        yield SystemCommand(
            _("Transfer"), _("Hand the customer to a colleague"), self.action_transfer
        )
        yield SystemCommand(
            _("Record complaint"), _("A complaint from this customer"), self.action_complain
        )
        for tab, label in TAB_LABELS:
            yield SystemCommand(
                _("Tab: {label}").format(label=_(label)),
                _("Show this tab"),
                partial(self.action_tab, tab),
            )

    def action_refresh(self) -> None:
        self.load()

    # --- live updates ------------------------------------------------------------------

    LISTENS = frozenset({ChangeKind.CUSTOMER, ChangeKind.COMPLAINT, ChangeKind.MONEY})

    def heard(self, change: Change) -> None:
        """Someone else's change to this customer is said, not applied under the user's
        eyes (they may be reading it, or about to edit); its complaints and money are
        lists, read again at once."""
        if change.customer_id != self.customer_id or not self.is_attached:
            return
        if change.kind is ChangeKind.CUSTOMER:
            shown = self.detail.version if self.detail is not None else None
            newer = shown is not None and (change.version or 0) > shown
            if newer and not self.api.wrote(change.customer_id, change.version):
                self.query_one("#stale", Notice).show(
                    _("Someone else changed this customer since it was read. Press r to see it.")
                )
        elif change.kind is ChangeKind.COMPLAINT:
            self.load_complaints()
        elif change.kind is ChangeKind.MONEY:
            self.load_money()

    def reload(self) -> None:
        self.load()
        self.load_complaints()
        self.load_money()
