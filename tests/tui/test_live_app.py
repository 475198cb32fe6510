"""The terminal client listening: a real server on a real port (HTTP and WebSocket), two
clients, and the screens of one following what the other does."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from textual.pilot import Pilot
from textual.widgets import DataTable

from server.domain.followups.models import FollowUp
from server.process.hub import HUB
from tests.conftest import Company
from tests.server.live_helpers import serving
from tests.tui.conftest import SIZE, crm_app, customer_due
from tests.tui.helpers import settle, until
from tui.api import CrmClient
from tui.api.live import Change, ChangeKind, Delivery, LiveFeed, LiveState
from tui.app import CrmApp
from tui.screens.base import cursor_key
from tui.screens.customer import CustomerScreen
from tui.screens.queue import QueueScreen
from tui.widgets.notice import Notice

STREAMS = 4  # the feed's subscriptions: queue, complaints, money, customers


def gid(kind: str, pk: int) -> str:
    from strawberry.relay import GlobalID

    return str(GlobalID(kind, str(pk)))


@asynccontextmanager
async def two_clients(app: Any, company: Company, me: str, other: str) -> AsyncIterator[Any]:
    """A real server; `me`'s client with a live feed, and `other`'s plain client."""
    async with serving(app) as ws_url:
        url = ws_url.replace("ws://", "http://")
        mine = CrmClient(url, company.tokens[me])
        theirs = CrmClient(url, company.tokens[other])
        try:
            yield url, mine, theirs
        finally:
            await mine.close()
            await theirs.close()


async def listening(pilot: Pilot[Any], before: int) -> None:
    """Signed in and subscribed: the server holds the feed's inboxes."""
    await settle(pilot)
    await until(lambda: len(HUB.inboxes) >= before + STREAMS, pilot)


@asynccontextmanager
async def live_app(
    app: Any, company: Company, me: str, other: str
) -> AsyncIterator[tuple[Pilot[Any], CrmClient, CrmClient]]:
    """`me` in the terminal client, signed in and listening; `other`'s plain client."""
    before = len(HUB.inboxes)
    async with two_clients(app, company, me, other) as (url, mine, theirs):
        crm = CrmApp(mine, None, me, live=LiveFeed(url, lambda: mine.token))
        async with crm.run_test(size=SIZE) as pilot:
            await listening(pilot, before)
            yield pilot, mine, theirs


async def called_elsewhere(
    client: CrmClient, customer: Any, due: Any, pilot: Pilot[Any], queue: QueueScreen
) -> None:
    """`client` logs a call that completes `due`; the queue on screen drops its row."""
    await client.log_interaction(
        customer_id=gid("Customer", customer.id),
        kind="PHONE",
        grade="B",
        follow_up_id=gid("FollowUp", due.id),
        outcome="已回访",
    )
    await until(lambda: gid("FollowUp", due.id) not in queue.rows, pilot)


async def test_the_queue_updates_when_another_client_logs_a_contact(
    app: Any, company: Company, tmp_path: Path
) -> None:
    await customer_due(company, "r1", "苏州纺织厂", -3)
    first, due_first = await customer_due(company, "r1", "杭州机械厂", -2)
    second, due_second = await customer_due(company, "r1", "宁波电机厂", -1)
    _third, due_third = await customer_due(company, "r1", "温州阀门厂", 0)
    async with live_app(app, company, "r1", "m1") as (pilot, _mine, theirs):
        queue = pilot.app.screen
        assert isinstance(queue, QueueScreen)
        table = queue.query_one("#rows", DataTable)

        async def manager_calls(customer: Any, due: Any) -> None:
            await called_elsewhere(theirs, customer, due, pilot, queue)
            await settle(pilot)
            assert (await FollowUp.get(id=due.id)).status == "done"

        # The rep is on 宁波's row; the manager calls 杭州, a row above it.
        table.move_cursor(row=table.get_row_index(gid("FollowUp", due_second.id)))
        await pilot.pause()
        await manager_calls(first, due_first)
        # Done elsewhere, gone here; the rep's cursor is still on its row.
        assert cursor_key(table) == gid("FollowUp", due_second.id)

        # Now the row under the cursor goes: the cursor takes the next one (温州),
        # not the top of the queue.
        await manager_calls(second, due_second)
        assert cursor_key(table) == gid("FollowUp", due_third.id)
        selected = queue.selected()
        assert selected is not None and selected.customer_name == "温州阀门厂"


