"""Pilot tests of complaint handling in the client, against the real server: recording one
from the queue, the board as the service department's home, each step in its dialog with
refusals beside the fields, the send-back and rejection paths, attaching and opening a
file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Select, Static

from server.domain.accounts.models import Department
from server.domain.complaints.models import Complaint, ComplaintEvidence
from tests.conftest import Company
from tests.tui.conftest import SIZE, crm_app, customer_due
from tests.tui.helpers import settle, sign_in
from tui.api import CrmClient, downloads
from tui.dialogs.complaint import ActionPicker, AttachDialog, RecordComplaintDialog, StepDialog
from tui.screens import complaint as complaint_screen
from tui.screens.complaint import ComplaintScreen
from tui.screens.complaints import ComplaintBoardScreen
from tui.screens.queue import QueueScreen
from tui.widgets.field_error import FieldError

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\0" * 64


@pytest.fixture
async def service(company: Company) -> Department:
    department = await Department.create(name="客服部")
    svc = company.users["svc"]
    svc.department = department
    await svc.save()
    return department


@asynccontextmanager
async def signed_in(api: CrmClient, tmp_path: Path, username: str) -> AsyncIterator[Pilot[Any]]:
    """The client run by one person, signed in afresh (each keeps its own session file)."""
    api.token, api.user = None, None
    async with crm_app(api, tmp_path / username).run_test(size=SIZE) as pilot:
        await sign_in(pilot, username)
        yield pilot


def fill(screen: Any, values: dict[str, Any]) -> None:
    """Type into a dialog's fields by name: text into inputs, a value into pickers."""
    for name, value in values.items():
        widget = screen.query_one(f"#{name}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.value = value


async def record_from_queue(pilot: Pilot[Any], values: dict[str, Any]) -> None:
    assert isinstance(pilot.app.screen, QueueScreen)
    await pilot.press("k")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, RecordComplaintDialog)
    fill(dialog, values)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def open_on_board(pilot: Pilot[Any], subject: str) -> ComplaintScreen:
    board = pilot.app.screen
    assert isinstance(board, ComplaintBoardScreen)
    table = board.query_one("#cards", DataTable)
    [key] = [k for k, card in board.cards.items() if card.subject == subject]
    table.move_cursor(row=table.get_row_index(key))
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ComplaintScreen)
    return screen


async def act(pilot: Pilot[Any], action: str, values: dict[str, Any] | None = None) -> Any:
    """Press a, pick the action if several are offered, fill its dialog and save; the
    screen it ends on (the complaint again, or the dialog when refused)."""
    await pilot.press("a")
    await settle(pilot)
    if isinstance(pilot.app.screen, ActionPicker):
        picker = pilot.app.screen
        picker.query_one(OptionList).highlighted = picker.values.index(action)
        await pilot.press("enter")
        await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, StepDialog) and dialog.action == action, dialog
    fill(dialog, values or {})
    await pilot.press("ctrl+s")
    await settle(pilot)
    return pilot.app.screen


async def step_of(subject: str) -> str:
    found = await Complaint.get(subject=subject)
    return str(found.step.value)


def stepper(screen: ComplaintScreen) -> str:
    return str(screen.query_one("#steps", Static).render())


async def test_a_complaint_goes_through_all_eight_steps_in_the_client(
    company: Company, api: CrmClient, tmp_path: Path, service: Department
) -> None:
    await customer_due(company, "r1", "杭州机械厂", 0)
    subject = "外箱压坏"
    # The owner records it from the queue.
    async with signed_in(api, tmp_path, "r1") as pilot:
        await record_from_queue(
            pilot, {"kind": "TRANSIT_DAMAGE", "subject": subject, "amount": "1.2万"}
        )
        assert isinstance(pilot.app.screen, QueueScreen)
    recorded = await Complaint.get(subject=subject)
    assert recorded.amount_minor == 1_200_000 and str(recorded.channel.value) == "phone"
    # Service staff open on the board, and take it through their steps.
    svc = company.users["svc"]
    async with signed_in(api, tmp_path, "svc") as pilot:
        assert isinstance(pilot.app.screen, ComplaintBoardScreen)
        screen = await open_on_board(pilot, subject)
        assert "▶" in stepper(screen)
        assert isinstance(await act(pilot, "VALIDATE"), ComplaintScreen)
        await act(
            pilot,
            "ASSIGN",
            {"departmentId": _gid("Department", service.id), "assigneeId": _gid("User", svc.id)},
        )
        await act(
            pilot, "ANALYSE", {"rootCause": "承运商装卸不当", "responsibleParty": "THIRD_PARTY"}
        )
        await act(
            pilot,
            "PROPOSE",
            {"remedyKind": "EXCHANGE", "remedyDescription": "补发一箱", "remedyAmount": "600"},
        )
        assert await step_of(subject) == "approve"
        # Not theirs to approve: nothing offered.
        assert pilot.app.screen.check_action("act", ()) is False
    # The manager approves.
    async with signed_in(api, tmp_path, "m1") as pilot:
        await pilot.press("b")
        await settle(pilot)
        await open_on_board(pilot, subject)
        await act(pilot, "APPROVE", {"note": "同意"})
        assert await step_of(subject) == "implement"
    async with signed_in(api, tmp_path, "svc") as pilot:
        await open_on_board(pilot, subject)
        await act(pilot, "IMPLEMENT", {"implementation": "已补发", "customerFeedback": "满意"})
        screen = await act(
            pilot,
            "EVALUATE",
            {"lessons": "改用木箱", "satisfaction": "4"},
        )
        assert isinstance(screen, ComplaintScreen)
        assert await step_of(subject) == "closed"
        text = stepper(screen)
        assert text.count("✓") == 8 and "▶" not in text
    closed = await Complaint.get(subject=subject)
    assert closed.satisfaction == 4 and closed.remedy_amount_minor == 60_000


