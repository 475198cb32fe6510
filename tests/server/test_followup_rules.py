"""The follow-up rules on the data of a real team: contacts entered late, transfers, the
company's day, monitoring's clock, the first class-service round and the ABC references
(docs/domain.md §3–§4, with its numbers: B every 7 days, leadership visits every 6 months, class
B visits every 12, thresholds 70% and 95%)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from strawberry.relay import GlobalID

from server.domain.company.services import company_settings
from server.domain.customers.models import Customer
from server.domain.customers.pinyin import search_text
from server.domain.followups.class_service import ensure_class_service
from server.domain.followups.models import FollowUp, Interaction
from server.domain.followups.schedule import add_months
from server.domain.shared import clock
from tests.conftest import Company, create_customer
from tests.server.followup_helpers import company_today, log_contact, logged, pk

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _gid(type_name: str, id_: int) -> str:
    return str(GlobalID(type_name, str(id_)))


def _days_ago(days: int, hour: int = 10) -> str:
    """A moment `days` company days ago, as the API takes it (with the company's offset)."""
    day = company_today() - timedelta(days=days)
    return datetime.combine(day, time(hour), SHANGHAI).isoformat()


async def _customer(company: Company, owner: str, name: str, **columns: Any) -> Customer:
    return await Customer.create(
        owner=company.users[owner], name=name, search_text=search_text(name), **columns
    )


async def _item(customer: Customer, origin: str, due: date, **columns: Any) -> FollowUp:
    return await FollowUp.create(
        customer=customer,
        assignee_id=columns.pop("assignee_id", customer.owner_id),
        due_on=due,
        kind=columns.pop("kind", "visit"),
        origin=origin,
        open_slot=f"{customer.id}:{origin}" if origin != "manual" else None,
        **columns,
    )


async def _backdate_creation(item: FollowUp, days: int) -> None:
    await FollowUp.filter(id=item.id).update(
        created_at=datetime.now(UTC) - timedelta(days=days, hours=1)
    )


# --- 1. A contact entered late is history -------------------------------------------------


async def test_an_older_contact_is_history_and_leaves_grade_and_schedule(
    company: Company,
) -> None:
    api = company.api("r1")
    customer = await create_customer(api, grade="C")
    latest = await logged(api, customer["id"], grade="B", kind="VISIT")
    planned = latest["nextFollowUp"]
    assert planned["dueOn"] == (company_today() + timedelta(days=7)).isoformat()
    # A phone call three days ago, typed in now, with another grade and its own next step.
    late = await logged(
        api,
        customer["id"],
        grade="A",
        kind="PHONE",
        occurredAt=_days_ago(3),
        satisfaction=2,
        nextDueOn=(company_today() + timedelta(days=1)).isoformat(),
    )
    assert late["replayed"] is False
    assert late["customer"]["grade"] == "B"
    assert late["customer"]["lastContact"]["kind"] == "VISIT"
    assert late["nextFollowUp"] is None
    assert late["completedFollowUps"] == []
    assert (late["interaction"]["gradeBefore"], late["interaction"]["gradeAfter"]) == ("C", "A")
    flags = await api.data(
        """mutation($c: ID!, $at: DateTime!) { interactionLog(input: {customerId: $c,
        kind: EMAIL, grade: B, occurredAt: $at}) { isLatest nextFollowUp { id } } }""",
        {"c": customer["id"], "at": _days_ago(2)},
    )
    assert flags["interactionLog"] == {"isLatest": False, "nextFollowUp": None}
    # The schedule the latest contact made is untouched: the same item, the same day.
    [still] = await FollowUp.filter(customer_id=pk(customer["id"]), status="open")
    assert str(still.due_on) == planned["dueOn"]
    assert _gid("FollowUp", still.id) == planned["id"]
    # History is kept: the timeline has it in its place, with its satisfaction.
    timeline = await api.data(
        """query($id: ID!) { node(id: $id) { ... on Customer { interactions(first: 5) {
        nodes { kind satisfaction } } } } }""",
        {"id": customer["id"]},
    )
    kinds = [n["kind"] for n in timeline["node"]["interactions"]["nodes"]]
    assert kinds == ["VISIT", "EMAIL", "PHONE"]
    assert timeline["node"]["interactions"]["nodes"][2]["satisfaction"] == 2


async def test_an_older_contact_closes_only_what_was_open_when_it_happened(
    company: Company,
) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    await logged(api, customer["id"], grade="B")
    row = await Customer.get(id=pk(customer["id"]))
    planned_before = await _item(row, "manual", company_today(), kind="phone")
    await _backdate_creation(planned_before, 5)
    planned_after = await _item(row, "manual", company_today() + timedelta(days=2))
    # Planned after the contact happened: the contact cannot be its answer.
    refused = await log_contact(
        api,
        customer["id"],
        occurredAt=_days_ago(3),
        followUpId=_gid("FollowUp", planned_after.id),
    )
    assert refused["userErrors"] == [
        {
            "field": ["input", "followUpId"],
            "code": "INVALID",
            "message": "This follow-up was planned after the contact happened; it cannot "
            "answer it.",
        }
    ]
    # Planned five days ago and still open three days ago: this contact answers it, late
    # by nothing (due today, done three days early).
    answered = await logged(
        api,
        customer["id"],
        occurredAt=_days_ago(3),
        followUpId=_gid("FollowUp", planned_before.id),
    )
    assert [f["id"] for f in answered["completedFollowUps"]] == [
        _gid("FollowUp", planned_before.id)
    ]
    assert answered["completedFollowUps"][0]["completedLate"] is False
    assert (await FollowUp.get(id=planned_after.id)).status == "open"
    assert await FollowUp.filter(customer_id=row.id, status="open", origin="cadence").count() == 1


async def test_a_class_service_visit_is_satisfied_only_inside_its_period(
    company: Company,
) -> None:
    api = company.api("r1")
    today = company_today()
    customer = await _customer(company, "r1", "乙类客户", abc_class="B", class_rank=2)
    cid = _gid("Customer", customer.id)
    # This year's visit is due in ten days: its period began twelve months before that.
    item = await _item(customer, "class_visit", today + timedelta(days=10))
    await _backdate_creation(item, 500)
    period_start = add_months(today + timedelta(days=10), -12)
    before_period = (today - period_start).days + 1
    outside = await logged(api, cid, kind="VISIT", occurredAt=_days_ago(before_period))
    assert outside["completedFollowUps"] == []
    assert (await FollowUp.get(id=item.id)).status == "open"
    # On the period's first day it counts; the next visit is a year after that contact,
    # and never before today.
    inside = await logged(api, cid, kind="VISIT", occurredAt=_days_ago(before_period - 1))
    assert [f["origin"] for f in inside["completedFollowUps"]] == ["CLASS_VISIT"]
    [following] = inside["scheduledFollowUps"]
    assert following["dueOn"] == max(today, add_months(period_start, 12)).isoformat()


async def test_a_contact_created_later_leaves_this_periods_class_visit(
    company: Company,
) -> None:
    # The class visit for this period was planned yesterday; a visit from last week,
    # typed in today, happened before it was planned and does not close it.
    api = company.api("r1")
    customer = await _customer(company, "r1", "乙类二", abc_class="B", class_rank=2)
    item = await _item(customer, "class_visit", company_today() + timedelta(days=30))
    await _backdate_creation(item, 1)
    late = await logged(api, _gid("Customer", customer.id), kind="VISIT", occurredAt=_days_ago(7))
    assert [f["origin"] for f in late["completedFollowUps"]] == []
    assert (await FollowUp.get(id=item.id)).status == "open"


async def test_no_follow_up_is_scheduled_before_today(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    # The first contact anyone logs for this customer happened 30 days ago: it is the
    # latest, so it sets the grade; B's 7 days from it lie in the past, so it is due today.
    first = await logged(api, customer["id"], grade="B", occurredAt=_days_ago(30))
    assert first["customer"]["grade"] == "B"
    assert first["nextFollowUp"]["dueOn"] == company_today().isoformat()
    # A contact 5 days ago is newer still: due in 2 days (5 days ago + 7). The item planned
    # just now did not exist five days ago, so it is not "answered": it is moved.
    newer = await logged(api, customer["id"], grade="B", occurredAt=_days_ago(5))
    assert newer["nextFollowUp"]["dueOn"] == (company_today() + timedelta(days=2)).isoformat()
    assert newer["nextFollowUp"]["id"] == first["nextFollowUp"]["id"]
    assert newer["completedFollowUps"] == []


async def test_a_latest_contact_moves_a_cadence_item_planned_after_it(company: Company) -> None:
    # A skipped cadence item came round again yesterday; a visit from three days ago is
    # still the latest contact, so the schedule follows it, with one open cadence item.
    api = company.api("r1")
    customer = await _customer(company, "r1", "跳过的客户", grade="B")
    item = await _item(customer, "cadence", company_today() + timedelta(days=6), kind="phone")
    await FollowUp.filter(id=item.id).update(created_at=datetime.now(UTC) - timedelta(days=1))
    payload = await logged(api, _gid("Customer", customer.id), grade="B", occurredAt=_days_ago(3))
    assert payload["completedFollowUps"] == []
    assert payload["nextFollowUp"]["id"] == _gid("FollowUp", item.id)
    assert payload["nextFollowUp"]["dueOn"] == (company_today() + timedelta(days=4)).isoformat()
    assert await FollowUp.filter(customer_id=customer.id, status="open").count() == 1


# --- 2. Transfers move every item someone can no longer see ---------------------------------


async def _class_a_customer(company: Company) -> tuple[Customer, FollowUp, FollowUp]:
    customer = await _customer(company, "r1", "甲类客户", abc_class="A", class_rank=1)
    leadership = await _item(
        customer,
        "leadership_visit",
        company_today() + timedelta(days=90),
        kind="leadership_visit",
        assignee_id=company.users["m1"].id,
    )
    cadence = await _item(customer, "cadence", company_today() + timedelta(days=3))
    return customer, leadership, cadence


TRANSFER = """mutation($id: ID!, $to: ID!) { customerTransfer(input: {id: $id, newOwnerId: $to})
  { userErrors { code } } }"""


async def test_a_transfer_to_another_team_moves_the_managers_work_too(company: Company) -> None:
    customer, leadership, cadence = await _class_a_customer(company)
    body = await company.api("admin").data(
        TRANSFER, {"id": _gid("Customer", customer.id), "to": company.gid("r3")}
    )
    assert body["customerTransfer"]["userErrors"] == []
    moved = {f.id: f for f in await FollowUp.filter(customer_id=customer.id, status="open")}
    assert set(moved) == {leadership.id, cadence.id}  # the class-service slot is kept
    assert moved[cadence.id].assignee_id == company.users["r3"].id
    assert moved[leadership.id].assignee_id == company.users["m2"].id
    assert moved[leadership.id].open_slot == f"{customer.id}:leadership_visit"
    # Each can act on it: the new manager sees the customer in the queue.
    queue = await company.api("m2").data("{ followUpQueue { upcoming(first: 5) { totalCount } } }")
    assert queue["followUpQueue"]["upcoming"]["totalCount"] == 0  # 90 days out
    assert (await company.api("m1").data("{ customers { totalCount } }"))["customers"][
        "totalCount"
    ] == 0


async def test_a_transfer_within_the_team_leaves_the_managers_work(company: Company) -> None:
    customer, leadership, cadence = await _class_a_customer(company)
    body = await company.api("m1").data(
        TRANSFER, {"id": _gid("Customer", customer.id), "to": company.gid("r2")}
    )
    assert body["customerTransfer"]["userErrors"] == []
    assert (await FollowUp.get(id=cadence.id)).assignee_id == company.users["r2"].id
    assert (await FollowUp.get(id=leadership.id)).assignee_id == company.users["m1"].id


async def test_moving_all_of_a_reps_customers_moves_all_their_work(company: Company) -> None:
    _, leadership, cadence = await _class_a_customer(company)
    body = await company.api("admin").data(
        """mutation($from: ID!, $to: ID!) { customerTransferAll(input: {fromUserId: $from,
        toUserId: $to}) { transferredCount userErrors { code } } }""",
        {"from": company.gid("r1"), "to": company.gid("r3")},
    )
    assert body["customerTransferAll"] == {"transferredCount": 1, "userErrors": []}
    assert (await FollowUp.get(id=cadence.id)).assignee_id == company.users["r3"].id
    assert (await FollowUp.get(id=leadership.id)).assignee_id == company.users["m2"].id


# --- 3. The company's day, at 00:30 in Shanghai (16:30 the day before in UTC) --------------


def _half_past_midnight() -> datetime:
    return datetime.combine(company_today(), time(0, 30), SHANGHAI)


async def test_dates_are_checked_against_the_companys_day(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    with clock.standing_at(_half_past_midnight()):
        today = company_today()
        assert datetime.now(UTC).date() >= today - timedelta(days=1)
        utc_day = clock.now().date()
        assert utc_day == today - timedelta(days=1)
        updated = await api.data(
            """mutation($id: ID!, $d: Date!) { customerUpdate(input: {id: $id, version: 1,
            relationshipSince: $d}) { customer { relationshipSince } userErrors { field code } }
            }""",
            {"id": customer["id"], "d": today.isoformat()},
        )
        assert updated["customerUpdate"] == {
            "customer": {"relationshipSince": today.isoformat()},
            "userErrors": [],
        }
        contact = await api.data(
            """mutation($c: ID!, $d: Date!) { contactCreate(input: {customerId: $c, name: "王",
            birthday: $d}) { contact { birthday } userErrors { field code } } }""",
            {"c": customer["id"], "d": today.isoformat()},
        )
        assert contact["contactCreate"]["userErrors"] == []
        tomorrow = await api.data(
            """mutation($c: ID!, $d: Date!) { contactCreate(input: {customerId: $c, name: "李",
            birthday: $d}) { userErrors { field code } } }""",
            {"c": customer["id"], "d": (today + timedelta(days=1)).isoformat()},
        )
        assert tomorrow["contactCreate"]["userErrors"] == [
            {"field": ["input", "birthday"], "code": "OUT_OF_RANGE"}
        ]
        queue = await api.data("{ followUpQueue { day } }")
        assert queue["followUpQueue"]["day"] == today.isoformat()
        # A contact logged now belongs to today: the monitoring report counts it today.
        await logged(api, customer["id"], grade="B")
        report = await company.api("m1").data(
            """query($d: Date!) { salesActivity(from: $d, to: $d) { user { username }
            interactions } }""",
            {"d": today.isoformat()},
        )
        counts = {r["user"]["username"]: r["interactions"] for r in report["salesActivity"]}
        assert counts["r1"] == 1
        interaction = await Interaction.get(customer_id=pk(customer["id"]))
        assert interaction.occurred_at == clock.now()


# --- 4. Monitoring counts both on the day of the contact ----------------------------------

ACTIVITY = """query($d: Date!) { salesActivity(from: $d, to: $d) { user { username }
  interactions followUpsDoneOnTime followUpsDoneLate followUpsSkipped } }"""


async def _activity(company: Company, day: date) -> dict[str, tuple[int, int, int, int]]:
    report = await company.api("m1").data(ACTIVITY, {"d": day.isoformat()})
    return {
        r["user"]["username"]: (
            r["interactions"],
            r["followUpsDoneOnTime"],
            r["followUpsDoneLate"],
            r["followUpsSkipped"],
        )
        for r in report["salesActivity"]
    }


async def test_monitoring_counts_closings_on_the_day_of_the_contact(company: Company) -> None:
    customer = await _customer(company, "r1", "监控客户")
    item = await _item(customer, "manual", company_today() - timedelta(days=2), kind="phone")
    await _backdate_creation(item, 10)
    # Yesterday's call, typed in today, answers an item due the day before: late, and
    # yesterday's work.
    await logged(
        company.api("r1"),
        _gid("Customer", customer.id),
        occurredAt=_days_ago(1),
        followUpId=_gid("FollowUp", item.id),
    )
    yesterday = await _activity(company, company_today() - timedelta(days=1))
    assert yesterday["r1"] == (1, 0, 1, 0)
    assert (await _activity(company, company_today()))["r1"] == (0, 0, 0, 0)


async def test_a_closing_by_someone_else_is_credited_to_the_assignee(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    await logged(api, customer["id"], grade="B")
    # The manager visits; r1's cadence item is done, on time, to r1's credit; the contact
    # is the manager's.
    await logged(company.api("m1"), customer["id"], grade="B", kind="VISIT")
    today = await _activity(company, company_today())
    assert today["r1"] == (1, 1, 0, 0)
    assert today["m1"] == (1, 0, 0, 0)


# --- 5. The first class-service round is spread over the period ---------------------------


async def test_first_time_class_service_is_spread_over_the_period(company: Company) -> None:
    settings = await company_settings()
    day = company_today()
    customers = [
        await _customer(company, "r1", f"甲{n:02d}", abc_class="A", class_rank=1) for n in range(12)
    ]
    served = await _customer(company, "r2", "服务过", abc_class="A", class_rank=1)
    await Interaction.create(
        customer=served,
        author=company.users["m1"],
        kind="leadership_visit",
        occurred_at=datetime.combine(add_months(day, -2), time(10), SHANGHAI),
        grade_before="C",
        grade_after="C",
    )
    changes = await ensure_class_service(settings, day)
    assert changes.scheduled == 13
    items = await FollowUp.filter(origin="leadership_visit").order_by("customer_id")
    due = {f.customer_id: f.due_on for f in items}
    # The customer served two months ago is due six months after that visit.
    assert due.pop(served.id) == add_months(day, 4)
    spread = [due[c.id] for c in customers]
    end = add_months(day, 6)
    assert spread[0] == day
    assert all(day <= d < end for d in spread)
    assert len(set(spread)) == 12  # 12 visits over ~182 days: never two on one day
    gaps = [(b - a).days for a, b in pairwise(spread)]
    assert min(gaps) >= (end - day).days // 12 - 1
    # A rerun changes nothing.
    assert (await ensure_class_service(settings, day)).scheduled == 0


# --- 6. The ABC analysis against both references ------------------------------------------


async def test_class_analysis_shows_ideal_and_common_splits(company: Company) -> None:
    from tests.server.test_sales import RECOMPUTE, _sales

    await _sales(company, {"甲": "7000.00", "乙": "2500.00", "丙": "500.00"})
    await company.api("m1").data(RECOMPUTE)
    data = await company.api("m1").data(
        """{ customerClassAnalysis { classes { abcClass customerPercent idealCustomerPercent
        commonCustomerPercent salesPercent idealSalesPercent commonSalesPercent } } }"""
    )
    rows = {c["abcClass"]: c for c in data["customerClassAnalysis"]["classes"]}
    assert [(rows[k]["idealCustomerPercent"], rows[k]["idealSalesPercent"]) for k in "ABC"] == [
        ("20", "70"),
        ("40", "25"),
        ("40", "5"),
    ]
    assert [(rows[k]["commonCustomerPercent"], rows[k]["commonSalesPercent"]) for k in "ABC"] == [
        ("10", "70"),
        ("20", "20"),
        ("70", "10"),
    ]
    assert [rows[k]["salesPercent"] for k in "ABC"] == ["70.00", "25.00", "5.00"]


# --- Security: a replay answers only what the caller may still see ------------------------


async def test_a_replay_after_a_transfer_returns_nothing_of_the_customer(
    company: Company,
) -> None:
    api = company.api("r1")
    customer = await create_customer(api, phone="0571-88881234")
    first = await logged(api, customer["id"], idempotencyKey="visit-1")
    assert first["customer"]["id"] == customer["id"]
    await company.api("m1").data(TRANSFER, {"id": customer["id"], "to": company.gid("r2")})
    body = await api.post(
        """mutation($c: ID!) { interactionLog(input: {customerId: $c, kind: PHONE, grade: B,
        idempotencyKey: "visit-1"}) { replayed customer { name phone } interaction { id }
        completedFollowUps { id } nextFollowUp { id } userErrors { field code } } }""",
        {"c": customer["id"]},
    )
    assert "errors" not in body
    assert body["data"]["interactionLog"] == {
        "replayed": False,
        "customer": None,
        "interaction": None,
        "completedFollowUps": [],
        "nextFollowUp": None,
        "userErrors": [{"field": ["input", "customerId"], "code": "NOT_FOUND"}],
    }
    assert "0571" not in str(body)
    # The new owner's line still gets the recorded answer... of their own keys only.
    assert await Interaction.filter(customer_id=pk(customer["id"])).count() == 1
