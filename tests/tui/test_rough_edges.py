"""What a keyboard user hits in the first ten minutes, at 80×24 and 120×40, each against
the real server: the list keys, the forms' number checks, the visit plan, the customer
screen's tabs and the keys a viewer may not use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from textual.widgets import DataTable, Input, Static

from server.domain.access.models import AccessGrant, AccessRequest
from server.domain.customers.models import Customer
from server.domain.customers.pinyin import search_text
from server.domain.followups.models import FollowUp
from tests.conftest import Company
from tests.tui.conftest import SIZE, crm_app, customer_due
from tests.tui.helpers import screen_after, settle, sign_in
from tests.tui.test_customers_app import listed, open_customer_from_queue, open_customers
from tui.api import CrmClient
from tui.dialogs.edit_archive import EditArchiveDialog
from tui.dialogs.log_contact import LogContactDialog
from tui.screens.access import AccessRequestsScreen
from tui.screens.customer import CustomerScreen
from tui.screens.help import HelpScreen
from tui.screens.queue import QueueScreen
from tui.screens.visits import VisitPlanScreen
from tui.widgets.checklist import CheckList

WIDE = (120, 40)


def _shown_keys(app: Any) -> set[str]:
    """The actions the footer offers on the current screen."""
    return {b.binding.action for b in app.active_bindings.values() if b.binding.show}


async def _customers(company: Company, *names: str, owner: str = "r1") -> list[Customer]:
    return [
        await Customer.create(owner=company.users[owner], name=n, search_text=search_text(n))
        for n in names
    ]


async def test_down_from_the_search_box_lands_on_the_first_result(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    await _customers(company, "甲机械厂", "乙机械厂", "丙机械厂")
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        screen = await open_customers(pilot)
        assert screen.focused is screen.query_one("#search", Input)
        await pilot.press("down")
        table = screen.query_one("#customers", DataTable)
        assert screen.focused is table
        assert table.cursor_row == 0
        first = listed(screen)[0]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert first in str(app.screen.query_one("#title", Static).render())


async def test_escape_in_the_search_box_goes_back(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        screen = await open_customers(pilot)
        await pilot.press(*"机械")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert screen not in app.screen_stack


async def test_the_queue_fits_80_columns_and_uses_120(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    long_name = "浙江省杭州市萧山区新街镇宏达精密机械制造有限公司"
    await customer_due(company, "r1", long_name, -1, purpose="确认交货期和付款方式，并约下次拜访")
    for size, least in (((80, 24), 10), (WIDE, 30)):
        app = crm_app(api, tmp_path)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            if not isinstance(app.screen, QueueScreen):  # the second run resumes the session
                await sign_in(pilot)
            table = app.screen.query_one("#rows", DataTable)
            # No horizontal scrollbar: the columns fit the width they have.
            assert table.virtual_size.width <= table.scrollable_content_region.width
            widths = {str(key.value): column.width for key, column in table.columns.items()}
            assert widths["customer"] >= least
            row = table.get_row(next(iter(app.screen.rows)))  # type: ignore[attr-defined]
            cell = row[1]
            shown = cell.plain if hasattr(cell, "plain") else str(cell)
            assert shown == long_name
            rendered = "".join(
                segment.text
                for segment in table.render_line(2)  # the first follow-up
            )
            assert "…" in rendered  # cut with an ellipsis, not mid-character


async def test_home_goes_to_the_first_follow_up_and_headings_explain_refusals(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    for n in range(3):
        await customer_due(company, "r1", f"客户{n}", -n)
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.query_one("#rows", DataTable)
        await pilot.press("end")
        last = list(screen.rows.values())[-1]
        assert screen.selected() == last
        await pilot.press("home")
        first = screen.selected()
        assert first is not None and table.cursor_row == 1  # past the OVERDUE heading
        await pilot.press("up")  # onto the heading
        assert screen.selected() is None
        await pilot.press("s")
        await settle(pilot)
        assert app.screen is screen  # no dialog on a heading, and a word why
        notes = [n.message for n in app._notifications]
        assert any("section heading" in note for note in notes), notes


async def test_a_number_the_server_could_not_read_is_refused_beside_its_field(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    customer, _ = await customer_due(company, "r1", "杭州机械厂", -1)
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_customer_from_queue(pilot)
        dialog = await screen_after(pilot, EditArchiveDialog, "e")
        dialog.query_one("#assets", Input).value = "2千万"
        dialog.query_one("#billingDay", Input).value = "三十"
        # Day and month in an order not every office shares: refused, not guessed.
        dialog.query_one("#relationshipSince", Input).value = "05/01/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # nothing sent, the form as typed
        assert "whole number" in str(dialog.query_one("#error-billingDay").render())
        assert "2026-03-02" in str(dialog.query_one("#error-relationshipSince").render())
        assert str(dialog.query_one("#error-form").render()) == ""
        assert (await Customer.get(id=customer.id)).assets_minor is None
        dialog.query_one("#billingDay", Input).value = "25"
        dialog.query_one("#relationshipSince", Input).value = "2026-01-05"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        saved = await Customer.get(id=customer.id)
        assert (saved.assets_minor, saved.billing_day) == (2_000_000_000, 25)
        notes = [n.message for n in app._notifications]
        assert "Saved: assets, billing day, customer since." in notes
        # Money is shown as a Chinese office writes it.
        archive = str(screen.query_one("#archive-left", Static).render())
        assert "¥20,000,000.00" in archive


async def test_the_archive_scrolls_by_keys_and_shows_credit_beside_basics(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    customer, _ = await customer_due(company, "r1", "杭州机械厂", -1)
    await Customer.filter(id=customer.id).update(
        credit_limit_minor=50_000_000, source_channel="acquaintance", stage="won"
    )
    app = crm_app(api, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_customer_from_queue(pilot)
        right = str(screen.query_one("#archive-right", Static).render())
        assert "Credit" in right and "¥500,000.00" in right
        assert "introduced by an acquaintance" in right and "won" in right
        assert "ACQUAINTANCE" not in right
        # The credit group is on screen at 80×24, not below it.
        assert screen.query_one("#archive-right").region.y < 24
        scroller = screen.query_one("#archive-scroll")
        await pilot.press("1")
        assert screen.focused is scroller
        await pilot.press("pagedown")
        await settle(pilot)
        assert scroller.scroll_y > 0


async def test_space_ticks_the_first_person_and_a_tick_is_not_only_colour(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    await customer_due(company, "r1", "杭州机械厂", -1)
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        dialog = await screen_after(pilot, LogContactDialog, "l")
        people = dialog.query_one("#contacts", CheckList)
        people.focus()
        await pilot.press("space")
        assert len(people.selected) == 1
        prompts = [str(people.get_option_at_index(i).prompt) for i in range(people.option_count)]
        assert prompts[0].startswith("✓ ") and prompts[1].startswith("  ")


async def test_keys_the_viewer_may_not_use_are_not_offered(
    company: Company, api: CrmClient, app: Any, tmp_path: Path
) -> None:
    own, _ = await customer_due(company, "r1", "自己的客户", -1)
    other = (await _customers(company, "别人的客户", owner="r3"))[0]
    await AccessGrant.create(
        grantee=company.users["r1"],
        customer=other,
        expires_at=datetime.now(UTC) + timedelta(days=3),
    )
    rep = crm_app(api, tmp_path)
    async with rep.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "r1")
        await screen_after(pilot, CustomerScreen, "enter")
        shown = _shown_keys(rep)
        assert "log" in shown and "edit" in shown
        assert "transfer" not in shown  # reps do not transfer
        rep.pop_screen()
        await settle(pilot)
        rep.push_screen(CustomerScreen(rep.api, _gid(other.id)))
        await settle(pilot)
        shown = _shown_keys(rep)
        assert not {"log", "edit", "plan", "add_contact"} & shown  # read-only: a grant
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(rep.screen, CustomerScreen)  # no dialog to fill in and lose
    manager_api = CrmClient("http://crm.test/graphql", transport=httpx.ASGITransport(app=app))
    manager = crm_app(manager_api, tmp_path / "m1")
    async with manager.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "m1")
        manager.push_screen(CustomerScreen(manager.api, _gid(own.id)))
        await settle(pilot)
        assert "transfer" in _shown_keys(manager)
    await manager_api.close()


def _gid(pk: int, type_name: str = "Customer") -> str:
    from strawberry.relay import GlobalID

    return str(GlobalID(type_name, str(pk)))


async def test_the_visit_plan_shows_days_and_distances_and_moves_by_day(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    for name, lat, due in (("近", 30.05, 0), ("远", 30.30, -2), ("明天的", 30.15, 1)):
        _, follow_up = await customer_due(
            company, "r1", name, due, region="华东", latitude=lat, longitude=120.0
        )
        await FollowUp.filter(id=follow_up.id).update(kind="visit")
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        screen = await screen_after(pilot, VisitPlanScreen, "v")
        table = screen.query_one("#stops", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        names = [r[1].plain for r in rows]
        assert sorted(names) == ["近", "远"]  # due by today, overdue included
        due = {r[1].plain: r[4] for r in rows}
        assert due == {"近": "today", "远": "2d ago"}
        assert all(r[3] not in ("", "—") for r in rows[1:])  # km between stops
        await pilot.press("]")
        await settle(pilot)
        assert table.row_count == 3  # tomorrow's visit joins
        # ? opens help even though the region box could take it as text.
        screen.query_one("#region", Input).focus()
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert screen.query_one("#region", Input).value == "华东"


async def test_access_requests_name_the_customer_and_keep_their_history(
    company: Company, api: CrmClient, app: Any, tmp_path: Path
) -> None:
    hidden = (await _customers(company, "厦门瑞丰纺织", owner="r2"))[0]
    pending = await AccessRequest.create(
        requester=company.users["r1"], customer_description="厦门那家", reason="客户来电"
    )
    granted = await AccessRequest.create(
        requester=company.users["r1"],
        customer_description="厦门的纺织厂",
        reason="接手",
        status="granted",
        decided_by=company.users["m1"],
        decided_at=datetime.now(UTC),
        decision_note="三天",
    )
    until = datetime.now(UTC) + timedelta(days=3)
    await AccessGrant.create(
        grantee=company.users["r1"], customer=hidden, request=granted, expires_at=until
    )
    rep = crm_app(api, tmp_path)
    async with rep.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "r1")
        screen = await screen_after(pilot, AccessRequestsScreen, "a")
        table = screen.query_one("#requests", DataTable)
        rows = {str(table.get_row_at(i)[2].plain): table.get_row_at(i) for i in range(2)}
        assert rows["厦门瑞丰纺织"][4] == until.date().isoformat()
        assert rows["厦门那家"][3] == "pending"
        table.move_cursor(row=table.get_row_index(_gid(granted.id, "AccessRequest")))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(rep.screen, CustomerScreen)
        assert "厦门瑞丰纺织" in str(rep.screen.query_one("#title", Static).render())
    manager_api = CrmClient("http://crm.test/graphql", transport=httpx.ASGITransport(app=app))
    manager = crm_app(manager_api, tmp_path / "m1")
    async with manager.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "m1")
        screen = await screen_after(pilot, AccessRequestsScreen, "a")
        table = screen.query_one("#requests", DataTable)
        assert table.row_count == 1  # waiting for a decision
        await pilot.press("h")
        await settle(pilot)
        assert table.row_count == 2  # and the history
        keys = {str(table.coordinate_to_cell_key((i, 0)).row_key.value) for i in range(2)}
        assert keys == {_gid(pending.id, "AccessRequest"), _gid(granted.id, "AccessRequest")}
    await manager_api.close()


def _palette(app: Any) -> set[str]:
    return {command.title for command in app.get_system_commands(app.screen)}


async def test_each_screen_brings_its_own_palette_commands(
    company: Company, api: CrmClient, app: Any, tmp_path: Path
) -> None:
    own, _ = await customer_due(company, "m1", "主管的客户", -1)
    manager_api = CrmClient("http://crm.test/graphql", transport=httpx.ASGITransport(app=app))
    manager = crm_app(manager_api, tmp_path / "m1")
    async with manager.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "m1")
        on_queue = _palette(manager)
        assert {"Log contact", "Skip", "Filter the queue", "Team view"} <= on_queue
        assert "Transfer" not in on_queue and "Tab: People" not in on_queue
        manager.push_screen(CustomerScreen(manager.api, _gid(own.id)))
        await settle(pilot)
        on_customer = _palette(manager)
        assert {"Transfer", "Tab: People", "Contact plan", "Customers"} <= on_customer
        assert "Skip" not in on_customer
    await manager_api.close()
    rep = crm_app(api, tmp_path)
    async with rep.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "r1")
        assert "Team view" not in _palette(rep)  # the server says a rep has no team


async def test_an_answer_for_a_screen_already_replaced_is_dropped(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    """Switching the language replaces the queue while its reload may still be out; the old
    screen's late answer (or failure) must not draw into widgets that are gone (it crashed
    the client with NoMatches)."""
    from tui.api import ServerUnreachable

    await customer_due(company, "r1", "杭州机械厂", -1)
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        old = app.screen
        assert isinstance(old, QueueScreen) and old.reached()
        app.switch_screen(QueueScreen(api))
        await settle(pilot)
        assert app.screen is not old
        assert old.reached() is False
        old.failed(ServerUnreachable("http://127.0.0.1:1/graphql", "refused"), lambda: None)
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert "杭州机械厂" in app.export_screenshot()
