"""The visit plan and access requests, driven by keys against the real server."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, OptionList

from server.domain.access.models import AccessGrant, AccessRequest
from server.domain.customers.models import Customer
from server.domain.customers.pinyin import search_text
from server.domain.followups.models import FollowUp
from tests.conftest import Company
from tests.tui.conftest import SIZE, crm_app, customer_due
from tests.tui.helpers import settle, sign_in
from tui.api import CrmClient
from tui.screens.access import AccessRequestsScreen
from tui.screens.visits import VisitPlanScreen


async def test_visit_plan_in_route_order(company: Company, api: CrmClient, tmp_path: Path) -> None:
    for name, position in (("第三站", 3), ("第一站", 1), ("第二站", 2)):
        _, follow_up = await customer_due(
            company, "r1", name, 0, region="华东", route="杭州东线", route_position=position
        )
        await FollowUp.filter(id=follow_up.id).update(kind="visit")
    await customer_due(company, "r1", "别的区", 0, region="华南")
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("v")  # opens on the highlighted customer's region
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, VisitPlanScreen)
        assert screen.query_one("#region", Input).value == "华东"
        table = screen.query_one("#stops", DataTable)
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == [
            "第一站",
            "第二站",
            "第三站",
        ]


async def test_rep_files_a_request_and_the_manager_grants_it(
    company: Company, app: object, tmp_path: Path
) -> None:
    import httpx

    hidden = await Customer.create(
        owner=company.users["r3"], name="厦门瑞丰纺织", search_text=search_text("厦门瑞丰纺织")
    )
    rep_api = CrmClient("http://crm.test/graphql", transport=httpx.ASGITransport(app=app))
    rep = crm_app(rep_api, tmp_path)
    async with rep.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "r1")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(rep.screen, AccessRequestsScreen)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")  # empty: refused, kept open
        await settle(pilot)
        assert rep.screen.query_one("#error-form").has_class("-shown") or any(
            e.has_class("-shown") for e in rep.screen.query("FieldError")
        )
        await pilot.press(*"厦门那家纺织厂", "tab", *"他们来电询价", "ctrl+s")
        await settle(pilot)
        assert isinstance(rep.screen, AccessRequestsScreen)
    await rep_api.close()
    request = await AccessRequest.get(customer_description="厦门那家纺织厂")
    assert request.reason == "他们来电询价"

    boss_api = CrmClient("http://crm.test/graphql", transport=httpx.ASGITransport(app=app))
    boss = crm_app(boss_api, tmp_path)
    async with boss.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "admin")
        await pilot.press("a")
        await settle(pilot)
        inbox = boss.screen
        assert isinstance(inbox, AccessRequestsScreen)
        assert inbox.query_one("#requests", DataTable).row_count == 1
        await pilot.press("g")
        await settle(pilot)
        search = boss.screen.query_one("#search", Input)
        search.value = "xmrf"  # pinyin initials of 厦门瑞丰
        await pilot.pause(0.2)
        await settle(pilot)
        assert boss.screen.query_one("#matches", OptionList).option_count == 1
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert boss.screen is inbox
    await boss_api.close()
    await request.refresh_from_db()
    assert request.status == "granted"
    grant = await AccessGrant.get(customer_id=hidden.id)
    assert grant.grantee_id == company.users["r1"].id
