"""Dates as people type them into the client, read against the company's today: the table
of inputs and answers, in both languages. Today is Monday 2026-12-07."""

from __future__ import annotations

from datetime import date

import pytest

from tui import forms, i18n

TODAY = date(2026, 12, 7)  # a Monday

READ = [
    # Full dates, the year first.
    ("2026-03-02", date(2026, 3, 2)),
    ("2026/3/2", date(2026, 3, 2)),
    ("2026.03.02", date(2026, 3, 2)),
    ("2026年3月2日", date(2026, 3, 2)),
    ("２０２６－０３－０２", date(2026, 3, 2)),
    # A month and day: this year's.
    ("12-10", date(2026, 12, 10)),
    ("3/2", date(2026, 3, 2)),
    ("12月10日", date(2026, 12, 10)),
    ("12月10号", date(2026, 12, 10)),
    # Days or weeks from today.
    ("+7", date(2026, 12, 14)),
    ("+ 7", date(2026, 12, 14)),
    ("-3", date(2026, 12, 4)),
    ("+2w", date(2026, 12, 21)),
    ("+2周", date(2026, 12, 21)),
    ("+10天", date(2026, 12, 17)),
    # Nearby days.
    ("today", TODAY),
    ("Tomorrow", date(2026, 12, 8)),
    ("yesterday", date(2026, 12, 6)),
    ("今天", TODAY),
    ("明天", date(2026, 12, 8)),
    ("后天", date(2026, 12, 9)),
    ("昨天", date(2026, 12, 6)),
    ("前天", date(2026, 12, 5)),
    # A weekday: the coming one, today included.
    ("周一", TODAY),
    ("周三", date(2026, 12, 9)),
    ("星期日", date(2026, 12, 13)),
    ("礼拜天", date(2026, 12, 13)),
    ("wed", date(2026, 12, 9)),
    ("Friday", date(2026, 12, 11)),
    ("mon", TODAY),
    # Next week's, and this week's.
    ("下周三", date(2026, 12, 16)),
    ("下星期一", date(2026, 12, 14)),
    ("下礼拜五", date(2026, 12, 18)),
    ("next fri", date(2026, 12, 18)),
    ("next monday", date(2026, 12, 14)),
    ("本周五", date(2026, 12, 11)),
    ("这周日", date(2026, 12, 13)),
    ("this wed", date(2026, 12, 9)),
    # Nothing typed.
    ("", None),
    ("  ", None),
]

REFUSED = ["2026-13-01", "2-30", "03/02/2026", "0001-01-01", "soon", "下周", "next", "+", "周八"]


@pytest.mark.parametrize(("text", "expected"), READ)
def test_a_date_is_read_the_way_it_is_said(text: str, expected: date | None) -> None:
    assert forms.day(text, TODAY) == expected


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("text", REFUSED)
def test_what_is_not_a_date_is_refused_with_the_forms_that_are(text: str, language: str) -> None:
    before = i18n.language()
    i18n.set_language(language)
    try:
        with pytest.raises(forms.Unparsed) as refused:
            forms.day(text, TODAY)
    finally:
        i18n.set_language(before)
    said = str(refused.value)
    if language == "zh_CN":
        assert "日期" in said or "1900" in said
        assert not any(word in said for word in ("date", "tomorrow", "next"))
    else:
        assert "date" in said.lower()
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in said)
