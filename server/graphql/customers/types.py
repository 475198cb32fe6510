"""GraphQL types of the customer archive: Customer and Contact."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from server.domain.access.visibility import can_edit_owned_by
from server.domain.audit.view_log import VIEW_LOG
from server.domain.customers import models
from server.domain.customers.scope import visible_customer_rows
from server.domain.shared.ids import db_id
from server.graphql.accounts import loaders as accounts_loaders
from server.graphql.accounts.types import User
from server.graphql.batch import Row
from server.graphql.connections import (
    After,
    Before,
    Connection,
    First,
    Last,
    nodes_through_customer,
)
from server.graphql.customers import hooks
from server.graphql.customers import loaders as customers_loaders
from server.graphql.customers.enums import (
    AbcClass,
    AllyStrength,
    Attitude,
    ContactRole,
    Grade,
    Influence,
    SourceChannel,
    Stage,
)
from server.graphql.customers.projection import contact_columns, customer_columns
from server.graphql.enums import by_value

# The follow-up area's vocabulary: enums import no area, so every area may use them.
from server.graphql.followups.enums import FollowUpStatus, InteractionKind
from server.graphql.money import Money, money
from server.graphql.projection import model_row, object_of
from server.graphql.selection import Selection, current_field, field_selection

if TYPE_CHECKING:
    # Named, never imported, even for type checking: the areas above customers import it,
    # and customers reaches them only through these lazy names and hooks.py.
    Interaction: TypeAlias = Any
    FollowUp: TypeAlias = Any
    ContactPlan: TypeAlias = Any
    SalesOrder: TypeAlias = Any
    Complaint: TypeAlias = Any
    SatisfactionPoint: TypeAlias = Any
    CustomerAccount: TypeAlias = Any

# The types of the areas above customers, named lazily (see hooks.py).
InteractionType = Annotated["Interaction", strawberry.lazy("server.graphql.followups.types")]
FollowUpType = Annotated["FollowUp", strawberry.lazy("server.graphql.followups.types")]
ContactPlanType = Annotated["ContactPlan", strawberry.lazy("server.graphql.followups.types")]
SalesOrderType = Annotated["SalesOrder", strawberry.lazy("server.graphql.sales.types")]
ComplaintType = Annotated["Complaint", strawberry.lazy("server.graphql.complaints.types")]
SatisfactionPointType = Annotated[
    "SatisfactionPoint", strawberry.lazy("server.graphql.complaints.types")
]
CustomerAccountType = Annotated[
    "CustomerAccount", strawberry.lazy("server.graphql.receivables.account")
]

d = strawberry.field


@strawberry.type(description="The latest logged contact with a customer.")
class LastContact:
    at: datetime = d(description="When it took place.")
    kind: InteractionKind | None = d(
        description="How it took place; null for contacts imported without a kind."
    )
    summary: str = d(description="Its one-line summary.")


_STAGES, _GRADES, _CHANNELS = by_value(Stage), by_value(Grade), by_value(SourceChannel)
_ROLES, _INFLUENCE = by_value(ContactRole), by_value(Influence)
_ATTITUDES, _ALLY = by_value(Attitude), by_value(AllyStrength)
_CLASSES, _KINDS = by_value(AbcClass), by_value(InteractionKind)

_ALLY_RANK = {strength: rank for rank, strength in enumerate(models.AllyStrength)}
_INFLUENCE_RANK = {level: rank for rank, level in enumerate(models.Influence)}


def _allies_first(rows: list[Row]) -> list[Row]:
    allies = [c for c in rows if c["ally_strength"] != models.AllyStrength.NONE]
    return sorted(allies, key=lambda c: -_ALLY_RANK[models.AllyStrength(c["ally_strength"])])


def _later(pending: Awaitable[Any], convert: Callable[[Any], Any]) -> Any:
    """An awaitable of the converted value; graphql-core awaits what a resolver returns."""

    async def wait() -> Any:
        return convert(await pending)

    return wait()


_PEOPLE = ("contacts", "decisionMakers", "allies", "decisionMaker", "strongestAlly")


def customer_loader(info: Info, selection: Selection) -> DataLoader[int, Row | None]:
    """The request's loader of visible customer rows with the columns this selection needs."""
    columns = customer_columns(selection.names)
    return info.context.loader(
        customers_loaders.visible_customers, tuple(columns) if columns else None
    )


