"""Reschedule (new date and why) or skip (why) one follow-up. The reason is required by the
server; its refusal shows beside the field and the typing stays."""

from __future__ import annotations

from datetime import timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Input, Label, Static

from tui import forms
from tui.api import ApiError, CrmClient, UserErrors
from tui.api.followups import QueueRow
from tui.dialogs.base import ApiDialog
from tui.host import host
from tui.i18n import N_, _
from tui.widgets.field_error import FieldError, show_refusal
from tui.widgets.form_buttons import form_buttons


class _ReasonDialog(ApiDialog[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]
    DEFAULT_CSS = """
    _ReasonDialog { align: center middle; }
    #dialog { width: 64; height: auto; border: round $accent; padding: 0 1; }
    Label { margin-top: 1; }
    #buttons { height: 1; align-horizontal: right; margin-top: 1; }
    #buttons Button { margin-left: 2; }
    """
    title_text = ""
    asks_date = False

    def __init__(self, api: CrmClient, row: QueueRow) -> None:
        super().__init__(api)
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                _("[b]{action}: {customer}[/b]  due {day}").format(
                    action=_(self.title_text),
                    customer=self.row.customer_name,
                    day=self.row.due_on.isoformat(),
                )
            )
            yield FieldError(id="error-form")
            if self.asks_date:
                yield Label(_("New due date (YYYY-MM-DD)"))
                today = host(self).company_today()
                yield Input((today + timedelta(days=1)).isoformat(), id="dueOn")
                yield FieldError(id="error-dueOn")
            yield Label(_("Reason"))
            yield Input(id="reason")
            yield FieldError(id="error-reason")
            yield from form_buttons(_("Save"))

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.submit()

    @work(exclusive=True)
    async def submit(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        try:
            message = await self.send(reason)
        except UserErrors as exc:
            show_refusal(self, exc, ("dueOn", "reason"))
            return
        except ValueError as exc:
            self.query_one("#error-dueOn", FieldError).show(str(exc))
            return
        except ApiError as exc:
            self.query_one("#error-form", FieldError).show(str(exc))
            return
        self.dismiss(message)

    async def send(self, reason: str) -> str:
        raise NotImplementedError

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class RescheduleDialog(_ReasonDialog):
    title_text = N_("Reschedule")
    asks_date = True

    async def send(self, reason: str) -> str:
        due = forms.day(self.query_one("#dueOn", Input).value, host(self).company_today())
        if due is None:
            raise forms.Unparsed(_("The new due date, as YYYY-MM-DD."))
        await self.api.reschedule(self.row.id, self.row.version, due, reason)
        return _("{customer} moved to {day}.").format(
            customer=self.row.customer_name, day=due.isoformat()
        )


class SkipDialog(_ReasonDialog):
    title_text = N_("Skip")

    async def send(self, reason: str) -> str:
        await self.api.skip(self.row.id, self.row.version, reason)
        return _("Skipped {customer_name}.").format(customer_name=self.row.customer_name)
