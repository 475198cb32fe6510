"""The complaint's eight steps (seed 001 §10.2) on the workflow area's mechanics: every
transition of the table, who may take it, the four-eyes rule, two people at once, time
limits on the company's calendar, step events, audit entries, and the call after closing."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from server.domain.accounts.models import Department
from server.domain.accounts.viewer import Viewer
from server.domain.audit.models import AuditEntry
from server.domain.company.models import CompanySettings
from server.domain.complaints import services as complaints
from server.domain.complaints.models import Complaint, ComplaintStep
from server.domain.complaints.steps import COMPLAINTS
from server.domain.customers.models import Customer
from server.domain.followups.models import FollowUp, FollowUpOrigin
from server.domain.shared import clock
from server.domain.shared.errors import DomainError, ErrorCode
from server.domain.workflow.calendar import add_working_days
from server.domain.workflow.models import StepEvent
from tests.conftest import Company

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS = frozenset({1, 2, 3, 4, 5})


def _as(company: Company, name: str) -> Viewer:
    return Viewer(user=company.users[name])


async def _codes(call: Any) -> list[tuple[str | None, ErrorCode]]:
    with pytest.raises(DomainError) as refused:
        await call
    return [(p.field, p.code) for p in refused.value.problems]


@pytest.fixture
async def world(company: Company) -> dict[str, Any]:
    service = await Department.create(name="客服部")
    svc = company.users["svc"]
    svc.department = service
    await svc.save()
    customer = await Customer.create(
        owner=company.users["r1"], name="杭州机械厂", search_text="杭州机械厂"
    )
    return {"company": company, "customer": customer, "service": service}


async def _record(world: dict[str, Any], who: str = "r1") -> Complaint:
    return await complaints.record_complaint(
        _as(world["company"], who),
        world["customer"].id,
        {"channel": "phone", "kind": "transit_damage", "subject": "货物运输途中破损"},
    )


async def _walk_to(world: dict[str, Any], step: ComplaintStep) -> Complaint:
    """A complaint recorded by the owner and moved by the right people to `step`."""
    c = world["company"]
    complaint = await _record(world)
    moves: list[tuple[ComplaintStep, Any]] = [
        (ComplaintStep.ASSIGN, lambda k: complaints.validate(_as(c, "svc"), k.id, k.version)),
        (
            ComplaintStep.ANALYSE,
            lambda k: complaints.assign(
                _as(c, "svc"), k.id, k.version, world["service"].id, c.users["svc"].id
            ),
        ),
        (
            ComplaintStep.PROPOSE,
            lambda k: complaints.analyse(
                _as(c, "svc"), k.id, k.version, "承运商装卸不当", "third_party"
            ),
        ),
        (
            ComplaintStep.APPROVE,
            lambda k: complaints.propose(
                _as(c, "svc"), k.id, k.version, "exchange", "补发一批", "1200.50"
            ),
        ),
        (ComplaintStep.IMPLEMENT, lambda k: complaints.approve(_as(c, "m1"), k.id, k.version)),
        (
            ComplaintStep.EVALUATE,
            lambda k: complaints.implement(
                _as(c, "svc"), k.id, k.version, "已补发", clock.now(), "满意"
            ),
        ),
        (
            ComplaintStep.CLOSED,
            lambda k: complaints.evaluate(_as(c, "r1"), k.id, k.version, "加固包装", 4),
        ),
    ]
    for reached, move in moves:
        if complaint.step == step:
            break
        complaint = await move(complaint)
        assert complaint.step == reached
    assert complaint.step == step
    return complaint


async def test_a_complaint_walks_the_eight_steps_with_events_audit_and_a_call_back(
    world: dict[str, Any],
) -> None:
    closed = await _walk_to(world, ComplaintStep.CLOSED)
    events = await StepEvent.filter(process="complaint", record_id=closed.id).order_by("id")
    assert [(e.action, e.from_step, e.to_step) for e in events] == [
        ("record", None, "validate"),
        ("validate", "validate", "assign"),
        ("assign", "assign", "analyse"),
        ("analyse", "analyse", "propose"),
        ("propose", "propose", "approve"),
        ("approve", "approve", "implement"),
        ("implement", "implement", "evaluate"),
        ("evaluate", "evaluate", "closed"),
    ]
    users = world["company"].users
    assert [e.actor_id for e in events] == [
        users[n].id for n in ("r1", "svc", "svc", "svc", "svc", "m1", "svc", "r1")
    ]
    assert events[0].spent_seconds is None
    assert all(e.spent_seconds is not None and e.spent_seconds >= 0 for e in events[1:])
    audited = await AuditEntry.filter(object_type="Complaint", object_id=closed.id).order_by("id")
    assert [a.action for a in audited] == [f"complaint.{e.action}" for e in events]
    assert closed.remedy_amount_minor == 120050
    assert closed.proposed_by_id == users["svc"].id and closed.approved_by_id == users["m1"].id
    assert closed.satisfaction == 4 and closed.closed_at is not None
    assert closed.step_due_at is None  # a closed complaint is due nowhere
    [call] = await FollowUp.filter(origin=FollowUpOrigin.COMPLAINT)
    assert call.assignee_id == users["r1"].id and call.customer_id == world["customer"].id
    assert call.kind == "phone"
    settings = await CompanySettings.get(id=1)
    implemented = closed.implemented_at.astimezone(SHANGHAI).date()
    assert call.due_on == implemented + timedelta(days=settings.complaint_followup_days)


STEP_ACTIONS = {
    "validate": lambda v, k: complaints.validate(v, k.id, k.version),
    "reject": lambda v, k: complaints.reject(v, k.id, k.version, "不成立", "感谢反馈"),
    "assign": lambda v, k: complaints.assign(v, k.id, k.version, None, v.user.id),
    "analyse": lambda v, k: complaints.analyse(v, k.id, k.version, "原因", "our_product"),
    "propose": lambda v, k: complaints.propose(v, k.id, k.version, "repair", "维修"),
    "approve": lambda v, k: complaints.approve(v, k.id, k.version),
    "send_back": lambda v, k: complaints.send_back(v, k.id, k.version, "再议"),
    "implement": lambda v, k: complaints.implement(v, k.id, k.version, "已维修", clock.now()),
    "evaluate": lambda v, k: complaints.evaluate(v, k.id, k.version, "教训", 5),
    "reopen": lambda v, k: complaints.reopen(v, k.id, k.version, "客户再次来电"),
}
ALLOWED_FROM = {
    ComplaintStep.VALIDATE: {"validate", "reject"},
    ComplaintStep.ASSIGN: {"assign"},
    ComplaintStep.ANALYSE: {"analyse"},
    ComplaintStep.PROPOSE: {"propose"},
    ComplaintStep.APPROVE: {"approve", "send_back"},
    ComplaintStep.IMPLEMENT: {"implement"},
    ComplaintStep.EVALUATE: {"evaluate"},
    ComplaintStep.CLOSED: {"reopen"},
}


@pytest.mark.parametrize("step", list(ALLOWED_FROM))
async def test_every_move_that_skips_or_repeats_a_step_is_refused(
    world: dict[str, Any], step: ComplaintStep
) -> None:
    complaint = await _walk_to(world, step)
    admin = _as(world["company"], "admin")  # may do anything the table allows
    assert set(COMPLAINTS.open_actions(step)) == ALLOWED_FROM[step]
    for action, move in STEP_ACTIONS.items():
        if action in ALLOWED_FROM[step]:
            continue
        assert await _codes(move(admin, complaint)) == [(None, ErrorCode.INVALID_STATE)], action
    assert (await Complaint.get(id=complaint.id)).version == complaint.version


async def test_rejection_needs_reason_and_reply_and_reopening_returns_it(
    world: dict[str, Any],
) -> None:
    c = world["company"]
    complaint = await _record(world)
    assert await _codes(complaints.reject(_as(c, "svc"), complaint.id, 1, "", " ")) == [
        ("rejection_reason", ErrorCode.REQUIRED),
        ("reply", ErrorCode.REQUIRED),
    ]
    rejected = await complaints.reject(_as(c, "svc"), complaint.id, 1, "非质量问题", "已致歉说明")
    assert rejected.step == ComplaintStep.REJECTED and rejected.step_due_at is None
    assert await _codes(complaints.reopen(_as(c, "r1"), complaint.id, 2, "")) == [
        ("reopen_reason", ErrorCode.REQUIRED)
    ]
    reopened = await complaints.reopen(_as(c, "r1"), complaint.id, 2, "客户补充了照片")
    assert reopened.step == ComplaintStep.ASSIGN
    closed = await _walk_to(world, ComplaintStep.CLOSED)
    again = await complaints.reopen(_as(c, "m1"), closed.id, closed.version, "问题复发")
    assert again.step == ComplaintStep.ANALYSE and again.closed_at is None


async def test_who_may_take_each_step(world: dict[str, Any]) -> None:
    c = world["company"]
    complaint = await _record(world)
    # A rep of another line does not even see it; nor does the other team's manager.
    for outsider in ("r2", "r3", "m2"):
        assert await _codes(complaints.validate(_as(c, outsider), complaint.id, 1)) == [
            ("id", ErrorCode.NOT_FOUND)
        ], outsider
    # Service staff triage any complaint; the owner and their manager may too.
    assigned = await complaints.validate(_as(c, "svc"), complaint.id, 1)
    assigned = await complaints.assign(
        _as(c, "r1"), complaint.id, assigned.version, world["service"].id, c.users["r2"].id
    )
    # Now r2, the assignee, sees it and works it.
    proposed = await complaints.analyse(
        _as(c, "r2"), complaint.id, assigned.version, "包装不足", "our_logistics"
    )
    proposed = await complaints.propose(
        _as(c, "m1"), complaint.id, proposed.version, "compensation", "赔偿运费", "300"
    )
    # The owner cannot approve a remedy; the proposer (m1) cannot approve their own.
    assert await _codes(complaints.approve(_as(c, "r1"), complaint.id, proposed.version)) == [
        (None, ErrorCode.NOT_ALLOWED)
    ]
    assert await _codes(complaints.approve(_as(c, "m1"), complaint.id, proposed.version)) == [
        (None, ErrorCode.NOT_ALLOWED)
    ]
    # A supervisor who did not propose sends it back, saying why; then approves the next.
    assert await _codes(complaints.send_back(_as(c, "admin"), complaint.id, 5, "")) == [
        ("note", ErrorCode.REQUIRED)
    ]
    back = await complaints.send_back(_as(c, "admin"), complaint.id, proposed.version, "金额偏高")
    assert back.step == ComplaintStep.PROPOSE
    again = await complaints.propose(_as(c, "r2"), complaint.id, back.version, "discount", "九折")
    approved = await complaints.approve(_as(c, "m1"), complaint.id, again.version)
    assert approved.step == ComplaintStep.IMPLEMENT and approved.approved_by_id == c.users["m1"].id
    events = await StepEvent.filter(process="complaint", record_id=complaint.id, action="send_back")
    assert [e.note for e in events] == ["金额偏高"]


async def test_each_step_says_what_must_be_filled_in(world: dict[str, Any]) -> None:
    c = world["company"]
    svc = _as(c, "svc")
    complaint = await _walk_to(world, ComplaintStep.ASSIGN)
    assert await _codes(complaints.assign(svc, complaint.id, complaint.version, None, None)) == [
        ("department_id", ErrorCode.REQUIRED),
        ("assignee_id", ErrorCode.REQUIRED),
    ]
    complaint = await _walk_to(world, ComplaintStep.ANALYSE)
    assert await _codes(complaints.analyse(svc, complaint.id, complaint.version, "", None)) == [
        ("root_cause", ErrorCode.REQUIRED),
        ("responsible_party", ErrorCode.REQUIRED),
    ]
    complaint = await _walk_to(world, ComplaintStep.EVALUATE)
    r1 = _as(c, "r1")
    assert await _codes(complaints.evaluate(r1, complaint.id, complaint.version, "x", 6)) == [
        ("satisfaction", ErrorCode.OUT_OF_RANGE)
    ]
    assert await _codes(
        complaints.evaluate(r1, complaint.id, complaint.version, "x", 3, "改进包装")
    ) == [("corrective_owner_id", ErrorCode.REQUIRED)]


async def test_two_people_moving_one_complaint_at_once_one_wins(world: dict[str, Any]) -> None:
    c = world["company"]
    complaint = await _record(world)
    outcomes = await asyncio.gather(
        complaints.validate(_as(c, "svc"), complaint.id, 1),
        complaints.reject(_as(c, "r1"), complaint.id, 1, "不成立", "致歉"),
        return_exceptions=True,
    )
    won = [o for o in outcomes if isinstance(o, Complaint)]
    lost = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0].problems[0].code == ErrorCode.STALE_VERSION
    final = await Complaint.get(id=complaint.id)
    assert final.step == won[0].step and final.version == 2
    assert await StepEvent.filter(record_id=complaint.id, process="complaint").count() == 2


async def test_a_stale_version_is_refused_and_writes_nothing(world: dict[str, Any]) -> None:
    c = world["company"]
    complaint = await _record(world)
    await complaints.validate(_as(c, "svc"), complaint.id, 1)
    events = await StepEvent.all().count()
    stale = complaints.assign(
        _as(c, "svc"), complaint.id, 1, world["service"].id, c.users["svc"].id
    )
    assert await _codes(stale) == [("version", ErrorCode.STALE_VERSION)]
    assert await StepEvent.all().count() == events


def test_working_days_on_the_company_calendar() -> None:
    def at(day: int, hour: int) -> datetime:
        return datetime(2026, 12, day, hour, tzinfo=SHANGHAI).astimezone(UTC)

    # Friday 4 December 16:00 with one working day: Monday 16:00.
    assert add_working_days(at(4, 16), 1, SHANGHAI, WEEKDAYS) == at(7, 16)
    # Saturday: the clock starts Monday 00:00, so one working day ends Tuesday 00:00.
    assert add_working_days(at(5, 10), 1, SHANGHAI, WEEKDAYS) == at(8, 0)
    # Thursday 23:30 Shanghai is still Thursday there (15:30 UTC): Friday 23:30.
    thursday_late = datetime(2026, 12, 3, 23, 30, tzinfo=SHANGHAI)
    assert add_working_days(thursday_late, 1, SHANGHAI, WEEKDAYS) == thursday_late + timedelta(
        days=1
    )
    # Five working days from Monday 9:00: the next Monday 9:00.
    assert add_working_days(at(7, 9), 5, SHANGHAI, WEEKDAYS) == at(14, 9)
    # A six-day week counts Saturday.
    assert add_working_days(at(4, 16), 1, SHANGHAI, WEEKDAYS | {6}) == at(5, 16)


async def test_each_step_is_due_by_its_limit_at_the_boundary(world: dict[str, Any]) -> None:
    friday = datetime(2026, 12, 4, 16, 0, tzinfo=SHANGHAI).astimezone(UTC)
    with clock.standing_at(friday):
        complaint = await _record(world)
    assert complaint.step_due_at == datetime(2026, 12, 7, 16, 0, tzinfo=SHANGHAI)
    # Validated on Monday at 15:59, within the limit; assignment (1 working day) is due
    # Tuesday 15:59.
    monday = datetime(2026, 12, 7, 15, 59, tzinfo=SHANGHAI).astimezone(UTC)
    with clock.standing_at(monday):
        moved = await complaints.validate(_as(world["company"], "svc"), complaint.id, 1)
    assert moved.step_due_at == datetime(2026, 12, 8, 15, 59, tzinfo=SHANGHAI)
    [event] = await StepEvent.filter(record_id=complaint.id, action="validate")
    assert event.spent_seconds == 3 * 24 * 3600 - 60


async def test_recording_checks_what_belongs_to_the_customer(world: dict[str, Any]) -> None:
    c = world["company"]
    other = await Customer.create(owner=c.users["r1"], name="别家", search_text="别家")
    from server.domain.customers.models import Contact

    theirs = await Contact.create(customer=other, name="王")
    r1 = _as(c, "r1")
    base = {"channel": "email", "kind": "malfunction", "subject": "设备故障"}
    assert await _codes(
        complaints.record_complaint(r1, world["customer"].id, {**base, "contact_id": theirs.id})
    ) == [("contact_id", ErrorCode.NOT_FOUND)]
    assert await _codes(complaints.record_complaint(_as(c, "r2"), world["customer"].id, base)) == [
        ("customer_id", ErrorCode.NOT_FOUND)
    ]
    later = datetime.now(UTC) + timedelta(days=1)
    assert await _codes(
        complaints.record_complaint(r1, world["customer"].id, {**base, "received_at": later})
    ) == [("received_at", ErrorCode.OUT_OF_RANGE)]
    assert await _codes(
        complaints.record_complaint(r1, world["customer"].id, {**base, "amount": "-1"})
    ) == [("amount", ErrorCode.OUT_OF_RANGE)]
    recorded = await complaints.record_complaint(
        r1, world["customer"].id, {**base, "amount": "99.90", "severity": "high"}
    )
    assert recorded.category == "product_quality" and recorded.amount_minor == 9990
    assert recorded.received_at <= datetime.now(UTC)
    assert date.today() - recorded.received_at.date() <= timedelta(days=1)


async def test_step_events_are_append_only(world: dict[str, Any]) -> None:
    complaint = await _record(world)
    [event] = await StepEvent.filter(record_id=complaint.id)
    event.note = "改写历史"
    with pytest.raises(RuntimeError, match="append-only"):
        await event.save()
    with pytest.raises(RuntimeError, match="append-only"):
        await event.delete()
    assert (await StepEvent.get(id=event.id)).note == ""
