"""Pages of debts and payments, as far as the viewer reads them: the company's lists and
one customer's (its account)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from strawberry.types import Info

from server.domain.company.services import today
from server.domain.receivables.scope import (
    visible_payments,
    visible_receivables,
)
from server.domain.shared.errors import DomainError
from server.domain.shared.paging import DATE, SortKey, paginate
from server.graphql.connections import Connection, connection, page_args
from server.graphql.errors import argument_error
from server.graphql.receivables.types import Payment, Receivable
from server.graphql.rules import company_rules

DUE_FIRST = SortKey("due_on", decode=DATE)
NEWEST_RECEIVED_FIRST = SortKey("received_on", descending=True, decode=DATE)


def _same(built: list[Any]) -> Callable[[Any], Any]:
    """The converter for `connection` that hands back objects already built, in order."""
    items = iter(built)
    return lambda _: next(items)


async def receivables_of(
    info: Info,
    customer_id: int | None,
    first: int | None,
    after: str | None,
    *,
    open_only: bool = False,
    overdue_only: bool = False,
) -> Connection[Receivable]:
    query = await visible_receivables(info.context.viewer)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    if open_only or overdue_only:
        query = query.filter(open_minor__gt=0)
    if overdue_only:
        query = query.filter(due_on__lt=today(await company_rules(info)))
    try:
        page = await paginate(query, DUE_FIRST, page_args(first, after, None, None))
    except DomainError as exc:
        raise argument_error(exc) from None
    built = await Receivable.build(info, list(page.items))
    return connection(page, _same(built))


async def payments_of(
    info: Info, customer_id: int | None, first: int | None, after: str | None
) -> Connection[Payment]:
    query = await visible_payments(info.context.viewer)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    try:
        page = await paginate(query, NEWEST_RECEIVED_FIRST, page_args(first, after, None, None))
    except DomainError as exc:
        raise argument_error(exc) from None
    built = await Payment.build(info, list(page.items))
    return connection(page, _same(built))
