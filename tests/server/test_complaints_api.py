"""Complaints through the GraphQL API: one mutation per step with its own input and
userErrors, the board, the list, the lessons register, the escalation of overdue steps into
the follow-up queue, and what each kind of viewer reads of a complaint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from strawberry.relay import GlobalID

from server.domain.accounts.models import Department
from server.domain.shared import clock
from tests.conftest import Api, Company, create_customer

FIELDS = """id version step stepDueAt overdue subject category kind severity channel
  amount { amount currency } customerName viewerActions
  remedy { kind amount { amount } description }
  correctiveAction { description dueOn doneOn owner { username } }"""


@pytest.fixture
async def world(company: Company) -> dict[str, Any]:
    service = await Department.create(name="客服部")
    svc = company.users["svc"]
    svc.department = service
    await svc.save()
    r1 = company.api("r1")
    customer = await create_customer(r1, name="杭州机械厂")
    contact = (
        await r1.data(
            """mutation($c: ID!) { contactCreate(input: {customerId: $c, name: "王总",
            title: "采购经理", phone: "0571-88886666", hobbies: "钓鱼"}) { contact { id } } }""",
            {"c": customer["id"]},
        )
    )["contactCreate"]["contact"]
    order = (
        await r1.data(
            """mutation($c: ID!, $d: Date!) { salesOrderCreate(input: {customerId: $c,
            orderedOn: $d, lines: [{product: "模具", quantity: 2, unitPrice: "600.25"},
            {product: "刀具", quantity: 1, unitPrice: "80.00"}]}) { salesOrder { id } } }""",
            {"c": customer["id"], "d": (datetime.now(UTC).date() - timedelta(days=3)).isoformat()},
        )
    )["salesOrderCreate"]["salesOrder"]
    return {
        "company": company,
        "customer": customer,
        "contact": contact,
        "order": order,
        "service": str(GlobalID("Department", str(service.id))),
    }


async def _call(api: Api, name: str, input_type: str, values: dict[str, Any]) -> dict[str, Any]:
    body = await api.data(
        f"mutation($input: {input_type}!) {{ {name}(input: $input) {{"
        f" complaint {{ {FIELDS} }} userErrors {{ field code message }} }} }}",
        {"input": values},
    )
    return body[name]


async def _record(world: dict[str, Any], who: str = "r1", **extra: Any) -> dict[str, Any]:
    values = {
        "customerId": world["customer"]["id"],
        "channel": "PHONE",
        "kind": "TRANSIT_DAMAGE",
        "subject": "货物运输途中破损",
        "contactId": world["contact"]["id"],
        "salesOrderId": world["order"]["id"],
        "orderLineNumbers": [1],
        "amount": "1200.50",
        **extra,
    }
    payload = await _call(
        world["company"].api(who), "complaintRecord", "ComplaintRecordInput", values
    )
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload["complaint"]


STEPS: list[tuple[str, str, str, dict[str, Any]]] = [
    # (who, mutation, input type, values besides id and version)
    ("svc", "complaintValidate", "ComplaintValidateInput", {}),
    ("svc", "complaintAssign", "ComplaintAssignInput", {}),  # ids filled in by _walk
    (
        "svc",
        "complaintAnalyse",
        "ComplaintAnalyseInput",
        {"rootCause": "承运商装卸不当", "responsibleParty": "THIRD_PARTY"},
    ),
    (
        "svc",
        "complaintPropose",
        "ComplaintProposeInput",
        {"remedyKind": "EXCHANGE", "remedyDescription": "补发一件", "remedyAmount": "1200.50"},
    ),
    ("m1", "complaintApprove", "ComplaintApproveInput", {}),
    (
        "svc",
        "complaintImplement",
        "ComplaintImplementInput",
        {"implementation": "已补发", "customerFeedback": "满意"},
    ),
    (
        "r1",
        "complaintEvaluate",
        "ComplaintEvaluateInput",
        {"lessons": "加固包装", "satisfaction": 4, "correctiveAction": "改用木箱"},
    ),
]


async def _walk(world: dict[str, Any], complaint: dict[str, Any], until: str) -> dict[str, Any]:
    """Take the complaint through the steps, each by the right person, until it waits in
    `until`."""
    c = world["company"]
    for who, name, input_type, values in STEPS:
        if complaint["step"] == until:
            break
        values = dict(values)
        if name == "complaintAssign":
            values |= {"departmentId": world["service"], "assigneeId": c.gid("svc")}
        if name == "complaintImplement":
            values["customerNotifiedAt"] = datetime.now(UTC).isoformat()
        if name == "complaintEvaluate":
            values |= {
                "correctiveOwnerId": c.gid("svc"),
                "correctiveDueOn": (datetime.now(UTC).date() + timedelta(days=30)).isoformat(),
            }
        payload = await _call(
            c.api(who),
            name,
            input_type,
            {"id": complaint["id"], "version": complaint["version"], **values},
        )
        assert payload["userErrors"] == [], (name, payload["userErrors"])
        complaint = payload["complaint"]
    assert complaint["step"] == until
    return complaint


async def test_a_complaint_goes_through_the_eight_steps_over_the_api(
    world: dict[str, Any],
) -> None:
    recorded = await _record(world)
    assert recorded["step"] == "VALIDATE"
    assert recorded["category"] == "SALES_CONTRACT"  # from the kind
    assert recorded["amount"] == {"amount": "1200.50", "currency": "CNY"}
    assert recorded["severity"] == "MEDIUM" and recorded["stepDueAt"]
    closed = await _walk(world, recorded, "CLOSED")
    assert closed["version"] == 8 and closed["stepDueAt"] is None
    assert closed["remedy"] == {
        "kind": "EXCHANGE",
        "amount": {"amount": "1200.50"},
        "description": "补发一件",
    }
    assert closed["correctiveAction"]["owner"] == {"username": "svc"}
    body = (
        await world["company"]
        .api("r1")
        .data(
            """query($id: ID!) { node(id: $id) { ... on Complaint {
          events { action fromStep toStep actor { username } spentSeconds }
          orderLines { lineNo product amount { amount } } salesOrder { total { amount } }
          contact { name title } recordedBy { username } assignee { username }
          department { name } proposedBy { username } approvedBy { username } } } }""",
            {"id": closed["id"]},
        )
    )
    node = body["node"]
    assert [
        (e["action"], e["fromStep"], e["toStep"], e["actor"]["username"]) for e in node["events"]
    ] == [
        ("RECORD", None, "VALIDATE", "r1"),
        ("VALIDATE", "VALIDATE", "ASSIGN", "svc"),
        ("ASSIGN", "ASSIGN", "ANALYSE", "svc"),
        ("ANALYSE", "ANALYSE", "PROPOSE", "svc"),
        ("PROPOSE", "PROPOSE", "APPROVE", "svc"),
        ("APPROVE", "APPROVE", "IMPLEMENT", "m1"),
        ("IMPLEMENT", "IMPLEMENT", "EVALUATE", "svc"),
        ("EVALUATE", "EVALUATE", "CLOSED", "r1"),
    ]
    assert node["orderLines"] == [{"lineNo": 1, "product": "模具", "amount": {"amount": "1200.50"}}]
    assert node["salesOrder"] == {"total": {"amount": "1280.50"}}
    assert node["contact"] == {"name": "王总", "title": "采购经理"}
    assert (node["proposedBy"], node["approvedBy"]) == ({"username": "svc"}, {"username": "m1"})
    assert node["department"] == {"name": "客服部"}
    # The call after closing sits in the owner's queue.
    queue = (
        await world["company"]
        .api("r1")
        .data("{ followUpQueue { upcoming { nodes { origin kind purpose } } } }")
    )
    assert {"origin": "COMPLAINT", "kind": "PHONE", "purpose": "投诉回访: 货物运输途中破损"} in (
        queue["followUpQueue"]["upcoming"]["nodes"]
    )


async def test_each_step_refuses_bad_input_on_its_field_and_writes_nothing(
    world: dict[str, Any],
) -> None:
    c = world["company"]
    svc, r1 = c.api("svc"), c.api("r1")
    bad = await _call(
        r1,
        "complaintRecord",
        "ComplaintRecordInput",
        {
            "customerId": world["customer"]["id"],
            "channel": "PHONE",
            "kind": "MALFUNCTION",
            "subject": " ",
            "amount": "-3",
            "orderLineNumbers": [1],
        },
    )
    assert sorted((e["field"], e["code"]) for e in bad["userErrors"]) == [
        (["input", "amount"], "OUT_OF_RANGE"),
        (["input", "subject"], "REQUIRED"),
    ]
    assert bad["complaint"] is None
    no_order = await _call(
        r1,
        "complaintRecord",
        "ComplaintRecordInput",
        {
            "customerId": world["customer"]["id"],
            "channel": "PHONE",
            "kind": "MALFUNCTION",
            "subject": "坏了",
            "orderLineNumbers": [1],
        },
    )
    assert [(e["field"], e["code"]) for e in no_order["userErrors"]] == [
        (["input", "salesOrderId"], "REQUIRED")
    ]
    other = await create_customer(c.api("r2"), name="宁波轴承厂")
    wrong_contact = await _call(
        r1,
        "complaintRecord",
        "ComplaintRecordInput",
        {
            "customerId": other["id"],
            "channel": "PHONE",
            "kind": "MALFUNCTION",
            "subject": "坏了",
        },
    )
    assert [(e["field"], e["code"]) for e in wrong_contact["userErrors"]] == [
        (["input", "customerId"], "NOT_FOUND")  # r1 does not see r2's customer
    ]
    complaint = await _record(world)
    rejected = await _call(
        svc,
        "complaintReject",
        "ComplaintRejectInput",
        {"id": complaint["id"], "version": 1, "rejectionReason": "不成立", "reply": " "},
    )
    assert [(e["field"], e["code"]) for e in rejected["userErrors"]] == [
        (["input", "reply"], "REQUIRED")
    ]
    skipped = await _call(
        svc,
        "complaintAnalyse",
        "ComplaintAnalyseInput",
        {"id": complaint["id"], "version": 1, "rootCause": "x", "responsibleParty": "OUR_STAFF"},
    )
    assert [e["code"] for e in skipped["userErrors"]] == ["INVALID_STATE"]
    stale = await _call(
        svc, "complaintValidate", "ComplaintValidateInput", {"id": complaint["id"], "version": 7}
    )
    assert [(e["field"], e["code"]) for e in stale["userErrors"]] == [
        (["input", "version"], "STALE_VERSION")
    ]
    not_an_id = await _call(
        svc,
        "complaintValidate",
        "ComplaintValidateInput",
        {"id": world["customer"]["id"], "version": 1},
    )
    assert [(e["field"], e["code"]) for e in not_an_id["userErrors"]] == [
        (["input", "id"], "NOT_FOUND")
    ]
    # Nothing moved: still waiting for validation at version 1, one event.
    body = await r1.data(
        "query($id: ID!) { node(id: $id) { ... on Complaint { step version events { action } } } }",
        {"id": complaint["id"]},
    )
    assert body["node"] == {"step": "VALIDATE", "version": 1, "events": [{"action": "RECORD"}]}
    total = await r1.data("{ complaints { totalCount } }")
    assert total["complaints"]["totalCount"] == 1


async def test_the_proposer_may_not_approve_and_a_send_back_returns_to_proposal(
    world: dict[str, Any],
) -> None:
    c = world["company"]
    complaint = await _walk(world, await _record(world), "PROPOSE")
    proposed = await _call(
        c.api("m1"),
        "complaintPropose",
        "ComplaintProposeInput",
        {
            "id": complaint["id"],
            "version": complaint["version"],
            "remedyKind": "DISCOUNT",
            "remedyDescription": "九折",
        },
    )
    assert proposed["userErrors"] == []
    complaint = proposed["complaint"]
    assert "APPROVE" not in complaint["viewerActions"]  # m1 proposed it
    own = await _call(
        c.api("m1"),
        "complaintApprove",
        "ComplaintApproveInput",
        {"id": complaint["id"], "version": complaint["version"]},
    )
    assert [e["code"] for e in own["userErrors"]] == ["NOT_ALLOWED"]
    admin = await c.api("admin").data(
        f"query($id: ID!) {{ node(id: $id) {{ ... on Complaint {{ {FIELDS} }} }} }}",
        {"id": complaint["id"]},
    )
    assert set(admin["node"]["viewerActions"]) == {"APPROVE", "SEND_BACK"}
    no_note = await _call(
        c.api("admin"),
        "complaintSendBack",
        "ComplaintSendBackInput",
        {"id": complaint["id"], "version": complaint["version"], "note": ""},
    )
    assert [(e["field"], e["code"]) for e in no_note["userErrors"]] == [
        (["input", "note"], "REQUIRED")
    ]
    back = await _call(
        c.api("admin"),
        "complaintSendBack",
        "ComplaintSendBackInput",
        {"id": complaint["id"], "version": complaint["version"], "note": "折扣太大"},
    )
    assert back["complaint"]["step"] == "PROPOSE"


async def test_a_rejected_complaint_ends_and_reopens_to_assignment(world: dict[str, Any]) -> None:
    c = world["company"]
    complaint = await _record(world)
    rejected = await _call(
        c.api("svc"),
        "complaintReject",
        "ComplaintRejectInput",
        {
            "id": complaint["id"],
            "version": 1,
            "rejectionReason": "超出保修期",
            "reply": "感谢您的反馈，经核实已超出保修期。",
        },
    )
    assert rejected["complaint"]["step"] == "REJECTED"
    assert rejected["complaint"]["stepDueAt"] is None
    reopened = await _call(
        c.api("r1"),
        "complaintReopen",
        "ComplaintReopenInput",
        {"id": complaint["id"], "version": 2, "reopenReason": "客户提供了购买凭证"},
    )
    assert reopened["userErrors"] == []
    assert reopened["complaint"]["step"] == "ASSIGN"


async def test_who_reads_what_of_a_complaint(world: dict[str, Any]) -> None:
    """The owner line reads all; service staff read the triage queue and their department's
    complaints with the customer facts handling needs (name, contacts, the order), not the
    customer's record; another team reads nothing."""
    c = world["company"]
    complaint = await _record(world)
    query = """query($id: ID!) { node(id: $id) { ... on Complaint { customerName
      customer { name } customerContacts { name phone } salesOrder { customer { name } } } } }"""
    owner = await c.api("r1").data(query, {"id": complaint["id"]})
    assert owner["node"]["customer"] == {"name": "杭州机械厂"}
    service = await c.api("svc").data(query, {"id": complaint["id"]})
    assert service["node"] == {
        "customerName": "杭州机械厂",
        "customer": None,
        "customerContacts": [{"name": "王总", "phone": "0571-88886666"}],
        "salesOrder": {"customer": None},
    }
    for outsider in ("r3", "m2", "r2"):
        seen = await c.api(outsider).data(query, {"id": complaint["id"]})
        assert seen["node"] is None, outsider
        listed = await c.api(outsider).data("{ complaints { totalCount } }")
        assert listed["complaints"]["totalCount"] == 0, outsider
    # Once assigned to another department, it leaves the service staff's view.
    other = await Department.create(name="质检部")
    await _walk(world, complaint, "ASSIGN")
    moved = await _call(
        c.api("r1"),
        "complaintAssign",
        "ComplaintAssignInput",
        {
            "id": complaint["id"],
            "version": 2,
            "departmentId": str(GlobalID("Department", str(other.id))),
            "assigneeId": c.gid("r2"),
        },
    )
    assert moved["userErrors"] == []
    assert (await c.api("svc").data(query, {"id": complaint["id"]}))["node"] is None
    # The assignee reads it, though r2 does not see the customer.
    assigned = await c.api("r2").data(query, {"id": complaint["id"]})
    assert assigned["node"]["customerName"] == "杭州机械厂"
    assert assigned["node"]["customer"] is None


