"""Every operation the terminal client sends, counted in SQL statements against a small and
a large world: the counts must be the same. The client's own queries are what matter (the
queue once sent 16 statements for 5 rows and 71 for 100 because of a field no hand-written
test asked for), so each one in tui/api/operations.py is run here as it is; adding an
operation without a case below fails the test."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from strawberry.relay import GlobalID

from server.domain.access.models import AccessRequest
from server.domain.accounts.models import Department, Role, User
from server.domain.accounts.sessions import SESSIONS
from server.domain.complaints.models import Complaint, ComplaintEvidence
from server.domain.customers.models import Contact, Customer
from server.domain.customers.pinyin import search_text
from server.domain.followups.models import (
    FollowUp,
    Interaction,
    InteractionContact,
    InteractionParticipant,
)
from server.domain.receivables.collections import open_overdue_cases
from server.domain.receivables.models import (
    CollectionCase,
    CreditHold,
    Payment,
    PaymentAllocation,
    Receivable,
    WriteOff,
)
from server.domain.sales.models import SalesOrder, SalesOrderLine
from server.domain.workflow.models import StepEvent
from tests.conftest import Api, Company, SqlCounter, cold_caches, password_hash
from tests.server.followup_helpers import company_today
from tui.api import operations as ops

SMALL, LARGE = 3, 30


def gid(type_name: str, pk: int) -> str:
    return str(GlobalID(type_name, str(pk)))


@dataclass
class World:
    """One rep's share of a company, with `n` of everything a screen lists."""

    rep: str
    manager: str
    colleague: str
    n: int
    customers: list[Customer] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    requests: list[AccessRequest] = field(default_factory=list)
    # A complaint waiting at each step a client action is taken from, by action.
    complaints: dict[str, Complaint] = field(default_factory=dict)
    # Collection cases: "NEW" to classify, "CLASSIFIED" to step up, "LOGGED" to log on.
    cases: dict[str, CollectionCase] = field(default_factory=dict)

    @property
    def main(self) -> Customer:
        return self.customers[0]


async def _build(company: Company, rep: str, manager: str, colleague: str, n: int) -> World:
    world = World(rep, manager, colleague, n)
    owner = company.users[rep]
    today = company_today()
    now = datetime.now(UTC)
    for i in range(n):
        name = f"{rep}客户{i:02d}"
        customer = await Customer.create(
            owner=owner,
            name=name,
            search_text=search_text(name),
            region="杭州",
            grade="ABCDE"[i % 5],
            last_contact_at=now - timedelta(days=40),
        )
        world.customers.append(customer)
        world.contacts.append(
            await Contact.create(customer=customer, name="王总", is_decision_maker=True)
        )
        await Contact.create(customer=customer, name="李主任", ally_strength="strong")
        for offset, kind in ((-2, "phone"), (0, "visit"), (3, "email")):
            world.follow_ups.append(
                await FollowUp.create(
                    customer=customer,
                    assignee=owner,
                    due_on=today + timedelta(days=offset),
                    kind=kind,
                    origin="manual",
                    purpose=f"第{i}项",
                )
            )
        world.requests.append(
            await AccessRequest.create(
                requester=owner, customer_description=f"某厂{i}", reason="接手"
            )
        )
    for i in range(n):  # the main customer's history: contacts, orders
        interaction = await Interaction.create(
            customer=world.main,
            author=owner,
            kind="visit",
            occurred_at=now - timedelta(days=i + 1),
            summary=f"第{i}次拜访",
            grade_before="B",
            grade_after="B",
        )
        await InteractionParticipant.create(interaction=interaction, user=owner)
        await InteractionContact.create(
            interaction=interaction, contact=world.contacts[0], name="王总"
        )
        order = await SalesOrder.create(
            customer=world.main, ordered_on=today - timedelta(days=i + 1), total_minor=300
        )
        for line_no in (1, 2):
            await SalesOrderLine.create(
                order=order,
                line_no=line_no,
                product="模具",
                quantity=1,
                unit_price_minor=150,
                amount_minor=150,
            )
    await _complaints(world, company, n)
    await _money(world, company, n)
    return world


