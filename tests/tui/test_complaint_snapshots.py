"""SVG snapshots of the complaint screens at 80×24, in Chinese and in English: the board,
the complaint with its stepper, the action picker, and every dialog (one per step action,
recording a complaint, attaching a file). The data and the clock are fixed (the app opens
as of DAY, 09:00 company time), so the time left reads the same on every run."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pytest_textual_snapshot import SVGImageExtension
from syrupy.assertion import SnapshotAssertion
from textual.pilot import Pilot
from textual.widgets import DataTable

from server.domain.accounts.models import Department
from server.domain.complaints.models import Complaint
from server.domain.shared import clock
from server.domain.workflow.models import StepEvent
from tests.conftest import Company
from tests.tui.helpers import settle, sign_in
from tests.tui.test_snapshots import DAY, Steps, _queue_data
from tests.tui.test_snapshots import picture as _picture
from tui import i18n
from tui.api import CrmClient
from tui.dialogs.complaint import FIELDS, StepDialog
from tui.screens.complaint import ComplaintScreen
from tui.screens.complaints import ComplaintBoardScreen

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(params=["zh_CN", "en"], autouse=True)
def language(request: pytest.FixtureRequest) -> str:
    i18n.set_language(request.param)
    return str(request.param)


@pytest.fixture
def svg(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(SVGImageExtension)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of February or March 2026 on the company's clock (day ≤ 0: February)."""
    base = datetime(2026, 3, 1, tzinfo=SHANGHAI) + timedelta(days=day - 1)
    return base.replace(hour=hour, minute=minute)


async def picture(api: CrmClient, tmp_path: Path, steps: Steps) -> str:
    """The picture, with the server's clock at DAY 09:00 too: what it counts overdue is
    what the client shows overdue."""
    with clock.standing_at(at(DAY.day, 9)):
        return await _picture(api, tmp_path, steps)


async def _complaints(company: Company) -> None:
    """Three open complaints of r1's customers and one closed, at fixed times."""
    await _queue_data(company)
    from server.domain.customers.models import Customer

    service = await Department.create(name="客服部")
    svc, r1 = company.users["svc"], company.users["r1"]
    svc.department = service
    await svc.save()
    first = await Customer.get(name="杭州机械厂")
    second = await Customer.get(name="苏州海川模具")
    moves = [  # (action, from, to, who, when)
        ("record", None, "validate", r1, at(-2, 10)),
        ("validate", "validate", "assign", svc, at(-2, 14)),
        ("assign", "assign", "analyse", svc, at(-1, 9, 30)),
        ("analyse", "analyse", "propose", svc, at(-1, 16)),
        ("propose", "propose", "approve", svc, at(0, 11)),
    ]
    approve = await Complaint.create(
        customer=first,
        channel="phone",
        received_at=at(-2, 10),
        category="sales_contract",
        kind="transit_damage",
        subject="货物运输途中破损",
        description="外箱压坏，三台设备外壳变形。",
        demand="换货",
        amount_minor=1_200_050,
        severity="high",
        recorded_by=r1,
        step="approve",
        step_entered_at=at(0, 11),
        step_due_at=at(3, 11),
        department=service,
        assignee=svc,
        root_cause="承运商装卸不当",
        responsible_party="third_party",
        remedy_kind="exchange",
        remedy_description="补发三台",
        remedy_amount_minor=1_200_050,
        proposed_by=svc,
        version=6,
    )
    previous = None
    for action, source, target, who, when in moves:
        await StepEvent.create(
            process="complaint",
            record_id=approve.id,
            action=action,
            from_step=source,
            to_step=target,
            actor=who,
            at=when,
            spent_seconds=int((when - previous).total_seconds()) if previous else None,
        )
        previous = when
    for subject, kind, category, step, received, due, customer in (
        (
            "尺寸超差",
            "out_of_tolerance",
            "product_quality",
            "validate",
            at(-2, 9),
            at(-1, 9),
            second,
        ),
        ("服务态度差", "attitude", "service", "analyse", at(1, 15), at(4, 15), first),
    ):
        made = await Complaint.create(
            customer=customer,
            channel="on_site",
            received_at=received,
            category=category,
            kind=kind,
            subject=subject,
            recorded_by=r1,
            step=step,
            step_entered_at=received,
            step_due_at=due,
            assignee=svc if step == "analyse" else None,
            department=service if step == "analyse" else None,
        )
        await StepEvent.create(
            process="complaint",
            record_id=made.id,
            action="record",
            to_step="validate",
            actor=r1,
            at=received,
        )


