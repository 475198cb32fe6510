"""The complaint dialogs: one per step action (its own fields, the server's refusals beside
them), recording a complaint for a customer, attaching a file by path, and the pickers for
an action and for a file to open."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from tui import forms
from tui.api import ApiError, CrmClient, UserErrors
from tui.api.complaints import ComplaintDetail, Evidence
from tui.api.vocabulary import (
    COMPLAINT_ACTION_LABEL,
    COMPLAINT_CHANNEL_LABEL,
    COMPLAINT_KIND_LABEL,
    REMEDY_LABEL,
    RESPONSIBLE_LABEL,
    SEVERITY_LABEL,
)
from tui.dialogs.base import ApiDialog
from tui.forms import FieldUnread
from tui.i18n import N_, _
from tui.screens.base import localize_bindings
from tui.widgets.field_error import FieldError, show_refusal
from tui.widgets.form_buttons import form_buttons


@dataclass(frozen=True)
class Field:
    """One field of a step's input: its name in the schema, its label, how it is typed."""

    name: str
    label: str  # N_()
    # text, amount, date, moment, score, choice (from `choices`), department, user
    kind: str = "text"
    choices: Mapping[str, str] | None = None
    optional: bool = False


NOTE = Field("note", N_("Note"), optional=True)

# Each action's fields, in the order the dialog asks them.
FIELDS: dict[str, tuple[Field, ...]] = {
    "VALIDATE": (NOTE,),
    "REJECT": (Field("rejectionReason", N_("Why not")), Field("reply", N_("Reply sent")), NOTE),
    "ASSIGN": (
        Field("departmentId", N_("Department"), "department"),
        Field("assigneeId", N_("Person"), "user"),
        NOTE,
    ),
    "ANALYSE": (
        Field("rootCause", N_("Root cause")),
        Field("responsibleParty", N_("Responsible"), "choice", RESPONSIBLE_LABEL),
        NOTE,
    ),
    "PROPOSE": (
        Field("remedyKind", N_("Remedy"), "choice", REMEDY_LABEL),
        Field("remedyDescription", N_("What exactly")),
        Field("remedyAmount", N_("Amount"), "amount", optional=True),
        NOTE,
    ),
    "APPROVE": (NOTE,),
    "SEND_BACK": (Field("note", N_("What to change")),),
    "IMPLEMENT": (
        Field("implementation", N_("What was done")),
        Field("customerNotifiedAt", N_("Customer told"), "moment"),
        Field("customerFeedback", N_("Feedback"), optional=True),
        NOTE,
    ),
    "EVALUATE": (
        Field("lessons", N_("Lessons")),
        Field("satisfaction", N_("Satisfaction"), "score"),
        Field("correctiveAction", N_("Corrective"), optional=True),
        Field("correctiveOwnerId", N_("Owner"), "user", optional=True),
        Field("correctiveDueOn", N_("Due on"), "date", optional=True),
        NOTE,
    ),
    "REOPEN": (Field("reopenReason", N_("Why reopen")),),
}

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


class _FormDialog(ApiDialog[str | None]):
    """A form of Fields: inputs and pickers by name, the server's refusals beside them."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]
    DEFAULT_CSS = """
    _FormDialog { align: center middle; }
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
            day = forms.day(text)
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


# The form every dialog of Fields builds on (the collections dialogs too).
FormDialog = _FormDialog


class StepDialog(_FormDialog):
    """One step's action on a complaint: its fields, sent with the version read."""

    def __init__(self, api: CrmClient, complaint: ComplaintDetail, action: str) -> None:
        super().__init__(api)
        self.complaint = complaint
        self.action = action
        self.fields = FIELDS[action]

    def compose(self) -> ComposeResult:
        label = COMPLAINT_ACTION_LABEL.get(self.action, self.action)
        with Vertical(id="dialog"):
            yield Static(
                f"[b]{escape(label)}[/b] · {escape(self.complaint.card.subject)}\n"
                f"[dim]{escape(self.complaint.card.customer_name)}[/]"
            )
            yield FieldError(id="error-form")
            now = self.company_now().strftime("%Y-%m-%d %H:%M")
            yield from self.compose_fields({"customerNotifiedAt": now})
            yield from form_buttons(label)

    @work(exclusive=True, group="people")
    async def on_mount(self) -> None:
        try:
            await self.fill_people()
        except ApiError as exc:
            self.query_one("#error-form", FieldError).show(str(exc))

    async def send(self, values: dict[str, Any]) -> str:
        await self.api.complaint_act(
            self.action,
            {"id": self.complaint.id, "version": self.complaint.version, **values},
        )
        return _("Done: {action}.").format(
            action=COMPLAINT_ACTION_LABEL.get(self.action, self.action)
        )


class CorrectiveDoneDialog(_FormDialog):
    """The closed complaint's corrective action is done (the lessons register's last
    column): on which company day."""

    fields = (Field("doneOn", N_("Done on"), "date"),)

    def __init__(self, api: CrmClient, complaint: ComplaintDetail) -> None:
        super().__init__(api)
        self.complaint = complaint

    def compose(self) -> ComposeResult:
        action = self.complaint.data.get("correctiveAction") or {}
        with Vertical(id="dialog"):
            yield Static(
                _("[b]Corrective action done[/b] · {subject}\n{action}").format(
                    subject=escape(self.complaint.card.subject),
                    action=escape(action.get("description", "")),
                )
            )
            yield FieldError(id="error-form")
            yield from self.compose_fields({"doneOn": self.company_now().date().isoformat()})
            yield from form_buttons(_("Save"))

    async def send(self, values: dict[str, Any]) -> str:
        await self.api.corrective_action_done(
            self.complaint.id, self.complaint.version, values["doneOn"]
        )
        return _("Corrective action recorded done.")


