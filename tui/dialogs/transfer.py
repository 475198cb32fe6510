"""Hand a customer to another salesperson (managers). Its open follow-ups go along."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.api import ApiError, CrmClient, UserErrors
from tui.api.customers import CustomerDetail
from tui.dialogs.base import ApiDialog
from tui.i18n import N_, _
from tui.widgets.field_error import FieldError, show_refusal
from tui.widgets.form_buttons import form_buttons

if TYPE_CHECKING:
    pass


class TransferDialog(ApiDialog[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Transfer"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]
    DEFAULT_CSS = """
    TransferDialog { align: center middle; }
    #dialog { width: 60; height: auto; border: round $accent; padding: 0 1; }
    .row { height: 1; }
    .row > Label { width: 10; }
    .row > Input { width: 1fr; }
    #people { height: 8; }
    #buttons { height: 1; align-horizontal: right; margin-top: 1; }
    #buttons Button { margin-left: 2; }
    """

    def __init__(self, api: CrmClient, customer: CustomerDetail) -> None:
        super().__init__(api)
        self.customer = customer

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            owner = self.customer.owner.name
            yield Static(
                _("[b]Transfer {name}[/b] (now {owner})").format(
                    name=self.customer.name, owner=owner
                )
            )
            yield FieldError(id="error-form")
            with Horizontal(classes="row"):
                yield Label(_("To"))
                yield Input(placeholder=_("name or username"), compact=True, id="search")
            yield OptionList(id="people")
            yield FieldError(id="error-newOwnerId")
            yield from form_buttons(_("Transfer"))

    def on_mount(self) -> None:
        self.query_one("#search", Input).focus()
        self.find()

    @on(Input.Changed, "#search")
    def typed(self) -> None:
        self.find()

    @work(exclusive=True, group="find")
    async def find(self) -> None:
        try:
            people = await self.api.users(self.query_one("#search", Input).value)
        except ApiError as exc:
            self.query_one("#error-form", FieldError).show(str(exc))
            return
        sellers = [u for u in people if u.role in ("SALES_REP", "MANAGER")]
        listing = self.query_one("#people", OptionList)
        listing.clear_options()
        listing.add_options(
            [Option(f"{u.display_name or u.username}  ({u.username})", id=u.id) for u in sellers]
        )
        if sellers:
            listing.highlighted = 0

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        listing = self.query_one("#people", OptionList)
        if listing.highlighted is None:
            self.query_one("#error-newOwnerId", FieldError).show(_("Pick who takes it over."))
            return
        option = listing.get_option_at_index(listing.highlighted)
        self.transfer(str(option.id), str(option.prompt))

    @work(exclusive=True)
    async def transfer(self, user_id: str, who: str) -> None:
        try:
            await self.api.transfer_customer(self.customer.id, user_id, self.customer.version)
        except UserErrors as exc:
            show_refusal(self, exc, ["newOwnerId"])
            return
        except ApiError as exc:
            self.query_one("#error-form", FieldError).show(str(exc))
            return
        self.dismiss(
            _("{customer} now belongs to {owner}.").format(
                customer=self.customer.name, owner=who.split("  ")[0]
            )
        )

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
