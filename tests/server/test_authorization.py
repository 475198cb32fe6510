"""Who sees what (docs/domain.md §9): every root field and node(id:) against every kind of viewer.

One customer C belongs to rep r1 in manager m1's team. Around it: a peer rep (r2), the
owner's manager (m1), another team's manager (m2), a holder of an unexpired grant (r3), a
holder of an expired grant (r4), an admin, and an anonymous caller.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from strawberry.relay import GlobalID

from server.domain.access.models import AccessGrant
from server.domain.shared import clock
from server.graphql.schema import build_schema
from tests.conftest import Company, create_customer

ACTORS = [
    "owner",
    "peer",
    "manager",
    "other_manager",
    "grantee",
    "expired",
    "service",
    "finance",
    "admin",
    "anon",
]
USERNAME = {
    "owner": "r1",
    "peer": "r2",
    "manager": "m1",
    "other_manager": "m2",
    "grantee": "r3",
    "expired": "r4",
    "service": "svc",
    "finance": "fin",
    "admin": "admin",
    "anon": None,
}
READS = {"owner", "manager", "grantee", "admin"}
EDITS = {"owner", "manager", "admin"}


@pytest.fixture
async def world(company: Company) -> dict[str, Any]:
    await company.add_user("r4", "sales_rep", "m2")
    await company.add_user("fin", "finance")
    customer = await create_customer(company.api("r1"), name="杭州机械厂", tags=["老客户"])
    contact = (
        await company.api("r1").data(
            """mutation($c: ID!) { contactCreate(input: {customerId: $c, name: "王总",
            isDecisionMaker: true}) { contact { id } } }""",
            {"c": customer["id"]},
        )
    )["contactCreate"]["contact"]
    pk = int(GlobalID.from_id(customer["id"]).node_id)
    now = datetime.now(UTC)
    await AccessGrant.create(
        grantee=company.users["r3"], customer_id=pk, expires_at=now + timedelta(days=3)
    )
    await AccessGrant.create(
        grantee=company.users["r4"], customer_id=pk, expires_at=now - timedelta(seconds=1)
    )
    return {"company": company, "customer": customer, "contact": contact}


def _api(world: dict[str, Any], actor: str) -> Any:
    return world["company"].api(USERNAME[actor])


def _unauthenticated(body: dict[str, Any]) -> bool:
    return any(e.get("extensions", {}).get("code") == "UNAUTHENTICATED" for e in body["errors"])


async def read_customer(world: dict[str, Any], actor: str) -> None:
    body = await _api(world, actor).post(
        "query($id: ID!) { customer(id: $id) { name } }", {"id": world["customer"]["id"]}
    )
    if actor == "anon":
        assert _unauthenticated(body)
        return
    expected = {"name": "杭州机械厂"} if actor in READS else None
    assert body["data"]["customer"] == expected


async def read_node(world: dict[str, Any], actor: str) -> None:
    cid, kid = world["customer"]["id"], world["contact"]["id"]
    body = await _api(world, actor).post(
        """query($c: ID!, $k: ID!) { node(id: $c) { ... on Customer { name } }
        nodes(ids: [$c, $k]) { ... on Customer { name } ... on Contact { name } } }""",
        {"c": cid, "k": kid},
    )
    sees = actor in READS
    assert body["data"]["node"] == ({"name": "杭州机械厂"} if sees else None)
    assert body["data"]["nodes"] == (
        [{"name": "杭州机械厂"}, {"name": "王总"}] if sees else [None, None]
    )


async def read_list(world: dict[str, Any], actor: str) -> None:
    body = await _api(world, actor).post(
        """{ all: customers { totalCount nodes { name } }
        found: customers(filter: {search: "hzjx"}) { totalCount }
        tagged: customers(filter: {tags: ["老客户"]}) { totalCount } }"""
    )
    if actor == "anon":
        assert _unauthenticated(body)
        return
    n = 1 if actor in READS else 0
    data = body["data"]
    assert data["all"]["totalCount"] == n
    assert len(data["all"]["nodes"]) == n
    assert data["found"]["totalCount"] == n
    assert data["tagged"]["totalCount"] == n


async def read_nested(world: dict[str, Any], actor: str) -> None:
    # Through the contact node, the customer is reachable only when visible.
    body = await _api(world, actor).post(
        "query($k: ID!) { node(id: $k) { ... on Contact { customer { name } } } }",
        {"k": world["contact"]["id"]},
    )
    expected = {"customer": {"name": "杭州机械厂"}} if actor in READS else None
    assert body["data"]["node"] == expected


async def update_customer(world: dict[str, Any], actor: str) -> None:
    body = await _api(world, actor).post(
        """mutation($id: ID!) { customerUpdate(input: {id: $id, version: 1, region: "华东"}) {
        customer { region } userErrors { code } } }""",
        {"id": world["customer"]["id"]},
    )
    payload = body["data"]["customerUpdate"]
    expected = _mutation_outcome(actor)
    assert [e["code"] for e in payload["userErrors"]] == expected
    assert (payload["customer"] is not None) == (expected == [])


async def archive_customer(world: dict[str, Any], actor: str) -> None:
    body = await _api(world, actor).post(
        """mutation($id: ID!) { customerArchive(input: {id: $id, version: 1}) {
        userErrors { code } } }""",
        {"id": world["customer"]["id"]},
    )
    assert [e["code"] for e in body["data"]["customerArchive"]["userErrors"]] == (
        _mutation_outcome(actor)
    )


async def restore_customer(world: dict[str, Any], actor: str) -> None:
    body = await _api(world, actor).post(
        """mutation($id: ID!) { customerRestore(input: {id: $id, version: 1}) {
        userErrors { code } } }""",
        {"id": world["customer"]["id"]},
    )
    codes = [e["code"] for e in body["data"]["customerRestore"]["userErrors"]]
    # Those who may edit reach the state check: it is not archived.
    assert codes == (["INVALID_STATE"] if actor in EDITS else _mutation_outcome(actor))


async def transfer_customer(world: dict[str, Any], actor: str) -> None:
    company = world["company"]
    body = await _api(world, actor).post(
        """mutation($id: ID!, $to: ID!) { customerTransfer(input: {id: $id, newOwnerId: $to}) {
        customer { owner { username } } userErrors { code } } }""",
        {"id": world["customer"]["id"], "to": company.gid("r2")},
    )
    codes = [e["code"] for e in body["data"]["customerTransfer"]["userErrors"]]
    if actor in ("manager", "admin"):
        assert codes == []
    elif actor == "owner":
        assert codes == ["NOT_ALLOWED"]  # reps do not hand customers around
    else:
        assert codes == _mutation_outcome(actor)


async def transfer_all(world: dict[str, Any], actor: str) -> None:
    company = world["company"]
    body = await _api(world, actor).post(
        """mutation($a: ID!, $b: ID!) { customerTransferAll(input: {fromUserId: $a, toUserId: $b})
        { transferredCount userErrors { code } } }""",
        {"a": company.gid("r1"), "b": company.gid("r2")},
    )
    payload = body["data"]["customerTransferAll"]
    if actor in ("manager", "admin"):
        assert payload == {"transferredCount": 1, "userErrors": []}
    elif actor == "anon":
        assert payload["userErrors"] == [{"code": "UNAUTHENTICATED"}]
    else:
        assert payload["transferredCount"] == 0 and payload["userErrors"]


async def create_customer_field(world: dict[str, Any], actor: str) -> None:
    body = await _api(world, actor).post(
        'mutation { customerCreate(input: {name: "新客户"}) { customer { owner { username } }'
        " userErrors { code } } }"
    )
    payload = body["data"]["customerCreate"]
    if actor == "anon":
        assert payload["userErrors"] == [{"code": "UNAUTHENTICATED"}]
    elif actor in ("service", "finance"):  # service and finance staff own no customers
        assert payload["userErrors"] == [{"code": "NOT_ALLOWED"}]
    else:
        assert payload["customer"]["owner"]["username"] == USERNAME[actor]


async def contact_mutations(world: dict[str, Any], actor: str) -> None:
    api = _api(world, actor)
    made = await api.post(
        """mutation($c: ID!) { contactCreate(input: {customerId: $c, name: "李工"}) {
        contact { id } userErrors { code } } }""",
        {"c": world["customer"]["id"]},
    )
    assert [e["code"] for e in made["data"]["contactCreate"]["userErrors"]] == (
        _mutation_outcome(actor)
    )
    edited = await api.post(
        """mutation($k: ID!) { contactUpdate(input: {id: $k, version: 1, title: "厂长"}) {
        userErrors { code } } }""",
        {"k": world["contact"]["id"]},
    )
    assert [e["code"] for e in edited["data"]["contactUpdate"]["userErrors"]] == (
        _mutation_outcome(actor)
    )
    removed = await api.post(
        "mutation($k: ID!) { contactDelete(input: {id: $k}) { userErrors { code } } }",
        {"k": world["contact"]["id"]},
    )
    assert [e["code"] for e in removed["data"]["contactDelete"]["userErrors"]] == (
        _mutation_outcome(actor)
    )


async def viewer_field(world: dict[str, Any], actor: str) -> None:
    body = await _api(world, actor).post("{ viewer { username } }")
    expected = None if actor == "anon" else {"username": USERNAME[actor]}
    assert body["data"]["viewer"] == expected


async def enum_meanings_field(world: dict[str, Any], actor: str) -> None:
    """Open to everyone, anonymous callers too: the meanings are the schema's, no data."""
    body = await _api(world, actor).post('{ enumMeanings(names: ["Stage"]) { name } }')
    assert body["data"]["enumMeanings"] == [{"name": "Stage"}]


