"""Times as the company's clock shows them. The server answers in UTC ("…T16:30:00+00:00");
sliced as text, half past midnight in Shanghai read as the day before. Every screen that
shows a time or a day goes through here, with the company's zone (tui/api/company.py)."""

from __future__ import annotations

from datetime import datetime, tzinfo


def _at(text: str, zone: tzinfo | None) -> datetime | None:
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        return None
    if found.tzinfo is None:  # a date, or a time without its zone: as written
        return found
    return found.astimezone(zone) if zone else found.astimezone()


def moment(text: str | None, zone: tzinfo | None) -> str:
    """'2026-12-07 00:30' on the company's clock ('' for none; text that is no time as it
    came)."""
    if not text:
        return ""
    found = _at(text, zone)
    return found.strftime("%Y-%m-%d %H:%M") if found else text


def day_of(text: str | None, zone: tzinfo | None) -> str:
    """'2026-12-07', the company's day of a time ('' for none)."""
    if not text:
        return ""
    found = _at(text, zone)
    return found.date().isoformat() if found else text[:10]