def _contact_loader(info: Info, selection: Selection) -> DataLoader[int, list[Row]]:
    columns = contact_columns(selection.within(*_PEOPLE).names)
    return info.context.loader(customers_loaders.contacts_by_customer, columns)


async def prefetch(info: Info, customers: list[Customer], selection: Selection) -> None:
    """Load owners, contacts and tags of a whole page in one statement each, only as asked,
    and only the contact columns asked for.

    With everything at hand the page's rows resolve synchronously: graphql-core then
    completes them without an awaitable per row, which on a 50-row page with contacts was
    the larger part of the request's time.
    """
    if not customers:
        return
    ctx = info.context
    wanted = selection.names
    ids = [c.id for c in customers]
    if "owner" in wanted:
        owners = await ctx.loader(accounts_loaders.users).load_many(
            [c._owner_id for c in customers]
        )
        for customer, owner in zip(customers, owners, strict=True):
            customer._owner = owner
    if wanted & set(_PEOPLE):
        people = await _contact_loader(info, selection).load_many(ids)
        for customer, rows in zip(customers, people, strict=True):
            customer._contacts = rows
    if "tags" in wanted:
        tags = await ctx.loader(customers_loaders.tags_by_customer).load_many(ids)
        for customer, names in zip(customers, tags, strict=True):
            customer._tags = names


