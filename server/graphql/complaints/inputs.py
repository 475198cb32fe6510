"""Inputs of the complaint mutations: one per step, each with the complaint's id and the
version the person read (two people acting at once: one wins, the other is told)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry import relay
from strawberry.file_uploads import Upload

from server.domain.complaints.queries import ComplaintFilter as DomainFilter
from server.graphql.complaints.enums import (
    ComplaintCategory,
    ComplaintChannel,
    ComplaintKind,
    ComplaintSeverity,
    ComplaintStep,
    RemedyKind,
    ResponsibleParty,
)
from server.graphql.ids import decode_id

d = strawberry.field

_ID = "The complaint."
_VERSION = "The version you read; a complaint moved since is refused with STALE_VERSION."
_NOTE = "A note for the timeline, ≤2,000 characters."


@strawberry.input(description="A complaint to record (step 1, 记录投诉内容).")
class ComplaintRecordInput:
    customer_id: relay.GlobalID = d(description="The customer; one you can see.")
    channel: ComplaintChannel = d(description="How it reached us.")
    kind: ComplaintKind = d(description="What exactly is wrong; gives the category.")
    subject: str = d(description="One line for lists, ≤200 characters.")
    description: str = d(default="", description="What happened, ≤5,000 characters.")
    demand: str = d(default="", description="What the customer asks for, ≤2,000 characters.")
    received_at: datetime | None = d(
        default=None, description="When it was received; now when omitted; not in the future."
    )
    contact_id: relay.GlobalID | None = d(
        default=None, description="Who complained: a contact of this customer."
    )
    sales_order_id: relay.GlobalID | None = d(
        default=None, description="The order concerned: an order of this customer."
    )
    order_line_numbers: list[int] | None = d(
        default=None, description="The lines concerned (their lineNo in the order named)."
    )
    amount: Decimal | None = d(
        default=None, description="The amount at stake, decimal string ≥ 0, two places at most."
    )
    severity: ComplaintSeverity = d(
        default=ComplaintSeverity.MEDIUM,
        description="How much is at stake (MEDIUM when omitted).",
    )


@strawberry.input(description="Step 2: the complaint is justified (投诉成立).")
class ComplaintValidateInput:
    id: relay.GlobalID = d(description=_ID)
    version: int = d(description=_VERSION)
    note: str = d(default="", description=_NOTE)


@strawberry.input(description="Step 2: the complaint is not justified; it ends.")
class ComplaintRejectInput:
    id: relay.GlobalID = d(description=_ID)
    version: int = d(description=_VERSION)
    rejection_reason: str = d(description="Why, ≤2,000 characters; required.")
    reply: str = d(description="The courteous reply sent to the customer, ≤5,000; required.")
    note: str = d(default="", description=_NOTE)


@strawberry.input(description="Step 3: the responsible department and person.")
class ComplaintAssignInput:
    id: relay.GlobalID = d(description=_ID)
    version: int = d(description=_VERSION)
    department_id: relay.GlobalID = d(description="The responsible department.")
    assignee_id: relay.GlobalID = d(description="The responsible person, an active user.")
    note: str = d(default="", description=_NOTE)


@strawberry.input(description="Step 4: the root cause and who is responsible.")
class ComplaintAnalyseInput:
    id: relay.GlobalID = d(description=_ID)
    version: int = d(description=_VERSION)
    root_cause: str = d(description="The root cause, ≤5,000 characters; required.")
    responsible_party: ResponsibleParty = d(description="Who caused it.")
    note: str = d(default="", description=_NOTE)


@strawberry.input(description="Step 5: the remedy proposed (提出处理意见).")
class ComplaintProposeInput:
    id: relay.GlobalID = d(description=_ID)
    version: int = d(description=_VERSION)
    remedy_kind: RemedyKind = d(description="What is done for the customer.")
    remedy_description: str = d(description="What exactly, ≤5,000 characters; required.")
    remedy_amount: Decimal | None = d(
        default=None, description="What it costs, decimal string ≥ 0, where money is involved."
    )
    note: str = d(default="", description=_NOTE)


@strawberry.input(description="Step 6: a supervisor approves the remedy (not its proposer).")
class ComplaintApproveInput:
    id: relay.GlobalID = d(description=_ID)
    version: int = d(description=_VERSION)
    note: str = d(default="", description=_NOTE)


@strawberry.input(description="Step 6: a supervisor sends the proposal back, saying why.")
class ComplaintSendBackInput:
    id: relay.GlobalID = d(description=_ID)
    version: int = d(description=_VERSION)
    note: str = d(description="What to change, ≤2,000 characters; required.")


@strawberry.input(description="Step 7: what was done and what the customer said.")
class ComplaintImplementInput:
    id: relay.GlobalID = d(description=_ID)
    version: int = d(description=_VERSION)
    implementation: str = d(description="What was done, ≤5,000 characters; required.")
    customer_notified_at: datetime = d(description="When the customer was told; not ahead.")
    customer_feedback: str = d(default="", description="What they said, ≤5,000 characters.")
    note: str = d(default="", description=_NOTE)


@strawberry.input(description="Step 8: lessons, corrective action and satisfaction; closes it.")
class ComplaintEvaluateInput:
    id: relay.GlobalID = d(description=_ID)
    version: int = d(description=_VERSION)
    lessons: str = d(description="Lessons learned, ≤5,000 characters; required.")
    satisfaction: int = d(description="The customer's satisfaction, 1 (low) to 5 (high).")
    corrective_action: str = d(
        default="", description="What will change, ≤2,000 characters; needs an owner and a date."
    )
    corrective_owner_id: relay.GlobalID | None = d(
        default=None, description="Who carries the corrective action out."
    )
    corrective_due_on: date | None = d(default=None, description="When it is due.")
    note: str = d(default="", description=_NOTE)


@strawberry.input(description="Reopen a closed complaint (back to analysis) or a rejected one.")
class ComplaintReopenInput:
    id: relay.GlobalID = d(description=_ID)
    version: int = d(description=_VERSION)
    reopen_reason: str = d(description="Why, ≤2,000 characters; required.")


@strawberry.input(description="The corrective action of a closed complaint is done.")
class ComplaintCorrectiveActionDoneInput:
    id: relay.GlobalID = d(description=_ID)
    version: int = d(description=_VERSION)
    done_on: date = d(description="The company day it was done; not in the future.")


@strawberry.input(
    description="A photo or document to attach: send the request as a GraphQL multipart "
    "request (the spec at github.com/jaydenseric/graphql-multipart-request-spec)."
)
class ComplaintEvidenceAttachInput:
    id: relay.GlobalID = d(description=_ID)
    file: Upload = d(
        description="JPEG, PNG, WebP or PDF (told by content), at most the server's "
        "CRM_MAX_EVIDENCE_BYTES (10 MB by default)."
    )
    description: str = d(default="", description="What it shows, ≤500 characters.")


@strawberry.input(description="Narrow a list of complaints; every part optional.")
class ComplaintFilter:
    steps: list[ComplaintStep] | None = d(default=None, description="In any of these steps.")
    open: bool | None = d(default=None, description="True: only those not closed or rejected.")
    overdue: bool | None = d(default=None, description="True: only open steps past due.")
    categories: list[ComplaintCategory] | None = d(
        default=None, description="Of any of these categories."
    )
    customer_id: relay.GlobalID | None = d(default=None, description="Of this customer.")
    department_id: relay.GlobalID | None = d(
        default=None, description="Assigned to this department."
    )
    assignee_id: relay.GlobalID | None = d(default=None, description="Assigned to this person.")
    owner_ids: list[relay.GlobalID] | None = d(
        default=None, description="Whose customer is owned by any of these people (≤100)."
    )
    received_from: date | None = d(default=None, description="Received on or after this day.")
    received_to: date | None = d(default=None, description="Received on or before this day.")


def domain_filter(f: ComplaintFilter | None) -> DomainFilter:
    """The domain's filter; a malformed ID is refused as the argument's (NOT_FOUND)."""
    if f is None:
        return DomainFilter()
    from server.domain.complaints.models import ComplaintCategory as Category
    from server.domain.complaints.models import ComplaintStep as Step

    return DomainFilter(
        steps=[Step(str(s.value)) for s in f.steps or []],
        open_only=bool(f.open),
        overdue_only=bool(f.overdue),
        categories=[Category(str(c.value)) for c in f.categories or []],
        customer_id=decode_id(f.customer_id, "Customer", "customer_id") if f.customer_id else None,
        department_id=(
            decode_id(f.department_id, "Department", "department_id") if f.department_id else None
        ),
        assignee_id=decode_id(f.assignee_id, "User", "assignee_id") if f.assignee_id else None,
        owner_ids=[decode_id(o, "User", "owner_ids") for o in (f.owner_ids or [])[:100]],
        received_from=f.received_from,
        received_to=f.received_to,
    )
