"""Sales-process monitoring (销售过程监控): per rep and period, what was done and what slipped."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import cast

from tortoise.functions import Count

from server.domain.accounts.models import User
from server.domain.accounts.viewer import Viewer
from server.domain.company.models import CompanySettings
from server.domain.company.services import today, zone
from server.domain.followups.models import FollowUp, FollowUpStatus, Interaction
from server.domain.followups.queue import (
    Section,
    neglected_customers,
    open_items,
    section_filter,
    team_members,
)
from server.domain.shared.errors import DomainError, ErrorCode

MAX_PERIOD_DAYS = 366 * 3


@dataclass
class RepActivity:
    user: User
    interactions_by_kind: Counter[str] = field(default_factory=Counter)
    done_on_time: int = 0
    done_late: int = 0
    skipped: int = 0
    overdue_now: int = 0
    out_of_cadence: int = 0

    @property
    def interactions(self) -> int:
        """All contacts logged, whatever their kind."""
        return sum(self.interactions_by_kind.values())


def _bounds(settings: CompanySettings, start: date, end: date) -> tuple[datetime, datetime]:
    """The period's first and last company days as UTC instants [from, to)."""
    tz = zone(settings)
    return (
        datetime.combine(start, time.min, tz),
        datetime.combine(end + timedelta(days=1), time.min, tz),
    )


async def sales_activity(
    viewer: Viewer, settings: CompanySettings, start: date, end: date
) -> list[RepActivity]:
    """For each person whose queue the viewer may see: contacts they logged by kind, their
    follow-ups done on time or late (on the day of the answering contact) and skipped (on
    the day of the skip) within [start, end] (company days, inclusive), plus the current
    overdue count and customers out of cadence."""
    if end < start:
        raise DomainError.single(ErrorCode.OUT_OF_RANGE, "`to` is before `from`.", "to")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise DomainError.single(ErrorCode.OUT_OF_RANGE, "At most three years at a time.", "to")
    members = await team_members(viewer)
    ids = [u.id for u in members]
    report = {u.id: RepActivity(u) for u in members}
    lo, hi = _bounds(settings, start, end)
    logged = (
        await Interaction.filter(author_id__in=ids, occurred_at__gte=lo, occurred_at__lt=hi)
        .annotate(n=Count("id"))
        .group_by("author_id", "kind")
        .values_list("author_id", "kind", "n")
    )
    for author_id, kind, n in cast(list[tuple[int, str, int]], logged):
        report[author_id].interactions_by_kind[str(kind)] += n
    # Both clocks are the contact's: a follow-up done counts on the day of the contact that
    # answered it (a visit on the 30th typed in on the 2nd is November's work), credited to
    # the follow-up's assignee whoever logged the contact. A skip has no contact: it counts
    # on the day it was made.
    done = (
        await FollowUp.filter(
            assignee_id__in=ids,
            status=FollowUpStatus.DONE,
            interaction__occurred_at__gte=lo,
            interaction__occurred_at__lt=hi,
        )
        .annotate(n=Count("id"))
        .group_by("assignee_id", "completed_late")
        .values_list("assignee_id", "completed_late", "n")
    )
    for assignee_id, late, n in done:
        if late:
            report[assignee_id].done_late += n
        else:
            report[assignee_id].done_on_time += n
    skipped = (
        await FollowUp.filter(
            assignee_id__in=ids,
            status=FollowUpStatus.SKIPPED,
            completed_at__gte=lo,
            completed_at__lt=hi,
        )
        .annotate(n=Count("id"))
        .group_by("assignee_id")
        .values_list("assignee_id", "n")
    )
    for assignee_id, n in skipped:
        report[assignee_id].skipped += n
    overdue = (
        await (await open_items(viewer, ids))
        .filter(section_filter(Section.OVERDUE, today(settings)))
        .annotate(n=Count("id"))
        .group_by("assignee_id")
        .values_list("assignee_id", "n")
    )
    for assignee_id, n in overdue:
        report[assignee_id].overdue_now = n
    for item in await neglected_customers(viewer, ids, settings):
        if item.owner_id in report:
            report[item.owner_id].out_of_cadence += 1
    return list(report.values())
