"""The money dialogs: record a payment (its allocation shown before saving), classify an
overdue debt, take a step of the collection ladder, log an action, stop or resume supply.
Each is a form of Fields (dialogs/complaint.py) with the server's refusals beside them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from tui import forms
from tui.api import CrmClient, UserErrors
from tui.api.errors import FieldError as ApiFieldError
from tui.api.receivables import Account, CaseDetail, Debt, PaymentRow, WriteOff
from tui.api.records import Money
from tui.api.vocabulary import (
    CLASSIFICATION_LABEL,
    COLLECTION_STEP_LABEL,
    LEGAL_ACTION_LABEL,
    PAYMENT_METHOD_LABEL,
    money,
)
from tui.dialogs.form import Field, FormDialog
from tui.i18n import N_, _
from tui.widgets.field_error import FieldError
from tui.widgets.form_buttons import form_buttons


def _cents(value: Money | None) -> int:
    return int(Decimal(value.amount) * 100) if value else 0


def allocation_preview(account: Account, paid: Decimal | None) -> str:
    """How a payment of `paid` would be applied, oldest due first, as the server does: one
    line per debt it touches, then what is left as the customer's credit."""
    if paid is None or paid <= 0:
        return _("Type the amount to see how it is applied.")
    left = int(paid * 100)
    currency = account.open.currency if account.open else "CNY"
    lines = []
    for debt in sorted(account.debts, key=lambda d: (d.due_on, d.id)):
        if left <= 0:
            break
        owed = _cents(debt.open)
        share = min(left, owed)
        left -= share
        settled = _(" (settled)") if share == owed else ""
        lines.append(
            _("{reference} due {due}: {share}{settled}").format(
                reference=debt.reference or "—",
                due=debt.due_on,
                share=money(Money(str(Decimal(share) / 100), currency)),
                settled=settled,
            )
        )
    if left > 0:
        lines.append(
            _("Left as credit: {amount}").format(
                amount=money(Money(str(Decimal(left) / 100), currency))
            )
        )
    return "\n".join(lines)


class PaymentDialog(FormDialog):
    """Money received from a customer, applied oldest due first; the dialog shows how
    before it is saved."""

    fields = (
        Field("amount", N_("Amount"), "amount"),
        Field("receivedOn", N_("Received on"), "date"),
        Field("method", N_("Method"), "choice", PAYMENT_METHOD_LABEL),
        Field("reference", N_("Bank reference"), optional=True),
    )

    def __init__(self, api: CrmClient, account: Account) -> None:
        super().__init__(api)
        self.account = account

    def on_mount(self) -> None:
        # Most money arrives by bank transfer.
        self.query_one("#method", Select).value = "BANK_TRANSFER"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                _("[b]Record a payment[/b] · {customer}\nOwed {open}, overdue {overdue}").format(
                    customer=escape(self.account.customer_name),
                    open=money(self.account.open) or "0",
                    overdue=money(self.account.overdue) or "0",
                )
            )
            yield FieldError(id="error-form")
            yield from self.compose_fields({"receivedOn": self.company_now().date().isoformat()})
            yield Static(allocation_preview(self.account, None), id="preview")
            yield from form_buttons(_("Record"))

    @on(Input.Changed, "#amount")
    def _preview(self, event: Input.Changed) -> None:
        try:
            paid = forms.amount(event.value)
        except forms.Unparsed:
            paid = None
        value = Decimal(paid) if paid else None
        self.query_one("#preview", Static).update(allocation_preview(self.account, value))

    async def send(self, values: dict[str, Any]) -> str:
        await self.api.record_payment({"customerId": self.account.customer_id, **values})
        return _("Payment recorded.")


