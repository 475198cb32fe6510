"""Log a contact (one key from the queue): what happened, who was there, the grade confirmed
or changed, and when to follow up next. The preparation facts stay on screen above."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, SelectionList, Static

from tui.api import ApiError, ServerUnreachable, UserErrors
from tui.api.models import GRADE_MEANING, GRADES, KIND_LABEL, KINDS, Cadences, QueueRow
from tui.widgets.field_error import FieldError

if TYPE_CHECKING:
    from tui.app import CrmApp

# Form field → the InteractionLogInput field the server names in its userErrors.
FIELDS = {
    "kind": "kind",
    "occurred": "occurredAt",
    "contacts": "contactIds",
    "needs": "needs",
    "problems": "problems",
    "outcome": "outcome",
    "satisfaction": "satisfaction",
    "grade": "grade",
    "next": "nextDueOn",
}


class LogContactDialog(ModalScreen[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]
    DEFAULT_CSS = """
    LogContactDialog { align: center middle; }
    #dialog { width: 78; height: 22; border: round $accent; padding: 0 1; }
    #prep { height: auto; color: $text-muted; border-bottom: solid $accent; }
    .row { height: auto; }
    .row > Vertical { width: 1fr; height: auto; }
    Label { margin-top: 1; }
    #contacts { height: 5; }
    #buttons { height: 3; align-horizontal: right; }
    """

    def __init__(self, row: QueueRow) -> None:
        super().__init__()
        self.row = row
        self.cadences: Cadences | None = None
        self.cadence_override: int | None = None
        self.next_edited = False
        # One key per dialog: a retry after a lost answer is recorded once.
        self.idempotency_key = uuid.uuid4().hex

    def compose(self) -> ComposeResult:
        r = self.row
        dm = r.decision_maker.line() if r.decision_maker else "none marked"
        ally = r.ally.line() if r.ally else "none"
        last = r.last_contact_at.strftime("%Y-%m-%d") if r.last_contact_at else "never"
        with VerticalScroll(id="dialog"):
            yield Static(
                f"[b]Log contact: {r.customer_name}[/b]  grade {r.grade}\n"
                f"Last: {last} {r.last_contact_summary}\n"
                f"Decision maker: {dm}   Ally: {ally}\n"
                f"Expected order: {r.expected_order() or '—'}   Purpose: {r.purpose or '—'}",
                id="prep",
            )
            yield FieldError(id="error-form")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Kind")
                    yield Select(
                        [(KIND_LABEL[k], k) for k in KINDS],
                        value=r.kind if r.kind in KINDS else "PHONE",
                        allow_blank=False,
                        id="kind",
                    )
                    yield FieldError(id="error-kind")
                with Vertical():
                    yield Label("When (YYYY-MM-DD HH:MM)")
                    yield Input(datetime.now().strftime("%Y-%m-%d %H:%M"), id="occurred")
                    yield FieldError(id="error-occurred")
            yield Label("Their people present (space to tick)")
            yield SelectionList[str](id="contacts")
            yield FieldError(id="error-contacts")
            yield Label("Needs")
            yield Input(id="needs")
            yield FieldError(id="error-needs")
            yield Label("Problems raised")
            yield Input(id="problems")
            yield FieldError(id="error-problems")
            yield Label("Outcome")
            yield Input(id="outcome")
            yield FieldError(id="error-outcome")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Grade (confirm or change)")
                    yield Select(
                        [(f"{g} — {GRADE_MEANING[g]}", g) for g in GRADES],
                        value=r.grade,
                        allow_blank=False,
                        id="grade",
                    )
                    yield FieldError(id="error-grade")
                with Vertical():
                    yield Label("Satisfaction 1–5")
                    yield Select(
                        [(str(n), n) for n in range(1, 6)], prompt="not asked", id="satisfaction"
                    )
                    yield FieldError(id="error-satisfaction")
            yield Label("Next follow-up due (YYYY-MM-DD)")
            yield Input(id="next")
            yield FieldError(id="error-next")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save  ctrl+s", variant="primary", id="save")

    def on_mount(self) -> None:
        self.query_one("#outcome", Input).focus()
        self.prepare()

    @work(exclusive=True, group="prepare")
    async def prepare(self) -> None:
        crm = cast("CrmApp", self.app)
        try:
            customer = await crm.api.customer_for_log(self.row.customer_id)
            self.cadences = await crm.cadences()
        except ApiError as exc:
            self.query_one("#error-form", FieldError).show(str(exc))
            return
        if customer.cadence_days != self.cadences.days.get(customer.grade):
            self.cadence_override = customer.cadence_days  # the contact plan's frequency
        contacts = self.query_one("#contacts", SelectionList)
        for c in customer.contacts:
            contacts.add_option((c.label(), c.id))
        self.suggest_next()

    @on(Select.Changed, "#grade")
    def suggest_next(self) -> None:
        """The next due date from the grade's cadence, until the user types their own."""
        if self.next_edited or self.cadences is None:
            return
        grade = cast(str, self.query_one("#grade", Select).value)
        days = self.cadence_override or self.cadences.days.get(grade, 30)
        from datetime import timedelta

        start = self._occurred_day() or date.today()
        self.query_one("#next", Input).value = (start + timedelta(days=days)).isoformat()

    @on(Input.Changed, "#next")
    def next_changed(self, event: Input.Changed) -> None:
        if self.cadences is not None and self.focused is event.input:
            self.next_edited = True

    def _occurred_day(self) -> date | None:
        try:
            return datetime.strptime(
                self.query_one("#occurred", Input).value, "%Y-%m-%d %H:%M"
            ).date()
        except ValueError:
            return None

    def _errors(self, messages: dict[str, str | None]) -> None:
        for name in [*FIELDS, "form"]:
            self.query_one(f"#error-{name}", FieldError).show(messages.get(name))

    def collect(self) -> dict[str, Any] | None:
        """The form as API arguments; None (with messages beside the fields) if it cannot be
        sent as typed. Nothing typed is cleared."""
        problems: dict[str, str | None] = {}
        occurred_text = self.query_one("#occurred", Input).value.strip()
        try:
            occurred = datetime.strptime(occurred_text, "%Y-%m-%d %H:%M").astimezone()
        except ValueError:
            problems["occurred"] = "Write the time as YYYY-MM-DD HH:MM."
        next_text = self.query_one("#next", Input).value.strip()
        next_due: date | None = None
        if next_text:
            try:
                next_due = date.fromisoformat(next_text)
            except ValueError:
                problems["next"] = "Write the date as YYYY-MM-DD."
        if problems:
            self._errors(problems)
            return None
        satisfaction = self.query_one("#satisfaction", Select).value
        return {
            "customer_id": self.row.customer_id,
            "follow_up_id": self.row.id,
            "kind": self.query_one("#kind", Select).value,
            "grade": self.query_one("#grade", Select).value,
            "occurred_at": occurred,
            "contact_ids": list(self.query_one("#contacts", SelectionList).selected),
            "needs": self.query_one("#needs", Input).value.strip(),
            "problems": self.query_one("#problems", Input).value.strip(),
            "outcome": self.query_one("#outcome", Input).value.strip(),
            "satisfaction": satisfaction if isinstance(satisfaction, int) else None,
            "next_due_on": next_due,
            "idempotency_key": self.idempotency_key,
        }

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        args = self.collect()
        if args is not None:
            self.save(args)

    @work(exclusive=True, group="save")
    async def save(self, args: dict[str, Any]) -> None:
        crm = cast("CrmApp", self.app)
        try:
            payload = await crm.api.log_interaction(**args)
        except UserErrors as exc:
            by_field = {name: exc.for_field(api) for name, api in FIELDS.items()}
            named = {e.field for e in exc.errors}
            if not named & set(FIELDS.values()):
                by_field["form"] = str(exc)
            self._errors(by_field)
            return
        except ServerUnreachable as exc:
            self._errors({"form": f"Cannot reach {exc.url}; nothing lost, ctrl+s to retry."})
            return
        except ApiError as exc:
            self._errors({"form": str(exc)})
            return
        nxt = payload.get("nextFollowUp")
        then = f"; next {nxt['dueOn']}" if nxt else ""
        self.dismiss(f"Logged the contact with {self.row.customer_name}{then}.")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
