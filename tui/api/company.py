"""The company's rules the client needs: cadences and the company's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui.api.transport import Transport

COMPANY_SETTINGS = """
query CompanySettings {
  companySettings { cadenceADays cadenceBDays cadenceCDays cadenceDDays cadenceEDays timezone }
}"""

OPERATIONS = {"COMPANY_SETTINGS": COMPANY_SETTINGS}


@dataclass(frozen=True)
class Cadences:
    """Days between contacts per grade, and the time zone the company's days are counted
    in (company settings): "today" and due dates are the company's, not this computer's."""

    days: dict[str, int]
    timezone: str = "Asia/Shanghai"

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def now(self) -> datetime:
        """The wall-clock time in the company's time zone."""
        return datetime.now(self.zone)

    def today(self) -> date:
        return self.now().date()

    def next_due(self, grade: str, start: date) -> date:
        return start + timedelta(days=self.days.get(grade, 30))


class CompanyCalls(Transport):
    async def cadences(self) -> Cadences:
        """The grade cadences and the company's time zone."""
        s = (await self._execute(COMPANY_SETTINGS))["companySettings"]
        return Cadences({g: s[f"cadence{g}Days"] for g in "ABCDE"}, s["timezone"])
