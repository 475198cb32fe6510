"""Who sees which customer: the one place that decides (docs/domain.md §9).

Private by default: a rep sees their own customers, a manager those of everyone below them,
an admin all; anyone else only through an unexpired grant. Every query, `node(id:)`, search,
nested field, count and export goes through `customer_scope` or the helpers built on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from tortoise import Tortoise
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from server.domain.access.models import AccessGrant
from server.domain.access.reach import REACH, Reach
from server.domain.accounts.permissions import Permission
from server.domain.accounts.viewer import Viewer, subtree_of
from server.domain.shared import clock
from server.domain.shared.bulk import placeholders
from server.domain.shared.rows import Params

_NOTHING = Q(id__in=[])
M = TypeVar("M", bound=Model)
_EXPIRES = AccessGrant._meta.fields_map["expires_at"]


async def granted_customer_ids(viewer: Viewer) -> frozenset[int]:
    """Customers the viewer reaches through grants unexpired at this moment."""
    if viewer.user is None:
        return frozenset()
    return await viewer.once("grants", lambda: _granted_now(viewer))


async def _granted_now(viewer: Viewer) -> frozenset[int]:
    reach = await _reach(viewer)
    # Checked at every use, not when read: an access ends when it expires, cache or not.
    now = clock.now()
    return frozenset(customer_id for customer_id, until in reach.grants if until > now)


async def team_of(viewer: Viewer) -> frozenset[int]:
    """The viewer and, for a manager, everyone below them (remembered with the reach)."""
    if viewer.needs_team and not viewer.knows("team"):
        await _reach(viewer)
    return await viewer.team_ids()


async def _reach(viewer: Viewer) -> Reach:
    """The viewer's reach, remembered for a few seconds across requests (see reach.py)."""
    user = viewer.require_user()
    reach = REACH.get(user.id)
    if reach is None:
        generation = REACH.generation()
        reach = await _read_reach(viewer)
        REACH.put(user.id, reach, generation)
    if reach.team is not None:
        viewer.remember("team", reach.team)
    return reach


async def _read_reach(viewer: Viewer) -> Reach:
    """The viewer's grants and, for a manager, the reporting line, in one statement: every
    read of a customer needs both, and a round trip each was a third of the statements a
    customer by id cost."""
    user = viewer.require_user()
    conn = Tortoise.get_connection("default")
    dialect = conn.capabilities.dialect
    [grantee, until] = placeholders(dialect, 2, 1).strip("()").split(",")
    now = _EXPIRES.to_db_value(clock.now(), AccessGrant)
    sql = (
        f'SELECT 0, "customer_id", NULL, "expires_at" FROM "access_grant" '
        f'WHERE "grantee_id" = {grantee} AND "expires_at" > {until}'
    )
    if viewer.needs_team:
        sql += ' UNION ALL SELECT 1, "id", "manager_id", NULL FROM "app_user"'
    _, rows = await conn.execute_query(sql, [user.id, now])
    grants = tuple((row[1], _EXPIRES.to_python_value(row[3])) for row in rows if row[0] == 0)
    team = (
        subtree_of(user.id, [(row[1], row[2]) for row in rows if row[0] == 1])
        if viewer.needs_team
        else None
    )
    return Reach(grants=grants, team=team)


def _kw(name: str, value: Any) -> dict[str, Any]:
    return {name: value}


async def visible_rows(viewer: Viewer, model: type[M]) -> QuerySet[M]:
    """Rows of the customer model itself as far as the viewer may see them (the customers
    area passes its model in: access sits below customers and does not import it)."""
    scope = await customer_scope(viewer)
    return model.all() if scope is None else model.filter(scope)


@dataclass(frozen=True)
class CustomerSight:
    """Which customers one viewer may read, at one moment: the rule as a value. Every form
    the rule takes is rendered from it, side by side below, so that no form can drift from
    the others (test_visibility_forms.py holds them equal for every kind of viewer):

    - `q`: Tortoise conditions, for lists, counts and nested reads;
    - `sql`: an SQL condition, for reads written as SQL (shared/rows.py);
    - `admits`: a yes or no for one customer already in hand (live events at delivery).
    """

    everything: bool
    # Owners whose customers the viewer reads: themselves and, for a manager, their line.
    owners: frozenset[int]
    # Customers reached through grants unexpired at the moment the sight was taken.
    granted: frozenset[int]

    def q(self, prefix: str = "") -> Q | None:
        """A filter selecting these customers; None means no restriction. `prefix` is the
        relation path from the queried model to the customer ("customer__")."""
        if self.everything:
            return None
        if not (self.owners or self.granted):
            return _NOTHING
        # customer itself: "id"; a related model: its own foreign key column, "customer_id".
        id_field = f"{prefix.removesuffix('__')}_id__in" if prefix else "id__in"
        scope = Q(**_kw(f"{prefix}owner_id__in", list(self.owners)))
        if self.granted:
            scope |= Q(**_kw(id_field, list(self.granted)))
        return scope

    def sql(
        self, params: Params, id_column: str = '"id"', owner_column: str = '"owner_id"'
    ) -> str | None:
        """The same as an SQL condition over `params`; None means no restriction."""
        if self.everything:
            return None
        if not (self.owners or self.granted):
            return "1 = 0"
        condition = f"{owner_column} {params.among(sorted(self.owners))}"
        if self.granted:
            condition = f"({condition} OR {id_column} {params.among(sorted(self.granted))})"
        return condition

    def admits(self, customer_id: int, owner_id: int | None) -> bool:
        """Whether the customer with this id and owner is among them."""
        return self.everything or owner_id in self.owners or customer_id in self.granted


NOBODY_SEES = CustomerSight(everything=False, owners=frozenset(), granted=frozenset())
EVERYTHING = CustomerSight(everything=True, owners=frozenset(), granted=frozenset())


async def customer_sight(viewer: Viewer) -> CustomerSight:
    """The rule for this viewer now (docs/domain.md, "Who sees what"): nobody signed in sees
    nothing; an administrator everything; anyone else their own line's customers and those
    granted to them until the grant ends."""
    if viewer.user is None:
        return NOBODY_SEES
    if viewer.sees_all:
        return EVERYTHING
    # Grants first: their statement brings a manager's team along.
    granted = await granted_customer_ids(viewer)
    return CustomerSight(everything=False, owners=await team_of(viewer), granted=granted)


async def customer_scope(viewer: Viewer, prefix: str = "") -> Q | None:
    """The viewer's sight as Tortoise conditions (`CustomerSight.q`)."""
    return (await customer_sight(viewer)).q(prefix)


async def customer_condition(
    viewer: Viewer, params: Params, id_column: str = '"id"', owner_column: str = '"owner_id"'
) -> str | None:
    """The viewer's sight as an SQL condition (`CustomerSight.sql`)."""
    return (await customer_sight(viewer)).sql(params, id_column, owner_column)


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
    return owner_id in await team_of(viewer)


async def can_manage_user(viewer: Viewer, user_id: int) -> bool:
    """A manager may act on the people below them (transfer their customers, grant access)."""
    if viewer.sees_all:
        return True
    if not viewer.may(Permission.SEE_TEAM):
        return False
    return user_id in await team_of(viewer)
