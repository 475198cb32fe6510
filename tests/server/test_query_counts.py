"""SQL statements per request must not grow with the page size (no N+1)."""

from __future__ import annotations

from typing import Any

from server.domain.audit.view_log import VIEW_LOG
from server.domain.customers.models import Contact, Customer
from server.domain.customers.pinyin import search_text
from tests.conftest import Company, SqlCounter, cold_caches

PAGE = """query($n: Int!) { customers(first: $n, filter: {search: "jx"}) {
  totalCount pageInfo { endCursor }
  nodes { name grade tags owner { username manager { username } }
          contacts { name phone } decisionMakers { name } allies { name } } } }"""


async def _seed(company: Company, n: int) -> None:
    owners = [company.users["r1"], company.users["r2"]]
    for i in range(n):
        name = f"机械厂{i:03d}"
        customer = await Customer.create(
            owner=owners[i % 2], name=name, search_text=search_text(name)
        )
        for k in range(3):
            await Contact.create(customer=customer, name=f"联系人{k}", is_decision_maker=k == 0)


async def _count(company: Company, counter: SqlCounter, n: int) -> int:
    cold_caches()  # counted cold: the token lookup and the count included
    counter.statements.clear()
    data = await company.api("m1").data(PAGE, {"n": n})
    assert len(data["customers"]["nodes"]) == n
    assert all(len(c["contacts"]) == 3 for c in data["customers"]["nodes"])
    return len(counter.statements)


async def test_customer_page_statements_do_not_grow_with_page_size(
    company: Company, sql_counter: SqlCounter
) -> None:
    await _seed(company, 60)
    small = await _count(company, sql_counter, 5)
    large = await _count(company, sql_counter, 50)
    assert small == large
    # token → user, team and grants, page, count, owners, their managers, contacts, tags
    assert large == 8, sql_counter.statements


# What an integrator's reads look like (bench/vs_postgraphile.py times the same shapes).
BY_ID = "query($id: ID!) { customer(id: $id) { id name grade stage region phone email } }"
WITH_CONTACTS = """query($n: Int!) { customers(first: $n) { nodes { id name grade region phone
  contacts { name title phone isDecisionMaker allyStrength } } } }"""
SEARCH = """query($n: Int!, $after: String) {
  customers(first: $n, after: $after, filter: {search: "机械厂"}) {
  totalCount pageInfo { endCursor hasNextPage }
  nodes { id name grade region phone owner { displayName }
          contacts { name title phone isDecisionMaker allyStrength } } } }"""


async def _cold(company: Company, counter: SqlCounter, who: str, query: str, v: dict) -> Any:
    cold_caches()
    counter.statements.clear()
    return await company.api(who).data(query, v)


async def test_a_customer_by_id_costs_at_most_three_statements(
    company: Company, sql_counter: SqlCounter
) -> None:
    from strawberry.relay import GlobalID

    await _seed(company, 2)
    customer = await Customer.filter(owner_id=company.users["r1"].id).first()
    assert customer is not None
    gid = str(GlobalID("Customer", str(customer.id)))
    # The owner: token → user, grants, the row.
    data = await _cold(company, sql_counter, "r1", BY_ID, {"id": gid})
    assert data["customer"]["name"] == customer.name
    assert len(sql_counter.statements) == 3, sql_counter.statements
    # Their manager: token → user, team and grants in one statement, the row; the view is
    # noted for the audit log and written later, off the request (test_view_log.py).
    data = await _cold(company, sql_counter, "m1", BY_ID, {"id": gid})
    assert data["customer"]["name"] == customer.name
    assert len(sql_counter.statements) == 3, sql_counter.statements
    # Only the columns asked for are read.
    [row] = [s for s in sql_counter.statements if 'FROM "customer"' in s]
    assert '"email"' in row and '"address"' not in row and '"search_text"' not in row
    # Warm (the token, the team and the grants remembered, server/domain/access/reach.py):
    # the row alone.
    sql_counter.statements.clear()
    await company.api("m1").data(BY_ID, {"id": gid})
    assert len(sql_counter.statements) == 1, sql_counter.statements
    # A peer who may not see it: the same statements, and null.
    data = await _cold(company, sql_counter, "m2", BY_ID, {"id": gid})
    assert data["customer"] is None
    assert len(sql_counter.statements) == 3, sql_counter.statements


