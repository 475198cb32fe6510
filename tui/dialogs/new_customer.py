"""A new customer: the facts a rep has at first contact. The rest is filled in later on the
customer screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select

from tui.api import ApiError, UserErrors
from tui.api.vocabulary import GRADES, grade_meaning
from tui.dialogs.base import ApiDialog
from tui.i18n import N_, _
from tui.widgets.field_error import FieldError, show_refusal
from tui.widgets.form_buttons import form_buttons

if TYPE_CHECKING:
    pass

FIELDS = ("name", "region", "phone", "address", "industry")
LABELS = {
    "name": N_("Name"),
    "region": N_("Region"),
    "phone": N_("Phone"),
    "address": N_("Address"),
    "industry": N_("Industry"),
}


class NewCustomerDialog(ApiDialog[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]
    DEFAULT_CSS = """
    NewCustomerDialog { align: center middle; }
    #dialog { width: 66; height: auto; border: round $accent; padding: 0 1; }
    .row { height: 1; }
    .row > Label { width: 10; }
    .row > Input, .row > Select { width: 1fr; }
    FieldError { padding-left: 10; }
    #buttons { height: 1; align-horizontal: right; margin-top: 1; }
    #buttons Button { margin-left: 2; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("[b]New customer[/b]"))
            yield FieldError(id="error-form")
            for name in FIELDS:
                with Horizontal(classes="row"):
                    yield Label(_(LABELS[name]))
                    yield Input(compact=True, id=name)
                yield FieldError(id=f"error-{name}")
            with Horizontal(classes="row"):
                yield Label(_("Grade"))
                yield Select(
                    [(f"{g} {grade_meaning(g)}", g) for g in GRADES],
                    value="D",
                    allow_blank=False,
                    compact=True,
                    id="grade",
                )
            yield FieldError(id="error-grade")
            yield from form_buttons(_("Save"))

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        values = {name: self.query_one(f"#{name}", Input).value.strip() for name in FIELDS}
        values["grade"] = cast(str, self.query_one("#grade", Select).value)
        self.save(values)

    @work(exclusive=True)
    async def save(self, values: dict[str, str]) -> None:
        try:
            customer_id = await self.api.create_customer(**values)
        except UserErrors as exc:
            show_refusal(self, exc, (*FIELDS, "grade"))
            return
        except ApiError as exc:
            self.query_one("#error-form", FieldError).show(str(exc))
            return
        self.dismiss(customer_id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
