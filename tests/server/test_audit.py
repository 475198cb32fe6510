"""Every successful mutation leaves an audit entry; opening someone else's customer too."""

from __future__ import annotations

from server.domain.audit.models import AuditEntry
from server.domain.audit.view_log import VIEW_LOG
from tests.conftest import Company, create_customer


async def test_update_records_who_what_from_to_and_request_id(company: Company) -> None:
    api = company.api("r1")
    c = await create_customer(api, name="青岛海川机械厂", grade="C", creditLimit="1000")
    response = await company.client.post(
        "/graphql",
        json={
            "query": """mutation($id: ID!) { customerUpdate(input: {id: $id, version: 1,
              grade: A, creditLimit: "2500.50", tags: ["出口"]}) { userErrors { code } } }""",
            "variables": {"id": c["id"]},
        },
        headers={"Authorization": f"Bearer {company.tokens['r1']}", "X-Request-ID": "req-12345678"},
    )
    assert response.headers["x-request-id"] == "req-12345678"
    entry = await AuditEntry.get(action="customer.update")
    assert entry.actor_id == company.users["r1"].id
    assert entry.actor_name == "r1"
    assert entry.object_type == "Customer"
    assert entry.request_id == "req-12345678"
    assert entry.changes == {
        "grade": {"from": "C", "to": "A"},
        "credit_limit_minor": {"from": 100000, "to": 250050},
        "tags": {"from": [], "to": ["出口"]},
    }


async def test_failed_mutation_writes_no_entry(company: Company) -> None:
    api = company.api("r1")
    c = await create_customer(api, name="某厂")
    before = await AuditEntry.all().count()
    await api.data(
        """mutation($id: ID!) { customerUpdate(input: {id: $id, version: 9, grade: A}) {
        userErrors { code } } }""",
        {"id": c["id"]},
    )
    assert await AuditEntry.all().count() == before


async def test_opening_someone_elses_customer_is_logged(company: Company) -> None:
    c = await create_customer(company.api("r1"), name="某厂")
    query = "query($id: ID!) { customer(id: $id) { name } }"
    await company.api("r1").data(query, {"id": c["id"]})
    assert await AuditEntry.filter(action="customer.view").count() == 0
    await company.api("m1").data(query, {"id": c["id"]})
    await VIEW_LOG.flush()
    [view] = await AuditEntry.filter(action="customer.view")
    assert view.actor_name == "m1"
    # A peer who cannot see it leaves no trace of a customer they never saw.
    await company.api("r2").data(query, {"id": c["id"]})
    await VIEW_LOG.flush()
    assert await AuditEntry.filter(action="customer.view").count() == 1


async def test_audit_log_query_filters_by_object(company: Company) -> None:
    a = await create_customer(company.api("r1"), name="甲厂")
    await create_customer(company.api("r1"), name="乙厂")
    body = await company.api("admin").data(
        """query($id: ID!) { auditLog(filter: {objectId: $id}) { totalCount
        nodes { action objectId actorId changes } } }""",
        {"id": a["id"]},
    )
    log = body["auditLog"]
    assert log["totalCount"] == 1
    [entry] = log["nodes"]
    assert entry["action"] == "customer.create"
    assert entry["objectId"] == a["id"]
    assert entry["actorId"] == company.gid("r1")
    assert entry["changes"]["name"] == {"from": None, "to": "甲厂"}