async def test_a_handler_of_the_assigned_department_reads_it_and_another_department_does_not(
    world: dict[str, Any],
) -> None:
    """Past triage, a complaint is read by the handlers of the department it was assigned
    to, not only by its assignee; a handler of another department reads nothing of it."""
    c = world["company"]
    colleague = await c.add_user("svc2", "service")
    colleague.department_id = (await Department.get(name="客服部")).id
    await colleague.save()
    elsewhere = await c.add_user("qa", "service")
    elsewhere.department = await Department.create(name="质检部")
    await elsewhere.save()
    complaint = await _walk(world, await _record(world), "ANALYSE")  # assigned to svc
    query = "query($id: ID!) { node(id: $id) { ... on Complaint { step customerName } } }"
    read = await c.api("svc2").data(query, {"id": complaint["id"]})
    assert read["node"] == {"step": "ANALYSE", "customerName": "杭州机械厂"}
    listed = await c.api("svc2").data("{ complaints { totalCount } }")
    assert listed["complaints"]["totalCount"] == 1
    assert (await c.api("qa").data(query, {"id": complaint["id"]}))["node"] is None
    assert (await c.api("qa").data("{ complaints { totalCount } }"))["complaints"][
        "totalCount"
    ] == 0


async def test_the_board_counts_each_step_and_what_is_overdue(world: dict[str, Any]) -> None:
    c = world["company"]
    first = await _record(world)
    second = await _record(world, subject="尺寸超差", kind="OUT_OF_TOLERANCE")
    await _walk(world, second, "ANALYSE")
    query = """{ complaintBoard { openCount overdueCount columns { step count overdueCount
      complaints(first: 5) { nodes { subject overdue } } } } }"""
    board = (await c.api("m1").data(query))["complaintBoard"]
    counts = {col["step"]: (col["count"], col["overdueCount"]) for col in board["columns"]}
    assert counts["VALIDATE"] == (1, 0) and counts["ANALYSE"] == (1, 0)
    assert [col["step"] for col in board["columns"]] == [
        "VALIDATE",
        "ASSIGN",
        "ANALYSE",
        "PROPOSE",
        "APPROVE",
        "IMPLEMENT",
        "EVALUATE",
    ]
    # Ten days on, both steps are past their limits (1 and 3 working days).
    with clock.standing_at(datetime.now(UTC) + timedelta(days=10)):
        late = (await c.api("m1").data(query))["complaintBoard"]
        overdue = await c.api("m1").data(
            "{ complaints(filter: {overdue: true}) { nodes { subject } } }"
        )
    assert (late["openCount"], late["overdueCount"]) == (2, 2)
    validate = next(col for col in late["columns"] if col["step"] == "VALIDATE")
    assert validate["complaints"]["nodes"] == [{"subject": first["subject"], "overdue": True}]
    assert {n["subject"] for n in overdue["complaints"]["nodes"]} == {
        "货物运输途中破损",
        "尺寸超差",
    }
    # Another team's manager sees an empty board.
    other = (await c.api("m2").data(query))["complaintBoard"]
    assert other["openCount"] == 0


