"""Times on the company's clock: half past midnight in Shanghai is 16:30 UTC the day
before, and a screen that sliced the server's string showed yesterday."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from tui.moments import day_of, moment

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_utc_time_is_shown_on_the_companys_clock() -> None:
    utc = "2026-12-06T16:30:00+00:00"
    assert moment(utc, SHANGHAI) == "2026-12-07 00:30"
    assert day_of(utc, SHANGHAI) == "2026-12-07"
    assert moment(utc, ZoneInfo("UTC")) == "2026-12-06 16:30"
    assert day_of("2026-12-06T16:30:00Z", SHANGHAI) == "2026-12-07"


def test_dates_and_nothing_stay_as_they_are() -> None:
    assert day_of("2026-12-06", SHANGHAI) == "2026-12-06"
    assert moment(None, SHANGHAI) == "" and day_of("", SHANGHAI) == ""
    assert moment("not a time", SHANGHAI) == "not a time"
