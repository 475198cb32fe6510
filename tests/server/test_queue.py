"""The follow-up queue, the team view, follow-ups as tasks, visit plans and monitoring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from server.domain.customers.models import Customer
from server.domain.customers.pinyin import search_text
from server.domain.followups.models import FollowUp, Interaction
from tests.conftest import Company, create_customer
from tests.server.followup_helpers import company_today, logged, pk

QUEUE = """query($day: Date, $user: ID, $filter: FollowUpQueueFilter, $n: Int, $after: String) {
  followUpQueue(day: $day, userId: $user, filter: $filter) {
    day user { username }
    overdue(first: $n, after: $after) { totalCount pageInfo { hasNextPage endCursor }
      nodes { dueOn purpose customer { name } } }
    dueToday { totalCount nodes { customer { name grade abcClass isVip lastContact { summary }
      decisionMaker { name phone } strongestAlly { name phone } } purpose
      expectedOrder { products amount { amount } } } }
    upcoming { totalCount nodes { dueOn customer { name } } }
    neglectedCount neglected { customer { name } cadenceDays daysSinceContact } } }"""


async def _customer(company: Company, owner: str, name: str, **columns: Any) -> Customer:
    return await Customer.create(
        owner=company.users[owner], name=name, search_text=search_text(name), **columns
    )


async def _due(customer: Customer, days: int, purpose: str = "", **columns: Any) -> FollowUp:
    return await FollowUp.create(
        customer=customer,
        assignee_id=customer.owner_id,
        due_on=company_today() + timedelta(days=days),
        kind=columns.pop("kind", "phone"),
        origin="manual",
        purpose=purpose or customer.name,
        **columns,
    )


async def test_sections_and_their_order(company: Company) -> None:
    # Overdue: the longest overdue first, then grade A→E, then key account, VIP, class.
    old = await _customer(company, "r1", "十天前", grade="E")
    a = await _customer(company, "r1", "甲级", grade="A")
    b_plain = await _customer(company, "r1", "乙级普通", grade="B")
    b_vip = await _customer(company, "r1", "乙级VIP", grade="B", is_vip=True)
    b_key = await _customer(company, "r1", "乙级大客户", grade="B", is_key_account=True)
    b_class_a = await _customer(
        company, "r1", "乙级A类", grade="B", is_vip=True, abc_class="A", class_rank=0
    )
    await _due(old, -10)
    for c in (b_plain, b_vip, b_key, b_class_a, a):
        await _due(c, -2)
    today = await _customer(company, "r1", "今天", grade="C")
    await _due(today, 0, expected_products="注塑模具", expected_amount_minor=5_000_000)
    soon = await _customer(company, "r1", "七天后", grade="C")
    await _due(soon, 7)
    later = await _customer(company, "r1", "八天后", grade="C")
    await _due(later, 8)
    other = await _customer(company, "r2", "别人的", grade="A")
    await _due(other, -1)

    data = (await company.api("r1").data(QUEUE))["followUpQueue"]
    assert data["day"] == company_today().isoformat()
    assert [n["customer"]["name"] for n in data["overdue"]["nodes"]] == [
        "十天前",
        "甲级",
        "乙级大客户",
        "乙级A类",
        "乙级VIP",
        "乙级普通",
    ]
    assert data["overdue"]["totalCount"] == 6
    today_row = data["dueToday"]["nodes"][0]
    assert today_row["expectedOrder"] == {"products": "注塑模具", "amount": {"amount": "50000.00"}}
    assert data["dueToday"]["totalCount"] == 1
    assert [n["customer"]["name"] for n in data["upcoming"]["nodes"]] == ["七天后"]
    assert data["upcoming"]["totalCount"] == 1  # seven days ahead is in, eight is not

    # Asked only for totals (the team's glance at a queue), with a filter: the same counts.
    counts = (
        await company.api("r1").data(
            """{ followUpQueue(filter: {grades: [B]}) { overdue { totalCount }
            dueToday { totalCount } upcoming { totalCount } } }"""
        )
    )["followUpQueue"]
    assert counts == {
        "overdue": {"totalCount": 4},
        "dueToday": {"totalCount": 0},
        "upcoming": {"totalCount": 0},
    }


async def test_queue_pages_with_cursors(company: Company) -> None:
    for i in range(5):
        await _due(await _customer(company, "r1", f"客户{i}", grade="C"), -5 + i)
    api = company.api("r1")
    first = (await api.data(QUEUE, {"n": 2}))["followUpQueue"]["overdue"]
    assert [n["customer"]["name"] for n in first["nodes"]] == ["客户0", "客户1"]
    assert first["pageInfo"]["hasNextPage"] is True
    second = await api.data(QUEUE, {"n": 10, "after": first["pageInfo"]["endCursor"]})
    names = [n["customer"]["name"] for n in second["followUpQueue"]["overdue"]["nodes"]]
    assert names == ["客户2", "客户3", "客户4"]


async def test_rows_carry_what_a_rep_needs_before_calling(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api, name="杭州机械厂", grade="C")
    for name, extra in (
        ("王总", {"isDecisionMaker": True, "influence": "HIGH", "phone": "13800000001"}),
        ("副总", {"isDecisionMaker": True, "influence": "LOW"}),
        ("李主任", {"allyStrength": "STRONG", "phone": "13800000002"}),
        ("小张", {"allyStrength": "WEAK"}),
    ):
        await api.data(
            """mutation($input: ContactCreateInput!) { contactCreate(input: $input) {
            userErrors { code } } }""",
            {"input": {"customerId": customer["id"], "name": name, **extra}},
        )
    await logged(
        api, customer["id"], grade="A", summary="问了交期", nextDueOn=company_today().isoformat()
    )
    row = (await api.data(QUEUE))["followUpQueue"]["dueToday"]["nodes"][0]["customer"]
    assert row["grade"] == "A"
    assert row["lastContact"] == {"summary": "问了交期"}
    assert row["decisionMaker"] == {"name": "王总", "phone": "13800000001"}
    assert row["strongestAlly"] == {"name": "李主任", "phone": "13800000002"}


async def test_filters_by_region_grade_and_kind(company: Company) -> None:
    east = await _customer(company, "r1", "华东客户", grade="A", region="华东")
    north = await _customer(company, "r1", "华北客户", grade="B", region="华北")
    await _due(east, -1, kind="visit")
    await _due(north, -1)
    api = company.api("r1")

    async def names(flt: dict[str, Any]) -> list[str]:
        data = await api.data(QUEUE, {"filter": flt})
        return [n["customer"]["name"] for n in data["followUpQueue"]["overdue"]["nodes"]]

    assert await names({"regions": ["华东"]}) == ["华东客户"]
    assert await names({"grades": ["B"]}) == ["华北客户"]
    assert await names({"kinds": ["VISIT"]}) == ["华东客户"]


async def test_neglected_customers(company: Company) -> None:
    now = datetime.now(UTC)
    # Grade A: cadence 1 day, neglected after 2. Grade B: 7 days, neglected after 14.
    await _customer(
        company, "r1", "三天没联系A", grade="A", last_contact_at=now - timedelta(days=3)
    )
    await _customer(
        company, "r1", "三天没联系B", grade="B", last_contact_at=now - timedelta(days=3)
    )
    await _customer(
        company, "r1", "一天没联系A", grade="A", last_contact_at=now - timedelta(days=1)
    )
    with_item = await _customer(
        company, "r1", "有待办A", grade="A", last_contact_at=now - timedelta(days=30)
    )
    await _due(with_item, 3)
    data = (await company.api("r1").data(QUEUE))["followUpQueue"]
    assert data["neglectedCount"] == 1
    assert data["neglected"] == [
        {"customer": {"name": "三天没联系A"}, "cadenceDays": 1, "daysSinceContact": 3}
    ]


async def test_manager_sees_team_queues_and_team_view(company: Company) -> None:
    c1 = await _customer(company, "r1", "一号", grade="A")
    c2 = await _customer(company, "r2", "二号", grade="A")
    await _due(c1, -1)
    await _due(c1, 0, purpose="再打一次")
    await _due(c2, 0)
    await _customer(
        company, "r2", "没人管", grade="A", last_contact_at=datetime.now(UTC) - timedelta(days=9)
    )
    manager = company.api("m1")
    rep_queue = await manager.data(QUEUE, {"user": company.gid("r1")})
    assert rep_queue["followUpQueue"]["user"] == {"username": "r1"}
    assert rep_queue["followUpQueue"]["overdue"]["totalCount"] == 1
    # A rep cannot open a peer's queue; another team's manager cannot either.
    for who in ("r2", "m2"):
        denied = await company.api(who).data(QUEUE, {"user": company.gid("r1")})
        assert denied["followUpQueue"] is None
    team = await manager.data(
        """{ followUpTeam { user { username } overdueCount dueTodayCount outOfCadenceCount } }"""
    )
    assert team["followUpTeam"] == [
        {"user": {"username": "m1"}, "overdueCount": 0, "dueTodayCount": 0, "outOfCadenceCount": 0},
        {"user": {"username": "r1"}, "overdueCount": 1, "dueTodayCount": 1, "outOfCadenceCount": 0},
        {"user": {"username": "r2"}, "overdueCount": 0, "dueTodayCount": 1, "outOfCadenceCount": 1},
    ]


CREATE = """mutation($input: FollowUpCreateInput!) { followUpCreate(input: $input) {
  followUp { id version dueOn kind origin purpose status assignee { username }
             expectedOrder { quantity amount { amount } } }
  userErrors { field code } } }"""


async def test_follow_up_tasks_create_reschedule_skip(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api, grade="B")
    tomorrow = (company_today() + timedelta(days=1)).isoformat()
    made = (
        await api.data(
            CREATE,
            {
                "input": {
                    "customerId": customer["id"],
                    "dueOn": tomorrow,
                    "purpose": "送样品",
                    "expectedOrder": {"quantity": 100, "amount": "12000.50"},
                }
            },
        )
    )["followUpCreate"]
    task = made["followUp"]
    assert task["origin"] == "MANUAL" and task["kind"] == "PHONE"
    assert task["expectedOrder"] == {"quantity": 100, "amount": {"amount": "12000.50"}}
    past = await api.data(
        CREATE,
        {"input": {"customerId": customer["id"], "dueOn": "2020-01-01"}},
    )
    assert past["followUpCreate"]["userErrors"] == [
        {"field": ["input", "dueOn"], "code": "OUT_OF_RANGE"}
    ]
    cadence = await api.data(
        CREATE, {"input": {"customerId": customer["id"], "dueOn": tomorrow, "origin": "CADENCE"}}
    )
    assert cadence["followUpCreate"]["userErrors"] == [
        {"field": ["input", "origin"], "code": "INVALID"}
    ]

    moved = await api.data(
        """mutation($id: ID!, $d: Date!) { followUpReschedule(input: {id: $id, version: 1,
        dueOn: $d, reason: "客户出差"}) { followUp { dueOn version rescheduleCount
        rescheduleReason } userErrors { field code } } }""",
        {"id": task["id"], "d": (company_today() + timedelta(days=3)).isoformat()},
    )
    assert moved["followUpReschedule"]["followUp"]["rescheduleCount"] == 1
    assert moved["followUpReschedule"]["followUp"]["rescheduleReason"] == "客户出差"
    no_reason = await api.data(
        """mutation($id: ID!, $d: Date!) { followUpReschedule(input: {id: $id, version: 2,
        dueOn: $d, reason: "  "}) { userErrors { field code } } }""",
        {"id": task["id"], "d": tomorrow},
    )
    assert no_reason["followUpReschedule"]["userErrors"] == [
        {"field": ["input", "reason"], "code": "REQUIRED"}
    ]
    stale = await api.data(
        """mutation($id: ID!) { followUpSkip(input: {id: $id, version: 1, reason: "不需要"}) {
        userErrors { field code } } }""",
        {"id": task["id"]},
    )
    assert stale["followUpSkip"]["userErrors"] == [
        {"field": ["input", "version"], "code": "STALE_VERSION"}
    ]
    skipped = await api.data(
        """mutation($id: ID!) { followUpSkip(input: {id: $id, version: 2, reason: "不需要"}) {
        followUp { status skipReason } nextFollowUp { id } userErrors { code } } }""",
        {"id": task["id"]},
    )
    # A manual follow-up does not recur.
    assert skipped["followUpSkip"] == {
        "followUp": {"status": "SKIPPED", "skipReason": "不需要"},
        "nextFollowUp": None,
        "userErrors": [],
    }


async def test_skipping_a_cadence_follow_up_keeps_the_customer_in_cadence(
    company: Company,
) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    logged_once = await logged(api, customer["id"], grade="B")
    item = logged_once["nextFollowUp"]
    skipped = await api.data(
        """mutation($id: ID!) { followUpSkip(input: {id: $id, version: 1, reason: "放假"}) {
        nextFollowUp { dueOn origin } userErrors { code } } }""",
        {"id": item["id"]},
    )
    # Counted from its due date (7 days out), another 7 days.
    assert skipped["followUpSkip"]["nextFollowUp"] == {
        "dueOn": (company_today() + timedelta(days=14)).isoformat(),
        "origin": "CADENCE",
    }


async def test_transfer_moves_open_follow_ups_to_the_new_owner(company: Company) -> None:
    customer = await create_customer(company.api("r1"))
    await logged(company.api("r1"), customer["id"])
    moved = await company.api("m1").data(
        """mutation($id: ID!, $to: ID!) { customerTransfer(input: {id: $id, newOwnerId: $to}) {
        userErrors { code } } }""",
        {"id": customer["id"], "to": company.gid("r2")},
    )
    assert moved["customerTransfer"]["userErrors"] == []
    open_item = await FollowUp.get(customer_id=pk(customer["id"]), status="open")
    assert open_item.assignee_id == company.users["r2"].id


VISITS = """query($region: String!, $start: GeoPointInput) { visitPlan(region: $region,
  start: $start) { method totalKm stops { position distanceKm customer { name }
  followUps { kind } } } }"""


async def test_visit_plan_follows_the_route(company: Company) -> None:
    for name, route, position in (
        ("三号站", "东线", 3),
        ("一号站", "东线", 1),
        ("西线站", "西线", 1),
    ):
        customer = await _customer(
            company, "r1", name, region="华东", route=route, route_position=position
        )
        await _due(customer, 0, kind="visit")
    phone_only = await _customer(company, "r1", "只打电话", region="华东")
    await _due(phone_only, 0)
    elsewhere = await _customer(company, "r1", "华北的", region="华北")
    await _due(elsewhere, 0, kind="visit")
    plan = (await company.api("r1").data(VISITS, {"region": "华东"}))["visitPlan"]
    assert plan["method"] == "ROUTE"
    assert [s["customer"]["name"] for s in plan["stops"]] == ["一号站", "三号站", "西线站"]


async def test_visit_plan_by_nearest_neighbour(company: Company) -> None:
    # Along a line of longitude from the start: near, middle, far; entered out of order.
    for name, lat in (("远", 30.30), ("近", 30.05), ("中", 30.15)):
        customer = await _customer(
            company, "r1", name, region="杭州", latitude=lat, longitude=120.0
        )
        await _due(customer, -1, kind="visit")
    no_coords = await _customer(company, "r1", "没坐标", region="杭州")
    await _due(no_coords, 0, kind="visit")
    plan = (
        await company.api("r1").data(
            VISITS, {"region": "杭州", "start": {"latitude": 30.0, "longitude": 120.0}}
        )
    )["visitPlan"]
    assert plan["method"] == "NEAREST_NEIGHBOUR"
    assert [s["customer"]["name"] for s in plan["stops"]] == ["近", "中", "远", "没坐标"]
    first_leg = plan["stops"][0]["distanceKm"]
    assert 5.5 < first_leg < 5.6  # 0.05° of latitude ≈ 5.56 km
    assert plan["stops"][3]["distanceKm"] is None


async def test_sales_activity_for_managers(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    first = await logged(api, customer["id"], kind="VISIT", grade="A")
    # Answered on time (due tomorrow, done today).
    await logged(api, customer["id"], kind="PHONE", grade="A")
    # Make the open item overdue, then answer it: done late.
    await FollowUp.filter(customer_id=pk(customer["id"]), status="open").update(
        due_on=company_today() - timedelta(days=2)
    )
    await logged(api, customer["id"], kind="PHONE", grade="B")
    open_item = await FollowUp.get(customer_id=pk(customer["id"]), status="open")
    await api.data(
        """mutation($id: ID!) { followUpSkip(input: {id: $id, version: 1, reason: "客户休假"}) {
        userErrors { code } } }""",
        {"id": f"{_gid('FollowUp', open_item.id)}"},
    )
    assert first["nextFollowUp"]
    day = company_today().isoformat()
    report = await company.api("m1").data(
        """query($d: Date!) { salesActivity(from: $d, to: $d) { user { username } interactions
        interactionsByKind { kind count } followUpsDoneOnTime followUpsDoneLate
        followUpsSkipped overdueNow customersOutOfCadence } }""",
        {"d": day},
    )
    by_user = {r["user"]["username"]: r for r in report["salesActivity"]}
    assert set(by_user) == {"m1", "r1", "r2"}
    r1 = by_user["r1"]
    assert r1["interactions"] == 3
    assert r1["interactionsByKind"] == [
        {"kind": "PHONE", "count": 2},
        {"kind": "VISIT", "count": 1},
    ]
    assert (r1["followUpsDoneOnTime"], r1["followUpsDoneLate"], r1["followUpsSkipped"]) == (1, 1, 1)
    assert await Interaction.all().count() == 3
    # A rep sees only their own line.
    own = await api.data(
        "query($d: Date!) { salesActivity(from: $d, to: $d) { user { username } } }", {"d": day}
    )
    assert own["salesActivity"] == [{"user": {"username": "r1"}}]


def _gid(type_name: str, id_: int) -> str:
    from strawberry.relay import GlobalID

    return str(GlobalID(type_name, str(id_)))


async def test_queue_customers_answer_every_field_as_the_customer_itself(
    company: Company,
) -> None:
    # The queue reads only the customer columns a query selects; whatever is selected must
    # come out as it does from the customer's own node, which reads the whole row.
    introspected = await company.api("r1").data(
        """{ __type(name: "Customer") { fields { name args { name }
        type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }"""
    )
    subfields = {"Money": "{ amount currency }", "LastContact": "{ at kind summary }"}
    selected = []
    for field in introspected["__type"]["fields"]:
        kind = field["type"]
        while kind["kind"] in ("NON_NULL", "LIST"):
            kind = kind["ofType"]
        if field["args"]:
            continue
        if kind["kind"] in ("SCALAR", "ENUM"):
            selected.append(field["name"])
        elif kind["name"] in subfields:
            selected.append(f"{field['name']} {subfields[kind['name']]}")
    assert len(selected) > 45  # every plain fact of the archive is compared
    fields = " ".join(selected)
    customer = await _customer(
        company,
        "r1",
        "全字段",
        grade="B",
        region="华东",
        phone="0571-1",
        assets_minor=123_456,
        credit_limit_minor=99,
        billing_day=25,
        latitude=30.25,
        is_vip=True,
        vip_reason="单笔订单 12,000",
        last_contact_at=datetime.now(UTC) - timedelta(days=2),
        last_contact_kind="visit",
        last_contact_summary="看了样品",
    )
    await _due(customer, -1)
    api = company.api("r1")
    queued = (
        await api.data(
            f"{{ followUpQueue {{ overdue {{ nodes {{ customer {{ {fields} }} }} }} }} }}"
        )
    )["followUpQueue"]["overdue"]["nodes"][0]["customer"]
    node = f'node(id: "{_gid("Customer", customer.id)}")'
    own = (await api.data(f"{{ {node} {{ ... on Customer {{ {fields} }} }} }}"))["node"]
    assert queued == own
    assert queued["assets"] == {"amount": "1234.56", "currency": own["assets"]["currency"]}
    assert queued["lastContact"]["summary"] == "看了样品"