class ClassifyDialog(FormDialog):
    """Why the debt is overdue: non-malicious (cash flow, neglect, dispute) or malicious."""

    fields = (
        Field("classification", N_("Why overdue"), "choice", CLASSIFICATION_LABEL),
        Field("reason", N_("What shows it")),
    )

    def __init__(self, api: CrmClient, case: CaseDetail) -> None:
        super().__init__(api)
        self.case = case

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                _("[b]Classify the debt[/b] · {customer}").format(
                    customer=escape(self.case.card.customer_name)
                )
            )
            yield FieldError(id="error-form")
            yield from self.compose_fields()
            yield from form_buttons(_("Save"))

    async def send(self, values: dict[str, Any]) -> str:
        await self.api.classify_case(
            {"id": self.case.card.id, "version": self.case.card.version, **values}
        )
        return _("Classified.")


class LadderDialog(FormDialog):
    """A step of the collection ladder: which (those the viewer may take now), the outcome,
    the next action's date, and what the step needs (an ally, the key person, the agency,
    the legal action)."""

    def __init__(self, api: CrmClient, case: CaseDetail, account: Account) -> None:
        super().__init__(api)
        self.case = case
        allies = {c.id: c.name for c in account.contacts if c.is_ally}
        keys = {c.id: c.name for c in account.contacts if c.is_decision_maker}
        steps = {s: COLLECTION_STEP_LABEL.get(s, s) for s in case.steps}
        self.fields = (
            Field("step", N_("Step"), "choice", steps),
            Field("nextActionOn", N_("Next action"), "date"),
            Field("note", N_("Outcome"), optional=True),
            Field("allyId", N_("Ally"), "choice", allies, optional=True),
            Field("keyPersonId", N_("Key person"), "choice", keys, optional=True),
            Field("agencyName", N_("Agency"), optional=True),
            Field("handedOverOn", N_("Handed over"), "date", optional=True),
            Field("agencyFee", N_("Agency fee"), "amount", optional=True),
            Field("legalAction", N_("Legal action"), "choice", LEGAL_ACTION_LABEL, optional=True),
            Field("caseNumber", N_("Case number"), optional=True),
        )

    def compose(self) -> ComposeResult:
        next_week = self.company_now().date() + timedelta(days=7)
        with Vertical(id="dialog"):
            yield Static(
                _("[b]Take a step[/b] · {customer} · now: {step}").format(
                    customer=escape(self.case.card.customer_name),
                    step=COLLECTION_STEP_LABEL.get(self.case.card.step, self.case.card.step),
                )
            )
            yield FieldError(id="error-form")
            yield from self.compose_fields({"nextActionOn": next_week.isoformat()})
            yield from form_buttons(_("Save"))

    async def send(self, values: dict[str, Any]) -> str:
        await self.api.take_step(
            {"id": self.case.card.id, "version": self.case.card.version, **values}
        )
        return _("Done: {step}.").format(step=COLLECTION_STEP_LABEL.get(values["step"], ""))


class LogActionDialog(FormDialog):
    """Something done at the case's current step, and when the next action is due."""

    fields = (
        Field("outcome", N_("Outcome")),
        Field("nextActionOn", N_("Next action"), "date"),
    )

    def __init__(self, api: CrmClient, case: CaseDetail) -> None:
        super().__init__(api)
        self.case = case

    def compose(self) -> ComposeResult:
        next_week: date = self.company_now().date() + timedelta(days=7)
        with Vertical(id="dialog"):
            yield Static(
                _("[b]Log an action[/b] · {customer}").format(
                    customer=escape(self.case.card.customer_name)
                )
            )
            yield FieldError(id="error-form")
            yield from self.compose_fields({"nextActionOn": next_week.isoformat()})
            yield from form_buttons(_("Save"))

    async def send(self, values: dict[str, Any]) -> str:
        await self.api.log_case(
            {"id": self.case.card.id, "version": self.case.card.version, **values}
        )
        return _("Action logged.")


