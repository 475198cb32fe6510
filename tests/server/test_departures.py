"""A salesperson leaves: everything they hold is handed over in the step that deactivates
them, and their sign-ins end at once (docs/domain.md §9: the customer base stays)."""

from __future__ import annotations

from typing import Any

from server.domain.accounts.models import ApiToken, User
from server.domain.customers.models import Customer
from server.domain.followups.models import FollowUp
from tests.conftest import Company, create_customer
from tests.server.followup_helpers import logged, pk
from tests.server.live_helpers import Subscriber, serving

DEACTIVATE = """mutation($i: UserDeactivateInput!) { userDeactivate(input: $i) {
  user { username isActive } handedTo { username } customersMoved followUpsMoved
  complaintsMoved sessionsEnded userErrors { field code } } }"""


async def test_someone_holding_work_is_not_deactivated_without_a_successor(
    company: Company,
) -> None:
    customer = await create_customer(company.api("r1"), name="金华五金")
    await logged(company.api("r1"), customer["id"])
    payload = (await company.api("m1").data(DEACTIVATE, {"i": {"id": company.gid("r1")}}))[
        "userDeactivate"
    ]
    assert payload["userErrors"] == [{"field": ["input", "handOverTo"], "code": "REQUIRED"}]
    assert (await User.get(id=company.users["r1"].id)).is_active
    # Still signed in, still the owner: nothing was written.
    viewer = await company.api("r1").data("{ viewer { username } }")
    assert viewer["viewer"] == {"username": "r1"}
    assert (await Customer.get(id=pk(customer["id"]))).owner_id == company.users["r1"].id
    # Nor to someone outside the manager's team, nor to the person leaving.
    for successor in ("r3", "r1"):
        refused = (
            await company.api("m1").data(
                DEACTIVATE, {"i": {"id": company.gid("r1"), "handOverTo": company.gid(successor)}}
            )
        )["userDeactivate"]
        assert refused["userErrors"][0]["field"] == ["input", "handOverTo"]


async def test_deactivating_hands_everything_over_and_ends_the_sign_ins(
    company: Company, app: Any
) -> None:
    r1 = company.api("r1")
    first = await create_customer(r1, name="丽水木业")
    second = await create_customer(r1, name="衢州化工")
    await logged(r1, first["id"])
    open_before = await FollowUp.filter(assignee_id=company.users["r1"].id, status="open").count()
    assert open_before >= 1
    tokens = await ApiToken.filter(user_id=company.users["r1"].id, revoked_at__isnull=True).count()
    async with (
        serving(app) as url,
        Subscriber(
            url, company.tokens["r1"], "subscription { customerChanged { customerId } }"
        ) as listening,
    ):
        payload = (
            await company.api("m1").data(
                DEACTIVATE, {"i": {"id": company.gid("r1"), "handOverTo": company.gid("r2")}}
            )
        )["userDeactivate"]
        assert payload == {
            "user": {"username": "r1", "isActive": False},
            "handedTo": {"username": "r2"},
            "customersMoved": 2,
            "followUpsMoved": open_before,
            "complaintsMoved": 0,
            "sessionsEnded": tokens,
            "userErrors": [],
        }
        # The departing rep's open subscription ends with the sign-in.
        ended = await listening.next()
        assert isinstance(ended, Exception)
    # Refused at once: no cached session survives the deactivation.
    body = await r1.post("{ viewer { username } }")
    assert body["data"]["viewer"] is None
    owners = {c.owner_id for c in await Customer.filter(id__in=[pk(first["id"]), pk(second["id"])])}
    assert owners == {company.users["r2"].id}
    assert await FollowUp.filter(assignee_id=company.users["r1"].id, status="open").count() == 0
    # The successor's queue has the work, and they can act on the customers.
    queue = await company.api("r2").data("{ customers(first: 10) { totalCount } }")
    assert queue["customers"]["totalCount"] == 2
