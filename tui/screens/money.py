"""A customer's money as a screen shows it (the customer screen's money tab, and the account
screen finance opens from collections): the head, the debts and payments, and the actions
on the row under the cursor."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from tui.api import ApiError, CrmClient
from tui.api.receivables import Account
from tui.api.vocabulary import COLLECTION_STEP_LABEL, RECEIVABLE_STATUS_LABEL, money
from tui.i18n import N_, _
from tui.keys import localize_bindings
from tui.screens.base import cursor_key


def money_columns() -> list[str]:
    """The money table's column titles, in the current language."""
    return [_("Due"), _("Invoice"), _("Amount"), _("Outstanding"), _("Status")]


def money_summary(account: Account) -> str:
    """The head: what is owed, overdue and in credit, the credit limit and its use, the
    last payments, the hold, the collection case."""
    lines = [
        _("Owed {open} · overdue {overdue} · credit {credit}").format(
            open=money(account.open) or "0",
            overdue=money(account.overdue) or "0",
            credit=money(account.credit) or "0",
        )
    ]
    if account.credit_limit is not None:
        used = account.credit_used_percent if account.credit_used_percent is not None else 0
        lines.append(
            _("Credit limit {limit}, {used}% used").format(
                limit=money(account.credit_limit) or "0", used=used
            )
        )
    paid = [
        f"{p.received_on} {money(p.amount)}" + (_(" (reversed)") if p.reversed else "")
        for p in account.payments[:3]
    ]
    if paid:
        lines.append(_("Paid: {payments}").format(payments=" · ".join(paid)))
    if account.hold_reason:
        lines.append(_("On hold (断货): {reason}").format(reason=account.hold_reason))
    if account.case is not None:
        lines.append(
            _("Collection: {step}, next action {next}").format(
                step=COLLECTION_STEP_LABEL.get(account.case.step, account.case.step),
                next=account.case.next_action_on or "—",
            )
        )
    return "\n".join(lines)