async def test_the_customer_screen_says_when_someone_else_changed_it(
    app: Any, company: Company, tmp_path: Path
) -> None:
    customer, _due = await customer_due(company, "r1", "杭州机械厂", 3)
    customer_id = gid("Customer", customer.id)
    async with live_app(app, company, "r1", "m1") as (pilot, mine, theirs):
        pilot.app.push_screen(CustomerScreen(mine, customer_id))
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CustomerScreen) and screen.detail is not None
        notice = screen.query_one("#stale", Notice)

        # The rep's own edit is not news.
        mine_now = await mine.update_customer(customer_id, screen.detail.version, region="华南")
        await pilot.pause(0.8)
        assert not notice.shown

        # The manager's is: said, not applied under the rep's eyes.
        await theirs.update_customer(customer_id, mine_now, region="华北")
        await until(lambda: notice.shown, pilot)
        assert "Someone else changed this customer" in str(notice.render())
        assert screen.detail.region != "华北"
        await pilot.press("r")
        await settle(pilot)
        assert screen.detail.region == "华北"
        assert not notice.shown


@asynccontextmanager
async def feeding(url: str, token: Callable[[], str | None]) -> AsyncIterator[list[Delivery]]:
    """A LiveFeed running beside the test (retrying every 0.1 s); yields what it delivers."""
    got: list[Delivery] = []
    task = asyncio.create_task(LiveFeed(url, token, backoff=(0.1,)).run(got.append))
    try:
        yield got
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_the_feed_reconnects_after_the_server_restarts_and_says_to_read_again(
    app: Any, company: Company
) -> None:
    customer, _due = await customer_due(company, "r1", "杭州机械厂", 3)
    async with serving(app) as ws_url:
        port = urlsplit(ws_url).port or 0
        url = ws_url.replace("ws://", "http://")
    async with feeding(url, lambda: company.tokens["r1"]) as got:
        # No server: the feed keeps trying (every 0.1 s here).
        await asyncio.sleep(0.5)
        assert got == []
        async with serving(app, port):
            await until(lambda: LiveState(up=True) in got)
        # The server went away under it: it says so, and keeps trying.
        await until(lambda: any(isinstance(d, LiveState) and not d.up for d in got))
        async with serving(app, port):
            await until(lambda: LiveState(up=True, resumed=True) in got)
            await until(lambda: len(HUB.inboxes) >= STREAMS)
            theirs = CrmClient(url, company.tokens["m1"])
            try:
                await theirs.update_customer(gid("Customer", customer.id), 1, region="华北")
            finally:
                await theirs.close()
            change = Change(ChangeKind.CUSTOMER, gid("Customer", customer.id), version=2)
            await until(lambda: change in got)


async def test_a_revoked_session_stops_the_feed_until_the_next_sign_in(
    app: Any, company: Company
) -> None:
    token = {"now": company.tokens["r1"]}
    async with serving(app) as ws_url:
        url = ws_url.replace("ws://", "http://")
        async with feeding(url, lambda: token["now"]) as got:
            await until(lambda: LiveState(up=True) in got)
            await until(lambda: len(HUB.inboxes) >= STREAMS)
            mine = CrmClient(url, company.tokens["r1"])
            try:
                await mine.logout()  # revokes the token the feed signed in with
                await until(lambda: LiveState(up=False, signed_out=True) in got)
                await asyncio.sleep(0.5)
                assert got.count(LiveState(up=False, signed_out=True)) == 1  # no retry loop
                await mine.login("r1", "correct horse battery")
            finally:
                await mine.close()
            token["now"] = mine.token
            await until(lambda: LiveState(up=True, resumed=True) in got)


