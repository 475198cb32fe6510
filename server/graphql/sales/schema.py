"""Sales: the class analysis query, and recording orders and recomputing classes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from server.domain.receivables import billing
from server.domain.sales import classes, orders
from server.domain.sales import models as sales_models
from server.graphql.customers.types import visible_customer
from server.graphql.ids import decode_id
from server.graphql.input_values import input_values
from server.graphql.mutations import MutationInput, Payload, mutate
from server.graphql.sales.resolvers import class_analysis
from server.graphql.sales.types import ClassAnalysis, CustomerType, SalesOrder

d = strawberry.field


@strawberry.type
class SalesQuery:
    @strawberry.field(
        description="The latest ABC analysis; null before the first computation and for "
        "anyone but managers and administrators."
    )
    async def customer_class_analysis(self, info: Info) -> ClassAnalysis | None:
        return await class_analysis(info)


@strawberry.input(description="One line of a new order.")
class SalesOrderLineInput:
    product: str = d(description="The product, ≤200 characters.")
    quantity: int = d(description="How many, ≥ 1.")
    unit_price: Decimal = d(description="Price of one, decimal string ≥ 0, two places at most.")


@strawberry.input(description="A sales order to record.")
class SalesOrderCreateInput:
    customer_id: relay.GlobalID = d(description="The customer; one you may change.")
    ordered_on: date = d(description="The order date; not in the future.")
    lines: list[SalesOrderLineInput] = d(description="1–500 lines.")
    external_ref: str | None = d(
        default=None,
        description="The order's number in your system, ≤100 characters. Sending it again "
        "for the same customer returns the order already recorded.",
    )
    note: str | None = d(default=None, description="A note, ≤500 characters.")
    credit_override_reason: str | None = d(
        default=None,
        description="Why the order may go past the customer's credit hold or credit limit: "
        "only a manager over the customer may send it (audited). Without it such an order "
        "is refused with a userError on this field.",
    )


@strawberry.type(description="Result of salesOrderCreate.")
class SalesOrderCreatePayload(Payload):
    sales_order: SalesOrder | None = d(default=None, description="The order.")
    created: bool = d(
        default=False, description="False when the external reference was already recorded."
    )
    customer: CustomerType | None = d(
        default=None, description="The customer, with its VIP status updated."
    )


@strawberry.input(description="Which sales period to classify.")
class CustomerClassesRecomputeInput:
    period_end: date | None = d(default=None, description="Last day; today when omitted.")
    months: int | None = d(
        default=None, description="Length in months, 1–120; the company setting when omitted."
    )


@strawberry.type(description="Result of customerClassesRecompute.")
class CustomerClassesRecomputePayload(Payload):
    analysis: ClassAnalysis | None = d(default=None, description="The new analysis.")
    scheduled_follow_ups: int = d(
        default=0,
        description="Class-service follow-ups newly scheduled (leadership visits, visits, "
        "inquiry letters).",
    )
    withdrawn_follow_ups: int = d(
        default=0, description="Open class-service follow-ups skipped because the class changed."
    )


@strawberry.type
class SalesMutation:
    @strawberry.mutation(
        description="Record a sales order. The customer becomes won if it was a prospect or "
        "in negotiation, and VIP when the order meets the VIP rule."
    )
    async def sales_order_create(
        self,
        info: Info,
        input: MutationInput[SalesOrderCreateInput],
    ) -> SalesOrderCreatePayload:
        async def recorded(result: tuple[sales_models.SalesOrder, bool]) -> SalesOrderCreatePayload:
            order, created = result
            return SalesOrderCreatePayload(
                sales_order=SalesOrder.from_model(order, info.context.currency),
                created=created,
                customer=await visible_customer(info, order.customer_id),
            )

        return await mutate(
            SalesOrderCreatePayload,
            lambda: orders.create_order(
                info.context.viewer,
                decode_id(input.customer_id, "Customer", "customer_id"),
                input.ordered_on,
                [input_values(line) for line in input.lines],
                {
                    k: v
                    for k, v in (("external_ref", input.external_ref), ("note", input.note))
                    if v is not None
                },
                on_recorded=billing.checked_billing(
                    info.context.viewer, input.credit_override_reason
                ),
            ),
            recorded,
        )

    @strawberry.mutation(
        description="Recompute every customer's ABC class from sales over the period, then "
        "schedule or withdraw class-service follow-ups (managers and administrators)."
    )
    async def customer_classes_recompute(
        self,
        info: Info,
        input: Annotated[
            CustomerClassesRecomputeInput | None,
            strawberry.argument(description="The period; the company setting when omitted."),
        ] = None,
    ) -> CustomerClassesRecomputePayload:
        async def recomputed(result: classes.Recomputed) -> CustomerClassesRecomputePayload:
            return CustomerClassesRecomputePayload(
                analysis=await class_analysis(info),
                scheduled_follow_ups=result.service.scheduled,
                withdrawn_follow_ups=result.service.withdrawn,
            )

        return await mutate(
            CustomerClassesRecomputePayload,
            lambda: classes.recompute_classes(
                info.context.viewer,
                input.period_end if input else None,
                input.months if input else None,
            ),
            recomputed,
        )


# This area's root parts, joined into Query and Mutation (server/areas.py).
QUERY = SalesQuery
MUTATION = SalesMutation