async def users_field(world: dict[str, Any], actor: str) -> None:
    body = await _api(world, actor).post("{ users(first: 100) { totalCount } }")
    if actor == "anon":
        assert _unauthenticated(body)
    else:
        assert body["data"]["users"]["totalCount"] == 9


async def access_request_fields(world: dict[str, Any], actor: str) -> None:
    api = _api(world, actor)
    filed = await api.post(
        """mutation { accessRequestCreate(input: {customerDescription: "杭州的机械厂",
        reason: "客户来电"}) { accessRequest { id } userErrors { code } } }"""
    )
    payload = filed["data"]["accessRequestCreate"]
    if actor == "anon":
        assert payload["userErrors"] == [{"code": "UNAUTHENTICATED"}]
        listed = await api.post("{ accessRequests { totalCount } }")
        assert _unauthenticated(listed)
        return
    listed = await api.post("{ accessRequests { totalCount } }")
    # Everyone sees their own request; managers and admins see every request.
    assert listed["data"]["accessRequests"]["totalCount"] == 1
    decide = await api.post(
        """mutation($r: ID!, $c: ID!) { accessRequestGrant(input: {requestId: $r,
        customerId: $c, days: 3}) { userErrors { code } } }""",
        {"r": payload["accessRequest"]["id"], "c": world["customer"]["id"]},
    )
    codes = [e["code"] for e in decide["data"]["accessRequestGrant"]["userErrors"]]
    if actor in ("manager", "admin"):
        assert codes == []
    elif actor == "other_manager":
        assert codes == ["NOT_FOUND"]  # cannot see the customer, so cannot open it
    else:
        assert codes == ["NOT_ALLOWED"]
    refuse = await api.post(
        """mutation($r: ID!) { accessRequestRefuse(input: {requestId: $r, note: "不行"}) {
        userErrors { code } } }""",
        {"r": payload["accessRequest"]["id"]},
    )
    codes = [e["code"] for e in refuse["data"]["accessRequestRefuse"]["userErrors"]]
    if actor in ("manager", "admin"):
        assert codes == ["INVALID_STATE"]  # already granted above
    elif actor == "other_manager":
        assert codes == []
    else:
        assert codes == ["NOT_ALLOWED"]


async def audit_log_field(world: dict[str, Any], actor: str) -> None:
    body = await _api(world, actor).post("{ auditLog(first: 100) { nodes { actorName action } } }")
    if actor == "anon":
        assert _unauthenticated(body)
        return
    actors = {n["actorName"] for n in body["data"]["auditLog"]["nodes"]}
    if actor == "admin":
        assert "r1" in actors
    elif actor == "manager":
        assert actors == {"r1"}  # r1 created the customer and the contact; m1's team
    else:
        assert actors == set()


async def deactivate_user(world: dict[str, Any], actor: str) -> None:
    """Only an administrator or a manager above someone deactivates them."""
    company = world["company"]
    body = await _api(world, actor).post(
        """mutation($i: UserDeactivateInput!) { userDeactivate(input: $i) {
        user { username } userErrors { code field } } }""",
        {"i": {"id": company.gid("r2"), "handOverTo": company.gid("r1")}},
    )
    payload = body["data"]["userDeactivate"]
    if actor == "anon":
        assert payload == {"user": None, "userErrors": [{"code": "UNAUTHENTICATED", "field": None}]}
    elif actor in ("manager", "admin"):
        assert payload == {"user": {"username": "r2"}, "userErrors": []}
    else:
        assert payload == {
            "user": None,
            "userErrors": [{"code": "NOT_FOUND", "field": ["input", "id"]}],
        }


async def login_logout(world: dict[str, Any], actor: str) -> None:
    api = _api(world, actor)
    bad = await api.post(
        'mutation { login(input: {username: "r1", password: "wrong"}) { token userErrors'
        " { code } } }"
    )
    assert bad["data"]["login"] == {"token": None, "userErrors": [{"code": "INVALID_CREDENTIALS"}]}
    out = await api.post("mutation { logout { revoked userErrors { code } } }")
    if actor == "anon":
        assert out["data"]["logout"] == {
            "revoked": False,
            "userErrors": [{"code": "UNAUTHENTICATED"}],
        }
    else:
        assert out["data"]["logout"] == {"revoked": True, "userErrors": []}
        again = await api.post("{ viewer { username } }")
        assert again["data"]["viewer"] is None


def _codes(body: dict[str, Any], field: str) -> list[str]:
    return [e["code"] for e in body["data"][field]["userErrors"]]


