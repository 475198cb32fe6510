"""Follow-ups as tasks: create by hand, edit, reschedule with a reason, skip with a reason."""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.domain.access.visibility import can_edit_owned_by, visible_through_customer
from server.domain.accounts.models import User
from server.domain.accounts.permissions import Permission, role_may
from server.domain.accounts.viewer import Viewer, subtree_ids
from server.domain.audit import services as audit
from server.domain.company.models import CompanySettings
from server.domain.company.services import company_settings, today
from server.domain.customers.models import Customer
from server.domain.customers.services import editable_customer
from server.domain.followups.models import (
    LIFECYCLE,
    FollowUp,
    FollowUpOrigin,
    InteractionKind,
    open_slot,
)
from server.domain.followups.schedule import (
    RULE_BY_ORIGIN,
    add_months,
    default_kind,
    effective_cadence,
    next_due,
    plan_frequency,
    rules_for,
)
from server.domain.shared import clock, money
from server.domain.shared import validation as v
from server.domain.shared.errors import DomainError, ErrorCode, not_allowed, not_found
from server.domain.shared.validation import Patch, enum_of
from server.domain.shared.versioning import update_versioned

# Cadence items come from logging contacts; the rest may be planned by hand.
MANUAL_ORIGINS = frozenset(FollowUpOrigin) - {FollowUpOrigin.CADENCE}


def _origin(value: Any) -> FollowUpOrigin:
    origin = FollowUpOrigin(enum_of(FollowUpOrigin)(value))
    if origin not in MANUAL_ORIGINS:
        raise v.FieldInvalid(
            ErrorCode.INVALID, "Cadence follow-ups are scheduled by logging a contact."
        )
    return origin


TASK_FIELDS: dict[str, v.Validator] = {
    "kind": enum_of(InteractionKind),
    "purpose": v.text(5000),
    "expected_products": v.text(500),
    "expected_quantity": v.int_range(0, 1_000_000_000),
    "expected_amount": money.amount_or_none,
    "preparation_notes": v.text(5000),
    "origin": _origin,
    "due_on": v.passthrough,
    "assignee_id": v.passthrough,
}
_COLUMNS = {"expected_amount": "expected_amount_minor"}
AUDITED = [
    "due_on",
    "kind",
    "purpose",
    "expected_products",
    "expected_quantity",
    "expected_amount_minor",
    "preparation_notes",
    "assignee_id",
    "status",
]


def _not_past(settings: CompanySettings, due: date | None, field: str = "due_on") -> None:
    if due is None:
        raise DomainError.single(ErrorCode.REQUIRED, "A due date is required.", field)
    if due < today(settings):
        raise DomainError.single(ErrorCode.OUT_OF_RANGE, "The due date is in the past.", field)


async def _check_assignee(viewer: Viewer, customer: Customer, assignee_id: int) -> None:
    """The assignee must be able to see the customer: its owner, someone above the owner,
    or an admin; and the viewer must be allowed to hand work to them."""
    assignee = await User.get_or_none(id=assignee_id, is_active=True)
    if assignee is None:
        raise DomainError.single(ErrorCode.NOT_FOUND, "No active user with this id.", "assignee_id")
    sees_customer = role_may(assignee.role, Permission.SEE_ALL) or customer.owner_id in (
        await subtree_ids(assignee.id)
    )
    if not sees_customer:
        raise DomainError.single(
            ErrorCode.INVALID,
            "Assign to the customer's owner or someone above them.",
            "assignee_id",
        )
    if assignee.id != viewer.id and not await can_edit_owned_by(viewer, customer.owner_id):
        raise not_allowed("You cannot plan work for this customer.", "assignee_id")


