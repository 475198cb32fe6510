"""Receivables and collections: the collections board, a collection case, a customer's
money (the money tab), aging, and the mutations finance, reps and managers take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.api.errors import ApiError
from tui.api.records import Money
from tui.api.transport import Json, Transport
from tui.i18n import _

_MONEY = "{ amount currency }"  # not text: GraphQL fields

CASE_CARD = f"""id version step classification nextActionOn customerName customerId
  overdue {_MONEY} oldestDaysOverdue"""

COLLECTIONS = f"""
query Collections($mine: Boolean, $first: Int) {{
  collections(mine: $mine, first: $first) {{
    columns {{ step count cases {{ {CASE_CARD} }} }}
  }}
}}"""

COLLECTION_CASE = f"""
query CollectionCase($id: ID!) {{
  node(id: $id) {{
    ... on CollectionCase {{
      {CASE_CARD}
      classificationReason allyName keyPersonName agencyName handedOverOn
      agencyFee {_MONEY} legalAction caseNumber openedAt viewerSteps
      entries {{ step action outcome nextActionOn at actor {{ displayName }} }}
    }}
  }}
}}"""

ACCOUNT = f"""
query CustomerAccount($id: ID!) {{
  customerAccount(customerId: $id) {{
    customerId customerName creditLimit {_MONEY} creditUsedPercent billingDay paymentDays
    balance {{ open {_MONEY} overdue {_MONEY} credit {_MONEY} net {_MONEY} openCount }}
    hold {{ reason placedAt placedBy {{ displayName }} }}
    contacts {{ contactId name title phone isDecisionMaker isAlly }}
    receivables(open: true, first: 100) {{ nodes {{ id reference amount {_MONEY}
      open {_MONEY} issuedOn dueOn status daysOverdue }} }}
    payments(first: 20) {{ nodes {{ id amount {_MONEY} unallocated {_MONEY} receivedOn
      method reference reversedAt }} }}
    collectionCase {{ {CASE_CARD} }}
  }}
}}"""

AGING = f"""
query Aging($groupBy: AgingGroup!, $first: Int) {{
  aging(groupBy: $groupBy, first: $first) {{
    asOf edges rowCount
    rows {{ id name buckets {{ fromDays toDays amount {_MONEY} }} total {_MONEY}
      overdue {_MONEY} dso }}
  }}
}}"""

_ERRORS = "userErrors { field code message }"  # not text: GraphQL fields
_CASE_PAYLOAD = f"collectionCase {{ id version step }} {_ERRORS}"

PAYMENT_RECORD = f"""
mutation PaymentRecord($input: PaymentRecordInput!) {{
  paymentRecord(input: $input) {{
    payment {{ id unallocated {_MONEY} allocations {{ amount {_MONEY}
      receivable {{ reference }} }} }}
    replayed {_ERRORS}
  }}
}}"""

COLLECTION_CLASSIFY = f"""
mutation CollectionClassify($input: CollectionClassifyInput!) {{
  collectionClassify(input: $input) {{ {_CASE_PAYLOAD} }}
}}"""

COLLECTION_STEP = f"""
mutation CollectionStep($input: CollectionStepInput!) {{
  collectionStep(input: $input) {{ {_CASE_PAYLOAD} }}
}}"""

COLLECTION_LOG = f"""
mutation CollectionLog($input: CollectionLogInput!) {{
  collectionLog(input: $input) {{ {_CASE_PAYLOAD} }}
}}"""

CREDIT_HOLD_PLACE = f"""
mutation CreditHoldPlace($input: CreditHoldInput!) {{
  creditHoldPlace(input: $input) {{ account {{ hold {{ reason }} }} {_ERRORS} }}
}}"""

CREDIT_HOLD_RELEASE = f"""
mutation CreditHoldRelease($input: CreditHoldInput!) {{
  creditHoldRelease(input: $input) {{ account {{ hold {{ reason }} }} {_ERRORS} }}
}}"""

STATEMENT = f"""
query Statement($id: ID!, $from: Date!, $to: Date!) {{
  customerAccount(customerId: $id) {{
    customerName
    statement(from: $from, to: $to) {{
      periodFrom periodTo opening {_MONEY} closing {_MONEY}
      lines {{ on kind reference amount {_MONEY} }}
    }}
    reconciliations {{ periodFrom periodTo closing {_MONEY} confirmedBy differences }}
  }}
}}"""

STATEMENT_RECONCILE = f"""
mutation StatementReconcile($input: StatementReconcileInput!) {{
  statementReconcile(input: $input) {{ reconciliation {{ closing {_MONEY} }} {_ERRORS} }}
}}"""

PAYMENT_REVERSE = f"""
mutation PaymentReverse($input: PaymentReverseInput!) {{
  paymentReverse(input: $input) {{ payment {{ id reversedAt }} {_ERRORS} }}
}}"""

RECEIVABLE_DISPUTE = f"""
mutation ReceivableDispute($input: ReceivableDisputeInput!) {{
  receivableDispute(input: $input) {{ receivable {{ id status }} {_ERRORS} }}
}}"""

WRITE_OFFS = f"""
query WriteOffs($status: WriteOffStatus) {{
  writeOffs(status: $status, first: 50) {{
    nodes {{ id amount {_MONEY} reason status proposedAt proposedBy {{ displayName }}
      receivable {{ reference customerName open {_MONEY} }} }}
  }}
}}"""

WRITE_OFF_PROPOSE = f"""
mutation WriteOffPropose($input: WriteOffProposeInput!) {{
  writeOffPropose(input: $input) {{ writeOff {{ id status }} {_ERRORS} }}
}}"""

WRITE_OFF_DECIDE = f"""
mutation WriteOffDecide($input: WriteOffDecideInput!) {{
  writeOffDecide(input: $input) {{ writeOff {{ id status }} {_ERRORS} }}
}}"""

ORDER_CREATE = f"""
mutation SalesOrderCreate($input: SalesOrderCreateInput!) {{
  salesOrderCreate(input: $input) {{ salesOrder {{ id total {_MONEY} }} created {_ERRORS} }}
}}"""

OPERATIONS = {
    "COLLECTIONS": COLLECTIONS,
    "COLLECTION_CASE": COLLECTION_CASE,
    "CUSTOMER_ACCOUNT": ACCOUNT,
    "AGING": AGING,
    "PAYMENT_RECORD": PAYMENT_RECORD,
    "COLLECTION_CLASSIFY": COLLECTION_CLASSIFY,
    "COLLECTION_STEP": COLLECTION_STEP,
    "COLLECTION_LOG": COLLECTION_LOG,
    "CREDIT_HOLD_PLACE": CREDIT_HOLD_PLACE,
    "CREDIT_HOLD_RELEASE": CREDIT_HOLD_RELEASE,
    "STATEMENT": STATEMENT,
    "STATEMENT_RECONCILE": STATEMENT_RECONCILE,
    "PAYMENT_REVERSE": PAYMENT_REVERSE,
    "RECEIVABLE_DISPUTE": RECEIVABLE_DISPUTE,
    "WRITE_OFFS": WRITE_OFFS,
    "WRITE_OFF_PROPOSE": WRITE_OFF_PROPOSE,
    "WRITE_OFF_DECIDE": WRITE_OFF_DECIDE,
    "ORDER_CREATE": ORDER_CREATE,
}


def _money(d: Json | None) -> Money | None:
    return Money.parse(d) if d else None


@dataclass(frozen=True)
class CaseCard:
    """A collection case as the board shows it."""

    id: str
    version: int
    step: str
    classification: str | None
    next_action_on: str | None
    customer_name: str
    customer_id: str
    overdue: Money | None
    oldest_days_overdue: int

    @classmethod
    def parse(cls, d: Json) -> CaseCard:
        return cls(
            id=d["id"],
            version=d["version"],
            step=d["step"],
            classification=d["classification"],
            next_action_on=d["nextActionOn"],
            customer_name=d["customerName"],
            customer_id=d["customerId"],
            overdue=_money(d["overdue"]),
            oldest_days_overdue=d["oldestDaysOverdue"],
        )


@dataclass(frozen=True)
class CollectionColumn:
    step: str
    count: int
    cases: list[CaseCard]


@dataclass(frozen=True)
class CaseEntry:
    step: str
    action: str
    outcome: str
    next_action_on: str | None
    at: str
    actor: str


@dataclass(frozen=True)
class CaseDetail:
    card: CaseCard
    data: Json  # the rungs' records, read by the screen field by field
    entries: list[CaseEntry]
    steps: list[str]  # the rungs the viewer may take now

    @classmethod
    def parse(cls, d: Json) -> CaseDetail:
        return cls(
            card=CaseCard.parse(d),
            data=d,
            entries=[
                CaseEntry(
                    step=e["step"],
                    action=e["action"],
                    outcome=e["outcome"],
                    next_action_on=e["nextActionOn"],
                    at=e["at"],
                    actor=(e["actor"] or {}).get("displayName", ""),
                )
                for e in d["entries"]
            ],
            steps=list(d["viewerSteps"]),
        )


@dataclass(frozen=True)
class Debt:
    id: str
    reference: str
    amount: Money | None
    open: Money | None
    issued_on: str
    due_on: str
    status: str
    days_overdue: int


@dataclass(frozen=True)
class PaymentRow:
    id: str
    amount: Money | None
    unallocated: Money | None
    received_on: str
    method: str
    reference: str
    reversed: bool


@dataclass(frozen=True)
class AccountContact:
    id: str
    name: str
    title: str
    is_decision_maker: bool
    is_ally: bool


@dataclass(frozen=True)
class Account:
    """A customer's money, as the money tab and the payment dialog show it."""

    customer_id: str
    customer_name: str
    credit_limit: Money | None
    credit_used_percent: float | None
    open: Money | None
    overdue: Money | None
    credit: Money | None
    hold_reason: str | None
    contacts: list[AccountContact]
    debts: list[Debt]
    payments: list[PaymentRow]
    case: CaseCard | None

    @classmethod
    def parse(cls, d: Json) -> Account:
        balance = d["balance"]
        return cls(
            customer_id=d["customerId"],
            customer_name=d["customerName"],
            credit_limit=_money(d["creditLimit"]),
            credit_used_percent=d["creditUsedPercent"],
            open=_money(balance["open"]),
            overdue=_money(balance["overdue"]),
            credit=_money(balance["credit"]),
            hold_reason=(d["hold"] or {}).get("reason"),
            contacts=[
                AccountContact(
                    c["contactId"], c["name"], c["title"], c["isDecisionMaker"], c["isAlly"]
                )
                for c in d["contacts"]
            ],
            debts=[
                Debt(
                    r["id"],
                    r["reference"],
                    _money(r["amount"]),
                    _money(r["open"]),
                    r["issuedOn"],
                    r["dueOn"],
                    r["status"],
                    r["daysOverdue"],
                )
                for r in d["receivables"]["nodes"]
            ],
            payments=[
                PaymentRow(
                    p["id"],
                    _money(p["amount"]),
                    _money(p["unallocated"]),
                    p["receivedOn"],
                    p["method"],
                    p["reference"],
                    p["reversedAt"] is not None,
                )
                for p in d["payments"]["nodes"]
            ],
            case=CaseCard.parse(d["collectionCase"]) if d["collectionCase"] else None,
        )


