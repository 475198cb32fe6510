"""`crm-server import orders FILE`: sales orders from a CSV or .xlsx file, all or nothing.

One row per order line. Columns (header required, order free):
  external_ref  the order's number in the source system; rows sharing it form one order
  customer      the customer's ID as the API shows it, its customer code, or its exact name
  ordered_on    YYYY-MM-DD
  product, quantity, unit_price (decimal, e.g. 1250.00), note (optional)
CSV may be UTF-8 or GBK/GB18030 (see order_file.py). Re-importing a file records nothing
twice: orders whose external_ref is already recorded for the same customer are skipped; one
recorded for another customer is a problem. Any problem stops the import before anything is
written, and every one is reported with its line number (0 for the file as a whole).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import cast

from tortoise.transactions import in_transaction

from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.company.services import company_settings, today
from server.domain.customers.models import Customer
from server.domain.sales.models import SalesOrder
from server.domain.sales.order_file import UnreadableFile, read_rows
from server.domain.sales.orders import (
    Line,
    OrderHook,
    after_orders,
    clean_lines,
    insert_order,
)
from server.domain.shared.errors import DomainError

REQUIRED = ("external_ref", "customer", "ordered_on", "product", "quantity", "unit_price")


@dataclass
class ImportReport:
    created: int = 0
    skipped: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    new_vips: int = 0


@dataclass
class _Order:
    ref: str
    customer_id: int
    ordered_on: date
    note: str
    first_line: int
    lines: list[Line] = field(default_factory=list)


# Turns the customer cell into a customer's database id when it is an ID as API clients
# see it; supplied by the caller, because the domain does not know the API's ID format.
IdParser = Callable[[str], int | None]


async def customer_index(cells: set[str], parse_id: IdParser) -> tuple[dict[str, int], set[str]]:
    """Resolve each customer cell to an id: an API ID, else a customer code, else an exact
    name. Names shared by several customers are ambiguous."""
    found: dict[str, int] = {}
    by_id = {cell: pk for cell in cells if (pk := parse_id(cell)) is not None}
    if by_id:
        rows = await Customer.filter(id__in=list(by_id.values())).values_list("id", flat=True)
        known = set(cast(list[int], rows))
        found.update({cell: pk for cell, pk in by_id.items() if pk in known})
    rest = sorted(cells - set(by_id))
    ambiguous: set[str] = set()
    for start in range(0, len(rest), 500):
        chunk = rest[start : start + 500]
        for code, cid in await Customer.filter(code__in=chunk).values_list("code", "id"):
            found[code] = cid
        names = [c for c in chunk if c not in found]
        for name, cid in await Customer.filter(name__in=names).values_list("name", "id"):
            if name in found:
                ambiguous.add(name)
            found[name] = cid
    return found, ambiguous


def _parse_date(raw: str) -> date:
    return date.fromisoformat(raw.strip())


def _no_api_ids(cell: str) -> int | None:
    return None


async def import_orders(
    path: Path,
    viewer: Viewer | None = None,
    parse_id: IdParser = _no_api_ids,
    on_recorded: OrderHook | None = None,
) -> ImportReport:
    """Import sales orders from a CSV (UTF-8 or GB18030) or xlsx file, all or nothing: every bad row
    is reported with its line number and then nothing is written. Orders already imported (same
    customer and reference) are counted, not doubled."""
    viewer = viewer or Viewer(None)
    report = ImportReport()
    try:
        header, rows = read_rows(path)
    except UnreadableFile as exc:
        report.errors.append((0, str(exc)))
        return report
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        report.errors.append((1, f"missing column(s): {', '.join(missing)}"))
        return report
    settings = await company_settings()
    latest = today(settings)
    customers, ambiguous = await customer_index(
        {(r.get("customer") or "").strip() for _, r in rows}, parse_id
    )
    orders: dict[str, _Order] = {}
    for line_no, row in rows:
        ref = (row.get("external_ref") or "").strip()
        who = (row.get("customer") or "").strip()
        problems = []
        if not ref:
            problems.append("external_ref is required")
        elif len(ref) > 100:
            problems.append("external_ref is longer than 100 characters")
        if who in ambiguous:
            problems.append(f"customer {who!r} matches several customers; use the code or ID")
        elif who not in customers:
            problems.append(f"unknown customer {who!r}")
        try:
            ordered_on = _parse_date(row.get("ordered_on") or "")
            if ordered_on > latest:
                problems.append("ordered_on is in the future")
        except ValueError:
            problems.append(f"ordered_on {row.get('ordered_on')!r} is not a date (YYYY-MM-DD)")
            ordered_on = latest
        try:
            [line] = clean_lines(
                [
                    {
                        "product": row.get("product"),
                        "quantity": _int(row.get("quantity")),
                        "unit_price": (row.get("unit_price") or "").strip() or None,
                    }
                ]
            )
        except (DomainError, ValueError) as exc:
            problems += _messages(exc)
            line = None
        if problems:
            report.errors += [(line_no, p) for p in problems]
            continue
        assert line is not None
        order = orders.setdefault(
            ref,
            _Order(ref, customers[who], ordered_on, (row.get("note") or "").strip(), line_no),
        )
        if (order.customer_id, order.ordered_on) != (customers[who], ordered_on):
            report.errors.append(
                (line_no, f"order {ref} has another customer or date on line {order.first_line}")
            )
            continue
        order.lines.append(line)
    known = await _recorded(list(orders))
    for ref, order in orders.items():
        if ref in known and known[ref] != order.customer_id:
            report.errors.append(
                (order.first_line, f"order {ref} is already recorded for another customer")
            )
    if report.errors:
        report.errors.sort()
        return report
    fresh = [o for ref, o in orders.items() if ref not in known]
    report.skipped = len(orders) - len(fresh)
    months: dict[int, set[tuple[int, int]]] = defaultdict(set)
    async with in_transaction():
        created = []
        for order in fresh:
            saved = await insert_order(
                order.customer_id, order.ordered_on, order.lines, order.ref, order.note[:500], None
            )
            created.append(saved.id)
            if on_recorded is not None:
                await on_recorded(saved)
            months[order.customer_id].add((order.ordered_on.year, order.ordered_on.month))
        report.new_vips = len(await after_orders(viewer, settings, dict(months)))
        await audit.record_many(viewer, "order.import", "SalesOrder", created)
    report.created = len(fresh)
    return report


async def _recorded(refs: list[str]) -> dict[str, int]:
    """The customer each already recorded external reference belongs to."""
    found: dict[str, int] = {}
    for start in range(0, len(refs), 500):
        rows = await SalesOrder.filter(external_ref__in=refs[start : start + 500]).values_list(
            "external_ref", "customer_id"
        )
        found.update({ref: cid for ref, cid in rows})
    return found


def _int(raw: str | None) -> int | None:
    text = (raw or "").strip()
    if not text:
        return None
    return int(text)


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, DomainError):
        return [f"{(p.field or '').split('.')[-1]}: {p.message}" for p in exc.problems]
    return ["quantity must be a whole number"]
