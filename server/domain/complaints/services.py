"""Recording complaints and taking them through their steps (steps.py holds the table).

Each function checks the input at the edge (lengths, enums, money, dates, that ids belong
together), then hands the move to the workflow: one conditional update, its step event and
its audit entry in one transaction. A complaint the viewer may not see reads as not found,
whatever the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from server.domain.accounts.models import Department, User
from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.company.services import company_settings, local_date, today
from server.domain.complaints.models import (
    KIND_CATEGORY,
    Complaint,
    ComplaintChannel,
    ComplaintKind,
    ComplaintLine,
    ComplaintStep,
    RemedyKind,
    ResponsibleParty,
    Severity,
)
from server.domain.complaints.scope import readable_complaint
from server.domain.complaints.steps import COMPLAINTS, triages
from server.domain.customers.models import Contact, Customer
from server.domain.customers.scope import visible_customers
from server.domain.followups.models import FollowUp, FollowUpOrigin, InteractionKind
from server.domain.sales.models import SalesOrder, SalesOrderLine
from server.domain.shared import clock, money
from server.domain.shared import validation as v
from server.domain.shared.errors import N_, DomainError, ErrorCode, stale_version
from server.domain.shared.validation import FieldInvalid
from server.domain.shared.versioning import update_versioned

# A received time may run ahead of the server's clock by this much (a client's clock).
_CLOCK_SKEW = timedelta(minutes=5)


def _moment(value: Any) -> datetime | None:
    if value is not None and value > clock.now() + _CLOCK_SKEW:
        raise FieldInvalid(ErrorCode.OUT_OF_RANGE, "Must not be in the future.")
    return value  # type: ignore[no-any-return]


_RECORD = {
    "contact_id": v.passthrough,
    "channel": v.enum_of(ComplaintChannel),
    "received_at": _moment,
    "kind": v.enum_of(ComplaintKind),
    "subject": v.text(200, required=True),
    "description": v.text(5000),
    "demand": v.text(2000),
    "sales_order_id": v.passthrough,
    "order_line_numbers": v.passthrough,
    "amount": money.amount_or_none,
    "severity": v.enum_of(Severity),
}


async def record_complaint(
    viewer: Viewer, customer_id: int, values: Mapping[str, Any]
) -> Complaint:
    """Step 1 (记录): whoever sees the customer records its complaint. Refuses an unknown or
    hidden customer, a contact, order or order line not of this customer, a received time in
    the future, and missing channel, kind or subject."""
    viewer.require_user()
    customer = await (await visible_customers(viewer)).filter(id=customer_id).first()
    if customer is None:
        raise DomainError.single(
            ErrorCode.NOT_FOUND, N_("No such customer, or it is not visible to you."), "customer_id"
        )
    for name in ("channel", "kind", "subject"):
        if values.get(name) is None:
            raise DomainError.single(ErrorCode.REQUIRED, N_("This field cannot be empty."), name)
    cleaned = v.clean(_RECORD, values)
    await _belongs(customer_id, cleaned)
    now = clock.now()
    kind = cleaned["kind"]
    cleaned.pop("order_line_numbers", None)
    line_ids: Sequence[int] = cleaned.pop("order_line_ids", None) or []
    amount = cleaned.pop("amount", None)
    async with in_transaction():
        complaint = await Complaint.create(
            customer_id=customer_id,
            category=KIND_CATEGORY[kind],
            amount_minor=amount,
            recorded_by_id=viewer.id,
            step=ComplaintStep.VALIDATE,
            step_entered_at=now,
            received_at=cleaned.pop("received_at", None) or now,
            **cleaned,
        )
        for line_id in dict.fromkeys(line_ids):
            await ComplaintLine.create(complaint_id=complaint.id, order_line_id=line_id)
        await COMPLAINTS.check(viewer, None, "record", {})
        await COMPLAINTS.started(viewer, complaint)
        await audit.record(
            viewer,
            "complaint.record",
            "Complaint",
            complaint.id,
            audit.diff({}, {**cleaned, "amount_minor": amount, "order_line_ids": list(line_ids)}),
        )
    return complaint


async def _belongs(customer_id: int, cleaned: dict[str, Any]) -> None:
    """The contact, the order and its lines must all be this customer's; the lines, named
    by their numbers in the order, are added as `order_line_ids`."""
    contact_id = cleaned.get("contact_id")
    if contact_id is not None and not await Contact.exists(id=contact_id, customer_id=customer_id):
        raise DomainError.single(
            ErrorCode.NOT_FOUND, N_("No such contact at this customer."), "contact_id"
        )
    order_id = cleaned.get("sales_order_id")
    if order_id is not None and not await SalesOrder.exists(id=order_id, customer_id=customer_id):
        raise DomainError.single(
            ErrorCode.NOT_FOUND, N_("No such order of this customer."), "sales_order_id"
        )
    numbers = set(cleaned.get("order_line_numbers") or [])
    if numbers:
        if order_id is None:
            raise DomainError.single(
                ErrorCode.REQUIRED, N_("Name the order the lines belong to."), "sales_order_id"
            )
        found = await SalesOrderLine.filter(
            line_no__in=[n for n in numbers if 0 < n < 2**31], order_id=order_id
        ).values_list("id", flat=True)
        if len(found) != len(numbers):
            raise DomainError.single(
                ErrorCode.NOT_FOUND, N_("No such line in this order."), "order_line_numbers"
            )
        cleaned["order_line_ids"] = sorted(found)


async def _complaint(viewer: Viewer, complaint_id: int) -> Complaint:
    complaint = await readable_complaint(viewer, complaint_id)
    if complaint is None:
        raise DomainError.single(
            ErrorCode.NOT_FOUND, N_("No such complaint, or it is not visible to you."), "id"
        )
    return complaint


async def _move(
    viewer: Viewer,
    complaint_id: int,
    version: int,
    action: str,
    values: Mapping[str, Any] | None = None,
    note: str = "",
) -> Complaint:
    complaint = await _complaint(viewer, complaint_id)
    note = v.clean({"note": v.text(2000)}, {"note": note})["note"] or ""
    moved: Complaint = await COMPLAINTS.move(
        viewer, complaint, action, version=version, values=values, note=note
    )
    return moved


async def validate(viewer: Viewer, complaint_id: int, version: int, note: str = "") -> Complaint:
    """Step 2: the complaint is justified; it goes on to assignment."""
    return await _move(viewer, complaint_id, version, "validate", note=note)


async def reject(
    viewer: Viewer, complaint_id: int, version: int, reason: str, reply: str, note: str = ""
) -> Complaint:
    """Step 2: the complaint is not justified; the reason and the courteous reply sent to the
    customer are both required, and the complaint ends (it may be reopened)."""
    values = v.clean(
        {"rejection_reason": v.text(2000), "reply": v.text(5000)},
        {"rejection_reason": reason, "reply": reply},
    )
    return await _move(viewer, complaint_id, version, "reject", values, note)


async def assign(
    viewer: Viewer,
    complaint_id: int,
    version: int,
    department_id: int | None,
    assignee_id: int | None,
    note: str = "",
) -> Complaint:
    """Step 3: the responsible department and person (an active user)."""
    if department_id is not None and not await Department.exists(id=department_id):
        raise DomainError.single(ErrorCode.NOT_FOUND, N_("No such department."), "department_id")
    if assignee_id is not None and not await User.exists(id=assignee_id, is_active=True):
        raise DomainError.single(ErrorCode.NOT_FOUND, N_("No such active user."), "assignee_id")
    values = {"department_id": department_id, "assignee_id": assignee_id}
    return await _move(viewer, complaint_id, version, "assign", values, note)


async def analyse(
    viewer: Viewer,
    complaint_id: int,
    version: int,
    root_cause: str,
    responsible_party: str | None,
    note: str = "",
) -> Complaint:
    """Step 4: the root cause and who is responsible."""
    values = v.clean(
        {"root_cause": v.text(5000), "responsible_party": v.enum_of(ResponsibleParty)},
        {"root_cause": root_cause}
        | ({"responsible_party": responsible_party} if responsible_party is not None else {}),
    )
    values.setdefault("responsible_party", None)
    return await _move(viewer, complaint_id, version, "analyse", values, note)


async def propose(
    viewer: Viewer,
    complaint_id: int,
    version: int,
    remedy_kind: str | None,
    description: str,
    amount: Any = None,
    note: str = "",
) -> Complaint:
    """Step 5: the remedy (return, exchange, repair, discount, compensation, other), what it
    is and, where money is involved, its amount. The proposer is recorded: they will not
    approve it themselves."""
    given: dict[str, Any] = {"remedy_description": description, "remedy_amount": amount}
    if remedy_kind is not None:
        given["remedy_kind"] = remedy_kind
    values = v.clean(
        {
            "remedy_kind": v.enum_of(RemedyKind),
            "remedy_description": v.text(5000),
            "remedy_amount": money.amount_or_none,
        },
        given,
    )
    values["remedy_amount_minor"] = values.pop("remedy_amount")
    values.setdefault("remedy_kind", None)
    values["proposed_by_id"] = viewer.id
    return await _move(viewer, complaint_id, version, "propose", values, note)


async def approve(viewer: Viewer, complaint_id: int, version: int, note: str = "") -> Complaint:
    """Step 6: a supervisor over the customer approves the remedy (not its proposer)."""
    values = {"approved_by_id": viewer.id}
    return await _move(viewer, complaint_id, version, "approve", values, note)


async def send_back(viewer: Viewer, complaint_id: int, version: int, note: str) -> Complaint:
    """Step 6: a supervisor sends the proposal back to be proposed again, saying why."""
    return await _move(viewer, complaint_id, version, "send_back", {}, note)


async def implement(
    viewer: Viewer,
    complaint_id: int,
    version: int,
    implementation: str,
    customer_notified_at: datetime | None,
    customer_feedback: str = "",
    note: str = "",
) -> Complaint:
    """Step 7: what was done, when the customer was told, and what they said."""
    values = v.clean(
        {
            "implementation": v.text(5000),
            "customer_notified_at": _moment,
            "customer_feedback": v.text(5000),
        },
        {
            "implementation": implementation,
            "customer_notified_at": customer_notified_at,
            "customer_feedback": customer_feedback,
        },
    )
    values["implemented_at"] = clock.now()
    return await _move(viewer, complaint_id, version, "implement", values, note)


async def evaluate(
    viewer: Viewer,
    complaint_id: int,
    version: int,
    lessons: str,
    satisfaction: int | None,
    corrective_action: str = "",
    corrective_owner_id: int | None = None,
    corrective_due_on: date | None = None,
    note: str = "",
) -> Complaint:
    """Step 8 (总结评价): lessons learned, the corrective action with its owner and due date
    (both required when there is an action), and the customer's satisfaction, 1–5. The
    complaint closes, and a follow-up call lands in the customer owner's queue, due the
    company's number of days after implementation (seed 001: call back after resolving)."""
    values = v.clean(
        {
            "lessons": v.text(5000),
            "satisfaction": v.int_range(1, 5),
            "corrective_action": v.text(2000),
        },
        {"lessons": lessons, "corrective_action": corrective_action}
        | ({"satisfaction": satisfaction} if satisfaction is not None else {}),
    )
    values.setdefault("satisfaction", None)
    if values["corrective_action"]:
        if corrective_owner_id is None:
            raise DomainError.single(
                ErrorCode.REQUIRED, N_("A corrective action needs an owner."), "corrective_owner_id"
            )
        if corrective_due_on is None:
            raise DomainError.single(
                ErrorCode.REQUIRED, N_("A corrective action needs a due date."), "corrective_due_on"
            )
        if not await User.exists(id=corrective_owner_id, is_active=True):
            raise DomainError.single(
                ErrorCode.NOT_FOUND, N_("No such active user."), "corrective_owner_id"
            )
    values["corrective_owner_id"] = corrective_owner_id
    values["corrective_due_on"] = corrective_due_on
    values["closed_at"] = clock.now()
    async with in_transaction():
        closed = await _move(viewer, complaint_id, version, "evaluate", values, note)
        await _schedule_call(closed)
    return closed


