"""Receivables (收款, docs/domain.md §6, seed 000 §六): what customers owe, what they paid, what
was written off, and each customer's ledger, the row every change of their money locks.

Amounts are integer minor units (shared/money.py). A receivable keeps its paid, written-off
and open parts beside its amount, changed together in one UPDATE under the ledger's lock,
so `open = amount − paid − written off` holds after every statement (a test checks it
against the allocations), and aging sums one column.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from server.domain.accounts.models import User
from server.domain.customers.models import Contact, Customer
from server.domain.followups.models import FollowUp
from server.domain.sales.models import SalesOrder
from server.domain.shared.timefields import UtcDatetimeField


class ReceivableStatus(StrEnum):
    OPEN = "open"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    WRITTEN_OFF = "written_off"
    DISPUTED = "disputed"


RECEIVABLE_STATUS_MEANING = {
    ReceivableStatus.OPEN: "Owed in full; nothing paid yet.",
    ReceivableStatus.PARTLY_PAID: "Part paid; the rest still owed.",
    ReceivableStatus.PAID: "Paid in full.",
    ReceivableStatus.WRITTEN_OFF: "Settled, at least in part by writing it off as bad debt.",
    ReceivableStatus.DISPUTED: "The customer disputes it; still owed until resolved.",
}

SETTLED = frozenset({ReceivableStatus.PAID, ReceivableStatus.WRITTEN_OFF})


def receivable_status(
    amount: int, paid: int, written_off: int, *, disputed: bool = False
) -> ReceivableStatus:
    """Where a receivable stands, from its parts: settled when nothing is open."""
    open_minor = amount - paid - written_off
    if open_minor <= 0:
        return ReceivableStatus.WRITTEN_OFF if written_off else ReceivableStatus.PAID
    if disputed:
        return ReceivableStatus.DISPUTED
    return ReceivableStatus.PARTLY_PAID if paid or written_off else ReceivableStatus.OPEN


class PaymentMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"
    CHEQUE = "cheque"
    BANK_ACCEPTANCE = "bank_acceptance"
    OTHER = "other"


PAYMENT_METHOD_MEANING = {
    PaymentMethod.BANK_TRANSFER: "Bank transfer (银行转账).",
    PaymentMethod.CASH: "Cash (现金).",
    PaymentMethod.CHEQUE: "Cheque (支票).",
    PaymentMethod.BANK_ACCEPTANCE: "Bank acceptance bill (银行承兑汇票).",
    PaymentMethod.OTHER: "Any other way.",
}


class Receivable(Model):
    id = fields.IntField(primary_key=True)
    version = fields.IntField(default=1)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm.Customer", related_name="receivables", on_delete=fields.RESTRICT
    )
    # The order it bills, when it came from one: at most one receivable per order.
    sales_order: fields.ForeignKeyNullableRelation[SalesOrder] = fields.ForeignKeyField(
        "crm.SalesOrder",
        related_name="receivables",
        null=True,
        unique=True,
        on_delete=fields.RESTRICT,
    )
    reference = fields.CharField(max_length=100, default="")
    amount_minor = fields.BigIntField()
    paid_minor = fields.BigIntField(default=0)
    written_off_minor = fields.BigIntField(default=0)
    open_minor = fields.BigIntField()
    issued_on = fields.DateField()
    due_on = fields.DateField()
    status = fields.CharEnumField(ReceivableStatus, max_length=20, default=ReceivableStatus.OPEN)
    disputed = fields.BooleanField(default=False)
    note = fields.CharField(max_length=500, default="")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    # The owner's payment reminder before the due date (docs/domain.md §6), while it is open.
    reminder: fields.ForeignKeyNullableRelation[FollowUp] = fields.ForeignKeyField(
        "crm.FollowUp", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = UtcDatetimeField(auto_now_add=True)
    updated_at = UtcDatetimeField(auto_now=True)

    customer_id: int
    sales_order_id: int | None
    created_by_id: int | None
    reminder_id: int | None

    class Meta:
        table = "receivable"
        # The DSO window sums what was issued in it from this index alone; aging reads the
        # open debts from a partial index of exactly those (migration 0012).
        indexes = (("customer_id", "due_on"), ("issued_on", "customer_id", "amount_minor"))


class Payment(Model):
    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm.Customer", related_name="payments", on_delete=fields.RESTRICT
    )
    amount_minor = fields.BigIntField()
    # What no receivable took: the customer's credit, allocated later.
    unallocated_minor = fields.BigIntField(default=0)
    received_on = fields.DateField()
    method = fields.CharEnumField(PaymentMethod, max_length=20)
    reference = fields.CharField(max_length=100, default="")
    note = fields.CharField(max_length=500, default="")
    # A retried request (or a re-imported bank line, "bank:<reference>") finds its payment.
    idempotency_key = fields.CharField(max_length=120, null=True, unique=True)
    recorded_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name=False, on_delete=fields.RESTRICT
    )
    recorded_at = UtcDatetimeField(auto_now_add=True)
    # A payment is never deleted: a wrong one is reversed, with the reason.
    reversed_at = UtcDatetimeField(null=True)
    reversed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    reversal_reason = fields.CharField(max_length=500, default="")

    customer_id: int
    recorded_by_id: int
    reversed_by_id: int | None

    class Meta:
        table = "payment"
        indexes = (("customer_id", "received_on"),)


class PaymentAllocation(Model):
    """Part of a payment applied to one receivable."""

    id = fields.IntField(primary_key=True)
    payment: fields.ForeignKeyRelation[Payment] = fields.ForeignKeyField(
        "crm.Payment", related_name="allocations", on_delete=fields.RESTRICT
    )
    receivable: fields.ForeignKeyRelation[Receivable] = fields.ForeignKeyField(
        "crm.Receivable", related_name="allocations", on_delete=fields.RESTRICT
    )
    amount_minor = fields.BigIntField()
    allocated_at = UtcDatetimeField(auto_now_add=True)
    # Set when the payment is reversed: the receivable owes this again.
    reversed = fields.BooleanField(default=False)

    payment_id: int
    receivable_id: int

    class Meta:
        table = "payment_allocation"
        indexes = (("receivable_id",),)


class CustomerLedger(Model):
    """One row per customer with money on record, the lock of their money.

    Every change of a customer's money first bumps `version` here: that UPDATE is the lock
    that makes concurrent payments on one customer wait for each other (a row lock on
    PostgreSQL; on SQLite the write lock, taken before anything is read, as BEGIN IMMEDIATE
    would)."""

    id = fields.IntField(primary_key=True)
    customer: fields.OneToOneRelation[Customer] = fields.OneToOneField(
        "crm.Customer", related_name="ledger", on_delete=fields.RESTRICT
    )
    version = fields.IntField(default=0)
    updated_at = UtcDatetimeField(auto_now=True)

    customer_id: int

    class Meta:
        table = "customer_ledger"


# ---- holds, write-offs, collections ----


class CreditHold(Model):
    """Supply stopped for a customer (断货, ladder step 4, or set by finance or a manager):
    every order is refused until it is released. One open hold per customer at most; a
    released hold stays on record."""

    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm.Customer", related_name="credit_holds", on_delete=fields.RESTRICT
    )
    reason = fields.CharField(max_length=500)
    placed_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name=False, on_delete=fields.RESTRICT
    )
    placed_at = UtcDatetimeField(auto_now_add=True)
    released_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    released_at = UtcDatetimeField(null=True)
    release_reason = fields.CharField(max_length=500, default="")
    # "<customer id>" while the hold stands, NULL once released: at most one standing hold.
    open_slot = fields.IntField(null=True, unique=True)

    customer_id: int
    placed_by_id: int
    released_by_id: int | None

    class Meta:
        table = "credit_hold"
        indexes = (("customer_id", "placed_at"),)


class WriteOffStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REFUSED = "refused"


WRITE_OFF_STATUS_MEANING = {
    WriteOffStatus.PROPOSED: "Proposed; waiting for a manager (not the proposer) to decide.",
    WriteOffStatus.APPROVED: "Approved: the amount is no longer owed (bad debt, 坏账).",
    WriteOffStatus.REFUSED: "Refused: the debt stays owed.",
}


class WriteOff(Model):
    """Part or all of a debt written off as bad debt: proposed by finance or the owner,
    decided by a manager who did not propose it (four eyes)."""

    id = fields.IntField(primary_key=True)
    receivable: fields.ForeignKeyRelation[Receivable] = fields.ForeignKeyField(
        "crm.Receivable", related_name="write_offs", on_delete=fields.RESTRICT
    )
    amount_minor = fields.BigIntField()
    reason = fields.CharField(max_length=500)
    status = fields.CharEnumField(WriteOffStatus, max_length=10, default=WriteOffStatus.PROPOSED)
    proposed_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name=False, on_delete=fields.RESTRICT
    )
    proposed_at = UtcDatetimeField(auto_now_add=True)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    decided_at = UtcDatetimeField(null=True)
    decision_note = fields.CharField(max_length=500, default="")

    receivable_id: int
    proposed_by_id: int
    decided_by_id: int | None

    class Meta:
        table = "write_off"
        indexes = (("status", "proposed_at"),)


class Classification(StrEnum):
    """Why a debt is overdue (seed 000 §六): the ladder's allowed steps follow from it."""

    CASH_FLOW = "cash_flow"
    NEGLECT = "neglect"
    DISPUTE = "dispute"
    MALICIOUS = "malicious"