def _columns(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {_COLUMNS.get(k, k): val for k, val in cleaned.items()}


async def create_follow_up(viewer: Viewer, customer_id: int, values: Patch) -> FollowUp:
    """Plan a contact by hand: for the customer's owner unless another assignee is named."""
    user = viewer.require_user()
    customer = await editable_customer(viewer, customer_id, field="customer_id")
    values = {"origin": FollowUpOrigin.MANUAL.value, **values}
    cleaned = v.clean(TASK_FIELDS, values)
    settings = await company_settings()
    _not_past(settings, cleaned.get("due_on"))
    origin = cleaned["origin"]
    assignee = cleaned.pop("assignee_id", None) or customer.owner_id
    await _check_assignee(viewer, customer, assignee)
    cleaned.setdefault("kind", default_kind(origin))
    try:
        async with in_transaction():
            task = await FollowUp.create(
                customer_id=customer.id,
                assignee_id=assignee,
                open_slot=open_slot(customer.id, origin),
                created_by_id=user.id,
                **_columns(cleaned),
            )
            after = {c: getattr(task, c) for c in AUDITED}
            await audit.record(
                viewer, "followup.create", "FollowUp", task.id, audit.diff({}, after)
            )
    except IntegrityError:
        raise DomainError.single(
            ErrorCode.DUPLICATE,
            "This customer already has an open follow-up of this origin.",
            "origin",
        ) from None
    return task


async def get_follow_up(viewer: Viewer, follow_up_id: int, field: str = "id") -> FollowUp:
    """The follow-up if the viewer may see its customer; NOT_FOUND (on `field`) otherwise."""
    query = await visible_through_customer(viewer, FollowUp)
    task = await query.filter(id=follow_up_id).first()
    if task is None:
        raise not_found("Follow-up", field)
    return task


async def _workable(viewer: Viewer, follow_up_id: int, action: str) -> tuple[FollowUp, Customer]:
    """An open follow-up the viewer may act on: its assignee, or the customer's owner line."""
    viewer.require_user()
    task = await get_follow_up(viewer, follow_up_id)
    customer = await Customer.get(id=task.customer_id)
    if task.assignee_id != viewer.id and not await can_edit_owned_by(viewer, customer.owner_id):
        raise not_allowed("Only the assignee and the customer's owner line may change this.")
    LIFECYCLE.require(action, task.status)
    return task, customer


async def _apply(
    viewer: Viewer, task: FollowUp, version: int | None, action: str, **columns: Any
) -> FollowUp:
    before = {c: getattr(task, c) for c in AUDITED}
    await update_versioned(FollowUp, task.id, version, task.version, **columns)
    fresh = await FollowUp.get(id=task.id)
    changes = audit.diff(before, {c: getattr(fresh, c) for c in AUDITED})
    for note in ("reschedule_reason", "skip_reason"):
        if note in columns:
            changes[note] = {"from": None, "to": columns[note]}
    await audit.record(viewer, action, "FollowUp", task.id, changes)
    return fresh


async def update_follow_up(
    viewer: Viewer, follow_up_id: int, version: int, values: Patch
) -> FollowUp:
    """Change what an open follow-up is about or who does it; the due date has its own
    mutation because moving it needs a reason."""
    task, customer = await _workable(viewer, follow_up_id, "update")
    cleaned = v.clean(TASK_FIELDS, values)
    if "due_on" in cleaned or "origin" in cleaned:
        raise DomainError.single(ErrorCode.INVALID, "Use followUpReschedule to move a due date.")
    if cleaned.get("assignee_id"):
        await _check_assignee(viewer, customer, cleaned["assignee_id"])
    else:
        cleaned.pop("assignee_id", None)
    async with in_transaction():
        return await _apply(viewer, task, version, "followup.update", **_columns(cleaned))


async def reschedule_follow_up(
    viewer: Viewer, follow_up_id: int, version: int, due_on: date, reason: str
) -> FollowUp:
    """Move an open follow-up to another day, with a reason (required). Refuses a day before the
    company's today, a closed follow-up and a stale version."""
    task, _ = await _workable(viewer, follow_up_id, "reschedule")
    cleaned = v.clean({"reason": v.text(1000, required=True)}, {"reason": reason})
    _not_past(await company_settings(), due_on)
    async with in_transaction():
        return await _apply(
            viewer,
            task,
            version,
            "followup.reschedule",
            due_on=due_on,
            reschedule_reason=cleaned["reason"],
            reschedule_count=task.reschedule_count + 1,
        )


async def skip_follow_up(
    viewer: Viewer, follow_up_id: int, version: int, reason: str
) -> tuple[FollowUp, FollowUp | None]:
    """Skip an open follow-up with a reason. A recurring one comes round again from the
    later of its due date and today, so skipping never drops a customer out of cadence."""
    task, customer = await _workable(viewer, follow_up_id, "skip")
    cleaned = v.clean({"reason": v.text(1000, required=True)}, {"reason": reason})
    settings = await company_settings()
    start = max(task.due_on, today(settings))
    now = clock.now()
    async with in_transaction():
        skipped = await _apply(
            viewer,
            task,
            version,
            "followup.skip",
            status=LIFECYCLE.target("skip"),
            open_slot=None,
            completed_at=now,
            skip_reason=cleaned["reason"],
        )
        following = await _recur(customer, task, settings, start, viewer)
    return skipped, following


async def _recur(
    customer: Customer, task: FollowUp, settings: CompanySettings, start: date, viewer: Viewer
) -> FollowUp | None:
    origin = FollowUpOrigin(task.origin)
    if origin == FollowUpOrigin.CADENCE:
        due = next_due(
            start, effective_cadence(settings, customer.grade, await plan_frequency(customer.id))
        )
    elif origin in RULE_BY_ORIGIN and RULE_BY_ORIGIN[origin] in rules_for(customer.abc_class):
        due = add_months(start, RULE_BY_ORIGIN[origin].months(settings))
    else:
        return None
    return await FollowUp.create(
        customer_id=customer.id,
        assignee_id=task.assignee_id,
        due_on=due,
        kind=task.kind,
        purpose=task.purpose,
        expected_products=task.expected_products,
        expected_quantity=task.expected_quantity,
        expected_amount_minor=task.expected_amount_minor,
        origin=origin,
        open_slot=open_slot(customer.id, origin),
        created_by_id=viewer.id,
    )
