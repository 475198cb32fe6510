"""Each customer's ledger: the lock every change of their money takes, and their totals.

`lock(customer_id)` is the first statement of every transaction that changes a customer's
receivables or payments. It is a write (insert the ledger row if missing, then bump its
version), so:
- on PostgreSQL it row-locks the ledger: a second payment for the customer waits there
  until the first commits, then reads the balances the first left;
- on SQLite the transaction holds the database's write lock before it reads anything, as
  BEGIN IMMEDIATE would: no other process can change a balance between its read and its
  write (within one process Tortoise already runs one transaction at a time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Q
from tortoise.functions import Count, Sum

from server.domain.receivables.models import CustomerLedger, Payment, Receivable
from server.domain.sales.models import SalesOrder
from server.domain.shared.rows import params_for


async def lock(customer_id: int) -> None:
    """Take the customer's ledger lock for the rest of the current transaction: one upsert
    that creates the ledger row or bumps its version (SQLite and PostgreSQL alike)."""
    params = params_for(CustomerLedger)
    db = CustomerLedger._meta.db
    await db.execute_query(
        'INSERT INTO "customer_ledger" ("customer_id", "version", "updated_at") '
        f"VALUES ({params.one(customer_id)}, 1, CURRENT_TIMESTAMP) "
        'ON CONFLICT ("customer_id") DO UPDATE SET "version" = "customer_ledger"."version" + 1',
        params.values,
    )


async def money_recorded() -> bool:
    """Whether any order, receivable or payment exists (the currency is fixed from then)."""
    return await SalesOrder.exists() or await Receivable.exists() or await Payment.exists()


@dataclass(frozen=True)
class Balance:
    """A customer's money at a glance, in minor units."""

    open_minor: int  # owed on open receivables
    overdue_minor: int  # of that, past its due date
    credit_minor: int  # paid and not yet applied to any debt
    open_count: int

    @property
    def net_minor(self) -> int:
        """What the customer owes after their credit (negative: we owe them)."""
        return self.open_minor - self.credit_minor


async def balances(customer_ids: list[int], today: date) -> dict[int, Balance]:
    """Each customer's balance, in two statements for any number of customers."""
    found: dict[int, list[int]] = {cid: [0, 0, 0, 0] for cid in customer_ids}
    open_rows = (
        await Receivable.filter(customer_id__in=customer_ids, open_minor__gt=0)
        .annotate(
            total=Sum("open_minor"),
            overdue=Sum("open_minor", _filter=Q(due_on__lt=today)),
            n=Count("id"),
        )
        .group_by("customer_id")
        .values("customer_id", "total", "overdue", "n")
    )
    for row in open_rows:
        entry = found[row["customer_id"]]
        entry[0], entry[1] = int(row["total"] or 0), int(row["overdue"] or 0)
        entry[3] = int(row["n"] or 0)
    credit_rows = (
        await Payment.filter(
            customer_id__in=customer_ids, unallocated_minor__gt=0, reversed_at__isnull=True
        )
        .annotate(total=Sum("unallocated_minor"))
        .group_by("customer_id")
        .values("customer_id", "total")
    )
    for row in credit_rows:
        found[row["customer_id"]][2] = int(row["total"] or 0)
    return {cid: Balance(o, d, c, n) for cid, (o, d, c, n) in found.items()}