CLASSIFICATION_MEANING = {
    Classification.CASH_FLOW: "Non-malicious: the customer is short of cash (the usual case).",
    Classification.NEGLECT: "Non-malicious: overlooked or slow paperwork.",
    Classification.DISPUTE: "Non-malicious: the customer disputes what is owed.",
    Classification.MALICIOUS: "Malicious: bad faith, a risk of bad debt (恶意欠款).",
}
MALICIOUS = frozenset({Classification.MALICIOUS})


class CollectionStep(StrEnum):
    """Where a collection case stands: to be classified, one of the six rungs of seed 000
    §六, or closed."""

    NEW = "new"
    NEGOTIATE = "negotiate"
    THROUGH_ALLY = "through_ally"
    KEY_PERSON = "key_person"
    STOP_SUPPLY = "stop_supply"
    AGENCY = "agency"
    LEGAL = "legal"
    CLOSED = "closed"


COLLECTION_STEP_MEANING = {
    CollectionStep.NEW: "Overdue; the debt to be classified and the first step taken.",
    CollectionStep.NEGOTIATE: "1. Negotiate with the people concerned, on the agreement.",
    CollectionStep.THROUGH_ALLY: "2. Through the customer's insider ally (内线), find the real "
    "reason.",
    CollectionStep.KEY_PERSON: "3. Influence the key person for payment.",
    CollectionStep.STOP_SUPPLY: "4. Stop supply (断货): the customer is on credit hold.",
    CollectionStep.AGENCY: "5. Handed to a professional collection agency.",
    CollectionStep.LEGAL: "6. Legal action: a lawyer's letter or a lawsuit.",
    CollectionStep.CLOSED: "Closed: the overdue debt is paid or written off.",
}
LADDER = (
    CollectionStep.NEGOTIATE,
    CollectionStep.THROUGH_ALLY,
    CollectionStep.KEY_PERSON,
    CollectionStep.STOP_SUPPLY,
    CollectionStep.AGENCY,
    CollectionStep.LEGAL,
)
# Non-malicious debts keep the relationship: the first four rungs only.
GENTLE = frozenset(LADDER[:4])