async def _open_first(pilot: Pilot[Any], who: str = "m1") -> ComplaintScreen:
    """The complaint waiting for approval, opened from the board."""
    await sign_in(pilot, who)
    if who != "svc":
        await pilot.press("b")
        await settle(pilot)
    board = pilot.app.screen
    assert isinstance(board, ComplaintBoardScreen)
    table = board.query_one("#cards", DataTable)
    [key] = [k for k, card in board.cards.items() if card.subject == "货物运输途中破损"]
    table.move_cursor(row=table.get_row_index(key))
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ComplaintScreen), screen
    return screen


async def test_complaint_board(company: Company, api: CrmClient, tmp_path: Path, svg: Any) -> None:
    await _complaints(company)

    async def board(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "m1")
        await pilot.press("b")

    assert svg == await picture(api, tmp_path, board)


async def test_complaint_board_is_home_for_service_staff(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _complaints(company)

    async def home(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "svc")

    assert svg == await picture(api, tmp_path, home)


async def test_complaint_stepper(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _complaints(company)

    async def stepper(pilot: Pilot[Any]) -> None:
        await _open_first(pilot)

    assert svg == await picture(api, tmp_path, stepper)


async def test_complaint_action_picker(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _complaints(company)

    async def picker(pilot: Pilot[Any]) -> None:
        await _open_first(pilot)
        await pilot.press("a")

    assert svg == await picture(api, tmp_path, picker)


@pytest.mark.parametrize("action", sorted(FIELDS))
async def test_complaint_step_dialog(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any, action: str
) -> None:
    await _complaints(company)

    async def dialog(pilot: Pilot[Any]) -> None:
        screen = await _open_first(pilot)
        assert screen.complaint is not None
        await pilot.app.push_screen(StepDialog(api, screen.complaint, action))

    assert svg == await picture(api, tmp_path, dialog)


async def test_complaint_step_refused(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _complaints(company)

    async def refused(pilot: Pilot[Any]) -> None:
        await _open_first(pilot)
        await pilot.press("a", "down", "enter")  # send back, without saying why
        await settle(pilot)
        await pilot.press("ctrl+s")

    assert svg == await picture(api, tmp_path, refused)


async def test_record_complaint_dialog(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _complaints(company)

    async def record(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "r1")
        await pilot.press("k")

    assert svg == await picture(api, tmp_path, record)


async def test_attach_dialog(company: Company, api: CrmClient, tmp_path: Path, svg: Any) -> None:
    await _complaints(company)

    async def attach(pilot: Pilot[Any]) -> None:
        await _open_first(pilot)
        await pilot.press("f")

    assert svg == await picture(api, tmp_path, attach)


async def test_customer_complaints_tab(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _complaints(company)

    async def tab(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "r1")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("6")

    assert svg == await picture(api, tmp_path, tab)


async def test_corrective_done_dialog(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _complaints(company)
    from server.domain.customers.models import Customer

    closed = await Complaint.create(
        customer=await Customer.get(name="杭州机械厂"),
        channel="phone",
        received_at=at(-10, 9),
        category="product_quality",
        kind="malfunction",
        subject="控制器故障",
        step="closed",
        step_entered_at=at(-1, 9),
        closed_at=at(-1, 9),
        lessons="出厂加测一项",
        corrective_action="更新出厂检验规程",
        corrective_owner=company.users["svc"],
        corrective_due_on=at(30, 9).date(),
    )

    async def dialog(pilot: Pilot[Any]) -> None:
        from strawberry.relay import GlobalID

        await sign_in(pilot, "m1")
        await pilot.app.push_screen(
            ComplaintScreen(api, str(GlobalID("Complaint", str(closed.id))))
        )
        await settle(pilot)
        await pilot.press("d")

    assert svg == await picture(api, tmp_path, dialog)
