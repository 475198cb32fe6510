"""Class-based service (DOMAIN.md §3, end): keep open the follow-ups each class is owed.

Class A: a leadership visit every six months, assigned to the owner's manager. Class B: a
visit a year and an inquiry letter every six months. Run after the classes change; logging
one of these contacts schedules the next by itself (see interactions.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import cast

from tortoise.functions import Max

from server.domain.accounts.models import User
from server.domain.company.models import CompanySettings
from server.domain.company.services import local_date
from server.domain.customers.models import AbcClass, Customer
from server.domain.followups.models import FollowUp, FollowUpOrigin, FollowUpStatus, Interaction
from server.domain.followups.models import open_slot as slot_of
from server.domain.followups.schedule import (
    RULE_BY_ORIGIN,
    SERVICE_ORIGINS,
    add_months,
    rules_for,
)

WITHDRAWN = "The customer's class no longer calls for this contact."


@dataclass(frozen=True)
class ServiceChanges:
    scheduled: int
    withdrawn: int


async def ensure_class_service(settings: CompanySettings, day: date) -> ServiceChanges:
    now = datetime.now(UTC)
    open_rows = await FollowUp.filter(
        status=FollowUpStatus.OPEN, origin__in=list(SERVICE_ORIGINS)
    ).values_list("id", "customer_id", "origin", "customer__abc_class")
    stale, have = [], set()
    for fid, cid, origin, abc in open_rows:
        if RULE_BY_ORIGIN[FollowUpOrigin(origin)] in rules_for(abc):
            have.add((cid, FollowUpOrigin(origin)))
        else:
            stale.append(fid)
    for start in range(0, len(stale), 500):
        await FollowUp.filter(id__in=stale[start : start + 500]).update(
            status=FollowUpStatus.SKIPPED,
            open_slot=None,
            completed_at=now,
            skip_reason=WITHDRAWN,
            updated_at=now,
        )
    owed_classes = [AbcClass.A.value, AbcClass.B.value]
    customers = await Customer.filter(
        abc_class__in=owed_classes, archived_at__isnull=True
    ).values_list("id", "owner_id", "abc_class")
    kinds = sorted({k.value for r in RULE_BY_ORIGIN.values() for k in r.satisfied_by})
    last_rows = (
        await Interaction.filter(kind__in=kinds, customer__abc_class__in=owed_classes)
        .annotate(last=Max("occurred_at"))
        .group_by("customer_id", "kind")
        .values_list("customer_id", "kind", "last")
    )
    last: dict[tuple[int, str], datetime] = {
        (cid, str(kind)): cast(datetime, at) for cid, kind, at in last_rows
    }
    managers = dict(
        cast(list[tuple[int, int | None]], await User.all().values_list("id", "manager_id"))
    )
    new = []
    for cid, owner_id, abc in customers:
        for rule in rules_for(abc):
            if (cid, rule.origin) in have:
                continue
            done = [last[(cid, k.value)] for k in rule.satisfied_by if (cid, k.value) in last]
            due = day
            if done:
                due = max(day, add_months(local_date(settings, max(done)), rule.months(settings)))
            assignee = (managers.get(owner_id) or owner_id) if rule.to_manager else owner_id
            new.append(
                FollowUp(
                    customer_id=cid,
                    assignee_id=assignee,
                    due_on=due,
                    kind=rule.kind,
                    origin=rule.origin,
                    open_slot=slot_of(cid, rule.origin),
                    purpose=f"Class {abc} service",
                )
            )
    # A contact logged meanwhile may have opened the same slot: that one stands.
    await FollowUp.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return ServiceChanges(scheduled=len(new), withdrawn=len(stale))
