"""The per-request context: who is asking, the request id, and this request's DataLoaders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from server.domain.access.models import AccessGrant
from server.domain.access.visibility import visible_customers
from server.domain.accounts.models import Department, User
from server.domain.accounts.viewer import Viewer
from server.domain.customers.models import Contact, Customer, CustomerTag
from server.domain.followups.models import (
    ContactPlan,
    Interaction,
    InteractionContact,
    InteractionParticipant,
)
from server.domain.sales.models import SalesOrderLine
from server.settings import Settings


async def _users(ids: Sequence[int]) -> list[User | None]:
    found = {u.id: u for u in await User.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


async def _departments(ids: Sequence[int]) -> list[Department | None]:
    found = {d.id: d for d in await Department.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


async def _contacts(customer_ids: Sequence[int]) -> list[list[Contact]]:
    # Only ever asked for customers already shown to the viewer, so already visible.
    grouped: dict[int, list[Contact]] = defaultdict(list)
    for contact in await Contact.filter(customer_id__in=list(customer_ids)).order_by("name", "id"):
        grouped[contact.customer_id].append(contact)
    return [grouped.get(i, []) for i in customer_ids]


async def _tags(customer_ids: Sequence[int]) -> list[list[str]]:
    grouped: dict[int, list[str]] = defaultdict(list)
    rows = await CustomerTag.filter(customer_id__in=list(customer_ids)).order_by("tag")
    for row in rows:
        grouped[row.customer_id].append(row.tag)
    return [grouped.get(i, []) for i in customer_ids]


async def _contacts_by_id(ids: Sequence[int]) -> list[Contact | None]:
    found = {c.id: c for c in await Contact.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


async def _participants(interaction_ids: Sequence[int]) -> list[list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    rows = await InteractionParticipant.filter(interaction_id__in=list(interaction_ids)).order_by(
        "id"
    )
    for row in rows:
        grouped[row.interaction_id].append(row.user_id)
    return [grouped.get(i, []) for i in interaction_ids]


async def _present(interaction_ids: Sequence[int]) -> list[list[InteractionContact]]:
    grouped: dict[int, list[InteractionContact]] = defaultdict(list)
    rows = await InteractionContact.filter(interaction_id__in=list(interaction_ids)).order_by("id")
    for row in rows:
        grouped[row.interaction_id].append(row)
    return [grouped.get(i, []) for i in interaction_ids]


async def _plans(customer_ids: Sequence[int]) -> list[ContactPlan | None]:
    found = {p.customer_id: p for p in await ContactPlan.filter(customer_id__in=list(customer_ids))}
    return [found.get(i) for i in customer_ids]


async def _interactions(ids: Sequence[int]) -> list[Interaction | None]:
    found = {i.id: i for i in await Interaction.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


async def _grants(request_ids: Sequence[int]) -> list[AccessGrant | None]:
    # Keyed by requests the viewer may already read; the customer is checked on its own.
    found = {
        g.request_id: g
        for g in await AccessGrant.filter(request_id__in=list(request_ids)).order_by("id")
    }
    return [found.get(i) for i in request_ids]


async def _order_lines(order_ids: Sequence[int]) -> list[list[SalesOrderLine]]:
    grouped: dict[int, list[SalesOrderLine]] = defaultdict(list)
    rows = await SalesOrderLine.filter(order_id__in=list(order_ids)).order_by("order_id", "line_no")
    for row in rows:
        grouped[row.order_id].append(row)
    return [grouped.get(i, []) for i in order_ids]


@dataclass
class Loaders:
    viewer: Viewer
    users: DataLoader[int, User | None] = field(init=False)
    departments: DataLoader[int, Department | None] = field(init=False)
    contacts_by_customer: DataLoader[int, list[Contact]] = field(init=False)
    tags_by_customer: DataLoader[int, list[str]] = field(init=False)
    visible_customers: DataLoader[int, Customer | None] = field(init=False)
    # Keyed by rows the viewer already reached through a visible customer.
    contacts_by_id: DataLoader[int, Contact | None] = field(init=False)
    participants: DataLoader[int, list[int]] = field(init=False)
    contacts_present: DataLoader[int, list[InteractionContact]] = field(init=False)
    contact_plans: DataLoader[int, ContactPlan | None] = field(init=False)
    # Keyed by ids read off a visible follow-up (the interaction that answered it) or a
    # visible order (its lines): visible through the same customer.
    interactions_by_id: DataLoader[int, Interaction | None] = field(init=False)
    order_lines: DataLoader[int, list[SalesOrderLine]] = field(init=False)
    grants_by_request: DataLoader[int, AccessGrant | None] = field(init=False)

    def __post_init__(self) -> None:
        self.contacts_by_id = DataLoader(load_fn=_contacts_by_id)
        self.participants = DataLoader(load_fn=_participants)
        self.contacts_present = DataLoader(load_fn=_present)
        self.contact_plans = DataLoader(load_fn=_plans)
        self.interactions_by_id = DataLoader(load_fn=_interactions)
        self.order_lines = DataLoader(load_fn=_order_lines)
        self.grants_by_request = DataLoader(load_fn=_grants)
        self.users = DataLoader(load_fn=_users)
        self.departments = DataLoader(load_fn=_departments)
        self.contacts_by_customer = DataLoader(load_fn=_contacts)
        self.tags_by_customer = DataLoader(load_fn=_tags)
        self.visible_customers = DataLoader(load_fn=self._visible_customers)

    async def _visible_customers(self, ids: Sequence[int]) -> list[Customer | None]:
        query = await visible_customers(self.viewer)
        found = {c.id: c for c in await query.filter(id__in=list(ids))}
        return [found.get(i) for i in ids]


@dataclass
class Context:
    viewer: Viewer
    settings: Settings
    # The raw bearer token, kept so `logout` can revoke exactly this one.
    token: str | None = None
    # The client's address (the proxy's X-Forwarded-For when the proxy is trusted, see
    # CRM_FORWARDED_ALLOW_IPS): login failures are counted per address.
    client_address: str = "unknown"
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.viewer)

    @property
    def request_id(self) -> str:
        return self.viewer.request_id
