"""SQL statements of the complaint board and the complaint screen: fixed, whatever the
number of complaints on the board or of events in a complaint's timeline."""

from __future__ import annotations

from datetime import timedelta

from strawberry.relay import GlobalID

from server.domain.complaints.models import Complaint, ComplaintStep
from server.domain.customers.models import Contact, Customer
from server.domain.shared import clock
from server.domain.workflow.models import StepEvent
from tests.conftest import Company, SqlCounter, cold_caches

BOARD = """{ complaintBoard { openCount overdueCount columns { step count overdueCount
  complaints(first: 20) { nodes { id subject customerName overdue stepDueAt severity
    assignee { displayName } } } } } }"""

SCREEN = """query($id: ID!) { node(id: $id) { ... on Complaint { id version step subject
  description demand stepDueAt overdue customerName amount { amount }
  customer { name } contact { name phone } customerContacts { name phone }
  recordedBy { displayName } assignee { displayName } department { name }
  remedy { kind description } correctiveAction { description owner { displayName } }
  events { action fromStep toStep at note spentSeconds actor { displayName } }
  viewerActions } } }"""

_STEPS = [s for s in ComplaintStep if s not in (ComplaintStep.CLOSED, ComplaintStep.REJECTED)]


async def _seed(company: Company, n: int, events: int = 3) -> list[Complaint]:
    now = clock.now()
    made = []
    for i in range(n):
        customer = await Customer.create(
            owner=company.users["r1" if i % 2 else "r2"], name=f"厂{i}", search_text=f"厂{i}"
        )
        await Contact.create(customer=customer, name="王总")
        step = _STEPS[i % len(_STEPS)]
        complaint = await Complaint.create(
            customer=customer,
            channel="phone",
            received_at=now,
            category="service",
            kind="attitude",
            subject=f"投诉{i}",
            step=step,
            step_entered_at=now,
            step_due_at=now + timedelta(days=(i % 3) - 1),
            recorded_by=company.users["r1"],
            assignee=company.users["r2"],
        )
        for k in range(events):
            await StepEvent.create(
                process="complaint",
                record_id=complaint.id,
                action="record" if k == 0 else "validate",
                from_step=None if k == 0 else "validate",
                to_step="validate",
                actor=company.users["r1" if k % 2 else "r2"],
                at=now,
            )
        made.append(complaint)
    return made


async def _board(company: Company, counter: SqlCounter) -> int:
    cold_caches()
    counter.statements.clear()
    data = await company.api("m1").data(BOARD)
    assert data["complaintBoard"]["openCount"] > 0
    return len(counter.statements)


async def test_the_board_costs_the_same_for_7_complaints_as_for_70(
    company: Company, sql_counter: SqlCounter
) -> None:
    await _seed(company, 7)
    small = await _board(company, sql_counter)
    await _seed(company, 63)
    large = await _board(company, sql_counter)
    assert small == large
    # token → user, team and grants, the counts (one statement), a page per column (7)
    # with the customers' names and the assignees joined
    assert large == 10, "\n".join(s[:150] for s in sql_counter.statements)


async def _screen(company: Company, counter: SqlCounter, complaint: Complaint) -> int:
    cold_caches()
    counter.statements.clear()
    data = await company.api("m1").data(
        SCREEN, {"id": str(GlobalID("Complaint", str(complaint.id)))}
    )
    assert data["node"]["subject"] == complaint.subject
    return len(counter.statements)


async def test_the_complaint_screen_costs_the_same_for_3_events_as_for_30(
    company: Company, sql_counter: SqlCounter
) -> None:
    [few] = await _seed(company, 1, events=3)
    [many] = await _seed(company, 1, events=30)
    assert await _screen(company, sql_counter, few) == await _screen(company, sql_counter, many)
    # token → user, team and grants, the complaint with its customer's name and assignee,
    # its customer (visible), contacts, the recorder, the events, their actors; what the
    # viewer may do: the complaint afresh, and the owner once per action open at its step
    # (validate, reject)
    assert await _screen(company, sql_counter, many) == 11, "\n".join(
        s[:150] for s in sql_counter.statements
    )
