"""GraphQL types of the receivables area: debts, payments, how payments were applied, and a
customer's balance."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry
from strawberry import relay
from strawberry.types import Info
from tortoise.expressions import Subquery
from tortoise.models import Model

from server.domain.company.services import today
from server.domain.receivables import ledgers, models
from server.domain.receivables.scope import visible_payments, visible_receivables
from server.graphql.accounts import loaders as accounts_loaders
from server.graphql.accounts.types import User
from server.graphql.connections import nodes_in_order
from server.graphql.customers.types import visible_customer
from server.graphql.enums import by_value
from server.graphql.money import Money, money
from server.graphql.receivables import loaders
from server.graphql.receivables.enums import PaymentMethod, ReceivableStatus, WriteOffStatus
from server.graphql.rules import company_rules

if TYPE_CHECKING:
    from server.graphql.customers.types import Customer

CustomerType = Annotated["Customer", strawberry.lazy("server.graphql.customers.types")]
d = strawberry.field
_STATUSES, _METHODS = by_value(ReceivableStatus), by_value(PaymentMethod)
_WRITE_OFF_STATUSES = by_value(WriteOffStatus)


async def user_of(info: Info, user_id: int | None) -> User | None:
    """A colleague by id (names are not private), through the request's loader."""
    if user_id is None:
        return None
    row = await info.context.loader(accounts_loaders.users).load(user_id)
    return User.from_row(row) if row else None


M = TypeVar("M", bound=Model)
T = TypeVar("T")


async def with_names(info: Info, found: list[M], convert: Callable[[M, str, str], T]) -> list[T]:
    """GraphQL objects for models of a customer's money, their customers' names read in one
    batch (whoever reads the money may read whose it is)."""
    names = await info.context.loader(loaders.customer_names).load_many(
        [m.customer_id for m in found]  # type: ignore[attr-defined]
    )
    currency = info.context.currency
    return [convert(m, currency, n) for m, n in zip(found, names, strict=True)]


async def built_nodes(
    info: Info,
    node_ids: Iterable[str],
    query: Any,
    build: Callable[[Info, list[Any]], Awaitable[list[Any]]],
) -> list[Any]:
    """`nodes_in_order` for types built a page at a time (`with_names`)."""
    found = await nodes_in_order(node_ids, query, lambda m: m)
    built = iter(await build(info, [m for m in found if m is not None]))
    return [next(built) if m is not None else None for m in found]


@strawberry.type(
    description="A debt (应收款): what a customer owes for an order or as entered by finance. "
    "open = amount − paid − writtenOff, always. Visible to finance, and to whoever sees "
    "the customer."
)
class Receivable(relay.Node):
    id: relay.NodeID[int]
    version: int = d(description="Changes whenever its parts change.")
    reference: str = d(description="The invoice or order reference.")
    amount: Money = d(description="What was owed at issue.")
    paid: Money = d(description="Paid so far (reversed payments not counted).")
    written_off: Money = d(description="Written off as bad debt.")
    open: Money = d(description="Still owed: amount − paid − writtenOff.")
    issued_on: date = d(description="When it was issued (the order date for an order).")
    due_on: date = d(description="When it falls due, by the customer's payment terms.")
    status: ReceivableStatus = d(description="Where it stands.")
    disputed: bool = d(description="The customer disputes it.")
    note: str = d(description="Finance's note.")
    created_at: datetime = d(description="When it was recorded.")
    customer_name: str = d(
        description="The customer's name: whoever reads the debt may read it, though not "
        "always the customer's record."
    )
    _customer_id: strawberry.Private[int]
    _sales_order_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: models.Receivable, currency: str, customer_name: str) -> Receivable:
        return cls(
            id=m.id,
            version=m.version,
            reference=m.reference,
            amount=money(m.amount_minor, currency),
            paid=money(m.paid_minor, currency),
            written_off=money(m.written_off_minor, currency),
            open=money(m.open_minor, currency),
            issued_on=m.issued_on,
            due_on=m.due_on,
            status=_STATUSES[m.status],
            disputed=m.disputed,
            note=m.note,
            created_at=m.created_at,
            customer_name=customer_name,
            _customer_id=m.customer_id,
            _sales_order_id=m.sales_order_id,
        )

    @classmethod
    async def build(cls, info: Info, found: list[models.Receivable]) -> list[Receivable]:
        return await with_names(info, found, cls.from_model)

    @strawberry.field(
        description="Days past the due date on the company's today while anything is open; "
        "0 when not yet due or settled."
    )
    async def days_overdue(self, info: Info) -> int:
        if self.open.amount <= 0:
            return 0
        return max(0, (today(await company_rules(info)) - self.due_on).days)

    @strawberry.field(description="The customer; null when you may not see its record.")
    async def customer(self, info: Info) -> CustomerType | None:
        return await visible_customer(info, self._customer_id)

    @strawberry.field(description="The payments applied to it, oldest first.")
    async def allocations(self, info: Info) -> list[PaymentAllocation]:
        found = await info.context.loader(loaders.receivable_allocations).load(self.id)
        return [PaymentAllocation.from_model(a, info.context.currency) for a in found]

    @strawberry.field(description="Write-offs proposed for it, oldest first.")
    async def write_offs(self, info: Info) -> list[WriteOff]:
        found = await models.WriteOff.filter(receivable_id=self.id).order_by("id")
        return [WriteOff.from_model(m, info.context.currency) for m in found]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        query = await visible_receivables(info.context.viewer)
        return await built_nodes(info, node_ids, query, cls.build)


