"""Customer objects for the other areas' types (follow-ups, orders, rankings).

The Customer type itself reaches into those areas (its timeline, follow-ups and orders), so
they import it lazily through these two functions instead of at module level.
"""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from server.graphql.customers import loaders as customers_loaders


def customer_of(info: Info, model: Any) -> Any:
    """The GraphQL Customer for a customer row already known to be visible."""
    from server.graphql.customers.types import Customer

    return Customer.from_model(model, info.context.settings.currency)


async def visible_customer(info: Info, customer_id: int) -> Any:
    """The customer by id through the viewer's visibility (the DataLoader), or None."""
    m = await info.context.loader(customers_loaders.visible_customers).load(customer_id)
    return customer_of(info, m) if m else None


async def prefetch_customers(info: Info, customers: list[Any], wanted: set[str]) -> None:
    """Load what these customers' selected fields need, a whole page at once."""
    from server.graphql.customers.types import prefetch

    await prefetch(info, customers, wanted)
