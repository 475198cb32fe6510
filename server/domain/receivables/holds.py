"""Credit limits and credit holds (信用额度, 断货; docs/domain.md §6, seed 000 §六 step 4).

An order is refused while its customer is on hold, and when it would take the customer's
open balance past their credit limit, unless a manager over the customer lets it through
with a reason (audited). Holds are placed by finance, by a manager over the customer, or
by the collection ladder's fourth step; released by finance or such a manager.
"""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from server.domain.access.visibility import can_edit_owned_by
from server.domain.accounts.permissions import Permission
from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.customers.models import Customer
from server.domain.receivables import ledgers
from server.domain.receivables.models import CreditHold, Receivable
from server.domain.sales.models import SalesOrder
from server.domain.shared import clock, money
from server.domain.shared import validation as v
from server.domain.shared.errors import N_, DomainError, ErrorCode, not_found

_REASON = v.text(500, required=True)


async def standing_hold(customer_id: int) -> CreditHold | None:
    """The customer's hold while it stands."""
    return await CreditHold.get_or_none(open_slot=customer_id)


async def approves_credit_for(viewer: Viewer, owner_id: int) -> bool:
    """A manager over the customer's owner (or an administrator): decides write-offs and
    lets orders past a hold or a limit."""
    if viewer.sees_all:
        return True
    return viewer.may(Permission.APPROVE_CREDIT) and await can_edit_owned_by(viewer, owner_id)


async def _may_hold(viewer: Viewer, customer: Customer) -> bool:
    return viewer.may(Permission.WORK_RECEIVABLES) or await approves_credit_for(
        viewer, customer.owner_id
    )


def _reason(value: Any, field: str = "reason") -> str:
    cleaned: str = v.clean({field: _REASON}, {field: value})[field]
    return cleaned


async def place_hold(
    viewer: Viewer, customer_id: int, reason: Any, *, by_ladder: bool = False
) -> CreditHold:
    """Stop supply to a customer. `by_ladder`: the collection case's fourth step, taken by
    whoever works the case (the caller checked that)."""
    user = viewer.require_user()
    why = _reason(reason)
    customer = await Customer.get_or_none(id=customer_id)
    if customer is None:
        raise not_found("Customer", "customer_id")
    if not by_ladder and not await _may_hold(viewer, customer):
        raise DomainError.single(
            ErrorCode.NOT_ALLOWED, N_("Only finance or the customer's manager stops supply.")
        )
    existing = await standing_hold(customer.id)
    if existing is not None:
        return existing
    try:
        async with in_transaction():
            hold = await CreditHold.create(
                customer_id=customer.id, reason=why, placed_by_id=user.id, open_slot=customer.id
            )
            await audit.record(
                viewer,
                "credit_hold.place",
                "Customer",
                customer.id,
                {"hold": {"from": None, "to": why}},
            )
    except IntegrityError:  # placed at the same moment by someone else
        found = await standing_hold(customer.id)
        if found is None:
            raise
        return found
    return hold


async def release_hold(viewer: Viewer, customer_id: int, reason: Any) -> CreditHold:
    """Let supply resume: finance, or a manager over the customer."""
    user = viewer.require_user()
    why = _reason(reason)
    customer = await Customer.get_or_none(id=customer_id)
    if customer is None:
        raise not_found("Customer", "customer_id")
    if not viewer.may(Permission.WORK_RECEIVABLES) and not await approves_credit_for(
        viewer, customer.owner_id
    ):
        raise DomainError.single(
            ErrorCode.NOT_ALLOWED, N_("Only finance or the customer's manager releases a hold.")
        )
    hold = await standing_hold(customer.id)
    if hold is None:
        raise DomainError.single(
            ErrorCode.INVALID_STATE, N_("The customer is not on hold."), "customer_id"
        )
    async with in_transaction():
        released = await CreditHold.filter(id=hold.id, open_slot=customer.id).update(
            open_slot=None, released_by_id=user.id, released_at=clock.now(), release_reason=why
        )
        if not released:
            raise DomainError.single(
                ErrorCode.INVALID_STATE, N_("The customer is not on hold."), "customer_id"
            )
        await audit.record(
            viewer,
            "credit_hold.release",
            "Customer",
            customer.id,
            {"hold": {"from": hold.reason, "to": None}, "reason": {"to": why}},
        )
    return await CreditHold.get(id=hold.id)


async def check_order(viewer: Viewer, order: SalesOrder, override_reason: str | None) -> None:
    """Refuse an order just written (inside its transaction) when its customer is on hold
    or it takes their open balance past the credit limit, unless a manager over the
    customer lets it through with a reason. Takes the ledger lock first, so two orders at
    once cannot both slip under the limit."""
    await ledgers.lock(order.customer_id)
    customer = await Customer.get(id=order.customer_id).only("id", "owner_id", "credit_limit_minor")
    problems: list[str] = []
    hold = await standing_hold(customer.id)
    if hold is not None:
        problems.append("hold")
    limit = customer.credit_limit_minor
    if limit is not None:
        [row] = await (
            Receivable.filter(customer_id=customer.id, open_minor__gt=0)
            .annotate(total=Sum("open_minor"))
            .values("total")
        )
        # The order's own debt is not yet written: the hook bills it after this check.
        after = int(row["total"] or 0) + order.total_minor
        if after > limit:
            problems.append("limit")
    if not problems:
        return
    reason: str = v.clean(
        {"credit_override_reason": v.text(500)}, {"credit_override_reason": override_reason}
    )["credit_override_reason"]
    if reason and await approves_credit_for(viewer, customer.owner_id):
        await audit.record(
            viewer,
            "order.credit_override",
            "SalesOrder",
            order.id,
            {"override": {"to": problems}, "reason": {"to": reason}},
        )
        return
    if reason:
        raise DomainError.single(
            ErrorCode.NOT_ALLOWED,
            N_("Only the customer's manager may let an order past a credit hold or limit."),
            "credit_override_reason",
        )
    if hold is not None:
        raise DomainError.single(
            ErrorCode.INVALID_STATE,
            N_(
                "The customer is on credit hold (断货): {reason}. A manager may let the order "
                "through with a reason."
            ),
            "credit_override_reason",
            reason=hold.reason,
        )
    assert limit is not None
    raise DomainError.single(
        ErrorCode.INVALID_STATE,
        N_(
            "This order takes the open balance to {after}, past the credit limit of {limit}. "
            "A manager may let it through with a reason."
        ),
        "credit_override_reason",
        after=str(money.decimal(after)),
        limit=str(money.decimal(limit)),
    )
