"""Sales orders and the ABC analysis as the API shows them: orders and their lines, the
classes against the ideal mix, and the Pareto ranking (docs/domain.md §4)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from server.domain.sales import classes
from server.domain.sales import models as sales_models
from server.domain.shared.errors import DomainError
from server.graphql.connections import (
    After,
    Connection,
    First,
    connection,
    nodes_through_customer,
    page_args,
)
from server.graphql.customers.enums import AbcClass
from server.graphql.customers.types import Customer, visible_customer
from server.graphql.errors import argument_error
from server.graphql.money import Money, money
from server.graphql.projection import columns_or_all, model_row, object_of
from server.graphql.sales import loaders as sales_loaders
from server.graphql.selection import field_selection

CustomerType = Annotated["Customer", strawberry.lazy("server.graphql.customers.types")]
d = strawberry.field


@strawberry.type(description="One line of a sales order.")
class SalesOrderLine:
    line_no: int = d(description="1 for the first line.")
    product: str = d(description="The product.")
    quantity: int = d(description="How many.")
    unit_price: Money = d(description="Price of one.")
    amount: Money = d(description="quantity × unit price.")

    @classmethod
    def from_model(cls, m: sales_models.SalesOrderLine, currency: str) -> SalesOrderLine:
        return cls(
            line_no=m.line_no,
            product=m.product,
            quantity=m.quantity,
            unit_price=money(m.unit_price_minor, currency),
            amount=money(m.amount_minor, currency),
        )


@strawberry.type(description="A sales order of a customer. Visible to whoever sees the customer.")
class SalesOrder(relay.Node):
    id: relay.NodeID[int]
    ordered_on: date = d(description="The order date.")
    external_ref: str | None = d(
        description="The order's number in the system it came from; unique."
    )
    total: Money = d(description="The sum of the lines.")
    note: str = d(description="A note.")
    created_at: datetime = d(description="When it was recorded.")
    _customer_id: strawberry.Private[int]
    _currency: strawberry.Private[str]

    @strawberry.field(description="The lines, in order.")
    async def lines(self, info: Info) -> list[SalesOrderLine]:
        rows = await info.context.loader(sales_loaders.order_lines).load(self.id)
        return [SalesOrderLine.from_model(r, self._currency) for r in rows]

    @strawberry.field(description="The customer who ordered.")
    async def customer(self, info: Info) -> CustomerType | None:
        return await visible_customer(info, self._customer_id)

    @classmethod
    def from_model(cls, m: sales_models.SalesOrder, currency: str) -> SalesOrder:
        return cls.from_row(model_row(m), currency)

    @classmethod
    def from_row(cls, row: Mapping[str, Any], currency: str) -> SalesOrder:
        """From an order row, whole or with only the columns a query needs
        (`order_columns`): a field whose column was not read is never asked for."""
        order, values = object_of(cls, row)
        values["total"] = money(row.get("total_minor"), currency)
        values["_customer_id"] = row["customer_id"]
        values["_currency"] = currency
        return order

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        currency = info.context.currency
        columns = order_columns(field_selection(info, "SalesOrder").names)
        return await nodes_through_customer(
            info,
            sales_models.SalesOrder,
            node_ids,
            lambda row: cls.from_row(row, currency),
            columns=columns,
        )


_ORDER_DERIVED: dict[str, tuple[str, ...]] = {"total": ("total_minor",), "lines": ()}


def order_columns(wanted: set[str]) -> tuple[str, ...]:
    """The order columns these GraphQL fields need (all, for a field not known)."""
    return columns_or_all(
        sales_models.SalesOrder, wanted, always=("id", "customer_id"), derived=_ORDER_DERIVED
    )


@strawberry.type(description="One class in the analysis, against the ideal mix.")
class ClassShare:
    abc_class: AbcClass = d(description="The class.")
    customer_count: int = d(description="Customers in the class.")
    customer_percent: Decimal = d(description="Their share of ranked customers, in percent.")
    ideal_customer_percent: Decimal = d(
        description="The ideal share of customers (seed 001): A 20, B 40, C 40."
    )
    sales: Money = d(description="The class's sales in the period.")
    sales_percent: Decimal = d(description="The class's share of sales, in percent.")
    ideal_sales_percent: Decimal = d(
        description="The share of sales the class holds in the ideal mix (seed 001), which "
        "the thresholds define: A `aPercent` (70), B `bPercent − aPercent` (25), C "
        "`100 − bPercent` (5)."
    )
    common_customer_percent: Decimal = d(
        description="Second reference, another common split (seed 004): the share of "
        "customers, A 10, B 20, C 70."
    )
    common_sales_percent: Decimal = d(
        description="Second reference (seed 004): the share of sales, A 70, B 20, C 10."
    )


@strawberry.type(description="A customer's place in the Pareto list.")
class ParetoRow:
    rank: int = d(description="1 for the customer with the most sales.")
    customer: CustomerType = d(description="The customer.")
    sales: Money = d(description="Sales in the period.")
    share_percent: Decimal = d(description="Share of all sales, in percent.")
    cumulative_percent: Decimal = d(
        description="Cumulative share of sales down to this customer, in percent."
    )
    abc_class: AbcClass = d(description="The class it falls in.")
    _id: strawberry.Private[int]


@strawberry.type(
    description="The latest ABC analysis (客户分析): the mix of classes against the ideal "
    "(seed 001: customers 20/40/40 holding sales 70/25/5) and a second common split "
    "(seed 004: customers 10/20/70 holding sales 70/20/10), and the ranked Pareto list."
)
class ClassAnalysis:
    period_start: date = d(description="First day of the sales period.")
    period_end: date = d(description="Last day of the sales period.")
    a_percent: int = d(
        description="Class A threshold of cumulative sales used, in percent. Customers are "
        "ranked by sales, best first; a customer is class A when the sales of those ranked "
        "above it are below this share of the total, so the customer that reaches or "
        "crosses the threshold is still A (with one customer holding 90% of sales, the "
        "company still has an A class). Equal sales rank by customer id."
    )
    b_percent: int = d(
        description="Class B threshold of cumulative sales used, in percent: class B when "
        "the sales ranked above are at least `aPercent` and below this share; class C "
        "after. Customers without sales in the period are not classed."
    )
    total_sales: Money = d(description="All sales in the period.")
    ranked_customers: int = d(description="Customers with sales in the period.")
    computed_at: datetime = d(description="When it was computed.")
    classes: list[ClassShare] = d(description="A, B and C with their counts and shares.")
    _total_minor: strawberry.Private[int]

    @strawberry.field(
        description="Customers ranked by sales, best first; only those visible to you, with "
        "company-wide shares."
    )
    async def ranking(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[ParetoRow]:
        try:
            page = await classes.ranking_page(
                info.context.viewer, page_args(first, after, None, None)
            )
        except DomainError as exc:
            raise argument_error(exc) from None
        currency = info.context.currency
        total = self._total_minor

        def row(m: sales_models.AbcRanking) -> ParetoRow:
            return ParetoRow(
                rank=m.rank,
                customer=Customer.from_model(m.customer, currency),
                sales=money(m.sales_minor, currency),
                share_percent=classes.percent(m.sales_minor, total),
                cumulative_percent=classes.percent(m.cumulative_minor, total),
                abc_class=AbcClass(m.abc_class.value),
                _id=m.id,
            )

        return connection(page, row)
