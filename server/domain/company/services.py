"""Reading and changing the company settings; the cadence and calendar rules built on them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import get_currency_precision, is_currency
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.domain.accounts.permissions import Permission
from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.company.currency import CURRENCY
from server.domain.company.models import SETTINGS_ID, CompanySettings
from server.domain.shared import clock, money
from server.domain.shared import validation as v
from server.domain.shared.errors import DomainError, ErrorCode, FieldProblem
from server.domain.shared.validation import FieldInvalid, Patch
from server.domain.shared.versioning import update_versioned


async def company_settings() -> CompanySettings:
    """The settings row, created with the docs/domain.md defaults on first use."""
    found = await CompanySettings.get_or_none(id=SETTINGS_ID)
    if found is not None:
        return found
    try:
        return await CompanySettings.create(id=SETTINGS_ID)
    except IntegrityError:  # another request created it first
        return await CompanySettings.get(id=SETTINGS_ID)


def zone(settings: CompanySettings) -> ZoneInfo:
    """The company's time zone."""
    return ZoneInfo(settings.timezone)


def local_date(settings: CompanySettings, moment: datetime) -> date:
    """The company's calendar day at a moment: due dates and 'today' are counted in it."""
    return moment.astimezone(zone(settings)).date()


def today(settings: CompanySettings) -> date:
    """Today in the company's time zone (the day every rule counts in)."""
    return local_date(settings, clock.now())


async def company_today() -> date:
    """Today in the company's time zone, read from the settings."""
    return today(await company_settings())


def _timezone(value: Any) -> str:
    name: str = v.text(64, required=True)(value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise FieldInvalid(ErrorCode.INVALID, "Not an IANA time zone, e.g. Asia/Shanghai.") from exc
    return name


def _weekdays(value: Any) -> str:
    """ISO weekday numbers (Monday 1 … Sunday 7), at least one, as the column stores them."""
    days = sorted(set(value or []))
    if not days or any(not isinstance(d, int) or not 1 <= d <= 7 for d in days):
        raise FieldInvalid(
            ErrorCode.OUT_OF_RANGE, "Name at least one weekday, 1 (Monday) to 7 (Sunday)."
        )
    return "".join(str(d) for d in days)


def _currency(value: Any) -> str:
    """An ISO 4217 code whose minor unit is a hundredth (money.MINOR_DIGITS)."""
    code = str(value or "").strip().upper()
    if not is_currency(code):
        raise FieldInvalid(ErrorCode.INVALID, "Not an ISO 4217 currency code, e.g. CNY.")
    if get_currency_precision(code) != money.MINOR_DIGITS:
        raise FieldInvalid(
            ErrorCode.INVALID, "Only currencies with two decimal places (e.g. CNY, USD, EUR)."
        )
    return code


def aging_edges(settings: CompanySettings) -> list[int]:
    """The aging buckets' upper edges in days overdue, e.g. [30, 60, 90, 180]."""
    return [int(part) for part in settings.aging_edges.split(",")]


def _edges(value: Any) -> str:
    """Two to eight rising day counts, the upper edges of the aging buckets."""
    days = list(value or [])
    if (
        not 2 <= len(days) <= 8
        or any(not isinstance(d, int) or not 1 <= d <= 3660 for d in days)
        or days != sorted(set(days))
    ):
        raise FieldInvalid(
            ErrorCode.OUT_OF_RANGE, "Name two to eight rising numbers of days, e.g. 30, 60, 90."
        )
    return ",".join(str(d) for d in days)


def _largest(value: Any) -> int:
    """The company's largest amount: more than zero and within what a column holds (not
    checked against the current largest, which it replaces)."""
    token = money.LARGEST.set(money.MAX_MINOR - 1)
    try:
        return money.positive_amount(value)
    finally:
        money.LARGEST.reset(token)


SETTINGS_FIELDS: dict[str, v.Validator] = {
    "cadence_a_days": v.int_range(1, 3660),
    "cadence_b_days": v.int_range(1, 3660),
    "cadence_c_days": v.int_range(1, 3660),
    "cadence_d_days": v.int_range(1, 3660),
    "cadence_e_days": v.int_range(1, 3660),
    "abc_a_percent": v.int_range(1, 99),
    "abc_b_percent": v.int_range(2, 100),
    "abc_period_months": v.int_range(1, 120),
    "vip_single_order": money.positive_amount,
    "vip_monthly": money.positive_amount,
    "leadership_visit_months": v.int_range(1, 60),
    "class_b_visit_months": v.int_range(1, 60),
    "inquiry_letter_months": v.int_range(1, 60),
    "timezone": _timezone,
    "working_weekdays": _weekdays,
    "complaint_validate_days": v.int_range(1, 60),
    "complaint_assign_days": v.int_range(1, 60),
    "complaint_analyse_days": v.int_range(1, 60),
    "complaint_propose_days": v.int_range(1, 60),
    "complaint_approve_days": v.int_range(1, 60),
    "complaint_implement_days": v.int_range(1, 60),
    "complaint_evaluate_days": v.int_range(1, 60),
    "complaint_followup_days": v.int_range(0, 60),
    "currency": _currency,
    "default_payment_days": v.int_range(0, 365),
    "receivables_from_orders": v.passthrough,
    "payment_reminder_days": v.int_range(0, 60),
    "aging_edges": _edges,
    "largest_amount": _largest,
}
_MONEY = {
    "vip_single_order": "vip_single_order_minor",
    "vip_monthly": "vip_monthly_minor",
    "largest_amount": "largest_amount_minor",
}


async def update_settings(
    viewer: Viewer,
    version: int | None,
    values: Patch,
    *,
    money_recorded: Callable[[], Awaitable[bool]] | None = None,
) -> CompanySettings:
    """Administrators change the company rules; every change is audited.

    `money_recorded` tells whether any order, receivable or payment exists (those areas sit
    above this one): the currency only changes while none does, since their amounts are
    minor units of it."""
    viewer.require(
        Permission.CHANGE_COMPANY_SETTINGS, "Only an administrator can change company settings."
    )
    cleaned = v.clean(SETTINGS_FIELDS, {k: val for k, val in values.items() if val is not None})
    columns = {_MONEY.get(k, k): val for k, val in cleaned.items()}
    current = await company_settings()
    merged = {**{c: getattr(current, c) for c in columns}, **columns}
    a = merged.get("abc_a_percent", current.abc_a_percent)
    b = merged.get("abc_b_percent", current.abc_b_percent)
    if a >= b:
        raise DomainError(
            FieldProblem(
                "abc_b_percent", ErrorCode.OUT_OF_RANGE, "Must be above the class A threshold."
            )
        )
    if not columns:
        return current
    changes_currency = columns.get("currency", current.currency) != current.currency
    if changes_currency and (money_recorded is None or await money_recorded()):
        raise DomainError(
            FieldProblem(
                "currency",
                ErrorCode.INVALID_STATE,
                "Amounts are already recorded in {currency}; the currency can no longer change.",
                {"currency": current.currency},
            )
        )
    async with in_transaction():
        before = {c: getattr(current, c) for c in columns}
        await update_versioned(CompanySettings, SETTINGS_ID, version, current.version, **columns)
        await audit.record(
            viewer, "settings.update", "CompanySettings", SETTINGS_ID, audit.diff(before, columns)
        )
    CURRENCY.forget()
    return await CompanySettings.get(id=SETTINGS_ID)
