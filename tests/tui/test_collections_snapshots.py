"""SVG snapshots of the money screens at 80×24, in Chinese and in English: collections (the
finance user's home), the aging chart, and the dialogs (record a payment with its
allocation shown, classify, a step of the ladder, stop supply). Data and clock are fixed:
the app and the server stand at DAY, 09:00 company time."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_textual_snapshot import SVGImageExtension
from syrupy.assertion import SnapshotAssertion
from textual.pilot import Pilot
from textual.widgets import DataTable

from server.domain.accounts.viewer import Viewer
from server.domain.customers.models import Customer
from server.domain.receivables import collections, services
from server.domain.receivables.models import CollectionCase
from server.domain.shared import clock
from tests.conftest import Company
from tests.tui.helpers import settle, sign_in
from tests.tui.test_complaint_snapshots import at, picture
from tests.tui.test_snapshots import DAY, _queue_data
from tui import i18n
from tui.api import CrmClient
from tui.screens.collections import CollectionsScreen


@pytest.fixture(params=["zh_CN", "en"], autouse=True)
def language(request: pytest.FixtureRequest) -> str:
    i18n.set_language(request.param)
    return str(request.param)


@pytest.fixture
def svg(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(SVGImageExtension)


# (customer, [(amount, days overdue on DAY)], paid, classification, step reached)
MONEY = [
    ("杭州机械厂", [("8500.00", 45), ("12000.00", -10)], "1500.00", "cash_flow", "negotiate"),
    ("苏州海川模具", [("60000.00", 120)], "0", "dispute", None),
    ("宁波东方电器", [("150000.00", 200)], "0", None, None),
    ("上海华东建材", [("3200.50", 5)], "0", None, None),
]


async def money_data(company: Company) -> None:
    """The queue's customers (test_snapshots) owing money, as of DAY."""
    await _queue_data(company)
    fin = await company.add_user("fin", "finance")
    as_fin = Viewer(user=fin)
    with clock.standing_at(at(DAY.day, 9)):
        for index, (name, debts, paid, _, _) in enumerate(MONEY, start=1):
            customer = await Customer.get(name=name)
            for n, (amount, late) in enumerate(debts, start=1):
                due = DAY - timedelta(days=late)
                await services.create_receivable(
                    as_fin,
                    customer.id,
                    {
                        "amount": amount,
                        "issued_on": due - timedelta(days=30),
                        "due_on": due,
                        # Not the id, which depends on the tests run before.
                        "reference": f"FP{index:03d}-{n}",
                    },
                )
            if paid != "0":
                await services.record_payment(
                    as_fin,
                    customer.id,
                    {"amount": paid, "received_on": DAY, "method": "bank_transfer"},
                )
        await collections.open_overdue_cases(DAY)
        for name, _, _, classification, step in MONEY:
            if classification is None:
                continue
            customer = await Customer.get(name=name)
            case = await CollectionCase.get(open_slot=customer.id)
            case = await collections.classify(as_fin, case.id, 1, classification, "对方说资金紧张")
            if step is not None:
                await collections.take_step(
                    as_fin,
                    case.id,
                    case.version,
                    step,
                    {"note": "约谈采购经理", "next_action_on": DAY + timedelta(days=3)},
                )


async def _select(pilot: Pilot[Any], customer: str) -> CollectionsScreen:
    screen = pilot.app.screen
    assert isinstance(screen, CollectionsScreen), screen
    table = screen.query_one("#cases", DataTable)
    [key] = [k for k, case in screen.cases.items() if case.customer_name == customer]
    table.move_cursor(row=table.get_row_index(key))
    await settle(pilot)
    return screen