@strawberry.type(
    description="A customer company and its archive (客户档案): basic facts, characteristics, "
    "credit, transaction status, source, stage and grade. Visible to its owner, the managers "
    "above the owner, admins, and holders of an unexpired access grant."
)
class Customer(relay.Node):
    id: relay.NodeID[int]
    version: int = d(description="Changes on every update; send it back with your update.")
    # Basic facts (基础资料)
    name: str = d(description="Company name, e.g. 杭州机械厂.")
    code: str | None = d(
        description="The company's own customer number (客户编号), unique when set; found by "
        "search and accepted by the order import."
    )
    address: str = d(description="Postal address.")
    phone: str = d(description="Main phone number.")
    email: str = d(description="Main email address.")
    legal_representative: str = d(description="Legal representative (法人代表).")
    organization_form: str = d(description="Form of organisation (企业组织形式).")
    industry: str = d(description="Industry (业种).")
    assets: Money | None = d(description="Total assets.")
    relationship_since: date | None = d(
        description="When the business relationship began (与本企业交易的时间)."
    )
    region: str = d(description="Sales region; groups customers for visit routes.")
    route: str = d(description="The travel route (路序) within the region.")
    route_position: int | None = d(description="Position along the route, 0 first.")
    latitude: float | None = d(description="Latitude, WGS-84 degrees; orders visit routes.")
    longitude: float | None = d(description="Longitude, WGS-84 degrees; orders visit routes.")
    # Characteristics (特征资料)
    service_area: str = d(description="Area the customer serves.")
    sales_capacity: str = d(description="The customer's own sales capacity.")
    development_potential: str = d(description="Development potential.")
    business_philosophy: str = d(description="Business philosophy, direction and policy.")
    scale: str = d(description="Company scale.")
    distinctive_features: str = d(description="Distinctive features.")
    factory: str = d(description="Factory.")
    equipment: str = d(description="Equipment.")
    output: str = d(description="Output (产量).")
    quality_requirements: str = d(description="Quality requirements.")
    product_structure: str = d(description="Product structure.")
    our_share_percent: int | None = d(
        description="Our share of their purchases against competitors, 0–100."
    )
    # Credit (信用状况)
    registered_capital: Money | None = d(description="Registered capital.")
    years_in_business: int | None = d(description="Years in business.")
    credit_limit: Money | None = d(description="Credit limit (信用额度).")
    billing_day: int | None = d(description="Day of the month accounts are settled (结账日), 1–31.")
    payment_days: int | None = d(
        description="Days of credit (付款条件): 0 is payment before or on delivery, null the "
        "company's default. A debt falls due this many days after the billing day on or "
        "after its issue (月结), or after its issue when there is no billing day."
    )
    payment_terms: str = d(
        description="Payment terms in words, as written before they became paymentDays.",
        deprecation_reason="Use paymentDays and billingDay; this text no longer sets due dates.",
    )
    # Transaction status (交易现状)
    current_sales_activity: str = d(description="Current sales activity.")
    open_problems: str = d(description="Open problems in the relationship.")
    # Source channel (收集渠道)
    source_channel: SourceChannel = d(description="How we learned of the customer.")
    referred_by: str = d(description="Who introduced the customer, for introductions.")
    # Pipeline
    stage: Stage = d(description="Pipeline stage.")
    grade: Grade = d(description="Grade A–E by expected time to a deal.")
    is_key_account: bool = d(description="Key account (大客户).")
    abc_class: AbcClass | None = d(
        description="Importance class from the latest ABC computation; null without sales in "
        "its period."
    )
    is_vip: bool = d(
        description="VIP by the rule: one order ≥ 10,000 or ≥ 20,000 in a calendar month."
    )
    vip_reason: str = d(description="The order or month that made the customer VIP.")
    vip_since: date | None = d(description="The day the customer met the VIP rule.")
    last_contact: LastContact | None = d(description="The latest logged contact; null if none.")
    archived_at: datetime | None = d(description="When the customer was archived; null if active.")
    created_at: datetime = d(description="When the record was created.")
    updated_at: datetime = d(description="When the record last changed.")
    _owner_id: strawberry.Private[int]
    # Filled by the list resolver for a whole page at once (see `prefetch`), so these
    # resolvers answer synchronously; a lone customer falls back to the DataLoaders.
    _owner: strawberry.Private[Row | None] = None
    _contacts: strawberry.Private[list[Row] | None] = None
    _tags: strawberry.Private[list[str] | None] = None

    @strawberry.field(description="True when the customer is archived.")
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @strawberry.field(description="The salesperson responsible for the customer.")
    def owner(self, info: Info) -> User:
        if self._owner is not None:
            return User.from_row(self._owner)
        return _later(
            info.context.loader(accounts_loaders.users).load(self._owner_id), User.from_row
        )

    @strawberry.field(description="Free tags, sorted.")
    def tags(self, info: Info) -> list[str]:
        if self._tags is not None:
            return self._tags
        return _later(info.context.loader(customers_loaders.tags_by_customer).load(self.id), list)

    @strawberry.field(description="The people inside the customer, by name.")
    def contacts(self, info: Info) -> list[Contact]:
        return self._people(info, lambda rows: rows)

    @strawberry.field(description="Contacts who decide the purchase (决定采购的是哪位).")
    def decision_makers(self, info: Info) -> list[Contact]:
        return self._people(info, lambda rows: [c for c in rows if c["is_decision_maker"]])

    @strawberry.field(description="Contacts who are on our side (内线/同盟军), strongest first.")
    def allies(self, info: Info) -> list[Contact]:
        return self._people(info, _allies_first)

    def _people(self, info: Info, pick: Callable[[list[Row]], list[Row]]) -> list[Contact]:
        def convert(rows: list[Row]) -> list[Contact]:
            return [Contact.from_row(c) for c in pick(rows)]

        if self._contacts is not None:
            return convert(self._contacts)
        # A customer reached on its own (a follow-up's, an order's): its own statement,
        # batched with the other customers of the same query by the DataLoader.
        return _later(_contact_loader(info, current_field(info)).load(self.id), convert)

    @strawberry.field(
        description="The decision maker with the most influence (决定采购的是哪位); null if none "
        "is marked."
    )
    def decision_maker(self, info: Info) -> Contact | None:
        def pick(rows: list[Row]) -> list[Row]:
            deciders = [c for c in rows if c["is_decision_maker"]]
            deciders.sort(key=lambda c: -_INFLUENCE_RANK[models.Influence(c["influence"])])
            return deciders[:1]

        return self._first(info, pick)

    @strawberry.field(description="The strongest ally inside the customer; null if none.")
    def strongest_ally(self, info: Info) -> Contact | None:
        return self._first(info, lambda rows: _allies_first(rows)[:1])

    def _first(self, info: Info, pick: Callable[[list[Row]], list[Row]]) -> Contact | None:
        found = self._people(info, pick)
        if isinstance(found, list):
            return found[0] if found else None
        return _later(found, lambda rows: rows[0] if rows else None)

    @strawberry.field(description="Logged contacts, newest first (the timeline).")
    async def interactions(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[InteractionType]:
        return await hooks.resolve("interactions", info, self.id, first, after, last, before)

    @strawberry.field(
        description="The customer's follow-ups with these statuses (open when omitted), by due "
        "date; at most 200."
    )
    async def follow_ups(
        self,
        info: Info,
        status: Annotated[
            list[FollowUpStatus] | None,
            strawberry.argument(description="Statuses to include; [OPEN] when omitted."),
        ] = None,
    ) -> list[FollowUpType]:
        return await hooks.resolve("follow_ups", info, self.id, status)

    @strawberry.field(description="The contact plan (联络计划); null if none was made.")
    async def contact_plan(self, info: Info) -> ContactPlanType | None:
        return await hooks.resolve("contact_plan", info, self.id)

    @strawberry.field(
        description="Days between follow-ups for this customer: the contact plan's frequency, "
        "else its grade's cadence from the company settings."
    )
    async def cadence_days(self, info: Info) -> int:
        return await hooks.resolve("cadence_days", info, self.id, str(self.grade.value))

    @strawberry.field(description="Sales orders, newest first.")
    async def sales_orders(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[SalesOrderType]:
        return await hooks.resolve("sales_orders", info, self.id, first, after, last, before)

    @strawberry.field(
        description="The customer's complaints, newest received first (the customer "
        "screen's complaints tab)."
    )
    async def complaints(
        self,
        info: Info,
        open: Annotated[
            bool | None, strawberry.argument(description="True: only those not yet closed.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[ComplaintType]:
        return await hooks.resolve("complaints", info, self.id, bool(open), first, after)

    @strawberry.field(
        description="The customer's money: balance, credit limit and hold, debts, payments, "
        "statements and collection (the money tab); null when you may not read it."
    )
    async def account(self, info: Info) -> CustomerAccountType | None:
        return await hooks.resolve("account", info, self.id)

    @strawberry.field(
        description="Open complaints (not closed or rejected): complaints left unresolved "
        "are a churn signal (seed 003)."
    )
    async def open_complaint_count(self, info: Info) -> int:
        return await hooks.resolve("open_complaint_count", info, self.id)

    @strawberry.field(
        description="Satisfaction scores over time, oldest first, at most 50: those given at "
        "contacts and at complaint closings (docs/domain.md §8: a drop is a churn signal)."
    )
    async def satisfaction_history(self, info: Info) -> list[SatisfactionPointType]:
        return await hooks.resolve("satisfaction_history", info, self.id)

    @strawberry.field(description="True when the viewer may change this customer.")
    async def viewer_can_edit(self, info: Info) -> bool:
        return await can_edit_owned_by(info.context.viewer, self._owner_id)

    @classmethod
    def from_model(cls, m: models.Customer, currency: str) -> Customer:
        """From a model a mutation returned (or one read with some columns only)."""
        return cls.from_row(model_row(m), currency)

    @classmethod
    def from_row(cls, row: Mapping[str, Any], currency: str) -> Customer:
        """From a row of the customer table, whole or with only the columns a query needs
        (see projection.py): a field whose column was not read is never asked for.

        Built without the dataclass constructor: a page builds hundreds of these, and
        copying the row's columns in one step costs a fraction of naming sixty arguments.
        """
        customer, values = object_of(cls, row)
        get: Callable[[str], Any] = row.get
        values["assets"] = money(get("assets_minor"), currency)
        values["registered_capital"] = money(get("registered_capital_minor"), currency)
        values["credit_limit"] = money(get("credit_limit_minor"), currency)
        values["source_channel"] = _CHANNELS.get(get("source_channel"))
        values["stage"] = _STAGES.get(get("stage"))
        values["grade"] = _GRADES.get(get("grade"))
        values["abc_class"] = _CLASSES.get(get("abc_class"))
        last_contact_at = get("last_contact_at")
        values["last_contact"] = (
            LastContact(
                at=last_contact_at,
                kind=_KINDS.get(get("last_contact_kind")),
                summary=get("last_contact_summary"),
            )
            if last_contact_at
            else None
        )
        values["_owner_id"] = row["owner_id"]
        return customer

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        viewer = info.context.viewer
        selection = field_selection(info, "Customer")
        # The ids come together, so they are one statement without a DataLoader (whose
        # batching machinery cost a tenth of a customer read by id).
        wanted = [db_id(i) for i in node_ids]
        keys = list(dict.fromkeys(i for i in wanted if i is not None))
        columns = customer_columns(selection.names)
        read = await visible_customer_rows(viewer, keys, columns) if keys else []
        by_id = {row["id"]: row for row in read}
        rows = [by_id.get(i) if i is not None else None for i in wanted]
        # Opening customers the viewer does not own is recorded (docs/domain.md §9), off the
        # request path (see server/domain/audit/view_log.py).
        opened = [row["id"] for row in rows if row is not None and row["owner_id"] != viewer.id]
        if opened:
            VIEW_LOG.note(viewer, "customer.view", "Customer", opened)
        currency = info.context.currency
        found = [cls.from_row(row, currency) if row else None for row in rows]
        await prefetch(info, [c for c in found if c is not None], selection)
        return found


@strawberry.type(
    description="A person inside a customer company (组织机构): who they are, how to reach them, "
    "and where they stand — decision maker, influence, attitude and ally strength."
)
class Contact(relay.Node):
    id: relay.NodeID[int]
    version: int = d(description="Changes on every update; send it back with your update.")
    name: str = d(description="Full name.")
    role: ContactRole = d(description="Function inside the customer.")
    title: str = d(description="Job title as printed on their card.")
    phone: str = d(description="Phone number.")
    email: str = d(description="Email address.")
    address: str = d(description="Address.")
    birthday: date | None = d(description="Birthday, for greetings.")
    hobbies: str = d(description="Preferences and hobbies (喜好).")
    personality: str = d(description="Personality notes.")
    family_notes: str = d(description="Family notes.")
    introduced_by: str = d(description="Who introduced us to this person.")
    is_decision_maker: bool = d(description="This person decides the purchase.")
    influence: Influence = d(description="Weight of their word in decisions.")
    attitude: Attitude = d(description="Attitude toward us.")
    ally_strength: AllyStrength = d(description="How strongly they are our insider ally.")
    created_at: datetime = d(description="When the contact was added.")
    updated_at: datetime = d(description="When the contact last changed.")
    _customer_id: strawberry.Private[int]

    @strawberry.field(description="True when the contact is an ally of any strength.")
    def is_ally(self) -> bool:
        return self.ally_strength != AllyStrength.NONE

    @strawberry.field(description="The customer this person works for.")
    async def customer(self, info: Info) -> Customer | None:
        return await visible_customer(info, self._customer_id)

    @classmethod
    def from_model(cls, m: models.Contact) -> Contact:
        """From a model a mutation returned."""
        return cls.from_row(model_row(m))

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Contact:
        """From a contact row, whole or with only the columns a query needs: a field whose
        column was not read is never asked for. Built like Customer.from_row, without the
        dataclass constructor (a page of customers brings three times as many contacts)."""
        contact, values = object_of(cls, row)
        get: Callable[[str], Any] = row.get
        values["role"] = _ROLES.get(get("role"))
        values["influence"] = _INFLUENCE.get(get("influence"))
        values["attitude"] = _ATTITUDES.get(get("attitude"))
        values["ally_strength"] = _ALLY.get(get("ally_strength"))
        values["_customer_id"] = row["customer_id"]
        return contact

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        columns = contact_columns(field_selection(info, "Contact").names) or tuple(
            models.Contact._meta.fields_db_projection
        )
        return await nodes_through_customer(
            info, models.Contact, node_ids, cls.from_row, columns=columns
        )


# --- the customer as the other areas hand it back -------------------------------------


def customer_of(info: Info, row: Any) -> Customer:
    """The GraphQL Customer for a customer row (or model) already known to be visible."""
    currency = info.context.currency
    if isinstance(row, dict):
        return Customer.from_row(row, currency)
    return Customer.from_model(row, currency)


async def visible_customer(info: Info, customer_id: int) -> Customer | None:
    """The customer by id through the viewer's visibility (a DataLoader reading the columns
    the query asks of it), or None."""
    row = await customer_loader(info, field_selection(info, "Customer")).load(customer_id)
    return customer_of(info, row) if row else None


async def prefetch_customers(info: Info, customers: list[Any], selection: Selection) -> None:
    """Load what these customers' selected fields need, a whole page at once."""
    await prefetch(info, customers, selection)
