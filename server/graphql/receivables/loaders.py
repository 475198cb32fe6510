"""DataLoaders of the receivables area. Keyed by ids read off receivables and payments the
viewer may read (receivables/scope.py)."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from server.domain.accounts.viewer import Viewer
from server.domain.customers.models import Customer
from server.domain.receivables.models import PaymentAllocation, Receivable
from server.graphql.batch import by_id, grouped


def customer_names(viewer: Viewer) -> DataLoader[int, str]:
    """Customers' names: whoever reads a debt or a payment may read whose it is."""

    async def load(ids: Sequence[int]) -> list[str]:
        found = dict(await Customer.filter(id__in=list(ids)).values_list("id", "name"))
        return [str(found.get(i, "")) for i in ids]

    return DataLoader(load_fn=load)


def receivables(viewer: Viewer) -> DataLoader[int, Receivable | None]:
    """Receivables by id, for allocations of payments already known to be visible."""
    return DataLoader(load_fn=by_id(Receivable))


def payment_allocations(viewer: Viewer) -> DataLoader[int, list[PaymentAllocation]]:
    """A payment's allocations, oldest first."""
    return DataLoader(load_fn=grouped(PaymentAllocation, "payment_id", "id"))


def receivable_allocations(viewer: Viewer) -> DataLoader[int, list[PaymentAllocation]]:
    """A receivable's allocations (the payments that paid it), oldest first."""
    return DataLoader(load_fn=grouped(PaymentAllocation, "receivable_id", "id"))
