"""ABC classes by cumulative sales (Pareto, docs/domain.md §4) and the analysis built on them.

Customers are ranked by sales over the period. Class A is the customers making up the first
70% of cumulative sales: every customer whose sales start below the 70% mark, so the one
that reaches exactly 70% is A, and so is one that crosses it (a customer with 90% of all
sales is A, not B). Class B starts below 95%; the rest are C. Customers without sales in the
period stay unclassified. Ties rank by customer id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import cast

from tortoise.functions import Count, Sum
from tortoise.transactions import in_transaction

from server.domain.access.visibility import visible_through_customer
from server.domain.accounts.permissions import Permission
from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.company.services import company_settings, today
from server.domain.customers.models import CLASS_RANK, AbcClass, Customer
from server.domain.followups.class_service import ServiceChanges, ensure_class_service
from server.domain.followups.schedule import add_months
from server.domain.sales.models import AbcRanking, AbcRun, SalesOrder
from server.domain.shared.bulk import insert_rows
from server.domain.shared.errors import DomainError, ErrorCode
from server.domain.shared.paging import Page, PageArgs, SortKey, paginate

# The ideal mix of customers (seed 001): 20% A, 40% B, 40% C. Its sales shares follow from
# the thresholds (A up to 70%, B to 95%): see ideal_sales_percent.
IDEAL_CUSTOMER_PERCENT = {AbcClass.A: 20, AbcClass.B: 40, AbcClass.C: 40}
# Another common split (seed 004): (share of customers, share of sales) per class.
COMMON_SPLIT = {AbcClass.A: (10, 70), AbcClass.B: (20, 20), AbcClass.C: (70, 10)}


def ideal_sales_percent(abc_class: AbcClass, a_percent: int, b_percent: int) -> int:
    """The share of sales a class holds by definition of the thresholds: A 70, B 25, C 5."""
    return {
        AbcClass.A: a_percent,
        AbcClass.B: b_percent - a_percent,
        AbcClass.C: 100 - b_percent,
    }[abc_class]


BATCH = 500


def classify(
    sales: list[tuple[int, int]], a_percent: int, b_percent: int
) -> list[tuple[int, int, int, AbcClass]]:
    """(customer id, sales) → (customer id, sales, cumulative, class), best customer first.

    Integer arithmetic only (cumulative·100 < threshold·total), so a boundary is never lost
    to rounding.
    """
    ranked = sorted(((cid, s) for cid, s in sales if s > 0), key=lambda r: (-r[1], r[0]))
    total = sum(s for _, s in ranked)
    out, running = [], 0
    for cid, amount in ranked:
        before, running = running, running + amount
        if before * 100 < a_percent * total:
            cls = AbcClass.A
        elif before * 100 < b_percent * total:
            cls = AbcClass.B
        else:
            cls = AbcClass.C
        out.append((cid, amount, running, cls))
    return out


@dataclass(frozen=True)
class Recomputed:
    run: AbcRun
    service: ServiceChanges


def _may_recompute(viewer: Viewer | None) -> None:
    if viewer is None:  # the command line
        return
    viewer.require(
        Permission.ANALYSE_CLASSES, "Only managers and administrators recompute classes."
    )


async def recompute_classes(
    viewer: Viewer | None, period_end: date | None = None, months: int | None = None
) -> Recomputed:
    """Rank every customer by sales in the `months` up to `period_end` (inclusive), store the
    Pareto list, set each customer's class, then align the class-based service follow-ups."""
    _may_recompute(viewer)
    settings = await company_settings()
    end = period_end or today(settings)
    months = months or settings.abc_period_months
    if not 1 <= months <= 120:
        raise DomainError.single(ErrorCode.OUT_OF_RANGE, "Between 1 and 120 months.", "months")
    start = add_months(end, -months) + timedelta(days=1)
    totals = (
        await SalesOrder.filter(ordered_on__gte=start, ordered_on__lte=end)
        .annotate(s=Sum("total_minor"))
        .group_by("customer_id")
        .values_list("customer_id", "s")
    )
    ranked = classify(
        [(cid, int(s or 0)) for cid, s in cast(list[tuple[int, int]], totals)],
        settings.abc_a_percent,
        settings.abc_b_percent,
    )
    new_class = {cid: cls for cid, _, _, cls in ranked}
    current = dict(
        cast(
            list[tuple[int, str]],
            await Customer.filter(abc_class__isnull=False).values_list("id", "abc_class"),
        )
    )
    changes: dict[AbcClass | None, list[int]] = {}
    for cid in current.keys() | new_class.keys():
        old, new = current.get(cid), new_class.get(cid)
        if (old and AbcClass(old)) != new:
            changes.setdefault(new, []).append(cid)
    actor = viewer or Viewer(None)
    async with in_transaction():
        await AbcRanking.all().delete()
        await insert_rows(
            AbcRanking,
            ["customer_id", "rank", "sales_minor", "cumulative_minor", "abc_class"],
            ((cid, n, s, cum, cls) for n, (cid, s, cum, cls) in enumerate(ranked, start=1)),
        )
        for cls, ids in changes.items():
            for at in range(0, len(ids), BATCH):
                await Customer.filter(id__in=ids[at : at + BATCH]).update(
                    abc_class=cls, class_rank=CLASS_RANK[cls]
                )
        run = await AbcRun.create(
            period_start=start,
            period_end=end,
            a_percent=settings.abc_a_percent,
            b_percent=settings.abc_b_percent,
            total_minor=sum(s for _, s, _, _ in ranked),
            ranked_customers=len(ranked),
            computed_by_id=actor.id,
        )
        await audit.record(
            actor,
            "classes.recompute",
            "AbcRun",
            run.id,
            {"changed_customers": {"from": None, "to": sum(map(len, changes.values()))}},
        )
        service = await ensure_class_service(settings, today(settings))
    return Recomputed(run, service)


@dataclass(frozen=True)
class ClassShare:
    abc_class: AbcClass
    customers: int
    sales_minor: int
    ideal_customer_percent: int


@dataclass(frozen=True)
class Analysis:
    run: AbcRun
    classes: list[ClassShare]


def may_analyse(viewer: Viewer) -> bool:
    """Whether the viewer may read the ABC analysis (managers and administrators)."""
    return viewer.may(Permission.ANALYSE_CLASSES)


async def latest_analysis(viewer: Viewer) -> Analysis | None:
    """The latest run's mix of classes, company-wide; for managers and administrators."""
    viewer.require_user()
    if not may_analyse(viewer):
        return None
    run = await AbcRun.all().order_by("-id").first()
    if run is None:
        return None
    rows = (
        await AbcRanking.all()
        .annotate(n=Count("id"), s=Sum("sales_minor"))
        .group_by("abc_class")
        .values_list("abc_class", "n", "s")
    )
    found = {AbcClass(c): (int(n), int(s)) for c, n, s in rows}
    classes = [
        ClassShare(cls, *found.get(cls, (0, 0)), IDEAL_CUSTOMER_PERCENT[cls]) for cls in AbcClass
    ]
    return Analysis(run, classes)


RANK_SORT = SortKey("rank")


async def ranking_page(viewer: Viewer, args: PageArgs) -> Page[AbcRanking]:
    """The Pareto list, best first, restricted to the customers the viewer may see (shares
    stay company-wide)."""
    query = await visible_through_customer(viewer, AbcRanking)
    return await paginate(query.select_related("customer"), RANK_SORT, args)


def percent(part: int, whole: int) -> Decimal:
    """A share as a percentage with two decimals, exact up to the rounding of the last."""
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))
