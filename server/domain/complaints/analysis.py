"""Complaint analysis for a period (docs/domain.md §5, "track how long each takes"): how many
came in, by category, department and the step they stand in; how long each step took
(mean and 90th percentile) and the share of moves made within the step's limit; the
customers who complained more than once. Over the complaints the viewer may read,
received in the period (company days)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from server.domain.accounts.viewer import Viewer
from server.domain.complaints.models import ComplaintCategory, ComplaintStep
from server.domain.complaints.queries import BOARD_STEPS, ComplaintFilter, filtered_complaints
from server.domain.shared.errors import N_, DomainError, ErrorCode
from server.domain.workflow.models import StepEvent

# The longest period one analysis covers.
MAX_DAYS = 3660


@dataclass(frozen=True)
class StepTime:
    step: ComplaintStep
    moves: int  # moves out of the step in the period's complaints
    mean_seconds: int | None
    p90_seconds: int | None
    # Moves made by the step's due time, in percent of the moves that had one.
    within_limit_percent: Decimal | None


@dataclass(frozen=True)
class RepeatComplainer:
    customer_id: int
    customer_name: str
    complaints: int


@dataclass(frozen=True)
class Analysis:
    start: date
    end: date
    received: int
    by_category: dict[ComplaintCategory, int]
    by_department: dict[int | None, int]
    by_step: dict[ComplaintStep, int]
    step_times: list[StepTime]
    repeat_complainers: list[RepeatComplainer]


def percentile(values: list[int], share: float) -> int | None:
    """The nearest-rank percentile (`share` in 0–1) of the values; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


async def analyse(viewer: Viewer, start: date, end: date) -> Analysis:
    """The analysis of complaints received from `start` to `end`, both included."""
    if end < start:
        raise DomainError.single(
            ErrorCode.OUT_OF_RANGE, N_("The period ends before it starts."), "to"
        )
    if (end - start).days > MAX_DAYS:
        raise DomainError.single(
            ErrorCode.OUT_OF_RANGE, N_("At most {most} days at a time."), "to", most=MAX_DAYS
        )
    query = await filtered_complaints(viewer, ComplaintFilter(received_from=start, received_to=end))
    rows = await query.values(
        "id", "category", "department_id", "step", "customer_id", "customer__name"
    )
    by_category = Counter(ComplaintCategory(r["category"]) for r in rows)
    by_department = Counter(r["department_id"] for r in rows)
    by_step = Counter(ComplaintStep(r["step"]) for r in rows)
    per_customer = Counter(r["customer_id"] for r in rows)
    names = {r["customer_id"]: r["customer__name"] for r in rows}
    repeat = sorted(
        (RepeatComplainer(cid, names[cid], n) for cid, n in per_customer.items() if n > 1),
        key=lambda c: (-c.complaints, c.customer_name, c.customer_id),
    )
    spent: dict[str, list[int]] = defaultdict(list)
    on_time: dict[str, list[bool]] = defaultdict(list)
    ids = [r["id"] for r in rows]
    for chunk in range(0, len(ids), 5000):
        events = await StepEvent.filter(
            process="complaint", record_id__in=ids[chunk : chunk + 5000], from_step__not_isnull=True
        ).values("from_step", "spent_seconds", "at", "due_at")
        for e in events:
            if e["spent_seconds"] is not None:
                spent[e["from_step"]].append(e["spent_seconds"])
            if e["due_at"] is not None:
                on_time[e["from_step"]].append(e["at"] <= e["due_at"])
    times = []
    for step in BOARD_STEPS:
        seconds = spent.get(step.value, [])
        timely = on_time.get(step.value, [])
        times.append(
            StepTime(
                step=step,
                moves=len(seconds),
                mean_seconds=round(sum(seconds) / len(seconds)) if seconds else None,
                p90_seconds=percentile(seconds, 0.9),
                within_limit_percent=(
                    (Decimal(100 * sum(timely)) / len(timely)).quantize(Decimal("0.1"))
                    if timely
                    else None
                ),
            )
        )
    return Analysis(
        start=start,
        end=end,
        received=len(rows),
        by_category=dict(by_category),
        by_department=dict(by_department),
        by_step=dict(by_step),
        step_times=times,
        repeat_complainers=repeat[:100],
    )