class RecordComplaintDialog(_FormDialog):
    """Record a complaint for one customer (step 1, 记录): from the queue or the customer
    screen, in one dialog."""

    fields: tuple[Field, ...] = (
        Field("channel", N_("Channel"), "choice", COMPLAINT_CHANNEL_LABEL),
        Field("kind", N_("What is wrong"), "choice", COMPLAINT_KIND_LABEL),
        Field("subject", N_("Subject")),
        Field("description", N_("What happened"), optional=True),
        Field("demand", N_("Asks for"), optional=True),
        Field("contactId", N_("Complainant"), "contact", optional=True),
        Field("salesOrderId", N_("Order"), "order", optional=True),
        Field("amount", N_("At stake"), "amount", optional=True),
        Field("severity", N_("Severity"), "choice", SEVERITY_LABEL),
    )

    def __init__(self, api: CrmClient, customer_id: str, customer_name: str) -> None:
        super().__init__(api)
        self.customer_id = customer_id
        self.customer_name = customer_name
        self.fields = tuple(
            Field(f.name, f.label, "choice", f.choices or {}, f.optional)
            if f.kind in ("contact", "order")
            else f
            for f in type(self).fields
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                _("[b]Record a complaint[/b] · {customer}").format(
                    customer=escape(self.customer_name)
                )
            )
            yield FieldError(id="error-form")
            yield from self.compose_fields()
            yield from form_buttons(_("Record"))

    @work(exclusive=True, group="choices")
    async def on_mount(self) -> None:
        self.query_one("#channel", Select).value = "PHONE"
        self.query_one("#severity", Select).value = "MEDIUM"
        try:
            choices = await self.api.record_choices(self.customer_id)
        except ApiError as exc:
            self.query_one("#error-form", FieldError).show(str(exc))
            return
        self.query_one("#contactId", Select).set_options(
            [(label, id_) for id_, label in choices.contacts]
        )
        self.query_one("#salesOrderId", Select).set_options(
            [
                (" ".join(p for p in (o.ordered_on, o.external_ref or "") if p), o.id)
                for o in choices.orders
            ]
        )

    async def send(self, values: dict[str, Any]) -> str:
        await self.api.complaint_act("RECORD", {"customerId": self.customer_id, **values})
        return _("Complaint recorded; it waits to be judged.")


class AttachDialog(ApiDialog[str | None]):
    """Attach a file to a complaint by its path on this computer."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]
    DEFAULT_CSS = """
    AttachDialog { align: center middle; }
    #dialog { width: 72; height: auto; border: round $accent; padding: 0 1; }
    .row { height: 1; }
    .row > Label { width: 14; }
    .row > Input { width: 1fr; }
    FieldError { padding-left: 14; }
    #buttons { height: 1; align-horizontal: right; margin-top: 1; }
    #buttons Button { margin-left: 2; }
    """

    def __init__(self, api: CrmClient, complaint: ComplaintDetail) -> None:
        super().__init__(api)
        self.complaint = complaint

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                _("[b]Attach a file[/b] · {subject}\nPhotos (JPEG, PNG, WebP) or PDF.").format(
                    subject=escape(self.complaint.card.subject)
                )
            )
            yield FieldError(id="error-form")
            with Horizontal(classes="row"):
                yield Label(_("File"))
                yield Input(placeholder=_("/path/to/photo.jpg"), compact=True, id="path")
            yield FieldError(id="error-file")
            with Horizontal(classes="row"):
                yield Label(_("Shows"))
                yield Input(compact=True, id="description")
            yield FieldError(id="error-description")
            yield from form_buttons(_("Attach"))

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        path = Path(text).expanduser()
        if not text or not path.is_file():
            self.query_one("#error-file", FieldError).show(_("No such file."))
            return
        self.send(path, self.query_one("#description", Input).value.strip())

    @work(exclusive=True)
    async def send(self, path: Path, description: str) -> None:
        try:
            name = await self.api.attach_evidence(self.complaint.id, path, description)
        except UserErrors as exc:
            show_refusal(self, exc, ["file", "description"])
            return
        except (ApiError, OSError) as exc:
            self.query_one("#error-form", FieldError).show(str(exc))
            return
        self.dismiss(_("Attached {name}.").format(name=name))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class _Picker(ModalScreen[Any]):
    """A short list to pick one from (enter), or escape."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]
    DEFAULT_CSS = """
    _Picker { align: center middle; }
    #picker { width: 48; height: auto; max-height: 16; border: round $accent; }
    """

    def __init__(self, title: str, options: Sequence[tuple[str, Any]]) -> None:
        super().__init__()
        self.title_text = title
        self.values = [value for _label, value in options]
        self.labels = [label for label, _value in options]
        localize_bindings(self)

    def compose(self) -> ComposeResult:
        picker = OptionList(*(Option(label) for label in self.labels), id="picker")
        picker.border_title = self.title_text
        yield picker

    @on(OptionList.OptionSelected, "#picker")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.values[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class ActionPicker(_Picker):
    """The actions the viewer may take at this step."""

    def __init__(self, actions: Sequence[str]) -> None:
        super().__init__(_("What to do"), [(COMPLAINT_ACTION_LABEL.get(a, a), a) for a in actions])


class FilePicker(_Picker):
    """The attached files, to open one."""

    def __init__(self, files: Sequence[Evidence]) -> None:
        super().__init__(_("Open which file"), [(f.filename, n) for n, f in enumerate(files)])