async def _open_item(world: dict[str, Any]) -> str:
    from server.domain.followups.models import FollowUp

    item = await FollowUp.create(
        customer_id=int(GlobalID.from_id(world["customer"]["id"]).node_id),
        assignee=world["company"].users["r1"],
        due_on=datetime.now(UTC).date() + timedelta(days=2),
        kind="phone",
        origin="manual",
    )
    return str(GlobalID("FollowUp", str(item.id)))


async def interaction_log(world: dict[str, Any], actor: str) -> None:
    body = await _api(world, actor).post(
        """mutation($c: ID!) { interactionLog(input: {customerId: $c, kind: PHONE, grade: B}) {
        interaction { id } userErrors { code } } }""",
        {"c": world["customer"]["id"]},
    )
    assert _codes(body, "interactionLog") == _mutation_outcome(actor)
    if actor in EDITS:
        # The logged contact is readable through node(id) by exactly the customer's readers.
        iid = body["data"]["interactionLog"]["interaction"]["id"]
        for other in ACTORS[:-1]:
            seen = await _api(world, other).post(
                "query($i: ID!) { node(id: $i) { ... on Interaction { customer { name } } } }",
                {"i": iid},
            )
            expected = {"customer": {"name": "杭州机械厂"}} if other in READS else None
            assert seen["data"]["node"] == expected, other


async def follow_up_mutations(world: dict[str, Any], actor: str) -> None:
    api = _api(world, actor)
    day = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
    made = await api.post(
        """mutation($c: ID!, $d: Date!) { followUpCreate(input: {customerId: $c, dueOn: $d}) {
        userErrors { code } } }""",
        {"c": world["customer"]["id"], "d": day},
    )
    assert _codes(made, "followUpCreate") == _mutation_outcome(actor)
    item = await _open_item(world)
    steps = [
        ("followUpUpdate", 'followUpUpdate(input: {id: $f, version: 1, purpose: "报价"})'),
        (
            "followUpReschedule",
            'followUpReschedule(input: {id: $f, version: 2, dueOn: $d, reason: "改期"})',
        ),
        ("followUpSkip", 'followUpSkip(input: {id: $f, version: 3, reason: "不用了"})'),
    ]
    for name, call in steps:
        args = "$f: ID!, $d: Date!" if "$d" in call else "$f: ID!"
        body = await api.post(
            f"mutation({args}) {{ {call} {{ userErrors {{ code }} }} }}",
            {"f": item, "d": day} if "$d" in call else {"f": item},
        )
        assert _codes(body, name) == _mutation_outcome(actor), name


async def contact_plan_set(world: dict[str, Any], actor: str) -> None:
    body = await _api(world, actor).post(
        """mutation($c: ID!) { contactPlanSet(input: {customerId: $c, frequencyDays: 3}) {
        userErrors { code } } }""",
        {"c": world["customer"]["id"]},
    )
    assert _codes(body, "contactPlanSet") == _mutation_outcome(actor)


async def sales_order_create(world: dict[str, Any], actor: str) -> None:
    body = await _api(world, actor).post(
        """mutation($c: ID!, $d: Date!) { salesOrderCreate(input: {customerId: $c,
        orderedOn: $d, lines: [{product: "模具", quantity: 1, unitPrice: "5.00"}]}) {
        salesOrder { id } userErrors { code } } }""",
        {
            "c": world["customer"]["id"],
            "d": (datetime.now(UTC).date() - timedelta(days=1)).isoformat(),
        },
    )
    assert _codes(body, "salesOrderCreate") == _mutation_outcome(actor)


async def class_analysis(world: dict[str, Any], actor: str) -> None:
    from server.domain.sales.models import SalesOrder

    await SalesOrder.create(
        customer_id=int(GlobalID.from_id(world["customer"]["id"]).node_id),
        ordered_on=datetime.now(UTC).date() - timedelta(days=5),
        total_minor=100_00,
    )
    api = _api(world, actor)
    done = await api.post("mutation { customerClassesRecompute { userErrors { code } } }")
    if actor == "anon":
        assert _codes(done, "customerClassesRecompute") == ["UNAUTHENTICATED"]
    elif actor in ("manager", "other_manager", "admin"):
        assert _codes(done, "customerClassesRecompute") == []
    else:
        assert _codes(done, "customerClassesRecompute") == ["NOT_ALLOWED"]
    if actor not in ("manager", "other_manager", "admin"):
        from server.domain.sales.classes import recompute_classes

        await recompute_classes(None)
    body = await api.post(
        """{ customerClassAnalysis { rankedCustomers
        ranking { totalCount nodes { customer { name } } } } }"""
    )
    if actor == "anon":
        assert _unauthenticated(body)
        return
    analysis = body["data"]["customerClassAnalysis"]
    if actor not in ("manager", "other_manager", "admin"):
        assert analysis is None
        return
    assert analysis["rankedCustomers"] == 1
    # Company-wide numbers, but the ranked list names only customers the viewer may see.
    shown = 1 if actor in READS else 0
    assert analysis["ranking"]["totalCount"] == shown
    assert len(analysis["ranking"]["nodes"]) == shown


async def company_settings_fields(world: dict[str, Any], actor: str) -> None:
    api = _api(world, actor)
    read = await api.post("{ companySettings { cadenceADays cadenceEDays } }")
    changed = await api.post(
        "mutation { companySettingsUpdate(input: {cadenceEDays: 300}) { userErrors { code } } }"
    )
    if actor == "anon":
        assert _unauthenticated(read)
        assert _codes(changed, "companySettingsUpdate") == ["UNAUTHENTICATED"]
        return
    assert read["data"]["companySettings"] == {"cadenceADays": 1, "cadenceEDays": 365}
    assert _codes(changed, "companySettingsUpdate") == ([] if actor == "admin" else ["NOT_ALLOWED"])


async def queue_fields(world: dict[str, Any], actor: str) -> None:
    company = world["company"]
    await _open_item(world)
    api = _api(world, actor)
    region = await api.post(
        """mutation($c: ID!) { customerUpdate(input: {id: $c, version: 1, region: "华东"}) {
        userErrors { code } } }""",
        {"c": world["customer"]["id"]},
    )
    assert region is not None
    body = await api.post(
        """query($u: ID!) { theirs: followUpQueue(userId: $u) { upcoming { totalCount } }
        mine: followUpQueue { upcoming { totalCount } }
        visits: visitPlan(region: "华东", userId: $u) { stops { position } }
        team: followUpTeam { user { username } } }""",
        {"u": company.gid("r1")},
    )
    if actor == "anon":
        assert _unauthenticated(body)
        return
    data = body["data"]
    sees_r1_queue = actor in ("owner", "manager", "admin")
    assert (data["theirs"] is not None) == sees_r1_queue
    if sees_r1_queue:
        assert data["theirs"]["upcoming"]["totalCount"] == 1
        assert data["visits"] == {"stops": []}
    else:
        assert data["visits"] is None
    # Nobody but the owner has C's follow-up in their own queue.
    assert data["mine"]["upcoming"]["totalCount"] == (1 if actor == "owner" else 0)
    members = {row["user"]["username"] for row in data["team"]}
    # An admin sees every seller; everyone else at least themselves.
    assert USERNAME[actor] in members or actor == "admin"
    assert ("r1" in members) == sees_r1_queue


