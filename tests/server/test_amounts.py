"""An amount is written one way: ASCII digits, at most one point and two decimals, up to the
company's largest amount. Everything else Python's Decimal would have read ("1e5", "1_000",
full-width or Arabic-Indic digits, a space) is refused at the edge, and nothing is written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from server.domain.receivables.models import Payment, Receivable
from tests.conftest import Api, Company, create_customer
from tests.server.followup_helpers import company_today
from tests.server.test_receivables import CREATE, RECORD

REFUSED = [
    "1e5",
    "1E5",
    "１２",  # full-width
    "١٢",  # Arabic-Indic
    "1_000",
    " 1.00",
    "1.00 ",
    "1,000.00",
    "+5",
    ".5",
    "5.",
    "1.234",
    "NaN",
    "Infinity",
    "0x10",
    "",
    "123456789012",  # 123 billion: over the largest amount
    "1000000000.01",
]
ACCEPTED = [
    ("0.01", "0.01"),
    ("7", "7.00"),
    ("1234.5", "1234.50"),
    ("1000000000.00", "1000000000.00"),
]


@pytest.fixture
async def finance(company: Company) -> Api:
    await company.add_user("fin", "finance")
    return company.api("fin")


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors") or []]


async def _send(
    finance: Any, customer_id: str, kind: str, amount: Any
) -> tuple[dict[str, Any], list[Any]]:
    """Record a payment or a debt of `amount`: the answer, and its errors (GraphQL errors
    for an amount refused at the edge, userErrors for one the domain refused)."""
    today = company_today()
    if kind == "payment":
        values = {"customerId": customer_id, "receivedOn": today.isoformat(), "method": "CASH"}
        query, root = RECORD, "paymentRecord"
    else:
        due = today + timedelta(days=30)
        values = {
            "customerId": customer_id,
            "issuedOn": today.isoformat(),
            "dueOn": due.isoformat(),
        }
        query, root = CREATE, "receivableCreate"
    body = await finance.post(query, {"i": {**values, "amount": amount}})
    if body.get("errors"):
        return body, body["errors"]
    return body, body["data"][root]["userErrors"]


@pytest.mark.parametrize("kind", ["payment", "receivable"])
@pytest.mark.parametrize("amount", REFUSED)
async def test_an_amount_in_any_other_form_is_refused_and_nothing_written(
    company: Company, finance: Any, kind: str, amount: str
) -> None:
    customer = await create_customer(company.api("r1"))
    body, errors = await _send(finance, customer["id"], kind, amount)
    assert errors, body
    codes = _codes(body) or [e["code"] for e in errors]
    assert codes[0] in ("GRAPHQL_VALIDATION_FAILED", "OUT_OF_RANGE", "INVALID"), body
    if body.get("errors"):  # refused while reading the variables: the path names the field
        assert "amount" in body["errors"][0]["message"]
    else:
        assert errors[0]["field"] == ["input", "amount"]
    assert await Payment.all().count() == 0
    assert await Receivable.all().count() == 0


@pytest.mark.parametrize("kind", ["payment", "receivable"])
async def test_a_float_is_refused(company: Company, finance: Any, kind: str) -> None:
    customer = await create_customer(company.api("r1"))
    body, _ = await _send(finance, customer["id"], kind, 12.5)
    assert _codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "floating-point" in body["errors"][0]["message"]


@pytest.mark.parametrize(("sent", "kept"), ACCEPTED)
async def test_amounts_in_the_one_form_are_kept_exactly(
    company: Company, finance: Any, sent: str, kept: str
) -> None:
    customer = await create_customer(company.api("r1"))
    body, errors = await _send(finance, customer["id"], "receivable", sent)
    assert errors == [], body
    assert body["data"]["receivableCreate"]["receivable"]["amount"]["amount"] == kept


async def test_the_largest_amount_is_the_companys_to_set(company: Company, finance: Any) -> None:
    customer = await create_customer(company.api("r1"))
    admin = company.api("admin")
    settings = await admin.data("{ companySettings { version largestAmount { amount } } }")
    assert settings["companySettings"]["largestAmount"]["amount"] == "1000000000.00"
    # Lower it: an amount the default allowed is now refused, on its field.
    changed = await admin.data(
        """mutation($i: CompanySettingsUpdateInput!) { companySettingsUpdate(input: $i) {
        settings { largestAmount { amount } } userErrors { field code } } }""",
        {"i": {"version": settings["companySettings"]["version"], "largestAmount": "50000.00"}},
    )
    assert changed["companySettingsUpdate"]["userErrors"] == []
    _, errors = await _send(finance, customer["id"], "payment", "50000.01")
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "amount"], "OUT_OF_RANGE")]
    assert "50,000.00" in errors[0]["message"]
    _, errors = await _send(finance, customer["id"], "payment", "50000.00")
    assert errors == []
    # Not past what a column holds, nor zero.
    for refused in ("10000000000000.00", "0"):
        body = await admin.data(
            """mutation($i: CompanySettingsUpdateInput!) { companySettingsUpdate(input: $i) {
            userErrors { field code } } }""",
            {"i": {"largestAmount": refused}},
        )
        assert body["companySettingsUpdate"]["userErrors"][0]["code"] == "OUT_OF_RANGE"
