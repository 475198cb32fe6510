"""Pilot tests: the app driven by keys end to end against the real server, checking what
changed on the server as well as what is on screen."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import DataTable, Input, Select, SelectionList, Static

from server.domain.followups.models import FollowUp, Interaction
from tests.conftest import Company
from tests.server.followup_helpers import company_today
from tests.tui.conftest import PASSWORD, SIZE, crm_app, customer_due
from tests.tui.helpers import settle, sign_in
from tui.api import CrmClient
from tui.dialogs.log_contact import LogContactDialog
from tui.dialogs.reason import RescheduleDialog, SkipDialog
from tui.screens.login import LoginScreen
from tui.screens.queue import QueueScreen
from tui.screens.team import TeamScreen
from tui.widgets.banner import Banner
from tui.widgets.field_error import FieldError


def queue_rows(screen: QueueScreen) -> list[str]:
    """The customers listed, in order, without the section headings."""
    table = screen.query_one("#rows", DataTable)
    keys = [row.key.value for row in table.ordered_rows]
    return [str(table.get_row(k)[1]) for k in keys if k and not k.startswith("section:")]


async def test_sign_in_then_the_queue_in_sections(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    await customer_due(company, "r1", "十天前", -10, grade="E")
    await customer_due(company, "r1", "甲级", -2, grade="A")
    await customer_due(company, "r1", "今天的", 0)
    await customer_due(company, "r1", "五天后", 5)
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.query_one("#rows", DataTable)
        labels = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert labels == [
            "2 overdue",
            "十天前",
            "甲级",
            "1 due today",
            "今天的",
            "1 upcoming",
            "五天后",
        ]
        # The cursor starts on the first follow-up and the preparation facts show.
        detail = str(screen.query_one("#detail", Static).render())
        assert "十天前" in detail and "王总" in detail and "李主任" in detail
    # The token was kept for the next start, readable by the user alone.
    assert app.store is not None and app.store.get(api.url) == api.token


async def test_log_a_contact_from_the_queue(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    customer, follow_up = await customer_due(company, "r1", "杭州机械厂", -3, grade="C")
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("l")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LogContactDialog)
        # The next due date is offered from the grade's cadence (C: 15 days) …
        next_due = dialog.query_one("#next", Input)
        assert next_due.value.endswith((company_today() + timedelta(days=15)).strftime("-%d"))
        # … and follows the grade when it changes (A: 1 day).
        dialog.query_one("#grade", Select).value = "A"
        await settle(pilot)
        assert next_due.value != "" and dialog.next_edited is False
        contacts = dialog.query_one("#contacts", SelectionList)
        contacts.select(contacts.get_option_at_index(1).value)  # 王总
        await pilot.click("#outcome")
        await pilot.press(*"答应下周下单")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        # Grade A: the next contact is tomorrow, so the customer moved to the next 7 days.
        assert queue_rows(app.screen) == ["杭州机械厂"]
        assert app.screen.queue is not None
        assert [r.customer_name for r in app.screen.queue.upcoming.rows] == ["杭州机械厂"]
    interaction = await Interaction.get(customer_id=customer.id)
    assert interaction.outcome == "答应下周下单"
    assert interaction.grade_before == "C" and interaction.grade_after == "A"
    assert (await FollowUp.get(id=follow_up.id)).status == "done"
    nxt = await FollowUp.get(customer_id=customer.id, status="open")
    assert 1 <= (nxt.due_on - company_today()).days <= 2


async def test_refused_input_shows_beside_the_field_and_keeps_the_typing(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    _, follow_up = await customer_due(company, "r1", "客户乙", -1)
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RescheduleDialog)
        dialog.query_one("#dueOn", Input).value = "2001-01-01"
        await pilot.press("ctrl+s")  # no reason, and a date in the past
        await settle(pilot)
        assert app.screen is dialog
        error = dialog.query_one("#error-reason", FieldError)
        assert error.has_class("-shown")
        assert dialog.query_one("#dueOn", Input).value == "2001-01-01"
        # Fix both and it goes through.
        new_day = company_today() + timedelta(days=3)
        dialog.query_one("#dueOn", Input).value = new_day.isoformat()
        await pilot.click("#reason")
        await pilot.press(*"客户出差")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    moved = await FollowUp.get(id=follow_up.id)
    assert moved.due_on == new_day and moved.reschedule_reason == "客户出差"


async def test_skip_with_a_reason(company: Company, api: CrmClient, tmp_path: Path) -> None:
    _, follow_up = await customer_due(company, "r1", "客户丙", 0)
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SkipDialog)
        await pilot.press(*"已电话确认无需求", "enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    skipped = await FollowUp.get(id=follow_up.id)
    assert skipped.status == "skipped" and skipped.skip_reason == "已电话确认无需求"


async def test_filter_by_grade(company: Company, api: CrmClient, tmp_path: Path) -> None:
    await customer_due(company, "r1", "甲级客户", -1, grade="A")
    await customer_due(company, "r1", "丙级客户", -1, grade="C")
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one("#grades", SelectionList).select("A")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert "甲级客户" in queue_rows(app.screen)
        assert "丙级客户" not in queue_rows(app.screen)


async def test_manager_team_view_opens_a_reps_queue(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    await customer_due(company, "r1", "r1的客户", -4)
    await customer_due(company, "r2", "r2的客户", 0)
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "m1")
        await pilot.press("t")
        await settle(pilot)
        team = app.screen
        assert isinstance(team, TeamScreen)
        table = team.query_one("#team", DataTable)
        rows = {str(table.get_row_at(i)[0]): table.get_row_at(i) for i in range(table.row_count)}
        assert rows["R1"][1:3] == ["1", "0"] and rows["R2"][1:3] == ["0", "1"]
        table.move_cursor(row=list(rows).index("R1"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert "r1的客户" in queue_rows(app.screen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TeamScreen)


async def test_expired_session_signs_in_again_and_returns(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    await customer_due(company, "r1", "客户丁", -1)
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        api.token = "revoked"  # as if the server had expired it
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await pilot.press(*PASSWORD, "enter")  # the username is offered already
        await settle(pilot)
        assert app.screen is queue
        assert "客户丁" in queue_rows(queue)


async def test_unreachable_server_shows_a_banner_and_keeps_running(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    await customer_due(company, "r1", "客户戊", -1)
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        good = api._transport
        from gql.transport.httpx import HTTPXAsyncTransport

        await api.close()
        api._transport = HTTPXAsyncTransport("http://127.0.0.1:9/graphql", timeout=2)
        api._client.transport = api._transport
        await pilot.press("r")
        await settle(pilot)
        banner = app.screen.query_one(Banner)
        assert banner.shown and api.url in str(banner.render())
        # The rows already loaded stay on screen.
        assert "客户戊" in queue_rows(app.screen)
        await api.close()
        api._transport = good
        api._client.transport = good
        await pilot.press("r")
        await settle(pilot)
        assert not banner.shown
