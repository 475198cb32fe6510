"""Receivables and payments over HTTP (docs/domain.md §6): debts from orders and by hand, due
dates from the payment terms, payments applied oldest first or as named, credit, reversal,
idempotency, and the company currency. Every balance is checked to the cent against
amount − payments − write-offs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from strawberry.relay import GlobalID

from server.domain.receivables.models import Payment, PaymentAllocation, Receivable
from tests.conftest import Api, Company, create_customer
from tests.server.followup_helpers import company_today, pk

MONEY = "{ amount currency }"
RECEIVABLE = f"""id reference amount {MONEY} paid {MONEY} open {MONEY} writtenOff {MONEY}
  issuedOn dueOn status daysOverdue customerName"""
PAYMENT = f"""payment {{ id amount {MONEY} unallocated {MONEY} reversedAt reversalReason
  allocations {{ amount {{ amount }} reversed receivable {{ reference }} }} }}
  replayed balance {{ open {{ amount }} overdue {{ amount }} credit {{ amount }}
  net {{ amount }} openCount }}
  userErrors {{ field code message }}"""

CREATE = f"""mutation($i: ReceivableCreateInput!) {{ receivableCreate(input: $i) {{
  receivable {{ {RECEIVABLE} }} userErrors {{ field code message }} }} }}"""
RECORD = f"mutation($i: PaymentRecordInput!) {{ paymentRecord(input: $i) {{ {PAYMENT} }} }}"
ALLOCATE = f"mutation($i: PaymentAllocateInput!) {{ paymentAllocate(input: $i) {{ {PAYMENT} }} }}"
REVERSE = f"mutation($i: PaymentReverseInput!) {{ paymentReverse(input: $i) {{ {PAYMENT} }} }}"


@pytest.fixture
async def finance(company: Company) -> Api:
    await company.add_user("fin", "finance")
    return company.api("fin")


async def debt(
    api: Api, customer_id: str, amount: str, *, issued: date, due: date | None = None, ref: str = ""
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "customerId": customer_id,
        "amount": amount,
        "issuedOn": issued.isoformat(),
        "reference": ref,
    }
    if due is not None:
        values["dueOn"] = due.isoformat()
    payload = (await api.data(CREATE, {"i": values}))["receivableCreate"]
    assert payload["userErrors"] == []
    return payload["receivable"]


async def pay(api: Api, customer_id: str, amount: str, **extra: Any) -> dict[str, Any]:
    values = {
        "customerId": customer_id,
        "amount": amount,
        "receivedOn": company_today().isoformat(),
        "method": "BANK_TRANSFER",
        **extra,
    }
    return (await api.data(RECORD, {"i": values}))["paymentRecord"]


async def assert_ledger_adds_up() -> None:
    """Every receivable's parts agree with the allocations that stand: open = amount −
    payments − write-offs, and no receivable is owed less than nothing."""
    for r in await Receivable.all():
        applied = sum(
            a.amount_minor
            for a in await PaymentAllocation.filter(receivable_id=r.id, reversed=False)
        )
        assert r.paid_minor == applied, r.reference
        assert r.open_minor == r.amount_minor - r.paid_minor - r.written_off_minor, r.reference
        assert r.open_minor >= 0
    for p in await Payment.all():
        applied = sum(
            a.amount_minor for a in await PaymentAllocation.filter(payment_id=p.id, reversed=False)
        )
        expected = 0 if p.reversed_at else p.amount_minor - applied
        assert p.unallocated_minor == expected


async def test_due_dates_follow_the_customers_terms(company: Company, finance: Api) -> None:
    monthly = await create_customer(
        company.api("r1"), name="月结客户", paymentDays=30, billingDay=25
    )
    default = await create_customer(company.api("r1"), name="默认客户")
    issued = date(2026, 3, 26)
    assert (await debt(finance, monthly["id"], "100.00", issued=issued))["dueOn"] == "2026-05-25"
    # No terms in the archive: the company's default 30 days after issue.
    assert (await debt(finance, default["id"], "100.00", issued=issued))["dueOn"] == "2026-04-25"
    # A due date given by hand wins, but not one before the issue.
    given = await debt(finance, default["id"], "1.00", issued=issued, due=date(2026, 4, 1))
    assert given["dueOn"] == "2026-04-01"
    refused = await finance.data(
        CREATE,
        {
            "i": {
                "customerId": default["id"],
                "amount": "1.00",
                "issuedOn": "2026-03-26",
                "dueOn": "2026-03-01",
            }
        },
    )
    assert refused["receivableCreate"]["userErrors"] == [
        {
            "field": ["input", "dueOn"],
            "code": "OUT_OF_RANGE",
            "message": "Due before it was issued.",
        }
    ]


async def test_an_order_becomes_a_debt_due_by_the_terms(company: Company, finance: Api) -> None:
    customer = await create_customer(company.api("r1"), paymentDays=60)
    day = company_today() - timedelta(days=2)
    recorded = await company.api("r1").data(
        """mutation($i: SalesOrderCreateInput!) { salesOrderCreate(input: $i) {
        salesOrder { id } userErrors { code } } }""",
        {
            "i": {
                "customerId": customer["id"],
                "orderedOn": day.isoformat(),
                "externalRef": "SO-1",
                "lines": [{"product": "模具", "quantity": 3, "unitPrice": "333.33"}],
            }
        },
    )
    assert recorded["salesOrderCreate"]["userErrors"] == []
    found = await company.api("r1").data(
        "query($c: ID!) { customer(id: $c) { account { receivables { nodes { "
        + RECEIVABLE
        + " } } } } }",
        {"c": customer["id"]},
    )
    [owed] = found["customer"]["account"]["receivables"]["nodes"]
    assert owed["amount"] == {"amount": "999.99", "currency": "CNY"}
    assert owed["reference"] == "SO-1"
    assert owed["dueOn"] == (day + timedelta(days=60)).isoformat()
    assert owed["status"] == "OPEN"
    # Recording the same order again (a retry) bills nothing twice.
    await company.api("r1").data(
        """mutation($i: SalesOrderCreateInput!) { salesOrderCreate(input: $i) { created } }""",
        {
            "i": {
                "customerId": customer["id"],
                "orderedOn": day.isoformat(),
                "externalRef": "SO-1",
                "lines": [{"product": "模具", "quantity": 3, "unitPrice": "333.33"}],
            }
        },
    )
    assert await Receivable.filter(customer_id=pk(customer["id"])).count() == 1


async def test_a_payment_pays_the_oldest_due_first_to_the_cent(
    company: Company, finance: Api
) -> None:
    customer = await create_customer(company.api("r1"))
    today = company_today()
    issued = today - timedelta(days=60)
    await debt(
        finance, customer["id"], "66.67", issued=issued, due=today + timedelta(days=20), ref="C"
    )
    await debt(
        finance, customer["id"], "100.00", issued=issued, due=today - timedelta(days=5), ref="A"
    )
    await debt(
        finance, customer["id"], "33.33", issued=issued, due=today + timedelta(days=1), ref="B"
    )
    paid = await pay(finance, customer["id"], "150.00")
    assert paid["userErrors"] == []
    assert [
        (a["receivable"]["reference"], a["amount"]["amount"])
        for a in paid["payment"]["allocations"]
    ] == [("A", "100.00"), ("B", "33.33"), ("C", "16.67")]
    assert paid["payment"]["unallocated"]["amount"] == "0.00"
    assert paid["balance"] == {
        "open": {"amount": "50.00"},
        "overdue": {"amount": "0.00"},
        "credit": {"amount": "0.00"},
        "net": {"amount": "50.00"},
        "openCount": 1,
    }
    listed = await finance.data(
        "query($c: ID!) { receivables(filter: {customerId: $c}) { nodes { " + RECEIVABLE + " } } }",
        {"c": customer["id"]},
    )
    by_ref = {r["reference"]: r for r in listed["receivables"]["nodes"]}
    assert [r["reference"] for r in listed["receivables"]["nodes"]] == ["A", "B", "C"]
    assert (by_ref["A"]["status"], by_ref["A"]["open"]["amount"]) == ("PAID", "0.00")
    assert (by_ref["C"]["status"], by_ref["C"]["paid"]["amount"]) == ("PARTLY_PAID", "16.67")
    assert by_ref["C"]["open"]["amount"] == "50.00"
    await assert_ledger_adds_up()


async def test_days_overdue_and_the_overdue_filter(company: Company, finance: Api) -> None:
    customer = await create_customer(company.api("r1"))
    today = company_today()
    await debt(
        finance,
        customer["id"],
        "10.00",
        issued=today - timedelta(days=90),
        due=today - timedelta(days=31),
    )
    await debt(finance, customer["id"], "20.00", issued=today, due=today)
    found = await finance.data(
        "{ receivables(filter: {overdue: true}) { nodes { daysOverdue amount { amount } } } }"
    )
    assert found["receivables"]["nodes"] == [{"daysOverdue": 31, "amount": {"amount": "10.00"}}]


async def test_an_overpayment_is_credit_applied_later(company: Company, finance: Api) -> None:
    customer = await create_customer(company.api("r1"))
    today = company_today()
    await debt(finance, customer["id"], "200.00", issued=today, ref="A")
    paid = await pay(finance, customer["id"], "500.00")
    assert paid["payment"]["unallocated"]["amount"] == "300.00"
    assert paid["balance"]["credit"]["amount"] == "300.00"
    assert paid["balance"]["net"]["amount"] == "-300.00"
    await debt(finance, customer["id"], "120.50", issued=today, ref="B")
    applied = (await finance.data(ALLOCATE, {"i": {"paymentId": paid["payment"]["id"]}}))[
        "paymentAllocate"
    ]
    assert applied["userErrors"] == []
    assert applied["payment"]["unallocated"]["amount"] == "179.50"
    assert applied["balance"]["open"]["amount"] == "0.00"
    again = (await finance.data(ALLOCATE, {"i": {"paymentId": paid["payment"]["id"]}}))[
        "paymentAllocate"
    ]
    assert again["payment"]["unallocated"]["amount"] == "179.50"  # nothing left to pay
    await assert_ledger_adds_up()


async def test_named_allocations_are_checked_and_nothing_is_half_written(
    company: Company, finance: Api
) -> None:
    customer = await create_customer(company.api("r1"))
    other = await create_customer(company.api("r2"), name="别家")
    today = company_today()
    a = await debt(finance, customer["id"], "100.00", issued=today, ref="A")
    b = await debt(finance, customer["id"], "50.00", issued=today, ref="B")
    theirs = await debt(finance, other["id"], "10.00", issued=today, ref="X")

    async def errors(amount: str, *allocations: tuple[str, str]) -> list[Any]:
        paid = await pay(
            finance,
            customer["id"],
            amount,
            allocations=[{"receivableId": r, "amount": x} for r, x in allocations],
        )
        return [(e["field"], e["code"]) for e in paid["userErrors"]]

    assert await errors("60.00", (b["id"], "50.01")) == [
        (["input", "allocations.0.amount"], "OUT_OF_RANGE")
    ]
    assert await errors("60.00", (a["id"], "40.00"), (b["id"], "30.00")) == [
        (["input", "allocations"], "OUT_OF_RANGE")
    ]
    assert await errors("60.00", (theirs["id"], "5.00")) == [
        (["input", "allocations.0.receivableId"], "NOT_FOUND")
    ]
    assert await errors("60.00", (a["id"], "5.00"), (a["id"], "5.00")) == [
        (["input", "allocations.1.receivableId"], "DUPLICATE")
    ]
    assert await errors("60.00", (customer["id"], "5.00")) == [
        (["input", "allocations.0.receivableId"], "NOT_FOUND")
    ]
    assert await errors("60.00", (a["id"], "0.001")) == [
        (["input", "allocations.0.amount"], "INVALID")
    ]
    assert await Payment.all().count() == 0
    # Named, they are paid exactly so; the rest is credit.
    paid = await pay(
        finance,
        customer["id"],
        "60.00",
        allocations=[{"receivableId": b["id"], "amount": "50.00"}],
    )
    assert [x["receivable"]["reference"] for x in paid["payment"]["allocations"]] == ["B"]
    assert paid["payment"]["unallocated"]["amount"] == "10.00"
    await assert_ledger_adds_up()


async def test_bad_payment_input_is_refused_on_its_field(company: Company, finance: Api) -> None:
    customer = await create_customer(company.api("r1"))
    tomorrow = (company_today() + timedelta(days=1)).isoformat()
    cases = [
        ({"amount": "0"}, "amount", "OUT_OF_RANGE"),
        ({"amount": "-1"}, "amount", "OUT_OF_RANGE"),
        ({"amount": "12.345"}, "amount", "INVALID"),
        ({"receivedOn": tomorrow}, "receivedOn", "OUT_OF_RANGE"),
        ({"reference": "x" * 101}, "reference", "TOO_LONG"),
        ({"customerId": str(GlobalID("Customer", "999999"))}, "customerId", "NOT_FOUND"),
        ({"customerId": str(GlobalID("User", "1"))}, "customerId", "NOT_FOUND"),
    ]
    for change, field, code in cases:
        values = {"customerId": customer["id"], "amount": "10.00", **change}
        paid = await pay(finance, values.pop("customerId"), values.pop("amount"), **values)
        assert [(e["field"], e["code"]) for e in paid["userErrors"]] == [(["input", field], code)]
    assert await Payment.all().count() == 0


async def test_a_retried_payment_is_recorded_once(company: Company, finance: Api) -> None:
    customer = await create_customer(company.api("r1"))
    await debt(finance, customer["id"], "100.00", issued=company_today())
    first = await pay(finance, customer["id"], "40.00", idempotencyKey="bank-7781")
    second = await pay(finance, customer["id"], "40.00", idempotencyKey="bank-7781")
    assert (first["replayed"], second["replayed"]) == (False, True)
    assert first["payment"]["id"] == second["payment"]["id"]
    assert second["balance"]["open"]["amount"] == "60.00"
    assert await Payment.all().count() == 1
    # The same key for another amount is a mistake, not a replay.
    clash = await pay(finance, customer["id"], "41.00", idempotencyKey="bank-7781")
    assert [(e["field"], e["code"]) for e in clash["userErrors"]] == [
        (["input", "idempotencyKey"], "DUPLICATE")
    ]
    await assert_ledger_adds_up()


async def test_a_reversed_payment_leaves_the_debts_owed_again(
    company: Company, finance: Api
) -> None:
    customer = await create_customer(company.api("r1"))
    today = company_today()
    await debt(finance, customer["id"], "100.00", issued=today, ref="A")
    await debt(finance, customer["id"], "100.00", issued=today, ref="B")
    paid = await pay(finance, customer["id"], "150.00")
    payment_id = paid["payment"]["id"]
    empty = (await finance.data(REVERSE, {"i": {"paymentId": payment_id, "reason": " "}}))[
        "paymentReverse"
    ]
    assert [e["code"] for e in empty["userErrors"]] == ["REQUIRED"]
    reversed_ = (
        await finance.data(REVERSE, {"i": {"paymentId": payment_id, "reason": "支票退票"}})
    )["paymentReverse"]
    assert reversed_["userErrors"] == []
    assert reversed_["payment"]["reversedAt"] is not None
    assert reversed_["payment"]["reversalReason"] == "支票退票"
    assert all(a["reversed"] for a in reversed_["payment"]["allocations"])
    assert reversed_["balance"]["open"]["amount"] == "200.00"
    statuses = await Receivable.all().order_by("reference").values_list("status", flat=True)
    assert statuses == ["open", "open"]
    twice = (await finance.data(REVERSE, {"i": {"paymentId": payment_id, "reason": "再来"}}))[
        "paymentReverse"
    ]
    assert [e["code"] for e in twice["userErrors"]] == ["INVALID_STATE"]
    # The payment stays on record.
    assert await Payment.filter(reversed_at__isnull=False).count() == 1
    await assert_ledger_adds_up()


async def test_reps_read_their_customers_money_and_finance_works_it(
    company: Company, finance: Api
) -> None:
    mine = await create_customer(company.api("r1"), name="甲")
    theirs = await create_customer(company.api("r3"), name="乙")
    today = company_today()
    await debt(finance, mine["id"], "10.00", issued=today)
    await debt(finance, theirs["id"], "20.00", issued=today)
    query = "{ receivables { nodes { customerName customer { name } } } }"
    r1 = (await company.api("r1").data(query))["receivables"]["nodes"]
    assert r1 == [{"customerName": "甲", "customer": {"name": "甲"}}]
    m1 = (await company.api("m1").data(query))["receivables"]["nodes"]
    assert m1 == [{"customerName": "甲", "customer": {"name": "甲"}}]
    # Finance reads every debt with its customer's name, not the customer's archive.
    fin = (await finance.data(query))["receivables"]["nodes"]
    assert sorted(n["customerName"] for n in fin) == ["乙", "甲"]
    assert all(n["customer"] is None for n in fin)
    refused = await pay(company.api("r1"), mine["id"], "1.00")
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_ALLOWED"]


async def test_the_currency_is_a_company_setting_fixed_once_money_exists(
    company: Company, finance: Api
) -> None:
    admin = company.api("admin")
    update = """mutation($c: String!) { companySettingsUpdate(input: {currency: $c}) {
      settings { currency } userErrors { field code } } }"""
    for code in ("JPY", "XYZ"):  # no cents; no such currency
        refused = (await admin.data(update, {"c": code}))["companySettingsUpdate"]
        assert refused["userErrors"] == [{"field": ["input", "currency"], "code": "INVALID"}]
    changed = (await admin.data(update, {"c": "usd"}))["companySettingsUpdate"]
    assert changed == {"settings": {"currency": "USD"}, "userErrors": []}
    customer = await create_customer(company.api("r1"))
    owed = await debt(finance, customer["id"], "10.00", issued=company_today())
    assert owed["amount"] == {"amount": "10.00", "currency": "USD"}
    fixed = (await admin.data(update, {"c": "CNY"}))["companySettingsUpdate"]
    assert fixed["userErrors"] == [{"field": ["input", "currency"], "code": "INVALID_STATE"}]
    settings = await admin.data("{ companySettings { currency defaultPaymentDays agingEdges } }")
    assert settings["companySettings"] == {
        "currency": "USD",
        "defaultPaymentDays": 30,
        "agingEdges": [30, 60, 90, 180],
    }


async def test_sqlite_syncs_every_commit(settings: Any) -> None:
    """An acknowledged payment survives the machine losing power: SQLite syncs its log on
    every commit (synchronous=FULL, 2), not only at checkpoints."""
    from tortoise import Tortoise

    conn = Tortoise.get_connection("default")
    if conn.capabilities.dialect != "sqlite":
        pytest.skip("PostgreSQL's own fsync on commit applies")
    _, rows = await conn.execute_query("PRAGMA synchronous")
    assert rows[0][0] == 2


async def test_a_disputed_debt_is_still_owed(company: Company, finance: Api) -> None:
    customer = await create_customer(company.api("r1"))
    owed = await debt(finance, customer["id"], "300.00", issued=company_today())
    mark = """mutation($i: ReceivableDisputeInput!) { receivableDispute(input: $i) {
      receivable { status open { amount } } userErrors { code } } }"""
    disputed = await company.api("r1").data(
        mark, {"i": {"receivableId": owed["id"], "disputed": True, "note": "规格不符"}}
    )
    assert disputed["receivableDispute"]["receivable"] == {
        "status": "DISPUTED",
        "open": {"amount": "300.00"},
    }
    # Paid in part while disputed: still disputed; resolved, it is part paid.
    await pay(finance, customer["id"], "100.00")
    resolved = await finance.data(mark, {"i": {"receivableId": owed["id"], "disputed": False}})
    assert resolved["receivableDispute"]["receivable"] == {
        "status": "PARTLY_PAID",
        "open": {"amount": "200.00"},
    }
    await assert_ledger_adds_up()