async def sales_activity_field(world: dict[str, Any], actor: str) -> None:
    day = datetime.now(UTC).date().isoformat()
    body = await _api(world, actor).post(
        "query($d: Date!) { salesActivity(from: $d, to: $d) { user { username } } }", {"d": day}
    )
    if actor == "anon":
        assert _unauthenticated(body)
        return
    people = {r["user"]["username"] for r in body["data"]["salesActivity"]}
    assert USERNAME[actor] in people or actor == "admin"
    assert ("r1" in people) == (actor in ("owner", "manager", "admin"))


def _mutation_outcome(actor: str) -> list[str]:
    if actor == "anon":
        return ["UNAUTHENTICATED"]
    if actor in EDITS:
        return []
    if actor in READS:
        return ["NOT_ALLOWED"]  # a grant is read-only
    return ["NOT_FOUND"]  # hidden reads exactly as missing


# ---- complaints: who reads them, and who may take each step ----

# Who reads a complaint of C (assigned, once assigned, to the service department and svc).
COMPLAINT_READERS = READS | {"service"}
TRIAGE = {"owner", "manager", "admin", "service"}
WORKS = {"manager", "admin", "service"}
SUPERVISES = {"manager", "admin"}
REOPENS = {"owner", "manager", "admin"}


async def _complaint_at(world: dict[str, Any], step: str) -> Any:
    """A complaint of C recorded by its owner and taken to `step` by the right people:
    service (svc, in the service department) triages and works it, m1 approves."""
    from server.domain.accounts.models import Department
    from server.domain.accounts.viewer import Viewer
    from server.domain.complaints import services as complaints

    company = world["company"]
    users = company.users
    department = await Department.get_or_none(name="客服部") or await Department.create(
        name="客服部"
    )
    users["svc"].department_id = department.id
    await users["svc"].save()

    def as_(name: str) -> Viewer:
        return Viewer(user=users[name])

    complaint = await complaints.record_complaint(
        as_("r1"),
        int(GlobalID.from_id(world["customer"]["id"]).node_id),
        {"channel": "phone", "kind": "malfunction", "subject": "设备故障"},
    )
    moves = [
        lambda k: complaints.validate(as_("svc"), k.id, k.version),
        lambda k: complaints.assign(as_("svc"), k.id, k.version, department.id, users["svc"].id),
        lambda k: complaints.analyse(as_("svc"), k.id, k.version, "电路板", "our_product"),
        lambda k: complaints.propose(as_("svc"), k.id, k.version, "repair", "上门维修"),
        lambda k: complaints.approve(as_("m1"), k.id, k.version),
        lambda k: complaints.implement(as_("svc"), k.id, k.version, "已修好", clock.now()),
        lambda k: complaints.evaluate(
            as_("r1"),
            k.id,
            k.version,
            "出厂检验",
            5,
            "加测一项",
            users["svc"].id,
            clock.now().date() + timedelta(days=9),
        ),
    ]
    for move in moves:
        if complaint.step == step:
            break
        complaint = await move(complaint)
    assert complaint.step == step
    return complaint


def _complaint_outcome(actor: str, allowed: set[str]) -> list[str]:
    if actor == "anon":
        return ["UNAUTHENTICATED"]
    if actor in allowed:
        return []
    if actor in COMPLAINT_READERS:
        return ["NOT_ALLOWED"]
    return ["NOT_FOUND"]  # a complaint one may not read is missing


_NOW = "2020-01-01T00:00:00Z"
COMPLAINT_STEPS: dict[str, tuple[str, str, dict[str, Any], set[str]]] = {
    # mutation: (the step it is taken from, its input type, its values, who may)
    "complaintValidate": ("validate", "ComplaintValidateInput", {}, TRIAGE),
    "complaintReject": (
        "validate",
        "ComplaintRejectInput",
        {"rejectionReason": "不成立", "reply": "谢谢"},
        TRIAGE,
    ),
    "complaintAssign": ("assign", "ComplaintAssignInput", {}, TRIAGE),
    "complaintAnalyse": (
        "analyse",
        "ComplaintAnalyseInput",
        {"rootCause": "x", "responsibleParty": "OUR_STAFF"},
        WORKS,
    ),
    "complaintPropose": (
        "propose",
        "ComplaintProposeInput",
        {"remedyKind": "REPAIR", "remedyDescription": "修"},
        WORKS,
    ),
    "complaintApprove": ("approve", "ComplaintApproveInput", {}, SUPERVISES),
    "complaintSendBack": ("approve", "ComplaintSendBackInput", {"note": "再议"}, SUPERVISES),
    "complaintImplement": (
        "implement",
        "ComplaintImplementInput",
        {"implementation": "做了", "customerNotifiedAt": _NOW},
        WORKS,
    ),
    "complaintEvaluate": (
        "evaluate",
        "ComplaintEvaluateInput",
        {"lessons": "教训", "satisfaction": 3},
        TRIAGE,
    ),
    "complaintReopen": ("closed", "ComplaintReopenInput", {"reopenReason": "又坏了"}, REOPENS),
    "complaintCorrectiveActionDone": (
        "closed",
        "ComplaintCorrectiveActionDoneInput",
        {"doneOn": "2020-01-01"},
        TRIAGE,
    ),
}


async def complaint_steps(world: dict[str, Any], actor: str) -> None:
    """Every step's mutation, by every kind of viewer, on a complaint waiting for it."""
    company = world["company"]
    for name, (step, input_type, values, allowed) in COMPLAINT_STEPS.items():
        complaint = await _complaint_at(world, step)
        extra = dict(values)
        if name == "complaintAssign":
            extra = {
                "departmentId": str(
                    GlobalID("Department", str(company.users["svc"].department_id))
                ),
                "assigneeId": company.gid("svc"),
            }
        body = await _api(world, actor).post(
            f"mutation($input: {input_type}!) {{ {name}(input: $input) {{"
            " userErrors { code } } }",
            {
                "input": {
                    "id": str(GlobalID("Complaint", str(complaint.id))),
                    "version": complaint.version,
                    **extra,
                }
            },
        )
        assert _codes(body, name) == _complaint_outcome(actor, allowed), name


async def complaint_record(world: dict[str, Any], actor: str) -> None:
    body = await _api(world, actor).post(
        """mutation($c: ID!) { complaintRecord(input: {customerId: $c, channel: PHONE,
        kind: MALFUNCTION, subject: "坏了"}) { complaint { customerName }
        userErrors { code } } }""",
        {"c": world["customer"]["id"]},
    )
    # Whoever sees the customer records its complaint, a grant's holder too.
    expected = ["UNAUTHENTICATED"] if actor == "anon" else [] if actor in READS else ["NOT_FOUND"]
    assert _codes(body, "complaintRecord") == expected


