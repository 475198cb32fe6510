"""What the receivables area answers for the Customer type, provided through
customers/hooks.py: the customer's money (the money tab)."""

from __future__ import annotations

from strawberry.types import Info

from server.graphql.customers import hooks
from server.graphql.receivables.account import CustomerAccount, account_of


@hooks.provides("account")
async def customer_account(info: Info, customer_id: int) -> CustomerAccount | None:
    """Customer.account: null when the viewer may not read the customer's money."""
    return await account_of(info, customer_id)
