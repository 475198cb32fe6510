"""The day's visits in one region in travel order (路序): by the customers' route and position,
or, where customers have coordinates, nearest first from the previous stop."""

from __future__ import annotations

from datetime import date, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input, Static

from tui.api import ApiError, CrmClient
from tui.api.followups import VisitPlan
from tui.api.vocabulary import KIND_LABEL
from tui.i18n import N_, _, ngettext, relative_day
from tui.screens.base import ApiScreen, cursor_key
from tui.widgets.banner import Banner
from tui.widgets.columns import Column, fit, lay_out
from tui.widgets.key_input import KeyInput

COLUMNS = [
    Column("position", N_("#"), width=2),
    Column("customer", N_("Customer"), share=0.3, least=8),
    Column("route", N_("Route"), width=8),
    Column("km", N_("km"), width=5),
    Column("due", N_("Due"), width=8),
    Column("purpose", N_("Purpose"), share=0.35, least=8),
    Column("address", N_("Address"), share=0.35, least=6),
]


class VisitPlanScreen(ApiScreen):
    BINDINGS = [
        Binding("enter", "open", N_("Open customer"), show=False),
        # Before the region box sees them (it leaves them to the screen, see KeyInput).
        Binding("left_square_bracket", "day(-1)", N_("Day before"), key_display="[", priority=True),
        Binding("right_square_bracket", "day(1)", N_("Day after"), key_display="]", priority=True),
        Binding("r", "refresh", N_("Refresh")),
        Binding("question_mark", "help", N_("Help"), priority=True),
        Binding("escape", "back", N_("Back")),
    ]
    DEFAULT_CSS = """
    #region { height: 1; margin: 0 1; }
    #summary { height: 1; padding: 0 1; color: $text-muted; }
    #stops { height: 1fr; }
    """

    def __init__(self, api: CrmClient, area: str = "", day: date | None = None) -> None:
        super().__init__(api)
        self.area = area
        self.day = day
        self.customers: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Banner()
        yield KeyInput(
            self.area,
            placeholder=_("Region, e.g. 华东 (enter)"),
            compact=True,
            id="region",
            passes="?[]",
        )
        yield Static(_("Type a region and press enter."), id="summary")
        yield DataTable[str](id="stops", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        lay_out(self.query_one("#stops", DataTable), COLUMNS, self.size.width)
        if self.area:
            self.load()
            self.query_one("#stops", DataTable).focus()
        else:
            self.query_one("#region", Input).focus()

    @on(Input.Submitted, "#region")
    def chosen(self, event: Input.Submitted) -> None:
        self.area = event.value.strip()
        if self.area:
            self.load()
            self.query_one("#stops", DataTable).focus()

    @work(exclusive=True, group="visits")
    async def load(self) -> None:
        try:
            plan = await self.api.visit_plan(self.area, self.day)
        except ApiError as exc:
            self.failed(exc, self.load)
            return
        if not self.reached():
            return
        self.show(plan)

    def show(self, plan: VisitPlan | None) -> None:
        table = self.query_one("#stops", DataTable)
        table.clear()
        self.customers = {}
        summary = self.query_one("#summary", Static)
        day = self.day or self.crm.company_today()
        if not plan or not plan.stops:
            summary.update(
                _("No visits due in {area} by {day}. [ ] change the day.").format(
                    area=self.area, day=day.isoformat()
                )
            )
            return
        how = _("nearest first") if plan.nearest_first else _("by route (路序)")
        km = (
            _(" · {total_km:.1f} km").format(total_km=plan.total_km)
            if plan.total_km is not None
            else ""
        )
        stops = ngettext("{n} stop", "{n} stops", len(plan.stops)).format(n=len(plan.stops))
        summary.update(f"{plan.region} · {plan.day.isoformat()} · {stops}, {how}{km}")
        for stop in plan.stops:
            self.customers[str(stop.position)] = stop.customer_id
            earliest = min(f.due_on for f in stop.follow_ups)
            purposes = ", ".join(
                f"{KIND_LABEL.get(f.kind, f.kind)} {f.purpose}".strip() for f in stop.follow_ups
            )
            distance = stop.distance_km
            table.add_row(
                str(stop.position),
                fit(stop.name),
                fit(stop.route),
                f"{distance:.1f}" if distance is not None else "—",
                relative_day(earliest, plan.day),
                fit(purposes),
                fit(stop.address),
                key=str(stop.position),
            )

    @on(DataTable.RowSelected, "#stops")
    def action_open(self) -> None:
        table = self.query_one("#stops", DataTable)
        key = cursor_key(table)
        customer_id = self.customers.get(key or "")
        if customer_id:
            from tui.screens.customer import CustomerScreen

            self.app.push_screen(CustomerScreen(self.api, customer_id))

    def action_refresh(self) -> None:
        if self.area:
            self.load()

    def action_day(self, step: int) -> None:
        """The plan of the day before or after (visits due by then, overdue included)."""
        self.day = (self.day or self.crm.company_today()) + timedelta(days=step)
        if self.area:
            self.load()
        else:
            self.query_one("#summary", Static).update(
                _("{day}: type a region and press enter.").format(day=self.day.isoformat())
            )
