"""GraphQL types of the complaints area: the complaint, its steps' records, its events."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info
from tortoise.expressions import Subquery

from server.domain.complaints import models
from server.domain.complaints.scope import readable_complaint, visible_complaints
from server.domain.complaints.steps import COMPLAINTS
from server.domain.shared import clock
from server.domain.workflow.models import StepEvent
from server.graphql.accounts import loaders as accounts_loaders
from server.graphql.accounts.loaders import USER_COLUMNS
from server.graphql.accounts.types import Department, User
from server.graphql.complaints import loaders as complaint_loaders
from server.graphql.complaints.enums import (
    ComplaintAction,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintKind,
    ComplaintSeverity,
    ComplaintStep,
    RemedyKind,
    ResponsibleParty,
    SatisfactionSource,
)
from server.graphql.connections import nodes_in_order
from server.graphql.customers.types import visible_customer
from server.graphql.enums import by_value
from server.graphql.money import Money, money
from server.graphql.projection import columns_or_all, object_of
from server.graphql.sales.types import SalesOrder, SalesOrderLine
from server.graphql.selection import field_selection

if TYPE_CHECKING:
    from server.graphql.customers.types import Customer

CustomerType = Annotated["Customer", strawberry.lazy("server.graphql.customers.types")]
d = strawberry.field

_STEPS, _ACTIONS = by_value(ComplaintStep), by_value(ComplaintAction)
_CHANNELS, _CATEGORIES = by_value(ComplaintChannel), by_value(ComplaintCategory)
_KINDS, _SEVERITIES = by_value(ComplaintKind), by_value(ComplaintSeverity)
_PARTIES, _REMEDIES = by_value(ResponsibleParty), by_value(RemedyKind)


async def _user(info: Info, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    row = await info.context.loader(accounts_loaders.users).load(user_id)
    return User.from_row(row) if row else None


@strawberry.type(description="The remedy proposed (提出处理意见), once there is one.")
class Remedy:
    kind: RemedyKind | None = d(description="What is done for the customer.")
    amount: Money | None = d(description="What it costs us, where money is involved.")
    description: str = d(description="What exactly is done.")


@strawberry.type(description="The corrective action decided at evaluation (纠正措施).")
class CorrectiveAction:
    description: str = d(description="What will be changed so it does not happen again.")
    due_on: date | None = d(description="When it is due.")
    done_on: date | None = d(description="When it was done; null while open.")
    _owner_id: strawberry.Private[int | None]

    @strawberry.field(description="Who carries it out.")
    async def owner(self, info: Info) -> User | None:
        return await _user(info, self._owner_id)


@strawberry.type(
    description="One of the customer's people, as far as handling a complaint needs: how to "
    "reach them. Those who see the customer read the whole contact there."
)
class ComplaintContact:
    name: str = d(description="Full name.")
    title: str = d(description="Job title.")
    phone: str = d(description="Phone number.")
    email: str = d(description="Email address.")


def _contact(row: Mapping[str, Any]) -> ComplaintContact:
    return ComplaintContact(
        name=row["name"], title=row["title"], phone=row["phone"], email=row["email"]
    )


@strawberry.type(description="One move of a complaint through its steps. Never changed.")
class ComplaintEvent:
    action: ComplaintAction = d(description="What was done.")
    from_step: ComplaintStep | None = d(description="The step left; null for the record.")
    to_step: ComplaintStep = d(description="The step entered.")
    at: datetime = d(description="When.")
    note: str = d(description="The note left with it (a send-back's reason).")
    spent_seconds: int | None = d(
        description="How long the complaint had waited in the step left; null for the record."
    )
    _actor_id: strawberry.Private[int | None]

    @strawberry.field(description="Who did it.")
    async def actor(self, info: Info) -> User | None:
        return await _user(info, self._actor_id)

    @classmethod
    def from_model(cls, e: StepEvent) -> ComplaintEvent:
        return cls(
            action=_ACTIONS[e.action],
            from_step=_STEPS.get(e.from_step),
            to_step=_STEPS[e.to_step],
            at=e.at,
            note=e.note,
            spent_seconds=e.spent_seconds,
            _actor_id=e.actor_id,
        )


@strawberry.type(
    description="A photo or document attached to a complaint. Download it with a GET of "
    "`downloadPath` on this server, sending the same bearer token: only those who may read "
    "the complaint get it."
)
class ComplaintEvidence(relay.Node):
    id: relay.NodeID[int]
    filename: str = d(description="The file's name as uploaded.")
    content_type: str = d(
        description="image/jpeg, image/png, image/webp or application/pdf, told by content."
    )
    size: int = d(description="Its size in bytes.")
    sha256: str = d(description="The SHA-256 of its bytes (hex): the same file, the same hash.")
    description: str = d(description="What it shows.")
    uploaded_at: datetime = d(description="When it was attached.")
    _uploaded_by_id: strawberry.Private[int | None]

    @strawberry.field(description="Where to GET the file: /evidence/<this id>.")
    def download_path(self) -> str:
        return f"/evidence/{relay.to_base64('ComplaintEvidence', self.id)}"

    @strawberry.field(description="Who attached it.")
    async def uploaded_by(self, info: Info) -> User | None:
        return await _user(info, self._uploaded_by_id)

    @classmethod
    def from_model(cls, m: models.ComplaintEvidence) -> ComplaintEvidence:
        return cls(
            id=m.id,
            filename=m.filename,
            content_type=str(m.content_type),
            size=m.size,
            sha256=m.sha256,
            description=m.description,
            uploaded_at=m.uploaded_at,
            _uploaded_by_id=m.uploaded_by_id,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        complaints = await visible_complaints(info.context.viewer)
        query = models.ComplaintEvidence.filter(complaint_id__in=Subquery(complaints.values("id")))
        return await nodes_in_order(node_ids, query, cls.from_model)


@strawberry.type(
    description="A customer's complaint (客户投诉) and where it stands in the eight steps of "
    "seed 001 §10.2. Visible to whoever sees the customer, to the person it is assigned to, "
    "and to complaint handlers for those waiting for triage, assigned to their department, "
    "or judged unjustified."
)
class Complaint(relay.Node):
    id: relay.NodeID[int]
    version: int = d(description="Changes on every move; send it back with your action.")
    step: ComplaintStep = d(description="The step it waits in.")
    step_entered_at: datetime = d(description="When it entered that step.")
    step_due_at: datetime | None = d(
        description="When the step's time limit ends, in working days on the company's "
        "calendar; null once closed or rejected."
    )
    channel: ComplaintChannel = d(description="How it reached us.")
    received_at: datetime = d(description="When it was received.")
    category: ComplaintCategory = d(description="What it is about, from its kind.")
    kind: ComplaintKind = d(description="What exactly is wrong.")
    subject: str = d(description="One line for lists.")
    description: str = d(description="What the customer says happened.")
    demand: str = d(description="What the customer asks for.")
    severity: ComplaintSeverity = d(description="How much is at stake.")
    rejection_reason: str = d(description="Why it was judged unjustified.")
    reply: str = d(description="The courteous reply sent when it was judged unjustified.")
    root_cause: str = d(description="The root cause found at analysis.")
    responsible_party: ResponsibleParty | None = d(description="Who caused it.")
    implementation: str = d(description="What was done for the customer.")
    customer_notified_at: datetime | None = d(description="When the customer was told.")
    customer_feedback: str = d(description="What the customer said of the remedy.")
    implemented_at: datetime | None = d(description="When the remedy was recorded as done.")
    lessons: str = d(description="Lessons learned (总结评价).")
    satisfaction: int | None = d(description="The customer's satisfaction at closing, 1–5.")
    closed_at: datetime | None = d(description="When it was closed.")
    reopen_reason: str = d(description="Why it was last reopened.")
    created_at: datetime = d(description="When it was recorded.")
    updated_at: datetime = d(description="When it last changed.")
    amount: Money | None = d(description="The amount at stake, as the customer states it.")
    remedy: Remedy | None = d(description="The remedy proposed; null before the proposal.")
    corrective_action: CorrectiveAction | None = d(
        description="The corrective action decided at evaluation; null when none."
    )
    # Both read with the complaint's row (joined), so a board's cards complete without a
    # resolver each.
    customer_name: str = d(
        description="The customer's name: whoever reads the complaint may read it, though "
        "not always the customer's record."
    )
    assignee: User | None = d(description="The person responsible, once assigned.")
    _customer_id: strawberry.Private[int]
    _contact_id: strawberry.Private[int | None]
    _sales_order_id: strawberry.Private[int | None]
    _recorded_by_id: strawberry.Private[int | None]
    _department_id: strawberry.Private[int | None]
    _assignee_id: strawberry.Private[int | None]
    _proposed_by_id: strawberry.Private[int | None]
    _approved_by_id: strawberry.Private[int | None]
    _currency: strawberry.Private[str]

    @strawberry.field(description="True when an open step is past its due time.")
    def overdue(self) -> bool:
        due = self.step_due_at
        return due is not None and due < clock.now()

    @strawberry.field(description="The customer; null when you may not see its record.")
    async def customer(self, info: Info) -> CustomerType | None:
        return await visible_customer(info, self._customer_id)

    @strawberry.field(description="Who complained, if recorded.")
    async def contact(self, info: Info) -> ComplaintContact | None:
        if self._contact_id is None:
            return None
        row = await info.context.loader(complaint_loaders.contact_fact).load(self._contact_id)
        return _contact(row) if row else None

    @strawberry.field(description="The customer's people, to reach them while handling it.")
    async def customer_contacts(self, info: Info) -> list[ComplaintContact]:
        rows = await info.context.loader(complaint_loaders.contact_facts).load(self._customer_id)
        return [_contact(r) for r in rows]

    @strawberry.field(description="The sales order it concerns, if named.")
    async def sales_order(self, info: Info) -> SalesOrder | None:
        if self._sales_order_id is None:
            return None
        m = await info.context.loader(complaint_loaders.orders).load(self._sales_order_id)
        return SalesOrder.from_model(m, self._currency) if m else None

    @strawberry.field(description="The order lines it concerns, if named.")
    async def order_lines(self, info: Info) -> list[SalesOrderLine]:
        found = await info.context.loader(complaint_loaders.lines).load(self.id)
        return [SalesOrderLine.from_model(r, self._currency) for r in found]

    @strawberry.field(description="Who recorded it.")
    async def recorded_by(self, info: Info) -> User | None:
        return await _user(info, self._recorded_by_id)

    @strawberry.field(description="The department responsible, once assigned.")
    async def department(self, info: Info) -> Department | None:
        if self._department_id is None:
            return None
        m = await info.context.loader(accounts_loaders.departments).load(self._department_id)
        return Department.from_model(m) if m else None

    @strawberry.field(description="Who proposed the remedy (they may not approve it).")
    async def proposed_by(self, info: Info) -> User | None:
        return await _user(info, self._proposed_by_id)

    @strawberry.field(description="The supervisor who approved the remedy.")
    async def approved_by(self, info: Info) -> User | None:
        return await _user(info, self._approved_by_id)

    @strawberry.field(description="Photos and documents attached, oldest first.")
    async def evidence(self, info: Info) -> list[ComplaintEvidence]:
        found = await info.context.loader(complaint_loaders.evidence).load(self.id)
        return [ComplaintEvidence.from_model(m) for m in found]

    @strawberry.field(description="Every move through the steps, oldest first.")
    async def events(self, info: Info) -> list[ComplaintEvent]:
        found = await info.context.loader(complaint_loaders.events).load(self.id)
        return [ComplaintEvent.from_model(e) for e in found]

    @strawberry.field(
        description="What you may do to it now, by its step and your role: offer these "
        "actions and no others (the server refuses the rest)."
    )
    async def viewer_actions(self, info: Info) -> list[ComplaintAction]:
        found = await readable_complaint(info.context.viewer, self.id)
        if found is None:
            return []
        allowed = await COMPLAINTS.allowed_actions(info.context.viewer, found)
        return [_ACTIONS[a] for a in allowed]

    @classmethod
    async def load(cls, complaint_id: int, currency: str) -> Complaint:
        """A complaint read whole, with its joined columns (a mutation's answer)."""
        columns = complaint_columns({"__everything__"})
        [row] = await models.Complaint.filter(id=complaint_id).values(*columns)
        return cls.from_row(row, currency)

    @classmethod
    def from_row(cls, row: Mapping[str, Any], currency: str) -> Complaint:
        """From a complaint row, whole or with only the columns a query needs
        (`complaint_columns`): a field whose column was not read is never asked for."""
        complaint, values = object_of(cls, row)
        get: Callable[[str], Any] = row.get
        values["step"] = _STEPS.get(get("step"))
        values["channel"] = _CHANNELS.get(get("channel"))
        values["category"] = _CATEGORIES.get(get("category"))
        values["kind"] = _KINDS.get(get("kind"))
        values["severity"] = _SEVERITIES.get(get("severity"))
        values["responsible_party"] = _PARTIES.get(get("responsible_party"))
        values["amount"] = money(get("amount_minor"), currency)
        if "remedy_description" in row:
            kind = _REMEDIES.get(get("remedy_kind"))
            values["remedy"] = (
                Remedy(
                    kind=kind,
                    amount=money(get("remedy_amount_minor"), currency),
                    description=row["remedy_description"],
                )
                if kind is not None or row["remedy_description"]
                else None
            )
        if "corrective_due_on" in row:
            text = get("corrective_action") or ""
            values["corrective_action"] = (
                CorrectiveAction(
                    description=text,
                    due_on=get("corrective_due_on"),
                    done_on=get("corrective_done_on"),
                    _owner_id=get("corrective_owner_id"),
                )
                if text
                else None
            )
        values["_customer_id"] = row["customer_id"]
        values["customer_name"] = row["customer__name"]
        values["assignee"] = (
            User.from_row({c: row[f"assignee__{c}"] for c in USER_COLUMNS})
            if row["assignee__id"] is not None
            else None
        )
        for key in (
            "contact_id",
            "sales_order_id",
            "recorded_by_id",
            "department_id",
            "assignee_id",
            "proposed_by_id",
            "approved_by_id",
        ):
            values[f"_{key}"] = get(key)
        values["_currency"] = currency
        return complaint

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        query = await visible_complaints(info.context.viewer)
        columns = complaint_columns(field_selection(info, "Complaint").names)
        currency = info.context.currency
        return await nodes_in_order(
            node_ids, query, lambda row: cls.from_row(row, currency), columns
        )


_COMPLAINT_DERIVED: dict[str, tuple[str, ...]] = {
    # Read through the joins every complaint carries (_JOINED).
    "customerName": (),
    "assignee": (),
    "overdue": ("step_due_at",),
    "amount": ("amount_minor",),
    "remedy": ("remedy_kind", "remedy_amount_minor", "remedy_description"),
    "correctiveAction": (
        "corrective_action",
        "corrective_due_on",
        "corrective_done_on",
        "corrective_owner_id",
    ),
    "customer": (),
    "contact": (),
    "customerContacts": (),
    "salesOrder": (),
    "orderLines": (),
    "recordedBy": (),
    "department": (),
    "proposedBy": (),
    "approvedBy": (),
    "events": (),
    "evidence": (),
    "viewerActions": (),
}

# The columns every complaint object carries: its id and the ids its fields follow.
_ALWAYS = (
    "id",
    "customer_id",
    "contact_id",
    "sales_order_id",
    "recorded_by_id",
    "department_id",
    "assignee_id",
    "proposed_by_id",
    "approved_by_id",
)


# Read with every complaint through joins: the customer's name (its table is in the
# statement for the visibility rule already) and the assignee as the User type shows them.
_JOINED = ("customer__name", *(f"assignee__{c}" for c in USER_COLUMNS))


def complaint_columns(wanted: set[str]) -> tuple[str, ...]:
    """The complaint columns these GraphQL fields need (all, for a field not known), and
    the joined ones every complaint object carries."""
    found = columns_or_all(models.Complaint, wanted, always=_ALWAYS, derived=_COMPLAINT_DERIVED)
    return (*found, *_JOINED)


@strawberry.type(description="One satisfaction score of a customer (docs/domain.md §8).")
class SatisfactionPoint:
    at: datetime = d(description="When it was given.")
    score: int = d(description="1 (low) to 5 (high).")
    source: SatisfactionSource = d(description="At a contact or at a complaint's closing.")
