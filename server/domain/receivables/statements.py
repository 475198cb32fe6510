"""Statements of account (对账单, docs/domain.md §6: reconcile with the customer's finance
department first): a customer's opening balance, the debts, payments, reversals and
write-offs of a period, and the closing balance; and the record that the customer agreed.

A balance here is what the customer owes net of their credit: debts issued − payments
received (not reversed by then) − write-offs approved. A payment later reversed shows as
received and then, on its reversal's day, as a reversal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.transactions import in_transaction

from server.domain.access.visibility import can_edit_owned_by
from server.domain.accounts.permissions import Permission
from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.company.models import CompanySettings
from server.domain.company.services import company_settings, local_date, today
from server.domain.customers.models import Customer
from server.domain.receivables.models import (
    Payment,
    Receivable,
    Reconciliation,
    WriteOff,
    WriteOffStatus,
)
from server.domain.receivables.scope import sees_money_of
from server.domain.shared import validation as v
from server.domain.shared.errors import N_, DomainError, ErrorCode, not_found

MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Line:
    """One movement: + what the customer came to owe, − what settled it."""

    on: date
    kind: str  # "debt", "payment", "reversal", "write_off"
    reference: str
    amount_minor: int  # signed: + owed more, − owed less
    object_id: int


@dataclass(frozen=True)
class Statement:
    customer_id: int
    period_from: date
    period_to: date
    opening_minor: int
    lines: list[Line]

    @property
    def closing_minor(self) -> int:
        """Owed at the end of the period: the opening and every line."""
        return self.opening_minor + sum(line.amount_minor for line in self.lines)


def _period(period_from: date, period_to: date) -> None:
    if period_to < period_from:
        raise DomainError.single(
            ErrorCode.OUT_OF_RANGE, N_("The period ends before it starts."), "period_to"
        )
    if (period_to - period_from).days > MAX_DAYS:
        raise DomainError.single(
            ErrorCode.OUT_OF_RANGE, N_("At most three years at a time."), "period_to"
        )


async def _movements(settings: CompanySettings, customer_id: int, until: date) -> list[Line]:
    """Every movement of the customer's account up to and including `until`."""
    lines: list[Line] = []
    for r in await Receivable.filter(customer_id=customer_id, issued_on__lte=until):
        lines.append(Line(r.issued_on, "debt", r.reference, r.amount_minor, r.id))
    for p in await Payment.filter(customer_id=customer_id, received_on__lte=until):
        lines.append(Line(p.received_on, "payment", p.reference, -p.amount_minor, p.id))
        if p.reversed_at is not None:
            on = local_date(settings, p.reversed_at)
            if on <= until:
                lines.append(Line(on, "reversal", p.reference, p.amount_minor, p.id))
    approved = await WriteOff.filter(
        receivable__customer_id=customer_id, status=WriteOffStatus.APPROVED
    ).prefetch_related("receivable")
    for w in approved:
        assert w.decided_at is not None
        on = local_date(settings, w.decided_at)
        if on <= until:
            lines.append(Line(on, "write_off", w.receivable.reference, -w.amount_minor, w.id))
    order = {"debt": 0, "payment": 1, "reversal": 2, "write_off": 3}
    lines.sort(key=lambda line: (line.on, order[line.kind], line.object_id))
    return lines


async def statement(
    viewer: Viewer, customer_id: int, period_from: date, period_to: date
) -> Statement:
    """The customer's statement for a period, for those who read the customer's money."""
    _period(period_from, period_to)
    if not await sees_money_of(viewer, customer_id):
        raise not_found("Customer", "customer_id")
    settings = await company_settings()
    moves = await _movements(settings, customer_id, period_to)
    opening = sum(m.amount_minor for m in moves if m.on < period_from)
    return Statement(
        customer_id, period_from, period_to, opening, [m for m in moves if m.on >= period_from]
    )


async def record_reconciliation(
    viewer: Viewer,
    customer_id: int,
    period_from: date,
    period_to: date,
    confirmed_by: Any,
    differences: Any = "",
) -> Reconciliation:
    """Record that the customer's finance department agreed the statement of a period (who
    confirmed on their side; any differences found), with its closing balance as it stood."""
    user = viewer.require_user()
    cleaned = v.clean(
        {"confirmed_by": v.text(100, required=True), "differences": v.text(5000)},
        {"confirmed_by": confirmed_by, "differences": differences},
    )
    if period_to > today(await company_settings()):
        raise DomainError.single(
            ErrorCode.OUT_OF_RANGE, N_("Must not be in the future."), "period_to"
        )
    found = await statement(viewer, customer_id, period_from, period_to)
    customer = await Customer.get(id=customer_id).only("id", "owner_id")
    if not viewer.may(Permission.WORK_RECEIVABLES) and not await can_edit_owned_by(
        viewer, customer.owner_id
    ):
        raise DomainError.single(
            ErrorCode.NOT_ALLOWED,
            N_("Only finance or the customer's owner records a reconciliation."),
        )
    async with in_transaction():
        record = await Reconciliation.create(
            customer_id=customer_id,
            period_from=period_from,
            period_to=period_to,
            closing_minor=found.closing_minor,
            confirmed_by_name=cleaned["confirmed_by"],
            differences=cleaned["differences"] or "",
            recorded_by_id=user.id,
        )
        await audit.record(
            viewer,
            "statement.reconcile",
            "Customer",
            customer_id,
            {
                "period": {"to": [period_from, period_to]},
                "confirmed_by": {"to": record.confirmed_by_name},
            },
        )
    return record