async def _money(world: World, company: Company, n: int) -> None:
    """Each customer owes an overdue debt paid in part, the main one `n` debts; each has a
    collection case; three more customers carry the cases acted on, one of them on hold."""
    today = company_today()
    for i, customer in enumerate(world.customers):
        for k in range(n if i == 0 else 1):
            due = today - timedelta(days=10 + i + k)
            debt = await Receivable.create(
                customer=customer,
                amount_minor=100_00,
                paid_minor=40_00,
                open_minor=60_00,
                status="partly_paid",
                issued_on=due - timedelta(days=30),
                due_on=due,
                reference=f"INV{i}-{k}",
            )
            payment = await Payment.create(
                customer=customer,
                amount_minor=40_00,
                received_on=today,
                method="cash",
                recorded_by=company.users["admin"],
            )
            await PaymentAllocation.create(payment=payment, receivable=debt, amount_minor=40_00)
            world.payment_to_reverse = payment.id  # type: ignore[attr-defined]
    # Three more customers of the rep's for the cases (others are transferred, archived).
    extra = [
        await Customer.create(
            owner=company.users[world.rep], name=f"{world.rep}欠款{k}", search_text="x"
        )
        for k in range(3)
    ]
    for customer in extra:
        # Planned for, so not in the queue's "no follow-up planned" section.
        await FollowUp.create(
            customer=customer,
            assignee=company.users[world.rep],
            due_on=today + timedelta(days=60),
            kind="phone",
            origin="manual",
        )
        due = today - timedelta(days=20)
        world.money_debts = [  # type: ignore[attr-defined]
            *getattr(world, "money_debts", []),
            await Receivable.create(
                customer=customer,
                amount_minor=100_00,
                open_minor=100_00,
                issued_on=due - timedelta(days=30),
                due_on=due,
            ),
        ]
    world.money_customers = extra  # type: ignore[attr-defined]
    await open_overdue_cases(today)
    for key, customer in (("NEW", extra[0]), ("CLASSIFIED", extra[1]), ("LOGGED", extra[2])):
        case = await CollectionCase.get(open_slot=customer.id)
        if key != "NEW":
            case.classification = "cash_flow"
            case.step = "negotiate" if key == "LOGGED" else "new"
            await case.save()
        world.cases[key] = case
    await CreditHold.create(
        customer=extra[0], reason="逾期", placed_by=company.users["admin"], open_slot=extra[0].id
    )
    # Write-offs proposed by the administrator, for the manager to decide.
    for k in range(n):
        debt = await Receivable.filter(customer=world.main).order_by("id").offset(k).first()
        assert debt is not None
        made = await WriteOff.create(
            receivable=debt, amount_minor=1_00, reason="倒闭", proposed_by=company.users["admin"]
        )
        world.write_off_id = made.id  # type: ignore[attr-defined]


# (the action taken in the case, the step its complaint waits in)
_WAITING = {
    "VALIDATE": "validate",
    "REJECT": "validate",
    "ASSIGN": "assign",
    "ANALYSE": "analyse",
    "PROPOSE": "propose",
    "APPROVE": "approve",
    "SEND_BACK": "approve",
    "IMPLEMENT": "implement",
    "EVALUATE": "evaluate",
    "REOPEN": "closed",
}


async def _complaints(world: World, company: Company, n: int) -> None:
    """`n` complaints on the board, each with its events and a file; the main one with `n`
    events and `n` files; one waiting for each client action."""
    owner, boss = company.users[world.rep], company.users[world.manager]
    now = datetime.now(UTC)

    async def complaint(
        step: str, events: int, files: int, customer: Customer | None = None, **extra: Any
    ) -> Complaint:
        # On the main customer (the others are transferred and archived by the cases).
        made = await Complaint.create(
            customer=customer or world.main,
            contact=world.contacts[0] if not world.complaints else None,
            channel="phone",
            received_at=now - timedelta(days=2),
            category="service",
            kind="attitude",
            subject=f"投诉{len(world.complaints)}",
            step=step,
            step_entered_at=now - timedelta(days=1),
            step_due_at=None if step == "closed" else now + timedelta(days=1),
            recorded_by=owner,
            assignee=boss,
            **extra,
        )
        for k in range(events):
            await StepEvent.create(
                process="complaint",
                record_id=made.id,
                action="record" if k == 0 else "validate",
                from_step=None if k == 0 else "validate",
                to_step="validate",
                actor=owner if k % 2 else boss,
                at=now - timedelta(hours=k),
            )
        for k in range(files):
            await ComplaintEvidence.create(
                complaint=made,
                sha256=f"{k:064x}",
                filename=f"照片{k}.png",
                content_type="image/png",
                size=100,
                uploaded_by=owner,
            )
        return made

    world.complaints["MAIN"] = await complaint("analyse", n, n, sales_order=None)
    for action, step in _WAITING.items():
        extra: dict[str, Any] = {"proposed_by": owner} if step == "approve" else {}
        if step == "closed":
            extra = {"closed_at": now, "lessons": "教训", "satisfaction": 4}
        world.complaints[action] = await complaint(step, 1, 0, **extra)
    world.complaints["CORRECTIVE"] = await complaint(
        "closed",
        1,
        0,
        closed_at=now,
        lessons="教训",
        corrective_action="改进包装",
        corrective_owner=owner,
        corrective_due_on=now.date() + timedelta(days=30),
    )
    steps = ["validate", "assign", "analyse", "propose", "approve", "implement", "evaluate"]
    for i in range(n):
        await complaint(steps[i % len(steps)], 3, 1, world.customers[i])