@strawberry.type(description="Part of a payment applied to one debt.")
class PaymentAllocation:
    amount: Money = d(description="How much of the payment the debt took.")
    allocated_at: datetime = d(description="When it was applied.")
    reversed: bool = d(description="The payment was reversed: the debt owes this again.")
    _payment_id: strawberry.Private[int]
    _receivable_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: models.PaymentAllocation, currency: str) -> PaymentAllocation:
        return cls(
            amount=money(m.amount_minor, currency),
            allocated_at=m.allocated_at,
            reversed=m.reversed,
            _payment_id=m.payment_id,
            _receivable_id=m.receivable_id,
        )

    @strawberry.field(description="The debt it paid.")
    async def receivable(self, info: Info) -> Receivable:
        # Same customer as the payment: visible whenever the payment is.
        m = await info.context.loader(loaders.receivables).load(self._receivable_id)
        assert m is not None
        [built] = await Receivable.build(info, [m])
        return built

    @strawberry.field(description="The payment.")
    async def payment(self, info: Info) -> Payment:
        found = await (await visible_payments(info.context.viewer)).get(id=self._payment_id)
        [built] = await Payment.build(info, [found])
        return built


@strawberry.type(
    description="Money received from a customer (收款). Never deleted: a wrong one is "
    "reversed with the reason, and the debts it paid are owed again."
)
class Payment(relay.Node):
    id: relay.NodeID[int]
    amount: Money = d(description="What was received.")
    unallocated: Money = d(
        description="What no debt has taken yet: the customer's credit (0 once reversed)."
    )
    received_on: date = d(description="When it arrived.")
    method: PaymentMethod = d(description="How it was paid.")
    reference: str = d(description="The bank's or the cheque's reference.")
    note: str = d(description="Finance's note.")
    recorded_at: datetime = d(description="When it was recorded.")
    reversed_at: datetime | None = d(description="When it was reversed; null if it stands.")
    reversal_reason: str = d(description="Why it was reversed.")
    customer_name: str = d(description="The customer's name.")
    _customer_id: strawberry.Private[int]
    _recorded_by_id: strawberry.Private[int]
    _reversed_by_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: models.Payment, currency: str, customer_name: str) -> Payment:
        return cls(
            id=m.id,
            amount=money(m.amount_minor, currency),
            unallocated=money(m.unallocated_minor, currency),
            received_on=m.received_on,
            method=_METHODS[m.method],
            reference=m.reference,
            note=m.note,
            recorded_at=m.recorded_at,
            reversed_at=m.reversed_at,
            reversal_reason=m.reversal_reason,
            customer_name=customer_name,
            _customer_id=m.customer_id,
            _recorded_by_id=m.recorded_by_id,
            _reversed_by_id=m.reversed_by_id,
        )

    @classmethod
    async def build(cls, info: Info, found: list[models.Payment]) -> list[Payment]:
        return await with_names(info, found, cls.from_model)

    @strawberry.field(description="The customer; null when you may not see its record.")
    async def customer(self, info: Info) -> CustomerType | None:
        return await visible_customer(info, self._customer_id)

    @strawberry.field(description="Who recorded it.")
    async def recorded_by(self, info: Info) -> User | None:
        return await user_of(info, self._recorded_by_id)

    @strawberry.field(description="Who reversed it.")
    async def reversed_by(self, info: Info) -> User | None:
        return await user_of(info, self._reversed_by_id)

    @strawberry.field(description="The debts it paid, in the order applied.")
    async def allocations(self, info: Info) -> list[PaymentAllocation]:
        found = await info.context.loader(loaders.payment_allocations).load(self.id)
        return [PaymentAllocation.from_model(a, info.context.currency) for a in found]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        query = await visible_payments(info.context.viewer)
        return await built_nodes(info, node_ids, query, cls.build)


