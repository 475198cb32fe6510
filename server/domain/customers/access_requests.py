"""Access requests: a rep asks to see a customer they do not own; a manager grants or refuses.

The grant itself (AccessGrant) and the rule that reads it live in the access area below;
this workflow lives with customers because granting names a customer the manager may see."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.domain.access.models import AccessGrant, AccessRequest, AccessRequestStatus
from server.domain.access.visibility import can_edit_customer
from server.domain.accounts.permissions import Permission
from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.customers.services import get_customer
from server.domain.shared import clock
from server.domain.shared import validation as v
from server.domain.shared.errors import N_, DomainError, ErrorCode, not_allowed, not_found
from server.domain.workflow.lifecycle import Lifecycle

MAX_GRANT_DAYS = 90
# How a decided request's state reads inside a message (translated with it).
STATUS_WORDS = {
    AccessRequestStatus.PENDING: N_("pending"),
    AccessRequestStatus.GRANTED: N_("granted"),
    AccessRequestStatus.REFUSED: N_("refused"),
}
_PENDING = frozenset({AccessRequestStatus.PENDING})
# A request is filed pending, then granted or refused, once.
LIFECYCLE = Lifecycle(
    actions={
        "grant": (_PENDING, AccessRequestStatus.GRANTED),
        "refuse": (_PENDING, AccessRequestStatus.REFUSED),
    },
    refusal=N_("This request was already {status}."),
    words=STATUS_WORDS,
)


async def readable_requests(viewer: Viewer) -> QuerySet[AccessRequest]:
    """Managers and admins see every request (the customer may sit in any team); reps their own."""
    user = viewer.require_user()
    if viewer.may(Permission.DECIDE_ACCESS_REQUESTS):
        return AccessRequest.all()
    return AccessRequest.filter(requester_id=user.id)


async def create_request(viewer: Viewer, customer_description: str, reason: str) -> AccessRequest:
    """File a request to see a customer the viewer cannot: described in words, with a reason.
    Refuses an empty or too long description or reason."""
    user = viewer.require_user()
    cleaned = v.clean(
        {"customer_description": v.text(500, required=True), "reason": v.text(2000, required=True)},
        {"customer_description": customer_description, "reason": reason},
    )
    async with in_transaction():
        request = await AccessRequest.create(requester_id=user.id, **cleaned)
        await audit.record(
            viewer, "access_request.create", "AccessRequest", request.id, audit.diff({}, cleaned)
        )
    return request


async def _pending(viewer: Viewer, request_id: int, action: str) -> AccessRequest:
    viewer.require(Permission.DECIDE_ACCESS_REQUESTS, "Only a manager can decide access requests.")
    request = await AccessRequest.get_or_none(id=request_id)
    if request is None:
        raise not_found("Access request", "request_id")
    LIFECYCLE.require(action, request.status)
    return request


async def _decide(
    viewer: Viewer,
    request: AccessRequest,
    status: AccessRequestStatus,
    note: str,
    now: datetime,
) -> None:
    # Conditional on still pending: two managers deciding at once cannot both win.
    action = "grant" if status == AccessRequestStatus.GRANTED else "refuse"
    await LIFECYCLE.advance(
        AccessRequest,
        request.id,
        action,
        decided_by_id=viewer.id,
        decided_at=now,
        decision_note=note,
    )


async def grant(
    viewer: Viewer, request_id: int, customer_id: int, days: int, note: str = ""
) -> tuple[AccessRequest, AccessGrant]:
    """Give the requester read access to the customer for `days` days."""
    request = await _pending(viewer, request_id, "grant")
    if not 1 <= days <= MAX_GRANT_DAYS:
        raise DomainError.single(
            ErrorCode.OUT_OF_RANGE,
            N_("Grant between 1 and {most} days."),
            "days",
            most=MAX_GRANT_DAYS,
        )
    note = v.clean({"note": v.text(2000)}, {"note": note})["note"]
    try:
        customer = await get_customer(viewer, customer_id)
    except DomainError:
        raise not_found("Customer", "customer_id") from None
    # Seeing is not enough: only a manager responsible for the customer may open it to others.
    if not await can_edit_customer(viewer, customer):
        raise not_allowed(
            "Only a manager over the customer's owner can grant access.", "customer_id"
        )
    now = clock.now()
    async with in_transaction():
        await _decide(viewer, request, AccessRequestStatus.GRANTED, note, now)
        access = await AccessGrant.create(
            grantee_id=request.requester_id,
            customer_id=customer.id,
            granted_by_id=viewer.id,
            request_id=request.id,
            expires_at=now + timedelta(days=days),
        )
        await audit.record(
            viewer,
            "access_request.grant",
            "AccessRequest",
            request.id,
            {
                "status": {"from": "pending", "to": "granted"},
                "customer_id": {"from": None, "to": customer.id},
                "expires_at": {"from": None, "to": access.expires_at.isoformat()},
            },
        )
    return await AccessRequest.get(id=request.id), access


async def refuse(viewer: Viewer, request_id: int, note: str) -> AccessRequest:
    """Refuse a pending request with a note (required). Managers only; refuses one
    already decided."""
    request = await _pending(viewer, request_id, "refuse")
    note = v.clean({"note": v.text(2000, required=True)}, {"note": note})["note"]
    async with in_transaction():
        await _decide(viewer, request, AccessRequestStatus.REFUSED, note, clock.now())
        await audit.record(
            viewer,
            "access_request.refuse",
            "AccessRequest",
            request.id,
            {
                "status": {"from": "pending", "to": "refused"},
                "decision_note": {"from": "", "to": note},
            },
        )
    return await AccessRequest.get(id=request.id)
