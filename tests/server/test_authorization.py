"""Who sees what (DOMAIN.md §9): every root field and node(id:) against every kind of viewer.

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
from server.graphql.schema import build_schema
from tests.conftest import Company, create_customer

ACTORS = ["owner", "peer", "manager", "other_manager", "grantee", "expired", "admin", "anon"]
USERNAME = {
    "owner": "r1",
    "peer": "r2",
    "manager": "m1",
    "other_manager": "m2",
    "grantee": "r3",
    "expired": "r4",
    "admin": "admin",
    "anon": None,
}
READS = {"owner", "manager", "grantee", "admin"}
EDITS = {"owner", "manager", "admin"}


@pytest.fixture
async def world(company: Company) -> dict[str, Any]:
    await company.add_user("r4", "sales_rep", "m2")
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


async def users_field(world: dict[str, Any], actor: str) -> None:
    body = await _api(world, actor).post("{ users(first: 100) { totalCount } }")
    if actor == "anon":
        assert _unauthenticated(body)
    else:
        assert body["data"]["users"]["totalCount"] == 8


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


def _mutation_outcome(actor: str) -> list[str]:
    if actor == "anon":
        return ["UNAUTHENTICATED"]
    if actor in EDITS:
        return []
    if actor in READS:
        return ["NOT_ALLOWED"]  # a grant is read-only
    return ["NOT_FOUND"]  # hidden reads exactly as missing


# Every root field of the schema, with the check that proves it guarded.
MATRIX = {
    "Query.viewer": viewer_field,
    "Query.node": read_node,
    "Query.nodes": read_node,
    "Query.customers": read_list,
    "Query.customer": read_customer,
    "Query.users": users_field,
    "Query.accessRequests": access_request_fields,
    "Query.auditLog": audit_log_field,
    "Mutation.login": login_logout,
    "Mutation.logout": login_logout,
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
}
NESTED = {"Contact.customer": read_nested}


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
