"""A customer's money as a screen shows it (the customer screen's money tab, and the account
screen finance opens from collections): the head, the debts and payments, and the actions
on the row under the cursor."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Static

from tui.api import CrmClient
from tui.api.receivables import Account
from tui.api.vocabulary import COLLECTION_STEP_LABEL, RECEIVABLE_STATUS_LABEL, money
from tui.i18n import _
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


class MoneyActions:
    """The money actions of a screen holding `#money-summary` and `#money-table`: write off
    or dispute the debt under the cursor, reverse the payment under it, the statement.
    The screen provides `api`, `customer_id` and `load_money()`."""

    api: CrmClient
    customer_id: str
    account: Account | None = None

    def load_money(self) -> Any:
        raise NotImplementedError

    def show_money(self, account: Account | None) -> None:
        """Fill the head and the table (debts first, then payments)."""
        screen: Any = self
        summary = screen.query_one("#money-summary", Static)
        table = screen.query_one("#money-table", DataTable)
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

    def _row(self) -> str | None:
        screen: Any = self
        return cursor_key(screen.query_one("#money-table", DataTable))

    def _after_money(self, message: str | None) -> None:
        if message:
            screen: Any = self
            screen.notify(message)
            self.load_money()

    def _debt_or_warn(self) -> Any:
        account, key = self.account, self._row()
        debt = next((d for d in account.debts if d.id == key), None) if account else None
        if debt is None:
            screen: Any = self
            screen.notify(_("Choose a debt in the money table first."), severity="warning")
        return debt

    def action_reverse(self) -> None:
        screen: Any = self
        account, key = self.account, self._row()
        payment = next((p for p in account.payments if p.id == key), None) if account else None
        if account is None or payment is None or payment.reversed:
            screen.notify(_("Choose a payment in the money table first."), severity="warning")
            return
        from tui.dialogs.collections import ReverseDialog

        screen.app.push_screen(ReverseDialog(self.api, account, payment), self._after_money)

    def action_dispute(self) -> None:
        debt = self._debt_or_warn()
        if debt is None or self.account is None:
            return
        from tui.dialogs.collections import DisputeDialog

        screen: Any = self
        screen.app.push_screen(DisputeDialog(self.api, self.account, debt), self._after_money)

    def action_write_off(self) -> None:
        debt = self._debt_or_warn()
        if debt is None or self.account is None:
            return
        from tui.dialogs.collections import WriteOffDialog

        screen: Any = self
        screen.app.push_screen(WriteOffDialog(self.api, self.account, debt), self._after_money)

    def action_statement(self) -> None:
        from tui.screens.statement import StatementScreen

        screen: Any = self
        screen.app.push_screen(
            StatementScreen(self.api, self.customer_id, screen.crm.company_now().date())
        )
