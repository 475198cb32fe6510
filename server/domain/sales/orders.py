"""Recording sales orders, and the VIP rule they feed (docs/domain.md §4)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.company.models import CompanySettings
from server.domain.company.services import company_settings, today
from server.domain.customers.models import Customer, Stage
from server.domain.customers.services import editable_customer
from server.domain.sales.models import SalesOrder, SalesOrderLine
from server.domain.shared import money
from server.domain.shared import validation as v
from server.domain.shared.errors import N_, DomainError, ErrorCode, FieldProblem
from server.domain.shared.paging import DATE, Page, PageArgs, SortKey, paginate
from server.domain.shared.validation import Patch

# Run inside an order's transaction once the order is written: the areas above sales hook
# in here (receivables records what the customer owes for it; refusing rolls it back).
OrderHook = Callable[[SalesOrder], Awaitable[None]]

MAX_LINES = 500
LINE_FIELDS: dict[str, v.Validator] = {
    "product": v.text(200, required=True),
    "quantity": v.int_range(1, 1_000_000_000),
    "unit_price": money.amount_or_none,
}
ORDER_FIELDS: dict[str, v.Validator] = {
    "external_ref": v.text(100),
    "note": v.text(500),
}


@dataclass(frozen=True)
class Line:
    product: str
    quantity: int
    unit_price_minor: int

    @property
    def amount_minor(self) -> int:
        """The line's amount in minor units: quantity × unit price."""
        return self.quantity * self.unit_price_minor


def clean_lines(raw: Sequence[Patch]) -> list[Line]:
    """Validate every line; problems name the line, e.g. field `lines.2.quantity`."""
    if not raw:
        raise DomainError.single(ErrorCode.REQUIRED, "An order needs at least one line.", "lines")
    if len(raw) > MAX_LINES:
        raise DomainError.single(
            ErrorCode.OUT_OF_RANGE, N_("At most {most} lines."), "lines", most=MAX_LINES
        )
    lines, problems = [], []
    for index, values in enumerate(raw):
        try:
            cleaned = v.clean(LINE_FIELDS, {"quantity": None, "unit_price": None, **values})
        except DomainError as exc:
            problems += [
                FieldProblem(f"lines.{index}.{p.field}", p.code, p.template, p.params)
                for p in exc.problems
            ]
            continue
        if cleaned["quantity"] is None or cleaned["unit_price"] is None:
            missing = "quantity" if cleaned["quantity"] is None else "unit_price"
            problems.append(
                FieldProblem(f"lines.{index}.{missing}", ErrorCode.REQUIRED, "Required.")
            )
            continue
        line = Line(cleaned["product"], cleaned["quantity"], cleaned["unit_price"])
        if line.amount_minor >= money.MAX_MINOR:
            problems.append(
                FieldProblem(
                    f"lines.{index}.quantity",
                    ErrorCode.OUT_OF_RANGE,
                    "Quantity × unit price is too large an amount.",
                )
            )
            continue
        lines.append(line)
    if not problems and sum(line.amount_minor for line in lines) >= money.MAX_MINOR:
        problems.append(
            FieldProblem("lines", ErrorCode.OUT_OF_RANGE, "The order's total is too large.")
        )
    if problems:
        raise DomainError(*problems)
    return lines


def check_order_date(settings: CompanySettings, ordered_on: date | None) -> date:
    """The order date, required and not after the company's today."""
    if ordered_on is None:
        raise DomainError.single(ErrorCode.REQUIRED, "The order date is required.", "ordered_on")
    if ordered_on > today(settings):
        raise DomainError.single(ErrorCode.OUT_OF_RANGE, "Must not be in the future.", "ordered_on")
    return ordered_on


async def insert_order(
    customer_id: int,
    ordered_on: date,
    lines: list[Line],
    external_ref: str | None,
    note: str,
    created_by_id: int | None,
) -> SalesOrder:
    """Write an order and its lines (already checked) and return it."""
    order = await SalesOrder.create(
        customer_id=customer_id,
        ordered_on=ordered_on,
        external_ref=external_ref or None,
        total_minor=sum(line.amount_minor for line in lines),
        note=note,
        created_by_id=created_by_id,
    )
    await SalesOrderLine.bulk_create(
        [
            SalesOrderLine(
                order_id=order.id,
                line_no=n,
                product=line.product,
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
                amount_minor=line.amount_minor,
            )
            for n, line in enumerate(lines, start=1)
        ]
    )
    return order


