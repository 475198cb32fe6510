"""DataLoaders of the sales area."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from server.domain.accounts.viewer import Viewer
from server.domain.sales.models import SalesOrderLine
from server.graphql.batch import grouped


def order_lines(viewer: Viewer) -> DataLoader[int, list[SalesOrderLine]]:
    """An order's lines in order; keyed by orders read through a visible customer."""
    return DataLoader(load_fn=grouped(SalesOrderLine, "order_id", "line_no"))
