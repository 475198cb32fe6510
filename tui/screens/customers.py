"""The customer list: search as you type (Chinese, full pinyin or initials), and a list that
loads the next page as the cursor nears the end, so 100,000 customers stay quick."""

from __future__ import annotations

from collections.abc import Iterable

from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Static

from tui.api import ApiError, CrmClient
from tui.api.customers import CustomerFilter, CustomerRow
from tui.i18n import N_, _, ngettext
from tui.screens.base import ApiScreen, cursor_key
from tui.widgets.banner import Banner
from tui.widgets.columns import Column, fit, lay_out
from tui.widgets.key_input import KeyInput

COLUMNS = [
    Column("name", N_("Customer"), share=0.45, least=12),
    Column("grade", N_("Gr"), width=2),
    Column("class", N_("Cls"), width=3),
    Column("region", N_("Region"), width=6),
    Column("owner", N_("Owner"), width=8),
    Column("last", N_("Last contact"), share=0.55, least=8),
]
PAGE = 50
# Start fetching the next page while this many rows are still below the cursor.
PREFETCH_ROWS = 15
# Wait for a pause in typing before asking the server.
SEARCH_DELAY = 0.2


class CustomersScreen(ApiScreen):
    BINDINGS = [
        Binding("slash", "search", N_("Search")),
        Binding("f", "filter", N_("Filter")),
        Binding("enter", "open", N_("Open"), show=False),
        Binding("n", "new", N_("New")),
        Binding("a", "archive", N_("Archive")),
        Binding("r", "refresh", N_("Refresh")),
        # Before the search box sees it (it leaves ? to the screen, see KeyInput).
        Binding("question_mark", "help", N_("Help"), priority=True),
        # Above the search box's own escape (which would clear it): back, as the footer says.
        Binding("escape", "back", N_("Back"), priority=True),
    ]
    DEFAULT_CSS = """
    #search { height: 1; margin: 0 1; }
    #status { height: 1; padding: 0 1; color: $text-muted; }
    #customers { height: 1fr; }
    """

    def __init__(self, api: CrmClient) -> None:
        super().__init__(api)
        self.rows: dict[str, CustomerRow] = {}
        self.end_cursor: str | None = None
        self.has_next = False
        self.total = 0
        self.loading_more = False
        self.filter = CustomerFilter()
        self._typing: Timer | None = None
        self._width = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Banner()
        yield KeyInput(
            placeholder=_("Search: name, code, pinyin or initials (hzjx)…"),
            compact=True,
            id="search",
        )
        yield Static("", id="status")
        yield DataTable[str](id="customers", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self._width = self.size.width
        lay_out(self.query_one("#customers", DataTable), COLUMNS, self._width)
        self.query_one("#search", Input).focus()
        self.search()

    def on_resize(self) -> None:
        if self.size.width != self._width:
            self._width = self.size.width
            rows = list(self.rows.values())
            lay_out(self.query_one("#customers", DataTable), COLUMNS, self._width)
            self.rows = {}
            self._append(rows)

    @property
    def term(self) -> str:
        return self.query_one("#search", Input).value

    @on(Input.Changed, "#search")
    def typed(self) -> None:
        if self._typing is not None:
            self._typing.stop()
        self._typing = self.set_timer(SEARCH_DELAY, self.search)

    @on(Input.Submitted, "#search")
    def to_list(self) -> None:
        self.query_one("#customers", DataTable).focus()

    def key_down(self, event: events.Key) -> None:
        # Down from the search box goes to the list's first row, as in a browser's address
        # bar; the key is used up here, or the list would move on to the second row.
        if self.focused is self.query_one("#search", Input):
            event.stop()
            event.prevent_default()
            self.to_list()
            self.query_one("#customers", DataTable).move_cursor(row=0)

    @work(exclusive=True, group="search")
    async def search(self) -> None:
        term, flt = self.term, self.filter
        try:
            page = await self.api.customers(term, first=PAGE, **flt.variables())
        except ApiError as exc:
            self.failed(exc, self.search)
            return
        if term != self.term or flt != self.filter:
            return  # typing went on; a newer search is on its way
        if not self.reached():
            return
        table = self.query_one("#customers", DataTable)
        table.clear()
        self.rows = {}
        self._append(page.rows)
        self.end_cursor, self.has_next, self.total = page.end_cursor, page.has_next, page.total
        self._status()

    def _append(self, rows: list[CustomerRow]) -> None:
        table = self.query_one("#customers", DataTable)
        for row in rows:
            if row.id in self.rows:
                continue
            self.rows[row.id] = row
            marks = (row.abc_class or "") + ("◆" if row.is_vip else "")
            table.add_row(
                fit(row.name),
                row.grade,
                marks,
                fit(row.region),
                fit(row.owner),
                fit(row.last_contact),
                key=row.id,
            )

    def _status(self) -> None:
        term = _(" matching “{term}”").format(term=self.term) if self.term.strip() else ""
        narrowed = self.filter.describe()
        shown = len(self.rows)
        count = ngettext("{n} customer", "{n} customers", self.total).format(n=self.total)
        self.query_one("#status", Static).update(
            f"{count}{term}"
            + (_(" · {narrowed} (f to change)").format(narrowed=narrowed) if narrowed else "")
            + (_(" · {shown} loaded").format(shown=shown) if self.has_next else "")
        )

    @on(DataTable.RowHighlighted, "#customers")
    def near_the_end(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        near = event.cursor_row >= table.row_count - PREFETCH_ROWS
        if near and self.has_next and not self.loading_more:
            self.loading_more = True
            self.load_more()

    @work(exclusive=True, group="more")
    async def load_more(self) -> None:
        term, after, flt = self.term, self.end_cursor, self.filter
        try:
            page = await self.api.customers(term, after=after, first=PAGE, **flt.variables())
        except ApiError as exc:
            self.loading_more = False
            self.failed(exc, self.load_more)
            return
        self.loading_more = False
        if term != self.term or after != self.end_cursor or flt != self.filter:
            return
        self._append(page.rows)
        self.end_cursor, self.has_next = page.end_cursor, page.has_next
        self._status()

    def selected(self) -> CustomerRow | None:
        table = self.query_one("#customers", DataTable)
        key = cursor_key(table)
        return self.rows.get(key or "")

    @on(DataTable.RowSelected, "#customers")
    def action_open(self) -> None:
        row = self.selected()
        if row is not None:
            from tui.screens.customer import CustomerScreen

            self.app.push_screen(CustomerScreen(self.api, row.id))

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_refresh(self) -> None:
        self.search()

    def action_filter(self) -> None:
        from tui.dialogs.customer_filter import CustomerFilterDialog

        def chosen(flt: CustomerFilter | None) -> None:
            if flt is not None and flt != self.filter:
                self.filter = flt
                self.search()

        self.app.push_screen(CustomerFilterDialog(self.api, self.filter), chosen)

    def action_new(self) -> None:
        from tui.dialogs.new_customer import NewCustomerDialog

        def created(customer_id: str | None) -> None:
            if customer_id:
                from tui.screens.customer import CustomerScreen

                self.search()
                self.app.push_screen(CustomerScreen(self.api, customer_id))

        self.app.push_screen(NewCustomerDialog(self.api), created)

    def action_archive(self) -> None:
        row = self.selected()
        if row is None:
            return
        from tui.dialogs.confirm import ConfirmDialog

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.archive(row)

        self.app.push_screen(
            ConfirmDialog(
                _("Archive {name}? It leaves the lists; an admin can restore it.").format(
                    name=row.name
                )
            ),
            confirmed,
        )

    @work(exclusive=True, group="write")
    async def archive(self, row: CustomerRow) -> None:
        try:
            detail = await self.api.customer(row.id)
            await self.api.archive_customer(row.id, detail.version)
        except ApiError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(_("Archived {name}.").format(name=row.name))
        self.search()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            _("Filter customers"),
            _("By grade, stage, region, tag, owner, key accounts"),
            self.action_filter,
        )
        yield SystemCommand(_("New customer"), _("Add a customer to the archive"), self.action_new)
        yield SystemCommand(
            _("Archive customer"), _("Archive the selected customer"), self.action_archive
        )

    def action_back(self) -> None:
        # Back, as the footer says, even with text in the search box.
        self.app.pop_screen()
