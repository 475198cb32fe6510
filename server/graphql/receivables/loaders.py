"""DataLoaders of the receivables area. Keyed by ids read off receivables and payments the
viewer may read (receivables/scope.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from strawberry.dataloader import DataLoader
from tortoise.functions import Min, Sum

from server.domain.accounts.viewer import Viewer
from server.domain.customers.models import Contact, Customer
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


def overdue_facts(viewer: Viewer, day: date) -> DataLoader[int, tuple[int, date | None]]:
    """By customer: what is owed past due on `day`, and the earliest such due date, in one
    grouped statement for a whole board."""

    async def load(ids: Sequence[int]) -> list[tuple[int, date | None]]:
        rows = (
            await Receivable.filter(customer_id__in=list(ids), open_minor__gt=0, due_on__lt=day)
            .annotate(total=Sum("open_minor"), first=Min("due_on"))
            .group_by("customer_id")
            .values("customer_id", "total", "first")
        )
        found = {
            r["customer_id"]: (
                int(r["total"] or 0),
                date.fromisoformat(r["first"]) if isinstance(r["first"], str) else r["first"],
            )
            for r in rows
        }
        return [found.get(i, (0, None)) for i in ids]

    return DataLoader(load_fn=load)


def contact_names(viewer: Viewer) -> DataLoader[int, str | None]:
    """Contacts' names by id (an ally or key person named on a case the viewer reads)."""

    async def load(ids: Sequence[int]) -> list[str | None]:
        found = dict(await Contact.filter(id__in=list(ids)).values_list("id", "name"))
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)
