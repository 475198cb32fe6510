"""The per-request context: who is asking, the request id, and this request's DataLoaders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from server.domain.access.visibility import visible_customers
from server.domain.accounts.models import Department, User
from server.domain.accounts.viewer import Viewer
from server.domain.customers.models import Contact, Customer, CustomerTag
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


@dataclass
class Loaders:
    viewer: Viewer
    users: DataLoader[int, User | None] = field(init=False)
    departments: DataLoader[int, Department | None] = field(init=False)
    contacts_by_customer: DataLoader[int, list[Contact]] = field(init=False)
    tags_by_customer: DataLoader[int, list[str]] = field(init=False)
    visible_customers: DataLoader[int, Customer | None] = field(init=False)

    def __post_init__(self) -> None:
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
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.viewer)

    @property
    def request_id(self) -> str:
        return self.viewer.request_id
