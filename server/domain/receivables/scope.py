"""Which receivables and payments a viewer sees: finance (and administrators) every one;
everyone else those of the customers they see (the one rule in access/visibility.py), so a
rep sees their customers' and a manager their team's. Nobody signed in sees nothing.

Finance reads a debt's customer facts through the receivable (name, contacts, credit), not
the customer's archive: `Receivable.customer` stays null unless the customer is visible."""

from __future__ import annotations

from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from server.domain.access.visibility import customer_scope
from server.domain.accounts.permissions import Permission
from server.domain.accounts.viewer import Viewer
from server.domain.customers.scope import visible_customers
from server.domain.receivables.models import CollectionCase, Payment, Receivable

M = TypeVar("M", bound=Model)


def works_all_receivables(viewer: Viewer) -> bool:
    """Finance and administrators: every customer's debts and payments."""
    return viewer.may(Permission.WORK_RECEIVABLES) or viewer.may(Permission.SEE_ALL)


async def _scoped(viewer: Viewer, model: type[M]) -> QuerySet[M]:
    if viewer.user is None:
        return model.filter(id__in=[])
    if works_all_receivables(viewer):
        return model.all()
    scope = await customer_scope(viewer, prefix="customer__")
    return model.all() if scope is None else model.filter(scope)


async def visible_receivables(viewer: Viewer) -> QuerySet[Receivable]:
    """The receivables the viewer may read."""
    return await _scoped(viewer, Receivable)


async def visible_payments(viewer: Viewer) -> QuerySet[Payment]:
    """The payments the viewer may read."""
    return await _scoped(viewer, Payment)


async def visible_cases(viewer: Viewer) -> QuerySet[CollectionCase]:
    """The collection cases the viewer may read: with their customers' money."""
    return await _scoped(viewer, CollectionCase)


async def sees_money_of(viewer: Viewer, customer_id: int) -> bool:
    """Whether the viewer may read this customer's receivables and payments."""
    if viewer.user is None:
        return False
    if works_all_receivables(viewer):
        return True
    return await (await visible_customers(viewer)).filter(id=customer_id).exists()
