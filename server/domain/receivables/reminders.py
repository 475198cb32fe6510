"""Payment reminders before the due date (docs/domain.md §6: remind the customer of date and
amount before it falls due): a follow-up in the owner's queue a company setting's number of
days before each due date, withdrawn if the debt is settled first."""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.expressions import F

from server.domain.company.models import CompanySettings
from server.domain.company.services import company_settings
from server.domain.customers.models import Customer
from server.domain.followups.models import (
    FollowUp,
    FollowUpOrigin,
    FollowUpStatus,
    InteractionKind,
)
from server.domain.receivables.models import Receivable
from server.domain.shared import money


def remind_on(settings: CompanySettings, due_on: date, day: date) -> date | None:
    """When to remind of a debt due on `due_on`, seen on `day`: the setting's days before,
    or today when that has passed; None once it is due (collection takes over)."""
    if due_on <= day:
        return None
    return max(day, due_on - timedelta(days=settings.payment_reminder_days))


async def schedule(
    receivable: Receivable, customer: Customer, settings: CompanySettings, day: date
) -> None:
    """Put the reminder for a debt just recorded into its customer owner's queue."""
    when = remind_on(settings, receivable.due_on, day)
    if when is None:
        return
    reminder = await FollowUp.create(
        customer_id=customer.id,
        assignee_id=customer.owner_id,
        due_on=when,
        kind=InteractionKind.PHONE,
        # Stored text any language reads: reference, amount, due date.
        purpose=" · ".join(
            part
            for part in (
                receivable.reference,
                str(money.decimal(receivable.amount_minor)),
                receivable.due_on.isoformat(),
            )
            if part
        ),
        origin=FollowUpOrigin.PAYMENT_REMINDER,
        created_by_id=receivable.created_by_id,
    )
    await Receivable.filter(id=receivable.id).update(reminder_id=reminder.id)
    receivable.reminder_id = reminder.id


async def withdraw(receivable_ids: list[int]) -> None:
    """Withdraw the open reminders of debts settled before them."""
    reminders = await Receivable.filter(
        id__in=receivable_ids, reminder_id__isnull=False
    ).values_list("reminder_id", flat=True)
    if reminders:
        await FollowUp.filter(id__in=list(reminders), status=FollowUpStatus.OPEN).update(
            status=FollowUpStatus.SKIPPED,
            skip_reason="Paid before the reminder.",
            version=F("version") + 1,
        )


async def schedule_missing(day: date, most: int = 1000) -> int:
    """Reminders for open debts that have none and are not yet due (debts recorded before
    reminders existed, or imported): the timed work's catch-up. Returns how many."""
    pending = (
        await Receivable.filter(open_minor__gt=0, reminder_id__isnull=True, due_on__gt=day)
        .order_by("due_on")
        .limit(most)
        .select_related("customer")
    )
    if not pending:
        return 0
    settings = await company_settings()
    for receivable in pending:
        await schedule(receivable, receivable.customer, settings, day)
    return len(pending)
