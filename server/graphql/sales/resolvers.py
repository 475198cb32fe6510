"""What the sales area answers beyond its types: a customer's orders (a Customer field,
provided through customers/hooks.py) and the latest class analysis."""

from __future__ import annotations

from decimal import Decimal

from strawberry.types import Info

from server.domain.sales import classes, orders
from server.domain.shared.errors import DomainError
from server.graphql.connections import (
    Connection,
    connection,
    page_args,
)
from server.graphql.customers import hooks
from server.graphql.customers.enums import AbcClass
from server.graphql.errors import argument_error
from server.graphql.money import money
from server.graphql.sales.types import (
    ClassAnalysis,
    ClassShare,
    SalesOrder,
    order_columns,
)
from server.graphql.selection import nodes_selection


@hooks.provides("sales_orders")
async def customer_orders(
    info: Info,
    customer_id: int,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[SalesOrder]:
    """Customer.salesOrders: the customer's orders, newest first."""
    columns = order_columns(nodes_selection(info).names)
    try:
        page = await orders.order_page(customer_id, page_args(first, after, last, before), columns)
    except DomainError as exc:
        raise argument_error(exc) from None
    currency = info.context.currency
    return connection(page, lambda row: SalesOrder.from_row(row, currency))


async def class_analysis(info: Info) -> ClassAnalysis | None:
    """The latest ABC analysis, for managers and administrators; None otherwise."""
    found = await classes.latest_analysis(info.context.viewer)
    if found is None:
        return None
    currency = info.context.currency
    run = found.run
    ranked = sum(c.customers for c in found.classes)
    return ClassAnalysis(
        period_start=run.period_start,
        period_end=run.period_end,
        a_percent=run.a_percent,
        b_percent=run.b_percent,
        total_sales=money(run.total_minor, currency),
        ranked_customers=run.ranked_customers,
        computed_at=run.computed_at,
        classes=[
            ClassShare(
                abc_class=AbcClass(c.abc_class.value),
                customer_count=c.customers,
                customer_percent=classes.percent(c.customers, ranked),
                ideal_customer_percent=Decimal(c.ideal_customer_percent),
                sales=money(c.sales_minor, currency),
                sales_percent=classes.percent(c.sales_minor, run.total_minor),
                ideal_sales_percent=Decimal(
                    classes.ideal_sales_percent(c.abc_class, run.a_percent, run.b_percent)
                ),
                common_customer_percent=Decimal(classes.COMMON_SPLIT[c.abc_class][0]),
                common_sales_percent=Decimal(classes.COMMON_SPLIT[c.abc_class][1]),
            )
            for c in found.classes
        ],
        _total_minor=run.total_minor,
    )
