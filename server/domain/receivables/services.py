"""Recording what customers owe and what they pay (docs/domain.md §6).

Every change of a customer's money runs in one transaction that first takes the customer's
ledger lock (ledgers.py), reads the balances, and writes receivables, payments and
allocations together: money is never lost or doubled, however many requests arrive at once.

- A receivable is a debt: entered by hand or recorded with an order.
- A payment is applied to debts, oldest due first unless the caller names them; what no
  debt takes stays the customer's credit, applied later with `allocate_credit`.
- A wrong payment is reversed, never deleted: its debts are owed again.
- An idempotency key makes a retried request answer with the payment it already recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server.domain.access.visibility import can_edit_owned_by
from server.domain.accounts.permissions import Permission
from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.company.models import CompanySettings
from server.domain.company.services import company_settings, today
from server.domain.customers.models import Customer
from server.domain.receivables import collections, ledgers, reminders, terms
from server.domain.receivables.models import (
    SETTLED,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    Receivable,
    receivable_status,
)
from server.domain.receivables.scope import visible_payments, visible_receivables
from server.domain.sales.models import SalesOrder
from server.domain.shared import clock, money
from server.domain.shared import validation as v
from server.domain.shared.errors import N_, DomainError, ErrorCode, FieldProblem, not_found
from server.domain.shared.validation import FieldInvalid, Patch

RECEIVABLE_FIELDS: dict[str, v.Validator] = {
    "amount": money.positive_amount,
    "issued_on": v.required_value,
    "due_on": v.passthrough,
    "reference": v.text(100),
    "note": v.text(500),
}
PAYMENT_FIELDS: dict[str, v.Validator] = {
    "amount": money.positive_amount,
    "received_on": v.past_date,
    "method": v.enum_of(PaymentMethod),
    "reference": v.text(100),
    "note": v.text(500),
    "idempotency_key": v.text(100),
}
MAX_ALLOCATIONS = 200


@dataclass(frozen=True)
class Allocation:
    """What a caller asks: this much of the payment to this receivable."""

    receivable_id: int
    amount: Any  # a decimal amount as sent; checked by `_clean_allocations`


def _require_finance(viewer: Viewer, message: str) -> None:
    if not viewer.may(Permission.WORK_RECEIVABLES) and not viewer.may(Permission.SEE_ALL):
        raise DomainError.single(ErrorCode.NOT_ALLOWED, message)


async def _customer(customer_id: int, field: str = "customer_id") -> Customer:
    found = await Customer.get_or_none(id=customer_id)
    if found is None:
        raise not_found("Customer", field)
    return found


def due_on_for(customer: Customer, settings: CompanySettings, issued_on: date) -> date:
    """A debt's due date under the customer's terms (the company's default days if none)."""
    days = customer.payment_days
    return terms.due_date(
        issued_on,
        settings.default_payment_days if days is None else days,
        customer.billing_day,
    )


# ---- receivables ----


async def create_receivable(viewer: Viewer, customer_id: int, values: Patch) -> Receivable:
    """Finance enters a debt by hand; its due date follows the customer's terms unless given."""
    _require_finance(viewer, N_("Only finance records what customers owe."))
    settings = await company_settings()
    cleaned = v.clean(RECEIVABLE_FIELDS, {"issued_on": None, "amount": None, **values})
    customer = await _customer(customer_id)
    issued_on: date = cleaned["issued_on"]
    due_on: date = cleaned.get("due_on") or due_on_for(customer, settings, issued_on)
    if due_on < issued_on:
        raise DomainError.single(ErrorCode.OUT_OF_RANGE, "Due before it was issued.", "due_on")
    async with in_transaction():
        await ledgers.lock(customer.id)
        created = await _insert(
            customer.id,
            cleaned["amount"],
            issued_on,
            due_on,
            cleaned.get("reference") or "",
            cleaned.get("note") or "",
            viewer.user.id if viewer.user else None,
        )
        await reminders.schedule(created, customer, settings, today(settings))
        await audit.record(
            viewer,
            "receivable.create",
            "Receivable",
            created.id,
            {"amount": {"to": str(money.decimal(created.amount_minor))}, "due_on": {"to": due_on}},
        )
    return created


async def _insert(
    customer_id: int,
    amount_minor: int,
    issued_on: date,
    due_on: date,
    reference: str,
    note: str,
    created_by_id: int | None,
    sales_order_id: int | None = None,
) -> Receivable:
    return await Receivable.create(
        customer_id=customer_id,
        sales_order_id=sales_order_id,
        amount_minor=amount_minor,
        open_minor=amount_minor,
        issued_on=issued_on,
        due_on=due_on,
        reference=reference,
        note=note,
        created_by_id=created_by_id,
    )


async def receivable_for_order(
    order: SalesOrder, customer: Customer, settings: CompanySettings, created_by_id: int | None
) -> Receivable | None:
    """What the customer owes for an order just recorded, when the company bills its orders
    this way (`receivables_from_orders`) and the order is worth something. Call it inside
    the order's transaction."""
    if not settings.receivables_from_orders or order.total_minor <= 0:
        return None
    await ledgers.lock(customer.id)
    created = await _insert(
        customer.id,
        order.total_minor,
        order.ordered_on,
        due_on_for(customer, settings, order.ordered_on),
        order.external_ref or "",
        "",
        created_by_id,
        sales_order_id=order.id,
    )
    await reminders.schedule(created, customer, settings, today(settings))
    return created


# ---- payments ----


@dataclass(frozen=True)
class PaymentResult:
    payment: Payment
    # (receivable id, minor units) applied by this call, in the order applied.
    applied: list[tuple[int, int]]
    replayed: bool = False


def _clean_allocations(raw: Sequence[Allocation]) -> list[tuple[int, int]]:
    if len(raw) > MAX_ALLOCATIONS:
        raise DomainError.single(ErrorCode.OUT_OF_RANGE, "At most 200 allocations.", "allocations")
    cleaned: list[tuple[int, int]] = []
    problems: list[FieldProblem] = []
    seen: set[int] = set()
    for index, item in enumerate(raw):
        try:
            minor = money.positive_amount(item.amount)
        except FieldInvalid as exc:
            problems.append(
                FieldProblem(f"allocations.{index}.amount", exc.code, exc.message, exc.params)
            )
            continue
        if item.receivable_id in seen:
            problems.append(
                FieldProblem(
                    f"allocations.{index}.receivable_id",
                    ErrorCode.DUPLICATE,
                    "This receivable is named twice.",
                )
            )
            continue
        seen.add(item.receivable_id)
        cleaned.append((item.receivable_id, minor))
    if problems:
        raise DomainError(*problems)
    return cleaned


async def _apply(
    customer_id: int, available: int, wanted: list[tuple[int, int]] | None
) -> list[tuple[int, int]]:
    """Under the customer's ledger lock: the (receivable, amount) pairs to apply from
    `available` minor units, as the caller named them or oldest due first."""
    if wanted is None:
        rows = (
            await Receivable.filter(customer_id=customer_id, open_minor__gt=0)
            .order_by("due_on", "id")
            .values_list("id", "open_minor")
        )
        shares, _ = money.fill(available, [int(open_) for _, open_ in rows])
        return [(rid, share) for (rid, _), share in zip(rows, shares, strict=True) if share]
    found = dict(
        await Receivable.filter(
            customer_id=customer_id, id__in=[rid for rid, _ in wanted]
        ).values_list("id", "open_minor")
    )
    problems = []
    for index, (rid, amount) in enumerate(wanted):
        if rid not in found:
            problems.append(
                FieldProblem(
                    f"allocations.{index}.receivable_id",
                    ErrorCode.NOT_FOUND,
                    "No such receivable of this customer.",
                )
            )
        elif amount > found[rid]:
            problems.append(
                FieldProblem(
                    f"allocations.{index}.amount",
                    ErrorCode.OUT_OF_RANGE,
                    "More than is still owed on it ({open}).",
                    {"open": str(money.decimal(found[rid]))},
                )
            )
    if not problems and sum(a for _, a in wanted) > available:
        problems.append(
            FieldProblem(
                "allocations",
                ErrorCode.OUT_OF_RANGE,
                "The allocations add up to more than the payment ({amount}).",
                {"amount": str(money.decimal(available))},
            )
        )
    if problems:
        raise DomainError(*problems)
    return wanted


async def _allocate(payment: Payment, plan: list[tuple[int, int]], day: date | None = None) -> None:
    """Apply the plan: allocation rows, and each receivable's parts in one conditional
    UPDATE (it cannot take more than is open, even if the lock were ever missing)."""
    if not plan:
        return
    await PaymentAllocation.bulk_create(
        [
            PaymentAllocation(payment_id=payment.id, receivable_id=rid, amount_minor=amount)
            for rid, amount in plan
        ]
    )
    await change_parts([(rid, amount) for rid, amount in plan], day=day)


async def change_parts(
    paid: list[tuple[int, int]], *, written_off: bool = False, day: date | None = None
) -> None:
    """Add to each receivable's paid (or written-off) part; a negative amount takes back.
    Each receivable's status follows from its parts."""
    rows = {
        r["id"]: r
        for r in await Receivable.filter(id__in=[rid for rid, _ in paid]).values(
            "id", "customer_id", "amount_minor", "paid_minor", "written_off_minor", "disputed"
        )
    }
    settled: list[int] = []
    column = "written_off_minor" if written_off else "paid_minor"
    for rid, amount in paid:
        row = rows[rid]
        parts = {"paid_minor": row["paid_minor"], "written_off_minor": row["written_off_minor"]}
        parts[column] += amount
        status = receivable_status(
            row["amount_minor"],
            parts["paid_minor"],
            parts["written_off_minor"],
            disputed=row["disputed"],
        )
        query = Receivable.filter(id=rid)
        if amount > 0:
            query = query.filter(open_minor__gte=amount)
        changed = await query.update(
            **{column: F(column) + amount},
            open_minor=F("open_minor") - amount,
            status=status,
            version=F("version") + 1,
            updated_at=clock.now(),
        )
        if not changed:  # only if a writer bypassed the ledger lock
            raise RuntimeError(f"receivable {rid} no longer owes {amount}")
        if status in SETTLED:
            settled.append(rid)
    if settled:
        await reminders.withdraw(settled)
    # Paid (or written off) to the last overdue cent: the collection case is done.
    day = day or today(await company_settings())
    await collections.close_if_settled({int(r["customer_id"]) for r in rows.values()}, day)


async def record_payment(
    viewer: Viewer,
    customer_id: int,
    values: Patch,
    allocations: Sequence[Allocation] | None = None,
) -> PaymentResult:
    """Record money received from a customer and apply it to their debts.

    Without `allocations` it pays the oldest due first; with them, exactly those amounts
    (refused, with nothing written, if one is more than is owed). What is not applied
    stays the customer's credit. With an idempotency key, a second call with the same key
    answers with the first payment and writes nothing."""
    user = viewer.require_user()
    _require_finance(viewer, N_("Only finance records payments."))
    # Shared with whatever else the request reads of the settings (the answer's balance).
    settings = await viewer.once("company_settings", company_settings)
    cleaned = v.clean(
        PAYMENT_FIELDS,
        {"amount": None, "received_on": None, "method": None, **values},
        today=today(settings),
    )
    if cleaned["received_on"] is None:
        raise DomainError.single(ErrorCode.REQUIRED, "This field is required.", "received_on")
    key = cleaned.get("idempotency_key") or None
    if key:
        replay = await _replay(viewer, key, customer_id, cleaned["amount"])
        if replay is not None:
            return replay
    if not await Customer.filter(id=customer_id).exists():
        raise not_found("Customer", "customer_id")
    customer_id_ok = customer_id
    wanted = _clean_allocations(allocations) if allocations is not None else None
    try:
        async with in_transaction():
            return await write_payment(
                viewer, user.id, customer_id_ok, cleaned, wanted, day=today(settings)
            )
    except IntegrityError:
        # The same key, recorded by a concurrent retry between our check and our insert.
        replay = await _replay(viewer, key, customer_id, cleaned["amount"]) if key else None
        if replay is None:
            raise
        return replay


async def write_payment(
    viewer: Viewer,
    user_id: int,
    customer_id: int,
    cleaned: dict[str, Any],
    wanted: list[tuple[int, int]] | None,
    *,
    day: date | None = None,
) -> PaymentResult:
    """Write a payment already checked (PAYMENT_FIELDS) and apply it, inside the caller's
    transaction, under the customer's ledger lock."""
    await ledgers.lock(customer_id)
    plan = await _apply(customer_id, cleaned["amount"], wanted)
    applied = sum(a for _, a in plan)
    payment = await Payment.create(
        customer_id=customer_id,
        amount_minor=cleaned["amount"],
        unallocated_minor=cleaned["amount"] - applied,
        received_on=cleaned["received_on"],
        method=cleaned["method"],
        reference=cleaned.get("reference") or "",
        note=cleaned.get("note") or "",
        idempotency_key=cleaned.get("idempotency_key") or None,
        recorded_by_id=user_id,
    )
    await _allocate(payment, plan, day)
    await audit.record(
        viewer,
        "payment.record",
        "Payment",
        payment.id,
        {
            "amount": {"to": str(money.decimal(payment.amount_minor))},
            "allocations": {"to": [[rid, str(money.decimal(a))] for rid, a in plan]},
        },
    )
    return PaymentResult(payment, plan)


async def _replay(
    viewer: Viewer, key: str, customer_id: int, amount_minor: int
) -> PaymentResult | None:
    """The payment already recorded under `key`, if any; a different customer or amount
    under the same key is a mistake, refused rather than answered with another payment."""
    existing = await Payment.get_or_none(idempotency_key=key)
    if existing is None:
        return None
    if existing.customer_id != customer_id or existing.amount_minor != amount_minor:
        raise DomainError.single(
            ErrorCode.DUPLICATE,
            "This idempotency key was used for another payment.",
            "idempotency_key",
        )
    # The answer passes the visibility rule like any read.
    if not await (await visible_payments(viewer)).filter(id=existing.id).exists():
        raise not_found("Payment", "idempotency_key")
    applied = await PaymentAllocation.filter(payment_id=existing.id, reversed=False).values_list(
        "receivable_id", "amount_minor"
    )
    return PaymentResult(existing, [(int(r), int(a)) for r, a in applied], replayed=True)


async def allocate_credit(
    viewer: Viewer, payment_id: int, allocations: Sequence[Allocation] | None = None
) -> PaymentResult:
    """Apply what is left of a payment (the customer's credit) to their open debts: oldest
    due first, or as named."""
    _require_finance(viewer, N_("Only finance applies payments."))
    found = await (await visible_payments(viewer)).filter(id=payment_id).first()
    if found is None:
        raise not_found("Payment", "payment_id")
    wanted = _clean_allocations(allocations) if allocations is not None else None
    async with in_transaction():
        await ledgers.lock(found.customer_id)
        payment = await Payment.get(id=payment_id)
        if payment.reversed_at is not None:
            raise DomainError.single(
                ErrorCode.INVALID_STATE, "The payment was reversed.", "payment_id"
            )
        if payment.unallocated_minor <= 0:
            raise DomainError.single(
                ErrorCode.INVALID_STATE, "Nothing of this payment is left to apply.", "payment_id"
            )
        plan = await _apply(payment.customer_id, payment.unallocated_minor, wanted)
        applied = sum(a for _, a in plan)
        if applied:
            await Payment.filter(id=payment.id).update(
                unallocated_minor=F("unallocated_minor") - applied
            )
            await _allocate(payment, plan)
            await audit.record(
                viewer,
                "payment.allocate",
                "Payment",
                payment.id,
                {"allocations": {"to": [[rid, str(money.decimal(a))] for rid, a in plan]}},
            )
        return PaymentResult(await Payment.get(id=payment.id), plan)


async def reverse_payment(viewer: Viewer, payment_id: int, reason: Any) -> Payment:
    """Undo a payment recorded in error (a bounced cheque, the wrong customer): it stays on
    record, marked reversed with the reason, and every debt it paid is owed again."""
    user = viewer.require_user()
    _require_finance(viewer, N_("Only finance reverses payments."))
    why = v.clean({"reason": v.text(500, required=True)}, {"reason": reason})["reason"]
    found = await (await visible_payments(viewer)).filter(id=payment_id).first()
    if found is None:
        raise not_found("Payment", "payment_id")
    async with in_transaction():
        await ledgers.lock(found.customer_id)
        marked = await Payment.filter(id=payment_id, reversed_at__isnull=True).update(
            reversed_at=clock.now(),
            reversed_by_id=user.id,
            reversal_reason=why,
            unallocated_minor=0,
        )
        if not marked:
            raise DomainError.single(
                ErrorCode.INVALID_STATE, "The payment is already reversed.", "payment_id"
            )
        allocations = await PaymentAllocation.filter(
            payment_id=payment_id, reversed=False
        ).values_list("receivable_id", "amount_minor")
        await PaymentAllocation.filter(payment_id=payment_id).update(reversed=True)
        if allocations:
            await change_parts([(int(rid), -int(a)) for rid, a in allocations])
        await audit.record(
            viewer, "payment.reverse", "Payment", payment_id, {"reason": {"to": why}}
        )
    return await Payment.get(id=payment_id)


async def set_disputed(viewer: Viewer, receivable_id: int, disputed: bool, note: Any) -> Receivable:
    """Mark a debt disputed by the customer (or no longer): finance or the customer's owner
    line. A disputed debt is still owed; its status says so until it is resolved."""
    viewer.require_user()
    found = await (await visible_receivables(viewer)).filter(id=receivable_id).first()
    if found is None:
        raise not_found("Receivable", "receivable_id")
    owner = await Customer.get(id=found.customer_id).only("id", "owner_id")
    if not viewer.may(Permission.WORK_RECEIVABLES) and not await can_edit_owned_by(
        viewer, owner.owner_id
    ):
        raise DomainError.single(
            ErrorCode.NOT_ALLOWED, N_("Only finance or the customer's owner marks a dispute.")
        )
    why = v.clean({"note": v.text(500)}, {"note": note})["note"]
    async with in_transaction():
        await ledgers.lock(found.customer_id)
        fresh = await Receivable.get(id=found.id)
        status = receivable_status(
            fresh.amount_minor, fresh.paid_minor, fresh.written_off_minor, disputed=disputed
        )
        await Receivable.filter(id=found.id).update(
            disputed=disputed, status=status, version=F("version") + 1, updated_at=clock.now()
        )
        await audit.record(
            viewer,
            "receivable.dispute",
            "Receivable",
            found.id,
            {"disputed": {"from": fresh.disputed, "to": disputed}, "note": {"to": why}},
        )
    return await Receivable.get(id=found.id)
