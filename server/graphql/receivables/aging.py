"""GraphQL types of aging (账龄分析)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry import relay
from strawberry.types import Info

from server.domain.accounts.models import User
from server.domain.customers.models import Customer
from server.domain.receivables import aging
from server.graphql.money import Money, money
from server.graphql.receivables.enums import AgingGroup

d = strawberry.field


@strawberry.type(description="One bucket of days past due.")
class AgingBucket:
    from_days: int | None = d(description="First day past due; null for not yet due.")
    to_days: int | None = d(description="Last day past due; null for the open-ended last.")
    amount: Money = d(description="Owed in it.")


@strawberry.type(description="One group's debts by how long past due.")
class AgingRow:
    id: relay.GlobalID | None = d(
        description="The customer's or person's ID (the team's manager); null for the "
        "company, and for owners without a manager."
    )
    name: str = d(description="The customer's or the person's name; empty for the company.")
    buckets: list[AgingBucket] = d(description="Not yet due first, then by days past due.")
    total: Money = d(description="All that is owed.")
    overdue: Money = d(description="Of that, past due.")
    dso: Decimal | None = d(
        description="Days sales outstanding: owed ÷ debts issued in the 90 days up to the day "
        "× 90, one decimal; null without such debts."
    )


@strawberry.type(description="Aging as of a day (docs/domain.md §6), most overdue first.")
class Aging:
    as_of: date = d(description="The day.")
    group_by: AgingGroup = d(description="How the rows are grouped.")
    edges: list[int] = d(description="The buckets' upper edges in days (a company setting).")
    rows: list[AgingRow] = d(description="The rows, at most the number asked for.")
    row_count: int = d(description="How many rows there are in all.")


def _ranges(edges: list[int]) -> list[tuple[int | None, int | None]]:
    found: list[tuple[int | None, int | None]] = [(None, None)]
    low = 1
    for edge in edges:
        found.append((low, edge))
        low = edge + 1
    found.append((low, None))
    return found


async def build(info: Info, result: aging.Aging, group: aging.AgingGroup, first: int) -> Aging:
    currency = info.context.currency
    ranges = _ranges(result.edges)
    shown = result.rows[:first]
    keys = [r.key for r in shown if r.key is not None]
    if group == aging.AgingGroup.CUSTOMER:
        names = dict(await Customer.filter(id__in=keys).values_list("id", "name"))
        type_name = "Customer"
    else:
        names = dict(await User.filter(id__in=keys).values_list("id", "display_name"))
        type_name = "User"
    rows = [
        AgingRow(
            id=relay.GlobalID(type_name, str(r.key)) if r.key is not None else None,
            name=str(names.get(r.key, "")) if r.key is not None else "",
            buckets=[
                AgingBucket(from_days=low, to_days=high, amount=money(amount, currency))
                for (low, high), amount in zip(ranges, r.buckets, strict=True)
            ],
            total=money(r.total_minor, currency),
            overdue=money(r.overdue_minor, currency),
            dso=r.dso,
        )
        for r in shown
    ]
    return Aging(
        as_of=result.as_of,
        group_by=AgingGroup(group.value),
        edges=result.edges,
        rows=rows,
        row_count=len(result.rows),
    )