async def test_refusals_show_beside_their_fields_and_the_send_back_path(
    company: Company, api: CrmClient, tmp_path: Path, service: Department
) -> None:
    await customer_due(company, "r1", "宁波模具厂", 0)
    subject = "尺寸超差"
    async with signed_in(api, tmp_path, "r1") as pilot:
        await record_from_queue(pilot, {"kind": "OUT_OF_TOLERANCE", "subject": subject})
    svc = company.users["svc"]
    async with signed_in(api, tmp_path, "svc") as pilot:
        await open_on_board(pilot, subject)
        await act(pilot, "VALIDATE")
        await act(
            pilot,
            "ASSIGN",
            {"departmentId": _gid("Department", service.id), "assigneeId": _gid("User", svc.id)},
        )
        # The server refuses a blank root cause: said beside the field, the dialog stays.
        refused = await act(pilot, "ANALYSE", {"rootCause": " ", "responsibleParty": "OUR_PRODUCT"})
        assert isinstance(refused, StepDialog)
        assert refused.query_one("#error-rootCause", FieldError).has_class("-shown")
        # Typed so it cannot be read: said before anything is sent.
        fill(refused, {"rootCause": "公差设定错误"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        await act(pilot, "PROPOSE", {"remedyKind": "REPAIR", "remedyDescription": "返修"})
    async with signed_in(api, tmp_path, "m1") as pilot:
        await pilot.press("b")
        await settle(pilot)
        await open_on_board(pilot, subject)
        await act(pilot, "SEND_BACK", {"note": "先确认是否批次问题"})
        assert await step_of(subject) == "propose"
    complaint = await Complaint.get(subject=subject)
    assert complaint.version == 6


async def test_the_rejection_path_and_a_reopening(
    company: Company, api: CrmClient, tmp_path: Path, service: Department
) -> None:
    await customer_due(company, "r1", "无锡精工", 0)
    subject = "过保修期"
    async with signed_in(api, tmp_path, "r1") as pilot:
        await record_from_queue(pilot, {"kind": "MALFUNCTION", "subject": subject})
    async with signed_in(api, tmp_path, "svc") as pilot:
        await open_on_board(pilot, subject)
        refused = await act(pilot, "REJECT", {"rejectionReason": "已过保修期"})
        assert isinstance(refused, StepDialog)
        assert refused.query_one("#error-reply", FieldError).has_class("-shown")
        fill(refused, {"reply": "感谢来电，经核实设备已过保修期，可提供有偿维修。"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ComplaintScreen)
        assert await step_of(subject) == "rejected"
        assert "✗" in stepper(screen)
    # The owner reopens it from the customer's complaints.
    async with signed_in(api, tmp_path, "r1") as pilot:
        await pilot.press("enter")  # the customer of the queue's first row
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ComplaintScreen)
        await act(pilot, "REOPEN", {"reopenReason": "客户提供了保修卡"})
        assert await step_of(subject) == "assign"


@pytest.fixture
def opened(tmp_path: Path, monkeypatch: Any) -> list[Path]:
    """What the client hands to the desktop's viewer (recorded, not run), with the user's
    own folder under tmp_path."""
    handed: list[Path] = []
    monkeypatch.setattr(complaint_screen, "open_with_system_viewer", handed.append)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home"))
    return handed


async def _complaint_and_file(company: Company, api: CrmClient, tmp_path: Path, name: str) -> Path:
    """A complaint recorded by r1, and a photo named `name` to attach to it."""
    await customer_due(company, "r1", "苏州海川", 0)
    photo = tmp_path / name
    photo.write_bytes(PNG)
    async with signed_in(api, tmp_path, "r1") as pilot:
        await record_from_queue(pilot, {"kind": "PACKING", "subject": "包装破损"})
    return photo


async def test_a_file_is_attached_by_path_and_opened(
    company: Company, api: CrmClient, tmp_path: Path, service: Department, opened: list[Path]
) -> None:
    photo = await _complaint_and_file(company, api, tmp_path, "破损照片.png")
    async with signed_in(api, tmp_path, "svc") as pilot:
        await open_on_board(pilot, "包装破损")
        await pilot.press("f")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, AttachDialog)
        dialog.query_one("#path", Input).value = str(tmp_path / "nothing.png")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert dialog.query_one("#error-file", FieldError).has_class("-shown")
        dialog.query_one("#path", Input).value = str(photo)
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ComplaintScreen)
        assert [f.filename for f in screen.complaint.evidence] == ["破损照片.png"]  # type: ignore[union-attr]
        await pilot.press("o")
        await settle(pilot)
    assert await ComplaintEvidence.all().count() == 1
    # Saved in the user's own folder, readable by them alone, and handed to the viewer.
    folder = tmp_path / "home" / "crm" / "evidence"
    saved = folder / "破损照片.png"
    assert saved.read_bytes() == PNG
    assert saved.stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    assert opened == [saved]


