"""SQL statements of the money reads: the collections board, aging and a customer's money
tab cost the same whatever the number of cases, debts and payments."""

from __future__ import annotations

from datetime import timedelta

from strawberry.relay import GlobalID

from server.domain.customers.models import Customer
from server.domain.receivables.models import Payment, PaymentAllocation, Receivable
from tests.conftest import Company, SqlCounter, cold_caches
from tests.server.followup_helpers import company_today

BOARD = """{ collections { columns { step count cases { id version step classification
  nextActionOn customerName overdue { amount } oldestDaysOverdue allyName keyPersonName } } } }"""
AGING = """{ company: aging(groupBy: COMPANY) { rows { total { amount } dso } }
  owners: aging(groupBy: OWNER) { rows { name overdue { amount } } }
  customers: aging(groupBy: CUSTOMER, first: 20) { rowCount rows { name total { amount } } } }"""
ACCOUNT = """query($c: ID!) { customerAccount(customerId: $c) { customerName creditLimit { amount }
  balance { open { amount } overdue { amount } credit { amount } }
  hold { reason } contacts { name isAlly }
  receivables(first: 50) { nodes { reference open { amount } dueOn daysOverdue status
    allocations { amount { amount } } } }
  payments(first: 50) { nodes { amount { amount } receivedOn recordedBy { displayName }
    allocations { amount { amount } receivable { reference } } } } } }"""


async def _owing(company: Company, n: int, debts: int = 2) -> list[Customer]:
    """`n` customers of r1 and r2, each with `debts` overdue debts, half paid in part."""
    made = []
    today = company_today()
    for i in range(n):
        customer = await Customer.create(
            owner=company.users["r1" if i % 2 else "r2"], name=f"欠款{i}", search_text="x"
        )
        for k in range(debts):
            due = today - timedelta(days=10 + 40 * k)
            receivable = await Receivable.create(
                customer=customer,
                amount_minor=100_00,
                paid_minor=30_00,
                open_minor=70_00,
                status="partly_paid",
                issued_on=due - timedelta(days=30),
                due_on=due,
                reference=f"R{i}-{k}",
            )
            payment = await Payment.create(
                customer=customer,
                amount_minor=30_00,
                received_on=today,
                method="cash",
                recorded_by=company.users["admin"],
            )
            await PaymentAllocation.create(
                payment=payment, receivable=receivable, amount_minor=30_00
            )
        made.append(customer)
    return made


async def _count(company: Company, counter: SqlCounter, who: str, query: str, **v: str) -> int:
    cold_caches()
    counter.statements.clear()
    await company.api(who).data(query, v or None)
    return len(counter.statements)


async def test_the_collections_board_costs_the_same_for_2_cases_as_for_12(
    company: Company, sql_counter: SqlCounter
) -> None:
    await company.add_user("fin", "finance")
    await _owing(company, 2)
    await _count(company, sql_counter, "fin", BOARD)  # opens the first cases
    small = await _count(company, sql_counter, "fin", BOARD)
    await _owing(company, 10)
    await _count(company, sql_counter, "fin", BOARD)
    large = await _count(company, sql_counter, "fin", BOARD)
    assert small == large, "\n".join(s[:150] for s in sql_counter.statements)
    # token → user, the company's day, which customers are overdue and which have cases
    # (no case to open), the counts, the one column with cases, their customers' names,
    # their overdue totals; no grants or team for finance
    assert large == 8, "\n".join(s[:150] for s in sql_counter.statements)


async def test_aging_costs_the_same_at_any_volume(
    company: Company, sql_counter: SqlCounter
) -> None:
    await _owing(company, 2)
    await _count(company, sql_counter, "m1", AGING)  # the settings row is made on first use
    small = await _count(company, sql_counter, "m1", AGING)
    await _owing(company, 20, debts=3)
    large = await _count(company, sql_counter, "m1", AGING)
    assert small == large, "\n".join(s[:150] for s in sql_counter.statements)
    # token → user, settings, team and grants; per grouping the buckets and the DSO sales;
    # the names of the owner and customer rows
    assert large == 12, "\n".join(s[:150] for s in sql_counter.statements)


async def test_the_money_tab_costs_the_same_for_2_debts_as_for_20(
    company: Company, sql_counter: SqlCounter
) -> None:
    [few] = await _owing(company, 1, debts=2)
    [many] = await _owing(company, 1, debts=20)
    gid_few = str(GlobalID("Customer", str(few.id)))
    gid_many = str(GlobalID("Customer", str(many.id)))
    await _count(company, sql_counter, "m1", ACCOUNT, c=gid_few)  # settings made on first use
    small = await _count(company, sql_counter, "m1", ACCOUNT, c=gid_few)
    large = await _count(company, sql_counter, "m1", ACCOUNT, c=gid_many)
    assert small == large, "\n".join(s[:150] for s in sql_counter.statements)
    # token → user, team and grants, the customer visible, its facts, the hold, contacts,
    # the debts, the payments, settings, names, balance and credit, allocations (by debt
    # and by payment), the recorders, the allocations' debts
    assert large == 16, "\n".join(s[:150] for s in sql_counter.statements)
