"""The customer archive: create, update, archive, transfer, and bad input that writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from server.domain.audit.models import AuditEntry
from server.domain.customers.models import Customer
from tests.conftest import CUSTOMER_FIELDS, Api, Company, create_customer

CREATE = f"""mutation($input: CustomerCreateInput!) {{ customerCreate(input: $input) {{
  customer {{ {CUSTOMER_FIELDS} }} userErrors {{ field code message }} }} }}"""
UPDATE = f"""mutation($input: CustomerUpdateInput!) {{ customerUpdate(input: $input) {{
  customer {{ {CUSTOMER_FIELDS} }} userErrors {{ field code message }} }} }}"""


async def test_create_keeps_every_group_of_facts(company: Company) -> None:
    api = company.api("r1")
    full = {
        "name": "宁波宏达模具有限公司",
        "address": "宁波市北仑区1号",
        "phone": "+86 574-8888 1234",
        "email": "buy@hongda.cn",
        "legalRepresentative": "王强",
        "organizationForm": "有限责任公司",
        "industry": "模具",
        "assets": "12000000.00",
        "relationshipSince": "2020-03-01",
        "region": "华东",
        "route": "宁波东线",
        "routePosition": 3,
        "serviceArea": "长三角",
        "salesCapacity": "年销售额两亿",
        "developmentPotential": "高",
        "businessPhilosophy": "质量第一",
        "scale": "中型",
        "distinctiveFeatures": "出口为主",
        "factory": "两个厂区",
        "equipment": "CNC 40台",
        "output": "月产5万件",
        "qualityRequirements": "ISO9001",
        "productStructure": "注塑模具",
        "ourSharePercent": 35,
        "registeredCapital": "5000000",
        "yearsInBusiness": 12,
        "creditLimit": "200000.00",
        "billingDay": 25,
        "paymentTerms": "月结30天",
        "currentSalesActivity": "报价中",
        "openProblems": "交期",
        "sourceChannel": "ACQUAINTANCE",
        "referredBy": "李总",
        "stage": "NEGOTIATING",
        "grade": "A",
        "isKeyAccount": True,
        "tags": ["出口", "老客户"],
    }
    created = await create_customer(api, **full)
    fields = " ".join(k for k in full if k not in ("assets", "registeredCapital", "creditLimit"))
    data = await api.data(
        f"query($id: ID!) {{ customer(id: $id) {{ {fields} assets {{ amount }}"
        " registeredCapital { amount } creditLimit { amount } } }",
        {"id": created["id"]},
    )
    got = data["customer"]
    assert got["assets"] == {"amount": "12000000.00"}
    assert got["registeredCapital"] == {"amount": "5000000.00"}
    assert got["creditLimit"] == {"amount": "200000.00"}
    for key in fields.split():
        assert got[key] == full[key], key
    row = await Customer.get(name="宁波宏达模具有限公司")
    assert row.credit_limit_minor == 20_000_000  # integer minor units, never a float


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"name": "   "}, "name", "REQUIRED"),
        ({"name": "x" * 201}, "name", "TOO_LONG"),
        ({"phone": "call me maybe"}, "phone", "INVALID"),
        ({"email": "not-an-email"}, "email", "INVALID"),
        ({"creditLimit": "-1"}, "creditLimit", "OUT_OF_RANGE"),
        ({"creditLimit": "10.005"}, "creditLimit", "INVALID"),
        ({"billingDay": 32}, "billingDay", "OUT_OF_RANGE"),
        ({"ourSharePercent": 101}, "ourSharePercent", "OUT_OF_RANGE"),
        ({"relationshipSince": "2999-01-01"}, "relationshipSince", "OUT_OF_RANGE"),
        ({"tags": ["t" * 51]}, "tags", "TOO_LONG"),
        ({"address": "路" * 501}, "address", "TOO_LONG"),
    ],
)
async def test_bad_input_is_a_user_error_on_its_field_and_writes_nothing(
    company: Company, fields: dict[str, Any], field: str, code: str
) -> None:
    api = company.api("r1")
    before_audit = await AuditEntry.all().count()
    body = await api.data(CREATE, {"input": {"name": "温州五金制品厂", **fields}})
    payload = body["customerCreate"]
    assert payload["customer"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", field], code)]
    assert await Customer.all().count() == 0
    assert await AuditEntry.all().count() == before_audit


async def test_every_problem_is_reported_at_once(company: Company) -> None:
    body = await company.api("r1").data(
        CREATE, {"input": {"name": "", "email": "nope", "billingDay": 0}}
    )
    fields = {e["field"][1] for e in body["customerCreate"]["userErrors"]}
    assert fields == {"name", "email", "billingDay"}


async def test_unknown_grade_is_rejected_before_anything_runs(company: Company) -> None:
    body = await company.api("r1").post(CREATE, {"input": {"name": "某公司", "grade": "F"}})
    assert body["data"] is None
    assert "Grade" in body["errors"][0]["message"]
    assert await Customer.all().count() == 0


async def test_update_changes_only_sent_fields_and_bumps_version(company: Company) -> None:
    api = company.api("r1")
    c = await create_customer(api, name="苏州恒通电子科技有限公司", region="华东", grade="C")
    body = await api.data(UPDATE, {"input": {"id": c["id"], "version": c["version"], "grade": "A"}})
    updated = body["customerUpdate"]["customer"]
    assert updated["grade"] == "A"
    assert updated["region"] == "华东"
    assert updated["version"] == c["version"] + 1


async def test_stale_version_is_a_user_error_and_overwrites_nothing(company: Company) -> None:
    api = company.api("r1")
    c = await create_customer(api, name="无锡金桥包装材料有限公司", region="华东")
    first = await api.data(UPDATE, {"input": {"id": c["id"], "version": 1, "region": "华南"}})
    assert first["customerUpdate"]["userErrors"] == []
    second = await api.data(UPDATE, {"input": {"id": c["id"], "version": 1, "region": "华北"}})
    errors = second["customerUpdate"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "version"], "STALE_VERSION")]
    assert (await Customer.get(id=int(_pk(c)))).region == "华南"


async def test_invalid_update_leaves_the_row_untouched(company: Company) -> None:
    api = company.api("r1")
    c = await create_customer(api, name="上海东方化工有限公司", phone="021-5555 1234")
    body = await api.data(
        UPDATE, {"input": {"id": c["id"], "version": 1, "phone": "abc", "grade": "A"}}
    )
    assert body["customerUpdate"]["userErrors"][0]["field"] == ["input", "phone"]
    row = await Customer.get(id=int(_pk(c)))
    assert (row.phone, row.grade.value, row.version) == ("021-5555 1234", "D", 1)


async def test_tags_are_replaced_and_filterable(company: Company) -> None:
    api = company.api("r1")
    a = await create_customer(api, name="甲公司", tags=["出口", "老客户"])
    await create_customer(api, name="乙公司", tags=["出口"])
    await api.data(UPDATE, {"input": {"id": a["id"], "version": 1, "tags": ["老客户", "重质量"]}})
    data = await api.data(
        '{ customers(filter: {tags: ["老客户", "重质量"]}) { nodes { name tags } } }'
    )
    assert data["customers"]["nodes"] == [{"name": "甲公司", "tags": ["老客户", "重质量"]}]


async def test_archive_hides_from_lists_and_restore_brings_back(company: Company) -> None:
    api = company.api("r1")
    c = await create_customer(api, name="广州永兴物流有限公司")
    archive = """mutation($id: ID!, $v: Int!) { customerArchive(input: {id: $id, version: $v}) {
      customer { isArchived version } userErrors { code } } }"""
    body = await api.data(archive, {"id": c["id"], "v": 1})
    assert body["customerArchive"]["customer"] == {"isArchived": True, "version": 2}
    assert (await api.data("{ customers { totalCount } }"))["customers"]["totalCount"] == 0
    archived = await api.data("{ customers(filter: {archived: true}) { totalCount } }")
    assert archived["customers"]["totalCount"] == 1
    again = await api.data(archive, {"id": c["id"], "v": 2})
    assert again["customerArchive"]["userErrors"] == [{"code": "INVALID_STATE"}]
    restore = archive.replace("customerArchive", "customerRestore")
    body = await api.data(restore, {"id": c["id"], "v": 2})
    assert body["customerRestore"]["customer"]["isArchived"] is False


TRANSFER = """mutation($input: CustomerTransferInput!) { customerTransfer(input: $input) {
  customer { owner { username } version } userErrors { field code } } }"""
TRANSFER_ALL = """mutation($input: CustomerTransferAllInput!) { customerTransferAll(input: $input) {
  transferredCount userErrors { field code } } }"""


async def test_manager_transfers_one_customer_within_team(company: Company) -> None:
    c = await create_customer(company.api("r1"), name="深圳利华电子科技有限公司")
    body = await company.api("m1").data(
        TRANSFER, {"input": {"id": c["id"], "newOwnerId": company.gid("r2")}}
    )
    assert body["customerTransfer"]["customer"]["owner"]["username"] == "r2"
    # r1 no longer sees it; r2 does.
    assert (await company.api("r1").data("{ customers { totalCount } }"))["customers"][
        "totalCount"
    ] == 0
    assert (await company.api("r2").data("{ customers { totalCount } }"))["customers"][
        "totalCount"
    ] == 1


async def test_transfer_is_refused_to_reps_and_outside_the_team(company: Company) -> None:
    c = await create_customer(company.api("r1"), name="东莞精工五金制品厂")
    rep = await company.api("r1").data(
        TRANSFER, {"input": {"id": c["id"], "newOwnerId": company.gid("r2")}}
    )
    assert rep["customerTransfer"]["userErrors"][0]["code"] == "NOT_ALLOWED"
    outside = await company.api("m1").data(
        TRANSFER, {"input": {"id": c["id"], "newOwnerId": company.gid("r3")}}
    )
    assert outside["customerTransfer"]["userErrors"] == [
        {"field": ["input", "newOwnerId"], "code": "NOT_ALLOWED"}
    ]
    other_manager = await company.api("m2").data(
        TRANSFER, {"input": {"id": c["id"], "newOwnerId": company.gid("r3")}}
    )
    assert other_manager["customerTransfer"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await Customer.get(name="东莞精工五金制品厂")).owner_id == company.users["r1"].id


async def test_all_customers_of_a_leaving_rep_move_to_a_colleague(company: Company) -> None:
    for name in ("甲", "乙", "丙"):
        await create_customer(company.api("r1"), name=f"{name}机械厂")
    await create_customer(company.api("r2"), name="丁机械厂")
    body = await company.api("m1").data(
        TRANSFER_ALL, {"input": {"fromUserId": company.gid("r1"), "toUserId": company.gid("r2")}}
    )
    assert body["customerTransferAll"] == {"transferredCount": 3, "userErrors": []}
    assert await Customer.filter(owner_id=company.users["r2"].id).count() == 4
    entries = await AuditEntry.filter(action="customer.transfer").count()
    assert entries == 3
    denied = await company.api("m2").data(
        TRANSFER_ALL, {"input": {"fromUserId": company.gid("r2"), "toUserId": company.gid("r3")}}
    )
    assert denied["customerTransferAll"]["userErrors"][0]["field"] == ["input", "fromUserId"]


async def test_service_staff_cannot_own_customers(company: Company) -> None:
    body = await company.api("svc").data(CREATE, {"input": {"name": "某某厂"}})
    assert body["customerCreate"]["userErrors"][0]["code"] == "NOT_ALLOWED"


async def test_manager_may_create_for_a_team_member_only(company: Company) -> None:
    api = company.api("m1")
    ok = await api.data(CREATE, {"input": {"name": "甲厂", "ownerId": company.gid("r2")}})
    assert ok["customerCreate"]["customer"]["owner"]["username"] == "r2"
    bad = await api.data(CREATE, {"input": {"name": "乙厂", "ownerId": company.gid("r3")}})
    assert bad["customerCreate"]["userErrors"][0]["field"] == ["input", "ownerId"]


def _pk(customer: dict[str, Any]) -> str:
    from strawberry.relay import GlobalID

    return GlobalID.from_id(customer["id"]).node_id


__all__ = ["Api"]


async def test_concurrent_updates_from_one_version_let_exactly_one_win(company: Company) -> None:
    import asyncio

    api = company.api("r1")
    c = await create_customer(api, name="合肥天成化工有限公司", region="华东")
    regions = ["华南", "华北", "西南", "华中"]
    results = await asyncio.gather(
        *(api.data(UPDATE, {"input": {"id": c["id"], "version": 1, "region": r}}) for r in regions)
    )
    winners = [r for r in results if r["customerUpdate"]["userErrors"] == []]
    losers = [r for r in results if r["customerUpdate"]["userErrors"]]
    assert len(winners) == 1
    assert all(r["customerUpdate"]["userErrors"][0]["code"] == "STALE_VERSION" for r in losers)
    row = await Customer.get(id=int(_pk(c)))
    assert row.version == 2
    assert row.region == winners[0]["customerUpdate"]["customer"]["region"]
    assert await AuditEntry.filter(action="customer.update").count() == 1


async def test_customer_code_is_unique_optional_and_searchable(company: Company) -> None:
    api = company.api("r1")
    first = await create_customer(api, name="宁波模具厂", code="KH-0574")
    await create_customer(api, name="温州阀门厂")
    taken = await company.api("r3").data(
        CREATE, {"input": {"name": "别家的客户", "code": "KH-0574"}}
    )
    assert taken["customerCreate"]["userErrors"] == [
        {
            "field": ["input", "code"],
            "code": "DUPLICATE",
            "message": "This customer code is already in use.",
        }
    ]
    spaced = await api.data(CREATE, {"input": {"name": "某厂", "code": "KH 1"}})
    assert spaced["customerCreate"]["userErrors"][0]["field"] == ["input", "code"]
    found = await api.data('{ customers(filter: {search: "kh-0574"}) { nodes { name code } } }')
    assert found["customers"]["nodes"] == [{"name": "宁波模具厂", "code": "KH-0574"}]
    # An empty code removes it, and frees it for another customer.
    cleared = await api.data(
        """mutation($id: ID!) { customerUpdate(input: {id: $id, version: 1, code: ""}) {
        customer { code } userErrors { code } } }""",
        {"id": first["id"]},
    )
    assert cleared["customerUpdate"] == {"customer": {"code": None}, "userErrors": []}
    gone = await api.data('{ customers(filter: {search: "kh-0574"}) { totalCount } }')
    assert gone["customers"]["totalCount"] == 0
    again = await company.api("r3").data(
        CREATE, {"input": {"name": "别家的客户", "code": "KH-0574"}}
    )
    assert again["customerCreate"]["userErrors"] == []
