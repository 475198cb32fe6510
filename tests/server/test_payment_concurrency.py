"""Money is never lost or doubled when payments arrive at once (docs/domain.md §6).

Run on PostgreSQL (CRM_TEST_DATABASE_URL) these are real concurrent transactions on the
connection pool, serialized by the customer's ledger lock; on SQLite one process runs one
transaction at a time and the lock is the database's write lock. Either way the numbers
below must hold exactly.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from server.domain.accounts.viewer import Viewer
from server.domain.receivables import services
from server.domain.receivables.models import Payment, PaymentAllocation, Receivable
from server.domain.shared.errors import DomainError
from tests.conftest import Company, create_customer
from tests.server.followup_helpers import company_today, pk


@pytest.fixture
async def owed(company: Company) -> tuple[Viewer, int, int]:
    """Finance's viewer, a customer and their one debt of 100.00."""
    fin = await company.add_user("fin", "finance")
    viewer = Viewer(user=fin)
    customer = pk((await create_customer(company.api("r1")))["id"])
    receivable = await services.create_receivable(
        viewer, customer, {"amount": "100.00", "issued_on": company_today()}
    )
    return viewer, customer, receivable.id


def _payment(amount: str, key: str | None = None) -> dict[str, Any]:
    return {
        "amount": amount,
        "received_on": company_today(),
        "method": "bank_transfer",
        "idempotency_key": key,
    }


async def test_a_hundred_payments_of_one_yuan_leave_exactly_nothing_owed(
    owed: tuple[Viewer, int, int],
) -> None:
    viewer, customer, receivable = owed
    results = await asyncio.gather(
        *(
            services.record_payment(
                viewer, customer, _payment("1.00"), [services.Allocation(receivable, "1.00")]
            )
            for _ in range(100)
        ),
        return_exceptions=True,
    )
    assert [r for r in results if isinstance(r, BaseException)] == []
    debt = await Receivable.get(id=receivable)
    assert (debt.open_minor, debt.paid_minor, debt.status) == (0, 100_00, "paid")
    assert await PaymentAllocation.filter(receivable_id=receivable).count() == 100


async def test_fifty_full_payments_named_to_one_debt_apply_once(
    owed: tuple[Viewer, int, int],
) -> None:
    viewer, customer, receivable = owed
    results = await asyncio.gather(
        *(
            services.record_payment(
                viewer, customer, _payment("100.00"), [services.Allocation(receivable, "100.00")]
            )
            for _ in range(50)
        ),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, DomainError)]
    applied = [r for r in results if isinstance(r, services.PaymentResult)]
    assert (len(applied), len(refused)) == (1, 49)
    assert {p.field for r in refused for p in r.problems} == {"allocations.0.amount"}
    debt = await Receivable.get(id=receivable)
    assert (debt.open_minor, debt.paid_minor) == (0, 100_00)
    # A refused payment wrote nothing.
    assert await Payment.all().count() == 1


async def test_fifty_full_payments_unnamed_pay_once_and_credit_the_rest(
    owed: tuple[Viewer, int, int],
) -> None:
    viewer, customer, receivable = owed
    results = await asyncio.gather(
        *(services.record_payment(viewer, customer, _payment("100.00")) for _ in range(50)),
        return_exceptions=True,
    )
    assert [r for r in results if isinstance(r, BaseException)] == []
    debt = await Receivable.get(id=receivable)
    assert (debt.open_minor, debt.paid_minor) == (0, 100_00)
    applied = await PaymentAllocation.filter(receivable_id=receivable).values_list(
        "amount_minor", flat=True
    )
    assert applied == [100_00]
    credits = await Payment.all().values_list("unallocated_minor", flat=True)
    assert sorted(credits) == [0] + [100_00] * 49


async def test_one_payment_retried_at_once_is_recorded_once(
    owed: tuple[Viewer, int, int],
) -> None:
    viewer, customer, receivable = owed
    results = await asyncio.gather(
        *(
            services.record_payment(viewer, customer, _payment("30.00", key="bank-1"))
            for _ in range(20)
        ),
        return_exceptions=True,
    )
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert len({r.payment.id for r in results if isinstance(r, services.PaymentResult)}) == 1
    assert await Payment.all().count() == 1
    assert (await Receivable.get(id=receivable)).open_minor == 70_00