async def test_the_collections_screen_follows_another_finance_users_payment(
    app: Any, company: Company
) -> None:
    from tests.server.followup_helpers import company_today
    from tests.server.test_collections import owe
    from tui.screens.collections import CollectionsScreen

    await company.add_user("fin", "finance")
    await company.add_user("fin2", "finance")
    owing = {}
    for name, days in (("嘉兴纸业", 100), ("湖州竹业", 60), ("绍兴黄酒厂", 30)):
        customer, _due = await customer_due(company, "r1", name, 5)
        await owe(company, gid("Customer", customer.id), "800.00", days_overdue=days)
        owing[name] = customer
    async with live_app(app, company, "fin", "fin2") as (pilot, _mine, theirs):
        board = pilot.app.screen
        assert isinstance(board, CollectionsScreen)
        table = board.query_one("#cases", DataTable)
        names = {case.customer_name: key for key, case in board.cases.items()}
        assert set(names) == set(owing)
        table.move_cursor(row=table.get_row_index(names["湖州竹业"]))
        await pilot.pause()
        # The other finance user books 嘉兴纸业's payment in full: its case closes.
        await theirs.record_payment(
            {
                "customerId": gid("Customer", owing["嘉兴纸业"].id),
                "amount": "800.00",
                "receivedOn": company_today().isoformat(),
                "method": "BANK_TRANSFER",
            }
        )
        await until(lambda: names["嘉兴纸业"] not in board.cases, pilot)
        await settle(pilot)
        assert cursor_key(table) == names["湖州竹业"]
        assert {c.customer_name for c in board.cases.values()} == {"湖州竹业", "绍兴黄酒厂"}


async def test_a_manager_watching_a_reps_queue_sees_the_rep_work_it(
    app: Any, company: Company
) -> None:
    from tui.screens.team import TeamScreen

    first, due_first = await customer_due(company, "r1", "杭州机械厂", -2)
    await customer_due(company, "r1", "宁波电机厂", -1)
    async with live_app(app, company, "m1", "r1") as (pilot, mine, theirs):
        team = TeamScreen(mine)
        pilot.app.push_screen(team)
        await settle(pilot)
        r1 = company.gid("r1")
        assert team.loads[r1].overdue == 2
        team.query_one("#team", DataTable).move_cursor(
            row=team.query_one("#team", DataTable).get_row_index(r1)
        )
        await pilot.press("enter")
        await settle(pilot)
        queue = pilot.app.screen
        assert isinstance(queue, QueueScreen) and queue.user_id == r1
        # The rep calls the first customer from their own terminal.
        await called_elsewhere(theirs, first, due_first, pilot, queue)
        # Back on the team view, the count is the new one.
        await pilot.press("escape")
        await settle(pilot)
        assert team.loads[r1].overdue == 1


async def test_the_header_says_when_the_client_is_not_live(api: CrmClient, tmp_path: Path) -> None:
    crm = crm_app(api, tmp_path)
    async with crm.run_test(size=SIZE) as pilot:
        crm.sub_title = "张伟 @ crm.test"
        crm.heard(LiveState(up=False, reason="connection refused"))
        crm.heard(LiveState(up=False, reason="connection refused"))  # said once, not twice
        await pilot.pause()
        assert crm.sub_title == "张伟 @ crm.test · not live"
        crm.heard(LiveState(up=True, resumed=True))
        await pilot.pause()
        assert crm.sub_title == "张伟 @ crm.test"


async def test_signed_out_elsewhere_the_client_says_so_at_once_and_asks_for_the_password(
    app: Any, company: Company
) -> None:
    """The session revoked from another machine: the sign-in comes over the screen at once
    (not at the next call), naming why, with the name filled in and the password focused;
    signing in carries on where the user was."""
    from textual.widgets import Input, Label

    from tui.screens.login import LoginScreen

    await customer_due(company, "r1", "杭州机械厂", -1)
    async with live_app(app, company, "r1", "m1") as (pilot, mine, _theirs):
        queue = pilot.app.screen
        assert isinstance(queue, QueueScreen)
        elsewhere = CrmClient(mine.url, mine.token)
        try:
            await elsewhere.logout()
        finally:
            await elsewhere.close()
        await until(lambda: isinstance(pilot.app.screen, LoginScreen), pilot)
        await settle(pilot)
        login = pilot.app.screen
        assert "signed out elsewhere" in str(login.query_one("#message", Label).render())
        assert login.query_one("#username", Input).value == "r1"
        assert pilot.app.focused is login.query_one("#password", Input)
        await pilot.press(*"correct horse battery", "enter")
        await settle(pilot)
        assert pilot.app.screen is queue