async def test_a_page_with_contacts_costs_four_statements_at_any_size(
    company: Company, sql_counter: SqlCounter
) -> None:
    await _seed(company, 60)
    counts = []
    for n in (5, 50):
        data = await _cold(company, sql_counter, "m1", WITH_CONTACTS, {"n": n})
        assert len(data["customers"]["nodes"]) == n
        assert all(len(c["contacts"]) == 3 for c in data["customers"]["nodes"])
        counts.append(len(sql_counter.statements))
    # token, team and grants, the page, the page's contacts (one statement for all rows)
    assert counts == [4, 4], sql_counter.statements
    [contacts] = [s for s in sql_counter.statements if 'FROM "contact"' in s]
    assert '"hobbies"' not in contacts and '"title"' in contacts


async def test_the_search_page_costs_the_same_at_any_size_and_counts_once_while_paging(
    company: Company, sql_counter: SqlCounter
) -> None:
    await _seed(company, 60)
    counts = []
    for n in (5, 50):
        data = await _cold(company, sql_counter, "m1", SEARCH, {"n": n, "after": None})
        assert data["customers"]["totalCount"] == 60
        assert len(data["customers"]["nodes"]) == n
        counts.append(len(sql_counter.statements))
    # token, team and grants, page, count, owners, contacts
    assert counts == [6, 6], sql_counter.statements
    # The next page (token, reach and count remembered): page, owners, contacts.
    sql_counter.statements.clear()
    after = data["customers"]["pageInfo"]["endCursor"]
    data = await company.api("m1").data(SEARCH, {"n": 5, "after": after})
    assert data["customers"]["totalCount"] == 60
    assert len(sql_counter.statements) == 3, sql_counter.statements
    assert not [s for s in sql_counter.statements if "COUNT" in s]


async def test_a_write_through_the_api_is_counted_at_once(company: Company) -> None:
    from tests.conftest import create_customer

    await _seed(company, 3)
    query = '{ customers(filter: {search: "机械厂"}) { totalCount } }'
    assert (await company.api("m1").data(query))["customers"]["totalCount"] == 3
    await create_customer(company.api("r1"), name="机械厂新")
    assert (await company.api("m1").data(query))["customers"]["totalCount"] == 4


async def test_node_costs_the_same_as_customer(company: Company, sql_counter: SqlCounter) -> None:
    from strawberry.relay import GlobalID

    await _seed(company, 2)
    customer = await Customer.filter(owner_id=company.users["r1"].id).first()
    assert customer is not None
    gid = str(GlobalID("Customer", str(customer.id)))
    query = "query($id: ID!) { node(id: $id) { ... on Customer { name phone } } }"
    data = await _cold(company, sql_counter, "m1", query, {"id": gid})
    assert data["node"]["name"] == customer.name
    assert len(sql_counter.statements) == 3, sql_counter.statements


async def test_user_list_loads_managers_and_departments_in_batches(
    company: Company, sql_counter: SqlCounter
) -> None:
    from server.domain.accounts.models import Department, User

    dept = await Department.create(name="华东销售部")
    await User.all().update(department_id=dept.id)
    query = "{ users(first: 50) { nodes { username manager { username } department { name } } } }"
    cold_caches()  # counted cold: the token lookup included
    sql_counter.statements.clear()
    data = await company.api("r1").data(query)
    assert len(data["users"]["nodes"]) == 7
    # token, page, managers, departments
    assert len(sql_counter.statements) == 4, sql_counter.statements


async def test_nodes_by_id_batch_lookups_and_view_logging(
    company: Company, sql_counter: SqlCounter
) -> None:
    from strawberry.relay import GlobalID

    await _seed(company, 30)
    ids = [str(GlobalID("Customer", str(c.id))) for c in await Customer.all().order_by("id")]
    query = (
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { name owner { username } } } }"
    )
    await _count_nodes_by_id(company, sql_counter, ids, query)


async def _count_nodes_by_id(
    company: Company, sql_counter: SqlCounter, ids: list[str], query: str
) -> None:
    from server.domain.audit.models import AuditEntry

    async def statements(n: int) -> int:
        cold_caches()  # counted cold: the token lookup included
        sql_counter.statements.clear()
        data = await company.api("m1").data(query, {"ids": ids[:n]})
        assert all(node is not None for node in data["nodes"])
        return len(sql_counter.statements)

    assert await statements(3) == await statements(30)
    # token, team and grants, the customers, their owners: the views are not written by
    # the request (server/domain/audit/view_log.py) ...
    assert await statements(30) == 4, sql_counter.statements
    assert not any(s.startswith("INSERT") for s in sql_counter.statements)
    # ... but noted, and written together: m1 owns none of them, 3 + 30 + 30 entries.
    assert await VIEW_LOG.flush() == 63
    assert await AuditEntry.filter(action="customer.view").count() == 63