async def complaint_reads(world: dict[str, Any], actor: str) -> None:
    """The list, the board, the lessons register, node(id), the customer's tab and the
    escalation into the owner's queue answer for exactly the complaint's readers."""
    open_one = await _complaint_at(world, "validate")
    closed = await _complaint_at(world, "closed")
    api = _api(world, actor)
    body = await api.post(
        """query($k: ID!, $c: ID!) { complaints { totalCount nodes { subject } }
        complaintBoard { openCount columns { complaints { nodes { subject } } } }
        complaintLessons { totalCount nodes { lessons } }
        node(id: $k) { ... on Complaint { subject } }
        customer(id: $c) { complaints { totalCount } } }""",
        {"k": str(GlobalID("Complaint", str(closed.id))), "c": world["customer"]["id"]},
    )
    if actor == "anon":
        assert _unauthenticated(body)
        return
    data = body["data"]
    reads = actor in COMPLAINT_READERS
    assert data["complaints"]["totalCount"] == (2 if reads else 0)
    assert len(data["complaints"]["nodes"]) == (2 if reads else 0)
    # The board counts open ones: service reads the triage queue and their department's.
    assert data["complaintBoard"]["openCount"] == (1 if reads else 0)
    shown = [n for col in data["complaintBoard"]["columns"] for n in col["complaints"]["nodes"]]
    assert shown == ([{"subject": open_one.subject}] if reads else [])
    assert data["complaintLessons"]["totalCount"] == (1 if reads else 0)
    assert data["node"] == ({"subject": "设备故障"} if reads else None)
    assert data["customer"] == ({"complaints": {"totalCount": 2}} if actor in READS else None)
    with clock.standing_at(datetime.now(UTC) + timedelta(days=10)):
        queue = await api.post(
            """query($u: ID!) { followUpQueue(userId: $u) { overdueComplaints {
            nodes { subject } } } }""",
            {"u": world["company"].gid("r1")},
        )
    theirs = queue["data"]["followUpQueue"]
    if theirs is not None:  # r1's queue, for those who may open it
        expected = [{"subject": "设备故障"}] if reads else []
        assert theirs["overdueComplaints"]["nodes"] == expected


async def evidence_attach(world: dict[str, Any], actor: str) -> None:
    """Attaching a file, and downloading it, are for the complaint's readers."""
    import json

    complaint = await _complaint_at(world, "analyse")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\0" * 32
    query = """mutation($input: ComplaintEvidenceAttachInput!) {
      complaintEvidenceAttach(input: $input) { evidence { downloadPath }
      userErrors { code } } }"""
    operations = {
        "query": query,
        "variables": {"input": {"id": str(GlobalID("Complaint", str(complaint.id))), "file": None}},
    }
    token = world["company"].tokens.get(USERNAME[actor] or "")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await world["company"].client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": '{"0": ["variables.input.file"]}'},
        files={"0": ("x.png", png, "image/png")},
        headers=headers,
    )
    payload = response.json()["data"]["complaintEvidenceAttach"]
    expected = _complaint_outcome(actor, COMPLAINT_READERS)
    assert [e["code"] for e in payload["userErrors"]] == expected
    if expected == []:
        path = payload["evidence"]["downloadPath"]
        for other in ACTORS:
            token = world["company"].tokens.get(USERNAME[other] or "")
            got = await world["company"].client.get(
                path, headers={"Authorization": f"Bearer {token}"} if token else {}
            )
            status = 401 if other == "anon" else 200 if other in COMPLAINT_READERS else 404
            assert got.status_code == status, other


async def complaint_analysis_field(world: dict[str, Any], actor: str) -> None:
    """Counts over the complaints the viewer reads; a repeat complainer's record only for
    those who see the customer."""
    await _complaint_at(world, "validate")
    await _complaint_at(world, "analyse")
    day = datetime.now(UTC).date()
    body = await _api(world, actor).post(
        """query($a: Date!, $b: Date!) { complaintAnalysis(from: $a, to: $b) { received
        repeatComplainers { customerName customer { name } } } }""",
        {"a": (day - timedelta(days=1)).isoformat(), "b": (day + timedelta(days=1)).isoformat()},
    )
    if actor == "anon":
        assert _unauthenticated(body)
        return
    found = body["data"]["complaintAnalysis"]
    reads = actor in COMPLAINT_READERS
    assert found["received"] == (2 if reads else 0)
    customer = {"name": "杭州机械厂"} if actor in READS else None
    expected = [{"customerName": "杭州机械厂", "customer": customer}] if reads else []
    assert found["repeatComplainers"] == expected


async def departments_field(world: dict[str, Any], actor: str) -> None:
    body = await _api(world, actor).post("{ departments { name } }")
    if actor == "anon":
        assert _unauthenticated(body)
    else:
        assert isinstance(body["data"]["departments"], list)


async def read_complaint_customer(world: dict[str, Any], actor: str) -> None:
    """A complaint leads to its customer only for those who see the customer: service
    staff read the complaint, not the customer's record."""
    complaint = await _complaint_at(world, "analyse")
    body = await _api(world, actor).post(
        "query($k: ID!) { node(id: $k) { ... on Complaint { customerName customer { name } } } }",
        {"k": str(GlobalID("Complaint", str(complaint.id)))},
    )
    node = (body.get("data") or {}).get("node")
    if actor not in COMPLAINT_READERS:
        assert node is None
        return
    customer = {"name": "杭州机械厂"} if actor in READS else None
    assert node == {"customerName": "杭州机械厂", "customer": customer}


# ---- receivables: finance works every customer's money, others read their customers' ----

MONEY_READERS = READS | {"finance"}
WORKS_MONEY = {"finance", "admin"}


async def _money(world: dict[str, Any]) -> tuple[Any, Any]:
    """A debt of 100.00 owed by C, and a payment of 50.00 from C not yet applied."""
    from server.domain.receivables.models import Payment, Receivable

    pk = int(GlobalID.from_id(world["customer"]["id"]).node_id)
    day = datetime.now(UTC).date()
    receivable = await Receivable.create(
        customer_id=pk,
        amount_minor=100_00,
        open_minor=100_00,
        issued_on=day - timedelta(days=40),
        due_on=day - timedelta(days=10),
        reference="INV-1",
    )
    payment = await Payment.create(
        customer_id=pk,
        amount_minor=50_00,
        unallocated_minor=50_00,
        received_on=day,
        method="bank_transfer",
        recorded_by=world["company"].users["admin"],
    )
    return receivable, payment