async def test_an_overdue_step_is_escalated_into_the_assignees_and_their_managers_queue(
    world: dict[str, Any],
) -> None:
    c = world["company"]
    complaint = await _walk(world, await _record(world), "ASSIGN")
    await _call(
        c.api("svc"),
        "complaintAssign",
        "ComplaintAssignInput",
        {
            "id": complaint["id"],
            "version": complaint["version"],
            "departmentId": world["service"],
            "assigneeId": c.gid("r2"),
        },
    )
    unassigned = await _record(world, subject="未分派的投诉")
    query = """query($u: ID) { followUpQueue(userId: $u) {
      overdueComplaints { nodes { subject } } } }"""
    # Before the limit: nothing escalated.
    now = await c.api("m1").data(query, {"u": c.gid("r2")})
    assert now["followUpQueue"]["overdueComplaints"]["nodes"] == []
    with clock.standing_at(datetime.now(UTC) + timedelta(days=10)):
        assignee = await c.api("r2").data(query, {"u": None})
        manager = await c.api("m1").data(query, {"u": None})
        owner = await c.api("r1").data(query, {"u": None})
        outsider = await c.api("m2").data(query, {"u": None})
    subjects = lambda body: {  # noqa: E731
        n["subject"] for n in body["followUpQueue"]["overdueComplaints"]["nodes"]
    }
    assert subjects(assignee) == {"货物运输途中破损"}
    # m1 manages both r2 (the assignee) and r1 (owner of the unassigned one).
    assert subjects(manager) == {"货物运输途中破损", unassigned["subject"]}
    assert subjects(owner) == {unassigned["subject"]}
    assert subjects(outsider) == set()