def _acting(action: str, values: dict[str, Any] | None = None) -> Callable[[World], dict]:
    def variables(w: World) -> dict[str, Any]:
        found = w.complaints[action]
        return {"input": {"id": gid("Complaint", found.id), "version": 1, **(values or {})}}

    return variables


@dataclass(frozen=True)
class Case:
    """Who sends an operation and with what variables, given a world."""

    who: Callable[[World], str]
    variables: Callable[[World], dict[str, Any]]
    # Sent as a GraphQL multipart request, with a file at `variables.input.file`.
    upload: bool = False


def rep(w: World) -> str:
    return w.rep


def manager(w: World) -> str:
    return w.manager


def none(w: World) -> dict[str, Any]:
    return {}


CASES: dict[str, Case] = {
    "LOGIN": Case(rep, lambda w: {"username": w.rep, "password": "correct horse battery"}),
    "VIEWER": Case(rep, none),
    "COMPANY_SETTINGS": Case(rep, none),
    "QUEUE": Case(rep, lambda w: {"first": w.n}),
    "TEAM": Case(manager, none),
    "CUSTOMER_CONTACTS": Case(rep, lambda w: {"id": gid("Customer", w.main.id)}),
    "CUSTOMERS": Case(rep, lambda w: {"first": w.n}),
    "CUSTOMER": Case(rep, lambda w: {"id": gid("Customer", w.main.id)}),
    "TIMELINE": Case(rep, lambda w: {"id": gid("Customer", w.main.id)}),
    "USERS": Case(rep, lambda w: {"search": None}),
    "VISIT_PLAN": Case(rep, lambda w: {"region": "杭州"}),
    "ACCESS_REQUESTS": Case(manager, lambda w: {"status": None}),
    "INTERACTION_LOG": Case(
        rep,
        lambda w: {
            "input": {"customerId": gid("Customer", w.main.id), "kind": "PHONE", "grade": "B"}
        },
    ),
    "FOLLOW_UP_RESCHEDULE": Case(
        rep,
        lambda w: {
            "input": {
                "id": gid("FollowUp", w.follow_ups[-1].id),
                "version": 1,
                "dueOn": (company_today() + timedelta(days=9)).isoformat(),
                "reason": "客户出差",
            }
        },
    ),
    "FOLLOW_UP_SKIP": Case(
        rep,
        lambda w: {
            "input": {"id": gid("FollowUp", w.follow_ups[-2].id), "version": 1, "reason": "休假"}
        },
    ),
    "CUSTOMER_CREATE": Case(rep, lambda w: {"input": {"name": f"{w.rep}新客户"}}),
    "CUSTOMER_UPDATE": Case(
        rep,
        lambda w: {
            "input": {
                "id": gid("Customer", w.main.id),
                "version": w.main.version,
                "phone": "057188881234",
            }
        },
    ),
    "CONTACT_CREATE": Case(
        rep, lambda w: {"input": {"customerId": gid("Customer", w.main.id), "name": "赵工"}}
    ),
    "CONTACT_UPDATE": Case(
        rep,
        lambda w: {
            "input": {"id": gid("Contact", w.contacts[1].id), "version": 1, "title": "厂长"}
        },
    ),
    "CONTACT_DELETE": Case(rep, lambda w: {"input": {"id": gid("Contact", w.contacts[2].id)}}),
    "CONTACT_PLAN_SET": Case(
        rep, lambda w: {"input": {"customerId": gid("Customer", w.main.id), "focus": "推新款"}}
    ),
    "CUSTOMER_TRANSFER": Case(
        manager,
        lambda w: {
            "input": {
                "id": gid("Customer", w.customers[1].id),
                "newOwnerId": gid("User", w.colleague_id),  # type: ignore[attr-defined]
            }
        },
    ),
    "CUSTOMER_ARCHIVE": Case(
        rep, lambda w: {"input": {"id": gid("Customer", w.customers[2].id), "version": 1}}
    ),
    "ACCESS_REQUEST_CREATE": Case(
        rep, lambda w: {"input": {"customerDescription": "宁波某厂", "reason": "客户来电"}}
    ),
    "ACCESS_REQUEST_GRANT": Case(
        manager,
        lambda w: {
            "input": {
                "requestId": gid("AccessRequest", w.requests[0].id),
                "customerId": gid("Customer", w.customers[1].id),
                "days": 7,
            }
        },
    ),
    "ACCESS_REQUEST_REFUSE": Case(
        manager,
        lambda w: {
            "input": {"requestId": gid("AccessRequest", w.requests[1].id), "note": "不需要"}
        },
    ),
    "COMPLAINT_BOARD": Case(manager, lambda w: {"first": w.n}),
    "COMPLAINT": Case(manager, lambda w: {"id": gid("Complaint", w.complaints["MAIN"].id)}),
    "CUSTOMER_COMPLAINTS": Case(rep, lambda w: {"id": gid("Customer", w.main.id)}),
    "RECORD_CHOICES": Case(rep, lambda w: {"id": gid("Customer", w.main.id)}),
    "DEPARTMENTS": Case(rep, none),
    "COMPLAINT_RECORD": Case(
        rep,
        lambda w: {
            "input": {
                "customerId": gid("Customer", w.main.id),
                "channel": "PHONE",
                "kind": "MALFUNCTION",
                "subject": "又坏了",
                "contactId": gid("Contact", w.contacts[0].id),
            }
        },
    ),
    "COMPLAINT_VALIDATE": Case(rep, _acting("VALIDATE")),
    "COMPLAINT_REJECT": Case(
        rep, _acting("REJECT", {"rejectionReason": "不成立", "reply": "谢谢反馈"})
    ),
    "COMPLAINT_ASSIGN": Case(
        rep,
        lambda w: _acting(
            "ASSIGN",
            {
                "departmentId": gid("Department", w.department_id),  # type: ignore[attr-defined]
                "assigneeId": gid("User", w.colleague_id),  # type: ignore[attr-defined]
            },
        )(w),
    ),
    "COMPLAINT_ANALYSE": Case(
        manager, _acting("ANALYSE", {"rootCause": "培训不足", "responsibleParty": "OUR_STAFF"})
    ),
    "COMPLAINT_PROPOSE": Case(
        manager, _acting("PROPOSE", {"remedyKind": "DISCOUNT", "remedyDescription": "九折"})
    ),
    "COMPLAINT_APPROVE": Case(manager, _acting("APPROVE")),
    "COMPLAINT_SEND_BACK": Case(manager, _acting("SEND_BACK", {"note": "再议"})),
    "COMPLAINT_IMPLEMENT": Case(
        manager,
        _acting(
            "IMPLEMENT",
            {"implementation": "已道歉", "customerNotifiedAt": "2020-01-01T00:00:00Z"},
        ),
    ),
    "COMPLAINT_EVALUATE": Case(
        rep, _acting("EVALUATE", {"lessons": "加强培训", "satisfaction": 4})
    ),
    "COMPLAINT_REOPEN": Case(rep, _acting("REOPEN", {"reopenReason": "客户又来电"})),
    "CORRECTIVE_DONE": Case(
        rep,
        lambda w: {
            "input": {
                "id": gid("Complaint", w.complaints["CORRECTIVE"].id),
                "version": 1,
                "doneOn": company_today().isoformat(),
            }
        },
    ),
    "EVIDENCE_ATTACH": Case(
        rep,
        lambda w: {"input": {"id": gid("Complaint", w.complaints["MAIN"].id), "file": None}},
        upload=True,
    ),
    "COLLECTIONS": Case(manager, lambda w: {"first": 20}),
    "COLLECTION_CASE": Case(
        manager, lambda w: {"id": gid("CollectionCase", w.cases["CLASSIFIED"].id)}
    ),
    "CUSTOMER_ACCOUNT": Case(rep, lambda w: {"id": gid("Customer", w.main.id)}),
    "AGING": Case(manager, lambda w: {"groupBy": "CUSTOMER", "first": 20}),
    "PAYMENT_RECORD": Case(
        lambda w: "admin",
        lambda w: {
            "input": {
                "customerId": gid("Customer", w.main.id),
                "amount": "1.00",
                "receivedOn": company_today().isoformat(),
                "method": "CASH",
            }
        },
    ),
    "COLLECTION_CLASSIFY": Case(
        rep,
        lambda w: {
            "input": {
                "id": gid("CollectionCase", w.cases["NEW"].id),
                "version": w.cases["NEW"].version,
                "classification": "CASH_FLOW",
                "reason": "资金紧张",
            }
        },
    ),
    "COLLECTION_STEP": Case(
        rep,
        lambda w: {
            "input": {
                "id": gid("CollectionCase", w.cases["CLASSIFIED"].id),
                "version": w.cases["CLASSIFIED"].version,
                "step": "NEGOTIATE",
                "nextActionOn": (company_today() + timedelta(days=3)).isoformat(),
                "note": "约谈",
            }
        },
    ),
    "COLLECTION_LOG": Case(
        rep,
        lambda w: {
            "input": {
                "id": gid("CollectionCase", w.cases["LOGGED"].id),
                "version": w.cases["LOGGED"].version,
                "outcome": "答应月底付",
                "nextActionOn": (company_today() + timedelta(days=3)).isoformat(),
            }
        },
    ),
    "CREDIT_HOLD_PLACE": Case(
        manager, lambda w: {"input": {"customerId": gid("Customer", w.main.id), "reason": "逾期"}}
    ),
    "CREDIT_HOLD_RELEASE": Case(
        manager,
        lambda w: {
            "input": {
                "customerId": gid("Customer", w.money_customers[0].id),  # type: ignore[attr-defined]
                "reason": "已付",
            }
        },
    ),
    "WRITE_OFFS": Case(manager, lambda w: {"status": "PROPOSED"}),
    "PAYMENT_REVERSE": Case(
        lambda w: "admin",
        lambda w: {
            "input": {
                "paymentId": gid("Payment", w.payment_to_reverse),  # type: ignore[attr-defined]
                "reason": "退票",
            }
        },
    ),
    "RECEIVABLE_DISPUTE": Case(
        rep,
        lambda w: {
            "input": {
                "receivableId": gid("Receivable", w.money_debts[2].id),  # type: ignore[attr-defined]
                "disputed": True,
                "note": "规格不符",
            }
        },
    ),
    "STATEMENT": Case(
        rep,
        lambda w: {
            "id": gid("Customer", w.main.id),
            "from": (company_today() - timedelta(days=90)).isoformat(),
            "to": company_today().isoformat(),
        },
    ),
    "STATEMENT_RECONCILE": Case(
        rep,
        lambda w: {
            "input": {
                "customerId": gid("Customer", w.main.id),
                "from": (company_today() - timedelta(days=90)).isoformat(),
                "to": company_today().isoformat(),
                "confirmedBy": "对方会计",
            }
        },
    ),
    "WRITE_OFF_PROPOSE": Case(
        rep,
        lambda w: {
            "input": {
                "receivableId": gid("Receivable", w.money_debts[1].id),  # type: ignore[attr-defined]
                "amount": "1.00",
                "reason": "无法收回",
            }
        },
    ),
    "WRITE_OFF_DECIDE": Case(
        manager,
        lambda w: {
            "input": {
                "writeOffId": gid("WriteOff", w.write_off_id),  # type: ignore[attr-defined]
                "approve": True,
            }
        },
    ),
    "ORDER_CREATE": Case(
        rep,
        lambda w: {
            "input": {
                # Not the main customer: CREDIT_HOLD_PLACE stopped its supply.
                "customerId": gid("Customer", w.money_customers[2].id),  # type: ignore[attr-defined]
                "orderedOn": company_today().isoformat(),
                "lines": [{"product": "模具", "quantity": 2, "unitPrice": "10.00"}],
            }
        },
    ),
    # Last: it revokes the token it is sent with.
    "LOGOUT": Case(rep, none),
}


