"""The visibility rule is one value (`CustomerSight`, server/domain/access/visibility.py)
rendered four ways: Tortoise conditions (lists and nested reads), SQL (reads written as
SQL), a yes or no for a customer in hand, and the delivery check of live events
(live/audience.py). They must select the same customers for every kind of viewer: owner,
manager, peer, a manager elsewhere, admin, service, a grantee (before and after the grant
ends) and nobody. The complaint rule builds on it (its own cases: test_complaints_api.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.domain.access.models import AccessGrant
from server.domain.access.reach import REACH
from server.domain.access.visibility import customer_sight
from server.domain.accounts.viewer import Viewer
from server.domain.customers.models import Customer
from server.domain.customers.scope import visible_customer_rows, visible_customers
from server.domain.events.models import EventKind
from server.domain.events.outbox import Happened
from server.domain.live.audience import may_hear
from server.domain.shared import clock
from tests.conftest import Company


async def _both(user: object, ids: list[int]) -> tuple[set[int], set[int]]:
    """What the conditions and the SQL select; the other two renderings must agree with
    them (asserted here, so every case below checks all four)."""
    as_conditions = set(
        await (await visible_customers(Viewer(user=user))).values_list("id", flat=True)  # type: ignore[arg-type]
    )
    as_sql = {row["id"] for row in await visible_customer_rows(Viewer(user=user), ids, ("id",))}  # type: ignore[arg-type]
    owners = dict(await Customer.filter(id__in=ids).values_list("id", "owner_id"))
    sight = await customer_sight(Viewer(user=user))  # type: ignore[arg-type]
    in_hand = {i for i in ids if sight.admits(i, owners[i])}
    live = set()
    for i in ids:
        event = Happened(0, EventKind.CUSTOMER, i, owners[i], None, None, 1, "changed")
        if await may_hear(Viewer(user=user), event):  # type: ignore[arg-type]
            live.add(i)
    assert in_hand == as_conditions, "CustomerSight.admits"
    assert live == as_conditions, "live/audience.py"
    return as_conditions, as_sql


async def test_both_forms_of_the_rule_select_the_same_customers(company: Company) -> None:
    users = company.users
    owned = {
        name: await Customer.create(owner=users[name], name=f"{name}的客户", search_text=name)
        for name in ("r1", "r2", "r3", "m2")
    }
    ids = [c.id for c in owned.values()]
    now = datetime.now(UTC)
    await AccessGrant.create(
        grantee=users["r2"], customer=owned["r3"], expires_at=now + timedelta(hours=1)
    )
    expected = {
        "r1": {owned["r1"].id},
        "r2": {owned["r2"].id, owned["r3"].id},
        "m1": {owned["r1"].id, owned["r2"].id},
        "m2": {owned["r3"].id, owned["m2"].id},
        "r3": {owned["r3"].id},
        "admin": set(ids),
        "svc": set(),
    }
    for name, sees in expected.items():
        assert await _both(users[name], ids) == (sees, sees), name
    assert await _both(None, ids) == (set(), set())
    # The grant ends: both forms drop it, the reach remembered or not.
    with clock.standing_at(now + timedelta(hours=2)):
        assert await _both(users["r2"], ids) == ({owned["r2"].id},) * 2
        REACH.forget()
        assert await _both(users["r2"], ids) == ({owned["r2"].id},) * 2
