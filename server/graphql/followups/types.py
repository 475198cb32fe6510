"""GraphQL types of the follow-up area: interactions, follow-ups, plans, the queue."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from server.domain.company.models import CompanySettings
from server.domain.followups import models
from server.domain.followups.queue import (
    Neglected,
    QueueFilter,
    Section,
    neglected_customers,
    section_counts,
    section_page,
)
from server.graphql.accounts import loaders as accounts_loaders
from server.graphql.accounts.types import User
from server.graphql.complaints.resolvers import escalated
from server.graphql.connections import (
    After,
    Connection,
    First,
    connection,
    nodes_through_customer,
    page_args,
)
from server.graphql.customers import loaders as customers_loaders
from server.graphql.customers.enums import Grade
from server.graphql.customers.projection import customer_columns
from server.graphql.customers.types import (
    Contact,
    customer_of,
    prefetch_customers,
    visible_customer,
)
from server.graphql.enums import by_value
from server.graphql.followups import loaders as followups_loaders
from server.graphql.followups.enums import (
    FollowUpOrigin,
    FollowUpStatus,
    InteractionKind,
    RouteMethod,
)
from server.graphql.money import Money, money
from server.graphql.projection import columns_or_all, model_row, object_of
from server.graphql.selection import field_selection, nodes_selection, wants_rows

if TYPE_CHECKING:
    from server.graphql.complaints.types import Complaint
    from server.graphql.customers.types import Customer

CustomerType = Annotated["Customer", strawberry.lazy("server.graphql.customers.types")]
ContactType = Annotated["Contact", strawberry.lazy("server.graphql.customers.types")]
ComplaintType = Annotated["Complaint", strawberry.lazy("server.graphql.complaints.types")]

d = strawberry.field
_KINDS, _GRADES = by_value(InteractionKind), by_value(Grade)
_ORIGINS, _STATUSES = by_value(FollowUpOrigin), by_value(FollowUpStatus)


@strawberry.type(description="What a customer is expected to buy (预计订单).")
class ExpectedOrder:
    products: str = d(description="Products expected, free text.")
    quantity: int | None = d(description="Expected quantity.")
    amount: Money | None = d(description="Expected amount.")


def expected_order(m: Any, currency: str) -> ExpectedOrder:
    return ExpectedOrder(
        products=m.expected_products,
        quantity=m.expected_quantity,
        amount=money(m.expected_amount_minor, currency),
    )


@strawberry.type(description="One of the customer's people present at a contact.")
class PresentContact:
    name: str = d(description="Their name at the time of the contact.")
    _contact_id: strawberry.Private[int | None]

    @strawberry.field(description="The contact record; null once removed from the archive.")
    async def contact(self, info: Info) -> ContactType | None:
        if self._contact_id is None:
            return None
        m = await info.context.loader(customers_loaders.contacts_by_id).load(self._contact_id)
        return Contact.from_model(m) if m else None


@strawberry.type(
    description="One logged contact with a customer (每一次追踪情况都要详细记录在案). "
    "Visible to whoever may see the customer; never changed after it is logged."
)
class Interaction(relay.Node):
    id: relay.NodeID[int]
    kind: InteractionKind = d(description="How the contact took place.")
    occurred_at: datetime = d(description="When it took place.")
    summary: str = d(description="One line for lists; the first line of the notes if not given.")
    needs: str = d(description="What the customer needs.")
    problems: str = d(description="Problems the customer raised.")
    outcome: str = d(description="What came of it.")
    next_step: str = d(description="The agreed next step.")
    satisfaction: int | None = d(description="The customer's satisfaction, 1 (low) to 5 (high).")
    grade_before: Grade = d(description="The customer's grade before this contact.")
    grade_after: Grade = d(description="The grade confirmed or set at this contact.")
    created_at: datetime = d(description="When it was logged.")
    _customer_id: strawberry.Private[int]
    _author_id: strawberry.Private[int]

    @strawberry.field(description="Who logged it.")
    async def author(self, info: Info) -> User:
        return User.from_row(
            await info.context.loader(accounts_loaders.users).load(self._author_id)
        )

    @strawberry.field(description="The people from our side who took part.")
    async def our_people(self, info: Info) -> list[User]:
        ctx = info.context
        ids = await ctx.loader(followups_loaders.participants).load(self.id)
        people = await ctx.loader(accounts_loaders.users).load_many(ids)
        return [User.from_row(u) for u in people if u]

    @strawberry.field(description="The customer's people who were present.")
    async def contacts_present(self, info: Info) -> list[PresentContact]:
        rows = await info.context.loader(followups_loaders.contacts_present).load(self.id)
        return [PresentContact(name=r.name, _contact_id=r.contact_id) for r in rows]

    @strawberry.field(description="The customer contacted.")
    async def customer(self, info: Info) -> CustomerType | None:
        return await visible_customer(info, self._customer_id)

    @classmethod
    def from_model(cls, m: models.Interaction) -> Interaction:
        """From a model a mutation returned."""
        return cls.from_row(model_row(m))

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Interaction:
        """From an interaction row, whole or with only the columns a query needs
        (`interaction_columns`): a field whose column was not read is never asked for."""
        interaction, values = object_of(cls, row)
        get: Callable[[str], Any] = row.get
        values["kind"] = _KINDS.get(get("kind"))
        values["grade_before"] = _GRADES.get(get("grade_before"))
        values["grade_after"] = _GRADES.get(get("grade_after"))
        values["_customer_id"] = row["customer_id"]
        values["_author_id"] = row["author_id"]
        return interaction

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        columns = interaction_columns(field_selection(info, "Interaction").names)
        return await nodes_through_customer(
            info, models.Interaction, node_ids, cls.from_row, columns=columns
        )


_INTERACTION_DERIVED: dict[str, tuple[str, ...]] = {
    "author": (),
    "ourPeople": (),
    "contactsPresent": (),
    "customer": (),
}


def interaction_columns(wanted: set[str]) -> tuple[str, ...]:
    """The interaction columns these GraphQL fields need (all, for a field not known)."""
    return columns_or_all(
        models.Interaction,
        wanted,
        always=("id", "customer_id", "author_id", "occurred_at"),
        derived=_INTERACTION_DERIVED,
    )


@strawberry.type(
    description="A planned contact with a customer: the unit of a salesperson's queue. "
    "Visible to whoever may see the customer."
)
class FollowUp(relay.Node):
    id: relay.NodeID[int]
    version: int = d(description="Changes on every update; send it back with your change.")
    due_on: date = d(description="The company day it is due.")
    kind: InteractionKind = d(description="How the contact is meant to take place.")
    purpose: str = d(description="What the contact is for (联络重点).")
    expected_order: ExpectedOrder = d(description="The order hoped for.")
    preparation_notes: str = d(description="What to prepare before the contact.")
    origin: FollowUpOrigin = d(description="Why it exists.")
    status: FollowUpStatus = d(description="Open, done or skipped.")
    completed_at: datetime | None = d(description="When it was done or skipped.")
    completed_late: bool | None = d(
        description="For done items: true when the contact came after the due date."
    )
    skip_reason: str = d(description="Why it was skipped.")
    reschedule_count: int = d(description="How many times the due date was moved.")
    reschedule_reason: str = d(description="Why the due date was last moved.")
    created_at: datetime = d(description="When it was planned.")
    _customer_id: strawberry.Private[int]
    _assignee_id: strawberry.Private[int]
    _interaction_id: strawberry.Private[int | None]
    # Set when the row came with its customer joined (the queue): no further lookup.
    _customer_row: strawberry.Private[Any] = None
    # Set when the page's customers were built and prefetched together (the queue).
    _customer: strawberry.Private[Any] = None

    @strawberry.field(description="The customer to contact.")
    def customer(self, info: Info) -> CustomerType | None:
        if self._customer is not None:
            return self._customer
        if self._customer_row is not None:
            return customer_of(info, self._customer_row)
        return visible_customer(info, self._customer_id)  # type: ignore[return-value]

    @strawberry.field(description="Who is to make the contact.")
    async def assignee(self, info: Info) -> User:
        return User.from_row(
            await info.context.loader(accounts_loaders.users).load(self._assignee_id)
        )

    @strawberry.field(description="The logged contact that answered it, once done.")
    async def answered_by(self, info: Info) -> Interaction | None:
        if self._interaction_id is None:
            return None
        m = await info.context.loader(followups_loaders.interactions_by_id).load(
            self._interaction_id
        )
        return Interaction.from_model(m) if m else None

    @classmethod
    def from_model(cls, m: models.FollowUp, currency: str) -> FollowUp:
        """From a model (a mutation's, or the queue's with its customer joined)."""
        joined = m.__dict__.get("_customer")  # set by select_related("customer")
        return cls.from_row(model_row(m), currency, customer_row=joined)

    @classmethod
    def from_row(cls, row: Mapping[str, Any], currency: str, customer_row: Any = None) -> FollowUp:
        """From a follow-up row, whole or with only the columns a query needs
        (`followup_columns`): a field whose column was not read is never asked for."""
        follow_up, values = object_of(cls, row)
        get: Callable[[str], Any] = row.get
        values["kind"] = _KINDS.get(get("kind"))
        values["origin"] = _ORIGINS.get(get("origin"))
        values["status"] = _STATUSES.get(get("status"))
        values["expected_order"] = ExpectedOrder(
            products=get("expected_products"),
            quantity=get("expected_quantity"),
            amount=money(get("expected_amount_minor"), currency),
        )
        values["_customer_id"] = row["customer_id"]
        values["_assignee_id"] = row["assignee_id"]
        values["_interaction_id"] = row["interaction_id"]
        values["_customer_row"] = customer_row
        return follow_up

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        currency = info.context.currency
        columns = followup_columns(field_selection(info, "FollowUp").names)
        return await nodes_through_customer(
            info,
            models.FollowUp,
            node_ids,
            lambda row: cls.from_row(row, currency),
            columns=columns,
        )


_FOLLOWUP_DERIVED: dict[str, tuple[str, ...]] = {
    "expectedOrder": ("expected_products", "expected_quantity", "expected_amount_minor"),
    "customer": (),
    "assignee": (),
    "answeredBy": (),
}


def followup_columns(wanted: set[str]) -> tuple[str, ...]:
    """The follow-up columns these GraphQL fields need (all, for a field not known)."""
    return columns_or_all(
        models.FollowUp,
        wanted,
        always=("id", "customer_id", "assignee_id", "interaction_id"),
        derived=_FOLLOWUP_DERIVED,
    )


@strawberry.type(description="How a customer is to be worked (联络计划).")
class ContactPlan:
    version: int = d(description="Changes on every update; send it back with your change.")
    focus: str = d(description="What the contacts concentrate on (联络重点).")
    expected_order: ExpectedOrder = d(description="The order hoped for.")
    frequency_days: int | None = d(
        description="Days between contacts; overrides the grade's cadence when set."
    )
    preferred_time: str = d(description="When the customer prefers to be contacted.")
    updated_at: datetime = d(description="When the plan last changed.")

    @classmethod
    def from_model(cls, m: models.ContactPlan, currency: str) -> ContactPlan:
        return cls(
            version=m.version,
            focus=m.focus,
            expected_order=expected_order(m, currency),
            frequency_days=m.frequency_days,
            preferred_time=m.preferred_time,
            updated_at=m.updated_at,
        )


@strawberry.input(description="Narrow the queue.")
class FollowUpQueueFilter:
    regions: list[str] | None = d(default=None, description="Customers in any of these regions.")
    grades: list[Grade] | None = d(default=None, description="Customers of any of these grades.")
    kinds: list[InteractionKind] | None = d(
        default=None, description="Follow-ups of any of these kinds."
    )


def domain_queue_filter(flt: FollowUpQueueFilter | None) -> QueueFilter:
    from server.domain.customers.models import Grade as DomainGrade

    if flt is None:
        return QueueFilter()
    return QueueFilter(
        regions=flt.regions or [],
        grades=[DomainGrade(str(g.value)) for g in flt.grades or []],
        kinds=[str(k.value) for k in flt.kinds or []],
    )


NEGLECTED_SHOWN = 100


@strawberry.type(description="A customer out of cadence: no open follow-up, no recent contact.")
class NeglectedCustomer:
    customer: CustomerType = d(description="The customer.")
    last_contact_at: datetime | None = d(description="The latest contact; null if never.")
    cadence_days: int = d(description="The customer's cadence in days.")
    days_since_contact: int = d(
        description="Days since the latest contact, or since the customer was created."
    )


@strawberry.type(
    description="A salesperson's follow-up queue for one day: overdue, due today and the next "
    "seven days, each ordered by how long overdue, then grade A→E, then key account, VIP and "
    "class A→C first."
)
class FollowUpQueue:
    day: date = d(description="The company day the queue is for.")
    user: User = d(description="Whose queue it is.")
    _filter: strawberry.Private[QueueFilter]
    _settings: strawberry.Private[CompanySettings]
    # The three totals come from one statement, shared by the sections that ask.
    _counts: strawberry.Private[asyncio.Future[dict[Section, int]] | None] = None
    # The neglect check, shared by `neglected` and `neglectedCount`, and only run when asked.
    _neglect: strawberry.Private[asyncio.Future[list[Neglected]] | None] = None

    def _neglected(self, info: Info) -> asyncio.Future[list[Neglected]]:
        if self._neglect is None:
            self._neglect = asyncio.ensure_future(
                neglected_customers(info.context.viewer, [int(self.user.id)], self._settings)
            )
        return self._neglect

    @strawberry.field(
        description="Customers out of cadence (no open follow-up and no contact for twice "
        "their cadence), longest neglected first, at most 100."
    )
    async def neglected(self, info: Info) -> list[NeglectedCustomer]:
        shown = (await self._neglected(info))[:NEGLECTED_SHOWN]
        loader = info.context.loader(customers_loaders.visible_customers)
        rows = await loader.load_many([n.customer_id for n in shown])
        return [
            NeglectedCustomer(
                customer=customer_of(info, row),
                last_contact_at=n.last_contact_at,
                cadence_days=n.cadence_days,
                days_since_contact=n.days_since_contact,
            )
            for n, row in zip(shown, rows, strict=True)
            if row is not None
        ]

    @strawberry.field(description="How many customers are out of cadence.")
    async def neglected_count(self, info: Info) -> int:
        return len(await self._neglected(info))

    async def _count(self, info: Info, section: Section) -> int:
        if self._counts is None:
            self._counts = asyncio.ensure_future(
                section_counts(info.context.viewer, int(self.user.id), self.day, self._filter)
            )
        return (await self._counts)[section]

    async def _section(
        self, info: Info, section: Section, first: int | None, after: str | None
    ) -> Connection[FollowUp]:
        wanted = nodes_selection(info).within("customer", type_name="Customer")
        page = await section_page(
            info.context.viewer,
            int(self.user.id),
            self.day,
            section,
            self._filter,
            page_args(first, after, None, None),
            fetch=wants_rows(info),
            customer_fields=customer_columns(wanted.names),
        )
        page.counter = lambda: self._count(info, section)
        currency = info.context.currency
        result = connection(page, lambda m: FollowUp.from_model(m, currency))
        if wanted.fields:
            # The page's customers with their contacts loaded at once: the rows then
            # resolve without an awaitable each.
            customers = [customer_of(info, item._customer_row) for item in result.nodes]
            await prefetch_customers(info, customers, wanted)
            for item, customer in zip(result.nodes, customers, strict=True):
                item._customer = customer
        return result

    @strawberry.field(description="Open follow-ups due before the day, longest overdue first.")
    async def overdue(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[FollowUp]:
        return await self._section(info, Section.OVERDUE, first, after)

    @strawberry.field(description="Open follow-ups due on the day.")
    async def due_today(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[FollowUp]:
        return await self._section(info, Section.TODAY, first, after)

    @strawberry.field(description="Open follow-ups due in the seven days after the day.")
    async def upcoming(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[FollowUp]:
        return await self._section(info, Section.UPCOMING, first, after)

    @strawberry.field(
        description="Complaints escalated to this person (seed 001 §10.2: handle promptly): "
        "an open step past its due time, on a complaint this person is responsible for (its "
        "assignee; before assignment, the customer's owner) or that one of the people they "
        "manage is. Longest overdue first; only complaints you may read."
    )
    async def overdue_complaints(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[ComplaintType]:
        return await escalated(info, int(self.user.id), first, after)


@strawberry.type(description="One team member's load, for the manager's team view.")
class Workload:
    user: User = d(description="The team member.")
    overdue_count: int = d(description="Open follow-ups past their due date.")
    due_today_count: int = d(description="Open follow-ups due on the day.")
    out_of_cadence_count: int = d(description="Their customers out of cadence.")


@strawberry.type(description="One customer on a visit plan, with what is due there.")
class VisitStop:
    position: int = d(description="1 for the first stop.")
    customer: CustomerType = d(description="The customer to visit.")
    follow_ups: list[FollowUp] = d(description="The visits due there, oldest first.")
    distance_km: float | None = d(
        description="Distance from the previous stop (or the start) in km, when both have "
        "coordinates."
    )


@strawberry.type(description="A day's visits in one region, in travel order (路序).")
class VisitPlan:
    day: date = d(description="The company day planned.")
    region: str = d(description="The region.")
    method: RouteMethod = d(description="How the stops were ordered.")
    stops: list[VisitStop] = d(description="The stops in order.")
    total_km: float | None = d(description="The length of the legs with known coordinates.")


@strawberry.type(description="A number of contacts of one kind.")
class KindCount:
    kind: InteractionKind = d(description="The kind of contact.")
    count: int = d(description="How many.")


@strawberry.type(description="What one salesperson did in a period (销售过程监控).")
class RepActivity:
    user: User = d(description="The salesperson.")
    interactions: int = d(
        description="Contacts this person logged that took place in the period (counted on "
        "the day of the contact, however late it was entered)."
    )
    interactions_by_kind: list[KindCount] = d(description="Those contacts, by kind.")
    follow_ups_done_on_time: int = d(
        description="Follow-ups assigned to this person answered by their due date, counted "
        "on the day of the answering contact. A follow-up answered by someone else's contact "
        "(a manager's visit, say) is credited to its assignee."
    )
    follow_ups_done_late: int = d(
        description="Follow-ups assigned to this person answered after their due date, "
        "counted like `followUpsDoneOnTime`."
    )
    follow_ups_skipped: int = d(
        description="Follow-ups assigned to this person skipped in the period, counted on "
        "the day of the skip."
    )
    overdue_now: int = d(description="Open follow-ups past due today.")
    customers_out_of_cadence: int = d(description="Their customers out of cadence today.")
