"""`crm-server import payments FILE --by USER`: a bank export of money received, all or
nothing, each payment applied to the customer's oldest debts first.

One row per payment. Columns (header required, order free):
  bank_reference  the bank's reference of the transfer: a file imported twice records
                  nothing twice (it is the payment's idempotency key, "bank:<reference>")
  customer        the customer's ID as the API shows it, its customer code, or exact name
  received_on     YYYY-MM-DD, not after today
  amount          decimal, e.g. 1250.00
  method          optional: bank_transfer (default), cash, cheque, bank_acceptance, other
  note            optional
CSV may be UTF-8 or GBK/GB18030, or an .xlsx workbook (sales/order_file.py reads both).
Any problem stops the import before anything is written; every one is reported with its
line number (0 for the file as a whole).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from server.domain.accounts.models import User
from server.domain.accounts.permissions import Permission
from server.domain.accounts.viewer import Viewer
from server.domain.company.services import company_settings, today
from server.domain.receivables.models import Payment, PaymentMethod
from server.domain.receivables.services import PAYMENT_FIELDS, write_payment
from server.domain.sales.importer import IdParser, customer_index
from server.domain.sales.order_file import UnreadableFile, read_rows
from server.domain.shared import validation as v
from server.domain.shared.errors import DomainError

REQUIRED = ("bank_reference", "customer", "received_on", "amount")
KEY_PREFIX = "bank:"


@dataclass
class PaymentImportReport:
    created: int = 0
    skipped: int = 0
    applied_minor: int = 0
    credit_minor: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    line: int
    customer_id: int
    cleaned: dict[str, Any]


def _no_api_ids(cell: str) -> int | None:
    return None


async def finance_viewer(username: str) -> Viewer | None:
    """The active user recording the import, if they may record payments."""
    user = await User.get_or_none(username=username, is_active=True)
    if user is None:
        return None
    viewer = Viewer(user=user)
    if viewer.may(Permission.WORK_RECEIVABLES) or viewer.sees_all:
        return viewer
    return None


def _check(raw: dict[str, str], day: date) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    values: dict[str, Any] = {
        "amount": raw.get("amount") or None,
        "method": (raw.get("method") or "").strip().lower() or PaymentMethod.BANK_TRANSFER.value,
        "note": raw.get("note") or "",
        "reference": raw.get("bank_reference") or "",
    }
    try:
        values["received_on"] = date.fromisoformat((raw.get("received_on") or "").strip())
    except ValueError:
        problems.append(f"received_on {raw.get('received_on')!r} is not a date (YYYY-MM-DD)")
        values["received_on"] = day
    try:
        cleaned = v.clean(PAYMENT_FIELDS, values, today=day)
    except DomainError as exc:
        problems += [f"{p.field}: {p.message}" for p in exc.problems]
        cleaned = {}
    return cleaned, problems


async def import_payments(
    path: Path, viewer: Viewer, parse_id: IdParser = _no_api_ids
) -> PaymentImportReport:
    """Import a bank export of payments; see the module's docstring."""
    report = PaymentImportReport()
    user = viewer.require_user()
    try:
        header, rows = read_rows(path)
    except UnreadableFile as exc:
        report.errors.append((0, str(exc)))
        return report
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        report.errors.append((1, f"missing column(s): {', '.join(missing)}"))
        return report
    day = today(await company_settings())
    customers, ambiguous = await customer_index(
        {(r.get("customer") or "").strip() for _, r in rows}, parse_id
    )
    checked: list[_Row] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        ref = (raw.get("bank_reference") or "").strip()
        who = (raw.get("customer") or "").strip()
        cleaned, problems = _check(raw, day)
        if not ref:
            problems.append("bank_reference is required")
        elif len(ref) > 100:
            problems.append("bank_reference is longer than 100 characters")
        elif ref in seen:
            problems.append(f"bank_reference {ref} is also on line {seen[ref]}")
        else:
            seen[ref] = line
        if who in ambiguous:
            problems.append(f"customer {who!r} matches several customers; use the code or ID")
        elif who not in customers:
            problems.append(f"unknown customer {who!r}")
        if problems:
            report.errors += [(line, p) for p in problems]
            continue
        cleaned["idempotency_key"] = KEY_PREFIX + ref
        checked.append(_Row(line, customers[who], cleaned))
    known = {
        p.idempotency_key: p
        for p in await Payment.filter(
            idempotency_key__in=[r.cleaned["idempotency_key"] for r in checked]
        )
    }
    fresh = []
    for row in checked:
        before = known.get(row.cleaned["idempotency_key"])
        if before is None:
            fresh.append(row)
        elif (before.customer_id, before.amount_minor) != (row.customer_id, row.cleaned["amount"]):
            report.errors.append(
                (row.line, "this bank_reference was imported before for another customer or amount")
            )
        else:
            report.skipped += 1
    if report.errors:
        report.errors.sort()
        return report
    async with in_transaction():
        for row in fresh:
            done = await write_payment(viewer, user.id, row.customer_id, row.cleaned, None, day=day)
            report.created += 1
            applied = sum(a for _, a in done.applied)
            report.applied_minor += applied
            report.credit_minor += done.payment.amount_minor - applied
    return report
