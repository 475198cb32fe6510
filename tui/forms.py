"""What a person types into a form, turned into what the server takes, or refused with a
sentence to show beside the field before anything is sent. The server checks again; this
keeps a typo ("2千万", "2026-13-01") from reaching it as a GraphQL error about variables.

Amounts accept the ways people write them in a Chinese office: thousands separators
(1,200,000.50) and the units 万 (10,000), 亿 (100,000,000), 千 (1,000) and 百 (100), so
"2千万" is 20,000,000 and "1.5万" is 15,000.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from tui.i18n import _

_UNITS = {"百": 100, "千": 1_000, "万": 10_000, "亿": 100_000_000}
_AMOUNT = re.compile(r"(?P<number>[0-9][0-9,]*(?:\.[0-9]+)?)(?P<units>[百千万亿]*)")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９，．－／＋", "0123456789,.-/+")


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


# Dates as people say them (the company's today given): a full date with the year first;
# a month and day of this year; a count of days from today; a word for a nearby day; a
# weekday, the coming one or next week's. Year-last forms (03/02/2026) are refused: whether
# the month or the day comes first is not the same in every office.
_FULL = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_OFFSET = re.compile(r"([+-])\s*(\d{1,4})\s*(d|days?|天|w|weeks?|周)?")
_NEAR = {
    "today": 0,
    "tomorrow": 1,
    "yesterday": -1,
    "今天": 0,
    "今日": 0,
    "明天": 1,
    "明日": 1,
    "后天": 2,
    "昨天": -1,
    "前天": -2,
}
_WEEKDAYS = {
    **{
        name: n
        for n, names in enumerate(
            (
                ("mon", "monday"),
                ("tue", "tues", "tuesday"),
                ("wed", "weds", "wednesday"),
                ("thu", "thur", "thurs", "thursday"),
                ("fri", "friday"),
                ("sat", "saturday"),
                ("sun", "sunday"),
            )
        )
        for name in names
    },
    **{
        f"{prefix}{day}": n
        for n, days in enumerate(("一", "二", "三", "四", "五", "六", "日天"))
        for day in days
        for prefix in ("周", "星期", "礼拜")
    },
}
_NEXT_WEEK = ("下周", "下星期", "下礼拜", "next ")
_THIS_WEEK = ("本周", "这周", "這週", "this ")


def day(text: str, today: date | None = None) -> date | None:
    """A date as people write or say it ('' is None), against `today` (the company's day;
    this computer's when not given): 2026-03-02, 2026/3/2, 2026年3月2日; 03-02, 3月2日
    (this year); +7, -3, +2w (days or weeks from today); today, 明天, 后天, yesterday;
    周三, wed (the coming one, today included); 下周三, next wed (next week's); 本周三,
    this wed (this week's)."""
    text = text.strip().translate(_FULL_WIDTH).lower()
    if not text:
        return None
    today = today or date.today()
    found = _read_day(text, today)
    if found is None:
        raise Unparsed(_("A date such as 2026-03-02, 03-02, +7, tomorrow or next fri."))
    if not 1900 <= found.year <= 2999:
        raise Unparsed(_("A date between 1900 and 2999."))
    return found


def _read_day(text: str, today: date) -> date | None:
    if text in _NEAR:
        return today + timedelta(days=_NEAR[text])
    if match := _OFFSET.fullmatch(text):
        sign, count, unit = match.groups()
        days = int(count) * (7 if unit and unit[0] in "w周" else 1)
        return today + timedelta(days=days if sign == "+" else -days)
    for prefixes, week in ((_NEXT_WEEK, 1), (_THIS_WEEK, 0)):
        for prefix in prefixes:
            rest = text.removeprefix(prefix).strip()
            if rest != text and (weekday := _weekday(rest, prefix)) is not None:
                monday = today - timedelta(days=today.weekday()) + timedelta(weeks=week)
                return monday + timedelta(days=weekday)
    if (weekday := _WEEKDAYS.get(text)) is not None:
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    try:
        if match := _FULL.fullmatch(text):
            return date(*(int(part) for part in match.groups()))
        if match := _MONTH_DAY.fullmatch(text):
            return date(today.year, int(match.group(1)), int(match.group(2)))
    except ValueError:
        return None  # 2026-13-01, 2-30
    return None


def _weekday(rest: str, prefix: str) -> int | None:
    """The weekday named after 下周 / next (周三 or 三; wed)."""
    if prefix.endswith(" "):
        return _WEEKDAYS.get(rest)
    return _WEEKDAYS.get(rest) if rest[:1] in "周星礼" else _WEEKDAYS.get(f"周{rest}")
