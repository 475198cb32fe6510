"""The visibility rule has two renderings in server/domain/access/visibility.py: Tortoise
conditions (`customer_scope`, for lists and nested reads) and SQL (`customer_condition`, for
the customer-by-id read written as SQL). They must select the same customers for every kind
of viewer: owner, manager, peer, a manager elsewhere, admin, service, a grantee (before and
after the grant ends) and nobody."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.domain.access.models import AccessGrant
from server.domain.access.reach import REACH
from server.domain.accounts.viewer import Viewer
from server.domain.customers.models import Customer
from server.domain.customers.scope import visible_customer_rows, visible_customers
from server.domain.shared import clock
from tests.conftest import Company


async def _both(user: object, ids: list[int]) -> tuple[set[int], set[int]]:
    as_conditions = set(
        await (await visible_customers(Viewer(user=user))).values_list("id", flat=True)  # type: ignore[arg-type]
    )
    as_sql = {row["id"] for row in await visible_customer_rows(Viewer(user=user), ids, ("id",))}  # type: ignore[arg-type]
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
