"""interactionLog: record, re-grade, schedule from the cadence; idempotent; bad input writes
nothing (docs/domain.md §3, with its numbers: A 1, B 7, C 15, D 30, E 365 days)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from server.domain.followups.models import ContactPlan, FollowUp, Interaction
from tests.conftest import Company, create_customer
from tests.server.followup_helpers import company_today, log_contact, logged, pk

CADENCE = {"A": 1, "B": 7, "C": 15, "D": 30, "E": 365}


@pytest.mark.parametrize(("grade", "days"), sorted(CADENCE.items()))
async def test_next_follow_up_comes_from_the_grade_cadence(
    company: Company, grade: str, days: int
) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    payload = await logged(api, customer["id"], grade=grade, outcome="谈了新模具的报价\n细节待定")
    following = payload["nextFollowUp"]
    assert following["dueOn"] == (company_today() + timedelta(days=days)).isoformat()
    assert following["origin"] == "CADENCE"
    assert following["assignee"]["username"] == "r1"
    assert payload["customer"]["grade"] == grade
    # The summary is the first line of the outcome when none is given.
    assert payload["interaction"]["summary"] == "谈了新模具的报价"
    assert payload["customer"]["lastContact"] == {"kind": "PHONE", "summary": "谈了新模具的报价"}


async def test_regrade_closes_the_open_item_and_reschedules_from_the_new_grade(
    company: Company,
) -> None:
    api = company.api("r1")
    customer = await create_customer(api, grade="D")
    first = await logged(api, customer["id"], grade="D")
    assert first["customer"]["version"] == 1  # grade confirmed unchanged: no version bump
    second = await logged(api, customer["id"], grade="A", kind="VISIT")
    assert second["interaction"]["gradeBefore"] == "D"
    assert second["interaction"]["gradeAfter"] == "A"
    assert second["customer"]["grade"] == "A"
    assert second["customer"]["version"] == 2
    assert [f["id"] for f in second["completedFollowUps"]] == [first["nextFollowUp"]["id"]]
    assert second["completedFollowUps"][0]["status"] == "DONE"
    assert second["completedFollowUps"][0]["completedLate"] is False
    assert second["nextFollowUp"]["dueOn"] == (company_today() + timedelta(days=1)).isoformat()
    # The next cadence item keeps the rhythm of the one it replaces (a phone call).
    assert second["nextFollowUp"]["kind"] == "PHONE"
    open_items = await FollowUp.filter(customer_id=pk(customer["id"]), status="open").count()
    assert open_items == 1


async def test_contact_plan_frequency_overrides_the_cadence(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    plan = await api.data(
        """mutation($c: ID!) { contactPlanSet(input: {customerId: $c, frequencyDays: 3,
        focus: "推新款模具", expectedOrder: {products: "注塑模具", quantity: 2,
        amount: "80000.00"}, preferredTime: "周二上午"}) {
        contactPlan { version frequencyDays focus preferredTime
                      expectedOrder { products quantity amount { amount } } }
        userErrors { field code } } }""",
        {"c": customer["id"]},
    )
    assert plan["contactPlanSet"]["contactPlan"]["expectedOrder"]["amount"]["amount"] == "80000.00"
    payload = await logged(api, customer["id"], grade="E")
    assert payload["nextFollowUp"]["dueOn"] == (company_today() + timedelta(days=3)).isoformat()
    assert payload["nextFollowUp"]["purpose"] == "推新款模具"
    # A null frequency returns the customer to its grade's cadence.
    cleared = await api.data(
        """mutation($c: ID!) { contactPlanSet(input: {customerId: $c, version: 1,
        frequencyDays: null}) { contactPlan { frequencyDays } userErrors { code } } }""",
        {"c": customer["id"]},
    )
    assert cleared["contactPlanSet"]["contactPlan"]["frequencyDays"] is None
    again = await logged(api, customer["id"], grade="E")
    assert again["nextFollowUp"]["dueOn"] == (company_today() + timedelta(days=365)).isoformat()


async def test_contact_plan_refusals_point_at_the_field_as_written(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    refused = await api.data(
        """mutation($c: ID!) { contactPlanSet(input: {customerId: $c, frequencyDays: 0,
        expectedOrder: {quantity: -1, amount: "-5.00"}}) {
        contactPlan { version } userErrors { field code } } }""",
        {"c": customer["id"]},
    )
    payload = refused["contactPlanSet"]
    assert payload["contactPlan"] is None
    assert sorted(e["field"] for e in payload["userErrors"]) == [
        ["input", "expectedOrder", "amount"],
        ["input", "expectedOrder", "quantity"],
        ["input", "frequencyDays"],
    ]
    assert await ContactPlan.filter(customer_id=pk(customer["id"])).count() == 0


async def test_cadences_are_company_settings(company: Company) -> None:
    changed = await company.api("admin").data(
        """mutation { companySettingsUpdate(input: {cadenceBDays: 10}) {
        settings { cadenceADays cadenceBDays } userErrors { code } } }"""
    )
    assert changed["companySettingsUpdate"]["settings"] == {"cadenceADays": 1, "cadenceBDays": 10}
    api = company.api("r1")
    customer = await create_customer(api)
    payload = await logged(api, customer["id"], grade="B")
    assert payload["nextFollowUp"]["dueOn"] == (company_today() + timedelta(days=10)).isoformat()
    refused = await company.api("m1").data(
        "mutation { companySettingsUpdate(input: {cadenceBDays: 3}) { userErrors { code } } }"
    )
    assert refused["companySettingsUpdate"]["userErrors"] == [{"code": "NOT_ALLOWED"}]


async def test_same_idempotency_key_records_once(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    first = await logged(api, customer["id"], idempotencyKey="call-42", needs="报价")
    again = await logged(api, customer["id"], idempotencyKey="call-42", needs="报价")
    assert again["replayed"] is True and first["replayed"] is False
    assert again["interaction"]["id"] == first["interaction"]["id"]
    assert again["nextFollowUp"]["id"] == first["nextFollowUp"]["id"]
    assert await Interaction.filter(customer_id=pk(customer["id"])).count() == 1
    other = await create_customer(api, name="另一家")
    clash = await log_contact(api, other["id"], idempotencyKey="call-42")
    assert clash["userErrors"] == [
        {
            "field": ["input", "idempotencyKey"],
            "code": "DUPLICATE",
            "message": "This idempotency key was used for another customer.",
        }
    ]


async def test_concurrent_logs_leave_one_open_cadence_follow_up(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    results = await asyncio.gather(
        *[logged(api, customer["id"], grade=g) for g in ("A", "B", "C", "D")]
    )
    assert all(r["nextFollowUp"] for r in results)
    cid = pk(customer["id"])
    assert await Interaction.filter(customer_id=cid).count() == 4
    assert await FollowUp.filter(customer_id=cid, status="open", origin="cadence").count() == 1
    assert await FollowUp.filter(customer_id=cid, status="done").count() == 3


async def test_concurrent_retries_with_one_key_record_once(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    results = await asyncio.gather(
        *[logged(api, customer["id"], idempotencyKey="retry") for _ in range(4)]
    )
    assert len({r["interaction"]["id"] for r in results}) == 1
    assert await Interaction.filter(customer_id=pk(customer["id"])).count() == 1


async def test_people_present_are_recorded(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    made = await api.data(
        """mutation($c: ID!) { contactCreate(input: {customerId: $c, name: "王总"}) {
        contact { id } } }""",
        {"c": customer["id"]},
    )
    contact_id = made["contactCreate"]["contact"]["id"]
    payload = await logged(
        api,
        customer["id"],
        kind="VISIT",
        contactIds=[contact_id],
        ourPeopleIds=[company.gid("r1"), company.gid("m1")],
        satisfaction=4,
    )
    interaction = payload["interaction"]
    assert interaction["satisfaction"] == 4
    assert [p["username"] for p in interaction["ourPeople"]] == ["r1", "m1"]
    assert interaction["contactsPresent"] == [{"name": "王总", "contact": {"name": "王总"}}]


BAD_INPUTS = [
    ({"satisfaction": 6}, ["input", "satisfaction"], "OUT_OF_RANGE"),
    ({"satisfaction": 0}, ["input", "satisfaction"], "OUT_OF_RANGE"),
    ({"nextDueOn": "2020-01-01"}, ["input", "nextDueOn"], "OUT_OF_RANGE"),
    ({"occurredAt": "2999-01-01T09:00:00+08:00"}, ["input", "occurredAt"], "OUT_OF_RANGE"),
    ({"summary": "x" * 201}, ["input", "summary"], "TOO_LONG"),
]


@pytest.mark.parametrize(("extra", "field", "code"), BAD_INPUTS)
async def test_bad_input_is_a_user_error_and_writes_nothing(
    company: Company, extra: dict[str, object], field: list[str], code: str
) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    payload = await log_contact(api, customer["id"], **extra)
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert payload["interaction"] is None
    assert await Interaction.all().count() == 0
    assert await FollowUp.all().count() == 0


async def test_unknown_contact_and_foreign_contact_are_rejected(company: Company) -> None:
    api = company.api("r1")
    mine = await create_customer(api)
    theirs = await create_customer(company.api("r3"), name="别人的客户")
    foreign = await company.api("r3").data(
        """mutation($c: ID!) { contactCreate(input: {customerId: $c, name: "李工"}) {
        contact { id } } }""",
        {"c": theirs["id"]},
    )
    payload = await log_contact(
        api, mine["id"], contactIds=[foreign["contactCreate"]["contact"]["id"]]
    )
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "contactIds"], "NOT_FOUND")
    ]
    assert await Interaction.all().count() == 0


async def test_only_those_who_may_edit_the_customer_can_log(company: Company) -> None:
    customer = await create_customer(company.api("r1"))
    peer = await log_contact(company.api("r2"), customer["id"])
    assert [e["code"] for e in peer["userErrors"]] == ["NOT_FOUND"]
    assert peer["userErrors"][0]["field"] == ["input", "customerId"]
    manager = await log_contact(company.api("m1"), customer["id"])
    assert manager["userErrors"] == []
    # The manager logged it, but the next follow-up stays in the owner's queue.
    assert manager["nextFollowUp"]["assignee"]["username"] == "r1"


TIMELINE = """query($id: ID!, $n: Int, $after: String) { customer(id: $id) {
  interactions(first: $n, after: $after) { totalCount pageInfo { hasNextPage endCursor }
  nodes { summary occurredAt author { username } } } } }"""


async def test_timeline_is_newest_first_and_paged(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    for day in (5, 1, 3):
        await logged(
            api,
            customer["id"],
            summary=f"{day} days ago",
            occurredAt=f"{(company_today() - timedelta(days=day)).isoformat()}T10:00:00+08:00",
        )
    first = await api.data(TIMELINE, {"id": customer["id"], "n": 2})
    conn = first["customer"]["interactions"]
    assert conn["totalCount"] == 3
    assert [n["summary"] for n in conn["nodes"]] == ["1 days ago", "3 days ago"]
    rest = await api.data(
        TIMELINE, {"id": customer["id"], "n": 2, "after": conn["pageInfo"]["endCursor"]}
    )
    assert [n["summary"] for n in rest["customer"]["interactions"]["nodes"]] == ["5 days ago"]
    # A contact logged late does not replace a newer "last contact" on the customer.
    refreshed = await api.data(
        "query($id: ID!) { customer(id: $id) { lastContact { summary } } }",
        {"id": customer["id"]},
    )
    assert refreshed["customer"]["lastContact"]["summary"] == "1 days ago"
