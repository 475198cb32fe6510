"""What the complaints area answers beyond its types: pages of complaints in an order, the
complaints escalated into a person's queue (the queue's `overdueComplaints`), and the
Customer fields it provides through customers/hooks.py (its complaints, how many are open,
its satisfaction over time)."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from server.domain.complaints import queries
from server.domain.complaints.satisfaction import satisfaction_history
from server.domain.shared.errors import DomainError
from server.domain.shared.paging import DATETIME, SortKey, paginate
from server.graphql.complaints import loaders as complaint_loaders
from server.graphql.complaints.enums import SatisfactionSource
from server.graphql.complaints.types import Complaint, SatisfactionPoint, complaint_columns
from server.graphql.connections import Connection, connection, page_args
from server.graphql.customers import hooks
from server.graphql.errors import argument_error
from server.graphql.selection import nodes_selection

NEWEST_FIRST = SortKey("received_at", descending=True, decode=DATETIME)
MOST_URGENT_FIRST = SortKey("step_due_at", decode=DATETIME)
LATEST_CLOSED_FIRST = SortKey("closed_at", descending=True, decode=DATETIME)


async def complaint_page(info: Info, query: Any, sort: SortKey, args: Any) -> Connection[Complaint]:
    """A page of these complaints in this order, with the columns the query asks for."""
    columns = complaint_columns(nodes_selection(info).names)
    currency = info.context.currency
    try:
        page = await paginate(query, sort, args, columns=columns)
    except DomainError as exc:
        raise argument_error(exc) from None
    return connection(page, lambda row: Complaint.from_row(row, currency))


async def escalated(
    info: Info, user_id: int, first: int | None, after: str | None
) -> Connection[Complaint]:
    """The overdue complaints escalated into this user's follow-up queue (the queue's
    `overdueComplaints`)."""
    query = await queries.escalated_to(info.context.viewer, user_id)
    return await complaint_page(info, query, MOST_URGENT_FIRST, page_args(first, after, None, None))


@hooks.provides("complaints")
async def customer_complaints(
    info: Info, customer_id: int, open_only: bool, first: int | None, after: str | None
) -> Connection[Complaint]:
    """A customer's complaints (the customer's `complaints`), as far as the viewer reads them."""
    query = await queries.filtered_complaints(
        info.context.viewer,
        queries.ComplaintFilter(customer_id=customer_id, open_only=open_only),
    )
    return await complaint_page(info, query, NEWEST_FIRST, page_args(first, after, None, None))


@hooks.provides("open_complaint_count")
async def open_complaint_count(info: Info, customer_id: int) -> int:
    """Customer.openComplaintCount, batched over a page of customers."""
    return await info.context.loader(complaint_loaders.open_counts).load(customer_id)


@hooks.provides("satisfaction_history")
async def customer_satisfaction(info: Info, customer_id: int) -> list[SatisfactionPoint]:
    """Customer.satisfactionHistory: the scores at contacts and complaint closings."""
    return [
        SatisfactionPoint(at=p.at, score=p.score, source=SatisfactionSource(p.source.value))
        for p in await satisfaction_history(customer_id)
    ]
