"""Pilot tests of collections in the client, against the real server: finance opens on the
collections screen, classifies a debt, climbs the ladder (a refusal shown beside its
field), records a payment whose allocation the dialog showed, and stops supply, which the
server then holds against an order."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select, Static

from server.domain.receivables.models import CollectionCase, CreditHold, Payment, Receivable
from tests.conftest import Company
from tests.tui.conftest import SIZE, crm_app
from tests.tui.helpers import settle, sign_in
from tests.tui.test_collections_snapshots import money_data
from tests.tui.test_complaint_snapshots import at
from tests.tui.test_snapshots import DAY
from tui.api import CrmClient
from tui.dialogs.collections import ClassifyDialog, HoldDialog, LadderDialog, PaymentDialog
from tui.screens.aging import AgingScreen
from tui.screens.collections import CollectionsScreen
from tui.widgets.field_error import FieldError


async def test_finance_works_a_case_from_the_collections_screen(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    from server.domain.shared import clock

    await money_data(company)
    with clock.standing_at(at(DAY.day, 9)):
        app = crm_app(api, tmp_path)
        app.day = DAY
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, "fin")
            screen = pilot.app.screen
            assert isinstance(screen, CollectionsScreen)
            names = {c.customer_name for c in screen.cases.values()}
            assert {"杭州机械厂", "苏州海川模具", "宁波东方电器", "上海华东建材"} <= names
            table = screen.query_one("#cases", DataTable)
            [key] = [k for k, c in screen.cases.items() if c.customer_name == "宁波东方电器"]
            table.move_cursor(row=table.get_row_index(key))

            # Classify: malicious, with the reason.
            await pilot.press("c")
            await settle(pilot)
            dialog = pilot.app.screen
            assert isinstance(dialog, ClassifyDialog)
            dialog.query_one("#classification", Select).value = "MALICIOUS"
            dialog.query_one("#reason", Input).value = "转移资产"
            await pilot.press("ctrl+s")
            await settle(pilot)
            case = await CollectionCase.get(customer__name="宁波东方电器")
            assert case.classification == "malicious"

            # Straight to court: a lawsuit without its case number is refused on that field.
            await pilot.press("s")
            await settle(pilot)
            ladder = pilot.app.screen
            assert isinstance(ladder, LadderDialog)
            ladder.query_one("#step", Select).value = "LEGAL"
            ladder.query_one("#legalAction", Select).value = "LAWSUIT"
            await pilot.press("ctrl+s")
            await settle(pilot)
            refusal = ladder.query_one("#error-caseNumber", FieldError)
            assert refusal.display and "case number" in str(refusal.render()).lower()
            ladder.query_one("#caseNumber", Input).value = "(2026)浙0102民初1号"
            await pilot.press("ctrl+s")
            await settle(pilot)
            case = await CollectionCase.get(id=case.id)
            assert (case.step, case.case_number) == ("legal", "(2026)浙0102民初1号")

            # A payment from 杭州机械厂: the dialog shows how it will be applied.
            [key] = [k for k, c in screen.cases.items() if c.customer_name == "杭州机械厂"]
            table.move_cursor(row=table.get_row_index(key))
            await pilot.press("p")
            await settle(pilot)
            pay = pilot.app.screen
            assert isinstance(pay, PaymentDialog)
            pay.query_one("#amount", Input).value = "10000"
            await settle(pilot)
            preview = str(pay.query_one("#preview", Static).render())
            assert "7,000.00" in preview and "3,000.00" in preview
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert await Payment.filter(amount_minor=10_000_00).count() == 1
            owed = await Receivable.filter(customer__name="杭州机械厂").order_by("due_on")
            assert [r.open_minor for r in owed] == [0, 9_000_00]

            # Stop supply to 苏州海川模具.
            [key] = [k for k, c in screen.cases.items() if c.customer_name == "苏州海川模具"]
            table.move_cursor(row=table.get_row_index(key))
            await pilot.press("h")
            await settle(pilot)
            hold = pilot.app.screen
            assert isinstance(hold, HoldDialog)
            hold.query_one("#reason", Input).value = "逾期四个月"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert await CreditHold.filter(
                customer__name="苏州海川模具", open_slot__isnull=False
            ).exists()

            # The aging, from the same screen.
            await pilot.press("g")
            await settle(pilot)
            assert isinstance(pilot.app.screen, AgingScreen)

    # The hold refuses the customer's next order (the client records no orders yet).
    r1 = company.api("r1")
    customers = await r1.data('{ customers(filter: {search: "苏州海川"}) { nodes { id } } }')
    [found] = customers["customers"]["nodes"]
    refused = await r1.data(
        """mutation($i: SalesOrderCreateInput!) { salesOrderCreate(input: $i) {
        userErrors { field code } } }""",
        {
            "i": {
                "customerId": found["id"],
                "orderedOn": DAY.isoformat(),
                "lines": [{"product": "模具", "quantity": 1, "unitPrice": "100.00"}],
            }
        },
    )
    assert refused["salesOrderCreate"]["userErrors"] == [
        {"field": ["input", "creditOverrideReason"], "code": "INVALID_STATE"}
    ]


async def test_a_hold_refuses_an_order_until_a_manager_overrides(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    from server.domain.accounts.viewer import Viewer
    from server.domain.customers.models import Customer
    from server.domain.receivables import holds
    from server.domain.sales.models import SalesOrder
    from tests.tui.test_complaints_app import signed_in
    from tui.dialogs.collections import OrderDialog
    from tui.screens.customer import CustomerScreen

    await money_data(company)
    customer = await Customer.get(name="杭州机械厂")
    await holds.place_hold(Viewer(user=company.users["fin"]), customer.id, "逾期未付")
    gid = f"Customer:{customer.id}"
    import base64

    customer_id = base64.b64encode(gid.encode()).decode()

    async def order(who: str, reason: str) -> str:
        """Record the order as `who`; the refusal beside the override field ("" if none)."""
        async with signed_in(api, tmp_path, who) as pilot:
            await pilot.app.push_screen(CustomerScreen(api, customer_id))
            await settle(pilot)
            await pilot.press("o")
            await settle(pilot)
            dialog = pilot.app.screen
            assert isinstance(dialog, OrderDialog)
            dialog.query_one("#product", Input).value = "模具"
            dialog.query_one("#quantity", Input).value = "2"
            dialog.query_one("#unitPrice", Input).value = "600"
            dialog.query_one("#creditOverrideReason", Input).value = reason
            await pilot.press("ctrl+s")
            await settle(pilot)
            if pilot.app.screen is not dialog:
                return ""
            return str(dialog.query_one("#error-creditOverrideReason", FieldError).render())

    assert "逾期未付" in await order("r1", "")
    assert await SalesOrder.filter(customer_id=customer.id).count() == 0
    # The rep's own reason is not enough; the manager's is.
    assert "manager" in await order("r1", "急单")
    assert await order("m1", "老客户，已承诺月底付清") == ""
    assert await SalesOrder.filter(customer_id=customer.id).count() == 1


async def test_finance_reverses_a_payment_and_marks_a_dispute_on_the_account(
    company: Company, api: CrmClient, tmp_path: Path
) -> None:
    from tui.dialogs.collections import DisputeDialog, ReverseDialog
    from tui.screens.account import AccountScreen

    await money_data(company)
    app = crm_app(api, tmp_path)
    app.day = DAY
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fin")
        screen = pilot.app.screen
        assert isinstance(screen, CollectionsScreen)
        table = screen.query_one("#cases", DataTable)
        [key] = [k for k, c in screen.cases.items() if c.customer_name == "杭州机械厂"]
        table.move_cursor(row=table.get_row_index(key))
        await pilot.press("enter")
        await settle(pilot)
        account = pilot.app.screen
        assert isinstance(account, AccountScreen)
        money = account.query_one("#money-table", DataTable)
        money.move_cursor(row=2)  # the payment, after the two debts
        await pilot.press("v")
        await settle(pilot)
        reverse = pilot.app.screen
        assert isinstance(reverse, ReverseDialog)
        reverse.query_one("#reason", Input).value = "银行退回"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert await Payment.filter(reversed_at__isnull=False).count() == 1
        owed = await Receivable.filter(customer__name="杭州机械厂").order_by("due_on")
        assert owed[0].open_minor == owed[0].amount_minor  # owed in full again
        money.move_cursor(row=0)
        await pilot.press("u")
        await settle(pilot)
        dispute = pilot.app.screen
        assert isinstance(dispute, DisputeDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await owed[0].refresh_from_db()
        assert owed[0].status == "disputed"


@pytest.mark.parametrize(("who", "offered"), [("r1", False), ("m1", True)])
async def test_collections_offers_a_rep_only_what_a_rep_may_do(
    company: Company, api: CrmClient, tmp_path: Path, who: str, offered: bool
) -> None:
    """A rep reads their customers' cases but neither stops supply nor decides write-offs:
    those keys are not shown to them, and pressing them does nothing; a manager has both."""
    await money_data(company)
    app = crm_app(api, tmp_path)
    app.day = DAY
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, who)
        await pilot.press("dollar_sign")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CollectionsScreen)
        active = pilot.app.active_bindings.values()
        shown = {b.binding.action for b in active if b.binding.show}
        for action in ("hold", "write_offs"):
            assert (action in shown) is offered, (who, action)
        await pilot.press("w")
        await settle(pilot)
        assert (pilot.app.screen is screen) is not offered, who