async def test_the_lessons_register_and_the_corrective_action_done(world: dict[str, Any]) -> None:
    c = world["company"]
    closed = await _walk(world, await _record(world), "CLOSED")
    await _walk(world, await _record(world, subject="还在处理"), "ANALYSE")
    query = """query($open: Boolean) { complaintLessons(correctiveOpen: $open) { nodes {
      subject lessons correctiveAction { description doneOn } } } }"""
    register = (await c.api("m1").data(query, {"open": None}))["complaintLessons"]["nodes"]
    assert register == [
        {
            "subject": "货物运输途中破损",
            "lessons": "加固包装",
            "correctiveAction": {"description": "改用木箱", "doneOn": None},
        }
    ]
    today = datetime.now(UTC).date()
    ahead = await _call(
        c.api("svc"),
        "complaintCorrectiveActionDone",
        "ComplaintCorrectiveActionDoneInput",
        {
            "id": closed["id"],
            "version": closed["version"],
            "doneOn": (today + timedelta(days=2)).isoformat(),
        },
    )
    assert [(e["field"], e["code"]) for e in ahead["userErrors"]] == [
        (["input", "doneOn"], "OUT_OF_RANGE")
    ]
    stranger = await _call(
        c.api("r2"),
        "complaintCorrectiveActionDone",
        "ComplaintCorrectiveActionDoneInput",
        {"id": closed["id"], "version": closed["version"], "doneOn": today.isoformat()},
    )
    assert [e["code"] for e in stranger["userErrors"]] == ["NOT_FOUND"]
    done = await _call(
        c.api("svc"),
        "complaintCorrectiveActionDone",
        "ComplaintCorrectiveActionDoneInput",
        {"id": closed["id"], "version": closed["version"], "doneOn": today.isoformat()},
    )
    assert done["userErrors"] == []
    assert done["complaint"]["correctiveAction"]["doneOn"] == today.isoformat()
    still_open = await c.api("m1").data(query, {"open": True})
    assert still_open["complaintLessons"]["nodes"] == []


