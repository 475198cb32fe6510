"""The dialogs of access requests: file one, grant one (pick the customer), refuse one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui import forms
from tui.api import ApiError, CrmClient, UserErrors
from tui.api.access import AccessRequest
from tui.dialogs.base import ApiDialog
from tui.forms import FieldUnread
from tui.i18n import N_, _, ngettext
from tui.widgets.field_error import FieldError, show_refusal
from tui.widgets.form_buttons import form_buttons

if TYPE_CHECKING:
    pass


class _Form(ApiDialog[str | None]):
    """A small form: fields by id, a submit that calls the server, errors beside fields."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]
    DEFAULT_CSS = """
    _Form { align: center middle; }
    #dialog { width: 70; height: auto; border: round $accent; padding: 0 1; }
    .row { height: 1; }
    .row > Label { width: 12; }
    .row > Input { width: 1fr; }
    FieldError { padding-left: 12; }
    #matches { height: 6; }
    #buttons { height: 1; align-horizontal: right; margin-top: 1; }
    #buttons Button { margin-left: 2; }
    """
    fields: tuple[tuple[str, str], ...] = ()

    def compose_fields(self) -> ComposeResult:
        for name, label in self.fields:
            with Horizontal(classes="row"):
                yield Label(_(label))
                yield Input(compact=True, id=name)
            yield FieldError(id=f"error-{name}")

    def buttons(self) -> ComposeResult:
        yield from form_buttons(_("Save"))

    def value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        self.submit()

    @work(exclusive=True)
    async def submit(self) -> None:
        try:
            message = await self.send()
        except UserErrors as exc:
            show_refusal(self, exc, (name for name, _ in self.fields))
            return
        except FieldUnread as exc:  # typed so that it cannot be sent: said beside the field
            self.query_one(f"#error-{exc.field}", FieldError).show(str(exc))
            return
        except ApiError as exc:
            self.query_one("#error-form", FieldError).show(str(exc))
            return
        self.dismiss(message)

    async def send(self) -> str:
        raise NotImplementedError

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class RequestAccessDialog(_Form):
    fields = (("customerDescription", N_("Customer")), ("reason", N_("Why")))

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(_("[b]Ask for access to a customer[/b] (name, city, what you know)"))
            yield FieldError(id="error-form")
            yield from self.compose_fields()
            yield from self.buttons()

    async def send(self) -> str:
        await self.api.request_access(self.value("customerDescription"), self.value("reason"))
        return _("Request filed; your manager will decide.")


class RefuseDialog(_Form):
    fields = (("note", N_("Why not")),)

    def __init__(self, api: CrmClient, request: AccessRequest) -> None:
        super().__init__(api)
        self.request = request

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                _("[b]Refuse:[/b] {customer_description}").format(
                    customer_description=self.request.customer_description
                )
            )
            yield FieldError(id="error-form")
            yield from self.compose_fields()
            yield from self.buttons()

    async def send(self) -> str:
        await self.api.refuse_access(self.request.id, self.value("note"))
        return "Refused."


class GrantDialog(_Form):
    fields = (("search", N_("Find")), ("days", N_("Days")), ("note", N_("Note")))

    def __init__(self, api: CrmClient, request: AccessRequest) -> None:
        super().__init__(api)
        self.request = request

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                _("[b]Grant:[/b] {customer_description}\nWhy: {reason}").format(
                    customer_description=self.request.customer_description,
                    reason=self.request.reason,
                )
            )
            yield FieldError(id="error-form")
            with Horizontal(classes="row"):
                yield Label(_("Find"))
                yield Input(self.request.customer_description, compact=True, id="search")
            yield FieldError(id="error-search")
            yield OptionList(id="matches")
            with Horizontal(classes="row"):
                yield Label(_("Days"))
                yield Input("7", compact=True, id="days", type="integer")
            yield FieldError(id="error-days")
            with Horizontal(classes="row"):
                yield Label(_("Note"))
                yield Input(compact=True, id="note")
            yield FieldError(id="error-note")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.find()

    @on(Input.Changed, "#search")
    def typed(self) -> None:
        self.find()

    @work(exclusive=True, group="find")
    async def find(self) -> None:
        try:
            page = await self.api.customers(self.value("search"), first=20)
        except ApiError as exc:
            self.query_one("#error-search", FieldError).show(str(exc))
            return
        matches = self.query_one("#matches", OptionList)
        matches.clear_options()
        matches.add_options(
            [Option(f"{r.name}  {r.region}  {r.owner}", id=r.id) for r in page.rows]
        )
        if page.rows:
            matches.highlighted = 0
        self.query_one("#error-search", FieldError).show(
            None if page.rows else _("No customer matches; try fewer characters or pinyin.")
        )

    async def send(self) -> str:
        matches = self.query_one("#matches", OptionList)
        assert matches.highlighted is not None  # action_save checked
        option = matches.get_option_at_index(matches.highlighted)
        try:
            days = forms.whole_number(self.value("days"), 1, 90) or 7
        except forms.Unparsed as exc:
            raise FieldUnread("days", str(exc)) from None
        await self.api.grant_access(self.request.id, str(option.id), days, self.value("note"))
        how_long = ngettext("{n} day", "{n} days", days).format(n=days)
        return _("Granted for {days}.").format(days=how_long)

    def action_save(self) -> None:
        if self.query_one("#matches", OptionList).highlighted is None:
            self.query_one("#error-search", FieldError).show(_("Pick the customer first."))
            return
        self.submit()
