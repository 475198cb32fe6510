"""The people inside a customer: decision makers and allies (docs/domain.md §2)."""

from __future__ import annotations

import base64

from server.domain.customers.models import Contact
from tests.conftest import Company, create_customer

CREATE = """mutation($input: ContactCreateInput!) { contactCreate(input: $input) {
  contact { id version name role isDecisionMaker isAlly allyStrength customer { name } }
  userErrors { field code message } } }"""
UPDATE = """mutation($input: ContactUpdateInput!) { contactUpdate(input: $input) {
  contact { version attitude allyStrength isAlly } userErrors { field code } } }"""
DELETE = """mutation($id: ID!) { contactDelete(input: {id: $id}) {
  deletedContactId userErrors { field code } } }"""


async def test_customer_shows_contacts_decision_makers_and_allies(company: Company) -> None:
    api = company.api("r1")
    c = await create_customer(api, name="佛山华盛塑胶制品有限公司")
    people = [
        {"name": "王总", "role": "BOSS", "isDecisionMaker": True, "influence": "HIGH"},
        {"name": "李经理", "role": "PURCHASING_HEAD", "allyStrength": "WEAK"},
        {
            "name": "赵厂长",
            "role": "PRODUCTION_HEAD",
            "allyStrength": "STRONG",
            "attitude": "SUPPORTER",
            "hobbies": "钓鱼",
            "birthday": "1975-05-04",
            "familyNotes": "女儿在读大学",
            "introducedBy": "李经理",
            "title": "生产厂长",
            "phone": "13800138000",
            "email": "zhao@example.cn",
        },
    ]
    for p in people:
        body = await api.data(CREATE, {"input": {"customerId": c["id"], **p}})
        assert body["contactCreate"]["userErrors"] == []
        assert body["contactCreate"]["contact"]["customer"]["name"] == "佛山华盛塑胶制品有限公司"
    data = await api.data(
        """query($id: ID!) { customer(id: $id) { contacts { name hobbies birthday }
        decisionMakers { name } allies { name allyStrength } } }""",
        {"id": c["id"]},
    )
    customer = data["customer"]
    assert [p["name"] for p in customer["contacts"]] == sorted(p["name"] for p in people)
    assert customer["decisionMakers"] == [{"name": "王总"}]
    # Strongest ally first: the one to call on when collecting (docs/domain.md §6).
    assert customer["allies"] == [
        {"name": "赵厂长", "allyStrength": "STRONG"},
        {"name": "李经理", "allyStrength": "WEAK"},
    ]


async def test_edit_and_remove_contact_with_version_check(company: Company) -> None:
    api = company.api("r1")
    c = await create_customer(api, name="某厂")
    made = (await api.data(CREATE, {"input": {"customerId": c["id"], "name": "钱工"}}))[
        "contactCreate"
    ]["contact"]
    body = await api.data(
        UPDATE, {"input": {"id": made["id"], "version": 1, "allyStrength": "MODERATE"}}
    )
    assert body["contactUpdate"]["contact"] == {
        "version": 2,
        "attitude": "NEUTRAL",
        "allyStrength": "MODERATE",
        "isAlly": True,
    }
    stale = await api.data(UPDATE, {"input": {"id": made["id"], "version": 1, "title": "x"}})
    assert stale["contactUpdate"]["userErrors"] == [
        {"field": ["input", "version"], "code": "STALE_VERSION"}
    ]
    gone = await api.data(DELETE, {"id": made["id"]})
    assert gone["contactDelete"] == {"deletedContactId": made["id"], "userErrors": []}
    assert await Contact.all().count() == 0


async def test_bad_contact_input_writes_nothing(company: Company) -> None:
    api = company.api("r1")
    c = await create_customer(api, name="某厂")
    body = await api.data(
        CREATE,
        {"input": {"customerId": c["id"], "name": "", "email": "x@", "birthday": "2990-01-01"}},
    )
    fields = sorted(e["field"][1] for e in body["contactCreate"]["userErrors"])
    assert fields == ["birthday", "email", "name"]
    assert await Contact.all().count() == 0


async def test_contacts_of_others_customers_cannot_be_touched(company: Company) -> None:
    c = await create_customer(company.api("r1"), name="某厂")
    made = (
        await company.api("r1").data(CREATE, {"input": {"customerId": c["id"], "name": "孙总"}})
    )["contactCreate"]["contact"]
    peer = company.api("r2")
    add = await peer.data(CREATE, {"input": {"customerId": c["id"], "name": "间谍"}})
    assert add["contactCreate"]["userErrors"] == [
        {"field": ["input", "customerId"], "code": "NOT_FOUND", "message": "Customer not found."}
    ]
    edit = await peer.data(UPDATE, {"input": {"id": made["id"], "version": 1, "name": "x"}})
    assert edit["contactUpdate"]["userErrors"][0]["code"] == "NOT_FOUND"
    remove = await peer.data(DELETE, {"id": made["id"]})
    assert remove["contactDelete"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert await Contact.filter(name="孙总").count() == 1


async def test_a_customer_holds_at_most_a_hundred_contacts(company: Company) -> None:
    """The bound a query asking for customers' contacts is costed by is a rule, not a guess."""
    customer = await create_customer(company.api("r1"))
    pk = int(base64.b64decode(customer["id"]).decode().split(":")[1])
    await Contact.bulk_create([Contact(customer_id=pk, name=f"联系人{n}") for n in range(99)])
    api = company.api("r1")
    last = await api.data(CREATE, {"input": {"customerId": customer["id"], "name": "第一百位"}})
    assert last["contactCreate"]["userErrors"] == []
    over = await api.data(CREATE, {"input": {"customerId": customer["id"], "name": "第一百零一位"}})
    assert [(e["field"], e["code"]) for e in over["contactCreate"]["userErrors"]] == [
        (["input", "customerId"], "OUT_OF_RANGE")
    ]
    assert "100" in over["contactCreate"]["userErrors"][0]["message"]
    assert await Contact.filter(customer_id=pk).count() == 100
