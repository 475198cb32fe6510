"""One complaint: its eight steps as a vertical stepper (done steps with who, when and how
long; the current one with its due time), what each step recorded, the evidence files and
the timeline. `a` offers the actions the server says the viewer may take now, each in its
own dialog."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from rich.markup import escape
from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Static

from tui.api import ApiError, CrmClient, downloads
from tui.api.complaints import ComplaintDetail, StepEvent
from tui.api.vocabulary import (
    COMPLAINT_ACTION_LABEL,
    COMPLAINT_CATEGORY_LABEL,
    COMPLAINT_CHANNEL_LABEL,
    COMPLAINT_KIND_LABEL,
    COMPLAINT_STEP_LABEL,
    REMEDY_LABEL,
    RESPONSIBLE_LABEL,
    SEVERITY_LABEL,
)
from tui.i18n import N_, _, duration, money_text, time_left
from tui.screens.base import ApiScreen
from tui.screens.complaints import moment
from tui.widgets.banner import Banner

# The eight steps of seed 001 §10.2: the record, then the seven a complaint waits in.
STEPS = ("RECORD", "VALIDATE", "ASSIGN", "ANALYSE", "PROPOSE", "APPROVE", "IMPLEMENT", "EVALUATE")


def step_label(step: str) -> str:
    if step == "RECORD":
        return COMPLAINT_ACTION_LABEL.get("RECORD", step)
    return COMPLAINT_STEP_LABEL.get(step, step)


def _left(event: StepEvent | None, step: str) -> bool:
    return event is not None and (
        event.from_step == step or (step == "RECORD" and not event.from_step)
    )


class ComplaintScreen(ApiScreen):
    BINDINGS = [
        Binding("a", "act", N_("Act"), tooltip=N_("The actions you may take at this step")),
        Binding("f", "attach", N_("Attach"), tooltip=N_("Attach a photo or document by path")),
        Binding("o", "open_file", N_("Open file"), tooltip=N_("Open an attached file")),
        Binding(
            "d",
            "corrective_done",
            N_("Corrective done"),
            tooltip=N_("Record the corrective action done"),
            show=False,
        ),
        Binding("c", "customer", N_("Customer"), show=False),
        Binding("r", "refresh", N_("Refresh"), show=False),
        Binding("question_mark", "help", N_("Help")),
        Binding("escape", "back", N_("Back")),
    ]
    DEFAULT_CSS = """
    #title { height: 1; padding: 0 1; background: $boost; }
    #panes { height: 1fr; }
    #steps { width: 36; padding: 0 1; border-right: solid $accent; }
    #body { width: 1fr; padding: 0 1; }
    """

    def __init__(self, api: CrmClient, complaint_id: str) -> None:
        super().__init__(api)
        self.complaint_id = complaint_id
        self.complaint: ComplaintDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Banner()
        yield Static(_("Loading the complaint…"), id="title")
        with Horizontal(id="panes"):
            yield Static("", id="steps")
            with VerticalScroll(id="body"):
                yield Static("", id="details")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="complaint")
    async def load(self) -> None:
        try:
            found = await self.api.complaint(self.complaint_id)
        except ApiError as exc:
            self.failed(exc, self.load)
            return
        if not self.reached():
            return
        if found is None:
            self.query_one("#title", Static).update(
                _("This complaint is gone, or no longer visible to you.")
            )
            return
        self.show(found)

    # --- drawing ------------------------------------------------------------------------

    def _when(self, text: str | None) -> str:
        found = moment(text)
        if found is None:
            return "—"
        return found.astimezone(self.crm.company_now().tzinfo).strftime("%m-%d %H:%M")

    def show(self, complaint: ComplaintDetail) -> None:
        self.complaint = complaint
        card = complaint.card
        now = self.crm.company_now()
        due = moment(card.step_due_at)
        late = due is not None and due < now
        step = COMPLAINT_STEP_LABEL.get(card.step, card.step)
        self.query_one("#title", Static).update(
            f"[b]{escape(card.subject)}[/b] · {escape(card.customer_name)} · "
            + (f"[bold red]{escape(step)}[/]" if late else escape(step))
        )
        self.query_one("#steps", Static).update(self._stepper(complaint, now))
        self.query_one("#details", Static).update(self._details(complaint))
        self.refresh_bindings()

    def _stepper(self, complaint: ComplaintDetail, now: datetime) -> str:
        card = complaint.card
        last_leaving: dict[str, StepEvent] = {}
        for moved in complaint.events:
            last_leaving[moved.from_step or "RECORD"] = moved
        if card.step in ("CLOSED",):
            current = len(STEPS)
        elif card.step == "REJECTED":
            current = -1
        else:
            current = STEPS.index(card.step) if card.step in STEPS else len(STEPS)
        lines: list[str] = []
        for index, step in enumerate(STEPS):
            label = escape(step_label(step))
            event = last_leaving.get(step)
            if card.step == "REJECTED" and step == "VALIDATE":
                lines.append(f"[red]✗ {label}[/]")
                lines.append(f"  [dim]{self._who_when(event)}[/]")
            elif index < current or (current == -1 and step == "RECORD"):
                lines.append(f"[green]✓[/] {label}")
                if _left(event, step):  # who took it, when, after how long
                    lines.append(f"  [dim]{self._who_when(event)}[/]")
            elif index == current:
                due = moment(card.step_due_at)
                left = time_left(due, now) if due else ""
                style = "bold red" if due is not None and due < now else "bold"  # not text
                lines.append(f"[{style}]▶ {label}[/]")
                lines.append(
                    "  "
                    + _("due {when} · {left}").format(when=self._when(card.step_due_at), left=left)
                )
            else:
                lines.append(f"[dim]· {label}[/]")
        if card.step == "CLOSED":
            lines.append("[green]" + escape(COMPLAINT_STEP_LABEL.get("CLOSED", "")) + "[/]")
        elif card.step == "REJECTED":
            lines.append("[red]" + escape(COMPLAINT_STEP_LABEL.get("REJECTED", "")) + "[/]")
        return "\n".join(lines)

    def _who_when(self, event: StepEvent | None) -> str:
        if event is None:
            return ""
        who = event.actor.name if event.actor else "—"
        took = duration(event.spent_seconds) if event.spent_seconds is not None else ""
        return escape(" · ".join(p for p in (who, self._when(event.at), took) if p))

    def _details(self, complaint: ComplaintDetail) -> str:
        d = complaint.data
        card = complaint.card
        amount = d.get("amount")
        rows: list[tuple[str, str]] = [
            (
                _("Received"),
                f"{self._when(card.received_at)} · "
                + COMPLAINT_CHANNEL_LABEL.get(d["channel"], d["channel"]),
            ),
            (
                _("What"),
                COMPLAINT_CATEGORY_LABEL.get(card.category, card.category)
                + " / "
                + COMPLAINT_KIND_LABEL.get(card.kind, card.kind)
                + " · "
                + SEVERITY_LABEL.get(card.severity, card.severity),
            ),
        ]
        if amount:
            rows.append((_("At stake"), money_text(amount["amount"], amount["currency"])))
        if d.get("contact"):
            c = d["contact"]
            rows.append((_("From"), " ".join(p for p in (c["name"], c["title"], c["phone"]) if p)))
        if d.get("description"):
            rows.append((_("Says"), d["description"]))
        if d.get("demand"):
            rows.append((_("Asks for"), d["demand"]))
        order = d.get("salesOrder")
        if order:
            lines = ", ".join(f"{line['lineNo']}. {line['product']}" for line in d["orderLines"])
            rows.append(
                (
                    _("Order"),
                    " ".join(
                        p for p in (order["orderedOn"], order.get("externalRef") or "", lines) if p
                    ),
                )
            )
        if d.get("rejectionReason"):
            rows.append((_("Not justified"), d["rejectionReason"]))
            rows.append((_("Reply sent"), d["reply"]))
        if d.get("department") or card.assignee:
            rows.append(
                (
                    _("Assigned"),
                    " · ".join(
                        p
                        for p in (
                            (d.get("department") or {}).get("name", ""),
                            card.assignee.name if card.assignee else "",
                        )
                        if p
                    ),
                )
            )
        if d.get("rootCause"):
            party = d.get("responsibleParty")
            rows.append(
                (
                    _("Cause"),
                    d["rootCause"] + (f" ({RESPONSIBLE_LABEL.get(party, party)})" if party else ""),
                )
            )
        remedy = d.get("remedy")
        if remedy:
            money = remedy.get("amount")
            rows.append(
                (
                    _("Remedy"),
                    " · ".join(
                        p
                        for p in (
                            REMEDY_LABEL.get(remedy["kind"] or "", ""),
                            remedy["description"],
                            money_text(money["amount"], money["currency"]) if money else "",
                        )
                        if p
                    ),
                )
            )
        if d.get("approvedBy"):
            rows.append(
                (_("Approved by"), d["approvedBy"]["displayName"] or d["approvedBy"]["username"])
            )
        if d.get("implementation"):
            rows.append((_("Done"), d["implementation"]))
            rows.append((_("Customer told"), self._when(d.get("customerNotifiedAt"))))
            if d.get("customerFeedback"):
                rows.append((_("Feedback"), d["customerFeedback"]))
        if d.get("lessons"):
            rows.append((_("Lessons"), d["lessons"]))
        action = d.get("correctiveAction")
        if action:
            owner = action.get("owner") or {}
            rows.append(
                (
                    _("Corrective"),
                    " · ".join(
                        p
                        for p in (
                            action["description"],
                            owner.get("displayName") or owner.get("username") or "",
                            action.get("dueOn") or "",
                            _("done {day}").format(day=action["doneOn"])
                            if action.get("doneOn")
                            else "",
                        )
                        if p
                    ),
                )
            )
        if d.get("satisfaction"):
            rows.append((_("Satisfaction"), "★" * int(d["satisfaction"])))
        if d.get("reopenReason"):
            rows.append((_("Reopened"), d["reopenReason"]))
        out = [f"[b]{escape(label)}[/b] {escape(value)}" for label, value in rows]
        out.append("")
        out.append("[b]" + escape(_("Files")) + "[/b]")
        if complaint.evidence:
            for n, f in enumerate(complaint.evidence, 1):
                who = f.uploaded_by.name if f.uploaded_by else ""
                size = _("{n} KB").format(n=f.size // 1024 + 1)
                out.append(escape(f"{n}. {f.filename} · {size} · {who}"))
        else:
            out.append(escape(_("None yet: f attaches a photo or document.")))
        out.append("")
        out.append("[b]" + escape(_("Timeline")) + "[/b]")
        for event in complaint.events:
            who = event.actor.name if event.actor else "—"
            what = COMPLAINT_ACTION_LABEL.get(event.action, event.action)
            line = f"{self._when(event.at)} {who} {what}"
            if event.note:
                line += f": {event.note}"
            out.append(escape(line))
        return "\n".join(out)

    # --- actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act":
            return bool(self.complaint and self.complaint.actions)
        if action == "customer":
            return bool(self.complaint and self.complaint.customer_id)
        if action == "open_file":
            return bool(self.complaint and self.complaint.evidence)
        if action == "corrective_done":
            return bool(self.complaint and self.complaint.corrective_open)
        return True

    def palette_commands(self) -> Iterable[SystemCommand]:
        if self.complaint is None:
            return
        for action in self.complaint.actions:
            label = COMPLAINT_ACTION_LABEL.get(action, action)
            yield SystemCommand(
                label, _("Take this step on the complaint"), lambda a=action: self.take(a)
            )
        yield SystemCommand(_("Attach file"), _("Attach a photo or document"), self.action_attach)

    def action_act(self) -> None:
        complaint = self.complaint
        if complaint is None or not complaint.actions:
            self.notify(_("Nothing for you to do at this step."), severity="warning")
            return
        if len(complaint.actions) == 1:
            self.take(complaint.actions[0])
            return
        from tui.dialogs.complaint import ActionPicker

        def picked(action: str | None) -> None:
            if action:
                self.take(action)

        self.app.push_screen(ActionPicker(complaint.actions), picked)

    def take(self, action: str) -> None:
        if self.complaint is None:
            return
        from tui.dialogs.complaint import StepDialog

        self.app.push_screen(StepDialog(self.api, self.complaint, action), self._after)

    def action_corrective_done(self) -> None:
        if self.complaint is None or not self.complaint.corrective_open:
            return
        from tui.dialogs.complaint import CorrectiveDoneDialog

        self.app.push_screen(CorrectiveDoneDialog(self.api, self.complaint), self._after)

    def action_attach(self) -> None:
        if self.complaint is None:
            return
        from tui.dialogs.complaint import AttachDialog

        self.app.push_screen(AttachDialog(self.api, self.complaint), self._after)

    def _after(self, message: str | None) -> None:
        if message:
            self.notify(message)
            self.load()

    def action_open_file(self) -> None:
        complaint = self.complaint
        if complaint is None or not complaint.evidence:
            return
        from tui.dialogs.complaint import FilePicker

        def picked(index: int | None) -> None:
            if index is not None:
                self.download(index)

        if len(complaint.evidence) == 1:
            self.download(0)
        else:
            self.app.push_screen(FilePicker(complaint.evidence), picked)

    @work(exclusive=True, group="download")
    async def download(self, index: int) -> None:
        assert self.complaint is not None
        f = self.complaint.evidence[index]
        try:
            saved = await self.api.download_evidence(f.download_path, f.filename)
        except ApiError as exc:
            self.notify(str(exc), severity="error")
            return
        except OSError as exc:
            self.notify(_("Could not save the file: {error}").format(error=exc), severity="error")
            return
        self.notify(_("Saved to {path}").format(path=saved))
        if not downloads.may_open(saved):
            self.notify(
                _("Not opened: its name does not match what the file holds."),
                severity="warning",
            )
            return
        open_with_system_viewer(saved)

    def action_customer(self) -> None:
        if self.complaint and self.complaint.customer_id:
            from tui.screens.customer import CustomerScreen

            self.app.push_screen(CustomerScreen(self.api, self.complaint.customer_id))

    def action_refresh(self) -> None:
        self.load()


def open_with_system_viewer(path: Path) -> None:
    """Hand a file to the desktop's viewer (xdg-open, open, or Windows' start), unless
    CRM_NO_VIEWER is set (tests, or a terminal without a desktop)."""
    if os.environ.get("CRM_NO_VIEWER"):
        return
    if sys.platform == "win32":  # pragma: no cover - not this machine
        os.startfile(path)  # type: ignore[attr-defined]
        return
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    with contextlib.suppress(OSError):  # no viewer here: the path was shown
        subprocess.Popen([opener, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
