"""DataLoaders of the customer area: visible customers, their contacts and their tags.

Customers and contacts come as plain rows (dicts) of the columns a query asks for; each
distinct set of columns is a loader of its own (`Context.loader(factory, columns)`).
"""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from server.domain.accounts.viewer import Viewer
from server.domain.customers.models import Contact, CustomerTag
from server.domain.customers.scope import visible_customer_rows
from server.graphql.batch import Row, by_id, grouped, grouped_rows

Columns = tuple[str, ...] | None


def visible_customers(viewer: Viewer, columns: Columns = None) -> DataLoader[int, Row | None]:
    """Customer rows by id (these columns, or all), None for those missing or hidden from
    this viewer."""

    async def load(ids: Sequence[int]) -> list[Row | None]:
        found = {row["id"]: row for row in await visible_customer_rows(viewer, ids, columns)}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def contacts_by_customer(viewer: Viewer, columns: Columns = None) -> DataLoader[int, list[Row]]:
    """A customer's contacts by name, as rows of these columns (or all). Keyed only by
    customers already shown to the viewer."""
    wanted = columns or tuple(Contact._meta.fields_db_projection)
    return DataLoader(load_fn=grouped_rows(Contact, "customer_id", wanted, "name", "id"))


def tags_by_customer(viewer: Viewer) -> DataLoader[int, list[str]]:
    """A customer's tags, sorted. Keyed only by customers already shown to the viewer."""
    rows = grouped(CustomerTag, "customer_id", "tag")

    async def load(ids: Sequence[int]) -> list[list[str]]:
        return [[row.tag for row in group] for group in await rows(ids)]

    return DataLoader(load_fn=load)


def contacts_by_id(viewer: Viewer) -> DataLoader[int, Contact | None]:
    """Contacts by id, keyed by ids read off rows reached through a visible customer."""
    return DataLoader(load_fn=by_id(Contact))
