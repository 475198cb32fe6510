"""The company currency: a company setting, remembered for a few seconds per process.

Every amount is kept in minor units of this one currency, so every server process must
agree on it: it lives in the settings row, not in an environment variable. Each request
needs it to label its amounts; reading the row every time would cost a statement per
request, so a process remembers it for `seconds` (CRM_SESSION_CACHE_SECONDS) and forgets
it at once when it changes it. It can only change while no order, receivable or payment
is recorded (company.services), so once there is money to label a process can never
label it wrongly, however long it remembers.
"""

from __future__ import annotations

import time

from server.domain.company.models import SETTINGS_ID, CompanySettings
from server.domain.shared import caches
from server.domain.shared.money import DEFAULT_LARGEST_MINOR, LARGEST


class CurrencyCache:
    """The company currency, and its largest accepted amount, as this process last read
    them, trusted for `seconds`."""

    def __init__(self, seconds: float = 10.0) -> None:
        self.seconds = seconds
        self._value: str | None = None
        self._largest = DEFAULT_LARGEST_MINOR
        # On the process's own clock (monotonic): how long a process trusts what it read
        # has nothing to do with the company's calendar (tests move that one).
        self._until = 0.0

    async def get(self) -> str:
        """The company currency: remembered, or read from the settings row."""
        now = time.monotonic()
        if self._value is not None and now < self._until:
            return self._value
        found = await CompanySettings.filter(id=SETTINGS_ID).values_list(
            "currency", "largest_amount_minor"
        )
        value = str(found[0][0]) if found else CompanySettings._meta.fields_map["currency"].default
        self._largest = int(found[0][1]) if found else DEFAULT_LARGEST_MINOR
        if self.seconds > 0:
            self._value, self._until = value, now + self.seconds
        return value

    async def apply(self) -> str:
        """The company currency, with its largest amount made the one this request's
        amounts are checked against (money.LARGEST); read as `get` reads."""
        currency = await self.get()
        LARGEST.set(self._largest)
        return currency

    def remember(self, value: str, seconds: float, largest: int = DEFAULT_LARGEST_MINOR) -> None:
        """Take `value` (and `largest`) as read just now, for `seconds` (a caller that knows
        them, e.g. tests after clearing the settings row, whose values are the defaults)."""
        self._value, self._until = value, time.monotonic() + seconds
        self._largest = largest

    def forget(self) -> None:
        """Read it afresh next time (this process just changed it)."""
        self._value, self._until = None, 0.0


CURRENCY = CurrencyCache()
caches.register("currency", CURRENCY.forget)
