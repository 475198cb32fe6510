"""The follow-up queue a salesperson opens each morning, and the manager's team view.

Sections: overdue, due today, the next seven days. Within a section: the longest overdue
first, then grade A→E, then key accounts, VIPs and class A→C before the rest.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from server.domain.access.visibility import can_manage_user, customer_scope, team_of
from server.domain.accounts.models import User
from server.domain.accounts.permissions import Permission, role_may, roles_with
from server.domain.accounts.viewer import Viewer
from server.domain.company.models import CompanySettings
from server.domain.customers.models import Customer, Grade
from server.domain.followups.models import ContactPlan, FollowUp, FollowUpStatus
from server.domain.followups.schedule import effective_cadence
from server.domain.shared import clock
from server.domain.shared.paging import DATE, Page, PageArgs, SortKey, paginate

UPCOMING_DAYS = 7
# Out of cadence: no open follow-up and no contact for twice the customer's cadence.
NEGLECT_FACTOR = 2

QUEUE_SORT = SortKey(
    "due_on",
    decode=DATE,
    then=(
        SortKey("customer__grade"),
        SortKey("customer__is_key_account", descending=True),
        SortKey("customer__is_vip", descending=True),
        SortKey("customer__class_rank"),
    ),
)

_CUSTOMER_SORT_FIELDS = [
    p.column.removeprefix("customer__") for p in QUEUE_SORT.parts() if "__" in p.column
]


class Section(StrEnum):
    OVERDUE = "overdue"
    TODAY = "today"
    UPCOMING = "upcoming"


@dataclass(frozen=True)
class QueueFilter:
    regions: list[str] = field(default_factory=list)
    grades: list[Grade] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)


async def may_see_queue_of(viewer: Viewer, user_id: int) -> bool:
    """Your own queue, and those of the people below you."""
    return viewer.id == user_id or await can_manage_user(viewer, user_id)


def _on(lookup: str, value: Any) -> Q:
    kwargs: dict[str, Any] = {lookup: value}
    return Q(**kwargs)


async def _customer_conditions(viewer: Viewer, flt: QueueFilter, prefix: str = "") -> list[Q]:
    """Active customers the viewer may see, in the filter's regions and grades; `prefix` is
    the path from the queried model to the customer ("customer__")."""
    conditions = [_on(f"{prefix}archived_at__isnull", True)]
    scope = await customer_scope(viewer, prefix=prefix)
    if scope is not None:
        conditions.append(scope)
    if flt.regions:
        conditions.append(_on(f"{prefix}region__in", flt.regions))
    if flt.grades:
        conditions.append(_on(f"{prefix}grade__in", [g.value for g in flt.grades]))
    return conditions


async def open_items(
    viewer: Viewer, assignee_ids: list[int], flt: QueueFilter | None = None, *, join: bool = False
) -> QuerySet[FollowUp]:
    """Open follow-ups of these assignees on active customers the viewer may see, narrowed by
    the queue filter.

    By default the customer conditions are a subquery on the customer table's owner index:
    the assignee index then answers counts without reading a row of either table. With
    `join`, for a page that joins the customer to sort on it anyway, they are conditions on
    the join: with planner statistics SQLite otherwise starts from the owner's customers
    and sorts all their follow-ups (5.5 ms) instead of walking the assignee index in due
    order and stopping at the page's end (0.1 ms).
    """
    flt = flt or QueueFilter()
    query = FollowUp.filter(assignee_id__in=assignee_ids, status=FollowUpStatus.OPEN)
    if join:
        query = query.filter(*await _customer_conditions(viewer, flt, prefix="customer__"))
    else:
        customers = Customer.filter(*await _customer_conditions(viewer, flt))
        query = query.filter(customer_id__in=Subquery(customers.values("id")))
    if flt.kinds:
        query = query.filter(kind__in=flt.kinds)
    return query


def section_filter(section: Section, day: date) -> Q:
    """Which open follow-ups belong to a queue section as of `day`: overdue, due today, or upcoming
    within UPCOMING_DAYS."""
    if section == Section.OVERDUE:
        return Q(due_on__lt=day)
    if section == Section.TODAY:
        return Q(due_on=day)
    return Q(due_on__gt=day, due_on__lte=day + timedelta(days=UPCOMING_DAYS))


async def section_page(
    viewer: Viewer,
    user_id: int,
    day: date,
    section: Section,
    flt: QueueFilter,
    args: PageArgs,
    *,
    fetch: bool = True,
    customer_fields: list[str] | None = None,
) -> Page[FollowUp]:
    """One page of one section, the customer row joined in (one statement); with
    `fetch=False` only the count is available.

    `customer_fields` names the customer columns to read (all when None); the sort columns
    are always read, for the cursors.
    """
    base = await open_items(viewer, [user_id], flt, join=True)
    query = base.filter(section_filter(section, day)).select_related("customer")
    if customer_fields is not None:
        fields = {*customer_fields, "id", *_CUSTOMER_SORT_FIELDS}
        # Read at call time: the foreign-key columns join the model's fields at ORM start.
        own = FollowUp._meta.fields_db_projection
        query = query.only(*own, *(f"customer__{f}" for f in sorted(fields)))
    return await paginate(query, QUEUE_SORT, args, fetch=fetch)


async def section_counts(
    viewer: Viewer, user_id: int, day: date, flt: QueueFilter
) -> dict[Section, int]:
    """The size of all three sections in one statement: open items counted per due date up
    to the end of the upcoming window, then summed per section."""
    base = (await open_items(viewer, [user_id], flt)).filter(
        due_on__lte=day + timedelta(days=UPCOMING_DAYS)
    )
    rows = cast(
        list[tuple[date, int]],
        await base.annotate(n=Count("id")).group_by("due_on").values_list("due_on", "n"),
    )
    counts = dict.fromkeys(Section, 0)
    for due, n in rows:
        if isinstance(due, str):  # SQLite hands a grouped date back as text
            due = date.fromisoformat(due)
        section = (
            Section.OVERDUE if due < day else Section.TODAY if due == day else Section.UPCOMING
        )
        counts[section] += n
    return counts


@dataclass(frozen=True)
class Neglected:
    customer_id: int
    owner_id: int
    last_contact_at: datetime | None
    cadence_days: int
    days_since_contact: int


async def neglected_customers(
    viewer: Viewer, owner_ids: list[int], settings: CompanySettings, now: datetime | None = None
) -> list[Neglected]:
    """Active customers of these owners with no open follow-up whose last contact (or, never
    contacted, their creation) is older than twice their cadence; longest neglected first.

    Only customers without an open follow-up are read, and in a working team that is few:
    every logged contact schedules the next one.
    """
    now = now or clock.now()
    scope = await customer_scope(viewer)
    # Only these owners' customers: the whole company's open items would be read otherwise.
    has_open = FollowUp.filter(status=FollowUpStatus.OPEN, customer__owner_id__in=owner_ids).values(
        "customer_id"
    )
    query = Customer.filter(owner_id__in=owner_ids, archived_at__isnull=True).exclude(
        id__in=Subquery(has_open)
    )
    if scope is not None:
        query = query.filter(scope)
    rows = await query.values_list("id", "owner_id", "grade", "last_contact_at", "created_at")
    ids = [r[0] for r in rows]
    plans: dict[int, int] = {}
    if ids:
        plans = dict(
            cast(
                list[tuple[int, int]],
                await ContactPlan.filter(
                    customer_id__in=ids, frequency_days__isnull=False
                ).values_list("customer_id", "frequency_days"),
            )
        )
    found = []
    for cid, owner_id, grade, last, created in rows:
        cadence = effective_cadence(settings, grade, plans.get(cid))
        since = last or created
        days = (now - since).days
        if now - since > timedelta(days=NEGLECT_FACTOR * cadence):
            found.append(Neglected(cid, owner_id, last, cadence, days))
    found.sort(
        key=lambda n: (-(n.days_since_contact - NEGLECT_FACTOR * n.cadence_days), n.customer_id)
    )
    return found


@dataclass
class Workload:
    user: User
    overdue: int = 0
    due_today: int = 0
    out_of_cadence: int = 0


async def team_members(viewer: Viewer) -> list[User]:
    """Whose queues the viewer may look at: a manager's whole line, every seller for an
    admin, oneself for anyone else."""
    viewer.require_user()
    if viewer.sees_all:
        # Everyone with a queue of their own: the people who own customers, admins aside.
        sellers = [
            r for r in roles_with(Permission.OWN_CUSTOMERS) if not role_may(r, Permission.SEE_ALL)
        ]
        query = User.filter(is_active=True, role__in=sellers)
    else:
        query = User.filter(id__in=list(await team_of(viewer)), is_active=True)
    return list(await query.order_by("username"))


async def team_workload(viewer: Viewer, day: date, settings: CompanySettings) -> list[Workload]:
    """Per member of the viewer's team: open follow-ups overdue and due on `day`, and customers out
    of cadence."""
    members = await team_members(viewer)
    ids = [u.id for u in members]
    loads = {u.id: Workload(u) for u in members}
    base = await open_items(viewer, ids)
    for section, attr in ((Section.OVERDUE, "overdue"), (Section.TODAY, "due_today")):
        counts = (
            await base.filter(section_filter(section, day))
            .annotate(n=Count("id"))
            .group_by("assignee_id")
            .values_list("assignee_id", "n")
        )
        for assignee_id, n in cast(list[tuple[int, int]], counts):
            setattr(loads[assignee_id], attr, n)
    neglect = Counter(n.owner_id for n in await neglected_customers(viewer, ids, settings))
    for owner_id, n in neglect.items():
        if owner_id in loads:
            loads[owner_id].out_of_cadence = n
    return list(loads.values())
