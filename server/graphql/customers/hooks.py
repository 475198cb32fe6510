"""The Customer type's fields that belong to the areas above customers: its timeline,
follow-ups and contact plan (follow-ups), its orders (sales), its complaints and
satisfaction (complaints), its money (receivables).

Those areas import customers (their objects name their customer); customers must not
import them back. So the Customer type declares these fields with lazy type annotations,
and each area provides the field's resolver here when it is imported (`@provides`), as the
domain's order services take the receivables hook. The schema imports every area, and
tests/server/test_house_rules.py checks that every field below is provided, once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

# The fields, by their Python names on Customer.
FIELDS = (
    "interactions",
    "follow_ups",
    "contact_plan",
    "cadence_days",
    "sales_orders",
    "complaints",
    "open_complaint_count",
    "satisfaction_history",
    "account",
)

Resolver = Callable[..., Awaitable[Any]]
_PROVIDED: dict[str, Resolver] = {}


def provides(field: str) -> Callable[[Resolver], Resolver]:
    """Make the decorated function the resolver of this Customer field. It is called with
    the request's `info`, the customer's id, then the field's own arguments."""
    if field not in FIELDS:
        raise ValueError(f"Customer has no field {field!r} to provide")

    def enter(resolver: Resolver) -> Resolver:
        if _PROVIDED.get(field, resolver) is not resolver:
            raise ValueError(f"Customer.{field} is provided twice")
        _PROVIDED[field] = resolver
        return resolver

    return enter


def provided() -> set[str]:
    """The fields whose resolver an area has provided."""
    return set(_PROVIDED)


async def resolve(field: str, *args: Any, **kwargs: Any) -> Any:
    """Resolve a field through the resolver its area provided."""
    return await _PROVIDED[field](*args, **kwargs)
