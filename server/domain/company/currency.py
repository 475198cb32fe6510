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


class CurrencyCache:
    """The company currency as this process last read it, trusted for `seconds`."""

    def __init__(self, seconds: float = 10.0) -> None:
        self.seconds = seconds
        self._value: str | None = None
        # On the process's own clock (monotonic): how long a process trusts what it read
        # has nothing to do with the company's calendar (tests move that one).
        self._until = 0.0

    async def get(self) -> str:
        """The company currency: remembered, or read from the settings row."""
        now = time.monotonic()
        if self._value is not None and now < self._until:
            return self._value
        found = await CompanySettings.filter(id=SETTINGS_ID).values_list("currency", flat=True)
        value = str(found[0]) if found else CompanySettings._meta.fields_map["currency"].default
        if self.seconds > 0:
            self._value, self._until = value, now + self.seconds
        return value

    def remember(self, value: str, seconds: float) -> None:
        """Take `value` as read just now, for `seconds` (a caller that knows it, e.g. tests
        after clearing the settings row, whose currency is then the default)."""
        self._value, self._until = value, time.monotonic() + seconds

    def forget(self) -> None:
        """Read it afresh next time (this process just changed it)."""
        self._value, self._until = None, 0.0


CURRENCY = CurrencyCache()
