"""Exact money: integer minor units of the company's one currency (docs/domain.md §6).

Every amount the domain keeps, adds, compares or shares out is an integer of minor units
(fen), in a column and in memory alike: one currency per company makes a currency beside
each amount redundant. Nothing here ever holds a float. The API speaks decimal strings
("1234.50"); `parse_minor` reads them and `decimal` writes them; the client formats them
with separators and the currency sign.

The company currency is a company setting. Only currencies with two decimal places (CNY,
USD, EUR, HKD…) are accepted, so one minor unit is always a hundredth: an amount's meaning
never depends on which currency a process last read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from server.domain.shared.errors import N_, ErrorCode
from server.domain.shared.validation import FieldInvalid

MINOR_DIGITS = 2
_SCALE = 10**MINOR_DIGITS
# Ten trillion in major units: more than any one company's debt, and well inside BIGINT.
# No setting may raise the largest amount past it.
MAX_MINOR = 10**15
# The largest single amount a company accepts unless its settings say otherwise: one
# billion (10亿). A 123-billion payment is a typing mistake, not a payment.
DEFAULT_LARGEST_MINOR = 1_000_000_000 * _SCALE
# The company's largest amount for the request being answered (set from the company
# settings as each request starts; the default elsewhere).
LARGEST: ContextVar[int] = ContextVar("crm_largest_amount", default=DEFAULT_LARGEST_MINOR)

# How an amount is written, the one form accepted: ASCII digits with at most one point
# ("1234.50"), a minus sign for the few amounts that may be negative. Python's Decimal also
# reads "1e5", "1_000", " 1.00" and full-width or Arabic-Indic digits; each of those was
# once recorded as an amount nobody typed. More than two decimals is refused by
# `parse_minor`, on the field that holds it (the form is right, the value is not).
AMOUNT_TEXT = re.compile(r"-?[0-9]{1,30}(?:\.[0-9]{1,30})?", re.ASCII)
AMOUNT_FORM = 'ASCII digits with at most one point and two decimals, e.g. "1234.50"'


def amount_from_text(value: Any) -> Decimal:
    """An amount as sent, in the one accepted form (AMOUNT_TEXT): text, or a whole number.
    ValueError names what is wrong (the API's Decimal scalar reads every amount with it)."""
    if isinstance(value, bool | float):
        # A float has already lost the cents the customer paid; make the caller send text.
        raise ValueError(f"Send amounts as text, {AMOUNT_FORM}; never a floating-point number.")
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, str) or not AMOUNT_TEXT.fullmatch(value):
        shown = value[:40] if isinstance(value, str) else type(value).__name__
        raise ValueError(f"Not an amount: {shown!r}; write {AMOUNT_FORM}.")
    return Decimal(value)


def parse_minor(value: Any, *, negative: bool = False) -> int:
    """A decimal amount (text in the one form, a Decimal or an int; never a float) as
    integer minor units.

    Refuses any other form of text, more than two decimal places (no silent rounding),
    non-numbers, amounts beyond the company's largest (`LARGEST`), and negative amounts
    unless `negative`.
    """
    if isinstance(value, Decimal):
        amount = value
    else:
        try:
            amount = amount_from_text(value)
        except ValueError as exc:
            raise FieldInvalid(ErrorCode.INVALID, N_("Write an amount like 1234.50.")) from exc
    if not amount.is_finite():
        raise FieldInvalid(ErrorCode.INVALID, "Not a decimal amount.")
    # 1e999999 is a finite Decimal; multiplying it would overflow the decimal context.
    if amount and amount.adjusted() > 18:
        raise FieldInvalid(ErrorCode.OUT_OF_RANGE, "Amount is too large.")
    if amount < 0 and not negative:
        raise FieldInvalid(ErrorCode.OUT_OF_RANGE, "Must not be negative.")
    minor = amount.scaleb(MINOR_DIGITS)
    if minor != minor.to_integral_value():
        raise FieldInvalid(ErrorCode.INVALID, "At most two decimal places.")
    largest = min(LARGEST.get(), MAX_MINOR - 1)
    if abs(minor) > largest:
        raise FieldInvalid(
            ErrorCode.OUT_OF_RANGE,
            N_("At most {largest}: the company's largest amount."),
            largest=f"{decimal(largest):,}",
        )
    return int(minor)


def amount_or_none(value: Any) -> int | None:
    """Validator for an optional amount ≥ 0: minor units, None for none."""
    return None if value is None else parse_minor(value)


def positive_amount(value: Any) -> int:
    """Validator for an amount that must be more than zero (a payment, a debt)."""
    if value is None:
        raise FieldInvalid(ErrorCode.REQUIRED, "This field is required.")
    minor = parse_minor(value)
    if minor <= 0:
        raise FieldInvalid(ErrorCode.OUT_OF_RANGE, "Must be more than zero.")
    return minor


def decimal(minor: int) -> Decimal:
    """Minor units as the API's exact decimal with two places: 123450 → Decimal('1234.50')."""
    return Decimal(minor).scaleb(-MINOR_DIGITS)


def fill(amount: int, debts: Sequence[int]) -> tuple[list[int], int]:
    """Pay `debts` (minor units, in the order given) from `amount` (minor units): each in
    full while the money lasts, the last one in part. Returns what each debt receives and
    what is left over (the payer's credit). Never loses or invents a cent."""
    left = amount
    shares = []
    for debt in debts:
        share = max(0, min(left, debt))
        shares.append(share)
        left -= share
    return shares, left
