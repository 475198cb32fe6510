"""DataLoaders of the complaints area. Each is keyed only by ids read off complaints the
viewer may read (visible_complaints), which is what lets them read the customer facts a
complaint needs without the customer's own visibility rule (complaints/scope.py)."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader
from tortoise.functions import Count

from server.domain.accounts.viewer import Viewer
from server.domain.complaints.models import OPEN_STEPS, Complaint, ComplaintEvidence, ComplaintLine
from server.domain.customers.models import Contact
from server.domain.sales.models import SalesOrder, SalesOrderLine
from server.domain.workflow.models import StepEvent
from server.graphql.batch import Row, by_id, grouped, grouped_rows

# What a complaint's handler sees of the customer's people: how to reach them, no more.
CONTACT_FACTS = ("id", "name", "title", "phone", "email")


def contact_facts(viewer: Viewer) -> DataLoader[int, list[Row]]:
    """A complaint's customer's contacts, by name, as CONTACT_FACTS."""
    return DataLoader(load_fn=grouped_rows(Contact, "customer_id", CONTACT_FACTS, "name", "id"))


def contact_fact(viewer: Viewer) -> DataLoader[int, Row | None]:
    """The contact who complained, as CONTACT_FACTS."""

    async def load(ids: Sequence[int]) -> list[Row | None]:
        rows = await Contact.filter(id__in=list(ids)).values(*CONTACT_FACTS)
        found = {row["id"]: row for row in rows}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def orders(viewer: Viewer) -> DataLoader[int, SalesOrder | None]:
    """The order a complaint concerns."""
    return DataLoader(load_fn=by_id(SalesOrder))


def lines(viewer: Viewer) -> DataLoader[int, list[SalesOrderLine]]:
    """The order lines a complaint concerns, in the order's order."""
    concerned = grouped(ComplaintLine, "complaint_id", "id")

    async def load(ids: Sequence[int]) -> list[list[SalesOrderLine]]:
        groups = await concerned(ids)
        wanted = [link.order_line_id for group in groups for link in group]
        found = {line.id: line for line in await SalesOrderLine.filter(id__in=wanted)}
        return [
            sorted(
                (found[link.order_line_id] for link in group),
                key=lambda line: (line.order_id, line.line_no),
            )
            for group in groups
        ]

    return DataLoader(load_fn=load)


def events(viewer: Viewer) -> DataLoader[int, list[StepEvent]]:
    """A complaint's step events, oldest first."""

    async def load(ids: Sequence[int]) -> list[list[StepEvent]]:
        found: dict[int, list[StepEvent]] = {i: [] for i in ids}
        rows = StepEvent.filter(process="complaint", record_id__in=list(ids)).order_by("id")
        for event in await rows:
            found[event.record_id].append(event)
        return [found[i] for i in ids]

    return DataLoader(load_fn=load)


def evidence(viewer: Viewer) -> DataLoader[int, list[ComplaintEvidence]]:
    """A complaint's evidence files, oldest first."""
    return DataLoader(load_fn=grouped(ComplaintEvidence, "complaint_id", "id"))


def open_counts(viewer: Viewer) -> DataLoader[int, int]:
    """How many open complaints each customer has (keyed by customers shown)."""

    async def load(ids: Sequence[int]) -> list[int]:
        rows = (
            await Complaint.filter(customer_id__in=list(ids), step__in=list(OPEN_STEPS))
            .annotate(n=Count("id"))
            .group_by("customer_id")
            .values_list("customer_id", "n")
        )
        found = {cid: int(n) for cid, n in rows}
        return [found.get(i, 0) for i in ids]

    return DataLoader(load_fn=load)