QUEUE = """query($n: Int!) { followUpQueue { overdue(first: $n) { totalCount
  nodes { dueOn purpose assignee { username } expectedOrder { amount { amount } }
    customer { name grade abcClass isVip lastContact { summary }
      decisionMaker { name phone } strongestAlly { name phone } } } }
  dueToday { totalCount } upcoming { totalCount } neglectedCount } }"""


async def _seed_queue(company: Company, n: int) -> None:
    from datetime import date, timedelta

    from server.domain.followups.models import FollowUp

    for i in range(n):
        name = f"客户{i:03d}"
        customer = await Customer.create(
            owner=company.users["r1"],
            name=name,
            search_text=search_text(name),
            grade="ABCDE"[i % 5],
        )
        await Contact.create(customer=customer, name="王总", is_decision_maker=True)
        await Contact.create(customer=customer, name="李主任", ally_strength="strong")
        await FollowUp.create(
            customer=customer,
            assignee=company.users["r1"],
            due_on=date.today() - timedelta(days=3 + i % 7),
            kind="phone",
            origin="manual",
        )


async def test_queue_statements_do_not_grow_with_page_size(
    company: Company, sql_counter: SqlCounter
) -> None:
    await _seed_queue(company, 60)
    await company.api("r1").data(QUEUE, {"n": 1})  # creates the settings row on first use
    counts = []
    for n in (5, 50):
        cold_caches()  # counted cold: the token lookup included
        sql_counter.statements.clear()
        data = await company.api("r1").data(QUEUE, {"n": n})
        nodes = data["followUpQueue"]["overdue"]["nodes"]
        assert len(nodes) == n
        assert all(row["customer"]["decisionMaker"]["name"] == "王总" for row in nodes)
        counts.append(len(sql_counter.statements))
    assert counts[0] == counts[1], sql_counter.statements
    # token, queue owner, settings, grants, neglect check, the overdue page, the contacts of
    # its customers, and one statement for the three section counts (sections asked only for
    # their totalCount read no rows).
    assert counts[1] == 8, sql_counter.statements


TIMELINE = """query($id: ID!, $n: Int!) { customer(id: $id) { interactions(first: $n) {
  totalCount nodes { kind summary author { username } ourPeople { username }
  contactsPresent { name contact { name } } } } } }"""


async def test_timeline_statements_do_not_grow_with_page_size(
    company: Company, sql_counter: SqlCounter
) -> None:
    from datetime import UTC, datetime, timedelta

    from strawberry.relay import GlobalID

    from server.domain.followups.models import (
        Interaction,
        InteractionContact,
        InteractionParticipant,
    )

    customer = await Customer.create(
        owner=company.users["r1"], name="杭州机械厂", search_text=search_text("杭州机械厂")
    )
    contact = await Contact.create(customer=customer, name="王总")
    now = datetime.now(UTC)
    for i in range(60):
        row = await Interaction.create(
            customer=customer,
            author=company.users["r1"],
            kind="visit",
            occurred_at=now - timedelta(hours=i),
            summary=f"第{i}次",
            grade_before="B",
            grade_after="B",
        )
        await InteractionParticipant.create(interaction=row, user=company.users["m1"])
        await InteractionContact.create(interaction=row, contact=contact, name="王总")
    gid = str(GlobalID("Customer", str(customer.id)))
    counts = []
    for n in (5, 50):
        cold_caches()  # counted cold: the token lookup included
        sql_counter.statements.clear()
        data = await company.api("r1").data(TIMELINE, {"id": gid, "n": n})
        nodes = data["customer"]["interactions"]["nodes"]
        assert len(nodes) == n
        assert nodes[0]["ourPeople"] == [{"username": "m1"}]
        counts.append(len(sql_counter.statements))
    assert counts[0] == counts[1], sql_counter.statements
    # token, team, grants, customer, page, count, authors+people, participants, present, contacts
    assert counts[1] <= 11, sql_counter.statements


