"""SVG snapshots of every screen and dialog at 80×24, including the empty and error states,
in Chinese and in English (each test runs once per language; the pictures are named
test_x[zh_CN].svg and test_x[en].svg).

The data is fixed and the queue is opened as of a fixed day, so the pictures do not change
with the calendar. Update after an intended change with `pytest --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from gql.transport.httpx import HTTPXAsyncTransport
from pytest_textual_snapshot import SVGImageExtension
from syrupy.assertion import SnapshotAssertion
from textual.pilot import Pilot
from textual.widgets import Input

from server.domain.customers.models import Customer
from tests.conftest import Company
from tests.tui.conftest import customer_due
from tests.tui.helpers import settle, sign_in
from tui import i18n
from tui.api import CrmClient
from tui.api.tokens import TokenStore
from tui.app import CrmApp

DAY = date(2026, 3, 2)  # a Monday
SIZE = (80, 24)

Steps = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture(params=["zh_CN", "en"], autouse=True)
def language(request: pytest.FixtureRequest) -> str:
    """Every picture in both languages; layouts must hold in each at 80×24."""
    i18n.set_language(request.param)
    return str(request.param)


@pytest.fixture
def svg(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(SVGImageExtension)


async def picture(api: CrmClient, tmp_path: Path, steps: Steps) -> str:
    app = CrmApp(api, TokenStore(tmp_path / "session.json"), day=DAY)
    # Animations (scrolling a table to its cursor, fading a toast) run on the clock: on a
    # loaded machine a picture could catch one half-way. Without them every step lands at
    # once.
    app.animation_level = "none"
    async with app.run_test(size=SIZE, notifications=False) as pilot:
        await settle(pilot)
        await steps(pilot)
        await settle(pilot)
        await pilot.wait_for_scheduled_animations()
        # A focused input's cursor blinks every half second: hold it on, or the picture
        # depends on how long the last step took.
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()
        return app.export_screenshot()


async def _queue_data(company: Company) -> None:
    rows = [
        ("r1", "杭州机械厂", -6, "A", "确认交货期", {"is_key_account": True}),
        ("r1", "苏州海川模具", -2, "B", "跟进报价", {"is_vip": True}),
        ("r1", "宁波东方电器", -2, "C", "介绍新产品", {}),
        ("r1", "上海华东建材", 0, "B", "催收货款", {}),
        ("r1", "无锡精工", 3, "D", "了解竞争对手动向", {}),
        ("r2", "广州南方", -1, "A", "别人的", {}),
    ]
    for owner, name, days, grade, purpose, extra in rows:
        customer, _ = await customer_due(
            company, owner, name, days, grade=grade, purpose=purpose, day=DAY, **extra
        )
        customer.last_contact_at = datetime(2026, 2, 20, 2, 0, tzinfo=UTC)
        customer.last_contact_kind = "phone"
        customer.last_contact_summary = "报价已发，等回复"
        await customer.save()


async def test_login(company: Company, api: CrmClient, tmp_path: Path, svg: Any) -> None:
    async def nothing(pilot: Pilot[Any]) -> None:
        pass

    assert svg == await picture(api, tmp_path, nothing)


async def test_login_refused(company: Company, api: CrmClient, tmp_path: Path, svg: Any) -> None:
    async def wrong(pilot: Pilot[Any]) -> None:
        await pilot.press(*"r1", "tab", *"wrong password", "enter")

    assert svg == await picture(api, tmp_path, wrong)


async def test_queue(company: Company, api: CrmClient, tmp_path: Path, svg: Any) -> None:
    await _queue_data(company)
    assert svg == await picture(api, tmp_path, sign_in)


async def test_queue_empty(company: Company, api: CrmClient, tmp_path: Path, svg: Any) -> None:
    assert svg == await picture(api, tmp_path, sign_in)


async def test_queue_server_unreachable(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _queue_data(company)

    async def cut_off(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await api.close()
        api._transport = HTTPXAsyncTransport("http://127.0.0.1:9/graphql", timeout=2)
        api._client.transport = api._transport
        await pilot.press("r")

    assert svg == await picture(api, tmp_path, cut_off)


async def test_log_contact_dialog(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _queue_data(company)

    async def open_dialog(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("l")
        await settle(pilot)
        pilot.app.screen.query_one("#occurred", Input).value = "2026-03-02 10:30"

    assert svg == await picture(api, tmp_path, open_dialog)


async def test_log_contact_refused(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _queue_data(company)

    async def refused(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("l")
        await settle(pilot)
        pilot.app.screen.query_one("#occurred", Input).value = "2026-03-02 10:30"
        await settle(pilot)
        await pilot.click("#next")  # typed, as a user would: the suggestion then stays off
        await pilot.press("end", *["backspace"] * 10, *"2020-01-01")
        await pilot.press("ctrl+s")

    assert svg == await picture(api, tmp_path, refused)


async def test_reschedule_needs_a_reason(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _queue_data(company)

    async def no_reason(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("d")
        await settle(pilot)
        pilot.app.screen.query_one("#dueOn", Input).value = "2026-03-05"
        await pilot.press("ctrl+s")

    assert svg == await picture(api, tmp_path, no_reason)


async def test_skip_dialog(company: Company, api: CrmClient, tmp_path: Path, svg: Any) -> None:
    await _queue_data(company)

    async def skip(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        # The dialog settles (its field focused) before the typing, as a person would see.
        await pilot.press("s")
        await settle(pilot)
        await pilot.press(*"客户已停产")

    assert svg == await picture(api, tmp_path, skip)


async def test_filter_dialog(company: Company, api: CrmClient, tmp_path: Path, svg: Any) -> None:
    await _queue_data(company)

    async def open_filter(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press(*"华东")

    assert svg == await picture(api, tmp_path, open_filter)


async def test_team_view(company: Company, api: CrmClient, tmp_path: Path, svg: Any) -> None:
    await _queue_data(company)

    async def team(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "m1")
        await pilot.press("t")

    assert svg == await picture(api, tmp_path, team)


async def test_help(company: Company, api: CrmClient, tmp_path: Path, svg: Any) -> None:
    async def help_screen(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("question_mark")

    assert svg == await picture(api, tmp_path, help_screen)


async def test_customers_list(company: Company, api: CrmClient, tmp_path: Path, svg: Any) -> None:
    await _queue_data(company)

    async def customers(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("c")

    assert svg == await picture(api, tmp_path, customers)


async def test_customers_filter_dialog(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _queue_data(company)

    async def open_filter(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "m1")
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("down", "f")
        await settle(pilot)
        await pilot.press("tab", "tab", "space")  # grade A

    assert svg == await picture(api, tmp_path, open_filter)


async def test_customers_filtered(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _queue_data(company)

    async def filtered(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("down", "f")
        await settle(pilot)
        await pilot.press("tab", "tab", "space", "down", "space", "ctrl+s")  # grades A and B

    assert svg == await picture(api, tmp_path, filtered)


async def test_customer_archive_tab(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _queue_data(company)

    async def customer(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("enter")

    assert svg == await picture(api, tmp_path, customer)


async def test_customer_changed_by_someone_else(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    """The yellow line a live change by someone else puts above the record shown."""
    from tui.api.live import Change, ChangeKind
    from tui.screens.customer import CustomerScreen

    await _queue_data(company)

    async def changed(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CustomerScreen) and screen.detail is not None
        later = screen.detail.version + 1
        screen.heard(Change(ChangeKind.CUSTOMER, screen.customer_id, version=later))

    assert svg == await picture(api, tmp_path, changed)


async def test_customer_people_tab(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _queue_data(company)

    async def people(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("2")

    assert svg == await picture(api, tmp_path, people)


async def test_customer_timeline_tab(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    from server.domain.followups.models import Interaction

    await _queue_data(company)
    customer = await Customer.get(name="杭州机械厂")
    for i, (kind, summary, needs) in enumerate(
        (
            ("visit", "看了样品", "要三月交货"),
            ("phone", "报价已发，等回复", ""),
            ("email", "寄了目录", ""),
        )
    ):
        await Interaction.create(
            customer=customer,
            author=company.users["r1"],
            kind=kind,
            occurred_at=datetime(2026, 2, 20 - 3 * i, 2, 0, tzinfo=UTC),
            summary=summary,
            needs=needs,
            satisfaction=4,
            grade_before="B" if i else "A",
            grade_after="A",
        )

    async def timeline(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("3")

    assert svg == await picture(api, tmp_path, timeline)


async def test_contact_plan_dialog(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _queue_data(company)

    async def plan(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press(*"abc", "tab", *"x2", "ctrl+s")  # frequency is not a number

    assert svg == await picture(api, tmp_path, plan)


async def test_visit_plan(company: Company, api: CrmClient, tmp_path: Path, svg: Any) -> None:
    from server.domain.followups.models import FollowUp

    await _queue_data(company)
    await FollowUp.all().update(kind="visit")

    async def visits(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("v")

    assert svg == await picture(api, tmp_path, visits)


async def test_access_request_dialog(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    async def request(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("n", *"厦门那家纺织厂")

    assert svg == await picture(api, tmp_path, request)


async def test_edit_archive_conflict(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await _queue_data(company)

    async def conflict(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        pilot.app.screen.query_one("#phone", Input).value = "0571-2222"
        customer = await Customer.get(name="杭州机械厂")
        await Customer.filter(id=customer.id).update(
            phone="0571-3333", address="杭州市滨江区", version=customer.version + 1
        )
        await pilot.press("ctrl+s")
        panel = pilot.app.screen.query_one("#conflict")
        for _ in range(200):  # the refusal, then a second call for the server's values
            if panel.has_class("-shown"):
                break
            await pilot.pause(0.02)

    assert svg == await picture(api, tmp_path, conflict)


async def test_contact_dialog(company: Company, api: CrmClient, tmp_path: Path, svg: Any) -> None:
    await _queue_data(company)

    async def edit(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        pilot.app.screen.query_one("#people-table").focus()
        await pilot.press("enter")

    assert svg == await picture(api, tmp_path, edit)


async def test_transfer_dialog(company: Company, api: CrmClient, tmp_path: Path, svg: Any) -> None:
    await _queue_data(company)

    async def transfer(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "m1")
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("t", *"r2")
        await pilot.pause(0.2)

    assert svg == await picture(api, tmp_path, transfer)
