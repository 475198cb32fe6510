"""The demo company's money: debts in every aging bucket, payments in part and in full, a
customer's credit, a reconciliation, collection cases on every step of the ladder (both
classifications, one customer on hold), a write-off waiting for the manager, and payment
reminders due now, so `crm demo` shows collections at work and finance (wu) has work
waiting. Everything goes through the real services, as the product itself would write it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from server.domain.accounts.models import User
from server.domain.accounts.viewer import Viewer
from server.domain.company.services import company_settings, today
from server.domain.customers.models import AllyStrength, Contact, Customer
from server.domain.receivables import collections, services, statements, writeoffs
from server.domain.receivables.models import CollectionCase, CollectionStep, Receivable

# (owner, the customer's place in the owner's list, [(amount, days overdue)], amount paid,
#  classification, the ladder step it reaches)
CASES: list[tuple[str, int, list[tuple[str, int]], str, str | None, str | None]] = [
    ("zhang", 0, [("12000.00", -10), ("8500.00", 20)], "3000.00", "cash_flow", "negotiate"),
    ("zhang", 1, [("25000.00", 45)], "0", "neglect", "through_ally"),
    ("li", 0, [("40000.00", 75), ("6800.00", 5)], "0", "dispute", "key_person"),
    ("li", 1, [("60000.00", 120)], "10000.00", "cash_flow", "stop_supply"),
    ("liu", 0, [("150000.00", 200)], "0", "malicious", "agency"),
    ("liu", 1, [("88000.00", 400)], "0", "malicious", "legal"),
    ("zhang", 2, [("5000.00", 3)], "0", None, None),  # new: for wu to classify
]


async def _customer(users: dict[str, User], owner: str, index: int) -> Customer | None:
    return await Customer.filter(owner_id=users[owner].id).order_by("id").offset(index + 20).first()


async def _contact(customer: Customer, *, ally: bool) -> int:
    """The customer's ally (or decision maker), made one if the archive has none."""
    found = (
        await Contact.filter(customer_id=customer.id)
        .exclude(ally_strength=AllyStrength.NONE)
        .first()
        if ally
        else await Contact.filter(customer_id=customer.id, is_decision_maker=True).first()
    )
    if found is None:
        found = await Contact.filter(customer_id=customer.id).order_by("id").first()
        assert found is not None
        if ally:
            found.ally_strength = AllyStrength.STRONG
        else:
            found.is_decision_maker = True
        await found.save()
    return found.id


async def _debts(
    fin: Viewer, customer: Customer, debts: list[tuple[str, int]], day: date, ref: str
) -> None:
    for n, (amount, overdue) in enumerate(debts, start=1):
        due = day - timedelta(days=overdue)
        await services.create_receivable(
            fin,
            customer.id,
            {
                "amount": amount,
                "issued_on": due - timedelta(days=30),
                "due_on": due,
                "reference": f"{ref}-{n}",
            },
        )


async def _climb(
    users: dict[str, User], customer: Customer, owner: str, classification: str, target: str
) -> None:
    """Classify the customer's case and take it up the ladder to `target`, as its owner."""
    as_owner = Viewer(user=users[owner])
    case = await CollectionCase.get(open_slot=customer.id)
    case = await collections.classify(
        as_owner, case.id, case.version, classification, _REASONS[classification]
    )
    day = today(await company_settings())
    path = _PATHS[target]
    for n, step in enumerate(path, start=1):
        values: dict[str, Any] = {
            "note": _OUTCOMES[step],
            "next_action_on": day + timedelta(days=n + 1),
        }
        if step == "through_ally":
            values["ally_id"] = await _contact(customer, ally=True)
        if step == "key_person":
            values["key_person_id"] = await _contact(customer, ally=False)
        if step == "agency":
            values |= {
                "agency_name": "恒信商账管理有限公司",
                "handed_over_on": day - timedelta(days=3),
                "agency_fee": "15000.00",
            }
        if step == "legal":
            values |= {"legal_action": "lawsuit", "case_number": "(2026)浙0106民初4521号"}
        case = await collections.take_step(as_owner, case.id, case.version, step, values)


