"""Add or edit one of the people inside a customer: who they are, whether they decide, their
influence and attitude, and how strongly they are on our side (内线)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select

from tui.api import ApiError, CrmClient, UserErrors
from tui.api.customers import Contact
from tui.api.vocabulary import ALLY_LABEL, ATTITUDE_LABEL, CONTACT_ROLE_LABEL, INFLUENCE_LABEL
from tui.dialogs.base import ApiDialog
from tui.i18n import N_, _
from tui.widgets.field_error import FieldError, show_refusal
from tui.widgets.form_buttons import form_buttons

if TYPE_CHECKING:
    pass

TEXTS = (
    ("name", N_("Name")),
    ("title", N_("Title")),
    ("phone", N_("Phone")),
    ("email", N_("Email")),
)
CHOICES = {
    "role": CONTACT_ROLE_LABEL,
    "influence": INFLUENCE_LABEL,
    "attitude": ATTITUDE_LABEL,
    "allyStrength": ALLY_LABEL,
}
LABELS = {
    "role": N_("Role"),
    "influence": N_("Influence"),
    "attitude": N_("Attitude"),
    "allyStrength": N_("Ally"),
}
DEFAULTS = {"role": "OTHER", "influence": "MEDIUM", "attitude": "NEUTRAL", "allyStrength": "NONE"}


class ContactDialog(ApiDialog[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]
    DEFAULT_CSS = """
    ContactDialog { align: center middle; }
    #dialog { width: 64; height: auto; border: round $accent; padding: 0 1; }
    .row { height: 1; }
    .row > Label { width: 12; }
    .row > Input, .row > Select { width: 1fr; }
    FieldError { padding-left: 12; }
    #isDecisionMaker { margin-left: 12; }
    #buttons { height: 1; align-horizontal: right; margin-top: 1; }
    #buttons Button { margin-left: 2; }
    """

    def __init__(self, api: CrmClient, customer_id: str, contact: Contact | None = None) -> None:
        super().__init__(api)
        self.customer_id = customer_id
        self.contact = contact
        # The form's starting values by input name; empty for a new contact.
        self.before: dict[str, Any] = contact.form_values() if contact else {}

    def compose(self) -> ComposeResult:
        title = (
            _("Edit {name}").format(name=self.contact.name) if self.contact else _("New contact")
        )
        with Vertical(id="dialog"):
            yield Label(f"[b]{title}[/b]")
            yield FieldError(id="error-form")
            for key, label in TEXTS:
                with Horizontal(classes="row"):
                    yield Label(_(label))
                    yield Input(str(self.before.get(key) or ""), compact=True, id=key)
                yield FieldError(id=f"error-{key}")
            yield Checkbox(
                _("Decides the purchase (决策人)"),
                bool(self.before.get("isDecisionMaker")),
                compact=True,
                id="isDecisionMaker",
            )
            for key, options in CHOICES.items():
                with Horizontal(classes="row"):
                    yield Label(_(LABELS[key]))
                    yield Select(
                        [(label, value) for value, label in options.items()],
                        value=self.before.get(key) or DEFAULTS[key],
                        allow_blank=False,
                        compact=True,
                        id=key,
                    )
                yield FieldError(id=f"error-{key}")
            yield from form_buttons(_("Save"))

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: self.query_one(f"#{k}", Input).value.strip() for k, _ in TEXTS}
        out["isDecisionMaker"] = self.query_one("#isDecisionMaker", Checkbox).value
        for key in CHOICES:
            out[key] = self.query_one(f"#{key}", Select).value
        if self.contact:  # send only what changed
            out = {k: v for k, v in out.items() if v != (self.before.get(k) or "")}
        return out

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.save(self.values())

    @work(exclusive=True)
    async def save(self, values: dict[str, Any]) -> None:
        try:
            await self.api.save_contact(
                self.customer_id,
                self.contact.id if self.contact else None,
                self.contact.version if self.contact else None,
                **values,
            )
        except UserErrors as exc:
            show_refusal(self, exc, [*(k for k, _ in TEXTS), *CHOICES])
            return
        except ApiError as exc:
            self.query_one("#error-form", FieldError).show(str(exc))
            return
        name = values.get("name") or (self.contact.name if self.contact else "")
        self.dismiss(_("Saved {name}.").format(name=name))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
