"""Typed numbers, amounts and dates are read as people write them, or refused with a
sentence for beside the field."""

from __future__ import annotations

from datetime import date

import pytest

from tui import forms


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("12000", "12000.00"),
        ("1,200,000.50", "1200000.50"),
        ("2千万", "20000000.00"),
        ("1.5万", "15000.00"),
        ("3亿", "300000000.00"),
        ("¥8,000", "8000.00"),
        ("１２３４", "1234.00"),
        ("", None),
    ],
)
def test_amounts_as_people_write_them(typed: str, sent: str | None) -> None:
    assert forms.amount(typed) == sent


@pytest.mark.parametrize("typed", ["abc", "12.345", "-5", "1e5", "二千万", "12元", "1万.5"])
def test_amounts_that_cannot_be_read(typed: str) -> None:
    with pytest.raises(forms.Unparsed):
        forms.amount(typed)


def test_whole_numbers_and_days() -> None:
    assert forms.whole_number("25", 1, 31) == 25
    assert forms.whole_number("") is None
    for bad in ("2.5", "x", "١٢"):
        with pytest.raises(forms.Unparsed):
            forms.whole_number(bad)
    with pytest.raises(forms.Unparsed, match="Between 1 and 31"):
        forms.whole_number("32", 1, 31)
    assert forms.day("2026-03-02") == date(2026, 3, 2)
    for bad in ("2026-13-01", "03/02/2026", "0001-01-01"):
        with pytest.raises(forms.Unparsed):
            forms.day(bad)
