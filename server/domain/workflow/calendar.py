"""Time limits on the company's calendar: its time zone and its working weekdays.

A limit of N working days from a moment ends N working days later at the same local time of
day; a moment outside working days counts from the start (00:00) of the next working day.
So a complaint recorded on Friday at 16:00 with one working day to validate is due on Monday
at 16:00, and one recorded on Saturday is due at the end of Monday (Tuesday 00:00).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.domain.company.models import CompanySettings
from server.domain.company.services import zone

# ISO weekdays (Monday 1 … Sunday 7) as the settings spell them: "12345".
DEFAULT_WORKING_WEEKDAYS = "12345"


def working_weekdays(settings: CompanySettings) -> frozenset[int]:
    """The company's working weekdays (Monday 1 … Sunday 7); every day if none are set."""
    days = frozenset(int(c) for c in settings.working_weekdays if c in "1234567")
    return days or frozenset(range(1, 8))


def add_working_days(start: datetime, days: int, tz: ZoneInfo, working: frozenset[int]) -> datetime:
    """The moment `days` working days after `start` (aware), in UTC as `start` is."""
    local = start.astimezone(tz)
    if local.isoweekday() not in working:
        # Outside working days the clock starts with the next working day.
        local = datetime.combine(local.date(), time(0), tz)
        while local.isoweekday() not in working:
            local = _next_day(local, tz)
    counted = 0
    while counted < days:
        local = _next_day(local, tz)
        if local.isoweekday() in working:
            counted += 1
    return local.astimezone(start.tzinfo)


def _next_day(local: datetime, tz: ZoneInfo) -> datetime:
    """The same wall-clock time on the next calendar day (across DST changes)."""
    following = local.date() + timedelta(days=1)
    return datetime.combine(following, local.timetz().replace(tzinfo=None), tz)


def deadline(
    settings: CompanySettings, start: datetime, working_days: int | None
) -> datetime | None:
    """When a step entered at `start` with this many working days is due (None: no limit)."""
    if working_days is None:
        return None
    return add_working_days(start, working_days, zone(settings), working_weekdays(settings))