async def money_reads(world: dict[str, Any], actor: str) -> None:
    """Lists, nodes, the customer's money tab and the paths from a debt or a payment to its
    customer: finance reads every debt but not the customer's record."""
    receivable, payment = await _money(world)
    body = await _api(world, actor).post(
        """query($r: ID!, $p: ID!, $c: ID!) {
        receivables { totalCount nodes { customerName customer { name } } }
        payments { totalCount nodes { customerName customer { name } } }
        r: node(id: $r) { ... on Receivable { customerName allocations { amount { amount } } } }
        p: node(id: $p) { ... on Payment { customerName } }
        customer(id: $c) { account { balance { open { amount } credit { amount } }
          receivables { totalCount } payments { totalCount } } }
        customerAccount(customerId: $c) { customerName hold { reason }
          receivables { totalCount } } }""",
        {
            "r": str(GlobalID("Receivable", str(receivable.id))),
            "p": str(GlobalID("Payment", str(payment.id))),
            "c": world["customer"]["id"],
        },
    )
    if actor == "anon":
        assert _unauthenticated(body)
        return
    data = body["data"]
    reads = actor in MONEY_READERS
    customer = {"name": "杭州机械厂"} if actor in READS else None
    row = {"customerName": "杭州机械厂", "customer": customer}
    assert data["receivables"] == {"totalCount": int(reads), "nodes": [row] if reads else []}
    assert data["payments"] == {"totalCount": int(reads), "nodes": [row] if reads else []}
    assert data["r"] == ({"customerName": "杭州机械厂", "allocations": []} if reads else None)
    assert data["p"] == ({"customerName": "杭州机械厂"} if reads else None)
    account = {
        "balance": {"open": {"amount": "100.00"}, "credit": {"amount": "50.00"}},
        "receivables": {"totalCount": 1},
        "payments": {"totalCount": 1},
    }
    assert data["customer"] == ({"account": account} if actor in READS else None)
    assert data["customerAccount"] == (
        {"customerName": "杭州机械厂", "hold": None, "receivables": {"totalCount": 1}}
        if reads
        else None
    )


async def money_mutations(world: dict[str, Any], actor: str) -> None:
    """Recording debts and payments, applying credit and reversing: finance's work."""
    _, payment = await _money(world)
    api = _api(world, actor)
    day = datetime.now(UTC).date().isoformat()
    expected = (
        ["UNAUTHENTICATED"] if actor == "anon" else [] if actor in WORKS_MONEY else ["NOT_ALLOWED"]
    )
    calls = {
        "receivableCreate": (
            "ReceivableCreateInput",
            {"customerId": world["customer"]["id"], "amount": "10.00", "issuedOn": day},
        ),
        "paymentRecord": (
            "PaymentRecordInput",
            {
                "customerId": world["customer"]["id"],
                "amount": "10.00",
                "receivedOn": day,
                "method": "CASH",
            },
        ),
        "paymentAllocate": (
            "PaymentAllocateInput",
            {"paymentId": str(GlobalID("Payment", str(payment.id)))},
        ),
        "paymentReverse": (
            "PaymentReverseInput",
            {"paymentId": str(GlobalID("Payment", str(payment.id))), "reason": "退票"},
        ),
    }
    for name, (input_type, values) in calls.items():
        body = await api.post(
            f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ userErrors {{ code }} }} }}",
            {"i": values},
        )
        assert _codes(body, name) == expected, name


OWNER_LINE = {"owner", "manager", "admin"}
CREDIT_DECIDERS = {"manager", "admin"}


def _money_outcome(actor: str, allowed: set[str]) -> list[str]:
    if actor == "anon":
        return ["UNAUTHENTICATED"]
    if actor in allowed:
        return []
    if actor in MONEY_READERS:
        return ["NOT_ALLOWED"]
    return ["NOT_FOUND"]  # a debt one may not read is missing


async def _mutate(api: Any, name: str, input_type: str, values: dict[str, Any]) -> list[str]:
    body = await api.post(
        f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ userErrors {{ code }} }} }}",
        {"i": values},
    )
    return _codes(body, name)


async def credit_holds(world: dict[str, Any], actor: str) -> None:
    """Stopping and resuming supply: finance, and managers over the customer."""
    api = _api(world, actor)
    values = {"customerId": world["customer"]["id"], "reason": "逾期未付"}
    allowed = {"finance", "manager", "admin"}
    expected = (
        ["UNAUTHENTICATED"] if actor == "anon" else [] if actor in allowed else ["NOT_ALLOWED"]
    )
    assert await _mutate(api, "creditHoldPlace", "CreditHoldInput", values) == expected
    if expected:  # someone else places it, so that releasing is tried on a standing hold
        await (
            world["company"]
            .api("fin")
            .data(
                """mutation($i: CreditHoldInput!) { creditHoldPlace(input: $i) {
            userErrors { code } } }""",
                {"i": values},
            )
        )
    assert await _mutate(api, "creditHoldRelease", "CreditHoldInput", values) == expected


async def write_off_fields(world: dict[str, Any], actor: str) -> None:
    """Proposing a write-off is for finance and the owner line; deciding one for a manager
    over the customer who did not propose it; the list for those who read the debt."""
    from server.domain.accounts.viewer import Viewer
    from server.domain.receivables import writeoffs

    receivable, _ = await _money(world)
    proposal = await writeoffs.propose_write_off(
        Viewer(user=world["company"].users["fin"]), receivable.id, "10.00", "倒闭"
    )
    api = _api(world, actor)
    proposed = await _mutate(
        api,
        "writeOffPropose",
        "WriteOffProposeInput",
        {
            "receivableId": str(GlobalID("Receivable", str(receivable.id))),
            "amount": "5.00",
            "reason": "无力偿还",
        },
    )
    assert proposed == _money_outcome(actor, {"finance"} | OWNER_LINE)
    decided = await _mutate(
        api,
        "writeOffDecide",
        "WriteOffDecideInput",
        {"writeOffId": str(GlobalID("WriteOff", str(proposal.id))), "approve": True},
    )
    assert decided == _money_outcome(actor, CREDIT_DECIDERS)
    listed = await api.post("{ writeOffs { totalCount nodes { receivable { customerName } } } }")
    if actor == "anon":
        assert _unauthenticated(listed)
        return
    expected = (2 if actor in {"finance"} | OWNER_LINE else 1) if actor in MONEY_READERS else 0
    assert listed["data"]["writeOffs"]["totalCount"] == expected


async def collection_fields(world: dict[str, Any], actor: str) -> None:
    """The board and a case's customer for those who read the money; classifying, stepping
    and logging for the owner line and finance."""
    await _money(world)  # 100.00 ten days overdue: C has a case once the board is read
    api = _api(world, actor)
    body = await api.post(
        """{ collections { columns { step count cases { id version customerName
        customer { name } } } } }"""
    )
    if actor == "anon":
        assert _unauthenticated(body)
        return
    columns = {c["step"]: c for c in body["data"]["collections"]["columns"]}
    reads = actor in MONEY_READERS
    assert columns["NEW"]["count"] == int(reads)
    if not reads:
        from server.domain.receivables.collections import open_overdue_cases

        await open_overdue_cases(datetime.now(UTC).date() + timedelta(days=1))
    from server.domain.receivables.models import CollectionCase

    [case] = await CollectionCase.all()
    gid = str(GlobalID("CollectionCase", str(case.id)))
    if reads:
        customer = {"name": "杭州机械厂"} if actor in READS else None
        assert columns["NEW"]["cases"] == [
            {"id": gid, "version": 1, "customerName": "杭州机械厂", "customer": customer}
        ]
    node = await api.post(
        "query($k: ID!) { node(id: $k) { ... on CollectionCase { customerName } } }", {"k": gid}
    )
    assert node["data"]["node"] == ({"customerName": "杭州机械厂"} if reads else None)
    works = {"finance"} | OWNER_LINE
    classified = await _mutate(
        api,
        "collectionClassify",
        "CollectionClassifyInput",
        {"id": gid, "version": 1, "classification": "CASH_FLOW", "reason": "资金紧张"},
    )
    assert classified == _money_outcome(actor, works)
    if classified:
        from server.domain.accounts.viewer import Viewer
        from server.domain.receivables import collections

        await collections.classify(
            Viewer(user=world["company"].users["fin"]), case.id, 1, "cash_flow", "资金紧张"
        )
    day = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
    stepped = await _mutate(
        api,
        "collectionStep",
        "CollectionStepInput",
        {"id": gid, "version": 2, "step": "NEGOTIATE", "nextActionOn": day, "note": "约谈"},
    )
    assert stepped == _money_outcome(actor, works)
    version = 3 if not stepped else 2
    logged = await _mutate(
        api,
        "collectionLog",
        "CollectionLogInput",
        {"id": gid, "version": version, "outcome": "答应月底付", "nextActionOn": day},
    )
    assert logged == _money_outcome(actor, works)