class LegalAction(StrEnum):
    LAWYERS_LETTER = "lawyers_letter"
    LAWSUIT = "lawsuit"


LEGAL_ACTION_MEANING = {
    LegalAction.LAWYERS_LETTER: "A lawyer's letter (律师函).",
    LegalAction.LAWSUIT: "A lawsuit (诉讼).",
}


class CollectionCase(Model):
    """Collecting the overdue debts of one customer (催收), one open case per customer."""

    id = fields.IntField(primary_key=True)
    version = fields.IntField(default=1)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm.Customer", related_name="collection_cases", on_delete=fields.RESTRICT
    )
    step = fields.CharEnumField(CollectionStep, max_length=20, default=CollectionStep.NEW)
    step_entered_at = UtcDatetimeField()
    # The next action's date, at its start of day in the company's zone.
    step_due_at = UtcDatetimeField(null=True)
    classification = fields.CharEnumField(Classification, max_length=20, null=True)
    classification_reason = fields.CharField(max_length=500, default="")
    next_action_on = fields.DateField(null=True)
    ally: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "crm.Contact", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    key_person: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "crm.Contact", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    agency_name = fields.CharField(max_length=200, default="")
    handed_over_on = fields.DateField(null=True)
    agency_fee_minor = fields.BigIntField(null=True)
    legal_action = fields.CharEnumField(LegalAction, max_length=20, null=True)
    case_number = fields.CharField(max_length=100, default="")
    opened_at = UtcDatetimeField(auto_now_add=True)
    closed_at = UtcDatetimeField(null=True)
    # "<customer id>" while open, NULL once closed: at most one open case per customer.
    open_slot = fields.IntField(null=True, unique=True)
    updated_at = UtcDatetimeField(auto_now=True)

    customer_id: int
    ally_id: int | None
    key_person_id: int | None

    class Meta:
        table = "collection_case"
        indexes = (("step", "next_action_on"),)


class CollectionEntry(Model):
    """One thing done on a case: who, when, at which step, the outcome and the next date."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[CollectionCase] = fields.ForeignKeyField(
        "crm.CollectionCase", related_name="entries", on_delete=fields.RESTRICT
    )
    step = fields.CharEnumField(CollectionStep, max_length=20)
    action = fields.CharField(max_length=20)
    outcome = fields.TextField(default="")
    next_action_on = fields.DateField(null=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    at = UtcDatetimeField(auto_now_add=True)

    case_id: int
    actor_id: int | None

    class Meta:
        table = "collection_entry"
        indexes = (("case_id", "id"),)


class Reconciliation(Model):
    """A statement of account agreed with the finance department of the customer (对账)."""

    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm.Customer", related_name="reconciliations", on_delete=fields.RESTRICT
    )
    period_from = fields.DateField()
    period_to = fields.DateField()
    closing_minor = fields.BigIntField()
    confirmed_by_name = fields.CharField(max_length=100)
    differences = fields.TextField(default="")
    recorded_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name=False, on_delete=fields.RESTRICT
    )
    recorded_at = UtcDatetimeField(auto_now_add=True)

    customer_id: int
    recorded_by_id: int

    class Meta:
        table = "reconciliation"
        indexes = (("customer_id", "period_to"),)
