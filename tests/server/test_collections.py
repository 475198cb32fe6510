"""Credit holds and limits, write-offs, the collection ladder, reminders, statements and
aging (docs/domain.md §6, seed 000 §六), over HTTP with the people who do each."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from strawberry.relay import GlobalID

from server.domain.accounts.viewer import Viewer
from server.domain.audit.models import AuditEntry
from server.domain.followups.models import FollowUp
from server.domain.receivables import services
from server.domain.receivables.aging import bucket_of
from server.domain.receivables.ladder import COLLECTIONS
from server.domain.receivables.models import CollectionCase, CollectionStep, Receivable
from server.domain.shared import clock
from server.domain.shared.errors import DomainError, ErrorCode
from server.domain.workflow.process import history
from tests.conftest import Api, Company, create_customer
from tests.server.followup_helpers import company_today, pk

ORDER = """mutation($i: SalesOrderCreateInput!) { salesOrderCreate(input: $i) {
  salesOrder { id } userErrors { field code message } } }"""
HOLD = """mutation($i: CreditHoldInput!) { creditHoldPlace(input: $i) {
  account { hold { reason placedBy { username } } } userErrors { code } } }"""
RELEASE = """mutation($i: CreditHoldInput!) { creditHoldRelease(input: $i) {
  account { hold { reason } } userErrors { code } } }"""
CASE = """id version step classification nextActionOn allyName keyPersonName
  overdue { amount } oldestDaysOverdue viewerSteps agencyName agencyFee { amount }
  legalAction caseNumber entries { action step outcome actor { username } }"""
STEP = f"""mutation($i: CollectionStepInput!) {{ collectionStep(input: $i) {{
  collectionCase {{ {CASE} }} userErrors {{ field code message }} }} }}"""
CLASSIFY = f"""mutation($i: CollectionClassifyInput!) {{ collectionClassify(input: $i) {{
  collectionCase {{ {CASE} }} userErrors {{ field code }} }} }}"""
# The board's cases without their entries: every entry of every case on the board is a list
# inside a list inside a list, more than the cost limit lets one query ask for.
BOARD_CASE = CASE.replace("entries { action step outcome actor { username } }", "")
BOARD = f"{{ collections {{ columns {{ step count cases {{ {BOARD_CASE} customerName }} }} }} }}"


@pytest.fixture
async def finance(company: Company) -> Api:
    await company.add_user("fin", "finance")
    return company.api("fin")


def fin(company: Company) -> Viewer:
    return Viewer(user=company.users["fin"])


async def owe(
    company: Company, customer_id: str, amount: str, *, days_overdue: int, ref: str = ""
) -> Receivable:
    """A debt of `amount`, issued 60 days before it fell due, `days_overdue` ago."""
    due = company_today() - timedelta(days=days_overdue)
    return await services.create_receivable(
        fin(company),
        pk(customer_id),
        {"amount": amount, "issued_on": due - timedelta(days=60), "due_on": due, "reference": ref},
    )


async def order(api: Api, customer_id: str, price: str, **extra: Any) -> dict[str, Any]:
    return (
        await api.data(
            ORDER,
            {
                "i": {
                    "customerId": customer_id,
                    "orderedOn": company_today().isoformat(),
                    "lines": [{"product": "模具", "quantity": 1, "unitPrice": price}],
                    **extra,
                }
            },
        )
    )["salesOrderCreate"]


# ---- credit hold and limit ----


async def test_a_hold_refuses_every_order_until_a_manager_lets_one_through(
    company: Company, finance: Api
) -> None:
    customer = await create_customer(company.api("r1"))
    held = (await finance.data(HOLD, {"i": {"customerId": customer["id"], "reason": "逾期"}}))[
        "creditHoldPlace"
    ]
    assert held["account"]["hold"] == {"reason": "逾期", "placedBy": {"username": "fin"}}
    refused = await order(company.api("r1"), customer["id"], "100.00")
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        (["input", "creditOverrideReason"], "INVALID_STATE")
    ]
    assert "逾期" in refused["userErrors"][0]["message"]
    assert await Receivable.all().count() == 0  # nothing half-written
    # The rep's own reason is not enough; the manager's is (audited).
    rep = await order(company.api("r1"), customer["id"], "100.00", creditOverrideReason="急单")
    assert [e["code"] for e in rep["userErrors"]] == ["NOT_ALLOWED"]
    through = await order(
        company.api("m1"), customer["id"], "100.00", creditOverrideReason="老客户，担保"
    )
    assert through["userErrors"] == []
    from server.domain.audit.models import AuditEntry

    assert await AuditEntry.filter(action="order.credit_override").count() == 1
    released = (
        await finance.data(RELEASE, {"i": {"customerId": customer["id"], "reason": "已付清"}})
    )["creditHoldRelease"]
    assert released == {"account": {"hold": None}, "userErrors": []}
    assert (await order(company.api("r1"), customer["id"], "1.00"))["userErrors"] == []


async def test_an_order_past_the_credit_limit_is_refused(company: Company, finance: Api) -> None:
    customer = await create_customer(company.api("r1"), creditLimit="1000.00")
    await owe(company, customer["id"], "600.00", days_overdue=-10)
    # 600.00 owed + 400.00 reaches the limit exactly: allowed.
    assert (await order(company.api("r1"), customer["id"], "400.00"))["userErrors"] == []
    past = await order(company.api("r1"), customer["id"], "0.01")
    assert [(e["field"], e["code"]) for e in past["userErrors"]] == [
        (["input", "creditOverrideReason"], "INVALID_STATE")
    ]
    assert "1000.01" in past["userErrors"][0]["message"]
    account = await finance.data(
        "query($c: ID!) { customerAccount(customerId: $c) { creditUsedPercent } }",
        {"c": customer["id"]},
    )
    assert account["customerAccount"]["creditUsedPercent"] == 100.0


# ---- write-offs ----


async def test_a_write_off_needs_a_second_pair_of_eyes(company: Company, finance: Api) -> None:
    customer = await create_customer(company.api("r1"))
    debt = await owe(company, customer["id"], "1000.00", days_overdue=200)
    gid = str(GlobalID("Receivable", str(debt.id)))
    propose = """mutation($i: WriteOffProposeInput!) { writeOffPropose(input: $i) {
      writeOff { id status amount { amount } } userErrors { field code } } }"""
    decide = """mutation($i: WriteOffDecideInput!) { writeOffDecide(input: $i) {
      writeOff { status receivable { open { amount } writtenOff { amount } status } }
      userErrors { code message } } }"""
    too_much = await company.api("m1").data(
        propose, {"i": {"receivableId": gid, "amount": "1000.01", "reason": "倒闭"}}
    )
    assert too_much["writeOffPropose"]["userErrors"] == [
        {"field": ["input", "amount"], "code": "OUT_OF_RANGE"}
    ]
    proposed = (
        await company.api("m1").data(
            propose, {"i": {"receivableId": gid, "amount": "333.33", "reason": "部分无法收回"}}
        )
    )["writeOffPropose"]["writeOff"]
    assert proposed["status"] == "PROPOSED"
    own = (
        await company.api("m1").data(decide, {"i": {"writeOffId": proposed["id"], "approve": True}})
    )["writeOffDecide"]
    assert [e["code"] for e in own["userErrors"]] == ["NOT_ALLOWED"]
    by_finance = (
        await finance.data(decide, {"i": {"writeOffId": proposed["id"], "approve": True}})
    )["writeOffDecide"]
    assert [e["code"] for e in by_finance["userErrors"]] == ["NOT_ALLOWED"]
    approved = (
        await company.api("admin").data(
            decide, {"i": {"writeOffId": proposed["id"], "approve": True}}
        )
    )["writeOffDecide"]
    assert approved["writeOff"]["status"] == "APPROVED"
    assert approved["writeOff"]["receivable"] == {
        "open": {"amount": "666.67"},
        "writtenOff": {"amount": "333.33"},
        "status": "PARTLY_PAID",
    }
    again = (
        await company.api("admin").data(
            decide, {"i": {"writeOffId": proposed["id"], "approve": False}}
        )
    )["writeOffDecide"]
    assert [e["code"] for e in again["userErrors"]] == ["INVALID_STATE"]
    # Balance = amount − payments − write-offs, to the cent.
    paid = await services.record_payment(
        fin(company),
        pk(customer["id"]),
        {"amount": "666.67", "received_on": company_today(), "method": "cash"},
    )
    assert paid.applied == [(debt.id, 666_67)]
    settled = await Receivable.get(id=debt.id)
    assert (settled.open_minor, settled.status) == (0, "written_off")


# ---- the collection ladder ----


async def _case(company: Company, finance: Api, customer_id: str) -> dict[str, Any]:
    board = await finance.data(BOARD)
    [new] = [c for c in board["collections"]["columns"] if c["step"] == "NEW"]
    [case] = [c for c in new["cases"] if c["customerName"]]
    return case


async def test_an_overdue_customer_gets_a_case_that_climbs_the_ladder(
    company: Company, finance: Api
) -> None:
    customer = await create_customer(company.api("r1"))
    contacts = {}
    for name, extra in (
        ("王内线", {"allyStrength": "STRONG"}),
        ("李总", {"isDecisionMaker": True}),
    ):
        created = await company.api("r1").data(
            """mutation($i: ContactCreateInput!) { contactCreate(input: $i) {
            contact { id } } }""",
            {"i": {"customerId": customer["id"], "name": name, **extra}},
        )
        contacts[name] = created["contactCreate"]["contact"]["id"]
    await owe(company, customer["id"], "5000.00", days_overdue=45)
    await owe(company, customer["id"], "1000.00", days_overdue=-5)  # not yet due
    case = await _case(company, finance, customer["id"])
    assert case["overdue"] == {"amount": "5000.00"}
    assert case["oldestDaysOverdue"] == 45
    assert case["viewerSteps"] == []  # classify first
    next_week = (company_today() + timedelta(days=7)).isoformat()
    r1 = company.api("r1")

    async def step(version: int, step: str, **extra: Any) -> dict[str, Any]:
        values = {"id": case["id"], "version": version, "step": step, "nextActionOn": next_week}
        return (await r1.data(STEP, {"i": {**values, **extra}}))["collectionStep"]

    unclassified = await step(1, "NEGOTIATE")
    assert [(e["field"], e["code"]) for e in unclassified["userErrors"]] == [
        (None, "INVALID_STATE")
    ]
    classified = (
        await r1.data(
            CLASSIFY,
            {
                "i": {
                    "id": case["id"],
                    "version": 1,
                    "classification": "CASH_FLOW",
                    "reason": "回款慢，资金紧张",
                }
            },
        )
    )["collectionClassify"]["collectionCase"]
    assert classified["viewerSteps"] == ["NEGOTIATE", "THROUGH_ALLY", "KEY_PERSON", "STOP_SUPPLY"]
    first = await step(2, "NEGOTIATE", note="当面谈，答应分两次付")
    assert first["collectionCase"]["step"] == "NEGOTIATE"
    # The next action lands in the owner's queue.
    [queued] = await FollowUp.filter(customer_id=pk(customer["id"]), origin="collection")
    assert (queued.due_on.isoformat(), queued.assignee_id) == (next_week, company.users["r1"].id)
    # Step 2 needs one of the customer's allies; the decision maker is not one.
    not_ally = await step(3, "THROUGH_ALLY", allyId=contacts["李总"])
    assert [(e["field"], e["code"]) for e in not_ally["userErrors"]] == [
        (["input", "allyId"], "INVALID")
    ]
    missing = await step(3, "THROUGH_ALLY")
    assert [(e["field"], e["code"]) for e in missing["userErrors"]] == [
        (["input", "allyId"], "REQUIRED")
    ]
    ally = await step(3, "THROUGH_ALLY", allyId=contacts["王内线"], note="内线说老板在外地")
    assert ally["collectionCase"]["allyName"] == "王内线"
    key = await step(4, "KEY_PERSON", keyPersonId=contacts["李总"])
    assert key["collectionCase"]["keyPersonName"] == "李总"
    # Non-malicious: no agency, no lawsuit.
    agency = await step(
        5,
        "AGENCY",
        agencyName="某催收公司",
        handedOverOn=company_today().isoformat(),
        agencyFee="500.00",
    )
    assert [e["code"] for e in agency["userErrors"]] == ["NOT_ALLOWED"]
    stop = await step(5, "STOP_SUPPLY", note="断货")
    assert stop["collectionCase"]["step"] == "STOP_SUPPLY"
    hold = await finance.data(
        "query($c: ID!) { customerAccount(customerId: $c) { hold { reason } } }",
        {"c": customer["id"]},
    )
    assert hold["customerAccount"]["hold"] is not None
    # Going back down needs a reason.
    down = await step(6, "NEGOTIATE")
    assert [(e["field"], e["code"]) for e in down["userErrors"]] == [
        (["input", "note"], "REQUIRED")
    ]
    back = await step(6, "NEGOTIATE", note="对方已付一半，恢复协商")
    assert back["collectionCase"]["step"] == "NEGOTIATE"
    actions = [e["action"] for e in back["collectionCase"]["entries"]]
    assert actions == [
        "classify",
        "negotiate",
        "through_ally",
        "key_person",
        "stop_supply",
        "negotiate",
    ]
    # Paid to the last overdue cent (the debt not yet due stays owed): the case closes.
    await services.record_payment(
        fin(company),
        pk(customer["id"]),
        {"amount": "5000.00", "received_on": company_today(), "method": "bank_transfer"},
    )
    closed = await finance.data(
        f"query($k: ID!) {{ node(id: $k) {{ ... on CollectionCase {{ {CASE} closedAt }} }} }}",
        {"k": case["id"]},
    )
    assert closed["node"]["step"] == "CLOSED"
    assert closed["node"]["closedAt"] is not None
    await queued.refresh_from_db()
    assert queued.status == "skipped"
    # The system closed it through the workflow's one move path: its step event and audit
    # entry name no person.
    last = (await history(COLLECTIONS.name, [pk(case["id"])]))[-1]
    assert (last.action, last.from_step, last.to_step, last.actor_id) == (
        "close",
        "negotiate",
        "closed",
        None,
    )
    audited = await AuditEntry.filter(action="collection.close", object_id=pk(case["id"])).get()
    assert audited.actor_id is None and audited.changes["step"]["to"] == "closed"


async def test_closing_a_case_is_the_systems_alone(company: Company, finance: Api) -> None:
    """No person is offered "close", and asking for it is refused, admin included."""
    customer = await create_customer(company.api("r1"))
    await owe(company, customer["id"], "80000.00", days_overdue=120)
    case = await CollectionCase.get(id=pk((await _case(company, finance, customer["id"]))["id"]))
    for who in ("admin", "m1"):
        viewer = Viewer(user=company.users[who])
        assert "close" not in await COLLECTIONS.allowed_actions(viewer, case)
        with pytest.raises(DomainError) as refused:
            await COLLECTIONS.move(viewer, case, "close", version=case.version)
        assert refused.value.problems[0].code == ErrorCode.NOT_ALLOWED
    assert (await CollectionCase.get(id=case.id)).step == CollectionStep.NEW


async def test_a_malicious_debt_may_go_straight_to_court(company: Company, finance: Api) -> None:
    customer = await create_customer(company.api("r1"))
    await owe(company, customer["id"], "80000.00", days_overdue=120)
    case = await _case(company, finance, customer["id"])
    classified = (
        await finance.data(
            CLASSIFY,
            {
                "i": {
                    "id": case["id"],
                    "version": 1,
                    "classification": "MALICIOUS",
                    "reason": "转移资产",
                }
            },
        )
    )["collectionClassify"]["collectionCase"]
    assert len(classified["viewerSteps"]) == 6
    later = (company_today() + timedelta(days=30)).isoformat()
    base = {"id": case["id"], "version": 2, "step": "LEGAL", "nextActionOn": later}
    no_number = (await finance.data(STEP, {"i": {**base, "legalAction": "LAWSUIT"}}))[
        "collectionStep"
    ]
    assert [(e["field"], e["code"]) for e in no_number["userErrors"]] == [
        (["input", "caseNumber"], "REQUIRED")
    ]
    sued = (
        await finance.data(
            STEP, {"i": {**base, "legalAction": "LAWSUIT", "caseNumber": "(2026)浙0102民初123号"}}
        )
    )["collectionStep"]["collectionCase"]
    assert (sued["step"], sued["legalAction"], sued["caseNumber"]) == (
        "LEGAL",
        "LAWSUIT",
        "(2026)浙0102民初123号",
    )
    stale = (await finance.data(STEP, {"i": {**base, "legalAction": "LAWYERS_LETTER"}}))[
        "collectionStep"
    ]
    assert [e["code"] for e in stale["userErrors"]] == ["STALE_VERSION"]


# ---- reminders before the due date ----


async def test_a_reminder_falls_due_three_days_before_the_debt(
    company: Company, finance: Api
) -> None:
    customer = await create_customer(company.api("r1"))
    today = company_today()
    debt = await services.create_receivable(
        fin(company),
        pk(customer["id"]),
        {"amount": "2000.00", "issued_on": today, "due_on": today + timedelta(days=10)},
    )
    [reminder] = await FollowUp.filter(origin="payment_reminder")
    assert reminder.due_on == today + timedelta(days=7)
    assert reminder.assignee_id == company.users["r1"].id
    assert "2000.00" in reminder.purpose
    # Already due, or paid first: no reminder, or it is withdrawn.
    await services.create_receivable(
        fin(company),
        pk(customer["id"]),
        {"amount": "1.00", "issued_on": today - timedelta(days=40), "due_on": today},
    )
    assert await FollowUp.filter(origin="payment_reminder").count() == 1
    await services.record_payment(
        fin(company),
        pk(customer["id"]),
        {"amount": "2001.00", "received_on": today, "method": "cash"},
    )
    await reminder.refresh_from_db()
    assert reminder.status == "skipped"
    assert (await Receivable.get(id=debt.id)).open_minor == 0


# ---- statements of account ----


async def test_a_statement_adds_up_and_is_reconciled(company: Company, finance: Api) -> None:
    customer = await create_customer(company.api("r1"))
    today = company_today()
    start = today - timedelta(days=30)
    for issued, amount in (
        (start - timedelta(days=5), "300.00"),
        (start + timedelta(days=2), "500.00"),
    ):
        await services.create_receivable(
            fin(company), pk(customer["id"]), {"amount": amount, "issued_on": issued}
        )
    await services.record_payment(
        fin(company),
        pk(customer["id"]),
        {"amount": "100.00", "received_on": start - timedelta(days=1), "method": "cash"},
    )
    bounced = await services.record_payment(
        fin(company),
        pk(customer["id"]),
        {"amount": "250.00", "received_on": start + timedelta(days=3), "method": "cheque"},
    )
    await services.reverse_payment(fin(company), bounced.payment.id, "退票")
    body = await finance.data(
        """query($c: ID!, $a: Date!, $b: Date!) { customerAccount(customerId: $c) {
        statement(from: $a, to: $b) { opening { amount } closing { amount }
          lines { kind amount { amount } } }
        balance { net { amount } } } }""",
        {"c": customer["id"], "a": start.isoformat(), "b": today.isoformat()},
    )
    account = body["customerAccount"]
    statement = account["statement"]
    assert statement["opening"] == {"amount": "200.00"}  # 300 owed − 100 paid
    assert [(line["kind"], line["amount"]["amount"]) for line in statement["lines"]] == [
        ("debt", "500.00"),
        ("payment", "-250.00"),
        ("reversal", "250.00"),
    ]
    assert statement["closing"] == {"amount": "700.00"}
    assert account["balance"]["net"] == statement["closing"]
    recorded = await finance.data(
        """mutation($i: StatementReconcileInput!) { statementReconcile(input: $i) {
        reconciliation { closing { amount } confirmedBy differences } userErrors { code } } }""",
        {
            "i": {
                "customerId": customer["id"],
                "from": start.isoformat(),
                "to": today.isoformat(),
                "confirmedBy": "对方会计 张丽",
                "differences": "对方少记一张发票",
            }
        },
    )
    assert recorded["statementReconcile"]["reconciliation"] == {
        "closing": {"amount": "700.00"},
        "confirmedBy": "对方会计 张丽",
        "differences": "对方少记一张发票",
    }


# ---- aging ----


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-3, 0),
        (0, 0),
        (1, 1),
        (30, 1),
        (31, 2),
        (60, 2),
        (61, 3),
        (90, 3),
        (91, 4),
        (180, 4),
        (181, 5),
    ],
)
def test_bucket_edges(days: int, bucket: int) -> None:
    assert bucket_of(days, [30, 60, 90, 180]) == bucket


async def test_aging_at_the_bucket_edges_per_customer_owner_and_team(
    company: Company, finance: Api
) -> None:
    mine = await create_customer(company.api("r1"), name="甲")
    peer = await create_customer(company.api("r2"), name="乙")
    other = await create_customer(company.api("r3"), name="丙")
    for days, amount in ((0, "1.00"), (30, "2.00"), (31, "4.00"), (90, "8.00"), (181, "16.00")):
        await owe(company, mine["id"], amount, days_overdue=days)
    await owe(company, peer["id"], "100.00", days_overdue=61)
    await owe(company, other["id"], "1000.00", days_overdue=-1)
    query = """query($g: AgingGroup!) { aging(groupBy: $g) { edges rows { name
      buckets { fromDays toDays amount { amount } } total { amount } overdue { amount } } } }"""

    def amounts(row: dict[str, Any]) -> list[str]:
        return [b["amount"]["amount"] for b in row["buckets"]]

    company_rows = (await finance.data(query, {"g": "COMPANY"}))["aging"]
    assert company_rows["edges"] == [30, 60, 90, 180]
    [whole] = company_rows["rows"]
    assert amounts(whole) == ["1001.00", "2.00", "4.00", "108.00", "0.00", "16.00"]
    assert [(b["fromDays"], b["toDays"]) for b in whole["buckets"]] == [
        (None, None),
        (1, 30),
        (31, 60),
        (61, 90),
        (91, 180),
        (181, None),
    ]
    customers = (await finance.data(query, {"g": "CUSTOMER"}))["aging"]["rows"]
    assert [r["name"] for r in customers] == ["乙", "甲", "丙"]  # most overdue first
    owners = (await finance.data(query, {"g": "OWNER"}))["aging"]["rows"]
    assert [(r["name"], r["overdue"]["amount"]) for r in owners] == [
        ("R2", "100.00"),
        ("R1", "30.00"),
        ("R3", "0.00"),
    ]
    teams = (await finance.data(query, {"g": "TEAM"}))["aging"]["rows"]
    assert [(r["name"], r["total"]["amount"]) for r in teams] == [
        ("M1", "131.00"),
        ("M2", "1000.00"),
    ]
    # A rep sees their own customers' debts only.
    [own] = (await company.api("r1").data(query, {"g": "COMPANY"}))["aging"]["rows"]
    assert own["total"] == {"amount": "31.00"}


async def test_aging_as_of_an_earlier_day_counts_what_was_open_then(
    company: Company, finance: Api
) -> None:
    customer = await create_customer(company.api("r1"))
    today = company_today()
    debt = await owe(company, customer["id"], "100.00", days_overdue=40)
    await services.record_payment(
        fin(company),
        pk(customer["id"]),
        {"amount": "60.00", "received_on": today - timedelta(days=5), "method": "cash"},
    )
    query = """query($d: Date) { aging(groupBy: COMPANY, asOf: $d) { rows {
      buckets { amount { amount } } total { amount } } } }"""
    [now] = (await finance.data(query, {"d": None}))["aging"]["rows"]
    assert now["total"] == {"amount": "40.00"}
    before = (today - timedelta(days=20)).isoformat()
    [then] = (await finance.data(query, {"d": before}))["aging"]["rows"]
    # Twenty days ago the whole 100.00 was open, 20 days past due.
    assert then["total"] == {"amount": "100.00"}
    assert [b["amount"]["amount"] for b in then["buckets"]][1] == "100.00"
    assert debt.due_on == today - timedelta(days=40)


async def test_the_clock_moves_aging_and_cases(company: Company, finance: Api) -> None:
    customer = await create_customer(company.api("r1"))
    today = company_today()
    await services.create_receivable(
        fin(company),
        pk(customer["id"]),
        {"amount": "10.00", "issued_on": today, "due_on": today + timedelta(days=1)},
    )
    board = await finance.data("{ collections { columns { count } } }")
    assert sum(c["count"] for c in board["collections"]["columns"]) == 0
    later = datetime.now(UTC) + timedelta(days=3)
    with clock.standing_at(later):
        board = await finance.data("{ collections { columns { step count } } }")
        [new] = [c for c in board["collections"]["columns"] if c["step"] == "NEW"]
        assert new["count"] == 1
    assert date.today()  # the real clock is untouched
