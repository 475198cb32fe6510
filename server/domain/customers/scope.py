"""The customers and contacts a viewer may see: the access rule applied to this area's models."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from server.domain.access.visibility import visible_rows, visible_through_customer
from server.domain.accounts.viewer import Viewer
from server.domain.customers.models import Contact, Customer


async def visible_customers(viewer: Viewer) -> QuerySet[Customer]:
    """The customers the viewer may read: their line's, an admin's all, and granted ones."""
    return await visible_rows(viewer, Customer)


async def visible_contacts(viewer: Viewer) -> QuerySet[Contact]:
    """Contacts of the customers the viewer may read."""
    return await visible_through_customer(viewer, Contact)
