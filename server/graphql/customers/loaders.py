"""DataLoaders of the customer area: visible customers, their contacts and their tags."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from server.domain.accounts.viewer import Viewer
from server.domain.customers.models import Contact, Customer, CustomerTag
from server.domain.customers.scope import visible_customers as visible_query
from server.graphql.batch import by_id, grouped


def visible_customers(viewer: Viewer) -> DataLoader[int, Customer | None]:
    """Customers by id, None for those missing or hidden from this viewer."""

    async def load(ids: Sequence[int]) -> list[Customer | None]:
        query = await visible_query(viewer)
        found = {c.id: c for c in await query.filter(id__in=list(ids))}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def contacts_by_customer(viewer: Viewer) -> DataLoader[int, list[Contact]]:
    """A customer's contacts by name. Keyed only by customers already shown to the viewer."""
    return DataLoader(load_fn=grouped(Contact, "customer_id", "name", "id"))


def tags_by_customer(viewer: Viewer) -> DataLoader[int, list[str]]:
    """A customer's tags, sorted. Keyed only by customers already shown to the viewer."""
    rows = grouped(CustomerTag, "customer_id", "tag")

    async def load(ids: Sequence[int]) -> list[list[str]]:
        return [[row.tag for row in group] for group in await rows(ids)]

    return DataLoader(load_fn=load)


def contacts_by_id(viewer: Viewer) -> DataLoader[int, Contact | None]:
    """Contacts by id, keyed by ids read off rows reached through a visible customer."""
    return DataLoader(load_fn=by_id(Contact))
