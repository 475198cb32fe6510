"""Root fields of the receivables area: debts and payments, and the mutations that record
them (docs/domain.md §6)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info
from tortoise.expressions import Subquery
from tortoise.functions import Count

from server.domain.company.services import today
from server.domain.receivables import aging as domain_aging
from server.domain.receivables import (
    collections,
    holds,
    ledgers,
    models,
    services,
    statements,
    writeoffs,
)
from server.domain.receivables.scope import (
    visible_cases,
    visible_receivables,
)
from server.domain.shared.errors import DomainError
from server.domain.shared.paging import DATETIME, SortKey, paginate
from server.graphql.connections import After, Connection, First, connection, page_args
from server.graphql.enums import by_value
from server.graphql.errors import argument_error
from server.graphql.ids import decode_id
from server.graphql.input_values import input_values
from server.graphql.mutations import MutationInput, Payload, mutate
from server.graphql.receivables.account import CustomerAccount, Reconciliation, account_of
from server.graphql.receivables.aging import Aging
from server.graphql.receivables.aging import build as build_aging
from server.graphql.receivables.collections import CollectionCase
from server.graphql.receivables.enums import AgingGroup, CollectionStep, WriteOffStatus
from server.graphql.receivables.inputs import (
    CollectionClassifyInput,
    CollectionLogInput,
    CollectionStepInput,
    CreditHoldInput,
    PaymentAllocateInput,
    PaymentRecordInput,
    PaymentReverseInput,
    ReceivableCreateInput,
    ReceivableDisputeInput,
    ReceivableFilter,
    StatementReconcileInput,
    WriteOffDecideInput,
    WriteOffProposeInput,
    allocations,
)
from server.graphql.receivables.pages import payments_of, receivables_of
from server.graphql.receivables.types import CustomerBalance, Payment, Receivable, WriteOff
from server.graphql.rules import company_rules

d = strawberry.field
LATEST_PROPOSED = SortKey("proposed_at", descending=True, decode=DATETIME)
_COLLECTION_STEPS = by_value(CollectionStep)


@strawberry.type
class ReceivablesQuery:
    @strawberry.field(
        description="Debts you may read, the earliest due first: finance sees every "
        "customer's, others those of the customers they see."
    )
    async def receivables(
        self,
        info: Info,
        filter: Annotated[
            ReceivableFilter | None,
            strawberry.argument(description="Narrow the list; all when omitted."),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Receivable]:
        f = filter or ReceivableFilter()
        try:
            customer_id = (
                decode_id(f.customer_id, "Customer", "customer_id") if f.customer_id else None
            )
        except DomainError as exc:
            raise argument_error(exc) from None
        return await receivables_of(
            info,
            customer_id,
            first,
            after,
            open_only=bool(f.open),
            overdue_only=bool(f.overdue),
        )

    @strawberry.field(description="Payments you may read, the latest received first.")
    async def payments(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Payment]:
        return await payments_of(info, None, first, after)

    @strawberry.field(
        description="A customer's money by the customer's ID: for finance, who reads it "
        "without the customer's archive; null when you may not read it."
    )
    async def customer_account(
        self,
        info: Info,
        customer_id: Annotated[relay.GlobalID, strawberry.argument(description="The customer.")],
    ) -> CustomerAccount | None:
        try:
            pk = decode_id(customer_id, "Customer", "customer_id")
        except DomainError:
            return None
        return await account_of(info, pk)

    @strawberry.field(
        description="The collections board: overdue customers' cases you may read, by ladder "
        "step (a customer owing anything past due has a case, opened when first seen)."
    )
    async def collections(
        self,
        info: Info,
        mine: Annotated[
            bool | None,
            strawberry.argument(description="True: only your own customers' cases."),
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="Cases per step, at most 100 (20).")
        ] = None,
    ) -> CollectionBoard:
        return await collection_board(info, bool(mine), first)

    @strawberry.field(
        description="Aging as of a day (today when omitted): what you may read of the debts, "
        "by how long past due, grouped as asked, the most overdue first."
    )
    async def aging(
        self,
        info: Info,
        group_by: Annotated[AgingGroup, strawberry.argument(description="How to group.")],
        as_of: Annotated[
            date | None, strawberry.argument(description="The day; today when omitted.")
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="Rows, at most 500 (50).")
        ] = None,
    ) -> Aging:
        domain_group = domain_aging.AgingGroup(str(group_by.value))
        found = await domain_aging.aging(
            info.context.viewer, as_of, domain_group, await company_rules(info)
        )
        return await build_aging(info, found, domain_group, max(1, min(first or 50, 500)))

    @strawberry.field(
        description="Write-offs you may read, the latest proposed first (managers: those "
        "waiting for their decision with status PROPOSED)."
    )
    async def write_offs(
        self,
        info: Info,
        status: Annotated[
            WriteOffStatus | None, strawberry.argument(description="Only those in it.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[WriteOff]:
        receivables = await visible_receivables(info.context.viewer)
        query = models.WriteOff.filter(receivable_id__in=Subquery(receivables.values("id")))
        if status is not None:
            query = query.filter(status=str(status.value))
        try:
            page = await paginate(query, LATEST_PROPOSED, page_args(first, after, None, None))
        except DomainError as exc:
            raise argument_error(exc) from None
        currency = info.context.currency
        return connection(page, lambda m: WriteOff.from_model(m, currency))


@strawberry.type(description="One step of the collections board.")
class CollectionColumn:
    step: CollectionStep = d(description="The step.")
    count: int = d(description="How many cases stand at it.")
    cases: list[CollectionCase] = d(
        description="Its cases, the next action soonest first (unplanned first)."
    )


@strawberry.type(description="The collections board (催收).")
class CollectionBoard:
    columns: list[CollectionColumn] = d(description="New, then the six steps, in order.")


async def collection_board(info: Info, mine: bool, first: int | None) -> CollectionBoard:
    viewer = info.context.viewer
    if viewer.user is not None:
        await collections.open_overdue_cases(today(await company_rules(info)))
    query = (await visible_cases(viewer)).filter(open_slot__isnull=False)
    if mine and viewer.user is not None:
        query = query.filter(customer__owner_id=viewer.user.id)
    counts = dict(await query.annotate(n=Count("id")).group_by("step").values_list("step", "n"))
    size = max(1, min(first or 20, 100))
    columns = []
    for step in (models.CollectionStep.NEW, *models.LADDER):
        found = []
        if counts.get(step.value) or counts.get(step):
            found = (
                await query.filter(step=step)
                .order_by("next_action_on", "opened_at", "id")
                .limit(size)
            )
        columns.append(
            CollectionColumn(
                step=_COLLECTION_STEPS[step.value],
                count=int(counts.get(step.value) or counts.get(step) or 0),
                cases=await CollectionCase.build(info, list(found)),
            )
        )
    return CollectionBoard(columns=columns)


# ---- mutations ----


@strawberry.type(description="Result of receivableCreate and receivableDispute.")
class ReceivablePayload(Payload):
    receivable: Receivable | None = d(default=None, description="The debt recorded.")


@strawberry.type(description="Result of a payment mutation.")
class PaymentPayload(Payload):
    payment: Payment | None = d(default=None, description="The payment as it now stands.")
    replayed: bool = d(
        default=False,
        description="True when the idempotency key named a payment already recorded: "
        "nothing new was written.",
    )
    balance: CustomerBalance | None = d(
        default=None, description="The customer's balance after it."
    )


async def _payment_payload(
    info: Info, payment: models.Payment, replayed: bool = False
) -> PaymentPayload:
    [built] = await Payment.build(info, [payment])
    # The payer's balance: whoever reads the payment reads the customer's money.
    day = today(await company_rules(info))
    found = await ledgers.balances([payment.customer_id], day)
    return PaymentPayload(
        payment=built,
        replayed=replayed,
        balance=CustomerBalance.from_balance(found[payment.customer_id], info.context.currency),
    )


def _payment_id(value: Any) -> int:
    return decode_id(value, "Payment", "payment_id")


async def _paid(
    info: Info, call: Callable[[], Awaitable[services.PaymentResult]]
) -> PaymentPayload:
    async def answer(result: services.PaymentResult) -> PaymentPayload:
        return await _payment_payload(info, result.payment, result.replayed)

    return await mutate(PaymentPayload, call, answer)


@strawberry.type
class MoneyMutation:
    @strawberry.mutation(
        description="Enter a debt by hand (finance). Its due date follows the customer's "
        "payment terms unless given."
    )
    async def receivable_create(
        self, info: Info, input: MutationInput[ReceivableCreateInput]
    ) -> ReceivablePayload:
        return await mutate(
            ReceivablePayload,
            lambda: services.create_receivable(
                info.context.viewer,
                decode_id(input.customer_id, "Customer", "customer_id"),
                input_values(input, skip=("customer_id",)),
            ),
            lambda m: _receivable_payload(info, m),
        )

    @strawberry.mutation(
        description="Mark a debt disputed by the customer, or resolved (finance or the "
        "customer's owner line). A disputed debt is still owed."
    )
    async def receivable_dispute(
        self, info: Info, input: MutationInput[ReceivableDisputeInput]
    ) -> ReceivablePayload:
        return await mutate(
            ReceivablePayload,
            lambda: services.set_disputed(
                info.context.viewer,
                decode_id(input.receivable_id, "Receivable", "receivable_id"),
                input.disputed,
                input.note,
            ),
            lambda m: _receivable_payload(info, m),
        )

    @strawberry.mutation(
        description="Record money received (finance) and apply it: to the debts named, or "
        "the oldest due first. What no debt takes stays the customer's credit. Safe to "
        "retry with an idempotency key."
    )
    async def payment_record(
        self, info: Info, input: MutationInput[PaymentRecordInput]
    ) -> PaymentPayload:
        return await _paid(
            info,
            lambda: services.record_payment(
                info.context.viewer,
                decode_id(input.customer_id, "Customer", "customer_id"),
                input_values(input, skip=("customer_id", "allocations")),
                allocations(input.allocations),
            ),
        )

    @strawberry.mutation(
        description="Apply what is left of a payment (the customer's credit) to their debts."
    )
    async def payment_allocate(
        self, info: Info, input: MutationInput[PaymentAllocateInput]
    ) -> PaymentPayload:
        return await _paid(
            info,
            lambda: services.allocate_credit(
                info.context.viewer, _payment_id(input.payment_id), allocations(input.allocations)
            ),
        )

    @strawberry.mutation(
        description="Reverse a payment recorded in error (finance): it stays on record with "
        "the reason, and the debts it paid are owed again."
    )
    async def payment_reverse(
        self, info: Info, input: MutationInput[PaymentReverseInput]
    ) -> PaymentPayload:
        async def answer(m: models.Payment) -> PaymentPayload:
            return await _payment_payload(info, m)

        return await mutate(
            PaymentPayload,
            lambda: services.reverse_payment(
                info.context.viewer, _payment_id(input.payment_id), input.reason
            ),
            answer,
        )


@strawberry.type(description="Result of a credit hold mutation.")
class CreditHoldPayload(Payload):
    account: CustomerAccount | None = d(default=None, description="The customer's account now.")


@strawberry.type(description="Result of a write-off mutation.")
class WriteOffPayload(Payload):
    write_off: WriteOff | None = d(default=None, description="The write-off as it now stands.")


@strawberry.type(description="Result of a collection case mutation.")
class CollectionCasePayload(Payload):
    collection_case: CollectionCase | None = d(
        default=None, description="The case as it now stands."
    )


@strawberry.type(description="Result of statementReconcile.")
class ReconciliationPayload(Payload):
    reconciliation: Reconciliation | None = d(default=None, description="What was recorded.")


def _optional(value: Any, type_name: str, field: str) -> int | None:
    return decode_id(value, type_name, field) if value is not None else None


async def _receivable_payload(info: Info, m: models.Receivable) -> ReceivablePayload:
    [built] = await Receivable.build(info, [m])
    return ReceivablePayload(receivable=built)


async def _held(
    info: Info,
    input: CreditHoldInput,
    change: Callable[[Any, int, Any], Awaitable[models.CreditHold]],
) -> CreditHoldPayload:
    """Place or release a hold; answer with the customer's account as it now stands."""

    async def answer(m: models.CreditHold) -> CreditHoldPayload:
        return CreditHoldPayload(account=await account_of(info, m.customer_id))

    return await mutate(
        CreditHoldPayload,
        lambda: change(
            info.context.viewer,
            decode_id(input.customer_id, "Customer", "customer_id"),
            input.reason,
        ),
        answer,
    )