async def test_orders_with_lines_and_answered_follow_ups_do_not_grow(
    company: Company, sql_counter: SqlCounter
) -> None:
    from datetime import UTC, date, datetime, timedelta

    from strawberry.relay import GlobalID

    from server.domain.followups.models import FollowUp, Interaction
    from server.domain.sales.models import SalesOrder, SalesOrderLine

    async def customer_with(n: int) -> str:
        name = f"客户{n}"
        customer = await Customer.create(
            owner=company.users["r1"], name=name, search_text=search_text(name)
        )
        for i in range(n):
            order = await SalesOrder.create(
                customer=customer, ordered_on=date(2026, 1, 1) + timedelta(days=i), total_minor=300
            )
            for line_no in (1, 2):
                await SalesOrderLine.create(
                    order=order,
                    line_no=line_no,
                    product=f"产品{line_no}",
                    quantity=1,
                    unit_price_minor=150,
                    amount_minor=150,
                )
            answer = await Interaction.create(
                customer=customer,
                author=company.users["r1"],
                kind="phone",
                occurred_at=datetime.now(UTC) - timedelta(days=i),
                summary=f"回访{i}",
                grade_before="B",
                grade_after="B",
            )
            await FollowUp.create(
                customer=customer,
                assignee=company.users["r1"],
                due_on=date(2026, 1, 1),
                kind="phone",
                origin="manual",
                status="done",
                interaction=answer,
            )
        return str(GlobalID("Customer", str(customer.id)))

    query = """query($id: ID!) { customer(id: $id) {
      salesOrders(first: 30) { nodes { total { amount } lines { product amount { amount } } } }
      followUps(status: [DONE]) { answeredBy { summary } } } }"""
    counts = []
    for n in (3, 30):
        gid = await customer_with(n)
        cold_caches()  # counted cold: the token lookup included
        sql_counter.statements.clear()
        data = (await company.api("r1").data(query, {"id": gid}))["customer"]
        assert [len(o["lines"]) for o in data["salesOrders"]["nodes"]] == [2] * n
        assert sorted(f["answeredBy"]["summary"] for f in data["followUps"]) == sorted(
            f"回访{i}" for i in range(n)
        )
        counts.append(len(sql_counter.statements))
    assert counts[0] == counts[1], sql_counter.statements


async def test_timelines_and_nodes_read_only_the_asked_columns(
    company: Company, sql_counter: SqlCounter
) -> None:
    from datetime import UTC, datetime

    from strawberry.relay import GlobalID

    from server.domain.followups.models import Interaction

    customer = await Customer.create(
        owner=company.users["r1"], name="杭州机械厂", search_text=search_text("杭州机械厂")
    )
    contact = await Contact.create(customer=customer, name="王总", hobbies="钓鱼")
    row = await Interaction.create(
        customer=customer,
        author=company.users["r1"],
        kind="visit",
        occurred_at=datetime.now(UTC),
        summary="拜访",
        needs="降价",
        grade_before="B",
        grade_after="B",
    )
    api = company.api("r1")

    def read_from(table: str) -> str:
        [statement] = [s for s in sql_counter.statements if f'FROM "{table}"' in s]
        return statement

    gid = str(GlobalID("Customer", str(customer.id)))
    sql_counter.statements.clear()
    data = await api.data(
        "query($id: ID!) { customer(id: $id) { interactions { nodes { id summary kind } } } }",
        {"id": gid},
    )
    assert data["customer"]["interactions"]["nodes"][0]["summary"] == "拜访"
    assert '"summary"' in read_from("interaction") and '"needs"' not in read_from("interaction")

    nodes = (
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Contact { name } "
        "... on Interaction { needs kind } } }"
    )
    ids = [str(GlobalID("Contact", str(contact.id))), str(GlobalID("Interaction", str(row.id)))]
    sql_counter.statements.clear()
    data = await api.data(nodes, {"ids": ids})
    assert data["nodes"] == [{"name": "王总"}, {"needs": "降价", "kind": "VISIT"}]
    assert '"hobbies"' not in read_from("contact")
    assert '"needs"' in read_from("interaction") and '"summary"' not in read_from("interaction")


