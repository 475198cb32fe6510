"""Log a contact (one key from the queue): what happened, who was there, the grade confirmed
or changed, and when to follow up next. The preparation facts stay on screen above."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, SelectionList, Static

from tui import forms
from tui.api import ApiError, CrmClient, ServerUnreachable, UserErrors
from tui.api.company import Cadences
from tui.api.followups import QueueRow
from tui.api.vocabulary import GRADES, KIND_LABEL, KINDS, grade_meaning
from tui.dialogs.base import ApiDialog
from tui.host import host
from tui.i18n import N_, _, relative_day
from tui.widgets.checklist import CheckList
from tui.widgets.field_error import FieldError
from tui.widgets.form_buttons import form_buttons

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


class LogContactDialog(ApiDialog[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]
    DEFAULT_CSS = """
    LogContactDialog { align: center middle; }
    #dialog { width: 78; height: auto; max-height: 23; border: round $accent; padding: 0 1; }
    #prep { height: auto; color: $text-muted; border-bottom: solid $accent; }
    .row { height: auto; }
    .row > Label { width: 13; padding-right: 1; }
    .row > .field { width: 1fr; }
    .row > .half { width: 24; }
    #contacts { height: 4; width: 1fr; }
    FieldError { padding-left: 13; }
    #buttons { height: 1; align-horizontal: right; margin-top: 1; }
    #buttons Button { margin-left: 2; }
    """

    def __init__(self, api: CrmClient, row: QueueRow, today: date | None = None) -> None:
        super().__init__(api)
        self.row = row
        # The company's day (the queue's, or the app's once it knows the time zone).
        self._today = today
        self.cadences: Cadences | None = None
        # The time shown when the dialog opened: left as it is, the contact happened "now"
        # and the server takes its own clock, in the company's time zone.
        self.occurred_default = ""
        self.cadence_override: int | None = None
        self.next_edited = False
        # One key per dialog: a retry after a lost answer is recorded once.
        self.idempotency_key = uuid.uuid4().hex

    @property
    def today(self) -> date:
        return self._today or host(self).company_today()

    def _now_text(self) -> str:
        rules = host(self).known_rules
        now = rules.now() if rules else datetime.now()
        return now.strftime("%Y-%m-%d %H:%M")

    def compose(self) -> ComposeResult:
        r = self.row
        self.occurred_default = self._now_text()
        dm = r.decision_maker.line() if r.decision_maker else _("none marked")
        ally = r.ally.line() if r.ally else _("none")
        last = (
            relative_day(r.last_contact_at.astimezone().date(), self.today)
            if r.last_contact_at
            else _("never")
        )
        with VerticalScroll(id="dialog"):
            yield Static(
                _(
                    "[b]Log contact: {customer}[/b]  grade {grade}\n"
                    "Last: {last} {summary}\n"
                    "Decision maker: {decider}   Ally: {ally}\n"
                    "Expected order: {expected}   Purpose: {purpose}"
                ).format(
                    customer=r.customer_name,
                    grade=r.grade,
                    last=last,
                    summary=r.last_contact_summary,
                    decider=dm,
                    ally=ally,
                    expected=r.expected_order() or "—",
                    purpose=r.purpose or "—",
                ),
                id="prep",
            )
            yield FieldError(id="error-form")
            with Horizontal(classes="row"):
                yield Label(_("Kind"))
                yield Select(
                    [(KIND_LABEL[k], k) for k in KINDS],
                    value=r.kind if r.kind in KINDS else "PHONE",
                    allow_blank=False,
                    compact=True,
                    id="kind",
                    classes="half",
                )
                yield Label(_(" When"))
                yield Input(
                    self.occurred_default,
                    placeholder=_("YYYY-MM-DD HH:MM"),
                    compact=True,
                    id="occurred",
                    classes="field",
                )
            yield FieldError(id="error-kind")
            yield FieldError(id="error-occurred")
            with Horizontal(classes="row"):
                yield Label(_("Present"))
                yield CheckList(compact=True, id="contacts")
            yield FieldError(id="error-contacts")
            texts = (("needs", _("Needs")), ("problems", _("Problems")), ("outcome", _("Outcome")))
            for name, label in texts:
                with Horizontal(classes="row"):
                    yield Label(label)
                    yield Input(compact=True, id=name, classes="field")
                yield FieldError(id=f"error-{name}")
            with Horizontal(classes="row"):
                yield Label(_("Grade"))
                yield Select(
                    [(f"{g} {grade_meaning(g)}", g) for g in GRADES],
                    value=r.grade,
                    allow_blank=False,
                    compact=True,
                    id="grade",
                    classes="field",
                )
                yield Label(_(" Satisfied"))
                yield Select(
                    [(str(n), n) for n in range(1, 6)],
                    prompt=_("not asked"),
                    compact=True,
                    id="satisfaction",
                    classes="half",
                )
            yield FieldError(id="error-grade")
            yield FieldError(id="error-satisfaction")
            with Horizontal(classes="row"):
                yield Label(_("Next due"))
                yield Input(placeholder="YYYY-MM-DD", compact=True, id="next", classes="field")
            yield FieldError(id="error-next")
            yield from form_buttons(_("Save"))

    def on_mount(self) -> None:
        self.query_one("#outcome", Input).focus()
        self.prepare()

    @work(exclusive=True, group="prepare")
    async def prepare(self) -> None:
        crm = host(self)
        try:
            customer = await self.api.customer_for_log(self.row.customer_id)
            self.cadences = await crm.cadences()
        except ApiError as exc:
            self.query_one("#error-form", FieldError).show(str(exc))
            return
        if customer.cadence_days != self.cadences.days.get(customer.grade):
            self.cadence_override = customer.cadence_days  # the contact plan's frequency
        occurred = self.query_one("#occurred", Input)
        if occurred.value == self.occurred_default:  # untouched: now in the company's zone
            self.occurred_default = self._now_text()
            occurred.value = self.occurred_default
        contacts = self.query_one("#contacts", CheckList)
        for c in customer.contacts:
            contacts.add_choice(c.label(), c.id)
        self.suggest_next()

    @on(Select.Changed, "#grade")
    @on(Input.Changed, "#occurred")
    def suggest_next(self) -> None:
        """The next due date the server will set from the grade's cadence (counted from the
        contact's day, never before today), until the user types their own."""
        if self.next_edited or self.cadences is None:
            return
        grade = cast(str, self.query_one("#grade", Select).value)
        days = self.cadence_override or self.cadences.days.get(grade, 30)
        start = self._occurred_day() or self.today
        due = max(self.today, start + timedelta(days=days))
        self.query_one("#next", Input).value = due.isoformat()

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
        occurred: datetime | None = None
        try:
            typed = datetime.strptime(occurred_text, "%Y-%m-%d %H:%M")
            if occurred_text != self.occurred_default:  # the default means "now"
                zone = self.cadences.zone if self.cadences else None
                occurred = typed.replace(tzinfo=zone) if zone else typed.astimezone()
        except ValueError:
            problems["occurred"] = _("Write the time as YYYY-MM-DD HH:MM.")
        next_text = self.query_one("#next", Input).value.strip()
        next_due: date | None = None
        if next_text and self.next_edited:  # otherwise the server schedules, as suggested
            try:
                next_due = forms.day(next_text, self.today)
            except forms.Unparsed as exc:
                problems["next"] = str(exc)
        if problems:
            self._errors(problems)
            return None
        satisfaction = self.query_one("#satisfaction", Select).value
        return {
            "customer_id": self.row.customer_id,
            "follow_up_id": self.row.id or None,
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
        try:
            logged = await self.api.log_interaction(**args)
        except UserErrors as exc:
            by_field = {name: exc.for_field(api) for name, api in FIELDS.items()}
            named = {e.field for e in exc.errors}
            if not named & set(FIELDS.values()):
                by_field["form"] = str(exc)
            self._errors(by_field)
            return
        except ServerUnreachable as exc:
            self._errors(
                {
                    "form": _("Cannot reach {url}; nothing lost, ctrl+s to retry.").format(
                        url=exc.url
                    )
                }
            )
            return
        except ApiError as exc:
            self._errors({"form": str(exc)})
            return
        then = (
            _("; next {next_due_on}").format(next_due_on=logged.next_due_on)
            if logged.next_due_on
            else ""
        )
        self.dismiss(
            _("Logged the contact with {customer_name}{then}.").format(
                customer_name=self.row.customer_name, then=then
            )
        )

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
