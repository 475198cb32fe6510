"""Customer objects for the other areas' types (follow-ups, orders, rankings).

The Customer type itself reaches into those areas (its timeline, follow-ups and orders), so
they import it lazily through these functions instead of at module level.
"""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from server.graphql.common import Selection, field_selection


def customer_of(info: Info, row: Any) -> Any:
    """The GraphQL Customer for a customer row (or model) already known to be visible."""
    from server.graphql.customers.types import Customer

    currency = info.context.currency
    if isinstance(row, dict):
        return Customer.from_row(row, currency)
    return Customer.from_model(row, currency)


async def visible_customer(info: Info, customer_id: int) -> Any:
    """The customer by id through the viewer's visibility (a DataLoader reading the columns
    the query asks of it), or None."""
    from server.graphql.customers.types import customer_loader

    row = await customer_loader(info, field_selection(info, "Customer")).load(customer_id)
    return customer_of(info, row) if row else None


async def prefetch_customers(info: Info, customers: list[Any], selection: Selection) -> None:
    """Load what these customers' selected fields need, a whole page at once."""
    from server.graphql.customers.types import prefetch

    await prefetch(info, customers, selection)