async def test_a_customers_follow_ups_read_only_the_asked_columns(
    company: Company, sql_counter: SqlCounter
) -> None:
    from datetime import date

    from strawberry.relay import GlobalID

    from server.domain.followups.models import FollowUp

    customer = await Customer.create(
        owner=company.users["r1"], name="杭州机械厂", search_text=search_text("杭州机械厂")
    )
    await FollowUp.create(
        customer=customer,
        assignee=company.users["r1"],
        due_on=date(2026, 12, 1),
        kind="phone",
        origin="manual",
        purpose="报价",
        preparation_notes="带样品",
        expected_amount_minor=1_250_000,
    )
    gid = str(GlobalID("Customer", str(customer.id)))
    sql_counter.statements.clear()
    data = await company.api("r1").data(
        """query($id: ID!) { customer(id: $id) { followUps { dueOn purpose status
        expectedOrder { amount { amount } } } } }""",
        {"id": gid},
    )
    [item] = data["customer"]["followUps"]
    assert item == {
        "dueOn": "2026-12-01",
        "purpose": "报价",
        "status": "OPEN",
        "expectedOrder": {"amount": {"amount": "12500.00"}},
    }
    [read] = [s for s in sql_counter.statements if 'FROM "follow_up"' in s]
    assert '"purpose"' in read and '"preparation_notes"' not in read


async def test_the_audit_log_reads_the_changes_only_when_asked(
    company: Company, sql_counter: SqlCounter
) -> None:
    from tests.conftest import create_customer

    await create_customer(company.api("r1"), name="某厂")
    api = company.api("admin")
    sql_counter.statements.clear()
    data = await api.data("{ auditLog(first: 5) { nodes { action objectId actorId } } }")
    assert data["auditLog"]["nodes"][0]["action"] == "customer.create"
    assert data["auditLog"]["nodes"][0]["objectId"]
    [read] = [s for s in sql_counter.statements if 'FROM "audit_entry"' in s]
    assert '"changes"' not in read and '"object_type"' in read
    data = await api.data("{ auditLog(first: 5) { nodes { changes } } }")
    assert data["auditLog"]["nodes"][0]["changes"]["name"] == {"from": None, "to": "某厂"}


async def test_orders_users_and_access_requests_read_only_the_asked_columns(
    company: Company, sql_counter: SqlCounter
) -> None:
    from datetime import date

    from strawberry.relay import GlobalID

    from server.domain.access.models import AccessRequest
    from server.domain.sales.models import SalesOrder

    customer = await Customer.create(
        owner=company.users["r1"], name="杭州机械厂", search_text=search_text("杭州机械厂")
    )
    order = await SalesOrder.create(
        customer=customer, ordered_on=date(2026, 3, 1), total_minor=12345, note="加急"
    )
    await AccessRequest.create(
        requester=company.users["r2"], customer_description="杭州机械厂", reason="接手"
    )

    def read_from(table: str) -> str:
        [statement] = [s for s in sql_counter.statements if f'FROM "{table}"' in s]
        return statement

    gid = str(GlobalID("Customer", str(customer.id)))
    sql_counter.statements.clear()
    data = await company.api("r1").data(
        "query($id: ID!) { customer(id: $id) { salesOrders { nodes { total { amount } } } } }",
        {"id": gid},
    )
    assert data["customer"]["salesOrders"]["nodes"] == [{"total": {"amount": "123.45"}}]
    assert '"total_minor"' in read_from("sales_order")
    assert '"note"' not in read_from("sales_order")

    order_id = str(GlobalID("SalesOrder", str(order.id)))
    sql_counter.statements.clear()
    data = await company.api("r1").data(
        "query($id: ID!) { node(id: $id) { ... on SalesOrder { note } } }", {"id": order_id}
    )
    assert data["node"] == {"note": "加急"}
    assert '"total_minor"' not in read_from("sales_order")

    sql_counter.statements.clear()
    data = await company.api("r1").data("{ users(first: 3) { nodes { displayName } } }")
    assert len(data["users"]["nodes"]) == 3
    assert '"display_name"' in read_from("app_user")
    assert '"role"' not in read_from("app_user")
    # Never the password hash, whatever is asked: not for a page, nor for an owner.
    sql_counter.statements.clear()
    await company.api("r1").data(
        "{ users(first: 3) { nodes { username role permissions manager { username } } } }"
    )
    await company.api("r1").data(
        "query($id: ID!) { customer(id: $id) { owner { displayName } } }", {"id": gid}
    )
    assert not [s for s in sql_counter.statements if "password_hash" in s]

    sql_counter.statements.clear()
    data = await company.api("m1").data(
        "{ accessRequests { nodes { reason requester { username } } } }"
    )
    assert data["accessRequests"]["nodes"] == [{"reason": "接手", "requester": {"username": "r2"}}]
    assert '"reason"' in read_from("access_request")
    assert '"customer_description"' not in read_from("access_request")
