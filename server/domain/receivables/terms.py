"""Payment terms (付款条件): days of credit and a billing day, and the due date they give.

A customer's terms are a number of days (0: payment before or on delivery, 款到发货 /
货到付款) and, for monthly settlement (月结), a billing day (结账日): what is issued up to
the billing day is settled together and falls due that many days after it. Without a
billing day a debt falls due that many days after it was issued.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

# "月结30天", "net 30", "N30", "30天", "货到30天付款": the first number is the days.
_DAYS = re.compile(r"(\d{1,3})")
_ON_DELIVERY = ("款到发货", "货到付款", "现款", "现金", "预付", "cod", "cash", "prepaid", "advance")


def billing_date(issued_on: date, billing_day: int) -> date:
    """The first billing day on or after `issued_on`; day 31 in a 30-day month is its last."""
    year, month = issued_on.year, issued_on.month
    for _ in range(2):
        day = min(billing_day, calendar.monthrange(year, month)[1])
        candidate = date(year, month, day)
        if candidate >= issued_on:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise AssertionError("a billing day always falls within two months")


def due_date(issued_on: date, payment_days: int, billing_day: int | None) -> date:
    """When a debt issued on `issued_on` falls due under these terms."""
    start = billing_date(issued_on, billing_day) if billing_day else issued_on
    return start + timedelta(days=payment_days)
