"""Date and DateTime scalars with a range the server can compute with.

Strawberry's built-ins accept year 1 and year 9999; a due date of 9999-12-31 plus a cadence,
or a contact at 0001-01-01 in Shanghai turned into UTC, overflowed Python's calendar and
ended as an internal error. Business dates live between 1900 and 2999: anything else is
refused while the variables are read, with GRAPHQL_VALIDATION_FAILED and a sentence.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from strawberry.types.scalar import ScalarDefinition

from server.domain.shared.money import amount_from_text
from server.domain.shared.validation import EARLIEST, LATEST

_RANGE = f"between {EARLIEST.isoformat()} and {LATEST.isoformat()}"


def _checked(day: date) -> None:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"Dates must lie {_RANGE}.")


def parse_date(value: Any) -> date:
    if not isinstance(value, str):
        raise ValueError("Expected a date as text, YYYY-MM-DD.")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"Not a date: {value[:40]!r}; expected YYYY-MM-DD.") from None
    _checked(day)
    return day


def parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("Expected a date and time as ISO 8601 text.")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"Not a date and time: {value[:40]!r}; expected e.g. 2026-11-30T09:30:00+08:00."
        ) from None
    _checked(moment.date())
    return moment


def _isoformat(value: date | datetime) -> str:
    return value.isoformat()


DATE = ScalarDefinition(
    name="Date",
    description=f"A calendar day, ISO 8601 (YYYY-MM-DD), {_RANGE}.",
    specified_by_url=None,
    serialize=_isoformat,
    parse_value=parse_date,
    parse_literal=None,
    origin=date,
)
DATETIME = ScalarDefinition(
    name="DateTime",
    description="A moment, ISO 8601 with an offset (2026-11-30T09:30:00+08:00); inputs "
    f"without one are read in the company's time zone. Dates {_RANGE}.",
    specified_by_url=None,
    serialize=_isoformat,
    parse_value=parse_datetime,
    parse_literal=None,
    origin=datetime,
)

DECIMAL = ScalarDefinition(
    name="Decimal",
    description="An exact decimal number as text, never a float. Amounts sent are ASCII "
    'digits with at most one point and two decimals ("1234.50", or a whole number); '
    "exponents, separators, spaces and other scripts' digits are refused, as is anything "
    "over the company's largest amount (companySettings.largestAmount).",
    specified_by_url=None,
    serialize=str,
    parse_value=amount_from_text,
    parse_literal=None,
    origin=Decimal,
)

SCALAR_OVERRIDES: dict[object, Any] = {date: DATE, datetime: DATETIME, Decimal: DECIMAL}
