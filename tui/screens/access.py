"""Access requests (调档申请). A rep files one for a customer they cannot see, describing it
and saying why, and sees which customer was opened and until when (enter opens it); a
manager sees the inbox, picks the customer and grants for some days, or refuses with a
note, and with h the history of decided requests."""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from tui.api import ApiError, CrmClient
from tui.api.access import AccessRequest
from tui.api.records import DECIDE_ACCESS_REQUESTS
from tui.api.vocabulary import REQUEST_STATUS_LABEL
from tui.i18n import N_, _
from tui.moments import day_of, moment
from tui.screens.base import ApiScreen, cursor_key
from tui.widgets.banner import Banner
from tui.widgets.columns import Column, fit, lay_out

COLUMNS = [
    Column("filed", N_("Filed"), width=10),
    Column("by", N_("By"), width=8),
    Column("customer", N_("Customer"), share=1.0, least=10),
    Column("status", N_("Status"), width=8),
    Column("until", N_("Open until"), width=10),
]


class AccessRequestsScreen(ApiScreen):
    BINDINGS = [
        Binding("enter", "open", N_("Open customer"), show=False),
        Binding("n", "new", N_("New request")),
        Binding("g", "grant", N_("Grant")),
        Binding("x", "refuse", N_("Refuse")),
        Binding("h", "history", N_("History"), tooltip=N_("Decided requests too (managers)")),
        Binding("r", "refresh", N_("Refresh")),
        Binding("question_mark", "help", N_("Help")),
        Binding("escape", "back", N_("Back")),
    ]
    DEFAULT_CSS = """
    #title { height: 1; padding: 0 1; background: $boost; }
    #requests { height: 1fr; }
    #detail { height: 4; padding: 0 1; border-top: solid $accent; }
    """

    def __init__(self, api: CrmClient) -> None:
        super().__init__(api)
        self.requests: dict[str, AccessRequest] = {}
        # Managers see what waits for them; with h, every request, decided ones included.
        self.history = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Banner()
        yield Static("", id="title")
        yield DataTable[str](id="requests", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail")
        yield Footer()

    @property
    def deciding(self) -> bool:
        user = self.api.user
        return user is not None and user.may(DECIDE_ACCESS_REQUESTS)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Granting, refusing and the history are for managers: hidden from a rep's footer.
        return not (action in ("grant", "refuse", "history") and not self.deciding)

    def on_mount(self) -> None:
        lay_out(self.query_one("#requests", DataTable), COLUMNS, self.size.width)
        self.load()

    def _title(self) -> str:
        if not self.deciding:
            return _("Your access requests: n to file one, enter opens a granted customer")
        if self.history:
            return _("All access requests, newest first: h for those waiting")
        return _("Requests waiting for you: g grant, x refuse, h history")

    @work(exclusive=True, group="access")
    async def load(self) -> None:
        self.query_one("#title", Static).update(self._title())
        waiting = self.deciding and not self.history
        try:
            found = await self.api.access_requests("PENDING" if waiting else None)
        except ApiError as exc:
            self.failed(exc, self.load)
            return
        if not self.reached():
            return
        table = self.query_one("#requests", DataTable)
        table.clear()
        self.requests = {r.id: r for r in found}
        for r in found:
            until = r.access_expires_at
            table.add_row(
                day_of(r.created_at, self.zone),
                fit(r.requester.name),
                fit(r.granted_customer[1] if r.granted_customer else r.customer_description),
                REQUEST_STATUS_LABEL.get(r.status, r.status),
                day_of(until, self.zone),
                key=r.id,
            )
        if not found:
            self.query_one("#detail", Static).update(_("No requests."))

    def selected(self) -> AccessRequest | None:
        table = self.query_one("#requests", DataTable)
        key = cursor_key(table)
        return self.requests.get(key or "")

    @on(DataTable.RowHighlighted, "#requests")
    def show_detail(self) -> None:
        r = self.selected()
        if r is None:
            return
        lines = [
            _("Asked about: {customer_description} · why: {reason}").format(
                customer_description=r.customer_description, reason=r.reason
            )
        ]
        if r.decided_by:
            status = REQUEST_STATUS_LABEL.get(r.status, r.status)
            when = day_of(r.decided_at, self.zone)
            lines.append(
                _("{status} by {name} on {when}: {decision_note}").format(
                    status=status, name=r.decided_by.name, when=when, decision_note=r.decision_note
                )
            )
        if r.granted_customer and r.access_expires_at:
            lines.append(
                _("Open until {until}: enter").format(until=moment(r.access_expires_at, self.zone))
            )
        self.query_one("#detail", Static).update(escape("\n".join(lines)))

    @on(DataTable.RowSelected, "#requests")
    def action_open(self) -> None:
        r = self.selected()
        if r is None:
            return
        if not r.granted_customer:
            self.notify(_("No customer is open to you through this request."), severity="warning")
            return
        from tui.screens.customer import CustomerScreen

        self.app.push_screen(CustomerScreen(self.api, r.granted_customer[0]))

    def action_history(self) -> None:
        self.history = not self.history
        self.load()

    def action_new(self) -> None:
        from tui.dialogs.access import RequestAccessDialog

        self.app.push_screen(RequestAccessDialog(self.api), self._done)

    def action_grant(self) -> None:
        r = self.selected()
        if r is None or not self.deciding:
            return
        from tui.dialogs.access import GrantDialog

        self.app.push_screen(GrantDialog(self.api, r), self._done)

    def action_refuse(self) -> None:
        r = self.selected()
        if r is None or not self.deciding:
            return
        from tui.dialogs.access import RefuseDialog

        self.app.push_screen(RefuseDialog(self.api, r), self._done)

    def _done(self, message: str | None) -> None:
        if message:
            self.notify(message)
            self.load()

    def action_refresh(self) -> None:
        self.load()