@dataclass(frozen=True)
class StatementLine:
    on: str
    kind: str  # debt, payment, reversal, write_off
    reference: str
    amount: Money | None


@dataclass(frozen=True)
class Statement:
    customer_name: str
    period_from: str
    period_to: str
    opening: Money | None
    closing: Money | None
    lines: list[StatementLine]
    # (period from, period to, closing, confirmed by, differences) agreed before
    agreed: list[tuple[str, str, Money | None, str, str]]


@dataclass(frozen=True)
class WriteOff:
    """A write-off as the manager deciding it sees it."""

    id: str
    amount: Money | None
    reason: str
    status: str
    proposed_at: str
    proposed_by: str
    reference: str
    customer_name: str
    still_owed: Money | None


@dataclass(frozen=True)
class AgingRow:
    id: str | None
    name: str
    buckets: list[Money | None]
    total: Money | None
    overdue: Money | None
    dso: str | None


@dataclass(frozen=True)
class Aging:
    as_of: str
    edges: list[int]
    rows: list[AgingRow]
    row_count: int


class ReceivablesCalls(Transport):
    async def collections(self, mine: bool = False, first: int = 20) -> list[CollectionColumn]:
        """The collection cases the viewer reads, by ladder step."""
        data = (await self._execute(COLLECTIONS, {"mine": mine, "first": first}))["collections"]
        return [
            CollectionColumn(c["step"], c["count"], [CaseCard.parse(n) for n in c["cases"]])
            for c in data["columns"]
        ]

    async def collection_case(self, case_id: str) -> CaseDetail | None:
        """One case with its record of actions and the rungs the viewer may take."""
        node = (await self._execute(COLLECTION_CASE, {"id": case_id}))["node"]
        return CaseDetail.parse(node) if node else None

    async def account(self, customer_id: str) -> Account | None:
        """A customer's money; None when the viewer may not read it."""
        found = (await self._execute(ACCOUNT, {"id": customer_id}))["customerAccount"]
        return Account.parse(found) if found else None

    async def aging(self, group_by: str, first: int = 20) -> Aging:
        """Aging as of today, grouped as asked (COMPANY, TEAM, OWNER, CUSTOMER)."""
        data = (await self._execute(AGING, {"groupBy": group_by, "first": first}))["aging"]
        return Aging(
            as_of=data["asOf"],
            edges=list(data["edges"]),
            rows=[
                AgingRow(
                    r["id"],
                    r["name"],
                    [_money(b["amount"]) for b in r["buckets"]],
                    _money(r["total"]),
                    _money(r["overdue"]),
                    r["dso"],
                )
                for r in data["rows"]
            ],
            row_count=data["rowCount"],
        )

    async def record_payment(self, values: Json) -> Json:
        """Record a payment (PaymentRecordInput); userErrors raise UserErrors. The answer
        says how it was applied."""
        payload: Json = await self._mutate(PAYMENT_RECORD, "paymentRecord", {"input": values})
        return payload

    async def classify_case(self, values: Json) -> Json:
        """Classify a case's debt (CollectionClassifyInput)."""
        return await self._case("collectionClassify", COLLECTION_CLASSIFY, values)

    async def take_step(self, values: Json) -> Json:
        """Take a rung of the ladder (CollectionStepInput)."""
        return await self._case("collectionStep", COLLECTION_STEP, values)

    async def log_case(self, values: Json) -> Json:
        """Record an action at the case's rung (CollectionLogInput)."""
        return await self._case("collectionLog", COLLECTION_LOG, values)

    async def _case(self, name: str, document: str, values: Json) -> Json:
        payload = await self._mutate(document, name, {"input": values})
        case: Json = payload["collectionCase"]
        return case

    async def set_hold(self, customer_id: str, reason: str, *, place: bool) -> None:
        """Stop supply to a customer, or resume it, with the reason."""
        document, name = (
            (CREDIT_HOLD_PLACE, "creditHoldPlace")
            if place
            else (CREDIT_HOLD_RELEASE, "creditHoldRelease")
        )
        variables: dict[str, Any] = {"input": {"customerId": customer_id, "reason": reason}}
        await self._mutate(document, name, variables)

    async def write_offs(self, status: str | None = "PROPOSED") -> list[WriteOff]:
        """Write-offs the viewer reads, the latest proposed first (by default those waiting
        for a decision)."""
        found = (await self._execute(WRITE_OFFS, {"status": status}))["writeOffs"]["nodes"]
        return [
            WriteOff(
                id=w["id"],
                amount=_money(w["amount"]),
                reason=w["reason"],
                status=w["status"],
                proposed_at=w["proposedAt"],
                proposed_by=(w["proposedBy"] or {}).get("displayName", ""),
                reference=w["receivable"]["reference"],
                customer_name=w["receivable"]["customerName"],
                still_owed=_money(w["receivable"]["open"]),
            )
            for w in found
        ]

    async def propose_write_off(self, values: Json) -> None:
        """Propose writing off part or all of a debt (WriteOffProposeInput)."""
        await self._mutate(WRITE_OFF_PROPOSE, "writeOffPropose", {"input": values})

    async def decide_write_off(self, values: Json) -> None:
        """Approve or refuse a proposed write-off (WriteOffDecideInput)."""
        await self._mutate(WRITE_OFF_DECIDE, "writeOffDecide", {"input": values})

    async def create_order(self, values: Json) -> Json:
        """Record a sales order (SalesOrderCreateInput); a credit hold or limit refuses it
        with a userError on creditOverrideReason unless a manager gives one."""
        payload: Json = await self._mutate(ORDER_CREATE, "salesOrderCreate", {"input": values})
        return payload

    async def statement(self, customer_id: str, period_from: str, period_to: str) -> Statement:
        """A customer's statement of account for a period, and the statements agreed."""
        found = (
            await self._execute(
                STATEMENT, {"id": customer_id, "from": period_from, "to": period_to}
            )
        )["customerAccount"]
        if found is None:
            raise ApiError(_("You may not read this customer's money."))
        s = found["statement"]
        return Statement(
            customer_name=found["customerName"],
            period_from=s["periodFrom"],
            period_to=s["periodTo"],
            opening=_money(s["opening"]),
            closing=_money(s["closing"]),
            lines=[
                StatementLine(x["on"], x["kind"], x["reference"], _money(x["amount"]))
                for x in s["lines"]
            ],
            agreed=[
                (
                    r["periodFrom"],
                    r["periodTo"],
                    _money(r["closing"]),
                    r["confirmedBy"],
                    r["differences"],
                )
                for r in found["reconciliations"]
            ],
        )

    async def reconcile(self, values: Json) -> None:
        """Record that the customer agreed a statement (StatementReconcileInput)."""
        await self._mutate(STATEMENT_RECONCILE, "statementReconcile", {"input": values})

    async def reverse_payment(self, payment_id: str, reason: str) -> None:
        """Undo a payment recorded in error, with the reason; its debts are owed again."""
        variables = {"input": {"paymentId": payment_id, "reason": reason}}
        await self._mutate(PAYMENT_REVERSE, "paymentReverse", variables)

    async def set_disputed(self, receivable_id: str, disputed: bool, note: str) -> None:
        """Mark a debt disputed by the customer, or resolved."""
        variables = {"input": {"receivableId": receivable_id, "disputed": disputed, "note": note}}
        await self._mutate(RECEIVABLE_DISPUTE, "receivableDispute", variables)
