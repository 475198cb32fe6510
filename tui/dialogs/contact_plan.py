"""The customer's contact plan (联络计划): what the contacts focus on, the order hoped for, how
often to call (overriding the grade's cadence) and when the customer likes to be reached."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from tui import forms
from tui.api import ApiError, CrmClient, UserErrors
from tui.api.customers import ContactPlan, CustomerDetail
from tui.api.vocabulary import contact_every
from tui.dialogs.base import ApiDialog
from tui.i18n import N_, _
from tui.widgets.field_error import FieldError, show_refusal
from tui.widgets.form_buttons import form_buttons

if TYPE_CHECKING:
    pass

# (input path, label) in the order shown; the path is what the server names in its refusals.
FIELDS = (
    ("focus", N_("Focus")),
    ("frequencyDays", N_("Every (days)")),
    ("preferredTime", N_("Best time")),
    ("expectedOrder.products", N_("Products")),
    ("expectedOrder.quantity", N_("Quantity")),
    ("expectedOrder.amount", N_("Amount")),
)
# Whole numbers and their ranges (as the server checks them).
WHOLE_NUMBERS = {"frequencyDays": (1, 3660), "expectedOrder.quantity": (0, 1_000_000_000)}


def _dom_id(path: str) -> str:
    return path.replace(".", "-")


def plan_values(plan: ContactPlan | None) -> dict[str, str]:
    """The plan as the dialog's fields show it, by input path: text, blank for nothing."""
    if plan is None:
        return {path: "" for path, _ in FIELDS}
    raw = {
        "focus": plan.focus,
        "frequencyDays": plan.frequency_days,
        "preferredTime": plan.preferred_time,
        "expectedOrder.products": plan.expected_products,
        "expectedOrder.quantity": plan.expected_quantity,
        "expectedOrder.amount": plan.expected_amount.amount if plan.expected_amount else None,
    }
    return {k: "" if v is None else str(v) for k, v in raw.items()}


class ContactPlanDialog(ApiDialog[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]
    DEFAULT_CSS = """
    ContactPlanDialog { align: center middle; }
    #dialog { width: 66; height: auto; border: round $accent; padding: 0 1; }
    .row { height: 1; }
    .row > Label { width: 14; }
    .row > Input { width: 1fr; }
    FieldError { padding-left: 14; }
    #hint { color: $text-muted; margin-bottom: 1; }
    #buttons { height: 1; align-horizontal: right; margin-top: 1; }
    #buttons Button { margin-left: 2; }
    """

    def __init__(self, api: CrmClient, customer: CustomerDetail) -> None:
        super().__init__(api)
        self.customer = customer
        self.plan = customer.contact_plan
        self.before = plan_values(self.plan)

    def compose(self) -> ComposeResult:
        cadence = self.customer.cadence_days
        placeholders = {
            "frequencyDays": _("blank: the grade's cadence ({grade})").format(
                grade=self.customer.grade
            ),
            "preferredTime": _("e.g. 周二上午"),
            "expectedOrder.amount": _("e.g. 12000.00"),
        }
        with Vertical(id="dialog"):
            yield Label(_("[b]Contact plan · {name}[/b]").format(name=self.customer.name))
            yield Static(
                _(
                    "Now: {cadence}. The follow-up scheduled after the next logged "
                    "contact follows this plan."
                ).format(cadence=contact_every(cadence)),
                id="hint",
            )
            yield FieldError(id="error-form")
            for path, label in FIELDS:
                with Horizontal(classes="row"):
                    yield Label(_(label))
                    yield Input(
                        self.before[path],
                        placeholder=placeholders.get(path, ""),
                        compact=True,
                        id=_dom_id(path),
                    )
                yield FieldError(id=f"error-{_dom_id(path)}")
            yield from form_buttons(_("Save"))

    def on_mount(self) -> None:
        self.query_one("#focus", Input).focus()

    def typed(self) -> dict[str, str]:
        return {
            path: self.query_one(f"#{_dom_id(path)}", Input).value.strip() for path, _ in FIELDS
        }

    def changes(self) -> dict[str, Any] | None:
        """The input to send: the fields that changed (all filled ones for a new plan), or
        None when a number does not parse; its message is then beside the field."""
        now = self.typed()
        wanted = {p: v for p, v in now.items() if v != self.before[p] or (self.plan is None and v)}
        bad = False
        values: dict[str, Any] = {}
        for path, text in wanted.items():
            # Cleared numbers are sent as null: no frequency (the grade's cadence again), no
            # quantity or amount.
            value: Any = text
            error = None
            try:
                if path in WHOLE_NUMBERS:
                    value = forms.whole_number(text, *WHOLE_NUMBERS[path])
                elif path == "expectedOrder.amount":
                    value = forms.amount(text)
            except forms.Unparsed as exc:
                error = str(exc)
            self.query_one(f"#error-{_dom_id(path)}", FieldError).show(error)
            bad = bad or error is not None
            if path.startswith("expectedOrder."):
                values.setdefault("expectedOrder", {})[path.split(".")[1]] = value
            else:
                values[path] = value
        return None if bad else values

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        values = self.changes()
        if values is None:
            return
        if not values:
            self.dismiss(None)
            return
        self.save(values)

    @work(exclusive=True)
    async def save(self, values: dict[str, Any]) -> None:
        version = self.plan.version if self.plan else None
        try:
            await self.api.set_contact_plan(self.customer.id, version, **values)
        except UserErrors as exc:
            show_refusal(self, exc, [path for path, _ in FIELDS])
            return
        except ApiError as exc:
            self.query_one("#error-form", FieldError).show(str(exc))
            return
        self.dismiss(_("Saved the contact plan."))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