@strawberry.type(description="A customer's money at a glance (the money tab's header).")
class CustomerBalance:
    open: Money = d(description="Owed on open debts.")
    overdue: Money = d(description="Of that, past its due date on the company's today.")
    credit: Money = d(description="Paid and not yet applied to any debt.")
    net: Money = d(description="open − credit: what the customer owes after their credit.")
    open_count: int = d(description="How many debts are open.")

    @classmethod
    def from_balance(cls, b: ledgers.Balance, currency: str) -> CustomerBalance:
        return cls(
            open=money(b.open_minor, currency),
            overdue=money(b.overdue_minor, currency),
            credit=money(b.credit_minor, currency),
            net=money(b.net_minor, currency),
            open_count=b.open_count,
        )


@strawberry.type(
    description="A debt, in part or whole, proposed for writing off as bad debt (坏账), and "
    "the decision: a manager over the customer who did not propose it decides."
)
class WriteOff(relay.Node):
    id: relay.NodeID[int]
    amount: Money = d(description="How much to write off.")
    reason: str = d(description="Why it will not be paid.")
    status: WriteOffStatus = d(description="Proposed, approved or refused.")
    proposed_at: datetime = d(description="When it was proposed.")
    decided_at: datetime | None = d(description="When it was decided.")
    decision_note: str = d(description="The decider's note.")
    _receivable_id: strawberry.Private[int]
    _proposed_by_id: strawberry.Private[int]
    _decided_by_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: models.WriteOff, currency: str) -> WriteOff:
        return cls(
            id=m.id,
            amount=money(m.amount_minor, currency),
            reason=m.reason,
            status=_WRITE_OFF_STATUSES[m.status],
            proposed_at=m.proposed_at,
            decided_at=m.decided_at,
            decision_note=m.decision_note,
            _receivable_id=m.receivable_id,
            _proposed_by_id=m.proposed_by_id,
            _decided_by_id=m.decided_by_id,
        )

    @strawberry.field(description="The debt.")
    async def receivable(self, info: Info) -> Receivable:
        # Visible with the write-off: both follow the customer's money.
        m = await info.context.loader(loaders.receivables).load(self._receivable_id)
        assert m is not None
        [built] = await Receivable.build(info, [m])
        return built

    @strawberry.field(description="Who proposed it.")
    async def proposed_by(self, info: Info) -> User | None:
        return await user_of(info, self._proposed_by_id)

    @strawberry.field(description="Who decided it.")
    async def decided_by(self, info: Info) -> User | None:
        return await user_of(info, self._decided_by_id)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        receivables = await visible_receivables(info.context.viewer)
        query = models.WriteOff.filter(receivable_id__in=Subquery(receivables.values("id")))
        currency = info.context.currency
        return await nodes_in_order(node_ids, query, lambda m: cls.from_model(m, currency))