async def _schedule_call(complaint: Complaint) -> None:
    """The call after closing, in the customer owner's queue."""
    settings = await company_settings()
    [owner_id] = await Customer.filter(id=complaint.customer_id).values_list("owner_id", flat=True)
    implemented = complaint.implemented_at or clock.now()
    due = local_date(settings, implemented) + timedelta(days=settings.complaint_followup_days)
    await FollowUp.create(
        customer_id=complaint.customer_id,
        assignee_id=owner_id,
        due_on=due,
        kind=InteractionKind.PHONE,
        origin=FollowUpOrigin.COMPLAINT,
        purpose=f"投诉回访: {complaint.subject}",
    )


async def reopen(viewer: Viewer, complaint_id: int, version: int, reason: str) -> Complaint:
    """A closed complaint goes back to analysis, a rejected one to assignment; the reason
    is required."""
    values = v.clean({"reopen_reason": v.text(2000)}, {"reopen_reason": reason})
    values["closed_at"] = None
    return await _move(viewer, complaint_id, version, "reopen", values)


async def corrective_action_done(
    viewer: Viewer, complaint_id: int, version: int, done_on: date
) -> Complaint:
    """The corrective action decided at evaluation is done (the lessons register's last
    column): recorded by its owner, or by whoever may triage the complaint. The day is a
    company day, not in the future."""
    complaint = await _complaint(viewer, complaint_id)
    if complaint.version != version:
        raise stale_version(complaint.version)
    if not complaint.corrective_action:
        raise DomainError.single(
            ErrorCode.INVALID_STATE, N_("This complaint has no corrective action."), "id"
        )
    if complaint.corrective_owner_id != viewer.id and not await triages(viewer, complaint):
        raise DomainError.single(
            ErrorCode.NOT_ALLOWED,
            N_("Only the action's owner or those handling the complaint record it done."),
        )
    settings = await company_settings()
    cleaned = v.clean({"done_on": v.past_date}, {"done_on": done_on}, today=today(settings))
    async with in_transaction():
        await update_versioned(
            Complaint,
            complaint.id,
            version,
            complaint.version,
            corrective_done_on=cleaned["done_on"],
        )
        await audit.record(
            viewer,
            "complaint.corrective_done",
            "Complaint",
            complaint.id,
            audit.diff(
                {"corrective_done_on": complaint.corrective_done_on},
                {"corrective_done_on": cleaned["done_on"]},
            ),
        )
    return await Complaint.get(id=complaint.id)