async def _case_payload(info: Info, m: models.CollectionCase) -> CollectionCasePayload:
    [built] = await CollectionCase.build(info, [m])
    return CollectionCasePayload(collection_case=built)


@strawberry.type
class CreditMutation:
    @strawberry.mutation(
        description="Stop supply to a customer (断货): finance, or a manager over the "
        "customer. Orders are refused while it stands."
    )
    async def credit_hold_place(
        self, info: Info, input: MutationInput[CreditHoldInput]
    ) -> CreditHoldPayload:
        return await _held(info, input, holds.place_hold)

    @strawberry.mutation(
        description="Resume supply (release the hold): finance, or a manager over the customer."
    )
    async def credit_hold_release(
        self, info: Info, input: MutationInput[CreditHoldInput]
    ) -> CreditHoldPayload:
        return await _held(info, input, holds.release_hold)

    @strawberry.mutation(
        description="Propose writing off part or all of a debt as bad debt: finance or the "
        "customer's owner line. A manager over the customer decides."
    )
    async def write_off_propose(
        self, info: Info, input: MutationInput[WriteOffProposeInput]
    ) -> WriteOffPayload:
        return await mutate(
            WriteOffPayload,
            lambda: writeoffs.propose_write_off(
                info.context.viewer,
                decode_id(input.receivable_id, "Receivable", "receivable_id"),
                input.amount,
                input.reason,
            ),
            lambda m: WriteOffPayload(write_off=WriteOff.from_model(m, info.context.currency)),
        )

    @strawberry.mutation(
        description="Approve or refuse a proposed write-off: a manager over the customer who "
        "did not propose it. Approved, the amount is no longer owed."
    )
    async def write_off_decide(
        self, info: Info, input: MutationInput[WriteOffDecideInput]
    ) -> WriteOffPayload:
        return await mutate(
            WriteOffPayload,
            lambda: writeoffs.decide_write_off(
                info.context.viewer,
                decode_id(input.write_off_id, "WriteOff", "write_off_id"),
                input.approve,
                input.note,
            ),
            lambda m: WriteOffPayload(write_off=WriteOff.from_model(m, info.context.currency)),
        )

    @strawberry.mutation(
        description="Classify an overdue debt as malicious or not, with the reason (audited)."
    )
    async def collection_classify(
        self, info: Info, input: MutationInput[CollectionClassifyInput]
    ) -> CollectionCasePayload:
        return await mutate(
            CollectionCasePayload,
            lambda: collections.classify(
                info.context.viewer,
                decode_id(input.id, "CollectionCase", "id"),
                input.version,
                input.classification.value,
                input.reason,
            ),
            lambda m: _case_payload(info, m),
        )

    @strawberry.mutation(
        description="Take a step of the collection ladder (seed 000 §六) with its outcome and "
        "the next action's date, which lands in the owner's queue. Non-malicious debts use "
        "steps 1–4; step 4 stops supply. Going down a step needs the reason in note."
    )
    async def collection_step(
        self, info: Info, input: MutationInput[CollectionStepInput]
    ) -> CollectionCasePayload:
        def values() -> dict[str, Any]:
            return {
                "note": input.note,
                "next_action_on": input.next_action_on,
                "ally_id": _optional(input.ally_id, "Contact", "ally_id"),
                "key_person_id": _optional(input.key_person_id, "Contact", "key_person_id"),
                "agency_name": input.agency_name,
                "handed_over_on": input.handed_over_on,
                "agency_fee": input.agency_fee,
                "legal_action": input.legal_action.value if input.legal_action else None,
                "case_number": input.case_number,
            }

        return await mutate(
            CollectionCasePayload,
            lambda: collections.take_step(
                info.context.viewer,
                decode_id(input.id, "CollectionCase", "id"),
                input.version,
                input.step.value,
                values(),
            ),
            lambda m: _case_payload(info, m),
            paths={"agency_fee_minor": ("agencyFee",)},
        )

    @strawberry.mutation(
        description="Record something done at the case's current step, with the outcome and "
        "the next action's date."
    )
    async def collection_log(
        self, info: Info, input: MutationInput[CollectionLogInput]
    ) -> CollectionCasePayload:
        return await mutate(
            CollectionCasePayload,
            lambda: collections.log_action(
                info.context.viewer,
                decode_id(input.id, "CollectionCase", "id"),
                input.version,
                input.outcome,
                input.next_action_on,
            ),
            lambda m: _case_payload(info, m),
        )

    @strawberry.mutation(
        description="Record that the customer's finance department agreed the statement of a "
        "period (对账), with who confirmed it and any differences."
    )
    async def statement_reconcile(
        self, info: Info, input: MutationInput[StatementReconcileInput]
    ) -> ReconciliationPayload:
        return await mutate(
            ReconciliationPayload,
            lambda: statements.record_reconciliation(
                info.context.viewer,
                decode_id(input.customer_id, "Customer", "customer_id"),
                input.period_from,
                input.period_to,
                input.confirmed_by,
                input.differences,
            ),
            lambda m: ReconciliationPayload(
                reconciliation=Reconciliation.from_model(m, info.context.currency)
            ),
            paths={"period_from": ("from",), "period_to": ("to",)},
        )


@strawberry.type
class ReceivablesMutation(MoneyMutation, CreditMutation):
    """The area's mutations: money in, and credit and collections."""


# This area's root parts, joined into Query and Mutation (server/areas.py).
QUERY = ReceivablesQuery
MUTATION = ReceivablesMutation
