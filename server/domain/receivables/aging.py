"""Aging (账龄分析, docs/domain.md §6): what is owed, by how long past due, as of a day: not yet
due, then the company's buckets (1–30, 31–60, 61–90, 91–180, over 180 days by default);
per customer, per owner, per team (the owners' manager) and for the company; and DSO.

As of today (or later) it sums each debt's open part, kept on the row, in one grouped
statement over the open debts only (a partial index holds exactly those). As of an earlier
day it rebuilds what was open then: the debts issued by that day, less the payments
received and the write-offs approved by then (a payment reversed later still counts until
its reversal).

DSO (days sales outstanding) = owed as of the day ÷ debts issued in the 90 days up to it
× 90: how many days of sales are waiting to be paid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from tortoise.expressions import Q

from server.domain.access.visibility import customer_condition, customer_scope
from server.domain.accounts.models import User
from server.domain.accounts.viewer import Viewer
from server.domain.company.models import CompanySettings
from server.domain.company.services import aging_edges, company_settings, today, zone
from server.domain.customers.models import Customer
from server.domain.receivables.models import (
    Payment,
    PaymentAllocation,
    Receivable,
    WriteOff,
    WriteOffStatus,
)
from server.domain.receivables.scope import works_all_receivables
from server.domain.shared.rows import Params, params_for

DSO_DAYS = 90


class AgingGroup(StrEnum):
    COMPANY = "company"
    TEAM = "team"
    OWNER = "owner"
    CUSTOMER = "customer"


AGING_GROUP_MEANING = {
    AgingGroup.COMPANY: "Everything you may read, as one row.",
    AgingGroup.TEAM: "One row per team: the debts of the customers of a manager's reps.",
    AgingGroup.OWNER: "One row per salesperson owning the customers.",
    AgingGroup.CUSTOMER: "One row per customer.",
}


@dataclass
class AgingRow:
    """One group's debts by bucket, in minor units: buckets[0] not yet due, then one per
    edge, then over the last edge."""

    key: int | None  # customer, owner or manager id; None for the company or no manager
    buckets: list[int]
    sales_minor: int = 0  # issued in the DSO window

    @property
    def total_minor(self) -> int:
        """All that is owed."""
        return sum(self.buckets)

    @property
    def overdue_minor(self) -> int:
        """Of that, past due."""
        return sum(self.buckets[1:])

    @property
    def dso(self) -> Decimal | None:
        """Days sales outstanding, one decimal; None without sales in the window."""
        if self.sales_minor <= 0:
            return None
        days = Decimal(self.total_minor) * DSO_DAYS / Decimal(self.sales_minor)
        return days.quantize(Decimal("0.1"))


@dataclass
class Aging:
    as_of: date
    edges: list[int]
    rows: list[AgingRow] = field(default_factory=list)


def bucket_of(days_overdue: int, edges: list[int]) -> int:
    """The bucket of a debt this many days past due (≤ 0: not yet due, bucket 0)."""
    if days_overdue <= 0:
        return 0
    for index, edge in enumerate(edges):
        if days_overdue <= edge:
            return index + 1
    return len(edges) + 1


_JOIN = 'JOIN "customer" c ON c."id" = r."customer_id"'


def _date(params: Params, day: date) -> str:
    # SQLite keeps dates as ISO text; asyncpg wants the date itself.
    return params.one(day if params.postgres else day.isoformat())


async def _scope(viewer: Viewer, params: Params) -> str | None:
    if works_all_receivables(viewer):
        return None
    return await customer_condition(viewer, params, id_column='c."id"', owner_column='c."owner_id"')


async def _grouped_open(
    viewer: Viewer, as_of: date, edges: list[int], key: str
) -> dict[Any, list[int]]:
    """Open parts by group and bucket, in one statement over the open debts."""
    params = params_for(Receivable)
    cases = [f'SUM(CASE WHEN r."due_on" >= {_date(params, as_of)} THEN r."open_minor" END)']
    upper = as_of
    for edge in edges:
        lower = as_of - timedelta(days=edge)
        cases.append(
            f'SUM(CASE WHEN r."due_on" < {_date(params, upper)} AND r."due_on" >= '
            f'{_date(params, lower)} THEN r."open_minor" END)'
        )
        upper = lower
    cases.append(f'SUM(CASE WHEN r."due_on" < {_date(params, upper)} THEN r."open_minor" END)')
    where = ['r."open_minor" > 0']
    condition = await _scope(viewer, params)
    if condition is not None:
        where.append(condition)
    join = (
        'JOIN "customer" c ON c."id" = r."customer_id"' if key.startswith("c.") or condition else ""
    )
    group = f"GROUP BY {key}" if key != "NULL" else ""
    sql = (
        f'SELECT {key} AS "k", {", ".join(cases)} FROM "receivable" r {join} '
        f"WHERE {' AND '.join(where)} {group}"
    )
    rows = await Receivable._meta.db.execute_query(sql, params.values)
    return {row[0]: [int(v or 0) for v in list(row)[1:]] for row in rows[1]}


async def _grouped_sales(viewer: Viewer, as_of: date, key: str) -> dict[Any, int]:
    params = params_for(Receivable)
    where = [
        f'r."issued_on" > {_date(params, as_of - timedelta(days=DSO_DAYS))}',
        f'r."issued_on" <= {_date(params, as_of)}',
    ]
    condition = await _scope(viewer, params)
    if condition is not None:
        where.append(condition)
    join = (
        'JOIN "customer" c ON c."id" = r."customer_id"' if key.startswith("c.") or condition else ""
    )
    group = f"GROUP BY {key}" if key != "NULL" else ""
    sql = (
        f'SELECT {key} AS "k", SUM(r."amount_minor") FROM "receivable" r {join} '
        f"WHERE {' AND '.join(where)} {group}"
    )
    rows = await Receivable._meta.db.execute_query(sql, params.values)
    return {row[0]: int(row[1] or 0) for row in rows[1]}


async def _open_then(viewer: Viewer, as_of: date, end: datetime) -> list[tuple[int, date, int]]:
    """(customer, due on, open then) of each debt issued by `as_of` that was open at `end`."""
    query = Receivable.filter(issued_on__lte=as_of)
    if not works_all_receivables(viewer):
        scope = await customer_scope(viewer, prefix="customer__")
        if scope is not None:
            query = query.filter(scope)
    # Settled before `end` and untouched since: it owed nothing then either.
    candidates = await query.filter(Q(open_minor__gt=0) | Q(updated_at__gt=end)).values(
        "id", "customer_id", "due_on", "amount_minor"
    )
    ids = [r["id"] for r in candidates]
    paid: dict[int, int] = {}
    written: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        allocations = await PaymentAllocation.filter(receivable_id__in=chunk).values(
            "receivable_id", "amount_minor", "payment_id"
        )
        payments = {
            p["id"]: p
            for p in await Payment.filter(
                id__in=list({a["payment_id"] for a in allocations})
            ).values("id", "received_on", "reversed_at")
        }
        for a in allocations:
            p = payments[a["payment_id"]]
            counted = p["received_on"] <= as_of and (
                p["reversed_at"] is None or p["reversed_at"] > end
            )
            if counted:
                paid[a["receivable_id"]] = paid.get(a["receivable_id"], 0) + a["amount_minor"]
        for w in await WriteOff.filter(
            receivable_id__in=chunk, status=WriteOffStatus.APPROVED, decided_at__lte=end
        ).values("receivable_id", "amount_minor"):
            written[w["receivable_id"]] = written.get(w["receivable_id"], 0) + w["amount_minor"]
    found = []
    for r in candidates:
        left = r["amount_minor"] - paid.get(r["id"], 0) - written.get(r["id"], 0)
        if left > 0:
            found.append((r["customer_id"], r["due_on"], left))
    return found


async def aging(
    viewer: Viewer,
    as_of: date | None,
    group: AgingGroup,
    settings: CompanySettings | None = None,
) -> Aging:
    """What the viewer may read of the company's debts, aged as of a day (today when None),
    grouped as asked; rows with the most overdue first. `settings`: the company settings
    when the caller has them already."""
    settings = settings or await company_settings()
    day = as_of or today(settings)
    edges = aging_edges(settings)
    result = Aging(day, edges)
    if viewer.user is None:
        return result
    key = {
        AgingGroup.COMPANY: "NULL",
        AgingGroup.CUSTOMER: 'r."customer_id"',
        AgingGroup.OWNER: 'c."owner_id"',
        AgingGroup.TEAM: 'c."owner_id"',
    }[group]
    if day >= today(settings):
        grouped = await _grouped_open(viewer, day, edges, key)
    else:
        end = datetime.combine(day + timedelta(days=1), time(), zone(settings))
        grouped = {}
        owners: dict[int, int] = {}
        debts = await _open_then(viewer, day, end)
        if group in (AgingGroup.OWNER, AgingGroup.TEAM):
            ids = list({cid for cid, _, _ in debts})
            owners = dict(await Customer.filter(id__in=ids).values_list("id", "owner_id"))
        for customer_id, due_on, left in debts:
            k = (
                None
                if group == AgingGroup.COMPANY
                else customer_id
                if group == AgingGroup.CUSTOMER
                else owners[customer_id]
            )
            buckets = grouped.setdefault(k, [0] * (len(edges) + 2))
            buckets[bucket_of((day - due_on).days, edges)] += left
    sales = await _grouped_sales(viewer, day, key)
    rows = {k: AgingRow(k, b, sales.get(k, 0)) for k, b in grouped.items()}
    if group == AgingGroup.TEAM:
        rows = await _by_team(rows, len(edges) + 2)
    result.rows = sorted(
        (r for r in rows.values() if r.total_minor or group == AgingGroup.COMPANY),
        key=lambda r: (-r.overdue_minor, -r.total_minor, r.key or 0),
    )
    if group == AgingGroup.COMPANY and not result.rows:
        result.rows = [AgingRow(None, [0] * (len(edges) + 2), sales.get(None, 0))]
    return result


async def _by_team(by_owner: dict[Any, AgingRow], width: int) -> dict[Any, AgingRow]:
    """Owners' rows summed under their managers (None: owners without a manager)."""
    managers = dict(
        await User.filter(id__in=[k for k in by_owner if k is not None]).values_list(
            "id", "manager_id"
        )
    )
    teams: dict[Any, AgingRow] = {}
    for owner, row in by_owner.items():
        team = managers.get(owner)
        found = teams.setdefault(team, AgingRow(team, [0] * width))
        found.buckets = [a + b for a, b in zip(found.buckets, row.buckets, strict=True)]
        found.sales_minor += row.sales_minor
    return teams