async def create_order(
    viewer: Viewer,
    customer_id: int,
    ordered_on: date | None,
    raw_lines: Sequence[Patch],
    values: Patch,
    on_recorded: OrderHook | None = None,
) -> tuple[SalesOrder, bool]:
    """Record an order; returns it and whether it is new. The same external reference for
    the same customer returns the order already recorded (safe to retry)."""
    user = viewer.require_user()
    customer = await editable_customer(viewer, customer_id, field="customer_id")
    cleaned = v.clean(ORDER_FIELDS, values)
    problems: list[FieldProblem] = []
    settings = await company_settings()
    lines: list[Line] = []
    for check in (
        lambda: check_order_date(settings, ordered_on),
        lambda: lines.extend(clean_lines(raw_lines)),
    ):
        try:
            check()
        except DomainError as exc:
            problems += exc.problems
    if problems:
        raise DomainError(*problems)
    ref = cleaned.get("external_ref") or None
    if ref:
        existing = await SalesOrder.get_or_none(external_ref=ref)
        if existing is not None:
            return _same_customer(existing, customer.id), False
    assert ordered_on is not None
    try:
        async with in_transaction():
            order = await insert_order(
                customer.id, ordered_on, lines, ref, cleaned.get("note", ""), user.id
            )
            if on_recorded is not None:
                await on_recorded(order)
            await after_orders(viewer, settings, {customer.id: {_month(ordered_on)}})
            await audit.record(
                viewer,
                "order.create",
                "SalesOrder",
                order.id,
                {"total_minor": {"from": None, "to": order.total_minor}},
            )
    except IntegrityError:  # the same reference arrived concurrently
        existing = await SalesOrder.get_or_none(external_ref=ref) if ref else None
        if existing is None:
            raise
        return _same_customer(existing, customer.id), False
    return order, True


def _same_customer(existing: SalesOrder, customer_id: int) -> SalesOrder:
    if existing.customer_id != customer_id:
        raise DomainError.single(
            ErrorCode.DUPLICATE,
            "An order with this external reference exists for another customer.",
            "external_ref",
        )
    return existing


def _month(day: date) -> tuple[int, int]:
    return (day.year, day.month)


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def amount_text(minor: int) -> str:
    """Minor units as a plain decimal with separators, e.g. 1,234.50 (for messages)."""
    return f"{Decimal(minor).scaleb(-2):,.2f}"


async def after_orders(
    viewer: Viewer, settings: CompanySettings, months_by_customer: dict[int, set[tuple[int, int]]]
) -> list[int]:
    """What new orders change on their customers: a prospect or a negotiation becomes won,
    and the VIP rule is checked for the months the orders fall in. Returns new VIPs."""
    ids = list(months_by_customer)
    for start in range(0, len(ids), 500):
        await Customer.filter(
            id__in=ids[start : start + 500], stage__in=[Stage.PROSPECT, Stage.NEGOTIATING]
        ).update(stage=Stage.WON)
    return await apply_vip_rule(viewer, settings, months_by_customer)


async def apply_vip_rule(
    viewer: Viewer, settings: CompanySettings, months_by_customer: dict[int, set[tuple[int, int]]]
) -> list[int]:
    """VIP (seed 002): one order of at least the single-order threshold (10,000), or orders
    totalling at least the monthly threshold (20,000) in one calendar month. The first order
    that met the rule gives the reason and the date. VIP, once earned, is kept."""
    candidates = cast(
        list[int],
        await Customer.filter(id__in=list(months_by_customer), is_vip=False).values_list(
            "id", flat=True
        ),
    )
    made: list[int] = []
    for cid in candidates:
        found = await _first_qualifying(cid, months_by_customer[cid], settings)
        if found is None:
            continue
        since, reason = found
        await Customer.filter(id=cid, is_vip=False).update(
            is_vip=True, vip_since=since, vip_reason=reason
        )
        made.append(cid)
    if made:
        await audit.record_many(viewer, "customer.vip", "Customer", made)
    return made


async def _first_qualifying(
    customer_id: int, months: Iterable[tuple[int, int]], settings: CompanySettings
) -> tuple[date, str] | None:
    best: tuple[date, int, str] | None = None
    for year, month in sorted(months):
        first, last = _month_bounds(year, month)
        orders = await SalesOrder.filter(
            customer_id=customer_id, ordered_on__gte=first, ordered_on__lte=last
        ).order_by("ordered_on", "id")
        running = 0
        for order in orders:
            running += order.total_minor
            label = order.external_ref or f"#{order.id}"
            if order.total_minor >= settings.vip_single_order_minor:
                reason = (
                    f"Single order {label} of {amount_text(order.total_minor)} "
                    f"on {order.ordered_on.isoformat()}"
                )
            elif running >= settings.vip_monthly_minor:
                reason = f"Orders of {amount_text(running)} in {year:04d}-{month:02d}"
            else:
                continue
            if best is None or (order.ordered_on, order.id) < best[:2]:
                best = (order.ordered_on, order.id, reason)
            break
    return (best[0], best[2]) if best else None


ORDER_SORT = SortKey("ordered_on", descending=True, decode=DATE)


def orders_of(customer_id: int) -> QuerySet[SalesOrder]:
    """A customer's orders (the caller has checked the customer is visible)."""
    return SalesOrder.filter(customer_id=customer_id)


async def order_page(
    customer_id: int, args: PageArgs, columns: Sequence[str] | None = None
) -> Page[Any]:
    """A customer's orders, newest first. The caller has checked the customer is visible.
    With `columns`, plain rows of those columns (see `paginate`)."""
    return await paginate(orders_of(customer_id), ORDER_SORT, args, columns=columns)
