"""Who sees which customer: the one place that decides (DOMAIN.md §9).

Private by default: a rep sees their own customers, a manager those of everyone below them,
an admin all; anyone else only through an unexpired grant. Every query, `node(id:)`, search,
nested field, count and export goes through `customer_scope` or the helpers built on it.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar, cast

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from server.domain.access.models import AccessGrant
from server.domain.accounts.permissions import Permission
from server.domain.accounts.viewer import Viewer
from server.domain.shared import clock

_NOTHING = Q(id__in=[])
M = TypeVar("M", bound=Model)


async def granted_customer_ids(viewer: Viewer) -> frozenset[int]:
    """Customers the viewer reaches through unexpired grants; read once per request."""
    user = viewer.user
    if user is None:
        return frozenset()

    async def read() -> frozenset[int]:
        ids = await AccessGrant.filter(grantee_id=user.id, expires_at__gt=clock.now()).values_list(
            "customer_id", flat=True
        )
        return frozenset(cast(list[int], ids))

    return await viewer.once("grants", read)


def _kw(name: str, value: Any) -> dict[str, Any]:
    return {name: value}


async def visible_rows(viewer: Viewer, model: type[M]) -> QuerySet[M]:
    """Rows of the customer model itself as far as the viewer may see them (the customers
    area passes its model in: access sits below customers and does not import it)."""
    scope = await customer_scope(viewer)
    return model.all() if scope is None else model.filter(scope)


async def customer_scope(viewer: Viewer, prefix: str = "") -> Q | None:
    """A filter selecting the customers the viewer may read; None means no restriction.

    `prefix` is the relation path from the queried model to the customer ("customer__").
    """
    if viewer.user is None:
        return _NOTHING
    if viewer.sees_all:
        return None
    team = await viewer.team_ids()
    owner_field = f"{prefix}owner_id__in"
    # customer itself: "id"; a related model: its own foreign key column, "customer_id".
    id_field = f"{prefix.removesuffix('__')}_id__in" if prefix else "id__in"
    scope = Q(**_kw(owner_field, list(team)))
    granted = await granted_customer_ids(viewer)
    if granted:
        scope |= Q(**_kw(id_field, list(granted)))
    return scope


async def visible_through_customer(viewer: Viewer, model: type[M]) -> QuerySet[M]:
    """Rows of a model hanging off a customer (its `customer` relation), as far as the
    viewer may see that customer: contacts, interactions, follow-ups, orders, rankings."""
    scope = await customer_scope(viewer, prefix="customer__")
    return model.all() if scope is None else model.filter(scope)


class Owned(Protocol):
    """A record with an owner: a customer (typed this way so access stays below customers)."""

    @property
    def owner_id(self) -> int:
        """The owning salesperson's id."""
        ...


async def can_edit_customer(viewer: Viewer, customer: Owned) -> bool:
    """Updates are for the owner's line only (数据更新设专人维护): grants are read-only."""
    return await can_edit_owned_by(viewer, customer.owner_id)


async def can_edit_owned_by(viewer: Viewer, owner_id: int) -> bool:
    """Whether the viewer may change records owned by this user: their own line's, or any for
    whoever sees all."""
    if viewer.user is None:
        return False
    if viewer.sees_all:
        return True
    return owner_id in await viewer.team_ids()


async def can_manage_user(viewer: Viewer, user_id: int) -> bool:
    """A manager may act on the people below them (transfer their customers, grant access)."""
    if viewer.sees_all:
        return True
    if not viewer.may(Permission.SEE_TEAM):
        return False
    return user_id in await viewer.team_ids()
