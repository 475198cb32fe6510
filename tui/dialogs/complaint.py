"""The complaint dialogs: one per step action (its own fields, the server's refusals beside
them), recording a complaint for a customer, attaching a file by path, and the pickers for
an action and for a file to open."""

from __future__ import annotations

from collections.abc import Sequence
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
from tui.dialogs.form import Field, FormDialog
from tui.i18n import N_, _
from tui.keys import localize_bindings
from tui.widgets.field_error import FieldError, show_refusal
from tui.widgets.form_buttons import form_buttons

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


class StepDialog(FormDialog):
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


class CorrectiveDoneDialog(FormDialog):
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


class RecordComplaintDialog(FormDialog):
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
