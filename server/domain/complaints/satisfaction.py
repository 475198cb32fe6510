"""A customer's satisfaction over time (docs/domain.md §8): the scores given at contacts and at
the closing of complaints, in one history. A drop is a churn signal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from server.domain.complaints.models import Complaint
from server.domain.followups.models import Interaction


class SatisfactionSource(StrEnum):
    INTERACTION = "interaction"
    COMPLAINT = "complaint"


SOURCE_MEANING = {
    SatisfactionSource.INTERACTION: "Given at a logged contact.",
    SatisfactionSource.COMPLAINT: "Given when a complaint was closed (总结评价).",
}


@dataclass(frozen=True)
class SatisfactionPoint:
    at: datetime
    score: int
    source: SatisfactionSource


async def satisfaction_history(customer_id: int, limit: int = 50) -> list[SatisfactionPoint]:
    """The customer's latest `limit` scores, oldest first. The caller has checked that the
    viewer sees the customer."""
    contacts = (
        await Interaction.filter(customer_id=customer_id, satisfaction__not_isnull=True)
        .order_by("-occurred_at", "-id")
        .limit(limit)
        .values_list("occurred_at", "satisfaction")
    )
    closings = (
        await Complaint.filter(customer_id=customer_id, satisfaction__not_isnull=True)
        .exclude(closed_at=None)
        .order_by("-closed_at", "-id")
        .limit(limit)
        .values_list("closed_at", "satisfaction")
    )
    points = [SatisfactionPoint(at, s, SatisfactionSource.INTERACTION) for at, s in contacts]
    points += [SatisfactionPoint(at, s, SatisfactionSource.COMPLAINT) for at, s in closings]
    points.sort(key=lambda p: p.at)
    return points[-limit:]
