"""Inputs of the receivables area."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry import relay

from server.domain.receivables.services import Allocation
from server.graphql.ids import decode_id
from server.graphql.receivables.enums import (
    Classification,
    CollectionStep,
    LegalAction,
    PaymentMethod,
)

d = strawberry.field


@strawberry.input(description="A debt entered by hand.")
class ReceivableCreateInput:
    customer_id: relay.GlobalID = d(description="Whose debt it is.")
    amount: Decimal = d(description="What is owed, decimal string > 0, two places at most.")
    issued_on: date = d(description="When it was issued.")
    due_on: date | None = d(
        default=None,
        description="When it falls due; omitted, from the customer's payment terms.",
    )
    reference: str | None = d(default=None, description="Invoice reference, at most 100.")
    note: str | None = d(default=None, description="Note, at most 500 characters.")


@strawberry.input(description="This much of a payment to this debt.")
class AllocationInput:
    receivable_id: relay.GlobalID = d(description="The debt (of the same customer).")
    amount: Decimal = d(description="Decimal string > 0, no more than is still owed on it.")


@strawberry.input(description="Money received from a customer.")
class PaymentRecordInput:
    customer_id: relay.GlobalID = d(description="Who paid.")
    amount: Decimal = d(description="What was received, decimal string > 0.")
    received_on: date = d(description="When it arrived; not after today.")
    method: PaymentMethod = d(description="How it was paid.")
    reference: str | None = d(default=None, description="Bank or cheque reference.")
    note: str | None = d(default=None, description="Note, at most 500 characters.")
    idempotency_key: str | None = d(
        default=None,
        description="Any string up to 100 characters, unique per payment: sending the same "
        "key again answers with the payment already recorded and records nothing.",
    )
    allocations: list[AllocationInput] | None = d(
        default=None,
        description="Which debts it pays, and how much of each; omitted, the oldest due "
        "first. What no debt takes stays the customer's credit.",
    )


@strawberry.input(description="Apply what is left of a payment to the customer's debts.")
class PaymentAllocateInput:
    payment_id: relay.GlobalID = d(description="The payment with something left.")
    allocations: list[AllocationInput] | None = d(
        default=None, description="Which debts, and how much of each; omitted, oldest due first."
    )


@strawberry.input(description="Reverse a payment recorded in error.")
class PaymentReverseInput:
    payment_id: relay.GlobalID = d(description="The payment.")
    reason: str = d(description="Why (a bounced cheque, the wrong customer), at most 500.")


@strawberry.input(description="Narrow a list of debts.")
class ReceivableFilter:
    customer_id: relay.GlobalID | None = d(default=None, description="One customer's.")
    open: bool | None = d(default=None, description="Only those with something still owed.")
    overdue: bool | None = d(
        default=None, description="Only those past their due date with something owed."
    )


def allocations(raw: list[AllocationInput] | None) -> list[Allocation] | None:
    """The domain's allocations; a malformed id is refused on its own field."""
    if raw is None:
        return None
    return [
        Allocation(
            decode_id(a.receivable_id, "Receivable", f"allocations.{i}.receivable_id"), a.amount
        )
        for i, a in enumerate(raw)
    ]


@strawberry.input(description="Stop or resume supply to a customer.")
class CreditHoldInput:
    customer_id: relay.GlobalID = d(description="The customer.")
    reason: str = d(description="Why, at most 500 characters.")


@strawberry.input(description="Propose writing off part or all of a debt.")
class WriteOffProposeInput:
    receivable_id: relay.GlobalID = d(description="The debt.")
    amount: Decimal = d(description="Decimal string > 0, no more than is still owed.")
    reason: str = d(description="Why it will not be paid, at most 500 characters.")


@strawberry.input(description="Decide a proposed write-off.")
class WriteOffDecideInput:
    write_off_id: relay.GlobalID = d(description="The proposal.")
    approve: bool = d(description="True approves it, false refuses it.")
    note: str | None = d(default=None, description="A note, at most 500 characters.")


@strawberry.input(description="Classify an overdue debt.")
class CollectionClassifyInput:
    id: relay.GlobalID = d(description="The collection case.")
    version: int = d(description="The version you read.")
    classification: Classification = d(description="Why it is overdue.")
    reason: str = d(description="What shows it, at most 500 characters.")


@strawberry.input(description="Take a step of the collection ladder.")
class CollectionStepInput:
    id: relay.GlobalID = d(description="The collection case.")
    version: int = d(description="The version you read.")
    step: CollectionStep = d(description="The step to take (not NEW or CLOSED).")
    next_action_on: date = d(description="When the next action is due; not in the past.")
    note: str | None = d(
        default=None,
        description="The outcome, at most 2000 characters; required (the reason) when going "
        "down a step.",
    )
    ally_id: relay.GlobalID | None = d(
        default=None, description="Step 2: the ally worked through (one of the customer's)."
    )
    key_person_id: relay.GlobalID | None = d(
        default=None, description="Step 3: the key person (a decision maker)."
    )
    agency_name: str | None = d(default=None, description="Step 5: the agency.")
    handed_over_on: date | None = d(default=None, description="Step 5: handed over on.")
    agency_fee: Decimal | None = d(default=None, description="Step 5: the agency's fee.")
    legal_action: LegalAction | None = d(default=None, description="Step 6: what was done.")
    case_number: str | None = d(
        default=None, description="Step 6: the court's case number (required for a lawsuit)."
    )


@strawberry.input(description="Record an action at the case's current step.")
class CollectionLogInput:
    id: relay.GlobalID = d(description="The collection case.")
    version: int = d(description="The version you read.")
    outcome: str = d(description="What was done and what came of it, at most 2000.")
    next_action_on: date = d(description="When the next action is due; not in the past.")


@strawberry.input(description="Record that the customer agreed a statement of account.")
class StatementReconcileInput:
    customer_id: relay.GlobalID = d(description="The customer.")
    period_from: date = d(name="from", description="The statement's first day.")
    period_to: date = d(name="to", description="Its last day; not in the future.")
    confirmed_by: str = d(description="Who confirmed it at the customer, at most 100.")
    differences: str | None = d(default=None, description="Differences found, if any.")


@strawberry.input(description="Mark a debt disputed by the customer, or no longer disputed.")
class ReceivableDisputeInput:
    receivable_id: relay.GlobalID = d(description="The debt.")
    disputed: bool = d(description="True: the customer disputes it; false: resolved.")
    note: str | None = d(default=None, description="What is disputed, at most 500.")
