"""Class-based service (docs/domain.md §3, end): keep open the follow-ups each class is owed.

Class A: a leadership visit every six months, assigned to the owner's manager. Class B: a
visit a year and an inquiry letter every six months. Run after the classes change; logging
one of these contacts schedules the next by itself (see interactions.py). A customer served
before is due an interval after its last such contact; one never served is due within the
first interval, spread evenly over it per person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

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
    ServiceRule,
    add_months,
    rules_for,
)
from server.domain.shared import clock
from server.domain.shared.bulk import insert_with_defaults

WITHDRAWN = "The customer's class no longer calls for this contact."


@dataclass(frozen=True)
class ServiceChanges:
    scheduled: int
    withdrawn: int


async def ensure_class_service(settings: CompanySettings, day: date) -> ServiceChanges:
    """Bring the class-based service follow-ups in line with each customer's ABC class as of `day`:
    skip the open ones a class no longer calls for, schedule the missing ones, spread the first
    visits over the period."""
    now = clock.now()
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
    owed = [
        (cid, owner_id, abc, rule)
        for cid, owner_id, abc in customers
        for rule in rules_for(abc)
        if (cid, rule.origin) not in have
    ]
    last = await _last_done({(rule, abc) for _, _, abc, rule in owed}, settings)
    managers = dict(
        cast(list[tuple[int, int | None]], await User.all().values_list("id", "manager_id"))
    )
    rows: list[list[Any]] = []
    first_time: dict[tuple[int, FollowUpOrigin], list[int]] = {}
    for cid, owner_id, abc, rule in owed:
        assignee = (managers.get(owner_id) or owner_id) if rule.to_manager else owner_id
        if (cid, rule.origin) in last:
            due = max(day, add_months(last[(cid, rule.origin)], rule.months(settings)))
        else:
            first_time.setdefault((assignee, rule.origin), []).append(len(rows))
            due = day
        rows.append(
            [
                cid,
                assignee,
                due,
                rule.kind,
                rule.origin,
                slot_of(cid, rule.origin),
                f"Class {abc} service",
                now,
                now,
            ]
        )
    # Customers never served this way are owed it "now", but a manager cannot make forty
    # leadership visits on one day: spread each person's first-time items evenly over the
    # period (in customer order, so a rerun gives the same days).
    for (_, origin), indexes in first_time.items():
        span = (add_months(day, RULE_BY_ORIGIN[origin].months(settings)) - day).days
        indexes.sort(key=lambda i: rows[i][0])
        for n, i in enumerate(indexes):
            rows[i][2] = day + timedelta(days=n * span // len(indexes))
    # A contact logged meanwhile may have opened the same slot: that one stands.
    await insert_with_defaults(
        FollowUp,
        [
            "customer_id",
            "assignee_id",
            "due_on",
            "kind",
            "origin",
            "open_slot",
            "purpose",
            "created_at",
            "updated_at",
        ],
        [tuple(r) for r in rows],
        skip_conflicts=True,
    )
    return ServiceChanges(scheduled=len(rows), withdrawn=len(stale))


async def _last_done(
    owed: set[tuple[ServiceRule, str]], settings: CompanySettings
) -> dict[tuple[int, FollowUpOrigin], date]:
    """The company day each customer last had a contact that fulfils each rule: one grouped
    statement per rule, over the classes someone is owed it in."""
    classes: dict[ServiceRule, list[str]] = {}
    for rule, abc in owed:
        classes.setdefault(rule, []).append(abc)
    found: dict[tuple[int, FollowUpOrigin], date] = {}
    for rule, owed_in in classes.items():
        rows = (
            await Interaction.filter(
                kind__in=[k.value for k in rule.satisfied_by], customer__abc_class__in=owed_in
            )
            .annotate(last=Max("occurred_at"))
            .group_by("customer_id")
            .values_list("customer_id", "last")
        )
        for cid, at in cast(list[tuple[int, datetime]], rows):
            found[(cid, rule.origin)] = local_date(settings, at)
    return found