class HoldDialog(FormDialog):
    """Stop supply to a customer (断货), or resume it, with the reason."""

    fields = (Field("reason", N_("Reason")),)

    def __init__(self, api: CrmClient, account: Account) -> None:
        super().__init__(api)
        self.account = account
        self.place = account.hold_reason is None

    def compose(self) -> ComposeResult:
        title = _("Stop supply") if self.place else _("Resume supply")
        with Vertical(id="dialog"):
            held = (
                ""
                if self.place
                else "\n"
                + _("On hold: {reason}").format(reason=escape(self.account.hold_reason or ""))
            )
            yield Static(f"[b]{title}[/b] · {escape(self.account.customer_name)}{held}")
            yield FieldError(id="error-form")
            yield from self.compose_fields()
            yield from form_buttons(title)

    async def send(self, values: dict[str, Any]) -> str:
        await self.api.set_hold(self.account.customer_id, values["reason"], place=self.place)
        return _("Supply stopped.") if self.place else _("Supply resumed.")


class WriteOffDialog(FormDialog):
    """Propose writing off part or all of a debt as bad debt; a manager decides."""

    fields = (
        Field("amount", N_("Amount"), "amount"),
        Field("reason", N_("Why unrecoverable")),
    )

    def __init__(self, api: CrmClient, account: Account, debt: Debt) -> None:
        super().__init__(api)
        self.account = account
        self.debt = debt

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                _("[b]Propose a write-off[/b] · {customer}\n{reference} still owes {open}").format(
                    customer=escape(self.account.customer_name),
                    reference=escape(self.debt.reference or "—"),
                    open=money(self.debt.open) or "0",
                )
            )
            yield FieldError(id="error-form")
            yield from self.compose_fields(
                {"amount": self.debt.open.amount if self.debt.open else ""}
            )
            yield from form_buttons(_("Propose"))

    async def send(self, values: dict[str, Any]) -> str:
        await self.api.propose_write_off({"receivableId": self.debt.id, **values})
        return _("Write-off proposed; a manager decides.")


DECISIONS = {"APPROVE": N_("Approve"), "REFUSE": N_("Refuse")}


class WriteOffDecisionDialog(FormDialog):
    """Approve or refuse a proposed write-off (never one's own proposal)."""

    def __init__(self, api: CrmClient, proposal: WriteOff) -> None:
        super().__init__(api)
        self.proposal = proposal
        self.fields = (
            Field("decision", N_("Decision"), "choice", {k: _(v) for k, v in DECISIONS.items()}),
            Field("note", N_("Note"), optional=True),
        )

    def compose(self) -> ComposeResult:
        p = self.proposal
        with Vertical(id="dialog"):
            yield Static(
                _(
                    "[b]Write off {amount}?[/b] · {customer} {reference}\n"
                    "Proposed by {who}: {reason}"
                ).format(
                    amount=money(p.amount) or "0",
                    customer=escape(p.customer_name),
                    reference=escape(p.reference),
                    who=escape(p.proposed_by),
                    reason=escape(p.reason),
                )
            )
            yield FieldError(id="error-form")
            yield from self.compose_fields()
            yield from form_buttons(_("Decide"))

    async def send(self, values: dict[str, Any]) -> str:
        approve = values["decision"] == "APPROVE"
        await self.api.decide_write_off(
            {"writeOffId": self.proposal.id, "approve": approve, "note": values.get("note")}
        )
        return _("Write-off approved.") if approve else _("Write-off refused.")


