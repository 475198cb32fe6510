"""Money as the API writes it: an exact decimal amount with its currency."""

from __future__ import annotations

from decimal import Decimal
from typing import overload

import strawberry

from server.domain.shared.money import decimal


@strawberry.type(description="An exact amount of money. Never a float.")
class Money:
    amount: Decimal = strawberry.field(
        description='Decimal string with two places, e.g. "12500.00".'
    )
    currency: str = strawberry.field(description="ISO 4217 currency code, e.g. CNY.")


@overload
def money(minor: int, currency: str) -> Money: ...


@overload
def money(minor: int | None, currency: str) -> Money | None: ...


def money(minor: int | None, currency: str) -> Money | None:
    """Integer minor units as the API's exact decimal amount; None stays None."""
    if minor is None:
        return None
    return Money(amount=decimal(minor), currency=currency)
