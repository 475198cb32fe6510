"""Live updates: subscriptions over a real WebSocket, fed by the outbox the database writes.

Every event is checked against the subscriber's visibility when it is delivered; nothing
that rolled back is announced; a revoked sign-in ends the subscription.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from gql.transport.exceptions import TransportQueryError
from tortoise.transactions import in_transaction

from server.domain.access.models import AccessGrant
from server.domain.events.models import Event, EventKind
from server.domain.followups.models import FollowUp, FollowUpOrigin
from server.domain.shared import clock
from server.process.hub import HUB
from server.process.timed import SCHEDULER
from tests.conftest import Company, create_customer
from tests.server.followup_helpers import company_today, logged, pk
from tests.server.live_helpers import Subscriber, serving
from tests.server.test_collections import CLASSIFY, _case, owe

QUEUE = "subscription { queueChanged { followUpId customerId inQueue } }"
CUSTOMER = "subscription { customerChanged { customerId version } }"
MONEY = "subscription { moneyChanged { customerId change paymentId } }"
COMPLAINT = "subscription { complaintChanged { complaintId step becameOverdue version } }"
UPDATE = """mutation($i: CustomerUpdateInput!) { customerUpdate(input: $i) {
  customer { version } userErrors { code } } }"""


@pytest.fixture
async def url(app: Any) -> Any:
    async with serving(app) as address:
        yield address


async def _rename(company: Company, who: str, customer: dict[str, Any], name: str) -> int:
    data = await company.api(who).data(
        UPDATE, {"i": {"id": customer["id"], "version": customer["version"], "name": name}}
    )
    customer["version"] = data["customerUpdate"]["customer"]["version"]
    return int(customer["version"])


async def test_a_contact_logged_by_someone_else_reaches_the_owners_queue(
    company: Company, url: str
) -> None:
    customer = await create_customer(company.api("r1"), name="宁波轴承厂")
    async with (
        Subscriber(url, company.tokens["r1"], QUEUE) as r1,
        Subscriber(url, company.tokens["r3"], QUEUE) as r3,
    ):
        # The manager logs the contact; the next follow-up is the owner's.
        await logged(company.api("m1"), customer["id"])
        seen = [await r1.next()]
        while True:
            try:
                seen.append(await r1.next(timeout=0.7))
            except TimeoutError:
                break
        changes = [s["queueChanged"] for s in seen]
        assert {c["customerId"] for c in changes} == {customer["id"]}
        opened = [c for c in changes if c["inQueue"]]
        assert opened, changes
        [follow_up] = await FollowUp.filter(
            customer_id=pk(customer["id"]), status="open", assignee_id=company.users["r1"].id
        )
        assert pk(opened[-1]["followUpId"]) == follow_up.id
        # Another team's rep hears nothing of it.
        await r3.nothing(0.5)


async def test_a_manager_may_follow_the_queues_of_the_team(company: Company, url: str) -> None:
    customer = await create_customer(company.api("r1"), name="台州水泵厂")
    team = "subscription { queueChanged(team: true) { customerId assigneeId inQueue } }"
    async with (
        Subscriber(url, company.tokens["m1"], team) as m1_team,
        Subscriber(url, company.tokens["m1"], QUEUE) as m1_own,
        Subscriber(url, company.tokens["m2"], team) as m2_team,
        Subscriber(url, company.tokens["r2"], team) as r2_team,
    ):
        await logged(company.api("r1"), customer["id"])
        change = (await m1_team.next())["queueChanged"]
        assert change["customerId"] == customer["id"]
        assert change["assigneeId"] == company.gid("r1")
        # Without `team`, only one's own queue; another manager's team, or a colleague
        # asking for a team they do not have, hears nothing.
        await m1_own.nothing(0.5)
        await m2_team.nothing(0.1)
        await r2_team.nothing(0.1)


async def test_no_events_about_customers_one_cannot_see(company: Company, url: str) -> None:
    customer = await create_customer(company.api("r1"), name="温州阀门厂")
    async with (
        Subscriber(url, company.tokens["r1"], CUSTOMER) as r1,
        Subscriber(url, company.tokens["m1"], CUSTOMER) as m1,
        Subscriber(url, company.tokens["r3"], CUSTOMER) as r3,
        Subscriber(url, company.tokens["m2"], CUSTOMER) as m2,
    ):
        version = await _rename(company, "r1", customer, "温州阀门总厂")
        expected = {"customerChanged": {"customerId": customer["id"], "version": version}}
        assert await r1.next() == expected
        assert await m1.next() == expected  # the owner's manager
        await r3.nothing(0.5)
        await m2.nothing(0.1)


async def test_a_grant_that_expires_stops_delivery(company: Company, url: str) -> None:
    customer = await create_customer(company.api("r1"), name="嘉兴纺织厂")
    until = clock.now() + timedelta(hours=1)
    await AccessGrant.create(
        grantee_id=company.users["r3"].id,
        customer_id=pk(customer["id"]),
        granted_by_id=company.users["m1"].id,
        expires_at=until,
    )
    async with Subscriber(url, company.tokens["r3"], CUSTOMER) as r3:
        version = await _rename(company, "r1", customer, "嘉兴纺织一厂")
        assert (await r3.next())["customerChanged"]["version"] == version
        with clock.standing_at(until + timedelta(seconds=1)):
            await _rename(company, "r1", customer, "嘉兴纺织二厂")
            await r3.nothing(1.0)


async def test_a_rolled_back_change_announces_nothing(company: Company, url: str) -> None:
    customer = await create_customer(company.api("r1"), name="绍兴印染厂")
    r1_id = company.users["r1"].id
    async with Subscriber(url, company.tokens["r1"], QUEUE) as r1:
        before = await Event.all().count()
        with pytest.raises(RuntimeError):
            async with in_transaction():
                await FollowUp.create(
                    customer_id=pk(customer["id"]),
                    assignee_id=r1_id,
                    due_on=company_today(),
                    kind="phone",
                    purpose="never committed",
                    origin=FollowUpOrigin.MANUAL,
                    created_by_id=r1_id,
                )
                raise RuntimeError("the work failed")
        HUB.poke()
        await r1.nothing(1.0)
        assert await Event.all().count() == before
        # A refused mutation writes nothing and announces nothing either.
        refused = await company.api("r1").data(
            UPDATE, {"i": {"id": customer["id"], "version": 99, "name": "x"}}
        )
        assert refused["customerUpdate"]["userErrors"]
        await r1.nothing(0.7)
        # What does commit arrives.
        await logged(company.api("r1"), customer["id"])
        assert (await r1.next())["queueChanged"]["customerId"] == customer["id"]


async def test_a_revoked_sign_in_ends_the_subscription(company: Company, url: str) -> None:
    customer = await create_customer(company.api("r1"), name="台州泵业")
    async with Subscriber(url, company.tokens["r1"], CUSTOMER) as r1:
        await company.api("r1").data("mutation { logout { userErrors { code } } }")
        await _rename(company, "m1", customer, "台州泵业集团")
        ended = await r1.next()
        assert isinstance(ended, Exception)
        assert "sign-in has ended" in str(ended)


async def test_a_websocket_without_a_valid_token_is_refused(company: Company, url: str) -> None:
    for token in (None, "not-a-token"):
        async with Subscriber(url, token, QUEUE) as nobody:
            refused = await nobody.next()
            assert isinstance(refused, Exception), refused
    assert not HUB.inboxes


async def test_payments_and_holds_reach_those_who_read_the_money(
    company: Company, url: str
) -> None:
    await company.add_user("fin", "finance")
    finance = company.api("fin")
    customer = await create_customer(company.api("r1"), name="湖州竹业")
    await owe(company, customer["id"], "500.00", days_overdue=10)
    record = """mutation($i: PaymentRecordInput!) { paymentRecord(input: $i) {
      payment { id } userErrors { code } } }"""
    async with (
        Subscriber(url, company.tokens["fin"], MONEY) as fin,
        Subscriber(url, company.tokens["r1"], MONEY) as r1,
        Subscriber(url, company.tokens["r3"], MONEY) as r3,
    ):
        paid = await finance.data(
            record,
            {
                "i": {
                    "customerId": customer["id"],
                    "amount": "200.00",
                    "receivedOn": company_today().isoformat(),
                    "method": "BANK_TRANSFER",
                }
            },
        )
        payment_id = paid["paymentRecord"]["payment"]["id"]
        expected = {
            "moneyChanged": {
                "customerId": customer["id"],
                "change": "PAYMENT_RECORDED",
                "paymentId": payment_id,
            }
        }
        assert await fin.next() == expected
        assert await r1.next() == expected
        await r3.nothing(0.5)
        await finance.data(
            """mutation($i: CreditHoldInput!) { creditHoldPlace(input: $i) {
            userErrors { code } } }""",
            {"i": {"customerId": customer["id"], "reason": "逾期未付"}},
        )
        held = await fin.next()
        assert held["moneyChanged"]["change"] == "HOLD_PLACED"
        assert held["moneyChanged"]["paymentId"] is None


async def test_a_collection_case_changing_reaches_who_may_read_the_money(
    company: Company, url: str
) -> None:
    await company.add_user("fin", "finance")
    finance = company.api("fin")
    customer = await create_customer(company.api("r1"), name="嘉兴纸业")
    await owe(company, customer["id"], "800.00", days_overdue=40)
    async with (
        Subscriber(url, company.tokens["fin"], MONEY) as fin,
        Subscriber(url, company.tokens["r1"], MONEY) as r1,
        Subscriber(url, company.tokens["r3"], MONEY) as r3,
    ):
        # Reading the board opens the overdue customer's case; finance classifies it.
        case = await _case(company, finance, customer["id"])
        opened = {
            "moneyChanged": {
                "customerId": customer["id"],
                "change": "CASE_CHANGED",
                "paymentId": None,
            }
        }
        assert await fin.next() == opened
        assert await r1.next() == opened
        classified = await finance.data(
            CLASSIFY,
            {
                "i": {
                    "id": case["id"],
                    "version": case["version"],
                    "classification": "CASH_FLOW",
                    "reason": "资金周转困难",
                }
            },
        )
        assert classified["collectionClassify"]["userErrors"] == []
        assert await fin.next() == opened
        assert await r1.next() == opened
        await r3.nothing(0.5)  # another team's rep reads none of this customer's money


async def test_a_step_passing_its_limit_is_announced_once(company: Company, url: str) -> None:
    customer = await create_customer(company.api("r1"), name="舟山船厂")
    complaint_id = await _complaint(company, customer)
    due = await _due(complaint_id)
    async with (
        Subscriber(url, company.tokens["r1"], COMPLAINT) as r1,
        Subscriber(url, company.tokens["r3"], COMPLAINT) as r3,
    ):
        await SCHEDULER.run_due()  # the job's first run: its window starts now
        with clock.standing_at(due + timedelta(minutes=1)):
            done = await SCHEDULER.run_due()
            assert done["complaints_overdue"] == 1
            change = (await r1.next())["complaintChanged"]
            assert change["becameOverdue"] is True
            assert pk(change["complaintId"]) == complaint_id
            # Offered again at once: the run is claimed, nothing is announced twice.
            assert "complaints_overdue" not in await SCHEDULER.run_due()
            await r1.nothing(0.5)
            await r3.nothing(0.1)
    events = await Event.filter(kind=EventKind.COMPLAINT_OVERDUE).count()
    assert events == 1


async def _complaint(company: Company, customer: dict[str, Any]) -> int:
    data = await company.api("r1").data(
        """mutation($i: ComplaintRecordInput!) { complaintRecord(input: $i) {
        complaint { id } userErrors { field message } } }""",
        {
            "i": {
                "customerId": customer["id"],
                "channel": "PHONE",
                "kind": "TRANSIT_DAMAGE",
                "subject": "货物破损",
            }
        },
    )
    payload = data["complaintRecord"]
    assert payload["userErrors"] == [], payload
    return pk(payload["complaint"]["id"])


async def _due(complaint_id: int) -> Any:
    from server.domain.complaints.models import Complaint

    complaint = await Complaint.get(id=complaint_id)
    assert complaint.step_due_at is not None
    return complaint.step_due_at


async def test_a_bad_customer_id_is_a_clear_error_not_an_internal_one(
    company: Company, url: str
) -> None:
    query = "subscription($ids: [ID!]) { customerChanged(customerIds: $ids) { version } }"
    for ids, words in ((["not-an-id"], "GlobalID"), ([company.gid("r2")], "")):
        async with Subscriber(url, company.tokens["r1"], query, {"ids": ids}) as r1:
            error = await r1.next()
        assert isinstance(error, TransportQueryError), error
        [problem] = error.errors or []
        assert "Internal" not in problem["message"]
        assert words in problem["message"]
        if not words:  # an id, but a user's: refused naming the argument
            assert problem["extensions"]["argument"] == "customerIds"
