"""The terminal client against the real server app in-process: gql over httpx's ASGI
transport, a real database underneath (the same fixtures as the server tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.domain.customers.models import Contact, Customer
from server.domain.customers.pinyin import search_text
from server.domain.followups.models import FollowUp, FollowUpOrigin, open_slot
from tests.conftest import Company
from tests.server.followup_helpers import company_today
from tui import i18n
from tui.api import CrmClient
from tui.api.tokens import TokenStore
from tui.app import CrmApp

URL = "http://crm.test/graphql"
PASSWORD = "correct horse battery"  # every user of the test company (tests/conftest.py)
SIZE = (100, 30)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The client's tests read English unless they choose Chinese (the product's default)
    themselves; the language is put back after each test."""
    before = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@pytest.fixture
async def api(app: Any) -> AsyncIterator[CrmClient]:
    client = CrmClient(URL, transport=httpx.ASGITransport(app=app))
    yield client
    await client.close()


def crm_app(api: CrmClient, tmp_path: Path, username: str = "") -> CrmApp:
    return CrmApp(api, TokenStore(tmp_path / "session.json"), username)


async def customer_due(
    company: Company,
    owner: str,
    name: str,
    days: int,
    *,
    grade: str = "B",
    purpose: str = "",
    day: date | None = None,
    **columns: Any,
) -> tuple[Customer, FollowUp]:
    """A customer of `owner` with a decision maker, an ally and an open cadence follow-up
    due `days` from `day` (default the company's today; negative: overdue)."""
    customer = await Customer.create(
        owner=company.users[owner],
        name=name,
        search_text=search_text(name),
        grade=grade,
        region=columns.pop("region", "华东"),
        **columns,
    )
    await Contact.create(customer=customer, name="王总", title="总经理", is_decision_maker=True)
    await Contact.create(customer=customer, name="李主任", ally_strength="strong")
    follow_up = await FollowUp.create(
        customer=customer,
        assignee=company.users[owner],
        due_on=(day or company_today()) + timedelta(days=days),
        kind="phone",
        origin="cadence",
        open_slot=open_slot(customer.id, FollowUpOrigin.CADENCE),
        purpose=purpose or f"跟进{name}",
    )
    return customer, follow_up
