"""SQL statements per request must not grow with the page size (no N+1)."""

from __future__ import annotations

from server.domain.customers.models import Contact, Customer
from server.domain.customers.pinyin import search_text
from tests.conftest import Company, SqlCounter

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
    # token → user, team, grants, page, count, owners, their managers, contacts, tags
    assert 5 <= large <= 9, sql_counter.statements


async def test_user_list_loads_managers_and_departments_in_batches(
    company: Company, sql_counter: SqlCounter
) -> None:
    from server.domain.accounts.models import Department, User

    dept = await Department.create(name="华东销售部")
    await User.all().update(department_id=dept.id)
    query = "{ users(first: 50) { nodes { username manager { username } department { name } } } }"
    sql_counter.statements.clear()
    data = await company.api("r1").data(query)
    assert len(data["users"]["nodes"]) == 7
    # token, page, managers, departments
    assert len(sql_counter.statements) == 4, sql_counter.statements


async def test_nodes_by_id_batch_lookups_and_view_logging(
    company: Company, sql_counter: SqlCounter
) -> None:
    from strawberry.relay import GlobalID

    from server.domain.audit.models import AuditEntry

    await _seed(company, 30)
    ids = [str(GlobalID("Customer", str(c.id))) for c in await Customer.all().order_by("id")]
    query = (
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { name owner { username } } } }"
    )

    async def statements(n: int) -> int:
        sql_counter.statements.clear()
        data = await company.api("m1").data(query, {"ids": ids[:n]})
        assert all(node is not None for node in data["nodes"])
        return len(sql_counter.statements)

    assert await statements(3) == await statements(30)
    # m1 owns none of them: every opened customer is logged, 3 + 30 entries.
    assert await AuditEntry.filter(action="customer.view").count() == 33