async def test_the_customer_screen_lists_its_complaints(world: dict[str, Any]) -> None:
    c = world["company"]
    await _walk(world, await _record(world), "CLOSED")
    await _record(world, subject="第二次投诉")
    body = await c.api("r1").data(
        """query($id: ID!) { customer(id: $id) { all: complaints { nodes { subject step } }
        open: complaints(open: true) { totalCount } } }""",
        {"id": world["customer"]["id"]},
    )
    assert [n["subject"] for n in body["customer"]["all"]["nodes"]] == [
        "第二次投诉",
        "货物运输途中破损",
    ]
    assert body["customer"]["open"]["totalCount"] == 1


async def test_the_complaint_limits_are_company_settings(world: dict[str, Any]) -> None:
    c = world["company"]
    changed = await c.api("admin").data(
        """mutation { companySettingsUpdate(input: {complaintValidateDays: 2,
        workingWeekdays: [1, 2, 3, 4, 5, 6]}) { settings { complaintValidateDays
        workingWeekdays } userErrors { field code } } }"""
    )
    assert changed["companySettingsUpdate"] == {
        "settings": {"complaintValidateDays": 2, "workingWeekdays": [1, 2, 3, 4, 5, 6]},
        "userErrors": [],
    }
    bad = await c.api("admin").data(
        """mutation { companySettingsUpdate(input: {complaintAnalyseDays: 0,
        workingWeekdays: [8]}) { userErrors { field code } } }"""
    )
    assert sorted((e["field"], e["code"]) for e in bad["companySettingsUpdate"]["userErrors"]) == [
        (["input", "complaintAnalyseDays"], "OUT_OF_RANGE"),
        (["input", "workingWeekdays"], "OUT_OF_RANGE"),
    ]


