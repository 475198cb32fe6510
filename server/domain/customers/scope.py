"""The customers and contacts a viewer may see: the access rule applied to this area's models."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from tortoise.queryset import QuerySet

from server.domain.access.visibility import (
    customer_condition,
    visible_rows,
    visible_through_customer,
)
from server.domain.accounts.viewer import Viewer
from server.domain.customers.models import Contact, Customer
from server.domain.shared.rows import params_for, rows


async def visible_customers(viewer: Viewer) -> QuerySet[Customer]:
    """The customers the viewer may read: their line's, an admin's all, and granted ones."""
    return await visible_rows(viewer, Customer)


async def visible_contacts(viewer: Viewer) -> QuerySet[Contact]:
    """Contacts of the customers the viewer may read."""
    return await visible_through_customer(viewer, Contact)


async def visible_customer_rows(
    viewer: Viewer, ids: Collection[int], columns: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Rows (these columns, or all) of the customers among `ids` the viewer may read, in
    one statement written as SQL: the hottest read there is (shared/rows.py)."""
    params = params_for(Customer)
    where = f'"id" {params.among(ids)}'
    condition = await customer_condition(viewer, params)
    if condition is not None:
        where += f" AND {condition}"
    wanted = columns or tuple(Customer._meta.fields_db_projection)
    return await rows(Customer, wanted, where, params)