async def dispute_field(world: dict[str, Any], actor: str) -> None:
    """Marking a debt disputed: finance and the customer's owner line."""
    receivable, _ = await _money(world)
    marked = await _mutate(
        _api(world, actor),
        "receivableDispute",
        "ReceivableDisputeInput",
        {
            "receivableId": str(GlobalID("Receivable", str(receivable.id))),
            "disputed": True,
            "note": "对方说少收到两箱",
        },
    )
    assert marked == _money_outcome(actor, {"finance"} | OWNER_LINE)


async def aging_field(world: dict[str, Any], actor: str) -> None:
    """Aging counts the debts the viewer reads, and names only those rows."""
    await _money(world)
    body = await _api(world, actor).post(
        """{ company: aging(groupBy: COMPANY) { rows { total { amount } } }
        customers: aging(groupBy: CUSTOMER) { rowCount rows { name } } }"""
    )
    if actor == "anon":
        assert _unauthenticated(body)
        return
    reads = actor in MONEY_READERS
    data = body["data"]
    assert data["company"]["rows"] == [{"total": {"amount": "100.00" if reads else "0.00"}}]
    assert data["customers"]["rows"] == ([{"name": "杭州机械厂"}] if reads else [])


async def statement_fields(world: dict[str, Any], actor: str) -> None:
    """A statement for those who read the money; recording the customer's agreement for
    finance and the owner line."""
    await _money(world)
    day = datetime.now(UTC).date()
    api = _api(world, actor)
    body = await api.post(
        """query($c: ID!, $a: Date!, $b: Date!) { customerAccount(customerId: $c) {
        statement(from: $a, to: $b) { closing { amount } } } }""",
        {
            "c": world["customer"]["id"],
            "a": (day - timedelta(days=60)).isoformat(),
            "b": (day - timedelta(days=1)).isoformat(),
        },
    )
    if actor == "anon":
        assert _unauthenticated(body)
    else:
        reads = actor in MONEY_READERS
        expected = {"statement": {"closing": {"amount": "100.00"}}} if reads else None
        assert body["data"]["customerAccount"] == expected
    recorded = await _mutate(
        api,
        "statementReconcile",
        "StatementReconcileInput",
        {
            "customerId": world["customer"]["id"],
            "from": (day - timedelta(days=60)).isoformat(),
            "to": (day - timedelta(days=1)).isoformat(),
            "confirmedBy": "对方会计",
        },
    )
    assert recorded == _money_outcome(actor, {"finance"} | OWNER_LINE)


# Every root field of the schema, with the check that proves it guarded.
MATRIX = {
    "Query.viewer": viewer_field,
    "Query.enumMeanings": enum_meanings_field,
    "Query.node": read_node,
    "Query.nodes": read_node,
    "Query.customers": read_list,
    "Query.customer": read_customer,
    "Query.users": users_field,
    "Query.accessRequests": access_request_fields,
    "Query.auditLog": audit_log_field,
    "Mutation.login": login_logout,
    "Mutation.logout": login_logout,
    "Mutation.userDeactivate": deactivate_user,
    "Mutation.customerCreate": create_customer_field,
    "Mutation.customerUpdate": update_customer,
    "Mutation.customerArchive": archive_customer,
    "Mutation.customerRestore": restore_customer,
    "Mutation.customerTransfer": transfer_customer,
    "Mutation.customerTransferAll": transfer_all,
    "Mutation.contactCreate": contact_mutations,
    "Mutation.contactUpdate": contact_mutations,
    "Mutation.contactDelete": contact_mutations,
    "Mutation.accessRequestCreate": access_request_fields,
    "Mutation.accessRequestGrant": access_request_fields,
    "Mutation.accessRequestRefuse": access_request_fields,
    "Query.followUpQueue": queue_fields,
    "Query.followUpTeam": queue_fields,
    "Query.visitPlan": queue_fields,
    "Query.salesActivity": sales_activity_field,
    "Query.customerClassAnalysis": class_analysis,
    "Query.companySettings": company_settings_fields,
    "Mutation.interactionLog": interaction_log,
    "Mutation.followUpCreate": follow_up_mutations,
    "Mutation.followUpUpdate": follow_up_mutations,
    "Mutation.followUpReschedule": follow_up_mutations,
    "Mutation.followUpSkip": follow_up_mutations,
    "Mutation.contactPlanSet": contact_plan_set,
    "Mutation.salesOrderCreate": sales_order_create,
    "Mutation.customerClassesRecompute": class_analysis,
    "Mutation.companySettingsUpdate": company_settings_fields,
    "Query.departments": departments_field,
    "Query.complaints": complaint_reads,
    "Query.complaintBoard": complaint_reads,
    "Query.complaintLessons": complaint_reads,
    "Query.complaintAnalysis": complaint_analysis_field,
    "Mutation.complaintRecord": complaint_record,
    "Mutation.complaintEvidenceAttach": evidence_attach,
    **{f"Mutation.{name}": complaint_steps for name in COMPLAINT_STEPS},
    "Query.receivables": money_reads,
    "Query.payments": money_reads,
    "Mutation.receivableCreate": money_mutations,
    "Mutation.paymentRecord": money_mutations,
    "Mutation.paymentAllocate": money_mutations,
    "Mutation.paymentReverse": money_mutations,
    "Query.customerAccount": money_reads,
    "Mutation.creditHoldPlace": credit_holds,
    "Mutation.creditHoldRelease": credit_holds,
    "Query.writeOffs": write_off_fields,
    "Mutation.writeOffPropose": write_off_fields,
    "Mutation.writeOffDecide": write_off_fields,
    "Query.collections": collection_fields,
    "Mutation.collectionClassify": collection_fields,
    "Mutation.collectionStep": collection_fields,
    "Mutation.collectionLog": collection_fields,
    "Query.aging": aging_field,
    "Mutation.receivableDispute": dispute_field,
    "Mutation.statementReconcile": statement_fields,
}


