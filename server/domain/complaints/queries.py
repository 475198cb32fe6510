"""Reading complaints: the filtered list, the board's counts per step, what is overdue and
whose it is (the escalation into the follow-up queue).

Everything starts from `visible_complaints`, so a filter can only narrow what the viewer
may read. "Overdue" means an open step past its due time, as of the server's clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from server.domain.accounts.viewer import Viewer
from server.domain.company.services import company_settings, zone
from server.domain.complaints.models import (
    OPEN_STEPS,
    Complaint,
    ComplaintCategory,
    ComplaintStep,
)
from server.domain.complaints.scope import visible_complaints
from server.domain.shared import clock

# The board's columns, in the order of the work.
BOARD_STEPS: tuple[ComplaintStep, ...] = (
    ComplaintStep.VALIDATE,
    ComplaintStep.ASSIGN,
    ComplaintStep.ANALYSE,
    ComplaintStep.PROPOSE,
    ComplaintStep.APPROVE,
    ComplaintStep.IMPLEMENT,
    ComplaintStep.EVALUATE,
)


@dataclass(frozen=True)
class ComplaintFilter:
    """What a list or the board is narrowed to; every part optional."""

    steps: Sequence[ComplaintStep] = ()
    open_only: bool = False
    overdue_only: bool = False
    categories: Sequence[ComplaintCategory] = ()
    customer_id: int | None = None
    department_id: int | None = None
    assignee_id: int | None = None
    # Received on or after / on or before these company days.
    received_from: date | None = None
    received_to: date | None = None
    # Only those whose customer's owner is in this list (a manager's "my team").
    owner_ids: Sequence[int] = field(default=())


def overdue_condition(now: datetime | None = None) -> Q:
    """An open step past its due time."""
    return Q(step__in=list(OPEN_STEPS), step_due_at__lt=now or clock.now())


async def filtered_complaints(viewer: Viewer, f: ComplaintFilter) -> QuerySet[Complaint]:
    """The complaints the viewer may read, narrowed by `f`."""
    query = await visible_complaints(viewer)
    if f.steps:
        query = query.filter(step__in=list(f.steps))
    if f.open_only:
        query = query.filter(step__in=list(OPEN_STEPS))
    if f.overdue_only:
        query = query.filter(overdue_condition())
    if f.categories:
        query = query.filter(category__in=list(f.categories))
    if f.customer_id is not None:
        query = query.filter(customer_id=f.customer_id)
    if f.department_id is not None:
        query = query.filter(department_id=f.department_id)
    if f.assignee_id is not None:
        query = query.filter(assignee_id=f.assignee_id)
    if f.owner_ids:
        query = query.filter(customer__owner_id__in=list(f.owner_ids))
    if f.received_from is not None or f.received_to is not None:
        tz = zone(await company_settings())
        if f.received_from is not None:
            query = query.filter(received_at__gte=datetime.combine(f.received_from, time(0), tz))
        if f.received_to is not None:
            end = datetime.combine(f.received_to + timedelta(days=1), time(0), tz)
            query = query.filter(received_at__lt=end)
    return query


@dataclass(frozen=True)
class StepCount:
    step: ComplaintStep
    count: int
    overdue: int


async def board_counts(viewer: Viewer, f: ComplaintFilter) -> list[StepCount]:
    """Each open step with how many complaints wait in it and how many of those are
    overdue: one grouped statement, whatever the number of complaints."""
    query = (await filtered_complaints(viewer, f)).filter(step__in=list(OPEN_STEPS))
    late = Count("id", _filter=Q(step_due_at__lt=clock.now()))
    rows = (
        await query.annotate(n=Count("id"), late=late)
        .group_by("step")
        .values_list("step", "n", "late")
    )
    found = {ComplaintStep(s): (int(n), int(o or 0)) for s, n, o in rows}
    return [StepCount(s, *found.get(s, (0, 0))) for s in BOARD_STEPS]


async def escalated_to(viewer: Viewer, user_id: int) -> QuerySet[Complaint]:
    """Overdue complaints escalated into this user's follow-up queue: those the user is
    responsible for (the assignee; before assignment, the customer's owner) and those of
    the people who report to the user. Within what the viewer may read; one statement."""
    responsible = (
        Q(assignee_id=user_id)
        | Q(assignee__manager_id=user_id)
        | Q(assignee_id=None, customer__owner_id=user_id)
        | Q(assignee_id=None, customer__owner__manager_id=user_id)
    )
    return (await visible_complaints(viewer)).filter(overdue_condition()).filter(responsible)