async def _statements(
    company: Company, counter: SqlCounter, world: World, name: str
) -> tuple[int, dict[str, Any]]:
    case = CASES[name]
    world.customers[0] = await Customer.get(id=world.main.id)  # its version moves on
    api: Api = company.api(case.who(world))
    # Counted cold: the token is looked up, as on the first request after the session
    # cache's few seconds (test_a_token_is_looked_up_once_then_remembered counts it warm).
    cold_caches()
    counter.statements.clear()
    if case.upload:
        body = await _multipart(company, case.who(world), name, case.variables(world))
    else:
        body = await api.post(ops.ALL[name], case.variables(world))
    assert not body.get("errors"), (name, body["errors"])
    payloads = [v for v in (body["data"] or {}).values() if isinstance(v, dict)]
    for payload in payloads:
        assert not payload.get("userErrors"), (name, payload["userErrors"])
    return len(counter.statements), body["data"]


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\0" * 32


async def _multipart(
    company: Company, who: str, name: str, variables: dict[str, Any]
) -> dict[str, Any]:
    """The operation as a GraphQL multipart request, a small PNG as its file."""
    response = await company.client.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": ops.ALL[name], "variables": variables}),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": ("photo.png", PNG, "image/png")},
        headers={"Authorization": f"Bearer {company.tokens[who]}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_every_client_operation_costs_the_same_statements_at_any_size(
    company: Company, sql_counter: SqlCounter
) -> None:
    assert set(CASES) == set(ops.ALL), "each client operation needs a case here"
    # A second team of the same shape: m2 over r3 and r4.
    r4 = await User.create(
        username="r4",
        display_name="R4",
        role=Role.SALES_REP,
        manager=company.users["m2"],
        password_hash=password_hash(),
    )
    company.users["r4"] = r4
    small = await _build(company, "r1", "m1", "r2", SMALL)
    large = await _build(company, "r3", "m2", "r4", LARGE)
    department = await Department.create(name="客服部")
    for world in (small, large):
        world.colleague_id = company.users[world.colleague].id  # type: ignore[attr-defined]
        world.department_id = department.id  # type: ignore[attr-defined]
    await company.api("r1").data("{ companySettings { timezone } }")  # the settings row
    counts: dict[str, tuple[int, int]] = {}
    for name in CASES:
        few, _ = await _statements(company, sql_counter, small, name)
        many, data = await _statements(company, sql_counter, large, name)
        counts[name] = (few, many)
        if name == "QUEUE":
            assert len(data["followUpQueue"]["overdue"]["nodes"]) == LARGE
        if name == "CUSTOMERS":
            assert len(data["customers"]["nodes"]) == LARGE
    grew = {name: c for name, c in counts.items() if c[0] != c[1]}
    assert not grew, f"statements grew with the data (small, large): {grew}"
    # The queue the client opens every morning: token, the user, settings, team, grants,
    # neglect check, three pages, their customers' contacts, the section counts, and the
    # complaints escalated to the rep with their count.
    assert counts["QUEUE"][1] <= 13, counts


