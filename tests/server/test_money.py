"""The money type and payment terms: exact to the cent, never a float (docs/domain.md §6)."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal

import pytest

from server.domain.receivables import terms
from server.domain.shared.errors import ErrorCode
from server.domain.shared.money import (
    MAX_MINOR,
    decimal,
    fill,
    parse_minor,
    positive_amount,
)
from server.domain.shared.validation import FieldInvalid


@pytest.mark.parametrize(
    ("text", "minor"),
    [("1234.5", 123450), ("0.01", 1), ("12500.00", 1250000), ("7", 700), (12, 1200)],
)
def test_decimal_strings_become_minor_units(text: str, minor: int) -> None:
    assert parse_minor(text) == minor
    assert decimal(parse_minor(text)) == Decimal(minor).scaleb(-2)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0.001", ErrorCode.INVALID),  # no silent rounding of a third decimal
        ("1e3", ErrorCode.INVALID),  # Decimal reads these; nobody writes an amount so
        ("1_000", ErrorCode.INVALID),
        ("１２", ErrorCode.INVALID),
        ("١٢", ErrorCode.INVALID),
        (" 1.00", ErrorCode.INVALID),
        ("1000000000.01", ErrorCode.OUT_OF_RANGE),  # over the default largest amount
        ("abc", ErrorCode.INVALID),
        ("NaN", ErrorCode.INVALID),
        ("Infinity", ErrorCode.INVALID),
        (0.1, ErrorCode.INVALID),  # a float has lost its cents already
        ("-5.00", ErrorCode.OUT_OF_RANGE),
        ("1e999999", ErrorCode.INVALID),  # not the one form (was: too large)
        (str(Decimal(MAX_MINOR).scaleb(-2)), ErrorCode.OUT_OF_RANGE),
    ],
)
def test_malformed_amounts_are_refused(value: object, code: ErrorCode) -> None:
    with pytest.raises(FieldInvalid) as refused:
        parse_minor(value)
    assert refused.value.code == code


def test_a_payment_must_be_more_than_zero() -> None:
    with pytest.raises(FieldInvalid) as refused:
        positive_amount("0.00")
    assert refused.value.code == ErrorCode.OUT_OF_RANGE


def test_fill_pays_debts_in_order_and_keeps_the_rest() -> None:
    shares, left = fill(parse_minor("150.00"), [10000, 3333, 6667])
    assert shares == [10000, 3333, 1667]
    assert left == 0
    shares, left = fill(parse_minor("500.00"), [20000])
    assert shares == [20000]
    assert left == parse_minor("300.00")


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("月结30天", 30),
        ("月结60天", 60),
        ("net 30", 30),
        ("款到发货", 0),
        ("货到付款", 0),
        ("", None),
        ("看情况", None),
    ],
)
def test_free_text_terms_become_days(text: str, days: int | None) -> None:
    """As migration 0012 read the terms customers had in words into days."""
    migration = importlib.import_module("server.migrations.0012_receivables")
    assert migration._days(text) == days


@pytest.mark.parametrize(
    ("issued", "days", "billing_day", "due"),
    [
        # Net 30 without a billing day: 30 days after issue.
        (date(2026, 3, 10), 30, None, date(2026, 4, 9)),
        # 月结30天 with billing day 25: settled on the 25th on or after issue, due 30 later.
        (date(2026, 3, 10), 30, 25, date(2026, 4, 24)),
        (date(2026, 3, 25), 30, 25, date(2026, 4, 24)),
        (date(2026, 3, 26), 30, 25, date(2026, 5, 25)),
        # Billing day 31 in February is its last day; December rolls into January.
        (date(2026, 2, 3), 0, 31, date(2026, 2, 28)),
        (date(2026, 12, 28), 10, 20, date(2027, 1, 30)),
        # Payment on delivery: due the day it is issued.
        (date(2026, 3, 10), 0, None, date(2026, 3, 10)),
    ],
)
def test_due_dates_follow_the_terms(
    issued: date, days: int, billing_day: int | None, due: date
) -> None:
    assert terms.due_date(issued, days, billing_day) == due