class OrderDialog(FormDialog):
    """Record a sales order of one line for a customer. A credit hold or the credit limit
    refuses it beside the override field, where a manager may give the reason."""

    fields = (
        Field("product", N_("Product")),
        Field("quantity", N_("Quantity")),
        Field("unitPrice", N_("Unit price"), "amount"),
        Field("externalRef", N_("Order no."), optional=True),
        Field("creditOverrideReason", N_("Override why"), optional=True),
    )

    def __init__(self, api: CrmClient, customer_id: str, customer_name: str) -> None:
        super().__init__(api)
        self.customer_id = customer_id
        self.customer_name = customer_name

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                _("[b]Record an order[/b] · {customer}").format(customer=escape(self.customer_name))
            )
            yield FieldError(id="error-form")
            yield from self.compose_fields()
            yield from form_buttons(_("Record"))

    async def send(self, values: dict[str, Any]) -> str:
        line = {k: values.pop(k) for k in ("product", "quantity", "unitPrice")}
        try:
            line["quantity"] = int(line["quantity"])
        except (TypeError, ValueError):
            raise UserErrors(
                [ApiFieldError("quantity", "INVALID", _("A whole number, e.g. 3."))]
            ) from None
        values = {k: v for k, v in values.items() if v}
        try:
            await self.api.create_order(
                {
                    "customerId": self.customer_id,
                    "orderedOn": self.company_now().date().isoformat(),
                    "lines": [line],
                    **values,
                }
            )
        except UserErrors as exc:
            # The order's one line is this form: "lines.0.product" is the product field.
            raise UserErrors(
                [
                    ApiFieldError(e.field.removeprefix("lines.0."), e.code, e.message)
                    for e in exc.errors
                ]
            ) from None
        return _("Order recorded.")


class ReconcileDialog(FormDialog):
    """The customer's finance department agreed the statement of a period (对账)."""

    fields = (
        Field("confirmedBy", N_("Confirmed by")),
        Field("differences", N_("Differences"), optional=True),
    )

    def __init__(self, api: CrmClient, customer_id: str, first: date, last: date) -> None:
        super().__init__(api)
        self.customer_id = customer_id
        self.first, self.last = first, last

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                _("[b]Statement agreed[/b] · {start} to {end}").format(
                    start=self.first.isoformat(), end=self.last.isoformat()
                )
            )
            yield FieldError(id="error-form")
            yield from self.compose_fields()
            yield from form_buttons(_("Save"))

    async def send(self, values: dict[str, Any]) -> str:
        await self.api.reconcile(
            {
                "customerId": self.customer_id,
                "from": self.first.isoformat(),
                "to": self.last.isoformat(),
                **values,
            }
        )
        return _("Reconciliation recorded.")


class ReverseDialog(FormDialog):
    """Undo a payment recorded in error (a bounced cheque, the wrong customer)."""

    fields = (Field("reason", N_("Why")),)

    def __init__(self, api: CrmClient, account: Account, payment: PaymentRow) -> None:
        super().__init__(api)
        self.account = account
        self.payment = payment

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                _("[b]Reverse the payment[/b] of {amount} on {day} · {customer}").format(
                    amount=money(self.payment.amount) or "0",
                    day=self.payment.received_on,
                    customer=escape(self.account.customer_name),
                )
            )
            yield FieldError(id="error-form")
            yield from self.compose_fields()
            yield from form_buttons(_("Reverse"))

    async def send(self, values: dict[str, Any]) -> str:
        await self.api.reverse_payment(self.payment.id, values["reason"])
        return _("Payment reversed; its debts are owed again.")


class DisputeDialog(FormDialog):
    """The customer disputes a debt (still owed), or the dispute is resolved."""

    fields = (Field("note", N_("Note"), optional=True),)

    def __init__(self, api: CrmClient, account: Account, debt: Debt) -> None:
        super().__init__(api)
        self.account = account
        self.debt = debt
        self.disputed = debt.status != "DISPUTED"

    def compose(self) -> ComposeResult:
        title = _("Disputed by the customer") if self.disputed else _("Dispute resolved")
        with Vertical(id="dialog"):
            yield Static(
                f"[b]{title}[/b] · {escape(self.account.customer_name)} "
                f"{escape(self.debt.reference or '—')}"
            )
            yield FieldError(id="error-form")
            yield from self.compose_fields()
            yield from form_buttons(_("Save"))

    async def send(self, values: dict[str, Any]) -> str:
        await self.api.set_disputed(self.debt.id, self.disputed, values.get("note") or "")
        return _("Marked disputed.") if self.disputed else _("Dispute resolved.")