async def read_nested_paths(world: dict[str, Any], actor: str) -> None:
    """A follow-up, an order and a logged contact each lead to their customer, and the path
    answers exactly as the customer itself: the customer for its readers, null otherwise."""
    from server.domain.followups.models import FollowUp, Interaction
    from server.domain.sales.models import SalesOrder

    pk = int(GlobalID.from_id(world["customer"]["id"]).node_id)
    owner = world["company"].users["r1"]
    follow_up = await FollowUp.create(
        customer_id=pk,
        assignee=owner,
        due_on=datetime.now(UTC).date(),
        kind="phone",
        origin="manual",
    )
    order = await SalesOrder.create(
        customer_id=pk, ordered_on=datetime.now(UTC).date(), total_minor=100
    )
    contact = await Interaction.create(
        customer_id=pk,
        author=owner,
        kind="visit",
        occurred_at=datetime.now(UTC),
        grade_before="B",
        grade_after="B",
    )
    for type_name, row in (
        ("FollowUp", follow_up),
        ("SalesOrder", order),
        ("Interaction", contact),
    ):
        body = await _api(world, actor).post(
            f"query($i: ID!) {{ node(id: $i) {{ ... on {type_name} {{ customer {{ name phone }}"
            " } } }",
            {"i": str(GlobalID(type_name, str(row.id)))},
        )
        expected = {"customer": {"name": "杭州机械厂", "phone": ""}} if actor in READS else None
        assert body["data"]["node"] == expected, type_name


async def read_granted_customer(world: dict[str, Any], actor: str) -> None:
    """A granted request names its customer to whoever may still see it: r2 asks, m1
    grants; r2 sees the customer and the end of the access, until it ends."""
    from server.domain.access.models import AccessGrant

    company = world["company"]
    filed = await company.api("r2").data(
        """mutation { accessRequestCreate(input: {customerDescription: "杭州那家",
        reason: "接手"}) { accessRequest { id } } }"""
    )
    request_id = filed["accessRequestCreate"]["accessRequest"]["id"]
    granted = await company.api("m1").data(
        """mutation($r: ID!, $c: ID!) { accessRequestGrant(input: {requestId: $r,
        customerId: $c, days: 3}) { userErrors { code } } }""",
        {"r": request_id, "c": world["customer"]["id"]},
    )
    assert granted["accessRequestGrant"]["userErrors"] == []
    query = """query($r: ID!) { node(id: $r) { ... on AccessRequest {
      grantedCustomer { name } accessExpiresAt } } }"""
    seen_by = {"manager", "admin"} | ({"peer"} if actor == "peer" else set())
    body = await _api(world, actor).post(query, {"r": request_id})
    node = (body.get("data") or {}).get("node")
    if actor in seen_by:
        assert node["grantedCustomer"] == {"name": "杭州机械厂"}
        assert node["accessExpiresAt"]
    elif node is not None:  # a manager elsewhere reads the request, not the customer
        assert node["grantedCustomer"] is None
    # Once the access has ended, the requester no longer sees the customer through it,
    # though the server remembers r2's reach between requests (access/reach.py).
    [grant] = await AccessGrant.filter(grantee_id=company.users["r2"].id)
    with clock.standing_at(grant.expires_at + timedelta(seconds=1)):
        after = await company.api("r2").data(query, {"r": request_id})
    assert after["node"]["grantedCustomer"] is None


NESTED = {
    "Contact.customer": read_nested,
    "AccessRequest.grantedCustomer": read_granted_customer,
    "FollowUp.customer": read_nested_paths,
    "SalesOrder.customer": read_nested_paths,
    "Interaction.customer": read_nested_paths,
    "Complaint.customer": read_complaint_customer,
    "Receivable.customer": money_reads,
    "Payment.customer": money_reads,
    "CollectionCase.customer": collection_fields,
}
# Other fields that return a customer, and the check above that covers each: lists and
# payloads reached only through a root field already in the matrix.
COVERED_BY_ROOT = {
    "Query.customer": "read_customer",
    "CustomerConnection.nodes": "read_list",
    "CustomerEdge.node": "read_list",
    "NeglectedCustomer.customer": "queue_fields",
    "VisitStop.customer": "queue_fields",
    "ParetoRow.customer": "class_analysis",
    "CustomerCreatePayload.customer": "create_customer_field",
    "CustomerUpdatePayload.customer": "update_customer",
    "CustomerArchivePayload.customer": "archive_customer",
    "CustomerTransferPayload.customer": "transfer_customer",
    "InteractionLogPayload.customer": "interaction_log",
    "SalesOrderCreatePayload.customer": "sales_order_create",
    "RepeatComplainer.customer": "complaint_analysis_field",
}
# Every field that returns a complaint, and the check that covers it.
COMPLAINT_PATHS = {
    "ComplaintConnection.nodes": "complaint_reads",
    "ComplaintEdge.node": "complaint_reads",
    "FollowUpQueue.overdueComplaints": "complaint_reads",
    "Customer.complaints": "complaint_reads",
    "ComplaintPayload.complaint": "complaint_steps",
    "ComplaintEvidenceAttachPayload.complaint": "evidence_attach",
}


def test_every_path_to_a_customer_is_checked() -> None:
    from graphql import GraphQLObjectType, get_named_type

    schema = build_schema()._schema
    paths = {
        f"{t.name}.{name}"
        for t in schema.type_map.values()
        if isinstance(t, GraphQLObjectType) and not t.name.startswith("__")
        for name, field in t.fields.items()
        if get_named_type(field.type).name == "Customer"
    }
    assert paths == set(NESTED) | set(COVERED_BY_ROOT), "check the new path to a customer"
    checks = {fn.__name__ for fn in MATRIX.values()}
    assert set(COVERED_BY_ROOT.values()) <= checks


def test_every_path_to_a_complaint_is_checked() -> None:
    from graphql import GraphQLObjectType, get_named_type

    schema = build_schema()._schema
    paths = {
        f"{t.name}.{name}"
        for t in schema.type_map.values()
        if isinstance(t, GraphQLObjectType) and not t.name.startswith("__")
        for name, field in t.fields.items()
        if get_named_type(field.type).name in ("Complaint", "ComplaintConnection")
    }
    assert paths == set(COMPLAINT_PATHS) | {
        "Query.complaints",
        "Query.complaintLessons",
        "ComplaintBoardColumn.complaints",
    }, "check the new path to a complaint"
    checks = {fn.__name__ for fn in MATRIX.values()}
    assert set(COMPLAINT_PATHS.values()) <= checks


def test_every_root_field_is_in_the_matrix() -> None:
    schema = build_schema()._schema
    roots = {
        f"{t.name}.{name}"
        for t in (schema.query_type, schema.mutation_type)
        if t is not None
        for name in t.fields
    }
    assert roots == set(MATRIX), "add new root fields to the authorization matrix"


CHECKS = sorted({fn.__name__: fn for fn in [*MATRIX.values(), *NESTED.values()]}.items())


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("name", "check"), CHECKS, ids=[n for n, _ in CHECKS])
async def test_matrix(world: dict[str, Any], actor: str, name: str, check: Any) -> None:
    await check(world, actor)