_REASONS = {
    "cash_flow": "客户说资金周转紧张，回款会晚一些",
    "neglect": "对方财务换人，发票没有走流程",
    "dispute": "对方认为有一批货规格不符，暂扣货款",
    "malicious": "多次承诺不兑现，听说在转移资产",
}
_PATHS = {
    "negotiate": ["negotiate"],
    "through_ally": ["negotiate", "through_ally"],
    "key_person": ["negotiate", "key_person"],
    "stop_supply": ["negotiate", "through_ally", "key_person", "stop_supply"],
    "agency": ["stop_supply", "agency"],
    "legal": ["stop_supply", "agency", "legal"],
}
_OUTCOMES = {
    "negotiate": "与采购经理当面谈，答应月底前先付一半",
    "through_ally": "内线透露老板在外地，下周回来",
    "key_person": "约见老板，说明断货的后果",
    "stop_supply": "经主管同意，暂停发货",
    "agency": "移交专业收款机构",
    "legal": "已向法院起诉",
}


async def seed_demo_receivables(users: dict[str, User]) -> int:
    """Record the demo company's money; how many customers it touched."""
    fin = Viewer(user=users["wu"])
    day = today(await company_settings())
    touched = 0
    picked: list[tuple[Customer, str, str | None, str | None]] = []
    for owner, index, debts, paid, classification, target in CASES:
        customer = await _customer(users, owner, index)
        if customer is None:
            continue
        await _debts(fin, customer, debts, day, f"FP{2026}{customer.id:04d}")
        if paid != "0":
            await services.record_payment(
                fin,
                customer.id,
                {
                    "amount": paid,
                    "received_on": day - timedelta(days=2),
                    "method": "bank_transfer",
                    "reference": f"BK{customer.id:06d}",
                },
            )
        picked.append((customer, owner, classification, target))
        touched += 1
    await collections.open_overdue_cases(day)
    for customer, owner, classification, target in picked:
        if classification is not None and target is not None:
            await _climb(users, customer, owner, classification, target)
    touched += await _finance_work(users, fin, day)
    return touched


async def _finance_work(users: dict[str, User], fin: Viewer, day: date) -> int:
    """What waits for finance and the manager besides the cases: a customer's credit, a
    write-off to approve, reminders due, a statement agreed last month."""
    credit = await _customer(users, "li", 2)
    doubtful = await _customer(users, "liu", 2)
    soon = await _customer(users, "zhang", 3)
    if credit is None or doubtful is None or soon is None:
        return 0
    # Paid more than owed: 2,000.00 waits to be applied to the next invoice.
    await _debts(fin, credit, [("18000.00", 40)], day, f"FP{2026}{credit.id:04d}")
    await services.record_payment(
        fin,
        credit.id,
        {
            "amount": "20000.00",
            "received_on": day - timedelta(days=1),
            "method": "bank_transfer",
            "reference": f"BK{credit.id:06d}",
        },
    )
    await _debts(fin, credit, [("7500.00", -25)], day, f"FP{2026}{credit.id:04d}B")
    # A debt mostly unrecoverable: wu proposes writing part of it off; wang decides.
    await _debts(fin, doubtful, [("9000.00", 260)], day, f"FP{2026}{doubtful.id:04d}")
    [owed] = await Receivable.filter(customer_id=doubtful.id).limit(1)
    await writeoffs.propose_write_off(fin, owed.id, "3000.00", "对方已停业，仅能收回部分")
    # Due in two days: the owner's reminder is due today.
    await _debts(fin, soon, [("4200.00", -2)], day, f"FP{2026}{soon.id:04d}")
    # The first case's customer agreed last month's statement.
    first = await _customer(users, "zhang", 0)
    if first is not None:
        month_end = day.replace(day=1) - timedelta(days=1)
        await statements.record_reconciliation(
            fin, first.id, month_end.replace(day=1), month_end, "对方会计 张丽", ""
        )
    assert await CollectionCase.filter(step=CollectionStep.LEGAL).exists()
    return 3
