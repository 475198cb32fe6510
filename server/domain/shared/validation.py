"""Field validators shared by the services: each returns the cleaned value or raises."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any, cast

from server.domain.shared.errors import N_, DomainError, ErrorCode, FieldProblem

# The days business dates may fall on: the API's Date scalar and cursors refuse others
# (year 1 or 9999 plus a cadence, or turned into UTC, overflows Python's calendar).
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


class FieldInvalid(Exception):
    """A value a validator refuses: the code, and a message template with its params."""

    def __init__(self, code: ErrorCode, message: str, **params: object) -> None:
        super().__init__(message.format(**params) if params else message)
        self.code = code
        self.message = message
        self.params = params


# A validator takes the value (and, if it has `needs_today`, the company's day).
Validator = Callable[..., Any]

# Digits with the separators people actually type: +86 571-8888 1234, (0571)88881234 ext 12.
_PHONE = re.compile(r"^\+?[0-9()\- ]{5,30}([ ]?(ext\.?|x|转)[ ]?[0-9]{1,6})?$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")


def storable(text: str) -> bool:
    """No NUL (PostgreSQL refuses it) and no lone surrogate (no encoding holds it)."""
    return "\x00" not in text and not any("\ud800" <= ch <= "\udfff" for ch in text)


def text(max_length: int, *, required: bool = False) -> Validator:
    """A validator for text: trimmed, refusing what the database cannot store, an empty value when
    `required`, and more than `max_length` characters."""

    def check(value: Any) -> str:
        cleaned = (value or "").strip()
        if not storable(cleaned):
            raise FieldInvalid(ErrorCode.INVALID, "Contains characters text cannot hold.")
        if required and not cleaned:
            raise FieldInvalid(ErrorCode.REQUIRED, "This field is required.")
        if len(cleaned) > max_length:
            raise FieldInvalid(
                ErrorCode.TOO_LONG,
                N_("At most {most} characters (got {length})."),
                most=max_length,
                length=len(cleaned),
            )
        return cleaned

    return check


def phone(value: Any) -> str:
    """A phone number (digits, spaces, + ( ) - and an extension), or "" when empty."""
    cleaned: str = text(40)(value)
    if cleaned and not _PHONE.match(cleaned):
        raise FieldInvalid(ErrorCode.INVALID, "Not a phone number: use digits, spaces, + ( ) -.")
    return cleaned


def email(value: Any) -> str:
    """An email address, or "" when empty."""
    cleaned: str = text(254)(value)
    if cleaned and not _EMAIL.match(cleaned):
        raise FieldInvalid(ErrorCode.INVALID, "Not an email address.")
    return cleaned


def int_range(low: int, high: int) -> Validator:
    """A validator for a whole number between `low` and `high`, or nothing."""

    def check(value: Any) -> int | None:
        if value is None:
            return None
        if not low <= value <= high:
            raise FieldInvalid(
                ErrorCode.OUT_OF_RANGE, N_("Must be between {low} and {high}."), low=low, high=high
            )
        return int(value)

    return check


def float_range(low: float, high: float) -> Validator:
    """A validator for a number between `low` and `high`, or nothing."""

    def check(value: Any) -> float | None:
        if value is None:
            return None
        if not low <= value <= high:
            raise FieldInvalid(
                ErrorCode.OUT_OF_RANGE,
                N_("Must be between {low} and {high}."),
                low=f"{low:g}",
                high=f"{high:g}",
            )
        return float(value)

    return check


class NotAfterToday:
    """A date no later than the company's today, which `clean()` is given: the server's
    own calendar (UTC) is a day behind Shanghai every morning until 08:00."""

    needs_today = True

    def __call__(self, value: Any, today: date) -> date | None:
        if value is not None and value > today:
            raise FieldInvalid(ErrorCode.OUT_OF_RANGE, "Must not be in the future.")
        return cast(date | None, value)


past_date = NotAfterToday()


def passthrough(value: Any) -> Any:
    """A validator that accepts the value as it is (checked elsewhere, e.g. by the schema)."""
    return value


def required_value(value: Any) -> Any:
    """Any value but None (a switch that must stay set)."""
    if value is None:
        raise FieldInvalid(ErrorCode.REQUIRED, "This field cannot be empty.")
    return value


def enum_of(enum: type[StrEnum]) -> Validator:
    """One of the enum's values; anything else is refused with the list of allowed ones."""

    def check(value: Any) -> StrEnum:
        if value is None:
            raise FieldInvalid(ErrorCode.REQUIRED, "This field cannot be empty.")
        try:
            return enum(value)
        except ValueError as exc:
            allowed = ", ".join(m.value for m in enum)
            raise FieldInvalid(
                ErrorCode.INVALID, N_("Must be one of: {allowed}."), allowed=allowed
            ) from exc

    return check


# What a caller sent, by domain field name: a missing key leaves the field as it is, a None
# value clears it. The API builds one from its inputs' Maybe fields, the importers from rows.
Patch = Mapping[str, Any]


def clean(
    spec: Mapping[str, Validator], values: Mapping[str, Any], *, today: date | None = None
) -> dict[str, Any]:
    """Validate every given field against the spec; report all problems at once.

    `today` is the company's day, for the validators that compare with it."""
    cleaned: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for name, value in values.items():
        validator = spec.get(name)
        if validator is None:
            problems.append(FieldProblem(name, ErrorCode.INVALID, "Unknown field."))
            continue
        try:
            if getattr(validator, "needs_today", False):
                if today is None:
                    raise TypeError(f"{name} is checked against today: pass today= to clean()")
                cleaned[name] = validator(value, today)
            else:
                cleaned[name] = validator(value)
        except FieldInvalid as exc:
            problems.append(FieldProblem(name, exc.code, exc.message, exc.params))
    if problems:
        raise DomainError(*problems)
    return cleaned
