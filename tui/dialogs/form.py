"""The form every dialog of fields builds on (complaint steps, collections): inputs and
pickers by name, read as the API takes them, with the server's refusals beside them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select

from tui import forms
from tui.api import ApiError, UserErrors
from tui.dialogs.base import ApiDialog
from tui.forms import FieldUnread
from tui.i18n import N_, _
from tui.widgets.field_error import FieldError, show_refusal


@dataclass(frozen=True)
class Field:
    """One field of a step's input: its name in the schema, its label, how it is typed."""

    name: str
    label: str  # N_()
    # text, amount, date, moment, score, choice (from `choices`), department, user
    kind: str = "text"
    choices: Mapping[str, str] | None = None
    optional: bool = False


_HINT = {
    "amount": N_("e.g. 1200.50 or 1.2万"),
    "date": N_("YYYY-MM-DD"),
    "moment": N_("YYYY-MM-DD HH:MM"),
    "score": N_("1 (low) to 5 (high)"),
}


def moment_text(text: str, zone: tzinfo | None) -> str | None:
    """A time written YYYY-MM-DD HH:MM on the company's clock (`zone`), as the ISO
    timestamp the API takes."""
    text = text.strip()
    if not text:
        return None
    try:
        found = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        raise forms.Unparsed(_("A time as YYYY-MM-DD HH:MM, e.g. 2026-03-02 14:30.")) from None
    if found.tzinfo is None:
        found = found.replace(tzinfo=zone) if zone else found.astimezone()
    return found.isoformat()


class FormDialog(ApiDialog[str | None]):
    """A form of Fields: inputs and pickers by name, the server's refusals beside them."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]
    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    #dialog { width: 72; height: auto; max-height: 100%; border: round $accent; padding: 0 1; }
    .row { height: 1; }
    .row > Label { width: 14; }
    .row > Input, .row > Select { width: 1fr; }
    FieldError { padding-left: 14; }
    #buttons { height: 1; align-horizontal: right; margin-top: 1; }
    #buttons Button { margin-left: 2; }
    """
    fields: tuple[Field, ...] = ()

    def compose_fields(self, defaults: Mapping[str, str] | None = None) -> ComposeResult:
        defaults = defaults or {}
        for field in self.fields:
            with Horizontal(classes="row"):
                yield Label(_(field.label))
                if field.kind in ("choice", "department", "user"):
                    options = [(label, value) for value, label in (field.choices or {}).items()]
                    yield Select(
                        options,
                        prompt=_("(none)") if field.optional else _("Choose…"),
                        compact=True,
                        id=field.name,
                    )
                else:
                    hint = _HINT.get(field.kind)
                    yield Input(
                        defaults.get(field.name, ""),
                        placeholder=_(hint) if hint else "",
                        compact=True,
                        id=field.name,
                    )
            yield FieldError(id=f"error-{field.name}")

    async def fill_people(self) -> None:
        """The department and user pickers' options, from the server."""
        wanted = {f.kind for f in self.fields}
        if "department" in wanted:
            departments = await self.api.departments()
            for f in self.fields:
                if f.kind == "department":
                    self.query_one(f"#{f.name}", Select).set_options(
                        [(name, id_) for id_, name in departments]
                    )
        if "user" in wanted:
            people = await self.api.users("")
            for f in self.fields:
                if f.kind == "user":
                    self.query_one(f"#{f.name}", Select).set_options(
                        [(p.name, p.id) for p in people]
                    )

    def values(self) -> dict[str, Any]:
        """What the form holds, as the API takes it; FieldUnread for what cannot be read."""
        out: dict[str, Any] = {}
        for field in self.fields:
            if field.kind in ("choice", "department", "user"):
                chosen = self.query_one(f"#{field.name}", Select).value
                value: Any = None if chosen is Select.NULL else chosen
            else:
                text = self.query_one(f"#{field.name}", Input).value.strip()
                try:
                    value = self._read(field, text)
                except forms.Unparsed as exc:
                    raise FieldUnread(field.name, str(exc)) from None
            if value is None and field.optional:
                continue
            if value is None and field.kind != "text":
                # Said here: a missing choice or date would not reach the server's checks.
                raise FieldUnread(field.name, _("Required."))
            out[field.name] = "" if value is None and field.kind == "text" else value
        return out

    def company_now(self) -> datetime:
        """Now on the company's clock (the app's), for defaults and typed times."""
        now = getattr(self.app, "company_now", None)
        return now() if now else datetime.now().astimezone()

    def _read(self, field: Field, text: str) -> Any:
        if field.kind == "amount":
            return forms.amount(text)
        if field.kind == "date":
            day = forms.day(text, self.company_now().date())
            return day.isoformat() if day else None
        if field.kind == "moment":
            return moment_text(text, self.company_now().tzinfo)
        if field.kind == "score":
            return forms.whole_number(text, 1, 5)
        return text or (None if field.optional else "")

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        try:
            values = self.values()
        except FieldUnread as exc:
            self.query_one(f"#error-{exc.field}", FieldError).show(str(exc))
            return
        for field in self.fields:
            self.query_one(f"#error-{field.name}", FieldError).show(None)
        self.submit(values)

    @work(exclusive=True)
    async def submit(self, values: dict[str, Any]) -> None:
        try:
            message = await self.send(values)
        except UserErrors as exc:
            show_refusal(self, exc, [f.name for f in self.fields])
            return
        except ApiError as exc:
            self.query_one("#error-form", FieldError).show(str(exc))
            return
        self.dismiss(message)

    async def send(self, values: dict[str, Any]) -> str:
        raise NotImplementedError

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
