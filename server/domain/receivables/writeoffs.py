"""Writing debts off as bad debt (坏账核销, docs/domain.md §6): proposed by finance or the
customer's owner line, decided by a manager over the customer who did not propose it."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from server.domain.access.visibility import can_edit_owned_by
from server.domain.accounts.permissions import Permission
from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.customers.models import Customer
from server.domain.receivables import ledgers
from server.domain.receivables.holds import approves_credit_for
from server.domain.receivables.models import Receivable, WriteOff, WriteOffStatus
from server.domain.receivables.scope import visible_receivables
from server.domain.receivables.services import change_parts
from server.domain.shared import clock, money
from server.domain.shared import validation as v
from server.domain.shared.errors import N_, DomainError, ErrorCode, not_found

PROPOSAL_FIELDS: dict[str, v.Validator] = {
    "amount": money.positive_amount,
    "reason": v.text(500, required=True),
}


async def _owner_of(customer_id: int) -> int:
    customer = await Customer.get(id=customer_id).only("id", "owner_id")
    return customer.owner_id


async def propose_write_off(
    viewer: Viewer, receivable_id: int, amount: Any, reason: Any
) -> WriteOff:
    """Propose writing off part or all of what is still owed on a debt."""
    user = viewer.require_user()
    receivable = await (await visible_receivables(viewer)).filter(id=receivable_id).first()
    if receivable is None:
        raise not_found("Receivable", "receivable_id")
    if not viewer.may(Permission.WORK_RECEIVABLES) and not await can_edit_owned_by(
        viewer, await _owner_of(receivable.customer_id)
    ):
        raise DomainError.single(
            ErrorCode.NOT_ALLOWED,
            N_("Only finance or the customer's owner proposes a write-off."),
        )
    cleaned = v.clean(PROPOSAL_FIELDS, {"amount": amount, "reason": reason})
    if cleaned["amount"] > receivable.open_minor:
        raise DomainError.single(
            ErrorCode.OUT_OF_RANGE,
            N_("More than is still owed on it ({open})."),
            "amount",
            open=str(money.decimal(receivable.open_minor)),
        )
    async with in_transaction():
        proposal = await WriteOff.create(
            receivable_id=receivable.id,
            amount_minor=cleaned["amount"],
            reason=cleaned["reason"],
            proposed_by_id=user.id,
        )
        await audit.record(
            viewer,
            "write_off.propose",
            "Receivable",
            receivable.id,
            {
                "write_off": {"to": str(money.decimal(proposal.amount_minor))},
                "reason": {"to": proposal.reason},
            },
        )
    return proposal


async def decide_write_off(
    viewer: Viewer, write_off_id: int, approve: bool, note: Any = ""
) -> WriteOff:
    """Approve or refuse a proposed write-off. Four eyes: never by its proposer. Approved,
    the amount stops being owed at once (if it still is)."""
    user = viewer.require_user()
    proposal = await WriteOff.get_or_none(id=write_off_id)
    visible = (
        proposal is not None
        and await (await visible_receivables(viewer)).filter(id=proposal.receivable_id).exists()
    )
    if proposal is None or not visible:
        raise not_found("Write-off", "write_off_id")
    receivable = await Receivable.get(id=proposal.receivable_id)
    if not await approves_credit_for(viewer, await _owner_of(receivable.customer_id)):
        raise DomainError.single(
            ErrorCode.NOT_ALLOWED, N_("Only a manager over the customer decides a write-off.")
        )
    if proposal.proposed_by_id == user.id:
        raise DomainError.single(
            ErrorCode.NOT_ALLOWED,
            N_("You proposed this write-off; another manager must decide it."),
        )
    why = v.clean({"note": v.text(500)}, {"note": note})["note"]
    status = WriteOffStatus.APPROVED if approve else WriteOffStatus.REFUSED
    async with in_transaction():
        await ledgers.lock(receivable.customer_id)
        decided = await WriteOff.filter(id=proposal.id, status=WriteOffStatus.PROPOSED).update(
            status=status, decided_by_id=user.id, decided_at=clock.now(), decision_note=why
        )
        if not decided:
            raise DomainError.single(
                ErrorCode.INVALID_STATE, N_("This write-off was already decided."), "write_off_id"
            )
        if approve:
            open_now = (await Receivable.get(id=receivable.id)).open_minor
            if proposal.amount_minor > open_now:
                raise DomainError.single(
                    ErrorCode.INVALID_STATE,
                    N_("Only {open} is still owed on the debt now; propose the write-off again."),
                    "write_off_id",
                    open=str(money.decimal(open_now)),
                )
            await change_parts([(receivable.id, proposal.amount_minor)], written_off=True)
        await audit.record(
            viewer,
            f"write_off.{'approve' if approve else 'refuse'}",
            "Receivable",
            receivable.id,
            {"write_off": {"to": str(money.decimal(proposal.amount_minor))}, "note": {"to": why}},
        )
    return await WriteOff.get(id=proposal.id)
