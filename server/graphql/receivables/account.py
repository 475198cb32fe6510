"""A customer's account: the facts finance needs about a customer's money, readable by
finance without the customer's archive (the money tab, and `customerAccount`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from server.domain.company.services import today
from server.domain.customers.models import AllyStrength, Contact, Customer
from server.domain.receivables import holds, ledgers, models, statements
from server.domain.receivables.scope import sees_money_of
from server.domain.shared.errors import DomainError
from server.graphql.accounts.types import User
from server.graphql.connections import After, Connection, First
from server.graphql.errors import argument_error
from server.graphql.money import Money, money
from server.graphql.receivables.collections import CollectionCase, open_case_of
from server.graphql.receivables.pages import payments_of, receivables_of
from server.graphql.receivables.types import CustomerBalance, Payment, Receivable, user_of
from server.graphql.rules import company_rules

d = strawberry.field


@strawberry.type(description="A person at the customer, as collecting needs them.")
class AccountContact:
    contact_id: relay.GlobalID = d(description="The contact's ID (for allyId, keyPersonId).")
    name: str = d(description="Full name.")
    title: str = d(description="Job title.")
    phone: str = d(description="Phone number.")
    is_decision_maker: bool = d(description="A key person (关键人物).")
    is_ally: bool = d(description="One of the customer's allies (内线).")


@strawberry.type(description="Supply stopped (断货): orders are refused while it stands.")
class CreditHold:
    reason: str = d(description="Why supply was stopped.")
    placed_at: datetime = d(description="When.")
    _placed_by_id: strawberry.Private[int]

    @strawberry.field(description="Who stopped supply.")
    async def placed_by(self, info: Info) -> User | None:
        return await user_of(info, self._placed_by_id)


@strawberry.type(description="One line of a statement of account.")
class StatementLine:
    on: date = d(description="The day it happened.")
    kind: str = d(description="debt, payment, reversal or write_off.")
    reference: str = d(description="The invoice, order or bank reference.")
    amount: Money = d(description="+ what the customer came to owe, − what settled it.")


@strawberry.type(
    description="A statement of account (对账单) for a period: to reconcile with the "
    "customer's finance department (docs/domain.md §6)."
)
class Statement:
    period_from: date = d(description="First day.")
    period_to: date = d(description="Last day.")
    opening: Money = d(description="Owed at the start, net of credit.")
    lines: list[StatementLine] = d(description="Every movement in the period, in order.")
    closing: Money = d(description="Owed at the end, net of credit: opening + lines.")

    @classmethod
    def from_domain(cls, s: statements.Statement, currency: str) -> Statement:
        return cls(
            period_from=s.period_from,
            period_to=s.period_to,
            opening=money(s.opening_minor, currency),
            lines=[
                StatementLine(
                    on=line.on,
                    kind=line.kind,
                    reference=line.reference,
                    amount=money(line.amount_minor, currency),
                )
                for line in s.lines
            ],
            closing=money(s.closing_minor, currency),
        )


@strawberry.type(description="A statement the customer's finance department agreed (对账).")
class Reconciliation:
    period_from: date = d(description="First day.")
    period_to: date = d(description="Last day.")
    closing: Money = d(description="The closing balance agreed.")
    confirmed_by: str = d(description="Who confirmed it on the customer's side.")
    differences: str = d(description="Differences found, if any.")
    recorded_at: datetime = d(description="When it was recorded.")

    @classmethod
    def from_model(cls, m: models.Reconciliation, currency: str) -> Reconciliation:
        return cls(
            period_from=m.period_from,
            period_to=m.period_to,
            closing=money(m.closing_minor, currency),
            confirmed_by=m.confirmed_by_name,
            differences=m.differences,
            recorded_at=m.recorded_at,
        )


@strawberry.type(
    description="A customer's money: what finance needs and may read, without the archive."
)
class CustomerAccount:
    customer_id: relay.GlobalID = d(description="The customer's ID.")
    customer_name: str = d(description="The customer's name.")
    credit_limit: Money | None = d(description="Credit limit (信用额度); null for none.")
    billing_day: int | None = d(description="Billing day (结账日), 1–31.")
    payment_days: int | None = d(description="Days of credit; null for the company's default.")
    _id: strawberry.Private[int]

    @strawberry.field(description="Open, overdue and credit.")
    async def balance(self, info: Info) -> CustomerBalance:
        day = today(await company_rules(info))
        found = await ledgers.balances([self._id], day)
        return CustomerBalance.from_balance(found[self._id], info.context.currency)

    @strawberry.field(
        description="Share of the credit limit the open debts use, in percent (one decimal); "
        "null without a limit."
    )
    async def credit_used_percent(self, info: Info) -> float | None:
        limit = self.credit_limit
        if limit is None or limit.amount <= 0:
            return None
        balance = await self.balance(info)
        return round(float(balance.open.amount * 100 / limit.amount), 1)

    @strawberry.field(description="The standing credit hold; null when supply flows.")
    async def hold(self) -> CreditHold | None:
        found = await holds.standing_hold(self._id)
        if found is None:
            return None
        return CreditHold(
            reason=found.reason, placed_at=found.placed_at, _placed_by_id=found.placed_by_id
        )

    @strawberry.field(description="The people to talk to about the money.")
    async def contacts(self) -> list[AccountContact]:
        rows = await Contact.filter(customer_id=self._id).order_by("name", "id")
        return [
            AccountContact(
                contact_id=relay.GlobalID("Contact", str(c.id)),
                name=c.name,
                title=c.title,
                phone=c.phone,
                is_decision_maker=c.is_decision_maker,
                is_ally=c.ally_strength != AllyStrength.NONE,
            )
            for c in rows
        ]

    @strawberry.field(description="The debts, the earliest due first.")
    async def receivables(
        self,
        info: Info,
        open: Annotated[
            bool | None, strawberry.argument(description="True: only those still owed.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Receivable]:
        return await receivables_of(info, self._id, first, after, open_only=bool(open))

    @strawberry.field(description="The payments, the latest received first.")
    async def payments(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Payment]:
        return await payments_of(info, self._id, first, after)

    @strawberry.field(description="The statement of account for a period (at most 3 years).")
    async def statement(
        self,
        info: Info,
        period_from: Annotated[date, strawberry.argument(name="from", description="First day.")],
        period_to: Annotated[date, strawberry.argument(name="to", description="Last day.")],
    ) -> Statement:
        try:
            found = await statements.statement(
                info.context.viewer, self._id, period_from, period_to
            )
        except DomainError as exc:
            raise argument_error(exc) from None
        return Statement.from_domain(found, info.context.currency)

    @strawberry.field(description="Statements agreed with the customer, the latest first.")
    async def reconciliations(self, info: Info) -> list[Reconciliation]:
        found = await models.Reconciliation.filter(customer_id=self._id).order_by(
            "-period_to", "-id"
        )
        return [Reconciliation.from_model(m, info.context.currency) for m in found]

    @strawberry.field(description="The open collection case; null when nothing is overdue.")
    async def collection_case(self, info: Info) -> CollectionCase | None:
        return await open_case_of(info, self._id)


async def account_of(info: Info, customer_id: int) -> CustomerAccount | None:
    """The customer's account, if the viewer may read the customer's money."""
    if not await sees_money_of(info.context.viewer, customer_id):
        return None
    customer = await Customer.get_or_none(id=customer_id).only(
        "id", "name", "credit_limit_minor", "billing_day", "payment_days"
    )
    if customer is None:
        return None
    return CustomerAccount(
        customer_id=relay.GlobalID("Customer", str(customer.id)),
        customer_name=customer.name,
        credit_limit=money(customer.credit_limit_minor, info.context.currency),
        billing_day=customer.billing_day,
        payment_days=customer.payment_days,
        _id=customer.id,
    )
