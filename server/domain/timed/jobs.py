"""The timed work: what happens because time passed, not because someone wrote something.

Each job is idempotent (running it twice does no harm) and claimed before it runs
(claims.py), so it runs once per period across all the server's processes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from server.domain.company.services import company_settings, today
from server.domain.complaints.models import OPEN_STEPS, Complaint
from server.domain.events import outbox
from server.domain.events.models import EventKind, TimedRun
from server.domain.followups.class_service import ensure_class_service
from server.domain.receivables.collections import open_overdue_cases
from server.domain.receivables.reminders import schedule_missing
from server.domain.shared import clock


async def announce_overdue_complaints(since: datetime) -> int:
    """Complaints whose step's time limit passed since the last run: one event each (nothing
    is written to the complaint; overdue is a reading of its clock)."""
    now = clock.now()
    rows = await Complaint.filter(
        step__in=list(OPEN_STEPS), step_due_at__gt=since, step_due_at__lte=now
    ).values_list("id", "customer_id", "customer__owner_id", "assignee_id", "version", "step")
    async with in_transaction():
        for cid, customer_id, owner_id, assignee_id, version, step in rows:
            await outbox.emit(
                EventKind.COMPLAINT_OVERDUE,
                customer_id=customer_id,
                owner_id=owner_id,
                user_id=assignee_id,
                subject_id=cid,
                version=version,
                detail=str(step),
            )
    return len(rows)


async def open_collection_cases(since: datetime) -> int:
    """A collection case for every customer newly owing past a due date."""
    return await open_overdue_cases(today(await company_settings()))


async def catch_up_reminders(since: datetime) -> int:
    """Payment reminders for open debts that have none (recorded before reminders existed)."""
    return await schedule_missing(today(await company_settings()))


async def class_service(since: datetime) -> int:
    """The class-based service follow-ups each customer's class is owed, kept open (a class
    A customer whose leadership visit was withdrawn by mistake gets it back). The classes
    themselves change only when a manager recomputes them: that is a decision about which
    period counts, not something the clock decides."""
    settings = await company_settings()
    done = await ensure_class_service(settings, today(settings))
    return done.scheduled + done.withdrawn


async def prune_outbox(since: datetime) -> int:
    """Forget the events every process has read: those before the previous prune's mark
    (a period ago), then set the mark at the newest event."""
    row = await TimedRun.get(job="prune_outbox")
    removed = await outbox.prune(row.mark)
    await TimedRun.filter(job="prune_outbox").update(mark=await outbox.last_id())
    return removed


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[datetime], Awaitable[int]]
    # None: every round of the scheduler (its CRM_TIMED_WORK_SECONDS).
    every: timedelta | None


JOBS: tuple[Job, ...] = (
    Job("complaints_overdue", announce_overdue_complaints, None),
    Job("collection_cases", open_collection_cases, timedelta(hours=1)),
    Job("payment_reminders", catch_up_reminders, timedelta(hours=1)),
    Job("class_service", class_service, timedelta(days=1)),
    Job("prune_outbox", prune_outbox, timedelta(minutes=10)),
)