class MoneyPanel(Vertical):
    """A customer's money as a widget that owns its table and keys: the head (`#money-summary`),
    the debts and payments (`#money-table`), and the actions on the row under the cursor —
    reverse the payment, dispute or write off the debt — and the statement. It reads the
    account itself (`load`) and again after each action; its screen asks it to read again
    on a live change. Its keys are live while the table has the focus; on the customer
    screen they stay out of the footer (`?` lists them)."""

    BINDINGS = [
        Binding("s", "statement", N_("Statement"), tooltip=N_("Statement of account"), show=False),
        Binding("v", "reverse", N_("Reverse"), tooltip=N_("Reverse a payment"), show=False),
        Binding("u", "dispute", N_("Dispute"), tooltip=N_("Disputed, or resolved"), show=False),
        Binding(
            "w", "write_off", N_("Write off"), tooltip=N_("Propose writing off a debt"), show=False
        ),
    ]
    ZEBRA = False  # the customer screen's tables have no stripes; the account screen's do
    DEFAULT_CSS = """
    MoneyPanel { height: 1fr; }
    MoneyPanel #money-summary { height: auto; }
    MoneyPanel #money-table { height: 1fr; }
    """

    def __init__(self, api: CrmClient, customer_id: str, *, loading: str = "") -> None:
        super().__init__(id="money-panel")
        localize_bindings(self)
        self.api = api
        self.customer_id = customer_id
        self.account: Account | None = None
        self._loading = loading

    def compose(self) -> ComposeResult:
        yield Static(self._loading, id="money-summary")
        yield DataTable[Any](id="money-table", cursor_type="row", zebra_stripes=self.ZEBRA)

    def on_mount(self) -> None:
        self.query_one("#money-table", DataTable).add_columns(*money_columns())

    @property
    def _screen(self) -> Any:
        return self.screen

    @work(exclusive=True, group="money")
    async def load(self) -> None:
        try:
            account = await self.api.account(self.customer_id)
        except ApiError as exc:
            self._screen.failed(exc, self.load)
            return
        if not self._screen.reached():
            return
        self.show(account)

    def show(self, account: Account | None) -> None:
        """Fill the head and the table (debts first, then payments)."""
        summary = self.query_one("#money-summary", Static)
        table = self.query_one("#money-table", DataTable)
        table.clear()
        self.account = account
        if account is None:
            summary.update(_("You may not read this customer's money."))
            return
        summary.update(money_summary(account))
        for debt in account.debts:
            late = _(" ({n} days late)").format(n=debt.days_overdue) if debt.days_overdue else ""
            table.add_row(
                debt.due_on + late,
                debt.reference or "—",
                money(debt.amount),
                money(debt.open),
                RECEIVABLE_STATUS_LABEL.get(debt.status, debt.status),
                key=debt.id,
            )
        for payment in account.payments:
            table.add_row(
                payment.received_on,
                payment.reference or "—",
                money(payment.amount),
                money(payment.unallocated),
                _("reversed") if payment.reversed else _("payment"),
                key=payment.id,
            )

    def after(self, message: str | None) -> None:
        """A dialog's answer: say it, and read the account again."""
        if message:
            self.notify(message)
            self.load()

    def _row(self) -> str | None:
        return cursor_key(self.query_one("#money-table", DataTable))

    def _debt_or_warn(self) -> Any:
        account, key = self.account, self._row()
        debt = next((d for d in account.debts if d.id == key), None) if account else None
        if debt is None:
            self.notify(_("Choose a debt in the money table first."), severity="warning")
        return debt

    def action_reverse(self) -> None:
        account, key = self.account, self._row()
        payment = next((p for p in account.payments if p.id == key), None) if account else None
        if account is None or payment is None or payment.reversed:
            self.notify(_("Choose a payment in the money table first."), severity="warning")
            return
        from tui.dialogs.collections import ReverseDialog

        self.app.push_screen(ReverseDialog(self.api, account, payment), self.after)

    def action_dispute(self) -> None:
        debt = self._debt_or_warn()
        if debt is None or self.account is None:
            return
        from tui.dialogs.collections import DisputeDialog

        self.app.push_screen(DisputeDialog(self.api, self.account, debt), self.after)

    def action_write_off(self) -> None:
        debt = self._debt_or_warn()
        if debt is None or self.account is None:
            return
        from tui.dialogs.collections import WriteOffDialog

        self.app.push_screen(WriteOffDialog(self.api, self.account, debt), self.after)

    def action_statement(self) -> None:
        from tui.screens.statement import StatementScreen

        today = self._screen.crm.company_now().date()
        self.app.push_screen(StatementScreen(self.api, self.customer_id, today))


class AccountMoneyPanel(MoneyPanel, inherit_bindings=False):
    """The panel as finance works it on the account screen: its keys in the footer, and
    recording a payment and stopping or resuming supply besides."""

    ZEBRA = True

    BINDINGS = [
        Binding("p", "pay", N_("Payment"), tooltip=N_("Record a payment")),
        Binding("v", "reverse", N_("Reverse"), tooltip=N_("Reverse a payment")),
        Binding("u", "dispute", N_("Dispute"), tooltip=N_("Disputed, or resolved")),
        Binding("w", "write_off", N_("Write off"), tooltip=N_("Propose writing off a debt")),
        Binding("s", "statement", N_("Statement"), tooltip=N_("Statement of account")),
        Binding("h", "hold", N_("Hold"), tooltip=N_("Stop or resume supply")),
    ]

    def action_pay(self) -> None:
        if self.account is not None:
            from tui.dialogs.collections import PaymentDialog

            self.app.push_screen(PaymentDialog(self.api, self.account), self.after)

    def action_hold(self) -> None:
        if self.account is not None:
            from tui.dialogs.collections import HoldDialog

            self.app.push_screen(HoldDialog(self.api, self.account), self.after)
