"""Handing customers from one salesperson to another (docs/domain.md §9: the customer base stays
with the company). A transfer sits above the areas whose work it moves, so each new area
that keeps open work on a customer (follow-ups today) adds its hand-over line here."""

from __future__ import annotations

from typing import cast

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server.domain.access.visibility import can_manage_user
from server.domain.accounts.permissions import Permission
from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.customers import services as customers
from server.domain.customers.models import Customer
from server.domain.followups import handover as followups_handover
from server.domain.shared import clock
from server.domain.shared.errors import DomainError, ErrorCode
from server.domain.shared.versioning import update_versioned


async def transfer_customer(
    viewer: Viewer, customer_id: int, new_owner_id: int, version: int | None = None
) -> Customer:
    """A manager hands one customer of their team to another member of it."""
    viewer.require_user()
    customer = await customers.editable_customer(viewer, customer_id)
    viewer.require(Permission.TRANSFER_CUSTOMERS, "Only a manager can transfer customers.")
    owner = await customers.check_owner(viewer, new_owner_id, "new_owner_id")
    if owner.id == customer.owner_id:
        raise DomainError.single(ErrorCode.INVALID, "That person already owns it.", "new_owner_id")
    async with in_transaction():
        await update_versioned(Customer, customer.id, version, customer.version, owner_id=owner.id)
        await followups_handover.hand_over(customer.owner_id, owner.id, [customer.id])
        changes = {"owner_id": {"from": customer.owner_id, "to": owner.id}}
        await audit.record(viewer, "customer.transfer", "Customer", customer.id, changes)
    return await Customer.get(id=customer.id)


async def transfer_all(viewer: Viewer, from_user_id: int, to_user_id: int) -> int:
    """Move every customer of a rep (e.g. one who leaves) to another; returns how many."""
    viewer.require(Permission.TRANSFER_CUSTOMERS, "Only a manager can transfer customers.")
    if not await can_manage_user(viewer, from_user_id) or from_user_id == viewer.id:
        raise DomainError.single(
            ErrorCode.NOT_FOUND, "No one in your team with this id.", "from_user_id"
        )
    owner = await customers.check_owner(viewer, to_user_id, "to_user_id")
    if owner.id == from_user_id:
        raise DomainError.single(ErrorCode.INVALID, "Pick a different person.", "to_user_id")
    async with in_transaction():
        ids = await Customer.filter(owner_id=from_user_id).values_list("id", flat=True)
        if ids:
            await Customer.filter(id__in=ids).update(
                owner_id=owner.id, version=F("version") + 1, updated_at=clock.now()
            )
            await followups_handover.hand_over(from_user_id, owner.id, cast(list[int], ids))
            change = {"owner_id": {"from": from_user_id, "to": owner.id}}
            await audit.record_many(
                viewer, "customer.transfer", "Customer", cast(list[int], ids), change
            )
    return len(ids)
