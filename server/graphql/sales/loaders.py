"""DataLoaders of the sales area."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from server.domain.accounts.viewer import Viewer
from server.domain.sales.models import SalesOrderLine


async def _order_lines(order_ids: Sequence[int]) -> list[list[SalesOrderLine]]:
    grouped: dict[int, list[SalesOrderLine]] = defaultdict(list)
    rows = await SalesOrderLine.filter(order_id__in=list(order_ids)).order_by("order_id", "line_no")
    for row in rows:
        grouped[row.order_id].append(row)
    return [grouped.get(i, []) for i in order_ids]


def order_lines(viewer: Viewer) -> DataLoader[int, list[SalesOrderLine]]:
    """An order's lines in order; keyed by orders read through a visible customer."""
    return DataLoader(load_fn=_order_lines)
