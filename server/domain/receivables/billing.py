"""Orders become debts: the hooks the order services run inside an order's transaction."""

from __future__ import annotations

from server.domain.accounts.viewer import Viewer
from server.domain.company.services import company_settings
from server.domain.customers.models import Customer
from server.domain.receivables.holds import check_order
from server.domain.receivables.services import receivable_for_order
from server.domain.sales.models import SalesOrder
from server.domain.sales.orders import OrderHook


async def bill_order(order: SalesOrder) -> None:
    """Record what the customer owes for an order just written (sales.orders.OrderHook),
    when the company bills orders this way. Imports use it as it is: their orders were
    agreed elsewhere (an ERP) and are recorded, not refused."""
    settings = await company_settings()
    customer = await Customer.get(id=order.customer_id)
    await receivable_for_order(order, customer, settings, order.created_by_id)


def checked_billing(viewer: Viewer, override_reason: str | None) -> OrderHook:
    """The hook for an order a person records: refused on a credit hold or past the credit
    limit (unless a manager lets it through with a reason), then billed."""

    async def hook(order: SalesOrder) -> None:
        await check_order(viewer, order, override_reason)
        await bill_order(order)

    return hook