async def test_a_token_is_looked_up_once_then_remembered(
    company: Company, sql_counter: SqlCounter
) -> None:
    api = company.api("r1")
    query = "{ viewer { username } }"
    cold_caches()
    sql_counter.statements.clear()
    await api.data(query)
    cold = [s for s in sql_counter.statements if "api_token" in s]
    sql_counter.statements.clear()
    await api.data(query)
    warm = [s for s in sql_counter.statements if "api_token" in s]
    assert len(cold) == 1 and warm == []


async def test_logout_is_seen_at_once_and_elsewhere_within_the_cache_time(
    company: Company,
) -> None:
    from datetime import timedelta

    from server.domain.accounts.models import ApiToken
    from server.domain.shared import clock

    api = company.api("r1")
    assert (await api.data("{ viewer { username } }"))["viewer"] == {"username": "r1"}
    # Another process revokes the token (or deactivates the user). The outbox tells this
    # one (on PostgreSQL at once, by NOTIFY; on SQLite the hub reads only while someone
    # subscribes), and whatever it heard, it refuses the token after the cache's seconds.
    await ApiToken.filter(user_id=company.users["r1"].id).update(revoked_at=clock.now())
    with clock.standing_at(clock.now() + timedelta(seconds=SESSIONS.seconds + 1)):
        assert (await api.data("{ viewer { username } }"))["viewer"] is None
    # A logout through this process is seen at once.
    other = company.api("r2")
    assert (await other.data("{ viewer { username } }"))["viewer"] == {"username": "r2"}
    await other.data("mutation { logout { revoked } }")
    assert (await other.data("{ viewer { username } }"))["viewer"] is None
