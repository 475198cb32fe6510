"""DataLoaders of the customer area: visible customers, their contacts and their tags."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from server.domain.accounts.viewer import Viewer
from server.domain.customers.models import Contact, Customer, CustomerTag
from server.domain.customers.scope import visible_customers as visible_query


def visible_customers(viewer: Viewer) -> DataLoader[int, Customer | None]:
    """Customers by id, None for those missing or hidden from this viewer."""

    async def load(ids: Sequence[int]) -> list[Customer | None]:
        query = await visible_query(viewer)
        found = {c.id: c for c in await query.filter(id__in=list(ids))}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


async def _contacts(customer_ids: Sequence[int]) -> list[list[Contact]]:
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


def contacts_by_customer(viewer: Viewer) -> DataLoader[int, list[Contact]]:
    """A customer's contacts by name. Keyed only by customers already shown to the viewer."""
    return DataLoader(load_fn=_contacts)


def tags_by_customer(viewer: Viewer) -> DataLoader[int, list[str]]:
    """A customer's tags, sorted. Keyed only by customers already shown to the viewer."""
    return DataLoader(load_fn=_tags)


def contacts_by_id(viewer: Viewer) -> DataLoader[int, Contact | None]:
    """Contacts by id, keyed by ids read off rows reached through a visible customer."""
    return DataLoader(load_fn=_contacts_by_id)
