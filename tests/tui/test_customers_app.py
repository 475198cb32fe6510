"""The customer list and the customer screen, driven by keys against the real server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static, TabbedContent

from server.domain.customers.models import Customer
from server.domain.customers.pinyin import search_text
from server.domain.followups.models import Interaction
from tests.conftest import Company
from tests.tui.conftest import SIZE, crm_app, customer_due
from tests.tui.helpers import screen_after, settle, sign_in
from tui.api import CrmClient
from tui.dialogs.log_contact import LogContactDialog
from tui.screens.customer import CustomerScreen
from tui.screens.customers import CustomersScreen


def listed(screen: CustomersScreen) -> list[str]:
    table = screen.query_one("#customers", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def open_customers(pilot: Pilot[Any]) -> CustomersScreen:
    return await screen_after(pilot, CustomersScreen, "c")


async def test_search_as_you_type_in_chinese_and_pinyin(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    for name in ("杭州机械厂", "苏州模具厂", "杭州电器"):
        await Customer.create(owner=company.users["r1"], name=name, search_text=search_text(name))
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        screen = await open_customers(pilot)
        assert sorted(listed(screen)) == ["杭州机械厂", "杭州电器", "苏州模具厂"]
        await pilot.press(*"hzjx")
        await pilot.pause(0.4)
        await settle(pilot)
        assert listed(screen) == ["杭州机械厂"]
        screen.query_one("#search", Input).value = "杭州"
        await pilot.pause(0.4)
        await settle(pilot)
        assert sorted(listed(screen)) == ["杭州机械厂", "杭州电器"]
        assert "2 customers" in str(screen.query_one("#status", Static).render())


async def test_the_list_loads_further_pages_while_scrolling(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    await Customer.bulk_create(
        [
            Customer(
                owner=company.users["r1"], name=f"客户{i:03d}", search_text=search_text(f"客户{i}")
            )
            for i in range(120)
        ]
    )
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        screen = await open_customers(pilot)
        table = screen.query_one("#customers", DataTable)
        assert table.row_count == 50 and screen.total == 120
        table.focus()
        for _ in range(6):  # walk down; each page is fetched before the end is reached
            table.move_cursor(row=table.row_count - 1)
            await settle(pilot)
        assert table.row_count == 120
        assert len(set(listed(screen))) == 120  # no row twice


async def test_new_customer_then_archive(company: Company, api: CrmClient, tmp_path: Path) -> None:
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await open_customers(pilot)
        await pilot.press("enter")  # from the search box to the list, where keys act
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")  # no name: refused beside the field
        await settle(pilot)
        assert app.screen.query_one("#error-name").has_class("-shown")
        await pilot.press(*"宁波新材料", "tab", *"华东")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        created = await Customer.get(name="宁波新材料")
        assert created.region == "华东" and created.owner_id == company.users["r1"].id
        await pilot.press("escape")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CustomersScreen)
        screen.query_one("#customers", DataTable).focus()
        await pilot.press("a", "y")
        await settle(pilot)
        await created.refresh_from_db()
        assert created.archived_at is not None
        assert "宁波新材料" not in listed(screen)


async def test_customer_screen_tabs_and_logging_from_it(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    customer, _ = await customer_due(company, "r1", "杭州机械厂", -1, grade="C")
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("enter")  # opens the customer of the highlighted follow-up
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CustomerScreen)
        assert "杭州机械厂" in str(screen.query_one("#title", Static).render())
        await pilot.press("2")
        assert screen.query_one(TabbedContent).active == "people"
        people = screen.query_one("#people-table", DataTable)
        names = {str(people.get_row_at(i)[0]): people.get_row_at(i) for i in range(2)}
        assert names["王总"][3] == "决 yes" and names["李主任"][6] == "strong ally"
        await pilot.press("4")
        followups = screen.query_one("#followups-table", DataTable)
        assert followups.row_count == 1
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LogContactDialog)
        await pilot.click("#outcome")
        await pilot.press(*"面谈", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("3")
        timeline = screen.query_one("#timeline-table", DataTable)
        assert timeline.row_count == 1
    assert (await Interaction.get(customer_id=customer.id)).outcome == "面谈"


async def test_edit_the_archive_and_resolve_a_version_conflict(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    customer, _ = await customer_due(company, "r1", "杭州机械厂", -1, phone="0571-1111")
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#phone", Input).value = "0571-2222"
        # Meanwhile a colleague changes the phone and the address.
        await Customer.filter(id=customer.id).update(
            phone="0571-3333", address="杭州市滨江区", version=customer.version + 1
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        conflict = str(dialog.query_one("#conflict", Static).render())
        assert "0571-1111 → 0571-3333" in conflict and "yours: 0571-2222" in conflict
        assert "杭州市滨江区" in conflict
        assert dialog.query_one("#phone", Input).value == "0571-2222"  # typing kept
        await pilot.press("ctrl+a")  # re-apply mine on top of theirs
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
    await customer.refresh_from_db()
    # My phone won; their address stayed (only my changed field was sent).
    assert customer.phone == "0571-2222" and customer.address == "杭州市滨江区"


async def test_add_edit_and_remove_contacts(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    from server.domain.customers.models import Contact

    customer, _ = await customer_due(company, "r1", "杭州机械厂", -1)
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CustomerScreen)
        await pilot.press("2", "a")
        await settle(pilot)
        await pilot.press(*"赵工", "tab", *"技术部长", "tab", *"13800000000")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        added = await Contact.get(customer_id=customer.id, name="赵工")
        assert (added.title, added.phone) == ("技术部长", "13800000000")
        # Edit 王总: mark him a strong ally (enter on his row).
        people = screen.query_one("#people-table", DataTable)
        people.focus()
        row = [str(people.get_row_at(i)[0]) for i in range(people.row_count)].index("王总")
        people.move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)
        from textual.widgets import Select

        app.screen.query_one("#allyStrength", Select).value = "STRONG"
        await pilot.press("ctrl+s")
        await settle(pilot)
        boss = await Contact.get(customer_id=customer.id, name="王总")
        assert boss.ally_strength == "strong" and boss.version == 2
        # Remove 赵工.
        row = [str(people.get_row_at(i)[0]) for i in range(people.row_count)].index("赵工")
        people.move_cursor(row=row)
        await pilot.press("x", "y")
        await settle(pilot)
        assert not await Contact.filter(customer_id=customer.id, name="赵工").exists()
        assert "赵工" not in [str(people.get_row_at(i)[0]) for i in range(people.row_count)]


async def test_manager_transfers_a_customer_with_its_follow_ups(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    from server.domain.followups.models import FollowUp

    customer, follow_up = await customer_due(company, "r1", "杭州机械厂", -1)
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "m1")
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter", "enter")  # into the list, open the only customer
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press(*"r2")
        await pilot.pause(0.2)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
    await customer.refresh_from_db()
    assert customer.owner_id == company.users["r2"].id
    assert (await FollowUp.get(id=follow_up.id)).assignee_id == company.users["r2"].id


async def test_command_palette_reaches_customer_actions(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    from tui.dialogs.edit_archive import EditArchiveDialog

    await customer_due(company, "r1", "杭州机械厂", -1)
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Edit archive")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EditArchiveDialog)


async def test_filter_the_list_by_grade_stage_region_tag_owner_and_key_account(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    from textual.widgets import Checkbox, SelectionList

    from server.domain.customers.models import CustomerTag
    from tui.dialogs.customer_filter import CustomerFilterDialog

    match = {"grade": "A", "stage": "negotiating", "region": "华东", "is_key_account": True}
    # Each differs from the wanted one in one respect only.
    for name, owner, changes, tagged in (
        ("甲·要的", "r1", {}, True),
        ("乙·阶段", "r1", {"stage": "prospect"}, True),
        ("丙·别人", "r2", {}, True),
        ("丁·等级", "r1", {"grade": "C"}, True),
        ("戊·地区", "r1", {"region": "华北"}, True),
        ("己·非大客户", "r1", {"is_key_account": False}, True),
        ("庚·无标签", "r1", {}, False),
    ):
        customer = await Customer.create(
            owner=company.users[owner],
            name=name,
            search_text=search_text(name),
            **{**match, **changes},
        )
        if tagged:
            await CustomerTag.create(customer=customer, tag="模具")
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "m1")
        screen = await open_customers(pilot)
        assert len(listed(screen)) == 7
        await pilot.press("down", "f")  # into the list, then the filter
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CustomerFilterDialog)
        dialog.query_one("#regions", Input).value = "华东"
        await pilot.press("tab")
        dialog.query_one("#tags", Input).value = "#模具"
        await pilot.press("tab", "space")  # grades: A is first
        await pilot.press("tab", "down", "space")  # stages: negotiating is second
        owners = dialog.query_one("#owners", SelectionList)
        values = [owners.get_option_at_index(i).value for i in range(owners.option_count)]
        await pilot.press("tab", *["down"] * values.index(company.gid("r1")), "space")
        await pilot.press("tab", "space")  # key accounts only
        assert dialog.query_one("#key", Checkbox).value is True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert listed(screen) == ["甲·要的"]
        status = str(screen.query_one("#status", Static).render())
        assert "1 customer ·" in status and "grade A" in status and "#模具" in status
        assert "R1" in status  # the owner by display name

        # The search box narrows within the filter; clearing the filter brings all back.
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert len(listed(screen)) == 7


async def open_customer_from_queue(pilot: Pilot[Any]) -> CustomerScreen:
    await sign_in(pilot)
    return await screen_after(pilot, CustomerScreen, "enter")


async def test_make_change_and_clear_the_contact_plan(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    from server.domain.followups.models import ContactPlan
    from tui.dialogs.contact_plan import ContactPlanDialog

    customer, _ = await customer_due(company, "r1", "杭州机械厂", -1, grade="C")
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_customer_from_queue(pilot)
        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ContactPlanDialog)
        typed = {
            "focus": "推新款模具",
            "frequencyDays": "3",
            "preferredTime": "周二上午",
            "expectedOrder-products": "注塑模具",
            "expectedOrder-quantity": "2",
            "expectedOrder-amount": "-5",
        }
        for dom_id, text in typed.items():
            dialog.query_one(f"#{dom_id}", Input).value = text
        await pilot.press("ctrl+s")
        await settle(pilot)
        # Refused: the message beside the amount, the form as typed, nothing written.
        assert app.screen is dialog
        assert "negative" in str(dialog.query_one("#error-expectedOrder-amount").render())
        assert dialog.query_one("#focus", Input).value == "推新款模具"
        assert await ContactPlan.filter(customer_id=customer.id).count() == 0

        dialog.query_one("#expectedOrder-amount", Input).value = "80000.00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        plan = await ContactPlan.get(customer_id=customer.id)
        assert (plan.focus, plan.frequency_days, plan.preferred_time) == (
            "推新款模具",
            3,
            "周二上午",
        )
        assert (plan.expected_products, plan.expected_quantity) == ("注塑模具", 2)
        assert plan.expected_amount_minor == 8_000_000
        await pilot.press("4")
        await settle(pilot)
        shown = str(screen.query_one("#plan", Static).render())
        assert "every 3 days" in shown and "¥80,000.00" in shown

        # Clearing the frequency returns the customer to its grade's cadence (C: 15 days).
        await pilot.press("p")
        await settle(pilot)
        app.screen.query_one("#frequencyDays", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        await plan.refresh_from_db()
        assert plan.frequency_days is None and plan.focus == "推新款模具"
        assert "every 15 days" in str(screen.query_one("#plan", Static).render())


async def test_the_timeline_pages_back_through_every_contact(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    customer, _ = await customer_due(company, "r1", "杭州机械厂", -1)
    start = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
    await Interaction.bulk_create(
        [
            Interaction(
                customer=customer,
                author=company.users["r1"],
                kind="phone",
                occurred_at=start + timedelta(days=i),
                summary=f"第{i}次",
                needs="要报价" if i == 74 else "",
                grade_before="B",
                grade_after="B",
            )
            for i in range(75)
        ]
    )
    app = crm_app(api, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_customer_from_queue(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = screen.query_one("#timeline-table", DataTable)
        assert table.row_count == 30
        table.focus()
        detail = str(screen.query_one("#timeline-detail", Static).render())
        assert "needs: 要报价" in detail and "30 of 75 contacts" in detail
        for _ in range(4):
            table.move_cursor(row=table.row_count - 1)
            await settle(pilot)
        summaries = [str(table.get_row_at(i)[4]) for i in range(table.row_count)]
        assert summaries == [f"第{i}次" for i in range(74, -1, -1)]  # newest first, each once
        assert "of 75" not in str(screen.query_one("#timeline-detail", Static).render())
