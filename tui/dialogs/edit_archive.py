"""Edit a customer's archive (the four groups of facts). Only changed fields are sent, with
the version the form was opened at. If someone else saved first, the dialog shows what
changed on the server beside what the user typed, and offers to reload the server's values
or to re-apply the user's changes on top of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from tui import forms
from tui.api import ApiError, CrmClient, UserErrors
from tui.api.customers import CustomerDetail
from tui.api.records import Money
from tui.api.vocabulary import STALE_VERSION
from tui.archive import ARCHIVE_GROUPS
from tui.dialogs.base import ApiDialog
from tui.i18n import N_, _
from tui.widgets.field_error import FieldError, show_refusal
from tui.widgets.form_buttons import form_buttons

if TYPE_CHECKING:
    pass

# Archive fields edited as text. Money and numbers are sent as the server's scalars take
# them (Decimal and Int as strings/ints); the combined "region+route" row is split.
EDITABLE: list[tuple[str, str]] = [(N_("Name"), "name")] + [
    (label, key)
    for _, fields in ARCHIVE_GROUPS
    for label, key in fields
    if key not in ("region+route", "sourceChannel", "stage")
]
EDITABLE[1:1] = [(N_("Region"), "region"), (N_("Route"), "route")]
LABELS = dict((key, label) for label, key in EDITABLE)
# Whole numbers and their ranges (as the server checks them).
INTEGERS = {
    "ourSharePercent": (0, 100),
    "yearsInBusiness": (0, 1000),
    "billingDay": (1, 31),
    "paymentDays": (0, 365),
}
MONEY = {"assets", "registeredCapital", "creditLimit"}
DATES = {"relationshipSince"}


def _plain(c: CustomerDetail, key: str) -> str:
    """The value as the form shows it for editing: amounts as plain decimals."""
    value = c.name if key == "name" else c.facts.get(key)
    if isinstance(value, Money):
        return value.amount
    return "" if value is None else str(value)


def _wire(key: str, text: str) -> Any:
    """The form's text as the API takes it ('' clears a number, an amount or a date);
    forms.Unparsed when it cannot be read."""
    if key in INTEGERS:
        return forms.whole_number(text, *INTEGERS[key])
    if key in MONEY:
        return forms.amount(text)
    if key in DATES:
        found = forms.day(text)
        return found.isoformat() if found else None
    return text


class EditArchiveDialog(ApiDialog[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("ctrl+r", "reload", N_("Reload server values"), show=False, priority=True),
        Binding("ctrl+a", "reapply", N_("Re-apply mine"), show=False, priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]
    DEFAULT_CSS = """
    EditArchiveDialog { align: center middle; }
    #dialog { width: 78; height: 22; border: round $accent; padding: 0 1; }
    .row { height: 1; }
    .row > Label { width: 17; }
    .row > Input { width: 1fr; }
    FieldError { padding-left: 17; }
    #conflict { display: none; height: auto; border: round $warning; padding: 0 1; }
    #conflict.-shown { display: block; }
    #buttons { height: 1; align-horizontal: right; margin-top: 1; }
    #buttons Button { margin-left: 2; }
    """

    def __init__(self, api: CrmClient, detail: CustomerDetail) -> None:
        super().__init__(api)
        self.original = detail
        self.version = detail.version
        self.server: CustomerDetail | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(_("[b]Edit archive: {name}[/b]").format(name=self.original.name))
            yield Static("", id="conflict")
            yield FieldError(id="error-form")
            for label, key in EDITABLE:
                with Horizontal(classes="row"):
                    yield Label(_(label))
                    yield Input(_plain(self.original, key), compact=True, id=key)
                yield FieldError(id=f"error-{key}")
            yield from form_buttons(_("Save"))

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # ctrl+r / ctrl+a mean reload / re-apply only during a conflict; otherwise the keys
        # go to the input as usual.
        return self.server is not None if action in ("reload", "reapply") else True

    def typed(self) -> dict[str, str]:
        return {key: self.query_one(f"#{key}", Input).value.strip() for _, key in EDITABLE}

    def changes(self, base: CustomerDetail) -> dict[str, Any] | None:
        """What the user changed relative to `base` (the values the form was opened with);
        None when something typed cannot be read, its message then beside the field."""
        found: dict[str, Any] = {}
        unread = False
        for key, text in self.typed().items():
            if text == _plain(base, key):
                self.query_one(f"#error-{key}", FieldError).show(None)
                continue
            try:
                found[key] = _wire(key, text)
                self.query_one(f"#error-{key}", FieldError).show(None)
            except forms.Unparsed as exc:
                self.query_one(f"#error-{key}", FieldError).show(str(exc))
                unread = True
        return None if unread else found

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.save(self.version)

    @work(exclusive=True)
    async def save(self, version: int) -> None:
        changes = self.changes(self.original)
        if changes is None:
            return  # the fields say what to correct
        if not changes:
            self.dismiss(None)
            return
        try:
            await self.api.update_customer(self.original.id, version, **changes)
        except UserErrors as exc:
            if any(e.code == STALE_VERSION for e in exc.errors):
                await self.show_conflict()
                return
            show_refusal(self, exc, (key for _, key in EDITABLE))
            return
        except ApiError as exc:
            self.query_one("#error-form", FieldError).show(str(exc))
            return
        saved = ", ".join(_(LABELS[key]).lower() for key in sorted(changes))
        self.dismiss(_("Saved: {saved}.").format(saved=saved))

    async def show_conflict(self) -> None:
        try:
            server = self.server = await self.api.customer(self.original.id)
        except ApiError as exc:
            self.query_one("#error-form", FieldError).show(str(exc))
            return
        mine = self.changes(self.original) or {}
        lines = [_("[b]Someone saved this customer after you opened it.[/b]")]
        for label, key in EDITABLE:
            before, now = _plain(self.original, key), _plain(server, key)
            if before != now:
                yours = (
                    _(" (yours: {typed})").format(typed=self.typed()[key] or "—")
                    if key in mine
                    else ""
                )
                lines.append(f"  {_(label)}: {before or '—'} → {now or '—'}{yours}")
        lines.append(_("ctrl+r reload the server's values · ctrl+a re-apply my changes"))
        conflict = self.query_one("#conflict", Static)
        conflict.update("\n".join(lines))
        conflict.add_class("-shown")
        self.query_one("#dialog", VerticalScroll).scroll_home(animate=False)

    def action_reload(self) -> None:
        """Drop the user's edits: the form shows the server's values and version."""
        if self.server is None:
            return
        for _label, key in EDITABLE:
            self.query_one(f"#{key}", Input).value = _plain(self.server, key)
        self.original, self.version = self.server, self.server.version
        self.server = None
        self.query_one("#conflict", Static).remove_class("-shown")

    def action_reapply(self) -> None:
        """Keep what the user typed and send it on top of the server's version."""
        if self.server is None:
            return
        self.version = self.server.version
        self.query_one("#conflict", Static).remove_class("-shown")
        self.save(self.version)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