async def test_the_analysis_counts_times_each_step_and_names_repeat_complainers(
    world: dict[str, Any],
) -> None:
    c = world["company"]
    late = await _record(world, subject="迟迟未判定")
    on_time = await _record(world, subject="当场判定", kind="MALFUNCTION")
    await _call(
        c.api("svc"),
        "complaintValidate",
        "ComplaintValidateInput",
        {"id": on_time["id"], "version": 1},
    )
    # Ten days on: far past the one working day to validate.
    with clock.standing_at(datetime.now(UTC) + timedelta(days=10)):
        moved = await _call(
            c.api("svc"),
            "complaintValidate",
            "ComplaintValidateInput",
            {"id": late["id"], "version": 1},
        )
    assert moved["userErrors"] == []
    today = datetime.now(UTC).date()
    body = await c.api("m1").data(
        """query($from: Date!, $to: Date!) { complaintAnalysis(from: $from, to: $to) {
        received byCategory { category count } byStep { step count }
        byDepartment { department { name } count }
        stepTimes { step moves meanSeconds p90Seconds withinLimitPercent }
        repeatComplainers { customerName complaints customer { name } } } }""",
        {
            "from": (today - timedelta(days=1)).isoformat(),
            "to": (today + timedelta(days=1)).isoformat(),
        },
    )
    found = body["complaintAnalysis"]
    assert found["received"] == 2
    assert {r["category"]: r["count"] for r in found["byCategory"]} == {
        "PRODUCT_QUALITY": 1,
        "SALES_CONTRACT": 1,
        "SERVICE": 0,
    }
    assert {r["step"]: r["count"] for r in found["byStep"]}["ASSIGN"] == 2
    assert found["byDepartment"] == [{"department": None, "count": 2}]
    validate = next(t for t in found["stepTimes"] if t["step"] == "VALIDATE")
    assert validate["moves"] == 2
    assert validate["withinLimitPercent"] == "50.0"
    assert validate["p90Seconds"] >= 10 * 86400 - 60
    assert abs(validate["meanSeconds"] - validate["p90Seconds"] / 2) < 60
    assert found["repeatComplainers"] == [
        {"customerName": "杭州机械厂", "complaints": 2, "customer": {"name": "杭州机械厂"}}
    ]
    # Another team reads none of it.
    other = await c.api("m2").data(
        """query($d: Date!) { complaintAnalysis(from: $d, to: $d) { received } }""",
        {"d": today.isoformat()},
    )
    assert other["complaintAnalysis"]["received"] == 0
    backwards = await c.api("m1").post(
        """query($a: Date!, $b: Date!) { complaintAnalysis(from: $a, to: $b) { received } }""",
        {"a": today.isoformat(), "b": (today - timedelta(days=1)).isoformat()},
    )
    assert backwards["errors"][0]["extensions"]["code"] == "OUT_OF_RANGE"


async def test_the_closing_satisfaction_joins_the_customers_history(world: dict[str, Any]) -> None:
    c = world["company"]
    logged = await c.api("r1").data(
        """mutation($c: ID!) { interactionLog(input: {customerId: $c, kind: PHONE, grade: B,
        satisfaction: 2}) { userErrors { code } } }""",
        {"c": world["customer"]["id"]},
    )
    assert logged["interactionLog"]["userErrors"] == []
    await _walk(world, await _record(world), "CLOSED")
    await _record(world, subject="还没处理")
    body = await c.api("r1").data(
        """query($id: ID!) { customer(id: $id) { openComplaintCount
        satisfactionHistory { score source } } }""",
        {"id": world["customer"]["id"]},
    )
    assert body["customer"] == {
        "openComplaintCount": 1,
        "satisfactionHistory": [
            {"score": 2, "source": "INTERACTION"},
            {"score": 4, "source": "COMPLAINT"},
        ],
    }
