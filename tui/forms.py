"""What a person types into a form, turned into what the server takes, or refused with a
sentence to show beside the field before anything is sent. The server checks again; this
keeps a typo ("2千万", "2026-13-01") from reaching it as a GraphQL error about variables.

Amounts accept the ways people write them in a Chinese office: thousands separators
(1,200,000.50) and the units 万 (10,000), 亿 (100,000,000), 千 (1,000) and 百 (100), so
"2千万" is 20,000,000 and "1.5万" is 15,000.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from tui.i18n import _

_UNITS = {"百": 100, "千": 1_000, "万": 10_000, "亿": 100_000_000}
_AMOUNT = re.compile(r"(?P<number>[0-9][0-9,]*(?:\.[0-9]+)?)(?P<units>[百千万亿]*)")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９，．", "0123456789,.")


class Unparsed(ValueError):
    """The text cannot be read as asked; the message says how to write it."""


class FieldUnread(Unparsed):
    """Unparsed, naming the form field it is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def whole_number(text: str, low: int = 0, high: int = 2_000_000_000) -> int | None:
    """A whole number between low and high; '' is None (cleared)."""
    text = text.strip().translate(_FULL_WIDTH).replace(",", "")
    if not text:
        return None
    if not text.isascii() or not text.isdigit():
        raise Unparsed(_("A whole number, e.g. 12."))
    value = int(text)
    if not low <= value <= high:
        raise Unparsed(_("Between {low} and {high}.").format(low=low, high=high))
    return value


def amount(text: str) -> str | None:
    """An amount of money as the decimal string the API takes ('' is None): at most two
    decimal places, not negative."""
    text = text.strip().translate(_FULL_WIDTH).replace(" ", "").lstrip("¥￥")
    if not text:
        return None
    if text.startswith("-"):
        raise Unparsed(_("Must not be negative."))
    found = _AMOUNT.fullmatch(text)
    if found is None:
        raise Unparsed(_("An amount such as 12000.00, 1.5万 or 2千万."))
    try:
        value = Decimal(found["number"].replace(",", ""))
    except InvalidOperation:
        raise Unparsed(_("An amount such as 12000.00, 1.5万 or 2千万.")) from None
    for unit in found["units"]:
        value *= _UNITS[unit]
    if value != value.quantize(Decimal("0.01")):
        raise Unparsed(_("At most two decimal places (fen)."))
    if value >= Decimal(10) ** 13:
        raise Unparsed(_("That amount is too large."))
    return f"{value:.2f}"


def day(text: str) -> date | None:
    """A date written YYYY-MM-DD ('' is None)."""
    text = text.strip()
    if not text:
        return None
    try:
        found = date.fromisoformat(text)
    except ValueError:
        raise Unparsed(_("A date as YYYY-MM-DD, e.g. 2026-03-02.")) from None
    if not 1900 <= found.year <= 2999:
        raise Unparsed(_("A date between 1900 and 2999."))
    return found