async def test_a_file_named_for_another_type_is_saved_under_its_own_and_never_run(
    company: Company, api: CrmClient, tmp_path: Path, service: Department, opened: list[Path]
) -> None:
    """A file attached before names followed types ("invoice.bat" holding a PNG): the client
    saves it as invoice.png; one whose name still does not match its bytes is not opened."""
    photo = await _complaint_and_file(company, api, tmp_path, "invoice.png")
    async with signed_in(api, tmp_path, "svc") as pilot:
        await open_on_board(pilot, "包装破损")
        await pilot.press("f")
        await settle(pilot)
        pilot.app.screen.query_one("#path", Input).value = str(photo)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await ComplaintEvidence.all().update(filename="invoice\u202egnp.bat")
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
    folder = tmp_path / "home" / "crm" / "evidence"
    assert [p.name for p in folder.iterdir()] == ["invoicegnp.png"]
    assert opened == [folder / "invoicegnp.png"]
    # The guard itself: bytes of one type under another's extension are never opened.
    lying = folder / "photo.pdf"
    lying.write_bytes(PNG)
    assert not downloads.may_open(lying)
    assert downloads.may_open(folder / "invoicegnp.png")


def _gid(type_name: str, pk: int) -> str:
    from strawberry.relay import GlobalID

    return str(GlobalID(type_name, str(pk)))


async def test_an_overdue_complaint_shows_first_in_the_queue_and_opens(
    company: Company, api: CrmClient, tmp_path: Path, service: Department
) -> None:
    from datetime import UTC, datetime, timedelta

    from server.domain.shared import clock
    from tui.screens.queue import QueueScreen as Queue

    await customer_due(company, "r1", "宁波东方电器", 0)
    async with signed_in(api, tmp_path, "r1") as pilot:
        await record_from_queue(pilot, {"kind": "GRADE", "subject": "等级不符"})
        queue = pilot.app.screen
        assert isinstance(queue, Queue) and not queue.complaints  # not yet overdue
    # Three days on, the one working day to judge it has long passed.
    with clock.standing_at(datetime.now(UTC) + timedelta(days=3)):
        async with signed_in(api, tmp_path, "r1") as pilot:
            queue = pilot.app.screen
            assert isinstance(queue, Queue)
            [card] = queue.complaints.values()
            assert card.subject == "等级不符"
            table = queue.query_one("#rows", DataTable)
            assert table.get_row_index(f"complaint:{card.id}") == 1  # under its heading, first
            table.move_cursor(row=1)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(pilot.app.screen, ComplaintScreen)


async def test_the_corrective_action_is_recorded_done_from_the_complaint(
    company: Company, api: CrmClient, tmp_path: Path, service: Department
) -> None:
    from datetime import timedelta

    from server.domain.shared import clock
    from tui.dialogs.complaint import CorrectiveDoneDialog

    customer, _ = await customer_due(company, "r1", "杭州机械厂", 0)
    now = clock.now()
    closed = await Complaint.create(
        customer=customer,
        channel="phone",
        received_at=now - timedelta(days=20),
        category="product_quality",
        kind="malfunction",
        subject="控制器故障",
        step="closed",
        step_entered_at=now - timedelta(days=2),
        closed_at=now - timedelta(days=2),
        lessons="出厂加测",
        corrective_action="更新检验规程",
        corrective_owner=company.users["svc"],
        department=service,
        assignee=company.users["svc"],
        corrective_due_on=now.date() + timedelta(days=30),
    )
    async with signed_in(api, tmp_path, "svc") as pilot:
        await pilot.app.push_screen(ComplaintScreen(api, _gid("Complaint", closed.id)))
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ComplaintScreen)
        assert screen.check_action("corrective_done", ()) is True
        await pilot.press("d")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, CorrectiveDoneDialog)
        dialog.query_one("#doneOn", Input).value = "2999-01-01"  # ahead: refused
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert dialog.query_one("#error-doneOn", FieldError).has_class("-shown")
        dialog.query_one("#doneOn", Input).value = now.date().isoformat()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ComplaintScreen)
        assert pilot.app.screen.check_action("corrective_done", ()) is False
    fresh = await Complaint.get(id=closed.id)
    assert fresh.corrective_done_on == now.date()