async def test_collections_is_home_for_finance(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    await money_data(company)

    async def home(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "fin")

    assert svg == await picture(api, tmp_path, home)


async def test_aging_chart(company: Company, api: CrmClient, tmp_path: Path, svg: Any) -> None:
    await money_data(company)

    async def aging(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "fin")
        await pilot.press("g")

    assert svg == await picture(api, tmp_path, aging)


@pytest.mark.parametrize(
    ("key", "customer", "typed"),
    [
        ("p", "杭州机械厂", "10000"),  # the allocation shown before saving
        ("c", "宁波东方电器", ""),
        ("s", "杭州机械厂", ""),
        ("h", "苏州海川模具", ""),
        ("l", "杭州机械厂", ""),
    ],
    ids=["payment", "classify", "step", "hold", "log"],
)
async def test_money_dialog(
    company: Company,
    api: CrmClient,
    tmp_path: Path,
    svg: Any,
    key: str,
    customer: str,
    typed: str,
) -> None:
    await money_data(company)

    async def dialog(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "fin")
        await _select(pilot, customer)
        await pilot.press(key)
        await settle(pilot)
        if typed:
            await pilot.press(*typed)

    assert svg == await picture(api, tmp_path, dialog)


async def test_customer_money_tab(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    """The owner's view of 杭州机械厂's money: owed, overdue, the case, the open debts."""
    await money_data(company)
    customer = await Customer.get(name="杭州机械厂")
    customer.credit_limit_minor = 50_000_00
    await customer.save()

    async def tab(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "r1")
        await pilot.press("enter")  # the first row of the queue: 杭州机械厂
        await settle(pilot)
        await pilot.press("7")

    assert svg == await picture(api, tmp_path, tab)


async def test_write_off_decision(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    """wang's counterpart m1 decides the write-off finance proposed."""
    await money_data(company)
    from server.domain.receivables import writeoffs
    from server.domain.receivables.models import Receivable

    debt = await Receivable.get(reference="FP003-1")
    await writeoffs.propose_write_off(
        Viewer(user=company.users["fin"]), debt.id, "50000.00", "对方已停业"
    )

    async def decide(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "m1")
        await pilot.press("dollar_sign")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("enter")

    assert svg == await picture(api, tmp_path, decide)


async def test_order_refused_on_hold(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    """An order for a customer on hold: refused beside the override field."""
    await money_data(company)
    from server.domain.receivables import holds

    customer = await Customer.get(name="杭州机械厂")
    await holds.place_hold(Viewer(user=company.users["fin"]), customer.id, "逾期未付")

    async def order(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "r1")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press(*"模具")
        await pilot.press("tab", "3", "tab", *"1200")
        await pilot.press("ctrl+s")

    assert svg == await picture(api, tmp_path, order)


async def test_statement_of_account(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    """杭州机械厂's statement for the month before DAY, from the customer screen (s, then [)."""
    await money_data(company)

    async def statement(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "r1")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("left_square_bracket")

    assert svg == await picture(api, tmp_path, statement)


@pytest.mark.parametrize(
    ("keys", "name"),
    [
        (("w",), "write_off"),
        (("u",), "dispute"),
        (("row:2", "v"), "reverse"),
        (("s", "c"), "reconcile"),
    ],
    ids=["write_off", "dispute", "reverse", "reconcile"],
)
async def test_money_tab_dialog(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any, keys: tuple[str, ...], name: str
) -> None:
    """The dialogs reached from 杭州机械厂's money tab: on its oldest debt (write off,
    dispute), on its payment (reverse), and from its statement (agreed)."""
    await money_data(company)

    async def dialog(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "r1")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        for key in keys:
            if key.startswith("row:"):  # the money table's row (the payment is the third)
                table = pilot.app.screen.query_one("#money-table", DataTable)
                table.move_cursor(row=int(key[4:]))
            else:
                await pilot.press(key)
            await settle(pilot)

    assert svg == await picture(api, tmp_path, dialog)


async def test_account_screen_for_finance(
    company: Company, api: CrmClient, tmp_path: Path, svg: Any
) -> None:
    """Finance opens a customer's account from collections (enter): money, not the archive."""
    await money_data(company)

    async def account(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, "fin")
        await _select(pilot, "杭州机械厂")
        await pilot.press("enter")

    assert svg == await picture(api, tmp_path, account)
